package io.ckpt.server.node;

import io.ckpt.statemachine.CheckpointStateMachine;
import io.ckpt.statemachine.store.SegmentStore;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.ratis.protocol.RaftGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The leader's periodic chores: expiring leases and collecting abandoned uploads. */
final class Housekeeping implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);
  static final long LEASE_PERIOD_MS = 100;
  private final CheckpointStateMachine stateMachine;
  private final BooleanSupplier isLeader;
  private final LogProposer proposer;
  private final UploadJanitor uploads;
  private final LeaseJanitor leases = new LeaseJanitor();
  private final ScheduledExecutorService timer;

  Housekeeping(String nodeId, RaftGroup group, CheckpointStateMachine stateMachine, BooleanSupplier isLeader,
      Duration uploadIdle) {
    this.stateMachine = stateMachine;
    this.isLeader = isLeader;
    this.proposer = new LogProposer(group);
    this.uploads = new UploadJanitor(uploadIdle);
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, nodeId + "-housekeeping");
      t.setDaemon(true);
      return t;
    });
    long uploadPeriodMs = Math.max(100, Math.min(30_000, uploadIdle.toMillis() / 4));
    timer.scheduleWithFixedDelay(() -> run(this::sweepLeases), LEASE_PERIOD_MS, LEASE_PERIOD_MS, TimeUnit.MILLISECONDS);
    timer.scheduleWithFixedDelay(() -> run(this::sweepUploads), uploadPeriodMs, uploadPeriodMs, TimeUnit.MILLISECONDS);
  }

  private void run(Runnable chore) {
    try {
      chore.run();
    } catch (RuntimeException e) {
      LOG.warn("housekeeping failed: {}", e.toString());
    }
  }

  private void sweepLeases() {
    if (isLeader.getAsBoolean()) {
      leases.sweep(stateMachine.leaseClock(), proposer);
    }
  }

  private void sweepUploads() {
    SegmentStore store = stateMachine.store();
    if (store == null || !isLeader.getAsBoolean()) {
      uploads.forget();
      return;
    }
    uploads.sweep(store, proposer);
  }

  @Override
  public void close() throws IOException {
    timer.shutdownNow();
    proposer.close();
  }
}
