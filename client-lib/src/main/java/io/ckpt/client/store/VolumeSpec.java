package io.ckpt.client.store;

import io.ckpt.client.util.Sizes;

/**
 * The geometry of the volumes of a {@link ChunkVolumes}.
 *
 * <p>Each volume is one Chronicle Map file configured for {@link #entriesPerVolume()} entries of
 * average size {@code minChargeBytes}. A stored value is charged {@link #chargeOf(int)} bytes;
 * a volume accepts values while its charged bytes stay within {@link #usableBytes()} (75% of
 * {@code volumeBytes}) and its entry count within {@link #entriesPerVolume()}. See
 * {@link ChunkVolumes} for the measurements behind these numbers.
 *
 * @param volumeBytes the nominal capacity of one volume file (64 KiB to 1 GiB)
 * @param maxValueBytes the largest value that may be stored; its charge must fit in
 *        {@link #usableBytes()}
 * @param maxVolumes the largest number of volume files (1 to 99,999); the store's quota is
 *        {@code maxVolumes * volumeBytes}
 * @param minChargeBytes the least bytes a value is charged, and Chronicle's average value size
 *        (256 bytes up to {@code volumeBytes})
 */
public record VolumeSpec(long volumeBytes, int maxValueBytes, int maxVolumes, int minChargeBytes) {
  /** The fraction of {@code volumeBytes} that values may be charged (the rest absorbs fragmentation). */
  public static final double USABLE_FRACTION = 0.75;
  /** The most volumes a directory may hold (file names carry five digits). */
  public static final int MAX_VOLUMES_LIMIT = 99_999;

  private static final long MIN_VOLUME_BYTES = 64L << 10;
  private static final long MAX_VOLUME_BYTES = 1L << 30;
  private static final int MIN_CHARGE_LIMIT = 256;

  /** Validates the spec. */
  public VolumeSpec {
    if (volumeBytes < MIN_VOLUME_BYTES || volumeBytes > MAX_VOLUME_BYTES) {
      throw new IllegalArgumentException("volumeBytes must be between 64 KiB and 1 GiB, got " + volumeBytes);
    }
    if (minChargeBytes < MIN_CHARGE_LIMIT || minChargeBytes > volumeBytes) {
      throw new IllegalArgumentException("minChargeBytes must be between 256 and volumeBytes ("
          + volumeBytes + "), got " + minChargeBytes);
    }
    if (maxVolumes < 1 || maxVolumes > MAX_VOLUMES_LIMIT) {
      throw new IllegalArgumentException("maxVolumes must be between 1 and " + MAX_VOLUMES_LIMIT
          + ", got " + maxVolumes);
    }
    if (maxValueBytes < 0) {
      throw new IllegalArgumentException("maxValueBytes must not be negative, got " + maxValueBytes);
    }
    long usable = (long) (volumeBytes * USABLE_FRACTION);
    long maxCharge = (long) Math.max(maxValueBytes, minChargeBytes) + overhead(minChargeBytes);
    if (maxCharge > usable) {
      throw new IllegalArgumentException("maxValueBytes " + Sizes.format(maxValueBytes)
          + " does not fit a volume of " + Sizes.format(volumeBytes) + " (usable "
          + Sizes.format(usable) + "): use larger volumes or smaller values");
    }
  }

  /** 64 MiB volumes, values up to 1 MiB, at most 64 volumes (a 4 GiB quota), charged at least 16 KiB. */
  public static VolumeSpec defaults() {
    return new VolumeSpec(64L << 20, 1 << 20, 64, 16 << 10);
  }

  /** 8 MiB volumes, values up to 1 MiB, at most 16 volumes (128 MiB), charged at least 16 KiB: for tests and small quotas. */
  public static VolumeSpec small() {
    return new VolumeSpec(8L << 20, 1 << 20, 16, 16 << 10);
  }

  /** Returns a copy with another {@code maxVolumes} (the quota); volume files stay compatible. */
  public VolumeSpec withMaxVolumes(int newMaxVolumes) {
    return new VolumeSpec(volumeBytes, maxValueBytes, newMaxVolumes, minChargeBytes);
  }

  /** The entries Chronicle Map is configured for, and the most values a volume accepts. */
  public long entriesPerVolume() {
    return Math.max(1, volumeBytes / minChargeBytes);
  }

  /** The bytes of values (as charged) that one volume accepts: 75% of {@code volumeBytes}. */
  public long usableBytes() {
    return (long) (volumeBytes * USABLE_FRACTION);
  }

  /**
   * The per-entry overhead added to every charge: {@code max(64, minChargeBytes / 16)}, twice
   * the chunk size Chronicle Map chooses ({@code minChargeBytes / 32} measured), which covers
   * the 8-byte key, the size prefix and rounding up to whole chunks.
   */
  public int entryOverheadBytes() {
    return overhead(minChargeBytes);
  }

  /** The bytes a value of {@code valueSize} bytes is charged: {@code max(valueSize, minChargeBytes) + entryOverheadBytes()}. */
  public long chargeOf(int valueSize) {
    return (long) Math.max(valueSize, minChargeBytes) + overhead(minChargeBytes);
  }

  /** The store's capacity: {@code maxVolumes * volumeBytes}. */
  public long capacityBytes() {
    return maxVolumes * volumeBytes;
  }

  private static int overhead(int minChargeBytes) {
    return Math.max(64, minChargeBytes / 16);
  }
}
