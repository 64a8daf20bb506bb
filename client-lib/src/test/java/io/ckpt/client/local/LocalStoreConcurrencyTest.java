package io.ckpt.client.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.client.SegmentInfo;
import io.ckpt.client.SegmentNotFoundException;
import io.ckpt.client.store.VolumeSpec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readers racing a writer that loads new versions of a segment and removes it: every read returns
 * one committed version whole (its bytes are exactly those that version was loaded with), or
 * finds the name not loaded; never a mix of two versions, never a damaged copy.
 */
class LocalStoreConcurrencyTest {
  private static final String NAME = "race/segment";
  /** Four chunks of {@link LocalStoreTest}'s chunk size and a bit: a mix of versions would show. */
  private static final int SIZE = 4 * 100_000 + 99;
  private static final int VERSIONS = 150;

  @TempDir
  Path dir;

  /** The bytes version {@code v} is loaded with. */
  private static byte[] content(long v) {
    return LocalStoreTest.bytes(SIZE, v);
  }

  @Test
  void readersSeeWholeVersionsWhileTheWriterLoadsAndRemoves() throws Exception {
    List<byte[]> expected = new ArrayList<>();
    expected.add(null);
    for (int v = 1; v <= VERSIONS; v++) {
      expected.add(content(v));
    }
    try (LocalStore store = LocalStore.open(dir, VolumeSpec.small(), 64)) {
      LocalStoreTest.load(store, NAME, 1, expected.get(1));
      AtomicBoolean done = new AtomicBoolean();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      AtomicInteger reads = new AtomicInteger();
      AtomicInteger notFound = new AtomicInteger();
      CountDownLatch started = new CountDownLatch(3);
      List<Thread> readers = new ArrayList<>();
      for (int r = 0; r < 3; r++) {
        int kind = r;
        Thread t = new Thread(() -> {
          ByteBuffer reused = kind == 0 ? ByteBuffer.allocateDirect(SIZE) : ByteBuffer.allocate(SIZE);
          started.countDown();
          while (!done.get()) {
            try {
              byte[] got;
              SegmentInfo info;
              if (kind == 2) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                info = store.readTo(NAME, out);
                got = out.toByteArray();
              } else {
                reused.clear();
                info = store.readInto(NAME, reused);
                got = new byte[reused.flip().remaining()];
                reused.get(got);
              }
              reads.incrementAndGet();
              if (!Arrays.equals(got, expected.get((int) info.version()))) {
                failures.add("reader " + kind + " got bytes that are not those of v" + info.version());
              }
            } catch (SegmentNotFoundException e) {
              notFound.incrementAndGet();
            } catch (RuntimeException e) {
              failures.add("reader " + kind + ": " + e);
            }
          }
        }, "reader-" + r);
        t.start();
        readers.add(t);
      }
      started.await();
      for (int v = 2; v <= VERSIONS; v++) {
        if (v % 10 == 0) {
          store.remove(NAME);
          Thread.yield();
        }
        LocalStoreTest.load(store, NAME, v, expected.get(v));
        if (v % 3 == 0) {
          Thread.sleep(1); // let readers start reads of this version
        }
      }
      done.set(true);
      for (Thread t : readers) {
        t.join();
      }
      assertThat(failures).isEmpty();
      assertThat(reads.get()).isPositive();
      assertThat(store.read(NAME)).isEqualTo(expected.get(VERSIONS));
    }
  }

  @Test
  void closeWaitsForReadsInProgressAndLaterReadsFail() throws Exception {
    byte[] data = content(1);
    LocalStore store = LocalStore.open(dir, VolumeSpec.small(), 64);
    LocalStoreTest.load(store, NAME, 1, data);
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicInteger whole = new AtomicInteger();
    Thread reader = new Thread(() -> {
      ByteBuffer buf = ByteBuffer.allocate(SIZE);
      for (;;) {
        buf.clear();
        try {
          store.readInto(NAME, buf);
        } catch (IllegalStateException e) {
          return; // closed: the expected end
        } catch (RuntimeException e) {
          failures.add(e.toString());
          return;
        }
        if (!Arrays.equals(buf.array(), data)) {
          failures.add("a read returned other bytes");
          return;
        }
        whole.incrementAndGet();
      }
    });
    reader.start();
    while (whole.get() < 5 && reader.isAlive()) {
      Thread.onSpinWait();
    }
    store.close();
    reader.join();
    assertThat(failures).isEmpty();
  }
}
