package io.ckpt.client.util;

import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.io.UncheckedIOException;
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
   * Returns the CRC32C of all bytes of {@code bytes}, read where they are: unlike
   * {@code of(bytes.asReadOnlyByteBuffer())}, which {@link CRC32C} copies through a temporary
   * array (a read-only heap buffer does not expose its array), this allocates nothing.
   */
  public static int of(ByteString bytes) {
    CRC32C crc = new CRC32C();
    try {
      UnsafeByteOperations.unsafeWriteTo(bytes, new ByteOutput() {
        @Override
        public void write(byte value) {
          crc.update(value);
        }

        @Override
        public void write(byte[] value, int offset, int length) {
          crc.update(value, offset, length);
        }

        @Override
        public void writeLazy(byte[] value, int offset, int length) {
          crc.update(value, offset, length);
        }

        @Override
        public void write(ByteBuffer value) {
          crc.update(value.duplicate());
        }

        @Override
        public void writeLazy(ByteBuffer value) {
          crc.update(value.duplicate());
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("a ByteOutput that cannot fail failed", e);
    }
    return (int) crc.getValue();
  }

  /**
   * Returns the CRC32C of the concatenation A||B, given {@code crcA} = CRC32C(A),
   * {@code crcB} = CRC32C(B) and {@code lenB} = the length of B in bytes. Runs in
   * O(log lenB) time and allocates nothing: CRC32C(A||B) = CRC32C(B) xor (CRC32C(A) times
   * x^(8 lenB)) modulo the polynomial, with x^(8 lenB) built from a table of x^(2^k).
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
    return multiply(xToThe8n(lenB), crcA) ^ crcB;
  }

  /**
   * {@code X_2K[k]} = x^(2^k) modulo the polynomial, for k = 0..66 (enough for x^(8 n) with any
   * non-negative long n), in the reflected bit order of the CRC: the top bit is x^0.
   */
  private static final int[] X_2K = new int[67];

  static {
    X_2K[0] = 1 << 30; // x^1
    for (int k = 1; k < X_2K.length; k++) {
      X_2K[k] = multiply(X_2K[k - 1], X_2K[k - 1]);
    }
  }

  /** x^(8 n) modulo the polynomial. */
  private static int xToThe8n(long n) {
    int p = 1 << 31; // x^0
    for (int k = 3; n != 0; n >>>= 1, k++) {
      if ((n & 1) != 0) {
        p = multiply(X_2K[k], p);
      }
    }
    return p;
  }

  /** a times b modulo the polynomial (both in the reflected bit order). */
  private static int multiply(int a, int b) {
    int product = 0;
    for (int m = 1 << 31; m != 0; m >>>= 1) {
      if ((a & m) != 0) {
        product ^= b;
        if ((a & (m - 1)) == 0) {
          break;
        }
      }
      b = (b & 1) != 0 ? (b >>> 1) ^ (int) POLY : b >>> 1;
    }
    return product;
  }
}
