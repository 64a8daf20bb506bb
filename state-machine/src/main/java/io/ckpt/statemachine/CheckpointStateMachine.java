package io.ckpt.statemachine;

import io.ckpt.client.internal.RaftMessages;
import com.google.protobuf.InvalidProtocolBufferException;
import io.ckpt.protocol.LeasesQuery;
import io.ckpt.protocol.LogEntry;
import io.ckpt.protocol.Query;
import io.ckpt.protocol.QueryReply;
import io.ckpt.protocol.Status;
import io.ckpt.protocol.StreamedChunksEntry;
import io.ckpt.protocol.WriteReply;
import io.ckpt.statemachine.store.NoRoomForVolumeException;
import io.ckpt.statemachine.store.Rejected;
import io.ckpt.statemachine.store.SegmentStore;
import io.ckpt.statemachine.store.StoreCorruptException;
import io.ckpt.statemachine.store.StoreSettings;
import io.ckpt.statemachine.store.StoreView;
import io.ckpt.statemachine.stream.MissingStreamException;
import io.ckpt.statemachine.stream.RaftPeerChunks;
import io.ckpt.statemachine.stream.ReceivedBytes;
import io.ckpt.statemachine.stream.StreamFiles;
import io.ckpt.statemachine.stream.StreamRepair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftClientRequestProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.ClientInvocationId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.FileListSnapshotInfo;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapts Ratis to a {@link SegmentStore}: admission in {@link #startTransaction} (on the
 * leader, before the log), deterministic apply, linearizable and stale queries, and snapshots.
 *
 * <p>Durability: the Raft log is the truth. On a clean stop the store is sealed (see
 * {@link StoreSeal}) and reused if its files still match the seal; after a crash, or when the
 * files were damaged, it is rebuilt from the newest intact snapshot and Ratis replays the log
 * from there (re-applying an entry the store already holds changes nothing). Damaged snapshots
 * are moved aside. The node keeps a {@link LogWatermark} so a restart can tell whether its Raft
 * log lost entries.
 */
public final class CheckpointStateMachine extends BaseStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointStateMachine.class);
  static final String CLEAN_MARKER = StoreSeal.FILE_NAME;
  /**
   * The most bytes one stream may carry: one file per node and one entry, whose apply checks them
   * at once (clients send at most this much per stream, by default).
   */
  public static final long MAX_STREAM_BYTES = 64L << 20;

  private final Path storeDir;
  private final Path watermarkFile;
  private volatile LogWatermark watermark;
  private final long diskReserveBytes;
  private volatile DiskGuard diskGuard;
  private final CompletableFuture<String> stopped = new CompletableFuture<>();
  private final StoreSettings settings;
  private final CkptSnapshotStorage storage = new CkptSnapshotStorage();
  private final Reservations reservations = new Reservations();
  private final SnapshotTrigger snapshotTrigger;
  private final SnapshotWriter snapshotWriter = new SnapshotWriter();
  /** Entries after the latest snapshot that make one due (Ratis's auto-trigger threshold). */
  private volatile long snapshotEntries = Long.MAX_VALUE;
  /** The newest snapshot index {@link #takeSnapshot} returned to Ratis (its log may be purged up to it). */
  private volatile long reportedSnapshot = RaftLog.INVALID_LOG_INDEX;
  /** {@link #getLatestSnapshot()} with its stream files listed, for the snapshot it names. */
  private volatile SnapshotInfo latestWithStreams;
  private volatile SegmentStore store;
  private final LeaseClock leaseClock = new LeaseClock();
  private final Watches watches = new Watches(q -> store.query(q));
  private volatile RaftServer server;
  /** Set when apply failed on this node: it must not serve reads any more. */
  private volatile String failure;
  private final StreamFiles streams;

  public CheckpointStateMachine(Path storeDir, StoreSettings settings, long snapshotTriggerBytes) {
    this(storeDir, storeDir.resolveSibling(LogWatermark.FILE_NAME), settings, snapshotTriggerBytes,
        CkptStoreConfigKeys.DISK_RESERVE_DEFAULT.getSize());
  }

  /**
   * @param storeDir the store's directory
   * @param watermarkFile where the {@link LogWatermark} is kept (beside the Raft log, outside the store)
   * @param diskReserveBytes disk space the leader keeps free by refusing writes (see {@link DiskGuard})
   */
  public CheckpointStateMachine(Path storeDir, Path watermarkFile, StoreSettings settings, long snapshotTriggerBytes,
      long diskReserveBytes) {
    this.storeDir = storeDir;
    this.watermarkFile = watermarkFile;
    this.diskReserveBytes = diskReserveBytes;
    this.settings = settings;
    this.snapshotTrigger = new SnapshotTrigger(snapshotTriggerBytes);
    this.streams = new StreamFiles(storeDir.resolveSibling(StreamFiles.DIR_NAME), settings.maxChunkBytes(), MAX_STREAM_BYTES,
        this::claimStreamSpace);
  }

  /** Refuses stream bytes the disk cannot spare (see {@link DiskGuard#admitStream}); unchecked before start. */
  private void claimStreamSpace(long bytes) throws IOException {
    DiskGuard g = diskGuard;
    RaftServer s = server;
    if (g != null && s != null) {
      g.admitStream(s.getId().toString(), bytes);
    }
  }

  /** This node's streamed chunks (for tests). */
  public StreamFiles streams() {
    return streams;
  }

  /** The store (for embedded reads and tests). */
  public SegmentStore store() {
    return store;
  }

  @Override
  public void initialize(RaftServer raftServer, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
    getLifeCycle().startAndTransition(() -> open(raftServer, groupId, raftStorage), IOException.class);
  }

  private void open(RaftServer raftServer, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
    super.initialize(raftServer, groupId, raftStorage);
    this.server = raftServer;
    prepare(raftServer.getId().toString(), raftStorage.getStorageDir().getRoot().toPath());
    diskGuard = new DiskGuard(List.of(raftStorage.getStorageDir().getRoot().toPath(), storeDir), diskReserveBytes);
    watermark = LogWatermark.open(watermarkFile);
    storage.init(raftStorage);
    if (RaftServerConfigKeys.Snapshot.autoTriggerEnabled(raftServer.getProperties())) {
      snapshotEntries = RaftServerConfigKeys.Snapshot.autoTriggerThreshold(raftServer.getProperties());
    }
    SingleFileSnapshotInfo latest = storage.getLatestSnapshot();
    if (latest != null) {
      reportedSnapshot = latest.getIndex(); // Ratis starts from it
    }
    if (store.appliedRevision() > 0) {
      updateLastAppliedTermIndex(store.appliedTerm(), store.appliedRevision());
    }
    resetLeaseClock();
  }

  /**
   * Brings the store to a trusted state: reuses it if it was sealed on a clean close and its
   * files still match the seal, else rebuilds it from the newest intact snapshot (the Raft log
   * replays the rest once Ratis runs). Nodes call this before starting Ratis, so a node that
   * cannot rebuild itself refuses to start with one clear message; {@link #initialize} calls
   * it otherwise. Idempotent.
   *
   * @param groupDir the group's Raft storage directory ({@code current/} log, {@code sm/} snapshots)
   * @throws DamagedStorageException if no usable state can be found on this node
   */
  public synchronized void prepare(String nodeId, Path groupDir) throws IOException {
    if (store != null) {
      return;
    }
    Optional<StoreSeal> seal = takeSeal(nodeId);
    boolean reuse = seal.isPresent();
    if (reuse) {
      Optional<String> damage = seal.get().verify(storeDir);
      if (damage.isPresent()) {
        LOG.warn("{}: the store in {} is damaged: {}; rebuilding it from the latest snapshot and the Raft log",
            nodeId, storeDir, damage.get());
        reuse = false;
      }
    }
    SegmentStore s = openStore(nodeId, reuse);
    try {
      SnapshotFiles.deleteUnfinished(groupDir.resolve("sm"));
      List<SnapshotFiles.Snapshot> snapshots = SnapshotFiles.list(groupDir.resolve("sm"));
      long latest = snapshots.isEmpty() ? RaftLog.INVALID_LOG_INDEX : snapshots.get(0).index();
      // Ratis resumes applying after its latest snapshot, so a reused store must be exactly at that
      // snapshot: a store ahead of it would see older entries again (and Ratis's updater fails on
      // them). Ratis snapshots on a clean stop, so a sealed store normally is.
      if (reuse && s.appliedRevision() == seal.get().applied() && s.appliedRevision() == Math.max(latest, 0)) {
        LOG.info("{}: reusing the cleanly closed store at revision {} (its files match their seal)", nodeId,
            s.appliedRevision());
        if (!snapshots.isEmpty()) {
          repairSnapshot(nodeId, s, snapshots.get(0));
        }
      } else {
        if (reuse) {
          LOG.info("{}: the store is at revision {} but the latest snapshot at {}; rebuilding it", nodeId,
              s.appliedRevision(), latest);
          s.close();
          s = openStore(nodeId, false);
        }
        rebuild(nodeId, s, snapshots, groupDir.resolve("current"));
      }
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
    store = s;
  }

  /**
   * The latest snapshot is what this node would send a follower that fell behind its log: a
   * damaged one would fail that follower's restore again and again. The reused store is verified
   * and at the snapshot's revision, so a snapshot that fails its record checksums is written
   * again from it.
   */
  private static void repairSnapshot(String nodeId, SegmentStore s, SnapshotFiles.Snapshot latest) throws IOException {
    try {
      SnapshotFiles.verify(latest.file());
      return;
    } catch (StoreCorruptException e) {
      LOG.warn("{}: snapshot {} is damaged ({}); writing it again from the verified store", nodeId, latest.file(),
          e.getMessage());
    }
    SnapshotFiles.write(s, latest.file());
  }

  private Optional<StoreSeal> takeSeal(String id) throws IOException {
    try {
      return StoreSeal.take(storeDir);
    } catch (StoreSeal.DamagedSealException e) {
      LOG.warn("{}: {}; treating the store as not closed cleanly", id, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Opens the store: the existing files when they are trusted, else fresh empty ones. A trusted
   * store that Chronicle cannot open is discarded too: it is rebuilt, never fatal.
   */
  private SegmentStore openStore(String id, boolean reuse) throws IOException {
    if (reuse) {
      try {
        return SegmentStore.open(storeDir, settings);
      } catch (IOException | RuntimeException e) {
        LOG.warn("{}: cannot open the store in {} ({}); rebuilding it", id, storeDir, e.toString());
      }
    }
    StoreSeal.discard(storeDir);
    try {
      return SegmentStore.open(storeDir, settings);
    } catch (RuntimeException e) {
      throw new IOException("cannot create a store in " + storeDir + ": " + e, e);
    }
  }

  /**
   * Fills the (empty) store from the newest snapshot that is intact and that the Raft log
   * continues from; damaged snapshots are moved aside. Without such a snapshot the store can
   * start empty only if the log still begins at its first entry. Otherwise the node refuses to
   * start: its log is intact but begins after the state it would need, which only its peers hold.
   */
  private void rebuild(String id, SegmentStore target, List<SnapshotFiles.Snapshot> snapshots, Path logDir)
      throws IOException {
    OptionalLong firstLog = SnapshotFiles.firstLogIndex(logDir);
    // The oldest state the log can be replayed from. Without log files the node must not go back
    // behind its newest snapshot: it would forget entries it had (and could vote as if it never had them).
    long oldestUsable = firstLog.isPresent() ? firstLog.getAsLong() - 1
        : snapshots.isEmpty() ? RaftLog.INVALID_LOG_INDEX : snapshots.get(0).index();
    List<String> damaged = new ArrayList<>();
    for (SnapshotFiles.Snapshot s : snapshots) {
      if (s.index() < oldestUsable) {
        break;
      }
      try {
        SnapshotFiles.restore(target, s.file());
        LOG.info("{}: rebuilt the store from snapshot {}", id, s.termIndex());
        if (!damaged.isEmpty()) {
          LOG.warn("{}: older snapshot {} replaces the damaged {}", id, s.termIndex(), damaged);
        }
        return;
      } catch (StoreCorruptException e) {
        Path moved = SnapshotFiles.moveAside(s.file());
        damaged.add(s.file() + " (" + e.getMessage() + "; moved to " + moved.getFileName() + ")");
        LOG.error("{}: snapshot {} is damaged: {}; moved it to {}", id, s.file(), e.getMessage(), moved);
        target.clear();
      }
    }
    if (oldestUsable <= RaftLog.INVALID_LOG_INDEX) {
      target.clear();
      LOG.info("{}: rebuilding the store from an empty state{}", id,
          damaged.isEmpty() ? "" : " and the whole Raft log (the snapshots were damaged)");
      return;
    }
    String why = damaged.isEmpty() ? "there is no snapshot" : "snapshot " + String.join(", ", damaged) + " is damaged";
    throw new DamagedStorageException("node " + id + " cannot rebuild its store: " + why + ", and its Raft log in "
        + logDir + (firstLog.isPresent() ? " starts at index " + firstLog.getAsLong() + " (earlier entries were purged"
        + " after that snapshot), so the state before it exists only on the other nodes"
        : " is empty, so the state of the snapshot exists only on the other nodes") + "; "
        + DamagedStorageException.rebuildFromPeersAdvice(storeDir.getParent()));
  }

  private void resetLeaseClock() {
    leaseClock.reset(store.query(Query.newBuilder().setLeases(LeasesQuery.getDefaultInstance()).build()).getLeasesList());
  }

  /** This node's lease clocks (read by the leader's lease janitor). */
  public LeaseClock leaseClock() {
    return leaseClock;
  }

  /** Called by Ratis before it installs a snapshot from the leader. */
  @Override
  public synchronized void pause() {
    // Ratis replaces the snapshot directory next: a snapshot still being written must not land in it.
    snapshotWriter.cancel();
    if (getLifeCycleState() == LifeCycle.State.RUNNING) {
      getLifeCycle().transition(LifeCycle.State.PAUSING);
      getLifeCycle().transition(LifeCycle.State.PAUSED);
    }
  }

  /** Called by Ratis after installing a snapshot from the leader: load it, then run again. */
  @Override
  public synchronized void reinitialize() throws IOException {
    SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
    LOG.info("{}: loading installed snapshot {}", server.getId(), snapshot == null ? null : snapshot.getTermIndex());
    restore(snapshot);
    if (snapshot != null) {
      updateLastAppliedTermIndex(snapshot.getTermIndex());
      reportedSnapshot = snapshot.getIndex();
      purgeStreams();
    }
    resetLeaseClock();
    if (getLifeCycleState() == LifeCycle.State.PAUSED) {
      getLifeCycle().transition(LifeCycle.State.STARTING);
      getLifeCycle().transition(LifeCycle.State.RUNNING);
    }
  }

  private void restore(SingleFileSnapshotInfo snapshot) throws IOException {
    if (snapshot == null) {
      store.clear();
      return;
    }
    Path file = snapshot.getFile().getPath();
    try {
      SnapshotFiles.restore(store, file);
    } catch (StoreCorruptException e) {
      store.clear();
      throw new DamagedStorageException("snapshot " + file + " is damaged: " + e.getMessage(), e);
    }
  }

  @Override
  public SimpleStateMachineStorage getStateMachineStorage() {
    return storage;
  }

  /**
   * The latest snapshot as Ratis sends it to a follower that fell behind: its file, then the
   * stream files it links (see {@link SnapshotFiles}).
   */
  @Override
  public SnapshotInfo getLatestSnapshot() {
    SingleFileSnapshotInfo latest = storage.getLatestSnapshot();
    if (latest == null) {
      return null;
    }
    SnapshotInfo known = latestWithStreams;
    if (known != null && known.getTermIndex().equals(latest.getTermIndex())) {
      return known;
    }
    List<FileInfo> files = new ArrayList<>();
    files.add(latest.getFile());
    try {
      for (Path link : SnapshotFiles.links(latest.getFile().getPath())) {
        files.add(new FileInfo(link, null)); // Ratis computes the MD5 while it sends the file
      }
    } catch (IOException e) {
      LOG.warn("{}: cannot list the stream files of snapshot {}: {}", server.getId(), latest.getTermIndex(), e.toString());
      return latest;
    }
    known = new FileListSnapshotInfo(files, latest.getTermIndex());
    latestWithStreams = known;
    return known;
  }

  @Override
  public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
    boolean streamed = request.getType().is(RaftClientRequestProto.TypeCase.DATASTREAM);
    TransactionContext trx = super.startTransaction(request);
    try {
      LogEntry entry = parseEntry(request.getMessage().getContent());
      if (streamed) {
        entry = completeStreamed(request, entry);
        trx = TransactionContext.newBuilder().setStateMachine(this).setServerRole(RaftPeerRole.LEADER)
            .setClientRequest(request).setLogData(RaftMessages.of(entry).getContent()).build();
      } else if (entry.hasStreamedChunks()) {
        throw new Rejected(Status.INVALID, "streamed chunks can only be written as a stream");
      }
      trx.setStateMachineContext(new Admitted(entry, reservations.admit(store, entry, this::admitDiskSpace)));
    } catch (Rejected r) {
      trx.setException(r);
    } catch (InvalidProtocolBufferException e) {
      trx.setException(new Rejected(Status.INVALID, "unreadable write request: " + e.getMessage()));
    }
    return trx;
  }

  /**
   * The log entry of a stream: its header completed with the size and chunk CRCs of the bytes
   * this node (the leader) received, which every node's copy must match when it applies it.
   */
  private LogEntry completeStreamed(RaftClientRequest request, LogEntry header) throws Rejected {
    if (!header.hasStreamedChunks()) {
      throw new Rejected(Status.INVALID, "a stream's header must be a streamed-chunks entry, got " + header.getOpCase());
    }
    // A stream the leader did not get (routed around it, or dropped when a node of its route
    // failed): the client may try again, through the log or a new stream.
    ReceivedBytes got = streams.received(ClientInvocationId.valueOf(request)).orElseThrow(() -> new Rejected(
        Status.UNAVAILABLE, "the leader has no bytes of this stream (it did not reach every node)"));
    if (!got.forced()) {
      throw new Rejected(Status.INVALID, "the stream's bytes were not all forced to disk: send its last packet with SYNC");
    }
    return LogEntry.newBuilder().setStreamedChunks(header.getStreamedChunks().toBuilder().setSize(got.size())
        .clearChunkCrc32C().addAllChunkCrc32C(got.chunkCrcs())).build();
  }

  @Override
  public CompletableFuture<DataStream> stream(RaftClientRequest request) {
    return streams.stream(request);
  }

  @Override
  public CompletableFuture<?> link(DataStream stream, LogEntryProto entry) {
    return streams.link(stream, entry);
  }

  private void admitDiskSpace(long payload, long inFlight) throws Rejected {
    DiskGuard g = diskGuard;
    if (g != null) {
      long newVolume = store.mayNeedNewVolume((int) payload, inFlight)
          ? DiskGuard.volumeFileBytes(settings.volumes().volumeBytes()) : 0;
      g.admit(server.getId().toString(), payload, inFlight, newVolume);
    }
  }

  /**
   * What the leader admitted into its log: the entry as parsed for admission (the bytes of the
   * log entry, so apply on this node need not parse them again) and the payload bytes reserved.
   */
  private record Admitted(LogEntry entry, long reservedBytes) {}

  /** An admitted write that never reached the log gives back its reservation. */
  @Override
  public TransactionContext cancelTransaction(TransactionContext trx) throws IOException {
    release(trx);
    return super.cancelTransaction(trx);
  }

  /**
   * Gives back the reservation of a write this node admitted as leader; returns its parsed
   * entry, or null where there is none (a follower, or an entry of an earlier leadership).
   */
  private LogEntry release(TransactionContext trx) {
    if (trx.getStateMachineContext() instanceof Admitted admitted) {
      trx.setStateMachineContext(null);
      reservations.release(admitted.reservedBytes());
      return admitted.entry();
    }
    return null;
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto logEntry = trx.getLogEntry();
    LogEntry admitted = release(trx);
    long term = logEntry.getTerm();
    long index = logEntry.getIndex();
    WriteReply reply;
    try {
      // Ratis hands the leader back the context of the same term and index: the same bytes.
      LogEntry entry = admitted != null ? admitted : parseEntry(logEntry.getStateMachineLogEntry().getLogData());
      if (entry.hasStreamedChunks() && index > store.appliedRevision()) {
        // The store keeps the chunks in the stream file: they must be there, intact.
        haveStream(index, ClientInvocationId.valueOf(logEntry.getStateMachineLogEntry()), entry.getStreamedChunks());
      }
      reply = applyWaitingForSpace(term, index, entry);
      leaseClock.onApplied(entry, reply);
      if (reply.hasVersion()) {
        watches.versionApplied(reply.getVersion().getName());
      }
      for (WriteReply put : reply.getBatchList()) {
        if (put.hasVersion()) {
          watches.versionApplied(put.getVersion().getName());
        }
      }
      snapshotTrigger.applied(SegmentStore.payloadBytes(entry), server, getGroupId());
    } catch (InvalidProtocolBufferException e) {
      store.markApplied(term, index);
      reply = WriteReply.newBuilder().setStatus(Status.INVALID).setMessage("unreadable log entry").build();
    } catch (RuntimeException e) {
      failStop(index, e);
      return CompletableFuture.failedFuture(e);
    }
    updateLastAppliedTermIndex(term, index);
    return CompletableFuture.completedFuture(RaftMessages.of(reply));
  }

  /**
   * Makes sure this node holds the bytes of the streamed run of log entry {@code index}, intact:
   * a stream that never reached it (the entry did) or a damaged copy is fetched from the other
   * nodes first, however long that takes (see {@link StreamRepair}).
   */
  private void haveStream(long index, ClientInvocationId id, StreamedChunksEntry run) {
    try {
      streams.verify(index, id, run);
    } catch (MissingStreamException missing) {
      RaftServer.Division division = division();
      try (RaftPeerChunks peers = new RaftPeerChunks(division.getGroup(), settings.maxChunkBytes())) {
        new StreamRepair(server.getId().toString(), streams, () -> otherPeers(division), peers,
            () -> Thread.currentThread().isInterrupted() || !division.getInfo().isAlive())
            .fetch(index, id, run, missing.getMessage());
      } catch (IOException e) {
        LOG.warn("{}: closing the client that fetched log entry {}: {}", server.getId(), index, e.toString());
      }
      streams.verify(index, id, run);
    }
  }

  /** The group's other nodes, the leader (if known) first. */
  private List<String> otherPeers(RaftServer.Division division) {
    RaftPeerId leader = division.getInfo().getLeaderId();
    List<String> peers = new ArrayList<>();
    for (RaftPeer p : division.getGroup().getPeers()) {
      if (!p.getId().equals(server.getId())) {
        peers.add(p.getId().equals(leader) ? 0 : peers.size(), p.getId().toString());
      }
    }
    return peers;
  }

  private RaftServer.Division division() {
    try {
      return server.getDivision(getGroupId());
    } catch (IOException e) {
      throw new UncheckedIOException("this node's Raft group is gone: " + e.getMessage(), e);
    }
  }

  /**
   * Applies an entry; if a new chunk volume cannot be created because the disk is full, waits
   * for space and applies it again (the failed attempt changed nothing) instead of failing: an
   * entry in the log must be applied the same way on every replica. Interrupted (the node is
   * stopping), it gives up and the node stops without sealing its store.
   */
  private WriteReply applyWaitingForSpace(long term, long index, LogEntry entry) {
    long since = 0;
    long lastReport = 0;
    while (true) {
      try {
        WriteReply reply = store.apply(term, index, entry);
        if (since != 0) {
          LOG.warn("{}: applied log entry {} after waiting {} s for disk space", server.getId(), index,
              (System.nanoTime() - since) / 1_000_000_000L);
        }
        return reply;
      } catch (StoreCorruptException e) {
        DiskGuard g = diskGuard;
        if (g == null || !causedBy(e, NoRoomForVolumeException.class)
            || !g.outOfSpace(e, settings.volumes().volumeBytes())) {
          throw e;
        }
        long now = System.nanoTime();
        if (since == 0) {
          since = now;
        }
        if (lastReport == 0 || now - lastReport > 30_000_000_000L) {
          lastReport = now;
          LOG.error("{}: cannot apply log entry {}: the disk is full ({} free in {}); waiting for space, then applying"
              + " it (nothing was changed)", server.getId(), index, DiskGuard.mib(g.freeBytes()), g.fullestDir());
        }
        try {
          Thread.sleep(500);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("stopped while waiting for disk space to apply log entry " + index, e);
        }
      }
    }
  }

  private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  /** The Raft log could not be written (e.g. a full disk): Ratis cannot use it again until restart. */
  @Override
  public void notifyLogFailed(Throwable cause, LogEntryProto failedEntry) {
    String what = "the Raft log cannot be written" + (failedEntry == null ? "" : " (entry " + failedEntry.getIndex() + ")")
        + ": " + cause.getMessage();
    LOG.error("{}: {}; stopping this node", server.getId(), what);
    stop(what);
  }

  /** Completes with the reason when this node stops on its own (a failed apply or log); on close otherwise. */
  public CompletableFuture<String> stopped() {
    return stopped;
  }

  /**
   * A failure inside apply (a disk error, not a bad entry: those are answered deterministically)
   * means this replica may now differ from the others: stop serving and shut the node down so
   * it can be repaired from its peers, rather than answer from a store that cannot be trusted.
   */
  private void failStop(long index, RuntimeException e) {
    String what = "applying log entry " + index + " failed: " + e.getMessage();
    LOG.error("{}: {}; stopping this node", server.getId(), what, e);
    stop(what);
  }

  private void stop(String why) {
    if (failure != null) {
      return;
    }
    failure = why;
    stopped.complete(why);
    Thread stopper = new Thread(() -> {
      try {
        server.close();
      } catch (IOException ex) {
        LOG.error("{}: stopping after a failure: {}", server.getId(), ex.toString());
      }
    }, "ckpt-fail-stop");
    stopper.setDaemon(true);
    stopper.start();
  }

  @Override
  public void notifyTermIndexUpdated(long term, long index) {
    super.notifyTermIndexUpdated(term, index);
    SegmentStore s = store;
    if (s != null) {
      s.markApplied(term, index);
    }
  }

  @Override
  public CompletableFuture<Message> query(Message request) {
    try {
      Query q = RaftMessages.parse(request.getContent(), Query.parser());
      String failed = failure;
      if (failed == null && q.hasWatch()) {
        return watches.watch(q).thenApply(RaftMessages::of);
      }
      if (failed == null && q.hasStreamChunk()) {
        long committed = division().getRaftLog().getLastCommittedIndex();
        return CompletableFuture.completedFuture(RaftMessages.of(StreamRepair.answer(streams, q.getStreamChunk(), committed)));
      }
      QueryReply reply = failed == null ? store.query(q)
          : QueryReply.newBuilder().setStatus(Status.CORRUPT).setMessage("this node stopped serving: " + failed).build();
      return CompletableFuture.completedFuture(RaftMessages.of(reply));
    } catch (InvalidProtocolBufferException e) {
      QueryReply reply = QueryReply.newBuilder().setStatus(Status.INVALID).setMessage("unreadable query").build();
      return CompletableFuture.completedFuture(RaftMessages.of(reply));
    } catch (StoreCorruptException e) {
      // A damaged record found while serving: a clear error, never a guess.
      LOG.error("{}: store damaged: {}", server.getId(), e.getMessage());
      QueryReply reply = QueryReply.newBuilder().setStatus(Status.CORRUPT)
          .setMessage("the store on this node is damaged: " + e.getMessage()).build();
      return CompletableFuture.completedFuture(RaftMessages.of(reply));
    }
  }

  /** Ratis is about to force the log up to {@code index}: the previous flush is durable. */
  @Override
  public CompletableFuture<Void> flush(long index) {
    LogWatermark w = watermark;
    if (w != null) {
      w.flushing(index);
    }
    return CompletableFuture.completedFuture(null);
  }

  /** Ratis is about to drop log entries from {@code index} on. */
  @Override
  public CompletableFuture<Void> truncate(long index) {
    LogWatermark w = watermark;
    if (w != null) {
      w.truncating(index);
    }
    return CompletableFuture.completedFuture(null);
  }

  /**
   * Ratis asks for a snapshot (past the trigger's bytes or its entry threshold, on stop, or to
   * learn of one just written). When one is due, the store is frozen here and written by the
   * snapshot writer while apply goes on; the index returned is always that of the newest snapshot
   * complete on disk, which is how far Ratis may purge its log. A snapshot completed since the
   * previous call is returned before another is begun.
   */
  @Override
  public long takeSnapshot() throws IOException {
    SegmentStore s = store;
    SingleFileSnapshotInfo latest = storage.getLatestSnapshot();
    long latestIndex = latest == null ? RaftLog.INVALID_LOG_INDEX : latest.getIndex();
    if (s == null || snapshotWriter.busy() || latestIndex > reportedSnapshot) {
      // Still writing, or one was completed since Ratis last asked: that one is reported first.
      reportedSnapshot = Math.max(reportedSnapshot, latestIndex);
      return latestIndex;
    }
    long applied = s.appliedRevision();
    if (applied <= 0 || latestIndex >= applied) {
      return latest == null ? applied : latestIndex;
    }
    if (!snapshotTrigger.due() && applied - Math.max(latestIndex, 0) < snapshotEntries) {
      return latestIndex; // asked only to learn of the last one (see snapshotWritten), or on stop (see close)
    }
    StoreView view = s.freeze();
    snapshotTrigger.snapshotTaken();
    Path file = storage.getSnapshotFile(view.appliedTerm(), view.appliedRevision()).toPath();
    snapshotWriter.start(String.valueOf(server.getId()), view, file, at -> snapshotWritten(at, file));
    return latestIndex;
  }

  /**
   * A snapshot is complete on disk: it becomes the latest (what a follower that fell behind the
   * log is sent), covered stream files go, and Ratis is asked to take it, so it purges its log.
   */
  private void snapshotWritten(TermIndex at, Path file) {
    SingleFileSnapshotInfo latest = storage.getLatestSnapshot();
    if (latest != null && latest.getIndex() >= at.getIndex()) {
      return;
    }
    // No MD5 (see SnapshotFiles.write): Ratis computes one while it sends the snapshot.
    storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file, null), at));
    purgeStreams();
    try {
      LOG.info("{}: snapshot taken at {} ({} bytes)", server.getId(), at, Files.size(file));
    } catch (IOException e) {
      LOG.debug("{}: snapshot {}: {}", server.getId(), file, e.toString());
    }
    if (!stopped.isDone()) {
      snapshotTrigger.request(server, getGroupId());
    }
  }

  /**
   * Deletes the stream files every kept snapshot covers (a node rebuilt from any of them replays
   * only later entries) and the store no longer keeps chunks in (a snapshot that names one holds
   * a link of its own).
   */
  private void purgeStreams() {
    try {
      List<SnapshotFiles.Snapshot> kept = SnapshotFiles.list(storage.smDir());
      SegmentStore s = store;
      if (!kept.isEmpty() && s != null) {
        streams.purge(kept.get(kept.size() - 1).index(), s::streamInUse);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("{}: purging stream files: {}", server.getId(), e.toString());
    }
  }

  @Override
  public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
    resetReservations();
  }

  @Override
  public void notifyNotLeader(Collection<TransactionContext> pendingEntries) {
    resetReservations();
  }

  private void resetReservations() {
    leaseClock.restartAll();
    reservations.reset();
  }

  @Override
  public void close() throws IOException {
    stopped.complete("closed");
    super.close();
    snapshotTrigger.close();
    // A snapshot being written is completed; snapshotAtClose then adds one at the applied revision if need be.
    snapshotWriter.await();
    snapshotWriter.close();
    watches.close();
    streams.close();
    recordFlushedLog();
    SegmentStore s = store;
    if (s != null) {
      long applied = s.appliedRevision();
      if (failure == null) {
        snapshotAtClose(s);
      }
      s.close();
      store = null;
      if (failure != null) {
        // A failed apply may have left the store half-changed: no seal, so it is rebuilt on restart.
        LOG.warn("{}: not sealing the store after a failed apply; it is rebuilt on restart", server.getId());
        return;
      }
      // Chronicle Map writes through mmap: force the files before declaring the store clean.
      try (var files = Files.list(storeDir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          forceToDisk(f);
        }
      }
      StoreSeal.write(storeDir, applied);
    }
  }

  /**
   * Where Ratis is set to snapshot on stop, makes sure a snapshot at the store's applied revision
   * exists (Ratis's call on stop may have found a finished one to report and begun none): a
   * cleanly closed store is reused on restart only if it is exactly at its latest snapshot.
   */
  private void snapshotAtClose(SegmentStore s) {
    SingleFileSnapshotInfo latest = storage.getLatestSnapshot();
    long applied = s.appliedRevision();
    RaftServer srv = server;
    if (applied <= 0 || latest != null && latest.getIndex() >= applied || srv == null
        || !RaftServerConfigKeys.Snapshot.autoTriggerEnabled(srv.getProperties())
        || !RaftServerConfigKeys.Snapshot.triggerWhenStopEnabled(srv.getProperties())) {
      return;
    }
    TermIndex at = TermIndex.valueOf(s.appliedTerm(), applied);
    try {
      Path file = storage.getSnapshotFile(at.getTerm(), at.getIndex()).toPath();
      SnapshotFiles.write(s, file);
      storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file, null), at));
    } catch (IOException | RuntimeException e) {
      LOG.warn("{}: no snapshot at {} on close ({}); the store is rebuilt on restart", server.getId(), at, e.toString());
    }
  }

  /**
   * On stop, everything the log flushed is durable: record it exactly (a crash leaves it up to
   * {@link LogWatermark#WRITE_INTERVAL_NANOS} and a flush behind).
   */
  private void recordFlushedLog() {
    LogWatermark w = watermark;
    if (w == null) {
      return;
    }
    try {
      w.flushed(division().getRaftLog().getFlushIndex());
    } catch (RuntimeException e) {
      LOG.debug("{}: cannot read the log's flush index on close: {}", server.getId(), e.toString());
    }
    try {
      w.close();
    } catch (IOException e) {
      LOG.debug("{}: closing the log watermark: {}", server.getId(), e.toString());
    }
  }

  private static void forceToDisk(Path f) throws IOException {
    if (Files.isRegularFile(f)) {
      try (var ch = java.nio.channels.FileChannel.open(f, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
    }
  }

  /**
   * Parses an entry in place: its payload fields are views of the log entry's bytes (see
   * {@link RaftMessages#parse}), not copies.
   */
  private static LogEntry parseEntry(ByteString data) throws InvalidProtocolBufferException {
    return RaftMessages.parse(data, LogEntry.parser());
  }
}
