package io.ckpt.client.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Crc32cTest {
  @Test
  void knownCheckValue() {
    assertThat(Crc32c.of("123456789".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0xE3069283);
    assertThat(Crc32c.of(new byte[0])).isZero();
  }

  @Test
  void rangeAndBufferAgreeWithWholeArray() {
    byte[] b = new byte[1000];
    new Random(7).nextBytes(b);
    assertThat(Crc32c.of(b, 100, 300)).isEqualTo(Crc32c.of(Arrays.copyOfRange(b, 100, 400)));
    ByteBuffer buf = ByteBuffer.wrap(b);
    buf.position(100).limit(400);
    assertThat(Crc32c.of(buf)).isEqualTo(Crc32c.of(b, 100, 300));
    assertThat(buf.position()).isEqualTo(100);
    assertThat(buf.limit()).isEqualTo(400);
    ByteBuffer direct = ByteBuffer.allocateDirect(b.length).put(b).flip();
    assertThat(Crc32c.of(direct)).isEqualTo(Crc32c.of(b));
    assertThat(direct.position()).isZero();
  }

  /** Every kind of byte string: one array, a slice of one, a concatenation, a buffer, empty. */
  @Test
  void byteStringsOfEveryShapeAgreeWithTheirBytes() {
    byte[] b = new byte[5000];
    new Random(11).nextBytes(b);
    ByteString whole = UnsafeByteOperations.unsafeWrap(b);
    assertThat(Crc32c.of(whole)).isEqualTo(Crc32c.of(b));
    assertThat(Crc32c.of(whole.substring(100, 400))).isEqualTo(Crc32c.of(b, 100, 300));
    ByteString rope = ByteString.copyFrom(b, 0, 1000).concat(ByteString.copyFrom(b, 1000, 4000));
    assertThat(Crc32c.of(rope)).isEqualTo(Crc32c.of(b));
    ByteBuffer direct = ByteBuffer.allocateDirect(b.length).put(b).flip();
    assertThat(Crc32c.of(UnsafeByteOperations.unsafeWrap(direct))).isEqualTo(Crc32c.of(b));
    assertThat(direct.position()).as("the buffer is read, not consumed").isZero();
    assertThat(Crc32c.of(ByteString.EMPTY)).isZero();
  }

  @Test
  void badRangeIsRejected() {
    assertThatThrownBy(() -> Crc32c.of(new byte[10], 5, 6)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void combineMatchesDirectComputationForRandomSplits() {
    Random r = new Random(42);
    for (int i = 0; i < 500; i++) {
      byte[] b = new byte[r.nextInt(i < 50 ? 16 : 5000)];
      r.nextBytes(b);
      int split = b.length == 0 ? 0 : r.nextInt(b.length + 1); // includes empty A and empty B
      int crcA = Crc32c.of(b, 0, split);
      int crcB = Crc32c.of(b, split, b.length - split);
      assertThat(Crc32c.combine(crcA, crcB, b.length - split))
          .as("length %d split %d", b.length, split).isEqualTo(Crc32c.of(b));
    }
  }

  @Test
  void combineWithEmptyParts() {
    byte[] b = "hello, world".getBytes(StandardCharsets.UTF_8);
    int empty = Crc32c.of(new byte[0]);
    assertThat(Crc32c.combine(Crc32c.of(b), empty, 0)).isEqualTo(Crc32c.of(b));
    assertThat(Crc32c.combine(empty, Crc32c.of(b), b.length)).isEqualTo(Crc32c.of(b));
    assertThat(Crc32c.combine(empty, empty, 0)).isZero();
  }

  @Test
  void combineFoldsManyChunks() {
    Random r = new Random(3);
    byte[] b = new byte[3 * 1024 * 1024 + 17];
    r.nextBytes(b);
    int chunk = 1 << 20;
    int crc = Crc32c.of(new byte[0]);
    for (int off = 0; off < b.length; off += chunk) {
      int len = Math.min(chunk, b.length - off);
      crc = Crc32c.combine(crc, Crc32c.of(b, off, len), len);
    }
    assertThat(crc).isEqualTo(Crc32c.of(b));
  }

  @Test
  void combineIsAssociativeForLengthsBeyondWhatCanBeHashedDirectly() {
    // CRC(A||B||C) folded as (A||B)||C and A||(B||C) must agree, whatever the lengths
    Random r = new Random(11);
    for (int i = 0; i < 200; i++) {
      int a = r.nextInt();
      int b = r.nextInt();
      int c = r.nextInt();
      long lenB = 1 + (r.nextLong() >>> (2 + r.nextInt(61))); // a CRC of empty bytes is 0: random CRCs need lengths >= 1
      long lenC = 1 + (r.nextLong() >>> (2 + r.nextInt(61)));
      assertThat(Crc32c.combine(Crc32c.combine(a, b, lenB), c, lenC))
          .as("lenB %d lenC %d", lenB, lenC)
          .isEqualTo(Crc32c.combine(a, Crc32c.combine(b, c, lenC), lenB + lenC));
    }
  }

  @Test
  void combineRejectsNegativeLength() {
    assertThatThrownBy(() -> Crc32c.combine(0, 0, -1)).isInstanceOf(IllegalArgumentException.class);
  }
}
