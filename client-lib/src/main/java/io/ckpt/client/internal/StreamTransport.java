package io.ckpt.client.internal;

import io.ckpt.client.PeerAddress;
import io.ckpt.client.UnavailableException;
import io.ckpt.protocol.LogEntry;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.client.api.DataStreamOutput;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.datastream.SupportedDataStreamType;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.RoutingTable;
import org.apache.ratis.util.TimeDuration;

/**
 * Opens Ratis DataStream streams (over Netty) to a cluster whose every node has a stream port.
 * A stream goes to a primary, the node the caller names (the leader, when known), which passes
 * each packet on to every other node itself; one Ratis client per primary, made when first used.
 */
final class StreamTransport implements Closeable {
  /**
   * Packets one client's connection may have unacknowledged (Ratis's own bound, 100 by default):
   * with 1 MiB chunks, at most this many MiB of buffers per primary.
   */
  static final int PACKETS_IN_FLIGHT = 32;
  private final ClientSettings settings;
  private final RaftGroup group;
  private final RaftProperties properties;
  private final Map<String, RaftClient> byPrimary = new HashMap<>();
  private boolean closed;

  StreamTransport(ClientSettings settings, RaftGroup group, RaftProperties writeProperties) {
    if (!PeerAddress.allTakeStreams(settings.peers())) {
      throw new IllegalArgumentException("not every node has a stream port: " + PeerAddress.format(settings.peers()));
    }
    this.settings = settings;
    this.group = group;
    this.properties = new RaftProperties(writeProperties);
    RaftConfigKeys.DataStream.setType(properties, SupportedDataStreamType.NETTY);
    RaftClientConfigKeys.DataStream.setOutstandingRequestsMax(properties, PACKETS_IN_FLIGHT);
    RaftClientConfigKeys.DataStream.setRequestTimeout(properties,
        TimeDuration.valueOf(settings.rpcTimeout().toMillis(), TimeUnit.MILLISECONDS));
  }

  /**
   * Opens a stream whose log entry is {@code header}, sent to {@code primary} (a node id; null:
   * the first peer) and from there to every other node.
   */
  DataStreamOutput open(LogEntry header, String primary) {
    String p = primary == null ? settings.peers().get(0).id() : primary;
    RaftClient c = client(p);
    try {
      return c.getDataStreamApi().stream(ByteBuffer.wrap(header.toByteArray()), routing(p));
    } catch (Exception e) { // Netty throws its connect failures (IOExceptions) undeclared
      // The primary is unreachable: the next stream to it starts with a new connection.
      drop(p, c);
      throw new UnavailableException("cannot open a stream to node " + p + ": " + e, e);
    }
  }

  private void drop(String primary, RaftClient c) {
    synchronized (this) {
      byPrimary.remove(primary, c);
    }
    try {
      c.close();
    } catch (IOException | RuntimeException ignored) {
      // it failed already
    }
  }

  private synchronized RaftClient client(String primary) {
    if (closed) {
      throw new IllegalStateException("the client is closed");
    }
    return byPrimary.computeIfAbsent(primary, p -> RaftClient.newBuilder().setClientId(ClientId.randomId())
        .setRaftGroup(group).setLeaderId(RaftPeerId.valueOf(p)).setPrimaryDataStreamServer(group.getPeer(RaftPeerId.valueOf(p)))
        .setProperties(properties).build());
  }

  private RoutingTable routing(String primary) {
    RoutingTable.Builder b = RoutingTable.newBuilder();
    RaftPeerId from = RaftPeerId.valueOf(primary);
    for (PeerAddress peer : settings.peers()) {
      if (!peer.id().equals(primary)) {
        b.addSuccessor(from, RaftPeerId.valueOf(peer.id()));
      }
    }
    return b.build();
  }

  @Override
  public void close() throws IOException {
    Map<String, RaftClient> clients;
    synchronized (this) {
      closed = true;
      clients = new HashMap<>(byPrimary);
      byPrimary.clear();
    }
    Closing.all(clients.values());
  }
}
