package io.ckpt.harness.bench.ratis;

import io.ckpt.client.PeerAddress;
import io.ckpt.client.internal.RaftGroups;
import io.ckpt.server.node.CkptNode;
import io.ckpt.server.node.CkptServerConfigKeys;
import io.ckpt.server.node.NodeOptions;
import io.ckpt.statemachine.CkptStoreConfigKeys;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;

/**
 * One Ratis server running an {@link AckStateMachine}, started as {@link CkptNode} starts a
 * ckpt node: the same properties ({@link CkptServerConfigKeys#defaults} under {@code raft/} of
 * the node's directory, then the node's overrides), the same group and peer ids, the same
 * startup option. What a ckpt node adds and this does not: its store, the checks of its log and
 * store before start, and its leader's housekeeping (lease and upload janitors).
 *
 * <p>Given data-stream addresses, the node also serves Ratis DataStream (Netty) on its own
 * address and runs a {@link StreamAckStateMachine} writing streams under {@code streams/} of its
 * directory; its group then lists every peer's data-stream address.
 */
public final class AckNode implements Closeable {
  private final NodeOptions options;
  private final RaftServer server;
  private final AckStateMachine stateMachine;

  private AckNode(NodeOptions options, RaftServer server, AckStateMachine stateMachine) {
    this.options = options;
    this.server = server;
    this.stateMachine = stateMachine;
  }

  /** Starts a node; returns once its server is up (a leader may not be elected yet). */
  public static AckNode start(NodeOptions options) throws IOException {
    return start(options, List.of());
  }

  /**
   * Starts a node, with DataStream unless {@code dataStreamPeers} is empty; returns once its
   * server is up (a leader may not be elected yet).
   *
   * @param dataStreamPeers every node's data-stream address (same ids as the peers), or none
   */
  public static AckNode start(NodeOptions options, List<PeerAddress> dataStreamPeers) throws IOException {
    Path raftDir = Files.createDirectories(options.dataDir().resolve("raft"));
    RaftProperties p = CkptServerConfigKeys.defaults(raftDir.toFile(), options.self().port());
    boolean streams = !dataStreamPeers.isEmpty();
    if (streams) {
      DataStreams.enable(p, DataStreams.port(dataStreamPeers, options.id()));
    }
    options.overrides().forEach(p::set);
    long snapshotBytes = CkptStoreConfigKeys.snapshotBytes(p).getSize();
    AckStateMachine sm = streams
        ? new StreamAckStateMachine(snapshotBytes, options.dataDir().resolve("streams"))
        : new AckStateMachine(snapshotBytes);
    RaftServer server = RaftServer.newBuilder()
        .setServerId(RaftPeerId.valueOf(options.id()))
        .setGroup(streams ? DataStreams.group(options.peers(), dataStreamPeers) : RaftGroups.group(options.peers()))
        .setStateMachine(sm)
        .setProperties(p)
        .setOption(RaftStorage.StartupOption.RECOVER)
        .build();
    try {
      server.start();
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    return new AckNode(options, server, sm);
  }

  public String id() {
    return options.id();
  }

  /** The index of the last entry this node applied (-1 before any). */
  public long appliedIndex() {
    var applied = stateMachine.getLastAppliedTermIndex();
    return applied == null ? -1 : applied.getIndex();
  }

  public AckStateMachine stateMachine() {
    return stateMachine;
  }

  public RaftServer raftServer() {
    return server;
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
