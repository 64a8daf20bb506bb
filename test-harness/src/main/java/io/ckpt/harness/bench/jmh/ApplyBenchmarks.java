package io.ckpt.harness.bench.jmh;

import com.google.protobuf.ByteString;
import io.ckpt.client.util.Crc32c;
import io.ckpt.harness.TempDirs;
import io.ckpt.protocol.LogEntry;
import io.ckpt.protocol.PutEntry;
import io.ckpt.protocol.WriteReply;
import io.ckpt.statemachine.CkptStoreConfigKeys;
import io.ckpt.statemachine.store.SegmentStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.util.SizeInBytes;
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
 * Applying committed 1 KiB puts to a node's store ({@link SegmentStore#apply}), apart from Raft
 * and the network: the work every node does per small put once its entry is committed. The
 * store has the settings of {@code ckpt bench}'s nodes (one version kept per segment, a 64 GB
 * quota), so each put also frees the version it replaces; the puts go to {@value #SEGMENTS}
 * segments in turn, as the benchmark's 64 clients do. Run with {@code -prof gc} for the bytes
 * allocated per put.
 */
@State(Scope.Benchmark)
public class ApplyBenchmarks {
  static final int SEGMENTS = 64;
  static final int PUT_BYTES = 1 << 10;
  private Path dir;
  private SegmentStore store;
  private LogEntry[] puts;
  private long revision;

  @Setup(Level.Trial)
  public void open() throws IOException {
    dir = TempDirs.create("ckpt-jmh-apply");
    RaftProperties p = new RaftProperties();
    CkptStoreConfigKeys.setRetain(p, 1);
    CkptStoreConfigKeys.setQuota(p, SizeInBytes.valueOf("64GB"));
    store = SegmentStore.open(dir.resolve("store"), CkptStoreConfigKeys.storeSettings(p));
    byte[] data = new byte[PUT_BYTES];
    new SplittableRandom(1).nextBytes(data);
    puts = new LogEntry[SEGMENTS];
    for (int i = 0; i < SEGMENTS; i++) {
      puts[i] = LogEntry.newBuilder().setPut(PutEntry.newBuilder().setName("bench/apply-" + i)
          .setData(ByteString.copyFrom(data)).setCrc32C(Crc32c.of(data))).build();
    }
  }

  @TearDown(Level.Trial)
  public void close() {
    store.close();
    TempDirs.deleteQuietly(dir);
  }

  /** Applies the next put: a new version of one of the segments, replacing (and freeing) its last. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public WriteReply apply1KiBPut() {
    revision++;
    return store.apply(1, revision, puts[(int) (revision % SEGMENTS)]);
  }
}
