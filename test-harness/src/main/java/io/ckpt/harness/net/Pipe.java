package io.ckpt.harness.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * One byte direction of a proxied connection: a ring buffer of bytes read and not yet written,
 * and the arrival time of each chunk (for {@link LinkMode.Kind#DELAY}). Used by one thread only.
 *
 * <p>Positions are byte counts since the connection opened: {@code in} bytes were read,
 * {@code out} written; the bytes in between are held, at ring index {@code pos & (capacity-1)}.
 * In PASS the ring stays at its initial size (backpressure flows through); in BLOCK and DELAY it
 * grows up to the hold limit, then reading stops so TCP backpressure applies to the sender.
 */
final class Pipe {
  static final int INITIAL_CAPACITY = 128 * 1024;
  private static final int MAX_OP = 64 * 1024;
  private static final int MARK = 3; // end position, arrival nanos, jitter fraction bits

  private final int holdLimit;
  private ByteBuffer ring = ByteBuffer.allocate(INITIAL_CAPACITY);
  private long in;
  private long out;
  private long[] marks = new long[MARK * 16];
  private int markHead;
  private int markCount;
  private boolean eof;
  private long eofNanos;
  private boolean eofForwarded;

  /** @param holdLimit the most bytes held; rounded up to a power of two, at least the ring. */
  Pipe(int holdLimit) {
    this.holdLimit = Math.max(INITIAL_CAPACITY, Integer.highestOneBit(holdLimit - 1) << 1);
  }

  int held() {
    return (int) (in - out);
  }

  long out() {
    return out;
  }

  /** Drops the held bytes (the connection is gone). */
  void discard() {
    out = in;
    markCount = 0;
  }

  boolean eofForwarded() {
    return eofForwarded;
  }

  /** Whether a read could store anything under {@code mode}. */
  boolean canRead(LinkMode mode) {
    return !eof && (held() < ring.capacity() || (!mode.isPass() && ring.capacity() < holdLimit));
  }

  /**
   * One non-blocking read of at most 64 KiB. Returns the bytes read, 0 if none was available,
   * or -1 at end of stream (then recorded with its arrival time).
   */
  int read(ReadableByteChannel src, LinkMode mode, long now, double jitterFraction)
      throws IOException {
    if (held() == ring.capacity() && ring.capacity() < holdLimit) {
      grow();
    } else if (held() == 0 && ring.capacity() > INITIAL_CAPACITY && mode.isPass()) {
      ring = ByteBuffer.allocate(INITIAL_CAPACITY); // drained after a fault: give the memory back
    }
    int capacity = ring.capacity();
    int index = (int) (in & (capacity - 1));
    int len = Math.min(Math.min(capacity - held(), capacity - index), MAX_OP);
    ring.clear().limit(index + len).position(index);
    int n = src.read(ring);
    if (n > 0) {
      in += n;
      mark(mode, now, jitterFraction);
    } else if (n < 0) {
      eof = true;
      eofNanos = now;
    }
    return n;
  }

  /** One non-blocking write of at most 64 KiB, of bytes before {@code limit}; returns bytes written. */
  int write(WritableByteChannel dst, long limit) throws IOException {
    int capacity = ring.capacity();
    int index = (int) (out & (capacity - 1));
    int len = (int) Math.min(Math.min(limit - out, capacity - index), MAX_OP);
    ring.clear().limit(index + len).position(index);
    int n = dst.write(ring);
    out += n;
    while (markCount > 0 && marks[markHead * MARK] <= out) {
      markHead = (markHead + 1) % (marks.length / MARK);
      markCount--;
    }
    return n;
  }

  /**
   * The position up to which bytes may be written now under {@code mode}; if some held bytes are
   * not due yet, {@code nextDue[0]} is set to the nanoTime when the next chunk is.
   */
  long writableEnd(LinkMode mode, long now, long[] nextDue) {
    switch (mode.kind()) {
      case PASS:
        return in;
      case BLOCK:
        return out;
      default:
        break;
    }
    long end = out;
    int slots = marks.length / MARK;
    for (int i = 0; i < markCount; i++) {
      int m = ((markHead + i) % slots) * MARK;
      long due = dueTime(mode, marks[m + 1], Double.longBitsToDouble(marks[m + 2]));
      if (due - now > 0) {
        nextDue[0] = Math.min(nextDue[0], due);
        return end;
      }
      end = marks[m];
    }
    return end;
  }

  /** Whether the end of stream should be passed on now (every byte before it is written). */
  boolean eofDue(LinkMode mode, long now, long[] nextDue) {
    if (!eof || eofForwarded || held() > 0 || mode.isBlock()) {
      return false;
    }
    long due = mode.isPass() ? now : dueTime(mode, eofNanos, 0);
    if (due - now > 0) {
      nextDue[0] = Math.min(nextDue[0], due);
      return false;
    }
    return true;
  }

  void eofForwarded(boolean forwarded) {
    this.eofForwarded = forwarded;
  }

  private static long dueTime(LinkMode mode, long arrival, double jitterFraction) {
    return arrival + (mode.delayMs() * 1_000_000L) + (long) (jitterFraction * mode.jitterMs() * 1e6);
  }

  /** Records the arrival of the bytes up to {@code in}; without a delay, folds into the last mark. */
  private void mark(LinkMode mode, long now, double jitterFraction) {
    int slots = marks.length / MARK;
    if (markCount > 0 && mode.kind() != LinkMode.Kind.DELAY) {
      int last = ((markHead + markCount - 1) % slots) * MARK;
      if (marks[last + 2] == 0) { // no jitter drawn: the later arrival covers the bytes before
        marks[last] = in;
        marks[last + 1] = now;
        return;
      }
    }
    if (markCount == slots) {
      long[] bigger = new long[marks.length * 2];
      for (int i = 0; i < markCount; i++) {
        System.arraycopy(marks, ((markHead + i) % slots) * MARK, bigger, i * MARK, MARK);
      }
      marks = bigger;
      markHead = 0;
      slots = marks.length / MARK;
    }
    int m = ((markHead + markCount) % slots) * MARK;
    marks[m] = in;
    marks[m + 1] = now;
    marks[m + 2] = Double.doubleToRawLongBits(jitterFraction);
    markCount++;
  }

  private void grow() {
    int capacity = ring.capacity();
    ByteBuffer bigger = ByteBuffer.allocate(Math.min(capacity * 2, holdLimit));
    int newMask = bigger.capacity() - 1;
    for (long pos = out; pos < in; ) {
      int from = (int) (pos & (capacity - 1));
      int to = (int) (pos & newMask);
      int len = (int) Math.min(in - pos, Math.min(capacity - from, bigger.capacity() - to));
      System.arraycopy(ring.array(), from, bigger.array(), to, len);
      pos += len;
    }
    ring = bigger;
  }
}
