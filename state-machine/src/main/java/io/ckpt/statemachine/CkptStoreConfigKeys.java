package io.ckpt.statemachine;

import static org.apache.ratis.conf.ConfUtils.getInt;
import static org.apache.ratis.conf.ConfUtils.getSizeInBytes;
import static org.apache.ratis.conf.ConfUtils.requireMin;
import static org.apache.ratis.conf.ConfUtils.requireMinSizeInByte;

import io.ckpt.client.store.VolumeSpec;
import io.ckpt.statemachine.store.StoreSettings;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.util.SizeInBytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state machine's settings, declared once with typed getters, setters and defaults (in the
 * style of Ratis's {@code RaftServerConfigKeys}). They travel in the node's RaftProperties.
 * Every replica of a group must use the same store values.
 */
public final class CkptStoreConfigKeys {
  private static final Logger LOG = LoggerFactory.getLogger(CkptStoreConfigKeys.class);
  public static final String PREFIX = "ckpt.store";

  private CkptStoreConfigKeys() {}

  /** Bytes of chunk data a node's store may hold; writes beyond it are refused before the log. */
  public static final String QUOTA_KEY = PREFIX + ".quota";
  public static final SizeInBytes QUOTA_DEFAULT = SizeInBytes.valueOf("1GB");

  public static SizeInBytes quota(RaftProperties p) {
    return getSizeInBytes(p::getSizeInBytes, QUOTA_KEY, QUOTA_DEFAULT, LOG::info, requireMinSizeInByte(SizeInBytes.ONE_MB));
  }

  public static void setQuota(RaftProperties p, SizeInBytes v) {
    p.set(QUOTA_KEY, v.getInput());
  }

  /** Capacity of one Chronicle Map volume file (preallocated, sparse). */
  public static final String VOLUME_SIZE_KEY = PREFIX + ".volume.size";
  public static final SizeInBytes VOLUME_SIZE_DEFAULT = SizeInBytes.valueOf(VolumeSpec.defaults().volumeBytes());

  public static SizeInBytes volumeSize(RaftProperties p) {
    return getSizeInBytes(p::getSizeInBytes, VOLUME_SIZE_KEY, VOLUME_SIZE_DEFAULT, LOG::info,
        requireMinSizeInByte(SizeInBytes.valueOf("4MB")));
  }

  public static void setVolumeSize(RaftProperties p, SizeInBytes v) {
    p.set(VOLUME_SIZE_KEY, v.getInput());
  }

  /** Largest chunk (one log entry's payload) the store accepts. */
  public static final String CHUNK_MAX_KEY = PREFIX + ".chunk.max";
  public static final SizeInBytes CHUNK_MAX_DEFAULT = SizeInBytes.valueOf(VolumeSpec.defaults().maxValueBytes());

  public static SizeInBytes chunkMax(RaftProperties p) {
    return getSizeInBytes(p::getSizeInBytes, CHUNK_MAX_KEY, CHUNK_MAX_DEFAULT, LOG::info,
        requireMinSizeInByte(SizeInBytes.valueOf("4KB")));
  }

  /** Largest segment version. */
  public static final String SEGMENT_MAX_KEY = PREFIX + ".segment.max";
  public static final SizeInBytes SEGMENT_MAX_DEFAULT = SizeInBytes.valueOf("1GB");

  public static SizeInBytes segmentMax(RaftProperties p) {
    return getSizeInBytes(p::getSizeInBytes, SEGMENT_MAX_KEY, SEGMENT_MAX_DEFAULT, LOG::info);
  }

  public static void setSegmentMax(RaftProperties p, SizeInBytes v) {
    p.set(SEGMENT_MAX_KEY, v.getInput());
  }

  /** Versions kept per segment; older ones are removed when a new one is applied. */
  public static final String RETAIN_KEY = PREFIX + ".retain";
  public static final int RETAIN_DEFAULT = 3;

  public static int retain(RaftProperties p) {
    return getInt(p::getInt, RETAIN_KEY, RETAIN_DEFAULT, LOG::info, requireMin(1));
  }

  public static void setRetain(RaftProperties p, int v) {
    p.setInt(RETAIN_KEY, v);
  }

  /** Segments plus staged uploads the catalog can hold. */
  public static final String CATALOG_ENTRIES_KEY = PREFIX + ".catalog.entries";
  public static final int CATALOG_ENTRIES_DEFAULT = 16_384;

  public static int catalogEntries(RaftProperties p) {
    return getInt(p::getInt, CATALOG_ENTRIES_KEY, CATALOG_ENTRIES_DEFAULT, LOG::info, requireMin(16));
  }

  /** Applied payload bytes after which the node takes a snapshot (and so can purge its log). */
  public static final String SNAPSHOT_BYTES_KEY = PREFIX + ".snapshot.trigger.bytes";
  public static final SizeInBytes SNAPSHOT_BYTES_DEFAULT = SizeInBytes.valueOf("256MB");

  public static SizeInBytes snapshotBytes(RaftProperties p) {
    return getSizeInBytes(p::getSizeInBytes, SNAPSHOT_BYTES_KEY, SNAPSHOT_BYTES_DEFAULT, LOG::info);
  }

  public static void setSnapshotBytes(RaftProperties p, SizeInBytes v) {
    p.set(SNAPSHOT_BYTES_KEY, v.getInput());
  }

  /**
   * Disk space a node keeps free: the leader refuses writes (QUOTA_EXCEEDED) that would leave
   * less on the filesystem of its Raft log or store (see DiskGuard).
   */
  public static final String DISK_RESERVE_KEY = PREFIX + ".disk.reserve";
  public static final SizeInBytes DISK_RESERVE_DEFAULT = SizeInBytes.valueOf("64MB");

  public static SizeInBytes diskReserve(RaftProperties p) {
    return getSizeInBytes(p::getSizeInBytes, DISK_RESERVE_KEY, DISK_RESERVE_DEFAULT, LOG::info);
  }

  public static void setDiskReserve(RaftProperties p, SizeInBytes v) {
    p.set(DISK_RESERVE_KEY, v.getInput());
  }

  /** The store settings these properties describe. */
  public static StoreSettings storeSettings(RaftProperties p) {
    VolumeSpec base = VolumeSpec.defaults();
    long volume = volumeSize(p).getSize();
    int chunkMax = Math.toIntExact(chunkMax(p).getSize());
    long quota = quota(p).getSize();
    VolumeSpec sized = new VolumeSpec(volume, chunkMax, 1, base.minChargeBytes());
    // Enough volumes that the quota (counted in charged bytes) always fits their usable space.
    long needed = (quota + sized.usableBytes() - 1) / sized.usableBytes() + 1;
    VolumeSpec spec = sized.withMaxVolumes((int) Math.min(VolumeSpec.MAX_VOLUMES_LIMIT, needed));
    return new StoreSettings(spec, quota, segmentMax(p).getSize(), retain(p), catalogEntries(p));
  }
}
