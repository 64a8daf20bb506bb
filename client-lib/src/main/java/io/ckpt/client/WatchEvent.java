package io.ckpt.client;

import java.util.Optional;

/**
 * One event of a watch: a new committed version, or a gap of versions retention removed
 * before the watcher saw them.
 *
 * @param version the new version (empty for a gap)
 * @param missedFrom first version of the gap (0 when not a gap)
 * @param missedTo last version of the gap (0 when not a gap)
 */
public record WatchEvent(Optional<SegmentInfo> version, long missedFrom, long missedTo) {
  public static WatchEvent of(SegmentInfo v) {
    return new WatchEvent(Optional.of(v), 0, 0);
  }

  public static WatchEvent gap(long from, long to) {
    return new WatchEvent(Optional.empty(), from, to);
  }

  public boolean isGap() {
    return version.isEmpty();
  }
}
