package io.ckpt.statemachine;

import io.ckpt.client.internal.RaftMessages;
import com.google.protobuf.InvalidProtocolBufferException;
import io.ckpt.protocol.LeasesQuery;
import io.ckpt.protocol.LogEntry;
import io.ckpt.protocol.Query;
import io.ckpt.protocol.QueryReply;
import io.ckpt.protocol.Status;
import io.ckpt.protocol.WriteReply;
import io.ckpt.statemachine.store.Rejected;
import io.ckpt.statemachine.store.SegmentStore;
import io.ckpt.statemachine.store.StoreCorruptException;
import io.ckpt.statemachine.store.StoreSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.apache.ratis.io.MD5Hash;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapts Ratis to a {@link SegmentStore}: admission in {@link #startTransaction} (on the
 * leader, before the log), deterministic apply, linearizable and stale queries, and snapshots.
 *
 * <p>Durability: the Raft log is the truth. On a clean stop the store is marked clean and
 * reused; after a crash it is rebuilt from the latest snapshot and Ratis replays the log from
 * there (re-applying an entry the store already holds changes nothing).
 */
public final class CheckpointStateMachine extends BaseStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointStateMachine.class);
  static final String CLEAN_MARKER = "CLEAN";

  private final Path storeDir;
  private final StoreSettings settings;
  private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
  private final Reservations reservations = new Reservations();
  private final SnapshotTrigger snapshotTrigger;
  private volatile SegmentStore store;
  private final LeaseClock leaseClock = new LeaseClock();
  private final Watches watches = new Watches(q -> store.query(q));
  private volatile RaftServer server;
  /** Set when apply failed on this node: it must not serve reads any more. */
  private volatile String failure;

  public CheckpointStateMachine(Path storeDir, StoreSettings settings, long snapshotTriggerBytes) {
    this.storeDir = storeDir;
    this.settings = settings;
    this.snapshotTrigger = new SnapshotTrigger(snapshotTriggerBytes);
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
    storage.init(raftStorage);
    store = SegmentStore.open(storeDir, settings);
    Path marker = storeDir.resolve(CLEAN_MARKER);
    boolean clean = Files.exists(marker);
    Files.deleteIfExists(marker);
    SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
    long snapshotIndex = snapshot == null ? 0 : snapshot.getIndex();
    if (clean && store.appliedRevision() >= snapshotIndex) {
      LOG.info("{}: reusing the cleanly closed store at revision {}", raftServer.getId(), store.appliedRevision());
    } else {
      LOG.info("{}: rebuilding the store from {} (store was {})", raftServer.getId(),
          snapshot == null ? "an empty state" : "snapshot " + snapshot.getTermIndex(), clean ? "behind" : "not closed cleanly");
      restore(snapshot);
    }
    if (store.appliedRevision() > 0) {
      updateLastAppliedTermIndex(store.appliedTerm(), store.appliedRevision());
    }
    resetLeaseClock();
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
    MD5Hash md5 = snapshot.getFile().getFileDigest();
    if (md5 != null) {
      MD5FileUtil.verifySavedMD5(file.toFile(), md5);
    }
    try (InputStream in = Files.newInputStream(file)) {
      store.restoreSnapshot(in);
    } catch (StoreCorruptException e) {
      throw new IOException("snapshot " + file + " is damaged: " + e.getMessage()
          + "; move it aside so the node can catch up from its peers", e);
    }
  }

  @Override
  public SimpleStateMachineStorage getStateMachineStorage() {
    return storage;
  }

  @Override
  public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
    TransactionContext trx = super.startTransaction(request);
    try {
      trx.setStateMachineContext(reservations.admit(store, parseEntry(request.getMessage().getContent())));
    } catch (Rejected r) {
      trx.setException(r);
    } catch (InvalidProtocolBufferException e) {
      trx.setException(new Rejected(Status.INVALID, "unreadable write request: " + e.getMessage()));
    }
    return trx;
  }

  /** An admitted write that never reached the log gives back its reservation. */
  @Override
  public TransactionContext cancelTransaction(TransactionContext trx) throws IOException {
    release(trx);
    return super.cancelTransaction(trx);
  }

  private void release(TransactionContext trx) {
    if (trx.getStateMachineContext() instanceof Long bytes) {
      trx.setStateMachineContext(null);
      reservations.release(bytes);
    }
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto logEntry = trx.getLogEntry();
    release(trx);
    long term = logEntry.getTerm();
    long index = logEntry.getIndex();
    WriteReply reply;
    try {
      LogEntry entry = parseEntry(logEntry.getStateMachineLogEntry().getLogData());
      reply = store.apply(term, index, entry);
      leaseClock.onApplied(entry, reply);
      if (reply.hasVersion()) {
        watches.versionApplied(reply.getVersion().getName());
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
   * A failure inside apply (a disk error, not a bad entry: those are answered deterministically)
   * means this replica may now differ from the others: stop serving and shut the node down so
   * it can be repaired from its peers, rather than answer from a store that cannot be trusted.
   */
  private void failStop(long index, RuntimeException e) {
    failure = "applying log entry " + index + " failed: " + e.getMessage();
    LOG.error("{}: {}; stopping this node", server.getId(), failure, e);
    Thread stopper = new Thread(() -> {
      try {
        server.close();
      } catch (IOException ex) {
        LOG.error("{}: stopping after a failed apply: {}", server.getId(), ex.toString());
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
      Query q = Query.parseFrom(request.getContent().asReadOnlyByteBuffer());
      String failed = failure;
      if (failed == null && q.hasWatch()) {
        return watches.watch(q).thenApply(RaftMessages::of);
      }
      QueryReply reply = failed == null ? store.query(q)
          : QueryReply.newBuilder().setStatus(Status.CORRUPT).setMessage("this node stopped serving: " + failed).build();
      return CompletableFuture.completedFuture(RaftMessages.of(reply));
    } catch (InvalidProtocolBufferException e) {
      QueryReply reply = QueryReply.newBuilder().setStatus(Status.INVALID).setMessage("unreadable query").build();
      return CompletableFuture.completedFuture(RaftMessages.of(reply));
    }
  }

  @Override
  public long takeSnapshot() throws IOException {
    SegmentStore s = store;
    if (s == null) {
      SingleFileSnapshotInfo latest = storage.getLatestSnapshot();
      return latest == null ? RaftLog.INVALID_LOG_INDEX : latest.getIndex();
    }
    TermIndex applied = TermIndex.valueOf(s.appliedTerm(), s.appliedRevision());
    SingleFileSnapshotInfo latest = storage.getLatestSnapshot();
    if (applied.getIndex() <= 0 || latest != null && latest.getIndex() >= applied.getIndex()) {
      return latest == null ? applied.getIndex() : latest.getIndex();
    }
    Path file = storage.getSnapshotFile(applied.getTerm(), applied.getIndex()).toPath();
    Path tmp = file.resolveSibling(file.getFileName() + ".writing");
    try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      s.writeSnapshot(out);
    }
    try (var ch = java.nio.channels.FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file.toFile());
    storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file, md5), applied));
    snapshotTrigger.snapshotTaken();
    LOG.info("{}: snapshot taken at {} ({} bytes)", server.getId(), applied, Files.size(file));
    return applied.getIndex();
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
    super.close();
    snapshotTrigger.close();
    watches.close();
    SegmentStore s = store;
    if (s != null) {
      long applied = s.appliedRevision();
      s.close();
      // Chronicle Map writes through mmap: force the files before declaring the store clean.
      try (var files = Files.list(storeDir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          forceToDisk(f);
        }
      }
      Path marker = storeDir.resolve(CLEAN_MARKER);
      Files.writeString(marker, Long.toString(applied));
      forceToDisk(marker);
      store = null;
    }
  }

  private static void forceToDisk(Path f) throws IOException {
    if (Files.isRegularFile(f)) {
      try (var ch = java.nio.channels.FileChannel.open(f, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
    }
  }

  private static LogEntry parseEntry(ByteString data) throws InvalidProtocolBufferException {
    return LogEntry.parseFrom(data.asReadOnlyByteBuffer());
  }
}
