package io.ckpt.client.util;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * CRC32C (Castagnoli) checksums, as carried by every chunk and segment version.
 *
 * <p>Values are the standard CRC32C (as {@link CRC32C} computes it; the CRC32C of
 * {@code "123456789"} is {@code 0xE3069283}), an unsigned 32-bit value stored in an {@code int}.
 * Use {@link Integer#toUnsignedLong(int)} or {@link Integer#toHexString(int)} to print one.
 *
 * <p>{@link #combine(int, int, long)} yields the CRC32C of a concatenation from the CRCs of its
 * parts, so a segment's CRC can be computed from its chunks' CRCs without re-reading the bytes.
 */
public final class Crc32c {
  /** The reflected Castagnoli polynomial. */
  private static final long POLY = 0x82F63B78L;

  private Crc32c() {
  }

  /** Returns the CRC32C of all bytes of {@code b}. */
  public static int of(byte[] b) {
    return of(b, 0, b.length);
  }

  /** Returns the CRC32C of {@code len} bytes of {@code b} starting at {@code off}. */
  public static int of(byte[] b, int off, int len) {
    Objects.checkFromIndexSize(off, len, b.length);
    CRC32C crc = new CRC32C();
    crc.update(b, off, len);
    return (int) crc.getValue();
  }

  /**
   * Returns the CRC32C of the bytes between the buffer's position and its limit. The buffer's
   * position, limit and mark are not changed.
   */
  public static int of(ByteBuffer buffer) {
    CRC32C crc = new CRC32C();
    crc.update(buffer.duplicate());
    return (int) crc.getValue();
  }

  /**
   * Returns the CRC32C of the concatenation A||B, given {@code crcA} = CRC32C(A),
   * {@code crcB} = CRC32C(B) and {@code lenB} = the length of B in bytes. Runs in
   * O(log lenB) time (the zlib {@code crc32_combine} algorithm with the Castagnoli polynomial).
   *
   * @throws IllegalArgumentException if {@code lenB} is negative
   */
  public static int combine(int crcA, int crcB, long lenB) {
    if (lenB < 0) {
      throw new IllegalArgumentException("lenB must not be negative: " + lenB);
    }
    if (lenB == 0) {
      return crcA;
    }
    long[] even = new long[32]; // operator for an even power of two zero bits
    long[] odd = new long[32];  // operator for an odd power of two zero bits
    odd[0] = POLY;              // operator for one zero bit
    long row = 1;
    for (int n = 1; n < 32; n++) {
      odd[n] = row;
      row <<= 1;
    }
    square(even, odd); // two zero bits
    square(odd, even); // four zero bits
    long c = crcA & 0xFFFFFFFFL;
    long len = lenB;
    // apply len zero bytes to crcA (the first squaring yields the operator for one zero byte)
    do {
      square(even, odd);
      if ((len & 1) != 0) {
        c = times(even, c);
      }
      len >>>= 1;
      if (len == 0) {
        break;
      }
      square(odd, even);
      if ((len & 1) != 0) {
        c = times(odd, c);
      }
      len >>>= 1;
    } while (len != 0);
    return (int) (c ^ (crcB & 0xFFFFFFFFL));
  }

  private static long times(long[] mat, long vec) {
    long sum = 0;
    int i = 0;
    while (vec != 0) {
      if ((vec & 1) != 0) {
        sum ^= mat[i];
      }
      vec >>>= 1;
      i++;
    }
    return sum;
  }

  private static void square(long[] square, long[] mat) {
    for (int n = 0; n < 32; n++) {
      square[n] = times(mat, mat[n]);
    }
  }
}
