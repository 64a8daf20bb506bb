package io.ckpt.harness.check;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The configurations (set of linearized ops, state) the search has reached, bounded in memory.
 * Forgetting one never changes a verdict, only costs time: when the newer generation is full,
 * the older one is dropped.
 */
final class Memo {
  private final int generationSize;
  private Set<Key> young = new HashSet<>();
  private Set<Key> old = new HashSet<>();

  private record Key(long[] bits, Object state, int hash) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && hash == k.hash && Arrays.equals(bits, k.bits)
          && state.equals(k.state);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /** Remembers up to about {@code capacity} configurations. */
  Memo(int capacity) {
    this.generationSize = Math.max(1, capacity / 2);
  }

  /** Records a configuration; false if it was reached before. */
  boolean add(long[] bits, Object state) {
    Key k = new Key(bits, state, 31 * Arrays.hashCode(bits) + state.hashCode());
    if (old.contains(k)) {
      return false;
    }
    if (!young.add(k)) {
      return false;
    }
    if (young.size() >= generationSize) {
      old = young;
      young = new HashSet<>();
    }
    return true;
  }
}
