package io.ckpt.harness.check;

/**
 * The set of ops the search has linearized: one bit per op with a reply, one per UNKNOWN op.
 * Its memo key is compact because the search linearizes ops with replies roughly in order: all
 * those below the floor are in the set, so only the floor and the words above it are kept.
 */
final class LinearizedSet {
  private final long[] definite;
  private final long[] unknown;
  private final int definiteCount;
  private int floor;
  private int topWord = -1;

  LinearizedSet(int definiteCount, int unknownCount) {
    this.definiteCount = definiteCount;
    this.definite = new long[(definiteCount + 63) / 64];
    this.unknown = new long[(unknownCount + 63) / 64];
  }

  boolean contains(boolean isDefinite, int bit) {
    return ((isDefinite ? definite : unknown)[bit >>> 6] & (1L << bit)) != 0;
  }

  void add(boolean isDefinite, int bit) {
    if (!isDefinite) {
      unknown[bit >>> 6] |= 1L << bit;
      return;
    }
    definite[bit >>> 6] |= 1L << bit;
    topWord = Math.max(topWord, bit >>> 6);
    while (floor < definiteCount && (definite[floor >>> 6] & (1L << floor)) != 0) {
      floor++;
    }
  }

  void remove(boolean isDefinite, int bit) {
    if (!isDefinite) {
      unknown[bit >>> 6] &= ~(1L << bit);
      return;
    }
    definite[bit >>> 6] &= ~(1L << bit);
    floor = Math.min(floor, bit);
    while (topWord >= 0 && definite[topWord] == 0) {
      topWord--;
    }
  }

  /** Sets the bit of UNKNOWN op {@code bit} in {@code key}, a copy made by {@link #key}. */
  static void markUnknown(long[] key, int bit) {
    key[1 + (bit >>> 6)] |= 1L << bit;
  }

  /** A copy identifying this set: the floor, the UNKNOWN bits, the words from the floor up. */
  long[] key() {
    int lo = floor >>> 6;
    int words = Math.max(0, topWord - lo + 1);
    long[] k = new long[1 + unknown.length + words];
    k[0] = floor;
    System.arraycopy(unknown, 0, k, 1, unknown.length);
    System.arraycopy(definite, lo, k, 1 + unknown.length, words);
    return k;
  }
}
