package io.ckpt.client.internal;

import io.ckpt.client.NodeStatus;
import io.ckpt.client.PeerAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.LogInfoProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;

/** Asks every node for its role and indexes, one at a time, without retries. */
public final class StatusProbe {
  private StatusProbe() {}

  public static List<NodeStatus> probe(List<PeerAddress> peers, Duration perNodeTimeout) {
    RaftProperties p = new RaftProperties();
    RaftClientConfigKeys.Rpc.setRequestTimeout(p,
        TimeDuration.valueOf(Math.max(100, perNodeTimeout.toMillis()), TimeUnit.MILLISECONDS));
    List<NodeStatus> out = new ArrayList<>();
    try (RaftClient client = RaftClient.newBuilder().setRaftGroup(RaftGroups.group(peers))
        .setProperties(p).setRetryPolicy(RetryPolicies.noRetry()).build()) {
      for (PeerAddress peer : peers) {
        out.add(probeOne(client, peer));
      }
    } catch (java.io.IOException e) {
      // closing the probe client failed; the statuses gathered stand
    }
    return out;
  }

  private static NodeStatus probeOne(RaftClient client, PeerAddress peer) {
    try {
      GroupInfoReply info = client.getGroupManagementApi(RaftPeerId.valueOf(peer.id())).info(RaftGroups.GROUP_ID);
      LogInfoProto log = info.getLogInfoProto();
      return new NodeStatus(peer.id(), peer.address(), roleName(info.getRoleInfoProto().getRole()),
          log.getLastEntry().getTerm(), log.getCommitted().getIndex(), log.getApplied().getIndex());
    } catch (Exception e) {
      return new NodeStatus(peer.id(), peer.address(), "unreachable", -1, -1, -1);
    }
  }

  static String roleName(RaftPeerRole role) {
    return switch (role) {
      case LEADER -> "leader";
      case FOLLOWER -> "follower";
      case CANDIDATE -> "candidate";
      case LISTENER -> "listener";
      default -> role.name().toLowerCase(Locale.ROOT);
    };
  }
}
