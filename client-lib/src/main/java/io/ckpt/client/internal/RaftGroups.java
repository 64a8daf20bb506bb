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

  /** The Raft peer of node {@code p}, with its DataStream address if it has a stream port. */
  public static RaftPeer toPeer(PeerAddress p) {
    RaftPeer.Builder b = RaftPeer.newBuilder().setId(RaftPeerId.valueOf(p.id())).setAddress(p.address());
    if (p.hasStreamPort()) {
      b.setDataStreamAddress(p.streamAddress());
    }
    return b.build();
  }

  public static RaftGroup group(List<PeerAddress> peers) {
    return RaftGroup.valueOf(GROUP_ID, peers.stream().map(RaftGroups::toPeer).toList());
  }
}
