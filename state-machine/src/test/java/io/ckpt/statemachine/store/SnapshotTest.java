package io.ckpt.statemachine.store;

import static io.ckpt.statemachine.store.StoreFixture.SETTINGS;
import static io.ckpt.statemachine.store.StoreFixture.bytes;
import static io.ckpt.statemachine.store.StoreFixture.chunk;
import static io.ckpt.statemachine.store.StoreFixture.put;
import static io.ckpt.statemachine.store.StoreFixture.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ckpt.protocol.LogEntry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots round-trip exactly, damage is detected, and apply is deterministic across replicas. */
class SnapshotTest {
  @TempDir Path dirA;
  @TempDir Path dirB;

  /** A random but reproducible history: puts, chunked uploads (some abandoned), deletes. */
  static List<LogEntry> history(long seed, int n) {
    Random r = new Random(seed);
    List<LogEntry> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String name = "seg" + r.nextInt(6);
      switch (r.nextInt(9)) {
        case 6 -> out.add(StoreFixture.acquire(name, "owner" + r.nextInt(3), r.nextBoolean()));
        case 7 -> out.add(StoreFixture.putWithEpoch(name, bytes(50, i), r.nextInt(4)));
        case 8 -> out.add(r.nextBoolean() ? StoreFixture.expire(name, r.nextInt(4))
            : StoreFixture.register(name, 1 + r.nextInt(3), 0));
        case 0, 1, 2 -> out.add(put(name, bytes(r.nextInt(20_000), r.nextInt())));
        case 3 -> {
          String upload = "u" + i;
          byte[] a = bytes(1 + r.nextInt(8000), r.nextInt());
          byte[] b = bytes(1 + r.nextInt(8000), r.nextInt());
          out.add(chunk(upload, name, 0, a));
          out.add(chunk(upload, name, 1, b));
          if (r.nextBoolean()) {
            out.add(StoreFixture.commit(upload, name, 2, SegmentStoreTest.concat(a, b)));
          }
        }
        case 4 -> out.add(StoreFixture.delete(name));
        default -> out.add(StoreFixture.putIfVersion(name, bytes(100, i), r.nextInt(4)));
      }
    }
    return out;
  }

  static byte[] snapshot(SegmentStore s) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    s.writeSnapshot(out);
    return out.toByteArray();
  }

  @Test
  void replicasApplyingTheSameLogEndIdentical() throws Exception {
    List<LogEntry> log = history(42, 200);
    try (SegmentStore a = SegmentStore.open(dirA, SETTINGS); SegmentStore b = SegmentStore.open(dirB, SETTINGS)) {
      List<io.ckpt.protocol.WriteReply> ra = new ArrayList<>();
      List<io.ckpt.protocol.WriteReply> rb = new ArrayList<>();
      for (int i = 0; i < log.size(); i++) {
        ra.add(a.apply(1, i + 1, log.get(i)));
        rb.add(b.apply(1, i + 1, log.get(i)));
      }
      assertThat(ra).isEqualTo(rb);
      assertThat(a.status()).isEqualTo(b.status());
      for (String name : a.catalog().names()) {
        assertThat(read(b, name, 0)).isEqualTo(read(a, name, 0));
      }
    }
  }

  @Test
  void snapshotRestoresTheSameStateAndApplyContinuesIdentically() throws Exception {
    List<LogEntry> log = history(7, 150);
    try (SegmentStore a = SegmentStore.open(dirA, SETTINGS); SegmentStore b = SegmentStore.open(dirB, SETTINGS)) {
      for (int i = 0; i < 100; i++) {
        a.apply(1, i + 1, log.get(i));
      }
      b.apply(1, 1, put("junk", bytes(100, 1)));
      b.restoreSnapshot(new ByteArrayInputStream(snapshot(a)));
      assertThat(b.appliedRevision()).isEqualTo(100);
      assertThat(b.status()).isEqualTo(a.status());
      for (int i = 100; i < log.size(); i++) {
        assertThat(b.apply(1, i + 1, log.get(i))).isEqualTo(a.apply(1, i + 1, log.get(i)));
      }
      assertThat(b.status()).isEqualTo(a.status());
      for (String name : a.catalog().names()) {
        assertThat(read(b, name, 0)).isEqualTo(read(a, name, 0));
      }
    }
  }

  @Test
  void damagedOrTruncatedSnapshotIsRefused() throws Exception {
    byte[] snap;
    try (SegmentStore a = SegmentStore.open(dirA, SETTINGS)) {
      a.apply(1, 1, put("seg", bytes(5000, 1)));
      a.apply(1, 2, put("seg2", bytes(7000, 2)));
      snap = snapshot(a);
    }
    try (SegmentStore b = SegmentStore.open(dirB, SETTINGS)) {
      for (int pos : new int[] {3, 40, snap.length / 2, snap.length - 20}) {
        byte[] bad = snap.clone();
        bad[pos] ^= 0x40;
        assertThatThrownBy(() -> b.restoreSnapshot(new ByteArrayInputStream(bad)))
            .as("flipped byte at %d", pos).isInstanceOf(StoreCorruptException.class);
      }
      byte[] truncated = Arrays.copyOf(snap, snap.length - 7);
      assertThatThrownBy(() -> b.restoreSnapshot(new ByteArrayInputStream(truncated)))
          .isInstanceOf(StoreCorruptException.class);
      b.restoreSnapshot(new ByteArrayInputStream(snap));
      assertThat(read(b, "seg2", 0)).isEqualTo(bytes(7000, 2));
    }
  }
}
