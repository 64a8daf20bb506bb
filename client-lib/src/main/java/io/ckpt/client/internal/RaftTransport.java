package io.ckpt.client.internal;

import io.ckpt.client.CheckpointException;
import io.ckpt.client.InvalidRequestException;
import io.ckpt.client.PeerAddress;
import io.ckpt.client.UnavailableException;
import io.ckpt.protocol.LogEntry;
import io.ckpt.protocol.Query;
import io.ckpt.protocol.QueryReply;
import io.ckpt.protocol.WriteReply;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.client.api.DataStreamOutput;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.ReadIndexException;
import org.apache.ratis.protocol.exceptions.ServerNotReadyException;
import org.apache.ratis.protocol.exceptions.StaleReadException;
import org.apache.ratis.retry.ExponentialBackoffRetry;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * Talks to the cluster through a small pool of Ratis clients. Each Ratis client is one ordered
 * stream: the chunks of one upload must use the same {@link Lane}. Leader discovery and retry
 * on leader change are Ratis's; the overall deadline of a call is ours.
 */
public final class RaftTransport implements Closeable {
  private final ClientSettings settings;
  private final RaftGroup group;
  private final RaftProperties writeProperties;
  /** The write lanes' Ratis clients; a client that failed for good is replaced (guarded by this). */
  private final RaftClient[] laneClients;
  private boolean closed;
  private final AtomicInteger next = new AtomicInteger();
  /** What the servers may send a reading client unacknowledged (several prefetched chunks). */
  static final long READ_FLOW_CONTROL_WINDOW = 8L << 20;
  /** Read replies may exceed the chunk size by this much (metadata of a batch of heads). */
  static final int READ_REPLY_HEADROOM = 8 << 20;
  static final java.time.Duration READ_TIMEOUT_MAX = java.time.Duration.ofSeconds(3);
  private final RaftClient readClient;
  /**
   * Where linearizable reads that name no node go: null for the read client's leader; after a
   * node refused one for want of a leader it can reach (it is cut off), the next peer after it.
   * Any node serves a linearizable read (ReadIndex through its leader).
   */
  private final AtomicReference<RaftPeerId> readTarget = new AtomicReference<>();
  /** Streams to the nodes, when every one of them has a stream port; else null. */
  private final StreamTransport streams;
  private final java.util.concurrent.ExecutorService readers = java.util.concurrent.Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "ckpt-client-read");
    t.setDaemon(true);
    return t;
  });

  /** One ordered stream of requests: lane {@code index} as long as its Ratis client lives. */
  public record Lane(int index, RaftClient client) {}

  /** A query's reply and the id of the node that produced it. */
  public record Answer(QueryReply reply, String node) {}

  public RaftTransport(ClientSettings settings) {
    this.settings = settings;
    this.group = RaftGroups.group(settings.peers());
    writeProperties = new RaftProperties();
    RaftClientConfigKeys.Rpc.setRequestTimeout(writeProperties,
        TimeDuration.valueOf(settings.rpcTimeout().toMillis(), TimeUnit.MILLISECONDS));
    GrpcConfigKeys.setMessageSizeMax(writeProperties, SizeInBytes.valueOf(settings.chunkSize() + (2 << 20)));
    laneClients = new RaftClient[settings.raftClients()];
    for (int i = 0; i < laneClients.length; i++) {
      laneClients[i] = newWriteClient();
    }
    // Reads get a shorter per-attempt timeout than writes: a read stuck on a dead leader is
    // retried (on the new one) after seconds, not after a write's timeout.
    RaftProperties readProperties = new RaftProperties();
    RaftClientConfigKeys.Rpc.setRequestTimeout(readProperties,
        TimeDuration.valueOf(readTimeout().toMillis(), TimeUnit.MILLISECONDS));
    // A batched read's reply carries up to 1 MiB of first chunks plus every member's metadata.
    GrpcConfigKeys.setMessageSizeMax(readProperties, SizeInBytes.valueOf(settings.chunkSize() + READ_REPLY_HEADROOM));
    // Downloads prefetch several chunks: a window of one chunk would stall each on a window update.
    GrpcConfigKeys.setFlowControlWindow(readProperties, SizeInBytes.valueOf(READ_FLOW_CONTROL_WINDOW));
    readClient = RaftClient.newBuilder().setClientId(ClientId.randomId()).setRaftGroup(group)
        .setProperties(readProperties).setRetryPolicy(retryPolicy()).build();
    streams = PeerAddress.allTakeStreams(settings.peers()) ? new StreamTransport(settings, group, writeProperties) : null;
  }

  /** Whether chunked uploads may go as streams: every node has a stream port. */
  public boolean streams() {
    return streams != null;
  }

  /**
   * Opens a stream whose log entry is {@code header} to the leader {@code lane} knows (or the
   * first node), which passes it on to the others; only when {@link #streams()}.
   */
  public DataStreamOutput openStream(Lane lane, LogEntry header) {
    if (streams == null) {
      throw new IllegalStateException("streams need a stream port on every node: " + PeerAddress.format(settings.peers()));
    }
    RaftPeerId leader = lane.client().getLeaderId();
    return streams.open(header, leader == null ? null : leader.toString());
  }

  /** The timeout of one read attempt: the RPC timeout, at most {@link #READ_TIMEOUT_MAX}. */
  public java.time.Duration readTimeout() {
    return settings.rpcTimeout().compareTo(READ_TIMEOUT_MAX) < 0 ? settings.rpcTimeout() : READ_TIMEOUT_MAX;
  }

  private RaftClient newWriteClient() {
    return RaftClient.newBuilder().setClientId(ClientId.randomId()).setRaftGroup(group)
        .setProperties(writeProperties).setRetryPolicy(retryPolicy()).build();
  }

  private ExponentialBackoffRetry retryPolicy() {
    long timeoutMs = settings.timeout().toMillis();
    int attempts = (int) Math.max(3, Math.min(10_000, timeoutMs / 200));
    return ExponentialBackoffRetry.newBuilder()
        .setBaseSleepTime(TimeDuration.valueOf(50, TimeUnit.MILLISECONDS))
        .setMaxSleepTime(TimeDuration.valueOf(1, TimeUnit.SECONDS))
        .setMaxAttempts(attempts)
        .build();
  }

  public List<PeerAddress> peers() {
    return settings.peers();
  }

  public ClientSettings settings() {
    return settings;
  }

  /** The next lane, round-robin. */
  public synchronized Lane lane() {
    int i = Math.floorMod(next.getAndIncrement(), laneClients.length);
    return new Lane(i, laneClients[i]);
  }

  /** Proposes one log entry; completes with the state machine's reply once committed and applied. */
  public CompletableFuture<WriteReply> write(Lane lane, LogEntry entry) {
    Message m = RaftMessages.of(entry);
    return lane.client().async().send(m).whenComplete((reply, failure) -> {
      if (failure != null && !answeredByServer(failure)) {
        replace(lane);
      }
    }).thenApply(reply -> parseWrite(reply));
  }

  /**
   * A write the state machine refused (admission) or failed is an answer: the lane's stream is
   * fine, and replacing its client would fail the other writes in flight on it.
   */
  private static boolean answeredByServer(Throwable failure) {
    return Replies.unwrap(failure) instanceof org.apache.ratis.protocol.exceptions.StateMachineException
        || Rejections.find(failure).isPresent();
  }

  /**
   * A Ratis client's ordered stream fails every later request ("is closed") once one request
   * failed for good (retries used up during an outage, say): its sliding window keeps the
   * exception. So a lane whose request failed gets a new Ratis client; requests still on the old
   * one fail as they would have anyway.
   */
  private void replace(Lane lane) {
    RaftClient old;
    synchronized (this) {
      if (closed || laneClients[lane.index()] != lane.client()) {
        return;
      }
      old = laneClients[lane.index()];
      laneClients[lane.index()] = newWriteClient();
    }
    readers.execute(() -> {
      try {
        old.close();
      } catch (IOException | RuntimeException e) {
        // It failed already; nothing more to lose.
      }
    });
  }

  /** The state machine's reply to a write (a stream's log entry included); a failure as an exception. */
  static WriteReply parseWrite(RaftClientReply reply) {
    if (!reply.isSuccess()) {
      throw new java.util.concurrent.CompletionException(reply.getException());
    }
    try {
      return RaftMessages.parse(reply.getMessage().getContent(), WriteReply.parser());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new CheckpointException("unreadable reply from " + reply.getServerId(), e);
    }
  }

  /**
   * Runs a query, retrying transient refusals (no leader known yet, node behind the requested
   * index, node restarting) until the deadline. Linearizable (ReadIndex on the node asked, the
   * leader by default) unless {@code stale}, in which case the node answers from its applied
   * state once it reached {@code minIndex}.
   */
  public Answer query(Query query, String node, boolean stale, long minIndex, Deadline deadline, String what) {
    return retrying(() -> queryOnce(query, node, stale, minIndex), deadline, what);
  }

  /**
   * Makes {@code attempt} until it answers, retrying transient refusals as {@link #query} does
   * (with backoff, until the deadline): a read batched with others is retried the same way.
   */
  public Answer retrying(java.util.function.Supplier<CompletableFuture<Answer>> attempt, Deadline deadline,
      String what) {
    long backoffMs = 20;
    while (true) {
      try {
        return await(attempt.get(), deadline, what);
      } catch (UnavailableException e) {
        if (!isTransient(e) || deadline.remainingMillis() <= backoffMs) {
          throw e;
        }
      }
      try {
        Thread.sleep(backoffMs);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new UnavailableException(what + ": interrupted", ie);
      }
      backoffMs = Math.min(500, backoffMs * 2);
    }
  }

  private static boolean isTransient(UnavailableException e) {
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof TimeoutException) {
        return false;
      }
      if (t instanceof ReadIndexException || t instanceof LeaderNotReadyException || t instanceof NotLeaderException
          || t instanceof StaleReadException || t instanceof ServerNotReadyException || t instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  /** One linearizable attempt of {@code query} on the leader, without retries of our own. */
  public CompletableFuture<Answer> queryLeaderOnce(Query query) {
    return queryOnce(query, null, false, 0);
  }

  /** One stale attempt of {@code query} on {@code node}'s applied state, without retries of our own. */
  public CompletableFuture<Answer> queryStaleOnce(Query query, String node) {
    return queryOnce(query, node, true, 0);
  }

  /** The node a stale read goes to when the caller names none: the first peer. */
  public String defaultStaleNode() {
    return settings.peers().get(0).id();
  }

  private CompletableFuture<Answer> queryOnce(Query query, String node, boolean stale, long minIndex) {
    RaftPeerId server = node != null ? peerId(node) : stale ? RaftPeerId.valueOf(defaultStaleNode()) : readTarget.get();
    boolean anyNode = node == null && !stale;
    Message m = RaftMessages.of(query);
    // One client for all reads (they are unordered): it learns the leader once, not per lane.
    RaftClient client = readClient;
    // Reads must not use Ratis's ordered async stream: a follower would wait forever for the
    // sequence numbers of requests that went to the leader. Linearizable reads go unordered;
    // stale reads have only a blocking form, run on the reader pool.
    RaftPeerId target = server;
    RaftPeerId asked = target != null ? target : client.getLeaderId();
    CompletableFuture<RaftClientReply> f = stale
        ? CompletableFuture.supplyAsync(() -> {
          try {
            return client.io().sendStaleRead(m, minIndex, target);
          } catch (IOException e) {
            throw new java.util.concurrent.CompletionException(e);
          }
        }, readers)
        : client.async().sendReadOnlyUnordered(m, server);
    CompletableFuture<Answer> answer = f.thenApply(reply -> {
      if (!reply.isSuccess()) {
        throw new java.util.concurrent.CompletionException(reply.getException());
      }
      try {
        QueryReply q = RaftMessages.parse(reply.getMessage().getContent(), QueryReply.parser());
        return new Answer(q, reply.getServerId().toString());
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new CheckpointException("unreadable reply from " + reply.getServerId(), e);
      }
    });
    if (!anyNode) {
      return answer;
    }
    return answer.whenComplete((a, t) -> {
      if (t != null && cutOff(t)) {
        readTarget.compareAndSet(target, nextPeer(asked));
      }
    });
  }

  /** Whether a read failed because the node asked knows no leader it can reach (yet). */
  private static boolean cutOff(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ReadIndexException || c instanceof LeaderNotReadyException) {
        return true;
      }
    }
    return false;
  }

  /** The peer after {@code node} in the peers' order (the first after the last, or if null). */
  private RaftPeerId nextPeer(RaftPeerId node) {
    List<PeerAddress> peers = settings.peers();
    for (int i = 0; node != null && i < peers.size(); i++) {
      if (peers.get(i).id().equals(node.toString())) {
        return peerId(peers.get((i + 1) % peers.size()).id());
      }
    }
    return peerId(peers.get(0).id());
  }

  /** The pool blocking reads run on (daemon threads). */
  public java.util.concurrent.Executor readExecutor() {
    return readers;
  }

  public RaftPeerId peerId(String node) {
    for (PeerAddress p : settings.peers()) {
      if (p.id().equals(node)) {
        return RaftPeerId.valueOf(node);
      }
    }
    throw new InvalidRequestException("unknown node '" + node + "': peers are " + PeerAddress.format(settings.peers()));
  }

  /** Waits for a call until the deadline, mapping every failure to a typed exception. */
  public <T> T await(CompletableFuture<T> f, Deadline deadline, String what) {
    try {
      return f.get(deadline.remainingMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(false);
      throw new UnavailableException(what + ": no answer within " + settings.timeout().toMillis()
          + " ms from " + PeerAddress.format(settings.peers()) + " (unreachable, or no leader)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException(what + ": interrupted", e);
    } catch (ExecutionException e) {
      throw Replies.toException(e, what);
    }
  }

  public Deadline deadline() {
    return Deadline.after(settings.timeout());
  }

  public RaftGroup group() {
    return group;
  }

  @Override
  public void close() throws IOException {
    List<RaftClient> clients;
    synchronized (this) {
      closed = true;
      clients = List.of(laneClients);
    }
    readers.shutdownNow();
    List<Closeable> all = new ArrayList<>();
    if (streams != null) {
      all.add(streams);
    }
    all.add(readClient);
    all.addAll(clients);
    Closing.all(all);
  }

}
