package io.ckpt.client.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ckpt.client.CorruptDataException;
import io.ckpt.client.InvalidRequestException;
import io.ckpt.client.SegmentInfo;
import io.ckpt.client.SegmentNotFoundException;
import io.ckpt.client.store.ChunkVolumes;
import io.ckpt.client.store.VolumeSpec;
import io.ckpt.client.util.Crc32c;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A {@link LocalStore} on real files: loads, reads, replacement, bad input, damage. */
class LocalStoreTest {
  private static final int CHUNK = 100_000;

  @TempDir
  Path dir;

  static byte[] bytes(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  static SegmentInfo infoOf(String name, long version, byte[] data) {
    return new SegmentInfo(name, version, version * 10, data.length, Crc32c.of(data), "test");
  }

  /** Loads {@code data} in chunks of {@link #CHUNK} bytes, each passed as {@code wrap} makes it. */
  static SegmentInfo load(LocalStore store, String name, long version, byte[] data, Function<byte[], ByteBuffer> wrap) {
    SegmentInfo info = infoOf(name, version, data);
    try (LocalStore.Loader loader = store.beginLoad(info)) {
      for (int off = 0; off < data.length; off += CHUNK) {
        byte[] chunk = Arrays.copyOfRange(data, off, Math.min(data.length, off + CHUNK));
        loader.append(wrap.apply(chunk), Crc32c.of(chunk));
      }
      loader.commit();
    }
    return info;
  }

  static SegmentInfo load(LocalStore store, String name, long version, byte[] data) {
    return load(store, name, version, data, c -> ByteBuffer.wrap(c).asReadOnlyBuffer());
  }

  private LocalStore open() {
    return LocalStore.open(dir, VolumeSpec.small(), 1024);
  }

  @Test
  void everyReadReturnsTheExactBytesLoaded() {
    byte[] data = bytes(3 * CHUNK + 1234, 1);
    try (LocalStore store = open()) {
      SegmentInfo info = load(store, "app/state", 7, data);

      assertThat(store.read("app/state")).isEqualTo(data);

      ByteBuffer heap = ByteBuffer.allocate(data.length + 10).position(5);
      SegmentInfo read = store.readInto("app/state", heap);
      assertThat(heap.position()).isEqualTo(5 + data.length);
      assertThat(Arrays.copyOfRange(heap.array(), 5, 5 + data.length)).isEqualTo(data);
      assertThat(read.version()).isEqualTo(7);
      assertThat(read.size()).isEqualTo(data.length);
      assertThat(read.crc32c()).isEqualTo(info.crc32c());

      ByteBuffer direct = ByteBuffer.allocateDirect(data.length);
      store.readInto("app/state", direct);
      assertThat(direct.hasRemaining()).isFalse();
      byte[] fromDirect = new byte[data.length];
      direct.flip().get(fromDirect);
      assertThat(fromDirect).isEqualTo(data);

      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertThat(store.readTo("app/state", out).revision()).isEqualTo(70);
      assertThat(out.toByteArray()).isEqualTo(data);

      assertThat(store.info("app/state")).hasValueSatisfying(i -> assertThat(i.size()).isEqualTo(data.length));
      assertThat(store.names()).containsExactly("app/state");
    }
  }

  @Test
  void chunksPassedAsDirectHeapOrReadOnlyBuffersAreStoredAlike() {
    byte[] data = bytes(2 * CHUNK + 17, 2);
    try (LocalStore store = open()) {
      load(store, "a", 1, data, ByteBuffer::wrap);
      load(store, "b", 1, data, c -> ByteBuffer.wrap(c).asReadOnlyBuffer());
      load(store, "c", 1, data, c -> ByteBuffer.allocateDirect(c.length).put(c).flip());
      // a chunk that is a window of a larger buffer: only position..limit is stored
      SegmentInfo info = infoOf("d", 1, data);
      try (LocalStore.Loader loader = store.beginLoad(info)) {
        ByteBuffer window = ByteBuffer.allocate(data.length + 20).position(10);
        window.put(data).flip().position(10);
        loader.append(window, info.crc32c());
        assertThat(window.position()).isEqualTo(10);
        loader.commit();
      }
      for (String name : new String[] {"a", "b", "c", "d"}) {
        assertThat(store.read(name)).as(name).isEqualTo(data);
      }
    }
  }

  @Test
  void emptySegmentLoadsAndReads() {
    try (LocalStore store = open()) {
      load(store, "empty", 1, new byte[0]);
      assertThat(store.read("empty")).isEmpty();
      ByteBuffer none = ByteBuffer.allocate(0);
      assertThat(store.readInto("empty", none).size()).isZero();
    }
  }

  @Test
  void aNewLoadReplacesTheOldVersionAndFreesItsChunks() throws IOException {
    byte[] v1 = bytes(5 * CHUNK, 3);
    byte[] v2 = bytes(2 * CHUNK + 5, 4);
    try (LocalStore store = open()) {
      load(store, "s", 1, v1);
      load(store, "s", 2, v2);
      assertThat(store.read("s")).isEqualTo(v2);
      assertThat(store.info("s").orElseThrow().version()).isEqualTo(2);
      load(store, "gone", 1, v1);
      assertThat(store.remove("gone")).isTrue();
      assertThat(store.remove("gone")).isFalse();
    }
    try (ChunkVolumes volumes = ChunkVolumes.open(dir, "chunks", VolumeSpec.small())) {
      assertThat(volumes.entryCount()).isEqualTo(3); // only v2's chunks are left
    }
    try (LocalStore reopened = open()) {
      assertThat(reopened.read("s")).isEqualTo(v2);
      assertThat(reopened.names()).containsExactly("s");
    }
  }

  @Test
  void aLoadThatIsNotCommittedLeavesNothing() throws IOException {
    byte[] data = bytes(CHUNK * 2, 5);
    try (LocalStore store = open()) {
      try (LocalStore.Loader loader = store.beginLoad(infoOf("s", 1, data))) {
        loader.append(ByteBuffer.wrap(data, 0, CHUNK), Crc32c.of(data, 0, CHUNK));
      }
      assertThat(store.info("s")).isEmpty();
      assertThatThrownBy(() -> store.read("s")).isInstanceOf(SegmentNotFoundException.class);
    }
    try (ChunkVolumes volumes = ChunkVolumes.open(dir, "chunks", VolumeSpec.small())) {
      assertThat(volumes.entryCount()).isZero();
    }
  }

  @Test
  void loaderRefusesBadChunksWrongTotalsAndUseAfterCommit() {
    byte[] data = bytes(CHUNK, 6);
    try (LocalStore store = open()) {
      try (LocalStore.Loader loader = store.beginLoad(infoOf("s", 1, data))) {
        assertThatThrownBy(() -> loader.append(ByteBuffer.wrap(data), Crc32c.of(data) ^ 1))
            .isInstanceOf(CorruptDataException.class).hasMessageContaining("chunk 0 of s");
        assertThatThrownBy(loader::commit).isInstanceOf(CorruptDataException.class)
            .hasMessageContaining("do not match its size and CRC32C");
        assertThatThrownBy(() -> loader.append(null, 0)).isInstanceOf(NullPointerException.class)
            .hasMessageContaining("data");
      }
      try (LocalStore.Loader loader = store.beginLoad(infoOf("s", 1, data))) {
        loader.append(ByteBuffer.wrap(data), Crc32c.of(data));
        loader.commit();
        assertThatThrownBy(loader::commit).isInstanceOf(IllegalStateException.class).hasMessageContaining("committed");
        assertThatThrownBy(() -> loader.append(ByteBuffer.wrap(data), Crc32c.of(data)))
            .isInstanceOf(IllegalStateException.class);
      }
      assertThat(store.read("s")).isEqualTo(data);
      assertThatThrownBy(() -> store.beginLoad(infoOf("../bad", 1, data))).isInstanceOf(InvalidRequestException.class);
      assertThatThrownBy(() -> store.beginLoad(null)).isInstanceOf(NullPointerException.class);
    }
  }

  @Test
  void badReadsGetClearErrors() {
    byte[] data = bytes(1000, 7);
    try (LocalStore store = open()) {
      load(store, "s", 1, data);
      assertThatThrownBy(() -> store.read("unknown")).isInstanceOf(SegmentNotFoundException.class)
          .hasMessageContaining("unknown has not been loaded");
      assertThatThrownBy(() -> store.readInto("unknown", ByteBuffer.allocate(10)))
          .isInstanceOf(SegmentNotFoundException.class);
      assertThatThrownBy(() -> store.readTo("unknown", new ByteArrayOutputStream()))
          .isInstanceOf(SegmentNotFoundException.class);

      ByteBuffer small = ByteBuffer.allocate(999);
      assertThatThrownBy(() -> store.readInto("s", small)).isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("buffer too small").hasMessageContaining("1000 bytes").hasMessageContaining("999 remaining");
      assertThat(small.position()).isZero();
      ByteBuffer readOnly = ByteBuffer.allocate(2000).asReadOnlyBuffer();
      assertThatThrownBy(() -> store.readInto("s", readOnly)).isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("read-only");

      assertThatThrownBy(() -> store.read(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("name");
      assertThatThrownBy(() -> store.readInto("s", null)).isInstanceOf(NullPointerException.class).hasMessageContaining("dst");
      assertThatThrownBy(() -> store.readTo("s", null)).isInstanceOf(NullPointerException.class).hasMessageContaining("out");
      assertThatThrownBy(() -> store.info(null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> store.remove(null)).isInstanceOf(NullPointerException.class);
    }
  }

  @Test
  void aDamagedChunkIsReportedNotReturned() throws IOException {
    byte[] data = bytes(2 * CHUNK, 8);
    try (LocalStore store = open()) {
      load(store, "s", 1, data);
    }
    try (ChunkVolumes volumes = ChunkVolumes.open(dir, "chunks", VolumeSpec.small())) {
      long[] second = new long[2];
      volumes.forEach((volume, id, value) -> {
        second[0] = volume;
        second[1] = Math.max(second[1], id);
      });
      byte[] flipped = volumes.get((int) second[0], second[1]);
      flipped[123] ^= 1;
      volumes.put((int) second[0], second[1], flipped);
    }
    try (LocalStore store = open()) {
      assertThatThrownBy(() -> store.read("s")).isInstanceOf(CorruptDataException.class)
          .hasMessageContaining("local copy of s v1 is damaged (chunk 1)");
      ByteBuffer dst = ByteBuffer.allocate(data.length + 1).position(1);
      assertThatThrownBy(() -> store.readInto("s", dst)).isInstanceOf(CorruptDataException.class);
      assertThat(dst.position()).isEqualTo(1);
      assertThatThrownBy(() -> store.readTo("s", new ByteArrayOutputStream())).isInstanceOf(CorruptDataException.class);
    }
  }

  @Test
  void aClosedStoreRefusesCalls() {
    LocalStore store = open();
    load(store, "s", 1, bytes(10, 9));
    store.close();
    store.close(); // idempotent
    assertThatThrownBy(() -> store.read("s")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThatThrownBy(() -> store.readInto("s", ByteBuffer.allocate(10))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> store.remove("s")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> store.beginLoad(infoOf("t", 1, new byte[0]))).isInstanceOf(IllegalStateException.class);
  }
}
