package io.ckpt.harness.bench.ratis;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Ratis state machine that acknowledges every log entry with an empty reply and stores
 * nothing: applying an entry only advances the last applied term and index. Deterministic: the
 * reply and the state depend on the log alone.
 *
 * <p><b>Snapshots, the same points as ckpt's, at no cost.</b> ckpt's state machine is
 * snapshotted when Ratis's entry trigger fires (every 100,000 entries, set by
 * {@code CkptServerConfigKeys} in the properties both share) and when its own byte trigger asks
 * for one (256 MiB of payload applied since the last, {@code ckpt.store.snapshot.trigger.bytes});
 * Ratis then purges the log up to the snapshot (purge up to the snapshot index, gap 64). This
 * machine is snapshotted at the same two points ({@link SnapshotRequests} counts the entries'
 * bytes, key included), so its log is purged the same way. But its snapshot is only a file
 * named after the applied term and index, in Ratis's {@link SimpleStateMachineStorage} layout,
 * with a one-line body and its MD5: there is no state to save. The file cannot be left out,
 * although Ratis purges the log on the returned index alone: a follower that falls behind the
 * purged log catches up only by installing the leader's latest snapshot files, and a restarted
 * node resumes applying after the snapshot it finds on disk. What ckpt pays and this does not is
 * writing its store into the snapshot.
 *
 * <p>{@link StreamAckStateMachine} extends it with Ratis DataStream: the same entries, snapshots
 * and acknowledgement, plus streamed bytes written to files; {@link #reply} is its one hook.
 */
public class AckStateMachine extends BaseStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(AckStateMachine.class);
  private final long snapshotTriggerBytes;
  private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
  private volatile SnapshotRequests snapshotRequests;

  /** @param snapshotTriggerBytes applied log-entry bytes after which a snapshot is requested */
  public AckStateMachine(long snapshotTriggerBytes) {
    this.snapshotTriggerBytes = snapshotTriggerBytes;
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
    getLifeCycle().startAndTransition(() -> {
      super.initialize(server, groupId, raftStorage);
      storage.init(raftStorage);
      loadLatestSnapshot();
      snapshotRequests = new SnapshotRequests(snapshotTriggerBytes, server, groupId);
    }, IOException.class);
  }

  /** Resumes after the latest snapshot on disk, if there is one (its name holds the term and index). */
  private void loadLatestSnapshot() {
    SingleFileSnapshotInfo latest = storage.loadLatestSnapshot();
    if (latest != null) {
      // Unconditionally: an installed snapshot replaces whatever was applied before.
      setLastAppliedTermIndex(latest.getTermIndex());
    }
  }

  @Override
  public SimpleStateMachineStorage getStateMachineStorage() {
    return storage;
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
    SnapshotRequests requests = snapshotRequests;
    if (requests != null) {
      requests.applied(entry.getStateMachineLogEntry().getLogData().size());
    }
    return CompletableFuture.completedFuture(reply(entry));
  }

  /** What the client is told of an applied entry (the leader's reply): nothing, here. */
  protected Message reply(LogEntryProto entry) {
    return Message.EMPTY;
  }

  /**
   * Writes the snapshot file of the last applied term and index (unless the latest snapshot is
   * already there) and returns its index, up to which Ratis may then purge the log.
   */
  @Override
  public synchronized long takeSnapshot() throws IOException {
    TermIndex applied = getLastAppliedTermIndex();
    SingleFileSnapshotInfo latest = storage.getLatestSnapshot();
    long latestIndex = latest == null ? RaftLog.INVALID_LOG_INDEX : latest.getIndex();
    if (applied == null || applied.getIndex() <= 0 || applied.getIndex() <= latestIndex) {
      return latestIndex;
    }
    Path file = storage.getSnapshotFile(applied.getTerm(), applied.getIndex()).toPath();
    MD5Hash md5 = write(file, "ckpt bench acknowledging state machine: nothing stored; applied " + applied + "\n");
    storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file, md5), applied));
    SnapshotRequests requests = snapshotRequests;
    if (requests != null) {
      requests.snapshotTaken();
    }
    LOG.info("{}: snapshot taken at {}", getId(), applied);
    return applied.getIndex();
  }

  /** Writes {@code body} to {@code file} through a forced temporary file, then its .md5 beside it. */
  private static MD5Hash write(Path file, String body) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".writing");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)));
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    MD5Hash md5 = MD5FileUtil.computeMd5ForFile(file.toFile());
    MD5FileUtil.saveMD5File(file.toFile(), md5);
    return md5;
  }

  /** Called by Ratis before it installs a snapshot from the leader. */
  @Override
  public synchronized void pause() {
    if (getLifeCycleState() == LifeCycle.State.RUNNING) {
      getLifeCycle().transition(LifeCycle.State.PAUSING);
      getLifeCycle().transition(LifeCycle.State.PAUSED);
    }
  }

  /** Called by Ratis after installing a snapshot from the leader: resume after it. */
  @Override
  public synchronized void reinitialize() throws IOException {
    loadLatestSnapshot();
    if (getLifeCycleState() == LifeCycle.State.PAUSED) {
      getLifeCycle().transition(LifeCycle.State.STARTING);
      getLifeCycle().transition(LifeCycle.State.RUNNING);
    }
  }

  @Override
  public void close() throws IOException {
    SnapshotRequests requests = snapshotRequests;
    if (requests != null) {
      requests.close();
    }
    super.close();
  }
}
