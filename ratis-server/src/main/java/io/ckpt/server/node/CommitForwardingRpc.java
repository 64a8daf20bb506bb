package io.ckpt.server.node;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.grpc.server.GrpcLogAppender;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.rpc.RpcFactory;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.leader.LogAppender;
import org.apache.ratis.server.raftlog.RaftLogIOException;

/**
 * Ratis's gRPC transport, except that the leader tells its followers a new commit index at once
 * with an empty appendEntries, instead of appending a commit-index entry to the log.
 *
 * <p>Why: Ratis 3.3.0 makes a follower learn a new commit index in one of two ways. With log
 * metadata on (its default), the leader appends a {@code MetadataProto} entry after every
 * commit advance: at low concurrency that doubles the log entries, the appendEntries rounds and
 * the follower fsyncs of every write. With it off, the leader's log appenders are woken on a
 * commit advance and see that the follower's commit index is behind, but they send only when
 * there are entries or a heartbeat is due, so a follower serves stale reads up to a heartbeat
 * interval late. This appender sends that commit index in an empty appendEntries (the heartbeat
 * form: no log write, no fsync on the follower) once per new commit index per follower. A
 * follower takes from it only what the request's previous entry proves it holds, as Raft says.
 *
 * <p>The same appender also makes sure a linearizable read is confirmed by the heartbeat it
 * triggers rather than the next periodic one: see {@link OwedHeartbeat}.
 *
 * <p>Named in the properties by class name ({@code raft.rpc.type}); clients keep plain gRPC,
 * the wire protocol is the same.
 */
public final class CommitForwardingRpc implements RpcType {
  /** Ratis instantiates the type by reflection from its class name. */
  public CommitForwardingRpc() {}

  @Override
  public String name() {
    return CommitForwardingRpc.class.getName();
  }

  @Override
  public RpcFactory newFactory(Parameters parameters) {
    return new Factory(parameters);
  }

  /** gRPC's factory with the commit-forwarding log appender. */
  static final class Factory extends GrpcFactory {
    Factory(Parameters parameters) {
      super(parameters);
    }

    @Override
    public LogAppender newLogAppender(RaftServer.Division server, LeaderState state, FollowerInfo follower) {
      return new Appender(server, state, follower);
    }
  }

  /** Turns "nothing to send, but the follower's commit index is behind" into an empty appendEntries. */
  static final class Appender extends GrpcLogAppender {
    /** The highest commit index sent to this follower in any appendEntries. */
    private final AtomicLong commitSent = new AtomicLong(-1);
    private final OwedHeartbeat owedHeartbeat = new OwedHeartbeat();

    Appender(RaftServer.Division server, LeaderState state, FollowerInfo follower) {
      super(server, state, follower);
    }

    @Override
    public AppendEntriesRequestProto newAppendEntriesRequest(long callId, boolean heartbeat) throws RaftLogIOException {
      long committed = getRaftLog().getLastCommittedIndex();
      FollowerInfo follower = getFollower();
      // Only when every entry of the log was sent and acknowledged: the empty request names the
      // last of them as its previous entry, which the follower must already hold, and so carries
      // the whole commit index. Entries still to send go first (they carry the commit index
      // too); each reply wakes this appender again, so the commit index goes out with the last
      // acknowledgement.
      boolean commitOnly = !heartbeat && !hasPendingDataRequests() && !hasAppendEntries()
          && follower.getMatchIndex() + 1 >= follower.getNextIndex()
          && committed > follower.getCommitIndex() && committed > commitSent.get();
      AppendEntriesRequestProto request = super.newAppendEntriesRequest(callId, heartbeat || commitOnly);
      if (request != null) {
        commitSent.accumulateAndGet(request.getLeaderCommit(), Math::max);
        owedHeartbeat.built(callId);
      }
      return request;
    }

    /**
     * Ratis asks this only when a linearizable read starts waiting for heartbeat replies: the
     * answer is the first call id whose reply may confirm the read. Owe a request with that id.
     */
    @Override
    public long getCallId() {
      long next = super.getCallId();
      owedHeartbeat.oweFrom(next);
      notifyLogAppender();
      return next;
    }

    @Override
    public long getHeartbeatWaitTimeMs() {
      return owedHeartbeat.isOwed() ? 0 : super.getHeartbeatWaitTimeMs();
    }
  }
}
