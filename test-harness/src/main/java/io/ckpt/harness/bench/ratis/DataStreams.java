package io.ckpt.harness.bench.ratis;

import io.ckpt.client.PeerAddress;
import io.ckpt.client.internal.RaftGroups;
import java.util.ArrayList;
import java.util.List;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.datastream.SupportedDataStreamType;
import org.apache.ratis.netty.NettyConfigKeys;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.RoutingTable;

/**
 * How the bare-Ratis nodes and their client use Ratis DataStream over Netty: each node has a
 * second port for streams (its data-stream address, listed with the same node ids as the Raft
 * addresses), servers and clients select the Netty implementation, and a stream's routing
 * table says which nodes the primary (the node the client streams to) passes the bytes on to.
 */
final class DataStreams {
  /** Which nodes forward a stream's bytes to which. */
  enum Routing {
    /** The primary sends every packet to each other node itself: one hop, the primary's uplink carries it twice. */
    STAR,
    /** The primary sends to the next node, which sends to the last: two hops, each link carries it once. */
    CHAIN
  }

  private DataStreams() {}

  /** Selects Netty DataStream in {@code p} (a server's or a client's) and, for a server, its stream port. */
  static void enable(RaftProperties p, int serverPort) {
    RaftConfigKeys.DataStream.setType(p, SupportedDataStreamType.NETTY);
    if (serverPort > 0) {
      NettyConfigKeys.DataStream.setPort(p, serverPort);
    }
  }

  /** Selects Netty DataStream in a client's properties. */
  static void enable(RaftProperties p) {
    enable(p, 0);
  }

  /** The stream port of node {@code id}. */
  static int port(List<PeerAddress> dataStreamPeers, String id) {
    return find(dataStreamPeers, id).port();
  }

  /**
   * ckpt's group ({@link RaftGroups#group}: same id, same peers) with each peer's data-stream
   * address added: servers forward streams to these addresses, clients stream to the primary's.
   */
  static RaftGroup group(List<PeerAddress> peers, List<PeerAddress> dataStreamPeers) {
    List<RaftPeer> withStreams = new ArrayList<>();
    for (PeerAddress p : peers) {
      withStreams.add(RaftPeer.newBuilder().setId(RaftPeerId.valueOf(p.id())).setAddress(p.address())
          .setDataStreamAddress(find(dataStreamPeers, p.id()).address()).build());
    }
    return RaftGroup.valueOf(RaftGroups.GROUP_ID, withStreams);
  }

  /** The routing of every stream from {@code primary} to the other {@code peers}, in their order. */
  static RoutingTable routing(String primary, List<PeerAddress> peers, Routing routing) {
    RoutingTable.Builder b = RoutingTable.newBuilder();
    RaftPeerId from = RaftPeerId.valueOf(primary);
    for (PeerAddress p : peers) {
      if (p.id().equals(primary)) {
        continue;
      }
      RaftPeerId to = RaftPeerId.valueOf(p.id());
      b.addSuccessor(from, to);
      if (routing == Routing.CHAIN) {
        from = to;
      }
    }
    return b.build();
  }

  private static PeerAddress find(List<PeerAddress> peers, String id) {
    return peers.stream().filter(p -> p.id().equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no data-stream address for node " + id + " in "
            + PeerAddress.format(peers)));
  }
}
