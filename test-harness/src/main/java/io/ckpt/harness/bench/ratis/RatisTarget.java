package io.ckpt.harness.bench.ratis;

import io.ckpt.client.CkptClientConfigKeys;
import io.ckpt.client.PeerAddress;
import io.ckpt.client.internal.ClientSettings;
import io.ckpt.client.internal.RaftTransport;
import io.ckpt.harness.bench.systems.BenchTarget;
import io.ckpt.harness.bench.systems.Layout;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAccumulator;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.util.VersionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bare-Ratis baseline as a {@link BenchTarget}: three {@link AckNode}s with ckpt's server
 * settings, written to as ckpt's client writes. A write is one Ratis message holding the key
 * and the value, sent on the next of ckpt's client's pool of Ratis clients (its
 * {@link RaftTransport} with the default settings: 4 clients round-robin, each an ordered async
 * stream, the same request timeout, retry policy and gRPC message limit), and waited for within
 * the client's overall timeout. Unlike ckpt's client, a pool client whose stream failed for good
 * is not replaced (the transport does that only inside its own writes): a fault-free benchmark
 * never needs it. Only writes can be measured: the nodes store nothing to read or take over.
 */
public final class RatisTarget implements BenchTarget {
  private static final Logger LOG = LoggerFactory.getLogger(RatisTarget.class);
  /** How long the nodes may take to start and elect a leader (3 JVMs on 2 busy cores are slow). */
  static final Duration START_TIMEOUT_IN_JVM = Duration.ofSeconds(60);
  static final Duration START_TIMEOUT_PROCESSES = Duration.ofSeconds(120);
  private final AckCluster cluster;
  private final ClusterProbe probe;
  private final RaftTransport transport;
  private final LongAccumulator lastAcknowledged = new LongAccumulator(Math::max, -1);

  private RatisTarget(AckCluster cluster, ClusterProbe probe, RaftTransport transport) {
    this.cluster = cluster;
    this.probe = probe;
    this.transport = transport;
  }

  /** Starts three nodes with ckpt's default settings and returns once they have a leader. */
  public static RatisTarget start(Layout layout, Path dir) {
    return start(layout, dir, Map.of(), List.of());
  }

  /**
   * Starts three nodes in fresh directories under {@code dir} and returns once they have a
   * leader; {@link #close} deletes the node directories (node logs, {@code dir/<id>.log}, stay).
   *
   * @param properties set on every node after ckpt's defaults, as {@code ckpt server -D} does
   * @param jvmArgs extra flags of each node's JVM ({@link Layout#PROCESSES} only), e.g. a heap size
   */
  public static RatisTarget start(Layout layout, Path dir, Map<String, String> properties, List<String> jvmArgs) {
    AckCluster cluster = AckCluster.start(layout, dir, properties, jvmArgs);
    ClusterProbe probe = null;
    try {
      probe = new ClusterProbe(cluster.peers());
      String leader = probe.awaitLeader(layout == Layout.IN_JVM ? START_TIMEOUT_IN_JVM : START_TIMEOUT_PROCESSES,
          cluster::failure);
      LOG.info("bare Ratis cluster {} ({}) has leader {}", PeerAddress.format(cluster.peers()), cluster.where(),
          leader);
      return new RatisTarget(cluster, probe, new RaftTransport(clientSettings(cluster.peers())));
    } catch (RuntimeException e) {
      closeQuietly(probe);
      cluster.close();
      throw e;
    }
  }

  /** ckpt's client defaults (what {@code CheckpointClient.builder()} uses unless told otherwise). */
  static ClientSettings clientSettings(List<PeerAddress> peers) {
    return new ClientSettings(peers, CkptClientConfigKeys.TIMEOUT_DEFAULT, CkptClientConfigKeys.CHUNK_SIZE_DEFAULT,
        CkptClientConfigKeys.MAX_IN_FLIGHT_BYTES_DEFAULT, CkptClientConfigKeys.RAFT_CLIENTS_DEFAULT,
        CkptClientConfigKeys.RPC_TIMEOUT_DEFAULT, new ClientSettings.GroupCommitSettings(0, 0, 1),
        CkptClientConfigKeys.READ_BATCH_IN_FLIGHT_DEFAULT);
  }

  @Override
  public String system() {
    return "ratis";
  }

  @Override
  public String description() {
    return "bare Ratis " + VersionInfo.getSoftwareInfoVersion() + " (acknowledging state machine, ckpt's settings), "
        + cluster.where();
  }

  @Override
  public long maxValueBytes() {
    return WriteMessages.MAX_VALUE_BYTES;
  }

  @Override
  public boolean supports(Operation op) {
    return op == Operation.WRITE;
  }

  @Override
  public void write(String key, byte[] value) throws IOException {
    Message m = WriteMessages.of(key, value);
    RaftTransport.Lane lane = transport.lane();
    RaftClientReply reply = transport.await(lane.client().async().send(m), transport.deadline(), "write " + key);
    if (!reply.isSuccess()) {
      throw new IOException("write " + key + " failed on " + reply.getServerId() + ": " + reply.getException(),
          reply.getException());
    }
    lastAcknowledged.accumulate(reply.getLogIndex());
  }

  @Override
  public byte[] read(String key, boolean stale) {
    throw unsupported(stale ? "stale reads" : "linearizable reads");
  }

  @Override
  public long takeover(String key) {
    throw unsupported("takeovers");
  }

  private static UnsupportedOperationException unsupported(String what) {
    return new UnsupportedOperationException("the bare Ratis baseline stores nothing, so it measures writes only, not "
        + what);
  }

  @Override
  public List<ProcessHandle> nodeProcesses() {
    return cluster.processes();
  }

  @Override
  public boolean nodesInThisJvm() {
    return cluster.inThisJvm();
  }

  /** The node ids, {@code n1..n3}. */
  public List<String> nodeIds() {
    return cluster.peers().stream().map(PeerAddress::id).toList();
  }

  /** The log index of the latest acknowledged write (-1 before any). */
  public long lastAcknowledgedIndex() {
    return lastAcknowledged.get();
  }

  /** The index of the last log entry {@code node} applied, as it reports it. */
  public long appliedIndex(String node) {
    return probe.appliedIndex(node);
  }

  /** The nodes (for tests in this package). */
  AckCluster cluster() {
    return cluster;
  }

  @Override
  public void close() {
    closeQuietly(transport);
    closeQuietly(probe);
    cluster.close();
  }

  private static void closeQuietly(java.io.Closeable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (IOException | RuntimeException e) {
      LOG.debug("closing {}: {}", c, e.toString());
    }
  }
}
