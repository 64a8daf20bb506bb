package io.ckpt.client;

import io.ckpt.client.internal.ClientSettings;
import io.ckpt.client.internal.Deadline;
import io.ckpt.client.internal.Downloader;
import io.ckpt.client.internal.OwnershipCalls;
import io.ckpt.client.internal.RaftTransport;
import io.ckpt.client.internal.ReadBatchers;
import io.ckpt.client.internal.Replies;
import io.ckpt.client.internal.StatusProbe;
import io.ckpt.client.internal.Uploader;
import io.ckpt.client.local.LocalStore;
import io.ckpt.client.util.SegmentNames;
import io.ckpt.protocol.DeleteEntry;
import io.ckpt.protocol.FingerprintQuery;
import io.ckpt.protocol.ListQuery;
import io.ckpt.protocol.LogEntry;
import io.ckpt.protocol.Query;
import io.ckpt.protocol.QueryReply;
import io.ckpt.protocol.StoreFingerprint;
import io.ckpt.protocol.VersionInfo;
import io.ckpt.protocol.WriteCondition;
import io.ckpt.protocol.WriteReply;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * The ckpt client: writes checkpoint segments through the cluster's Raft log, reads them from
 * any node, and loads them into a local memory-mapped store. Thread-safe; create one per
 * process and close it when done.
 *
 * <pre>{@code
 * try (CheckpointClient client = CheckpointClient.builder().peers("n1=localhost:9801,...").build()) {
 *   WriteResult w = client.put("orders/book", bytes);
 *   Segment s = client.get("orders/book");
 * }
 * }</pre>
 */
public final class CheckpointClient implements AutoCloseable {
  private final RaftTransport transport;
  private final Uploader uploader;
  private final Downloader downloader;
  private final ReadBatchers readBatchers;
  private final OwnershipCalls ownership;

  private CheckpointClient(ClientSettings settings) {
    this.transport = new RaftTransport(settings);
    this.uploader = new Uploader(transport);
    this.readBatchers = new ReadBatchers(transport, settings.readBatchInFlight());
    this.downloader = new Downloader(transport, readBatchers);
    this.ownership = new OwnershipCalls(transport);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The cluster this client talks to. */
  public List<PeerAddress> peers() {
    return transport.peers();
  }

  // ------------------------------------------------------------------------------ writes

  /** Writes a new version; returns once it is committed on a quorum and applied. */
  public WriteResult put(String name, byte[] data) {
    return put(name, data, PutOptions.defaults());
  }

  public WriteResult put(String name, byte[] data, PutOptions options) {
    Objects.requireNonNull(data, "data");
    validateName(name);
    Objects.requireNonNull(options, "options");
    if (data.length <= transport.settings().chunkSize()) {
      // One entry: straight from the array, not through a stream and its read buffers.
      return transport.await(uploader.putSmall(name, data, options), transport.deadline(), "put " + name);
    }
    return uploader.put(name, new ByteArrayInputStream(data), () -> new ByteArrayInputStream(data), options,
        data.length, ProgressListener.NONE);
  }

  /**
   * Writes a new version from a stream, chunk by chunk; the stream is read to its end and not
   * closed. {@code sizeHint} (or -1) only feeds the progress listener. When the nodes take
   * streams and one becomes unreachable part-way through this put's streams, the bytes already
   * read cannot be read again: the put fails unavailable (retry it: chunked writes then go
   * through the log for a while). {@link #put(String, byte[], PutOptions)} and
   * {@link #put(String, Path, PutOptions, ProgressListener)} start over through the log instead.
   */
  public WriteResult put(String name, InputStream in, PutOptions options, long sizeHint, ProgressListener progress) {
    validateName(name);
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(options, "options");
    return uploader.put(name, in, null, options, sizeHint, progress == null ? ProgressListener.NONE : progress);
  }

  /**
   * Writes a new version with the bytes of {@code file}, chunk by chunk; if a stream meets an
   * unreachable node part-way, the put reads the file again from its start through the log.
   * The file must not change while it is written: the version is whatever bytes were read.
   */
  public WriteResult put(String name, Path file, PutOptions options, ProgressListener progress) throws IOException {
    validateName(name);
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(options, "options");
    try (InputStream in = Files.newInputStream(file)) {
      return uploader.put(name, in, () -> Files.newInputStream(file), options, Files.size(file),
          progress == null ? ProgressListener.NONE : progress);
    }
  }

  /**
   * Asynchronous {@link #put(String, byte[], PutOptions)}. The future completes on the common
   * {@link java.util.concurrent.ForkJoinPool}, never on a thread of the client's own: its
   * callbacks may block, and may call this client.
   */
  public CompletableFuture<WriteResult> putAsync(String name, byte[] data, PutOptions options) {
    validateName(name);
    Objects.requireNonNull(data, "data");
    if (data.length <= transport.settings().chunkSize()) {
      // Replies arrive on a thread of the client (Ratis's for a lone put or one too large to group,
      // the group-commit thread for a batch): a callback that writes again and waits must not run there.
      return uploader.putSmall(name, data, options)
          .<WriteResult>handleAsync((r, t) -> {
            if (t != null) {
              throw Replies.toException(t, "put " + name);
            }
            return r;
          });
    }
    return CompletableFuture.supplyAsync(() -> put(name, data, options));
  }

  /** Removes every version of the segment. */
  public void delete(String name) {
    delete(name, OptionalLong.empty());
  }

  /** Removes every version of the segment if its current version is {@code expectedVersion}. */
  public void delete(String name, OptionalLong expectedVersion) {
    validateName(name);
    WriteCondition.Builder c = WriteCondition.newBuilder();
    expectedVersion.ifPresent(c::setExpectedVersion);
    LogEntry e = LogEntry.newBuilder().setDelete(DeleteEntry.newBuilder().setName(name).setCondition(c)).build();
    WriteReply r = transport.await(transport.write(transport.lane(), e), transport.deadline(), "rm " + name);
    Replies.checkWrite(r, expectedVersion.orElse(-1));
  }

  // ------------------------------------------------------------------------------ registration and ownership

  /**
   * Registers a segment before its first version. Idempotent with the same policy; a
   * {@link VersionConflictException} when it is registered with another.
   */
  public SegmentDescription register(String name, SegmentPolicy policy, String registeredBy) {
    validateName(name);
    Objects.requireNonNull(policy, "policy");
    return ownership.register(name, policy, registeredBy == null ? "" : registeredBy);
  }

  /** The policy, owner, epoch and latest version of a registered segment. */
  public SegmentDescription describe(String name) {
    validateName(name);
    return ownership.describe(name, ReadOptions.latest());
  }

  /**
   * Makes {@code owner} the segment's owner and returns its fencing epoch (a new one unless it
   * already owned it). Without {@code force}, a segment owned by someone else whose lease is
   * still running is an {@link OwnershipConflictException}; with it, the other owner is fenced.
   * The lease must be renewed ({@link #renew}) within {@code ttl} or the leader expires it.
   */
  public Lease acquire(String name, String owner, Duration ttl, boolean force) {
    validateName(name);
    if (owner == null || owner.isBlank()) {
      throw new InvalidRequestException("owner id must not be empty");
    }
    if (ttl == null || ttl.toMillis() < 100 || ttl.toMillis() > 3_600_000) {
      throw new InvalidRequestException("lease ttl must be 100ms..1h, got " + ttl);
    }
    return ownership.acquire(name, owner, ttl, force);
  }

  /** Keeps a lease alive; a {@link FencedException} if it was lost. */
  public void renew(Lease lease) {
    ownership.renew(Objects.requireNonNull(lease, "lease"));
  }

  /** Gives up ownership; the epoch is bumped so writes with it are fenced from now on. */
  public void release(Lease lease) {
    ownership.release(Objects.requireNonNull(lease, "lease"));
  }

  /** Every committed version of {@code name} after {@code afterVersion}, in order (see {@link Watch}). */
  public Watch watch(String name, long afterVersion) {
    validateName(name);
    if (afterVersion < 0) {
      throw new InvalidRequestException("watch from version must be >= 0, got " + afterVersion);
    }
    return new Watch(transport, name, afterVersion);
  }

  // ------------------------------------------------------------------------------ reads

  /** The latest committed version, read linearizably from the leader. */
  public Segment get(String name) {
    return get(name, ReadOptions.latest());
  }

  public Segment get(String name, ReadOptions options) {
    validateName(name);
    Deadline deadline = transport.deadline();
    while (true) {
      Downloader.Head head = downloader.head(name, options, true, deadline);
      if (head.info().size() > Integer.MAX_VALUE - 64) {
        throw new InvalidRequestException(name + " is " + head.info().size()
            + " bytes, too large for one array: read it into a stream");
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream((int) head.info().size());
      try {
        downloader.stream(head, (i, data, crc) -> write(out, data), ProgressListener.NONE, deadline);
        return new Segment(head.info(), out.toByteArray());
      } catch (Downloader.RemovedWhileReading e) {
        readAgainOrThrow(options, deadline, e);
      }
    }
  }

  /**
   * A multi-chunk version can be superseded and removed by retention while it is read: a read of
   * the latest version then reads the new latest one (a segment that exists is never "not found");
   * a read of an explicit version is not found.
   */
  private static void readAgainOrThrow(ReadOptions options, Deadline deadline, Downloader.RemovedWhileReading e) {
    if (options.version() != 0) {
      throw e;
    }
    if (deadline.expired()) {
      throw new UnavailableException(e.getMessage() + ", and newer versions kept replacing it until the deadline", e);
    }
  }

  /**
   * Streams a version into {@code out} chunk by chunk, verifying checksums; returns its info. If
   * retention removes the version while it streams (it was superseded three times meanwhile),
   * this throws {@link SegmentNotFoundException} with {@code out} holding an incomplete copy;
   * {@link #get(String, ReadOptions)} and {@link #load} read the new latest version instead.
   */
  public SegmentInfo get(String name, ReadOptions options, OutputStream out, ProgressListener progress) {
    validateName(name);
    Deadline deadline = transport.deadline();
    Downloader.Head head = downloader.head(name, options, true, deadline);
    downloader.stream(head, (i, data, crc) -> write(out, data),
        progress == null ? ProgressListener.NONE : progress, deadline);
    return head.info();
  }

  /** Metadata of the latest (or the asked) version. */
  public SegmentInfo info(String name, ReadOptions options) {
    validateName(name);
    return downloader.head(name, options, false, transport.deadline()).info();
  }

  public SegmentInfo info(String name) {
    return info(name, ReadOptions.latest());
  }

  /** The latest version of every segment whose name starts with {@code prefix}, in name order. */
  public List<SegmentInfo> list(String prefix) {
    try {
      SegmentNames.validatePrefix(prefix);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(e.getMessage());
    }
    List<SegmentInfo> out = new ArrayList<>();
    Deadline deadline = transport.deadline();
    String after = "";
    while (true) {
      Query q = Query.newBuilder().setList(ListQuery.newBuilder().setPrefix(prefix).setStartAfter(after).setLimit(1000)).build();
      RaftTransport.Answer a = transport.query(q, null, false, 0, deadline, "ls " + prefix);
      QueryReply r = a.reply();
      Replies.check(r.getStatus(), r.getMessage(), -1, -1);
      for (VersionInfo v : r.getEntriesList()) {
        out.add(Downloader.toInfo(v, a.node()));
        after = v.getName();
      }
      if (!r.getMore() || r.getEntriesCount() == 0) {
        return out;
      }
    }
  }

  /**
   * Loads the latest committed version of {@code name} into {@code store} (verifying every
   * chunk's checksum), replacing what the store held for it; returns the loaded version.
   */
  public SegmentInfo load(String name, LocalStore store, ProgressListener progress) {
    validateName(name);
    Objects.requireNonNull(store, "store");
    Deadline deadline = transport.deadline();
    while (true) {
      Downloader.Head head = downloader.head(name, ReadOptions.latest(), true, deadline);
      try (LocalStore.Loader loader = store.beginLoad(head.info())) {
        downloader.stream(head, (i, data, crc) -> loader.append(data, crc),
            progress == null ? ProgressListener.NONE : progress, deadline);
        loader.commit();
        return head.info();
      } catch (Downloader.RemovedWhileReading e) {
        readAgainOrThrow(ReadOptions.latest(), deadline, e);
      }
    }
  }

  public SegmentInfo load(String name, LocalStore store) {
    return load(name, store, ProgressListener.NONE);
  }

  /**
   * A digest of {@code node}'s store as it stands (no round trip to the leader), to check that
   * replicas agree; with {@code verifyChunks} the node also reads back every chunk it stores
   * and checks its CRC32C, holding up its apply meanwhile, so use it on quiet or small stores.
   */
  public ReplicaFingerprint fingerprint(String node, boolean verifyChunks) {
    Objects.requireNonNull(node, "node");
    Query q = Query.newBuilder().setFingerprint(FingerprintQuery.newBuilder().setVerifyChunks(verifyChunks)).build();
    RaftTransport.Answer a = transport.query(q, node, true, 0, transport.deadline(), "fingerprint of " + node);
    Replies.check(a.reply().getStatus(), a.reply().getMessage(), -1, -1);
    StoreFingerprint f = a.reply().getFingerprint();
    return new ReplicaFingerprint(a.node(), f.getAppliedRevision(), f.getSegments(), f.getVersions(),
        java.util.HexFormat.of().formatHex(f.getDigest().toByteArray()), f.getChunksVerified(), f.getCorruptChunksList());
  }

  /** Every node's role and indexes; unreachable nodes are reported, not thrown. */
  public List<NodeStatus> status() {
    return StatusProbe.probe(transport.peers(), Duration.ofMillis(Math.min(3000, transport.settings().timeout().toMillis())));
  }

  @Override
  public void close() {
    uploader.close();
    readBatchers.close();
    try {
      transport.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void validateName(String name) {
    try {
      SegmentNames.validate(name);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(e.getMessage());
    }
  }

  private static void write(OutputStream out, java.nio.ByteBuffer data) {
    try {
      if (data.hasArray()) {
        out.write(data.array(), data.arrayOffset() + data.position(), data.remaining());
      } else {
        byte[] b = new byte[data.remaining()];
        data.duplicate().get(b);
        out.write(b);
      }
    } catch (IOException e) {
      throw new CheckpointException("writing the read bytes failed: " + e.getMessage(), e);
    }
  }

  /** Builds a client; only the peers are required. */
  public static final class Builder {
    private List<PeerAddress> peers;
    private Duration timeout = CkptClientConfigKeys.TIMEOUT_DEFAULT;
    private int chunkSize = CkptClientConfigKeys.CHUNK_SIZE_DEFAULT;
    private long maxInFlightBytes = CkptClientConfigKeys.MAX_IN_FLIGHT_BYTES_DEFAULT;
    private int streamBytes = CkptClientConfigKeys.STREAM_BYTES_DEFAULT;
    private int raftClients = CkptClientConfigKeys.RAFT_CLIENTS_DEFAULT;
    private Duration rpcTimeout = CkptClientConfigKeys.RPC_TIMEOUT_DEFAULT;
    private int groupCommitBytes = CkptClientConfigKeys.GROUP_COMMIT_BYTES_DEFAULT;
    private int groupCommitPutBytes = CkptClientConfigKeys.GROUP_COMMIT_PUT_BYTES_DEFAULT;
    private int groupCommitInFlight = CkptClientConfigKeys.GROUP_COMMIT_IN_FLIGHT_DEFAULT;
    private int readBatchInFlight = CkptClientConfigKeys.READ_BATCH_IN_FLIGHT_DEFAULT;

    private Builder() {}

    /** {@code ID=HOST:PORT,...} */
    public Builder peers(String spec) {
      this.peers = PeerAddress.parseList(spec);
      return this;
    }

    public Builder peers(List<PeerAddress> peers) {
      if (peers == null || peers.isEmpty()) {
        throw new InvalidRequestException("no peers given");
      }
      this.peers = List.copyOf(peers);
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = CkptClientConfigKeys.requirePositive(CkptClientConfigKeys.TIMEOUT_KEY, timeout);
      return this;
    }

    public Builder chunkSize(int bytes) {
      this.chunkSize = (int) CkptClientConfigKeys.requireRange(CkptClientConfigKeys.CHUNK_SIZE_KEY, bytes,
          CkptClientConfigKeys.CHUNK_SIZE_MIN, CkptClientConfigKeys.CHUNK_SIZE_MAX);
      return this;
    }

    public Builder maxInFlightBytes(long bytes) {
      this.maxInFlightBytes = CkptClientConfigKeys.requireRange(CkptClientConfigKeys.MAX_IN_FLIGHT_BYTES_KEY, bytes,
          CkptClientConfigKeys.CHUNK_SIZE_MIN, 1L << 30);
      return this;
    }

    /** Bytes per stream when chunked writes go as DataStream streams (see {@link CkptClientConfigKeys#STREAM_BYTES_KEY}). */
    public Builder streamBytes(int bytes) {
      this.streamBytes = (int) CkptClientConfigKeys.requireRange(CkptClientConfigKeys.STREAM_BYTES_KEY, bytes,
          CkptClientConfigKeys.CHUNK_SIZE_MIN, CkptClientConfigKeys.STREAM_BYTES_MAX);
      return this;
    }

    public Builder raftClients(int n) {
      this.raftClients = (int) CkptClientConfigKeys.requireRange(CkptClientConfigKeys.RAFT_CLIENTS_KEY, n, 1, 64);
      return this;
    }

    public Builder rpcTimeout(Duration d) {
      this.rpcTimeout = CkptClientConfigKeys.requirePositive(CkptClientConfigKeys.RPC_TIMEOUT_KEY, d);
      return this;
    }

    /**
     * Group commit of small puts (see {@link CkptClientConfigKeys#GROUP_COMMIT_BYTES_KEY}):
     * payload bytes per shared log entry (0 = off), the largest put that joins, and the shared
     * entries outstanding at once.
     */
    public Builder groupCommit(int maxBytes, int maxPutBytes, int inFlight) {
      this.groupCommitBytes = (int) CkptClientConfigKeys.requireRange(CkptClientConfigKeys.GROUP_COMMIT_BYTES_KEY,
          maxBytes, 0, CkptClientConfigKeys.CHUNK_SIZE_MAX);
      this.groupCommitPutBytes = (int) CkptClientConfigKeys.requireRange(
          CkptClientConfigKeys.GROUP_COMMIT_PUT_BYTES_KEY, maxPutBytes, 0, Math.max(0, maxBytes));
      this.groupCommitInFlight = (int) CkptClientConfigKeys.requireRange(CkptClientConfigKeys.GROUP_COMMIT_IN_FLIGHT_KEY,
          inFlight, 1, 1024);
      return this;
    }

    /**
     * Read batching (see {@link CkptClientConfigKeys#READ_BATCH_IN_FLIGHT_KEY}): the read queries
     * outstanding at once (per target: the leader, or a node for stale gets) before concurrent
     * gets wait and go together (0 = off).
     */
    public Builder readBatch(int inFlight) {
      this.readBatchInFlight = (int) CkptClientConfigKeys.requireRange(CkptClientConfigKeys.READ_BATCH_IN_FLIGHT_KEY,
          inFlight, 0, 1024);
      return this;
    }

    public CheckpointClient build() {
      if (peers == null) {
        throw new InvalidRequestException("no peers given: call peers(\"ID=HOST:PORT,...\")");
      }
      long inFlight = Math.max(maxInFlightBytes, chunkSize);
      return new CheckpointClient(new ClientSettings(peers, timeout, chunkSize, inFlight, raftClients, rpcTimeout,
          new ClientSettings.GroupCommitSettings(groupCommitBytes, groupCommitPutBytes, groupCommitInFlight),
          readBatchInFlight, streamBytes));
    }
  }
}
