package io.ckpt.server.node;

import io.ckpt.protocol.ExpireEntry;
import io.ckpt.protocol.LogEntry;
import io.ckpt.statemachine.LeaseClock;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends leases whose owner stopped renewing: the leader, by its own clock, proposes an expiry
 * for that epoch through the log; apply then clears the owner and bumps the epoch on every
 * replica. An owner that renewed meanwhile keeps its epoch (the expiry names the old one).
 */
final class LeaseJanitor {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseJanitor.class);

  void sweep(LeaseClock clock, LogProposer proposer) {
    for (LeaseClock.Lease lease : clock.expired()) {
      try {
        proposer.propose(LogEntry.newBuilder().setExpire(ExpireEntry.newBuilder().setName(lease.name())
            .setEpoch(lease.epoch())).build());
        LOG.info("lease of {} on {} (epoch {}) expired after {} ms without renewal", lease.owner(), lease.name(),
            lease.epoch(), lease.ttlMs());
      } catch (IOException e) {
        LOG.warn("could not expire the lease on {}: {}", lease.name(), e.toString());
      }
    }
  }
}
