package io.ckpt.client.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkVolumesTest {
  private static final int MIB = 1 << 20;
  /** 4 MiB volumes: usable 3 MiB, so two values of 1 MiB per volume. */
  private static final VolumeSpec TINY = new VolumeSpec(4L << 20, MIB, 3, 16 << 10);

  @TempDir
  Path dir;

  private static byte[] bytes(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void putGetRemoveRoundTrip() throws IOException {
    try (ChunkVolumes v = ChunkVolumes.open(dir, "t", VolumeSpec.small())) {
      assertThat(v.volumeCount()).isZero();
      byte[] a = bytes(1000, 1);
      int vol = v.place(a.length);
      assertThat(vol).isZero();
      v.put(vol, 42L, a);
      assertThat(v.get(vol, 42L)).isEqualTo(a);
      assertThat(v.get(vol, 43L)).isNull();
      assertThat(v.usedBytes()).isEqualTo(VolumeSpec.small().chargeOf(1000));
      assertThat(v.entryCount()).isEqualTo(1);

      byte[] b = bytes(100_000, 2); // replace: accounting follows the new size
      v.put(vol, 42L, b);
      assertThat(v.get(vol, 42L)).isEqualTo(b);
      assertThat(v.usedBytes()).isEqualTo(VolumeSpec.small().chargeOf(100_000));
      assertThat(v.entryCount()).isEqualTo(1);

      v.put(vol, 7L, new byte[0]);
      assertThat(v.get(vol, 7L)).isEmpty();

      assertThat(v.remove(vol, 42L)).isTrue();
      assertThat(v.remove(vol, 42L)).isFalse();
      assertThat(v.get(vol, 42L)).isNull();
      assertThat(v.remove(vol, 7L)).isTrue();
      assertThat(v.usedBytes()).isZero();
      assertThat(v.capacityBytes()).isEqualTo(16L * (8L << 20));
      assertThatThrownBy(() -> v.get(5, 1L)).isInstanceOf(IndexOutOfBoundsException.class);
    }
  }

  @Test
  void placementFillsVolumeZeroThenCreatesVolumeOne() throws IOException {
    try (ChunkVolumes v = ChunkVolumes.open(dir, "t", TINY)) {
      for (long id = 0; id < 2; id++) {
        assertThat(v.place(MIB)).isZero();
        v.put(0, id, bytes(MIB, id));
      }
      assertThat(v.volumeCount()).isEqualTo(1);
      assertThat(v.place(MIB)).isEqualTo(1);
      assertThat(v.volumeCount()).isEqualTo(2);
      assertThat(Files.exists(dir.resolve("t-00000.cmap"))).isTrue();
      assertThat(Files.exists(dir.resolve("t-00001.cmap"))).isTrue();
      assertThat(ChunkVolumes.volumeFile(dir, "t", 1)).isEqualTo(dir.resolve("t-00001.cmap"));
      // a small value still fits in volume 0: placement is first fit
      assertThat(v.place(10)).isZero();
    }
  }

  @Test
  void putWithoutRoomIsRefusedBeforeChronicle() throws IOException {
    try (ChunkVolumes v = ChunkVolumes.open(dir, "t", TINY)) {
      v.place(MIB);
      v.put(0, 1, bytes(MIB, 1));
      v.put(0, 2, bytes(MIB, 2));
      assertThatThrownBy(() -> v.put(0, 3, bytes(MIB, 3)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("no room");
      v.put(0, 2, bytes(MIB, 4)); // replacing an entry reuses its room
      assertThat(v.entryCount(0)).isEqualTo(2);
      assertThatThrownBy(() -> v.put(0, 9, new byte[MIB + 1])).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void reopenKeepsDataAndAccounting() throws IOException {
    Map<Long, byte[]> written = new HashMap<>();
    Map<Long, Integer> where = new HashMap<>();
    long used;
    int count;
    try (ChunkVolumes v = ChunkVolumes.open(dir, "node", TINY)) {
      Random r = new Random(5);
      for (long id = 0; id < 12; id++) {
        int size = id % 3 == 0 ? MIB : r.nextInt(300_000);
        byte[] b = bytes(size, id);
        int vol = v.place(size);
        v.put(vol, id, b);
        written.put(id, b);
        where.put(id, vol);
      }
      v.remove(where.get(4L), 4L);
      written.remove(4L);
      used = v.usedBytes();
      count = v.volumeCount();
    }
    try (ChunkVolumes v = ChunkVolumes.open(dir, "node", TINY)) {
      assertThat(v.wasRecovered()).isFalse();
      assertThat(v.volumeCount()).isEqualTo(count);
      assertThat(v.usedBytes()).isEqualTo(used);
      assertThat(v.entryCount()).isEqualTo(written.size());
      written.forEach((id, b) -> assertThat(v.get(where.get(id), id)).isEqualTo(b));
      assertThat(v.get(where.get(4L), 4L)).isNull();
    }
  }

  @Test
  void removalFreesRoomThatIsReused() throws IOException {
    try (ChunkVolumes v = ChunkVolumes.open(dir, "t", TINY)) {
      v.put(v.place(MIB), 1, bytes(MIB, 1));
      v.put(v.place(MIB), 2, bytes(MIB, 2));
      assertThat(v.place(MIB)).isEqualTo(1);
      v.put(1, 3, bytes(MIB, 3));
      assertThat(v.remove(0, 1)).isTrue();
      assertThat(v.place(MIB)).isZero();
      v.put(0, 4, bytes(MIB, 4));
      assertThat(v.get(0, 4)).isEqualTo(bytes(MIB, 4));
      assertThat(v.volumeCount()).isEqualTo(2);
    }
  }

  @Test
  void volumeFullAtMaxVolumes() throws IOException {
    VolumeSpec two = TINY.withMaxVolumes(2);
    try (ChunkVolumes v = ChunkVolumes.open(dir, "t", two)) {
      for (long id = 0; id < 4; id++) {
        v.put(v.place(MIB), id, bytes(MIB, id));
      }
      assertThat(v.hasRoomFor(MIB)).isFalse();
      assertThatThrownBy(() -> v.place(MIB))
          .isInstanceOf(VolumeFullException.class)
          .hasMessageContaining("store is full").hasMessageContaining("2 volumes")
          .satisfies(e -> assertThat(((VolumeFullException) e).capacityBytes()).isEqualTo(8L << 20));
      assertThat(v.volumeCount()).isEqualTo(2);
      assertThat(v.place(100)).isZero(); // small values still fit
      v.remove(1, 2);
      assertThat(v.place(MIB)).isEqualTo(1);
    }
  }

  @Test
  void valuesOfExactlyMaxValueBytes() throws IOException {
    VolumeSpec spec = VolumeSpec.small();
    try (ChunkVolumes v = ChunkVolumes.open(dir, "t", spec)) {
      long perVolume = spec.usableBytes() / spec.chargeOf(spec.maxValueBytes());
      for (long id = 0; id < perVolume + 1; id++) {
        int vol = v.place(spec.maxValueBytes());
        assertThat(vol).isEqualTo(id < perVolume ? 0 : 1);
        v.put(vol, id, bytes(spec.maxValueBytes(), id));
      }
      for (long id = 0; id < perVolume + 1; id++) {
        assertThat(v.get(id < perVolume ? 0 : 1, id)).isEqualTo(bytes(spec.maxValueBytes(), id));
      }
      assertThatThrownBy(() -> v.place(spec.maxValueBytes() + 1)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void defaultSpecHoldsOneMibValues() throws IOException {
    VolumeSpec spec = VolumeSpec.defaults();
    assertThat(spec.usableBytes()).isEqualTo(48L << 20);
    try (ChunkVolumes v = ChunkVolumes.open(dir, "t", spec)) {
      long perVolume = spec.usableBytes() / spec.chargeOf(MIB);
      for (long id = 0; id < perVolume; id++) {
        v.put(v.place(MIB), id, bytes(MIB, id));
      }
      assertThat(v.volumeCount()).isEqualTo(1);
      assertThat(v.place(MIB)).isEqualTo(1);
      assertThat(v.get(0, perVolume - 1)).isEqualTo(bytes(MIB, perVolume - 1));
    }
  }

  @Test
  void manySmallValuesAndOrderedForEach() throws IOException {
    VolumeSpec spec = VolumeSpec.small();
    Map<Long, byte[]> written = new HashMap<>();
    Map<Long, Integer> where = new HashMap<>();
    try (ChunkVolumes v = ChunkVolumes.open(dir, "t", spec)) {
      Random r = new Random(9);
      for (int i = 0; i < 1500; i++) {
        long id = r.nextLong() & Long.MAX_VALUE;
        byte[] b = bytes(r.nextInt(2048), id);
        int vol = v.place(b.length);
        v.put(vol, id, b);
        written.put(id, b);
        where.put(id, vol);
      }
      long perVolume = spec.usableBytes() / spec.chargeOf(0);
      assertThat(v.volumeCount()).isEqualTo((int) ((1500 + perVolume - 1) / perVolume));
      assertThat(v.entryCount()).isEqualTo(1500);
      List<long[]> visited = new ArrayList<>();
      v.forEach((vol, id, value) -> {
        assertThat(value).isEqualTo(written.get(id));
        assertThat(where.get(id)).isEqualTo(vol);
        visited.add(new long[] {vol, id});
      });
      assertThat(visited).hasSize(1500);
      for (int i = 1; i < visited.size(); i++) {
        long[] a = visited.get(i - 1);
        long[] b = visited.get(i);
        assertThat(a[0] < b[0] || (a[0] == b[0] && a[1] < b[1])).as("order at %d", i).isTrue();
      }
    }
  }

  @Test
  void clearDeletesValuesAndFiles() throws IOException {
    try (ChunkVolumes v = ChunkVolumes.open(dir, "t", TINY)) {
      for (long id = 0; id < 3; id++) {
        v.put(v.place(MIB), id, bytes(MIB, id));
      }
      assertThat(v.volumeCount()).isEqualTo(2);
      v.clear();
      assertThat(v.volumeCount()).isZero();
      assertThat(v.usedBytes()).isZero();
      assertThat(Files.exists(dir.resolve("t-00000.cmap"))).isFalse();
      assertThat(Files.exists(dir.resolve("t-00001.cmap"))).isFalse();
      v.ensureVolumes(2); // e.g. restoring a snapshot into its volumes
      v.put(1, 5, bytes(10, 5));
      assertThat(v.get(1, 5)).isEqualTo(bytes(10, 5));
      assertThat(v.get(1, 0)).isNull();
    }
    try (ChunkVolumes v = ChunkVolumes.open(dir, "t", TINY)) {
      assertThat(v.volumeCount()).isEqualTo(2);
      assertThat(v.entryCount()).isEqualTo(1);
    }
  }

  @Test
  void recoverAndUncleanShutdownMarker() throws IOException {
    try (ChunkVolumes v = ChunkVolumes.open(dir, "t", TINY)) {
      v.put(v.place(1000), 1, bytes(1000, 1));
      assertThat(Files.exists(dir.resolve("t.open"))).isTrue();
    }
    assertThat(Files.exists(dir.resolve("t.open"))).isFalse();
    try (ChunkVolumes v = ChunkVolumes.recover(dir, "t", TINY)) {
      assertThat(v.wasRecovered()).isTrue();
      assertThat(v.get(0, 1)).isEqualTo(bytes(1000, 1));
    }
    Files.writeString(dir.resolve("t.open"), "open\n"); // as left by a crashed process
    try (ChunkVolumes v = ChunkVolumes.open(dir, "t", TINY)) {
      assertThat(v.wasRecovered()).isTrue();
      assertThat(v.get(0, 1)).isEqualTo(bytes(1000, 1));
      assertThat(v.usedBytes()).isEqualTo(TINY.chargeOf(1000));
    }
  }

  @Test
  void refusesAnotherGeometryAndGapsInNumbering() throws IOException {
    try (ChunkVolumes v = ChunkVolumes.open(dir, "t", TINY)) {
      v.ensureVolumes(3);
    }
    assertThatThrownBy(() -> ChunkVolumes.open(dir, "t", VolumeSpec.small()))
        .isInstanceOf(IOException.class).hasMessageContaining("volumeBytes=4194304");
    try (ChunkVolumes v = ChunkVolumes.open(dir, "t", TINY.withMaxVolumes(5))) { // quota may change
      assertThat(v.volumeCount()).isEqualTo(3);
    }
    Files.delete(dir.resolve("t-00001.cmap"));
    assertThatThrownBy(() -> ChunkVolumes.open(dir, "t", TINY))
        .isInstanceOf(IOException.class).hasMessageContaining("t-00001.cmap is missing");
    assertThatThrownBy(() -> ChunkVolumes.open(dir, "bad/prefix", TINY)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void churnIsDeterministicAndNeverFailsInsideChronicle(@TempDir Path other) throws IOException {
    try (ChunkVolumes a = ChunkVolumes.open(dir, "a", TINY); ChunkVolumes b = ChunkVolumes.open(other, "b", TINY)) {
      Random r = new Random(11);
      List<long[]> live = new ArrayList<>();
      long nextId = 0;
      int full = 0;
      for (int i = 0; i < 3000; i++) {
        if (!live.isEmpty() && (r.nextInt(10) < 4)) {
          long[] e = live.remove(r.nextInt(live.size()));
          assertThat(a.remove((int) e[0], e[1])).isEqualTo(b.remove((int) e[0], e[1])).isTrue();
          continue;
        }
        int p = r.nextInt(10);
        int size = p < 4 ? MIB : p < 7 ? r.nextInt(MIB + 1) : r.nextInt(4097);
        int va;
        try {
          va = a.place(size);
        } catch (VolumeFullException e) {
          assertThatThrownBy(() -> b.place(size)).isInstanceOf(VolumeFullException.class);
          full++;
          continue;
        }
        assertThat(b.place(size)).isEqualTo(va);
        byte[] value = new byte[size];
        a.put(va, nextId, value);
        b.put(va, nextId, value);
        live.add(new long[] {va, nextId++});
      }
      assertThat(full).isPositive();
      assertThat(a.usedBytes()).isEqualTo(b.usedBytes());
      assertThat(a.entryCount()).isEqualTo(live.size());
      for (long[] e : live) {
        assertThat(a.get((int) e[0], e[1])).isNotNull();
      }
    }
  }

  @Test
  void secondOpenOfTheSameStoreIsRefused() throws IOException {
    try (ChunkVolumes v = ChunkVolumes.open(dir, "t", TINY)) {
      assertThatThrownBy(() -> ChunkVolumes.open(dir, "t", TINY))
          .isInstanceOf(IOException.class).hasMessageContaining("already open");
      try (ChunkVolumes other = ChunkVolumes.open(dir, "u", TINY)) { // another prefix is another store
        assertThat(other.volumeCount()).isZero();
      }
    }
    try (ChunkVolumes v = ChunkVolumes.open(dir, "t", TINY)) {
      assertThat(v.wasRecovered()).isFalse();
    }
  }

  @Test
  void specValidation() {
    assertThatThrownBy(() -> new VolumeSpec(1L << 20, 1 << 20, 1, 16 << 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit");
    assertThatThrownBy(() -> new VolumeSpec(1L << 10, 100, 1, 256)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new VolumeSpec(8L << 20, 100, 0, 16 << 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new VolumeSpec(8L << 20, 100, 1, 100)).isInstanceOf(IllegalArgumentException.class);
    assertThat(VolumeSpec.defaults().entriesPerVolume()).isEqualTo(4096);
    assertThat(VolumeSpec.defaults().chargeOf(1)).isEqualTo((16 << 10) + 1024);
    assertThat(VolumeSpec.defaults().capacityBytes()).isEqualTo(4L << 30);
  }

  @Test
  void volumesWithoutEntryChecksumsStoreAlikeAndFilesKeepTheirSetting() throws IOException {
    byte[] a = bytes(MIB, 21);
    byte[] b = bytes(5000, 22);
    try (ChunkVolumes v = ChunkVolumes.open(dir, "t", TINY, EntryChecksums.OFF)) {
      v.put(v.place(a.length), 1L, a);
    }
    try (ChunkVolumes v = ChunkVolumes.open(dir, "t", TINY)) { // a file made without checksums, opened with
      assertThat(v.get(0, 1L)).isEqualTo(a);
      v.put(0, 2L, b);
    }
    try (ChunkVolumes v = ChunkVolumes.recover(dir, "t", TINY)) {
      assertThat(v.get(0, 1L)).isEqualTo(a);
      assertThat(v.get(0, 2L)).isEqualTo(b);
    }
  }

  @Test
  void readCopiesStraightIntoHeapAndDirectBuffers() throws IOException {
    byte[] a = bytes(70_000, 23);
    try (ChunkVolumes v = ChunkVolumes.open(dir, "t", VolumeSpec.small())) {
      v.put(v.place(a.length), 5L, ByteBuffer.allocateDirect(a.length).put(a).flip());
      for (ByteBuffer dst : new ByteBuffer[] {ByteBuffer.allocate(a.length + 3), ByteBuffer.allocateDirect(a.length + 3)}) {
        dst.position(3);
        assertThat(v.read(0, 5L, dst)).isEqualTo(a.length);
        assertThat(dst.position()).isEqualTo(a.length + 3);
        byte[] got = new byte[a.length];
        dst.position(3);
        dst.get(got);
        assertThat(got).isEqualTo(a);
      }
      ByteBuffer small = ByteBuffer.allocate(a.length - 1);
      assertThatThrownBy(() -> v.read(0, 5L, small)).isInstanceOf(BufferOverflowException.class);
      assertThat(small.position()).isZero();
      assertThat(v.read(0, 6L, ByteBuffer.allocate(10))).isEqualTo(-1);
      assertThatThrownBy(() -> v.read(0, 5L, ByteBuffer.allocate(a.length).asReadOnlyBuffer()))
          .isInstanceOf(ReadOnlyBufferException.class);
      // a heap window: only position..limit is stored, the buffer is left as it was
      ByteBuffer window = ByteBuffer.wrap(a, 100, 1000);
      v.put(0, 7L, window);
      assertThat(window.position()).isEqualTo(100);
      assertThat(v.get(0, 7L)).isEqualTo(Arrays.copyOfRange(a, 100, 1100));
    }
  }

  @Test
  void putsFromDifferentThreadsInTurn() throws Exception {
    // writers are serialized but may be any thread (a state machine's apply, a load, a restore)
    try (ChunkVolumes v = ChunkVolumes.open(dir, "t", VolumeSpec.small())) {
      int volume = v.place(20_000);
      List<byte[]> values = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        byte[] value = bytes(10_000 + i, 30 + i);
        values.add(value);
        long id = i;
        Thread t = new Thread(() -> {
          if (id % 3 == 0) {
            v.put(volume, id, value);
          } else if (id % 3 == 1) {
            v.put(volume, id, ByteBuffer.wrap(value).asReadOnlyBuffer());
          } else {
            v.put(volume, id, ByteBuffer.allocateDirect(value.length).put(value).flip());
          }
        });
        t.start();
        t.join();
      }
      for (int i = 0; i < 6; i++) {
        assertThat(v.get(volume, i)).isEqualTo(values.get(i));
      }
    }
  }

  @Test
  void heldRemovalsFreeRoomAtOnceAndKeepBytesUntilRelease() throws IOException {
    byte[] a = bytes(MIB, 1);
    byte[] b = bytes(MIB, 2);
    byte[] c = bytes(MIB, 3);
    try (ChunkVolumes v = ChunkVolumes.open(dir, "t", TINY)) {
      v.put(v.place(MIB), 1L, a);
      v.put(v.place(MIB), 2L, b);
      assertThat(v.volumeCount()).isEqualTo(1);
      long full = v.usedBytes();

      v.holdRemovals();
      assertThatThrownBy(v::holdRemovals).isInstanceOf(IllegalStateException.class);
      assertThat(v.remove(0, 1L)).isTrue();
      assertThat(v.remove(0, 1L)).as("a value is removed once").isFalse();
      assertThat(v.usedBytes()).isEqualTo(full - TINY.chargeOf(MIB));
      assertThat(v.entryCount()).isEqualTo(1);
      assertThat(v.get(0, 1L)).as("readable until the release").isEqualTo(a);
      List<Long> visited = new ArrayList<>();
      v.forEach((volume, id, value) -> visited.add(id));
      assertThat(visited).containsExactly(1L, 2L);

      // Placement sees the freed room exactly as without the hold: the value goes into volume 0.
      assertThat(v.place(MIB)).isZero();
      v.put(0, 3L, c);
      assertThat(v.get(0, 1L)).isEqualTo(a);

      v.releaseRemovals();
      v.releaseRemovals();
      assertThat(v.get(0, 1L)).isNull();
      assertThat(v.get(0, 2L)).isEqualTo(b);
      assertThat(v.get(0, 3L)).isEqualTo(c);
      assertThat(v.usedBytes()).isEqualTo(full);
      assertThat(v.remove(0, 2L)).as("removals act at once again").isTrue();
      assertThat(v.get(0, 2L)).isNull();
    }
    try (ChunkVolumes v = ChunkVolumes.open(dir, "t", TINY)) {
      assertThat(v.usedBytes()).as("accounting recomputed from the file").isEqualTo(TINY.chargeOf(MIB));
      assertThat(v.get(0, 3L)).isEqualTo(c);
    }
  }

  @Test
  void closeWhileHeldDropsTheRemovedValues() throws IOException {
    try (ChunkVolumes v = ChunkVolumes.open(dir, "t", TINY)) {
      v.put(v.place(1000), 1L, bytes(1000, 1));
      v.put(v.place(1000), 2L, bytes(1000, 2));
      v.holdRemovals();
      v.remove(0, 1L);
    }
    try (ChunkVolumes v = ChunkVolumes.open(dir, "t", TINY)) {
      assertThat(v.get(0, 1L)).isNull();
      assertThat(v.entryCount()).isEqualTo(1);
      assertThat(v.usedBytes()).isEqualTo(TINY.chargeOf(1000));
    }
  }

  @Test
  void forEachBelowAnIdLimit() throws IOException {
    try (ChunkVolumes v = ChunkVolumes.open(dir, "t", VolumeSpec.small())) {
      for (long id = 1; id <= 5; id++) {
        v.put(v.place(10), id, bytes(10, id));
      }
      List<Long> visited = new ArrayList<>();
      v.forEach(4L, (volume, id, value) -> visited.add(id));
      assertThat(visited).containsExactly(1L, 2L, 3L);
    }
  }
}
