package io.ckpt.client.internal;

import io.ckpt.client.PeerAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;

/** The Raft group ckpt runs in, built the same way by servers and clients. */
public final class RaftGroups {
  /** The one group of a single-group cluster. */
  public static final RaftGroupId GROUP_ID =
      RaftGroupId.valueOf(UUID.nameUUIDFromBytes("ckpt/group/0".getBytes(StandardCharsets.UTF_8)));

  private RaftGroups() {}

  public static RaftPeer toPeer(PeerAddress p) {
    return RaftPeer.newBuilder().setId(RaftPeerId.valueOf(p.id())).setAddress(p.address()).build();
  }

  public static RaftGroup group(List<PeerAddress> peers) {
    return RaftGroup.valueOf(GROUP_ID, peers.stream().map(RaftGroups::toPeer).toList());
  }
}
