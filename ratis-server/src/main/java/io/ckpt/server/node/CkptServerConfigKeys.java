package io.ckpt.server.node;

import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.datastream.SupportedDataStreamType;
import org.apache.ratis.netty.NettyConfigKeys;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * The Ratis settings a ckpt node runs with, declared once. Values come from STACK.md's
 * measurements: entries of 1 MiB chunks need larger gRPC messages and log buffers than Ratis's
 * defaults; linearizable reads need the LINEARIZABLE read option; snapshots are triggered
 * automatically and the log is purged behind them.
 */
public final class CkptServerConfigKeys {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CkptServerConfigKeys.class);

  private CkptServerConfigKeys() {}

  public static final SizeInBytes GRPC_MESSAGE_SIZE_MAX = SizeInBytes.valueOf("64MB");
  public static final SizeInBytes APPENDER_BUFFER_BYTE_LIMIT = SizeInBytes.valueOf("4MB");
  /**
   * Least time between two appendEntries to one follower: none. With Ratis's 1 ms, a write
   * arriving within 1 ms of the appender's previous send (at one client: the commit forwarded
   * for the write before) waits out the rest on the appender thread, which cannot be woken. A/B
   * on 3 processes, alternating clusters, 3 rounds (docs/benchmarks.md, change 17): one client's
   * 1 KiB puts p50 2.90–2.98 ms with 1 ms, 1.67–2.34 ms with none; 64 clients 5,111–5,447 ops/s
   * with 1 ms, 5,314–7,910 with none. A slow follower still gets entries at heartbeat pace.
   */
  public static final TimeDuration APPENDER_WAIT_TIME_MIN = TimeDuration.ZERO;
  /**
   * HTTP/2 flow-control window of the node's gRPC server (what a client or the leader may send
   * it unacknowledged): Ratis's 1 MB default stalls every 1 MiB chunk and every append batch on
   * a window update; it must hold at least one full append batch.
   */
  public static final SizeInBytes GRPC_FLOW_CONTROL_WINDOW = SizeInBytes.valueOf("8MB");
  /**
   * Ratis's composed follower append: off. In Ratis 3.3.0 a follower that gets a second request
   * starting at the same index as one it is still writing (a leader resends so after a
   * connection reset, batched differently) skips the second request's entries but acknowledges
   * them all: the leader then counts entries the follower does not hold (towards a commit
   * quorum too), and its back-off never goes below that match index, so the follower gets no
   * entry again (FollowerAppendTest; the chaos schedule of docs/reliability.md finding 10).
   * Off, a follower appends each request to its log in the request's own thread, where
   * entries it already has are recognised by index and term.
   */
  public static final boolean APPEND_ENTRIES_COMPOSE = false;
  public static final SizeInBytes LOG_SEGMENT_SIZE_MAX = SizeInBytes.valueOf("32MB");
  public static final SizeInBytes LOG_WRITE_BUFFER_SIZE = SizeInBytes.valueOf("16MB");
  /**
   * How far ahead of its end a log segment is filled (Ratis writes the fill in one call; its
   * default is 4 MB in 1 MB writes). On Linux with large page-cache folios (6.x, ext4) an
   * append then dirties, and every flush writes back, the whole folio the fill created: 1 MB
   * per flush. Measured on this machine, a 1 KiB append + fdatasync into a file filled ahead in
   * 1 MB writes: 60-66 us and 23-40 us of machine CPU; in 64 KB writes: 45-52 us and 17-23 us
   * (docs/benchmarks.md, change 32).
   */
  public static final SizeInBytes LOG_PREALLOCATED_SIZE = SizeInBytes.valueOf("64KB");
  public static final SizeInBytes LOG_QUEUE_BYTE_LIMIT = SizeInBytes.valueOf("64MB");
  /** Log entries cached in memory: bounded so a node with a small heap can take large segments. */
  public static final int LOG_SEGMENT_CACHE_NUM_MAX = 2;
  public static final SizeInBytes LOG_SEGMENT_CACHE_SIZE_MAX = SizeInBytes.valueOf("64MB");
  /** Election timeouts: wider than Ratis's 150-300 ms so a loaded 2-core machine does not flap. */
  public static final TimeDuration ELECTION_TIMEOUT_MIN = TimeDuration.valueOf(600, TimeUnit.MILLISECONDS);
  public static final TimeDuration ELECTION_TIMEOUT_MAX = TimeDuration.valueOf(1200, TimeUnit.MILLISECONDS);
  public static final TimeDuration SERVER_REQUEST_TIMEOUT = TimeDuration.valueOf(10, TimeUnit.SECONDS);
  /** Log entries between automatic snapshots (the store also snapshots by bytes applied). */
  public static final long SNAPSHOT_ENTRIES_DEFAULT = 100_000;
  public static final int SNAPSHOT_FILES_RETAINED = 2;
  public static final int PURGE_GAP = 64;

  /** How long an upload may go without a new chunk before the leader aborts it. */
  public static final String UPLOAD_IDLE_TIMEOUT_KEY = "ckpt.upload.idle-timeout";
  public static final TimeDuration UPLOAD_IDLE_TIMEOUT_DEFAULT = TimeDuration.valueOf(5, TimeUnit.MINUTES);

  public static java.time.Duration uploadIdleTimeout(RaftProperties p) {
    TimeDuration d = org.apache.ratis.conf.ConfUtils.getTimeDuration(p.getTimeDuration(TimeUnit.MILLISECONDS),
        UPLOAD_IDLE_TIMEOUT_KEY, UPLOAD_IDLE_TIMEOUT_DEFAULT, LOG::info, org.apache.ratis.conf.ConfUtils.requirePositive());
    return java.time.Duration.ofMillis(d.toLong(TimeUnit.MILLISECONDS));
  }

  /** Ratis properties for a node listening on {@code port} with its Raft log under {@code raftDir}. */
  public static RaftProperties defaults(java.io.File raftDir, int port) {
    RaftProperties p = new RaftProperties();
    RaftServerConfigKeys.setStorageDir(p, java.util.List.of(raftDir));
    GrpcConfigKeys.Server.setPort(p, port);
    GrpcConfigKeys.setMessageSizeMax(p, GRPC_MESSAGE_SIZE_MAX);
    GrpcConfigKeys.setFlowControlWindow(p, GRPC_FLOW_CONTROL_WINDOW);
    // Heartbeats on their own channel, so they never queue behind megabytes of appendEntries.
    GrpcConfigKeys.Server.setHeartbeatChannel(p, true);
    // Followers learn a new commit index from an empty appendEntries sent at once, not from a
    // commit-index entry in the log (which cost every write a second round and fsync).
    RaftConfigKeys.Rpc.setType(p, new CommitForwardingRpc());
    RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);
    RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, APPENDER_BUFFER_BYTE_LIMIT);
    RaftServerConfigKeys.Log.Appender.setWaitTimeMin(p, APPENDER_WAIT_TIME_MIN);
    RaftServerConfigKeys.Log.setAppendEntriesComposeEnabled(p, APPEND_ENTRIES_COMPOSE);
    RaftServerConfigKeys.Log.setSegmentSizeMax(p, LOG_SEGMENT_SIZE_MAX);
    RaftServerConfigKeys.Log.setWriteBufferSize(p, LOG_WRITE_BUFFER_SIZE);
    RaftServerConfigKeys.Log.setPreallocatedSize(p, LOG_PREALLOCATED_SIZE);
    RaftServerConfigKeys.Log.setQueueByteLimit(p, LOG_QUEUE_BYTE_LIMIT);
    RaftServerConfigKeys.Log.setSegmentCacheNumMax(p, LOG_SEGMENT_CACHE_NUM_MAX);
    RaftServerConfigKeys.Log.setSegmentCacheSizeMax(p, LOG_SEGMENT_CACHE_SIZE_MAX);
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
    RaftServerConfigKeys.Log.setPurgeGap(p, PURGE_GAP);
    RaftServerConfigKeys.Rpc.setTimeoutMin(p, ELECTION_TIMEOUT_MIN);
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, ELECTION_TIMEOUT_MAX);
    RaftServerConfigKeys.Rpc.setRequestTimeout(p, SERVER_REQUEST_TIMEOUT);
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, SNAPSHOT_ENTRIES_DEFAULT);
    RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, SNAPSHOT_FILES_RETAINED);
    RaftServerConfigKeys.Snapshot.setCreationGap(p, 1);
    return p;
  }

  /**
   * Takes Ratis DataStream streams over Netty on {@code streamPort} (a node whose peer address
   * has a stream port): clients then send the bytes of chunked uploads to every node as streams.
   */
  public static void setDataStreamPort(RaftProperties p, int streamPort) {
    RaftConfigKeys.DataStream.setType(p, SupportedDataStreamType.NETTY);
    NettyConfigKeys.DataStream.setPort(p, streamPort);
  }

  public static void setSnapshotEntries(RaftProperties p, long entries) {
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, entries);
  }
}
