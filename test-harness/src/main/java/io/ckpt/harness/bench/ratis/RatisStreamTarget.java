package io.ckpt.harness.bench.ratis;

import io.ckpt.client.CkptClientConfigKeys;
import io.ckpt.client.PeerAddress;
import io.ckpt.harness.bench.ratis.DataStreams.Routing;
import io.ckpt.harness.bench.systems.BenchTarget;
import io.ckpt.harness.bench.systems.Layout;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAccumulator;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.DataStreamOutputRpc;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.client.api.DataStreamOutput;
import org.apache.ratis.client.impl.ClientProtoUtils;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.io.StandardWriteOption;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.DataStreamReply;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.RoutingTable;
import org.apache.ratis.retry.ExponentialBackoffRetry;
import org.apache.ratis.util.TimeDuration;
import org.apache.ratis.util.VersionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bare-Ratis baseline for large writes over Ratis DataStream (Netty), as a
 * {@link BenchTarget}: three {@link AckNode}s with ckpt's server settings plus DataStream, each
 * running a {@link StreamAckStateMachine}. What it measures is how fast Ratis can move a value
 * to three nodes' disks when the bytes bypass the Raft log.
 *
 * <p>A write is one stream: its header (the log entry's only payload) is the key; the value goes
 * as {@link #CHUNK_BYTES} packets to the primary, the node that was leader when the target
 * started, which writes each to its file and forwards it ({@link #ROUTING}) to the other two;
 * up to {@link #CHUNKS_IN_FLIGHT} packets of a write are unacknowledged at a time. The last
 * packet carries {@code SYNC} and {@code CLOSE}: every node forces its file before the primary
 * acknowledges it, so the bytes are on three disks before the log entry exists. The client then
 * sends the header through Raft (Ratis does that on close); each node links the stream to the
 * entry as it logs it (counts and deletes the file), and the leader's reply to the applied entry
 * names the bytes it linked, which must be the whole value. Writes go round-robin over
 * {@link #CLIENTS} Ratis clients, each with one Netty connection to the primary.
 *
 * <p>A stream needs every node on its route: with a node down, writes fail (after Ratis's
 * DataStream timeouts) instead of succeeding on a majority. The primary stays the start's
 * leader; a later leader is only where the header goes. Only writes can be measured.
 */
public final class RatisStreamTarget implements BenchTarget {
  private static final Logger LOG = LoggerFactory.getLogger(RatisStreamTarget.class);
  /** Bytes of the value per stream packet (the last may be shorter). */
  static final int CHUNK_BYTES = 1 << 20;
  /** Packets of one write sent before the first of them is acknowledged. */
  static final int CHUNKS_IN_FLIGHT = 8;
  /**
   * Packets unacknowledged on one client's connection, all its writes together (Ratis's own bound,
   * 100 by default): with 1 MiB packets, at most this many MiB of direct buffers per client.
   */
  static final int CLIENT_PACKETS_IN_FLIGHT = 32;
  /** Ratis clients, each with its own connection to the primary (as many as ckpt's client pools). */
  static final int CLIENTS = CkptClientConfigKeys.RAFT_CLIENTS_DEFAULT;
  /** How the primary passes streams on. */
  static final Routing ROUTING = Routing.STAR;
  private final AckCluster cluster;
  private final ClusterProbe probe;
  private final String primary;
  private final Routing routing;
  private final RoutingTable routingTable;
  private final Duration timeout;
  private final List<RaftClient> clients;
  private final AtomicInteger next = new AtomicInteger();
  private final LongAccumulator lastAcknowledged = new LongAccumulator(Math::max, -1);

  private RatisStreamTarget(AckCluster cluster, ClusterProbe probe, String primary, Routing routing,
      Duration timeout, List<RaftClient> clients) {
    this.cluster = cluster;
    this.probe = probe;
    this.primary = primary;
    this.routing = routing;
    this.routingTable = DataStreams.routing(primary, cluster.peers(), routing);
    this.timeout = timeout;
    this.clients = clients;
  }

  /** Starts three nodes with ckpt's default settings and DataStream; returns once they have a leader. */
  public static RatisStreamTarget start(Layout layout, Path dir) {
    return start(layout, dir, Map.of(), List.of());
  }

  /**
   * Starts three nodes in fresh directories under {@code dir} and returns once they have a
   * leader; {@link #close} deletes the node directories (node logs, {@code dir/<id>.log}, stay).
   *
   * @param properties set on every node after ckpt's defaults and the DataStream settings
   * @param jvmArgs extra flags of each node's JVM ({@link Layout#PROCESSES} only), e.g. a heap size
   */
  public static RatisStreamTarget start(Layout layout, Path dir, Map<String, String> properties,
      List<String> jvmArgs) {
    return start(layout, dir, properties, jvmArgs, ROUTING, CkptClientConfigKeys.TIMEOUT_DEFAULT);
  }

  /**
   * As {@link #start(Layout, Path, Map, List)}, with the streams' routing and the time a write
   * may take (after which it fails).
   */
  static RatisStreamTarget start(Layout layout, Path dir, Map<String, String> properties, List<String> jvmArgs,
      Routing routing, Duration timeout) {
    AckCluster cluster = AckCluster.start(layout, dir, properties, jvmArgs, true);
    ClusterProbe probe = null;
    List<RaftClient> clients = new ArrayList<>();
    try {
      probe = new ClusterProbe(cluster.peers());
      String leader = probe.awaitLeader(layout == Layout.IN_JVM ? RatisTarget.START_TIMEOUT_IN_JVM
          : RatisTarget.START_TIMEOUT_PROCESSES, cluster::failure);
      LOG.info("bare Ratis DataStream cluster {} (streams {}; {}) has leader {}, the streams' primary",
          PeerAddress.format(cluster.peers()), PeerAddress.format(cluster.dataStreamPeers()), cluster.where(), leader);
      RaftGroup group = DataStreams.group(cluster.peers(), cluster.dataStreamPeers());
      for (int i = 0; i < CLIENTS; i++) {
        clients.add(newClient(group, leader, timeout));
      }
      return new RatisStreamTarget(cluster, probe, leader, routing, timeout, clients);
    } catch (RuntimeException e) {
      clients.forEach(RatisStreamTarget::closeQuietly);
      closeQuietly(probe);
      cluster.close();
      throw e;
    }
  }

  /** A client that streams to {@code primary} and retries the header's Raft request as ckpt's client does. */
  private static RaftClient newClient(RaftGroup group, String primary, Duration timeout) {
    RaftProperties p = new RaftProperties();
    DataStreams.enable(p);
    RaftClientConfigKeys.DataStream.setOutstandingRequestsMax(p, CLIENT_PACKETS_IN_FLIGHT);
    RaftClientConfigKeys.Rpc.setRequestTimeout(p,
        TimeDuration.valueOf(CkptClientConfigKeys.RPC_TIMEOUT_DEFAULT.toMillis(), TimeUnit.MILLISECONDS));
    RaftPeerId id = RaftPeerId.valueOf(primary);
    return RaftClient.newBuilder().setClientId(ClientId.randomId()).setRaftGroup(group).setLeaderId(id)
        .setPrimaryDataStreamServer(group.getPeer(id)).setProperties(p)
        .setRetryPolicy(ExponentialBackoffRetry.newBuilder()
            .setBaseSleepTime(TimeDuration.valueOf(50, TimeUnit.MILLISECONDS))
            .setMaxSleepTime(TimeDuration.valueOf(1, TimeUnit.SECONDS))
            .setMaxAttempts((int) Math.max(3, timeout.toMillis() / 200))
            .build())
        .build();
  }

  @Override
  public String system() {
    return "ratis-stream";
  }

  @Override
  public String description() {
    return "bare Ratis " + VersionInfo.getSoftwareInfoVersion() + " DataStream over Netty (" + (CHUNK_BYTES >> 20)
        + " MiB packets, " + CHUNKS_IN_FLIGHT + " in flight per write, " + routing.name().toLowerCase()
        + " from the leader; every node forces its file; acknowledging state machine, ckpt's settings), "
        + cluster.where();
  }

  /** No limit of its own (a value is one Java array). */
  @Override
  public long maxValueBytes() {
    return Long.MAX_VALUE;
  }

  @Override
  public boolean supports(Operation op) {
    return op == Operation.WRITE;
  }

  /**
   * Streams {@code value} and waits until the leader applied its entry, at most the target's
   * timeout; the caller must not change {@code value} until this returns.
   *
   * @throws IOException if a packet or the entry failed, the leader linked fewer bytes, or time ran out
   */
  @Override
  public void write(String key, byte[] value) throws IOException {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    if (k.length > WriteMessages.KEY_BYTES_MAX) {
      throw new IllegalArgumentException("key of " + k.length + " bytes is longer than the bare Ratis target's limit"
          + " of " + WriteMessages.KEY_BYTES_MAX + " bytes");
    }
    String what = "stream write " + key + " (" + value.length + " bytes, primary " + primary + ")";
    long deadline = System.nanoTime() + timeout.toNanos();
    RaftClient client = clients.get(Math.floorMod(next.getAndIncrement(), clients.size()));
    DataStreamOutput out = client.getDataStreamApi().stream(ByteBuffer.wrap(k), routingTable);
    send(out, value, deadline, what);
    RaftClientReply reply = await(out.getRaftClientReplyFuture(), deadline, what);
    if (!reply.isSuccess()) {
      throw new IOException(what + ": its log entry failed on " + reply.getServerId() + ": " + reply.getException(),
          reply.getException());
    }
    long linked = StreamAckStateMachine.linkedBytes(reply.getMessage());
    if (linked != value.length) {
      throw new IOException(what + ": leader " + reply.getServerId() + " linked " + linked + " bytes of "
          + value.length + (linked < 0 ? " (it had no stream)" : ""));
    }
    lastAcknowledged.accumulate(reply.getLogIndex());
  }

  /**
   * Sends the value's packets, the last with {@code SYNC} and {@code CLOSE}, and waits for their
   * acknowledgements. A write abandoned before its last packet is closed, so the nodes drop it.
   */
  private void send(DataStreamOutput out, byte[] value, long deadline, String what) throws IOException {
    boolean closeSent = false;
    try {
      List<CompletableFuture<DataStreamReply>> packets = new ArrayList<>();
      Semaphore window = new Semaphore(CHUNKS_IN_FLIGHT);
      AtomicReference<String> failed = new AtomicReference<>();
      int offset = 0;
      do {
        int n = Math.min(CHUNK_BYTES, value.length - offset);
        boolean last = offset + n == value.length;
        acquire(window, deadline, what);
        if (failed.get() != null) {
          throw new IOException(what + " failed: " + failed.get());
        }
        ByteBuffer chunk = ByteBuffer.wrap(value, offset, n).slice();
        CompletableFuture<DataStreamReply> f = last
            ? out.writeAsync(chunk, StandardWriteOption.SYNC, StandardWriteOption.CLOSE)
            : out.writeAsync(chunk);
        closeSent = last;
        long at = offset;
        f.whenComplete((r, e) -> {
          String problem = e != null ? e.toString() : problem(r, n);
          if (problem != null) {
            failed.compareAndSet(null, "packet at offset " + at + ": " + problem);
          }
          window.release();
        });
        packets.add(f);
        offset += n;
      } while (offset < value.length);
      for (CompletableFuture<DataStreamReply> f : packets) {
        await(f, deadline, what);
      }
      if (failed.get() != null) {
        throw new IOException(what + " failed: " + failed.get());
      }
    } catch (IOException e) {
      // Every packet of a stream whose header failed fails with a bare "a request failed": say why.
      String header = headerProblem(out);
      if (header != null) {
        e = new IOException(what + " failed: the primary could not open the stream: " + header, e);
      }
      if (!closeSent) {
        out.closeAsync();
      }
      throw e;
    }
  }

  /** Why the primary refused the stream's header (e.g. a node on its route is down), or null. */
  private static String headerProblem(DataStreamOutput out) {
    if (!(out instanceof DataStreamOutputRpc rpc) || !rpc.getHeaderFuture().isDone()) {
      return null;
    }
    try {
      return problem(rpc.getHeaderFuture().join(), 0);
    } catch (RuntimeException e) {
      return e.getCause() == null ? e.toString() : e.getCause().toString();
    }
  }

  /** Why a packet's reply is not a success writing {@code length} bytes, or null if it is. */
  private static String problem(DataStreamReply r, long length) {
    if (r.isSuccess() && r.getBytesWritten() == length) {
      return null;
    }
    String why = r.isSuccess() ? r.getBytesWritten() + " of " + length + " bytes written" : "failed";
    try {
      RaftClientReply detail = ClientProtoUtils.getRaftClientReply(r);
      if (detail.getException() != null) {
        why += ": " + detail.getException();
      }
    } catch (RuntimeException notAReply) {
      // a bare failure: the reply carries no details
    }
    return why;
  }

  private void acquire(Semaphore window, long deadline, String what) throws IOException {
    try {
      if (!window.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        throw timedOut(what);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(what + ": interrupted");
    }
  }

  private <T> T await(CompletableFuture<T> f, long deadline, String what) throws IOException {
    try {
      return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw timedOut(what);
    } catch (ExecutionException e) {
      throw new IOException(what + " failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(what + ": interrupted");
    }
  }

  private IOException timedOut(String what) {
    return new IOException(what + ": not acknowledged within " + timeout.toMillis() + " ms by "
        + PeerAddress.format(cluster.dataStreamPeers()) + " (streams need every node on their route)");
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
    return new UnsupportedOperationException("the bare Ratis DataStream baseline stores nothing, so it measures "
        + "writes only, not " + what);
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

  /** The node every stream goes to first (the leader when the target started). */
  public String primary() {
    return primary;
  }

  /** The log index of the latest acknowledged write (-1 before any). */
  public long lastAcknowledgedIndex() {
    return lastAcknowledged.get();
  }

  /** The index of the last log entry {@code node} applied, as it reports it. */
  public long appliedIndex(String node) {
    return probe.appliedIndex(node);
  }

  /** What {@code node} did with streams, as it reports it. */
  public StreamAckStateMachine.Stats streamStats(String node) {
    return probe.streamStats(node);
  }

  /** The nodes (for tests in this package). */
  AckCluster cluster() {
    return cluster;
  }

  @Override
  public void close() {
    clients.forEach(RatisStreamTarget::closeQuietly);
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
