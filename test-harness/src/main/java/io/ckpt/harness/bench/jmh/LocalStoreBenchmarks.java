package io.ckpt.harness.bench.jmh;

import io.ckpt.client.local.LocalStore;
import io.ckpt.harness.TempDirs;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Reading and loading segments of 1 KiB and 64 MiB in a {@link LocalStore} on local files.
 *
 * <p>Read side ({@code read*}): the segment was loaded once in setup; each operation reads the
 * whole segment from the store. Load side ({@code load*}): each operation loads a new version of
 * a segment from chunks already in memory ({@code beginLoad}, {@code append} per 1 MiB chunk,
 * {@code commit}), replacing the previous version, so the network is not part of it.
 * 64 MiB operations report milliseconds per operation: GB/s = 67.1 / (ms/op) (64 MiB = 67.1 MB).
 */
@State(Scope.Benchmark)
public class LocalStoreBenchmarks {
  static final int CHUNK = 1 << 20;
  static final SegmentBytes SMALL = new SegmentBytes("bench/read-1k", 1 << 10, CHUNK, 1);
  static final SegmentBytes LARGE = new SegmentBytes("bench/read-64m", 64L << 20, CHUNK, 2);
  static final SegmentBytes SMALL_LOAD = new SegmentBytes("bench/load-1k", 1 << 10, CHUNK, 3);
  static final SegmentBytes LARGE_LOAD = new SegmentBytes("bench/load-64m", 64L << 20, CHUNK, 4);

  private Path dir;
  private LocalStore store;
  private long nextVersion = 1;

  @Setup(Level.Trial)
  public void open() {
    dir = TempDirs.create("ckpt-jmh-local");
    store = LocalStore.open(dir.resolve("store"));
    load(SMALL);
    load(LARGE);
  }

  @TearDown(Level.Trial)
  public void close() {
    store.close();
    TempDirs.deleteQuietly(dir);
  }

  private void load(SegmentBytes s) {
    try (LocalStore.Loader loader = store.beginLoad(s.info(nextVersion++))) {
      for (int i = 0; i < s.chunks.length; i++) {
        loader.append(s.chunk(i), s.chunkCrcs[i]);
      }
      loader.commit();
    }
  }

  /** Reads 1 KiB into a new array ({@link LocalStore#read}). */
  @Benchmark
  @BenchmarkMode({Mode.SampleTime, Mode.AverageTime})
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public byte[] read1KiB_array() {
    return store.read(SMALL.name);
  }

  /** Buffers one benchmark thread reuses for every read. */
  @State(Scope.Thread)
  public static class Buffers {
    final ByteBuffer small = ByteBuffer.allocate((int) SMALL.size);
    final ByteBuffer large = ByteBuffer.allocate((int) LARGE.size);
  }

  /** Reads 1 KiB into a reused heap buffer ({@link LocalStore#readInto}): no copy but the one into the buffer. */
  @Benchmark
  @BenchmarkMode({Mode.SampleTime, Mode.AverageTime})
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Object read1KiB_into(Buffers b) {
    b.small.clear();
    return store.readInto(SMALL.name, b.small);
  }

  /** Reads 64 MiB into a reused heap buffer ({@link LocalStore#readInto}). */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public Object read64MiB_into(Buffers b) {
    b.large.clear();
    return store.readInto(LARGE.name, b.large);
  }

  /** Reads 1 KiB to an output stream that discards the bytes ({@link LocalStore#readTo}). */
  @Benchmark
  @BenchmarkMode({Mode.SampleTime, Mode.AverageTime})
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Object read1KiB_stream() {
    return store.readTo(SMALL.name, OutputStream.nullOutputStream());
  }

  /** Reads 64 MiB into a new array ({@link LocalStore#read}). */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public byte[] read64MiB_array() {
    return store.read(LARGE.name);
  }

  /** Reads 64 MiB to an output stream that discards the bytes ({@link LocalStore#readTo}). */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public Object read64MiB_stream() {
    return store.readTo(LARGE.name, OutputStream.nullOutputStream());
  }

  /** Loads a new version of a 1 KiB segment (one chunk), replacing the previous one. */
  @Benchmark
  @BenchmarkMode({Mode.SampleTime, Mode.AverageTime})
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public void load1KiB() {
    load(SMALL_LOAD);
  }

  /** Loads a new version of a 64 MiB segment (64 chunks of 1 MiB), replacing the previous one. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public void load64MiB() {
    load(LARGE_LOAD);
  }
}
