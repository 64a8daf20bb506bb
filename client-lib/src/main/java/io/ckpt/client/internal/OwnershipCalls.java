package io.ckpt.client.internal;

import io.ckpt.client.Lease;
import io.ckpt.client.OwnershipConflictException;
import io.ckpt.client.ReadOptions;
import io.ckpt.client.SegmentDescription;
import io.ckpt.client.SegmentInfo;
import io.ckpt.client.SegmentPolicy;
import io.ckpt.protocol.AcquireEntry;
import io.ckpt.protocol.GetQuery;
import io.ckpt.protocol.LogEntry;
import io.ckpt.protocol.Query;
import io.ckpt.protocol.QueryReply;
import io.ckpt.protocol.RegisterEntry;
import io.ckpt.protocol.ReleaseEntry;
import io.ckpt.protocol.RenewEntry;
import io.ckpt.protocol.Status;
import io.ckpt.protocol.WriteReply;
import java.time.Duration;
import java.util.Optional;

/** Registration, description and ownership calls of the client. */
public final class OwnershipCalls {
  private final RaftTransport transport;

  public OwnershipCalls(RaftTransport transport) {
    this.transport = transport;
  }

  public SegmentDescription register(String name, SegmentPolicy policy, String registeredBy) {
    LogEntry e = LogEntry.newBuilder().setRegister(RegisterEntry.newBuilder().setName(name)
        .setPolicy(toProto(policy)).setRegisteredBy(registeredBy)).build();
    WriteReply r = write(e, "register " + name);
    if (r.getStatus() == Status.CONFLICT) {
      throw new CheckpointConflict(r.getMessage());
    }
    Replies.checkWrite(r, -1);
    return describe(name, ReadOptions.latest());
  }

  /** A registration conflict: same exit code as other conflicts. */
  public static final class CheckpointConflict extends io.ckpt.client.VersionConflictException {
    CheckpointConflict(String message) {
      super(message, -1, -1);
    }
  }

  public SegmentDescription describe(String name, ReadOptions options) {
    Query q = Query.newBuilder().setGet(GetQuery.newBuilder().setName(name).setVersion(options.version())).build();
    RaftTransport.Answer a = transport.query(q, options.node().orElse(null), options.isStale(), 0, transport.deadline(),
        "info " + name);
    QueryReply r = a.reply();
    boolean registeredEmpty = r.getStatus() == Status.NOT_FOUND && r.hasPolicy();
    if (!registeredEmpty) {
      Replies.check(r.getStatus(), r.getMessage(), -1, -1);
    }
    Optional<SegmentInfo> latest = registeredEmpty ? Optional.empty() : Optional.of(Downloader.toInfo(r.getInfo(), a.node()));
    return new SegmentDescription(name, new SegmentPolicy(r.getPolicy().getRetain(), r.getPolicy().getMaxSize()),
        r.getRegisteredBy(), r.getOwner(), r.getEpoch(), latest, r.getRetainedVersionsList());
  }

  public Lease acquire(String name, String owner, Duration ttl, boolean force) {
    LogEntry e = LogEntry.newBuilder().setAcquire(AcquireEntry.newBuilder().setName(name).setOwner(owner)
        .setTtlMs(ttl.toMillis()).setForce(force)).build();
    WriteReply r = write(e, "acquire " + name);
    if (r.getStatus() == Status.CONFLICT) {
      throw new OwnershipConflictException(r.getMessage(), r.getOwner(), r.getEpoch());
    }
    Replies.checkWrite(r, -1);
    return new Lease(name, owner, r.getEpoch(), ttl);
  }

  public void renew(Lease lease) {
    LogEntry e = LogEntry.newBuilder().setRenew(RenewEntry.newBuilder().setName(lease.name()).setOwner(lease.owner())
        .setEpoch(lease.epoch())).build();
    Replies.checkWrite(write(e, "renew " + lease.name()), -1);
  }

  public void release(Lease lease) {
    LogEntry e = LogEntry.newBuilder().setRelease(ReleaseEntry.newBuilder().setName(lease.name())
        .setOwner(lease.owner()).setEpoch(lease.epoch())).build();
    Replies.checkWrite(write(e, "release " + lease.name()), -1);
  }

  private WriteReply write(LogEntry e, String what) {
    return transport.await(transport.write(transport.lane(), e), transport.deadline(), what);
  }

  private static io.ckpt.protocol.SegmentPolicy toProto(SegmentPolicy p) {
    return io.ckpt.protocol.SegmentPolicy.newBuilder().setRetain(p.retain()).setMaxSize(p.maxSize()).build();
  }

}
