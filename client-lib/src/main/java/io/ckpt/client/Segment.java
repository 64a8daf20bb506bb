package io.ckpt.client;

import java.util.Arrays;

/** A version of a segment read whole into memory. */
public final class Segment {
  private final SegmentInfo info;
  private final byte[] data;

  public Segment(SegmentInfo info, byte[] data) {
    this.info = info;
    this.data = data;
  }

  public SegmentInfo info() {
    return info;
  }

  /** The bytes; the array is the caller's to keep. */
  public byte[] data() {
    return data;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Segment s && s.info.equals(info) && Arrays.equals(s.data, data);
  }

  @Override
  public int hashCode() {
    return info.hashCode() * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Segment" + info;
  }
}
