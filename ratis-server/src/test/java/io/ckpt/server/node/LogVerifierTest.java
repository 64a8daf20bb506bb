package io.ckpt.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ckpt.statemachine.DamagedStorageException;
import io.ckpt.statemachine.LogWatermark;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Raft log segments written in Ratis's format, damaged in the ways a disk damages files. */
class LogVerifierTest {
  @TempDir Path data;
  Path group;
  Path current;
  Path watermark;

  @BeforeEach
  void dirs() throws IOException {
    group = data.resolve("raft/group");
    current = Files.createDirectories(group.resolve("current"));
    watermark = data.resolve(LogWatermark.FILE_NAME);
  }

  /** A segment: header, then per entry varint length, bytes, CRC32C; {@code padding} zeros after. */
  static byte[] segment(int entries, int padding) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.write("RaftLog1".getBytes(StandardCharsets.US_ASCII));
    for (int i = 0; i < entries; i++) {
      byte[] entry = ("entry-" + i + "-").repeat(20).getBytes(StandardCharsets.US_ASCII);
      byte[] varint = entry.length < 128 ? new byte[] {(byte) entry.length}
          : new byte[] {(byte) (entry.length & 0x7f | 0x80), (byte) (entry.length >>> 7)};
      CRC32C crc = new CRC32C();
      crc.update(varint);
      crc.update(entry);
      out.write(varint);
      out.write(entry);
      out.writeInt((int) crc.getValue());
    }
    out.write(new byte[padding]);
    return bytes.toByteArray();
  }

  void verify() throws IOException {
    LogVerifier.verify("n1", data, group, watermark, 1 << 20);
  }

  void writeWatermark(long index) throws IOException {
    try (LogWatermark w = LogWatermark.open(watermark)) {
      w.flushed(index);
    }
  }

  @Test
  void anIntactLogPasses() throws Exception {
    Files.write(current.resolve("log_0-9"), segment(10, 0));
    Files.write(current.resolve("log_inprogress_10"), segment(5, 4096));
    writeWatermark(14);
    assertThatCode(this::verify).doesNotThrowAnyException();
  }

  @Test
  void aFlippedByteFailsTheEntryChecksum() throws Exception {
    byte[] seg = segment(10, 0);
    seg[seg.length / 2] ^= 0x10;
    Files.write(current.resolve("log_0-9"), seg);
    assertThatThrownBy(this::verify).isInstanceOf(DamagedStorageException.class)
        .hasMessageContaining("log_0-9").hasMessageContaining("fails its CRC32C checksum")
        .hasMessageContaining("move " + data + " aside");
  }

  @Test
  void aClosedSegmentMissingItsEndIsRefused() throws Exception {
    byte[] seg = segment(10, 0);
    Files.write(current.resolve("log_0-9"), java.util.Arrays.copyOf(seg, seg.length - 50));
    assertThatThrownBy(this::verify).isInstanceOf(DamagedStorageException.class)
        .hasMessageContaining("should hold entries 0..9 but ends after entry 8");
  }

  @Test
  void aGapBetweenSegmentsIsRefused() throws Exception {
    Files.write(current.resolve("log_0-9"), segment(10, 0));
    Files.write(current.resolve("log_inprogress_12"), segment(2, 0));
    assertThatThrownBy(this::verify).isInstanceOf(DamagedStorageException.class)
        .hasMessageContaining("starts at entry 12 but log_0-9 ends at entry 9");
  }

  @Test
  void anOpenSegmentShorterThanTheWatermarkIsRefused() throws Exception {
    Files.write(current.resolve("log_inprogress_0"), segment(8, 100));
    writeWatermark(9);
    assertThatThrownBy(this::verify).isInstanceOf(DamagedStorageException.class)
        .hasMessageContaining("the log ends at entry 7 but this node had durably written entries up to 9");
  }

  @Test
  void anIncompleteLastEntryBeyondTheWatermarkIsWhatRatisDropsAfterACrash() throws Exception {
    byte[] seg = segment(8, 0);
    Files.write(current.resolve("log_inprogress_0"), java.util.Arrays.copyOf(seg, seg.length - 30));
    writeWatermark(6);
    assertThatCode(this::verify).doesNotThrowAnyException();
  }

  @Test
  void aSnapshotCoversTheWatermark() throws Exception {
    Files.createDirectories(group.resolve("sm"));
    Files.write(group.resolve("sm/snapshot.1_20"), new byte[0]);
    writeWatermark(20);
    assertThatCode(this::verify).doesNotThrowAnyException();
  }

  @Test
  void bytesAfterTheEndOfTheLogAreRefused() throws Exception {
    byte[] seg = segment(4, 200);
    seg[seg.length - 20] = 9;
    Files.write(current.resolve("log_inprogress_0"), seg);
    assertThatThrownBy(this::verify).isInstanceOf(DamagedStorageException.class)
        .hasMessageContaining("non-zero bytes at offset");
  }

  @Test
  void aDamagedHeaderIsRefused() throws Exception {
    byte[] seg = segment(4, 0);
    seg[2] = 'x';
    Files.write(current.resolve("log_inprogress_0"), seg);
    assertThatThrownBy(this::verify).isInstanceOf(DamagedStorageException.class)
        .hasMessageContaining("its header is damaged");
  }

  @Test
  void aDamagedWatermarkIsIgnored() throws Exception {
    Files.write(current.resolve("log_inprogress_0"), segment(3, 0));
    Files.write(watermark, new byte[16]);
    assertThat(LogWatermark.read(watermark)).isEmpty();
    assertThatCode(this::verify).doesNotThrowAnyException();
  }
}
