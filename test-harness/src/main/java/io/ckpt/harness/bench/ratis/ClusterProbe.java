package io.ckpt.harness.bench.ratis;

import io.ckpt.client.PeerAddress;
import io.ckpt.client.internal.RaftGroups;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;

/**
 * Asks each node of a cluster, wherever it runs, for its role and applied index (Ratis's group
 * info), one attempt per question: how the baseline waits for a leader and checks replication.
 */
final class ClusterProbe implements Closeable {
  private static final long POLL_MS = 100;
  private final List<PeerAddress> peers;
  private final RaftClient client;

  ClusterProbe(List<PeerAddress> peers) {
    this.peers = peers;
    RaftGroup group = RaftGroups.group(peers);
    RaftProperties p = new RaftProperties();
    RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(3, TimeUnit.SECONDS));
    this.client = RaftClient.newBuilder().setRaftGroup(group).setProperties(p)
        .setRetryPolicy(RetryPolicies.noRetry()).build();
  }

  /** One attempt; gRPC failures (deadline exceeded, unavailable) are thrown as IOException too. */
  private GroupInfoReply info(String node) throws IOException {
    try {
      return client.getGroupManagementApi(RaftPeerId.valueOf(node)).info(RaftGroups.GROUP_ID);
    } catch (RuntimeException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** The index of the last entry {@code node} applied (-1 before any). */
  long appliedIndex(String node) {
    try {
      GroupInfoReply info = info(node);
      return info.getLogInfoProto().hasApplied() ? info.getLogInfoProto().getApplied().getIndex() : -1;
    } catch (IOException e) {
      throw new UncheckedIOException("node " + node + " did not answer: " + e.getMessage(), e);
    }
  }

  /**
   * What {@code node}'s {@link StreamAckStateMachine} did with streams, asked of that node alone
   * (a stale read: its state machine answers, no consensus involved, even before it learnt of a
   * commit: minimum index -1).
   */
  StreamAckStateMachine.Stats streamStats(String node) {
    try {
      RaftClientReply reply = client.io().sendStaleRead(Message.EMPTY, -1, RaftPeerId.valueOf(node));
      if (!reply.isSuccess()) {
        throw new IOException(String.valueOf(reply.getException()), reply.getException());
      }
      return StreamAckStateMachine.Stats.of(reply.getMessage());
    } catch (IOException | RuntimeException e) {
      throw new UncheckedIOException(new IOException("node " + node + " did not report its streams: "
          + e.getMessage(), e));
    }
  }

  /** The node that says it is the leader, if one answers so. */
  Optional<String> leader() {
    for (PeerAddress p : peers) {
      try {
        if (info(p.id()).getRoleInfoProto().getRole() == RaftPeerRole.LEADER) {
          return Optional.of(p.id());
        }
      } catch (IOException e) {
        // not up yet, or unreachable: ask the next one
      }
    }
    return Optional.empty();
  }

  /**
   * Polls for a leader until {@code timeout}; {@code failure} (checked on each round) names a
   * reason to give up early, such as a node process that ended.
   */
  String awaitLeader(Duration timeout, Supplier<Optional<String>> failure) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<String> why = failure.get();
      if (why.isPresent()) {
        throw new IllegalStateException(why.get());
      }
      Optional<String> leader = leader();
      if (leader.isPresent()) {
        return leader.get();
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no leader among " + PeerAddress.format(peers) + " within " + timeout);
      }
      try {
        Thread.sleep(POLL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for a leader", e);
      }
    }
  }

  @Override
  public void close() throws IOException {
    client.close();
  }
}
