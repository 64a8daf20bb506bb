package io.ckpt.statemachine.store;

import io.ckpt.protocol.SegmentRecord;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The decoded records of the segments the catalog wrote last, so that the next put of a segment
 * neither reads nor parses its record again: on the leader its admission and its apply, on a
 * follower its apply (~6 us each per 1 KiB put in a CPU profile, of ~40 us per apply).
 *
 * <p>Direct-mapped: a name's hash picks one slot, which holds the last record written there;
 * another name written to the same slot replaces it. Only the catalog's writers fill slots (a
 * record as it is written; the apply thread, or a restore while apply is paused), and they clear
 * a slot before the map changes under it otherwise, so a slot never holds a record older than
 * the map's. Readers on other threads only look: a record read while its write is in progress
 * is the one before it, as a read of the map at that moment would be.
 */
final class RecentRecords {
  private final AtomicReferenceArray<SegmentRecord> slots;
  private final int mask;

  /** {@code slots}: a power of two. */
  RecentRecords(int slots) {
    if (slots <= 0 || Integer.bitCount(slots) != 1) {
      throw new IllegalArgumentException("slots must be a power of two, got " + slots);
    }
    this.slots = new AtomicReferenceArray<>(slots);
    this.mask = slots - 1;
  }

  /** The record of {@code name} if it is the last one written to its slot; null otherwise. */
  SegmentRecord get(String name) {
    SegmentRecord r = slots.get(slot(name));
    return r != null && r.getName().equals(name) ? r : null;
  }

  /** {@code record} was just written. */
  void written(SegmentRecord record) {
    slots.set(slot(record.getName()), record);
  }

  /** The entry under {@code key} is about to change other than through {@link #written}. */
  void forget(String key) {
    int i = slot(key);
    SegmentRecord r = slots.get(i);
    if (r != null && r.getName().equals(key)) {
      slots.compareAndSet(i, r, null);
    }
  }

  void clear() {
    for (int i = 0; i < slots.length(); i++) {
      slots.set(i, null);
    }
  }

  private int slot(String name) {
    int h = name.hashCode();
    return (h ^ (h >>> 16)) & mask;
  }
}
