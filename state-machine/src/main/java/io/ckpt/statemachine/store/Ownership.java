package io.ckpt.statemachine.store;

import io.ckpt.protocol.AcquireEntry;
import io.ckpt.protocol.ExpireEntry;
import io.ckpt.protocol.RegisterEntry;
import io.ckpt.protocol.ReleaseEntry;
import io.ckpt.protocol.RenewEntry;
import io.ckpt.protocol.SegmentPolicy;
import io.ckpt.protocol.SegmentRecord;
import io.ckpt.protocol.Status;
import io.ckpt.protocol.WriteReply;
import java.util.Optional;

/**
 * Registration and owner epochs, applied deterministically. Epochs only grow: every change of
 * owner (acquire by someone new, forced takeover, release, lease expiry) bumps the epoch, and
 * writes carrying an older epoch are fenced. Lease time is never read here: the leader decides
 * expiry by its own clock and proposes an {@link ExpireEntry} through the log.
 */
final class Ownership {
  private final SegmentStore store;

  Ownership(SegmentStore store) {
    this.store = store;
  }

  WriteReply register(RegisterEntry e) {
    StoreSettings s = store.settings();
    SegmentPolicy wanted = Policies.resolve(e.getPolicy(), s);
    Optional<SegmentRecord> current = store.catalog().segment(e.getName());
    if (current.isPresent()) {
      SegmentPolicy existing = Policies.resolve(current.get().getPolicy(), s);
      if (!existing.equals(wanted)) {
        return reply(current.get(), Status.CONFLICT, e.getName() + " is already registered with another policy (retain "
            + existing.getRetain() + ", max size " + existing.getMaxSize() + ")");
      }
      return reply(current.get(), Status.OK, "already registered");
    }
    SegmentRecord r = Policies.newRecord(e.getName(), wanted, e.getRegisteredBy(), s).build();
    store.catalog().putSegment(r);
    return reply(r, Status.OK, "registered");
  }

  WriteReply acquire(AcquireEntry e) {
    SegmentRecord r = store.catalog().segment(e.getName())
        .orElseGet(() -> Policies.newRecord(e.getName(), SegmentPolicy.getDefaultInstance(), e.getOwner(),
            store.settings()).build());
    if (r.getOwner().equals(e.getOwner())) {
      r = r.toBuilder().setLeaseTtlMs(e.getTtlMs()).build();
    } else if (r.getOwner().isEmpty() || e.getForce()) {
      r = r.toBuilder().setOwner(e.getOwner()).setEpoch(r.getEpoch() + 1).setLeaseTtlMs(e.getTtlMs()).build();
    } else {
      return reply(r, Status.CONFLICT, e.getName() + " is owned by " + r.getOwner() + " (epoch " + r.getEpoch()
          + "); take over with force, or wait for its lease to expire");
    }
    store.catalog().putSegment(r);
    return reply(r, Status.OK, "");
  }

  WriteReply renew(RenewEntry e) {
    Optional<SegmentRecord> r = store.catalog().segment(e.getName());
    if (r.isEmpty()) {
      return WriteReply.newBuilder().setStatus(Status.NOT_FOUND).setMessage("segment " + e.getName() + " does not exist").build();
    }
    if (!r.get().getOwner().equals(e.getOwner()) || r.get().getEpoch() != e.getEpoch()) {
      return fenced(r.get(), e.getEpoch());
    }
    return reply(r.get(), Status.OK, "");
  }

  WriteReply release(ReleaseEntry e) {
    Optional<SegmentRecord> r = store.catalog().segment(e.getName());
    if (r.isEmpty()) {
      return WriteReply.newBuilder().setStatus(Status.NOT_FOUND).setMessage("segment " + e.getName() + " does not exist").build();
    }
    if (!r.get().getOwner().equals(e.getOwner()) || r.get().getEpoch() != e.getEpoch()) {
      return fenced(r.get(), e.getEpoch());
    }
    SegmentRecord released = r.get().toBuilder().clearOwner().setEpoch(r.get().getEpoch() + 1).clearLeaseTtlMs().build();
    store.catalog().putSegment(released);
    return reply(released, Status.OK, "");
  }

  WriteReply expire(ExpireEntry e) {
    Optional<SegmentRecord> r = store.catalog().segment(e.getName());
    if (r.isEmpty() || r.get().getOwner().isEmpty() || r.get().getEpoch() != e.getEpoch()) {
      return WriteReply.newBuilder().setMessage("nothing to expire").build();
    }
    SegmentRecord expired = r.get().toBuilder().clearOwner().setEpoch(r.get().getEpoch() + 1).clearLeaseTtlMs().build();
    store.catalog().putSegment(expired);
    return reply(expired, Status.OK, "");
  }

  static WriteReply fenced(SegmentRecord r, long epoch) {
    return reply(r, Status.FENCED, r.getName() + ": epoch " + epoch + " is fenced; the current epoch is " + r.getEpoch()
        + (r.getOwner().isEmpty() ? " (no owner)" : " (owner " + r.getOwner() + ")"));
  }

  static WriteReply reply(SegmentRecord r, Status status, String message) {
    return WriteReply.newBuilder().setStatus(status).setMessage(message).setOwner(r.getOwner()).setEpoch(r.getEpoch())
        .setPolicy(r.getPolicy()).setCurrentVersion(r.getLastVersion()).build();
  }
}
