package io.ckpt.client.internal;

import io.ckpt.client.CheckpointException;
import io.ckpt.client.UnavailableException;
import io.ckpt.protocol.BatchQuery;
import io.ckpt.protocol.GetQuery;
import io.ckpt.protocol.Query;
import io.ckpt.protocol.QueryReply;
import io.ckpt.protocol.Status;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Read batching: concurrent heads ({@code GetQuery}s) of this client to one target share one
 * query. The target is the leader, for linearizable reads (the batch shares one ReadIndex round:
 * a heartbeat round on the leader plus a wait for apply, whatever it asks), or one node, for
 * stale reads (the batch shares one request and one reply). This is the lever on small reads,
 * as {@link GroupCommit} is on writes.
 *
 * <p>At most {@code inFlight} queries are outstanding. A get that finds a free slot goes out at
 * once, alone, as a plain {@code GetQuery}: an idle client adds no latency. Gets that arrive
 * while every slot is busy queue, and the next free slot takes up to {@link #MAX_GETS} of them
 * as one {@code BatchQuery}. Every member was issued before the batch left, so the batch's read
 * index covers each of them: each answer is linearizable. A batch fails (no leader, not leader,
 * ReadIndex failure, timeout) as a whole; {@link #submit} is one attempt, and each caller retries
 * its own get with its own deadline ({@link RaftTransport#retrying}). A stale batch is answered
 * from the node's applied state, like each of its gets alone.
 */
public final class ReadBatcher extends SlotBatcher<ReadBatcher.Pending, RaftTransport.Answer> {
  /** The most gets in one batch (what the servers accept). */
  static final int MAX_GETS = 1024;
  private final RaftTransport transport;
  /** The node stale gets go to; null: linearizable gets to the leader. */
  private final String staleNode;

  record Pending(GetQuery get, CompletableFuture<RaftTransport.Answer> answer) {}

  /**
   * Batches stale gets to {@code staleNode}, or linearizable gets to the leader if it is null,
   * with at most {@code inFlight} queries outstanding ({@link ReadBatchers} makes them).
   */
  ReadBatcher(RaftTransport transport, int inFlight, String staleNode) {
    super(staleNode == null ? "ckpt-read-batch" : "ckpt-stale-read-batch-" + staleNode, inFlight);
    this.transport = transport;
    this.staleNode = staleNode;
  }

  /** One attempt of {@code get} on this batcher's target, alone or with others. */
  public CompletableFuture<RaftTransport.Answer> submit(GetQuery get) {
    Pending p = new Pending(get, new CompletableFuture<>());
    submit(p, () -> new UnavailableException("get " + get.getName() + ": the client is closed"));
    return p.answer();
  }

  /** Up to {@link #MAX_GETS} queued gets whose callers still wait. */
  @Override
  protected List<Pending> take(ArrayDeque<Pending> queue) {
    List<Pending> batch = new ArrayList<>();
    while (!queue.isEmpty() && batch.size() < MAX_GETS) {
      Pending p = queue.poll();
      // A caller that gave up (its deadline passed) cancelled its attempt: nothing to ask.
      if (!p.answer().isDone()) {
        batch.add(p);
      }
    }
    return batch;
  }

  @Override
  protected CompletableFuture<RaftTransport.Answer> send(List<Pending> batch) {
    Query q = batch.size() == 1 ? Query.newBuilder().setGet(batch.get(0).get()).build()
        : Query.newBuilder().setBatch(BatchQuery.newBuilder().addAllGets(batch.stream().map(Pending::get).toList()))
            .build();
    return queryOnce(q);
  }

  private CompletableFuture<RaftTransport.Answer> queryOnce(Query q) {
    return staleNode == null ? transport.queryLeaderOnce(q) : transport.queryStaleOnce(q, staleNode);
  }

  @Override
  protected void deliver(List<Pending> batch, RaftTransport.Answer answer, Throwable failure) {
    if (failure != null) {
      batch.forEach(p -> p.answer().completeExceptionally(failure));
    } else {
      answered(batch, answer);
    }
  }

  private void answered(List<Pending> batch, RaftTransport.Answer answer) {
    QueryReply reply = answer.reply();
    if (batch.size() == 1) {
      batch.get(0).answer().complete(answer);
    } else if (reply.getBatchCount() == batch.size()) {
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).answer().complete(new RaftTransport.Answer(reply.getBatch(i), answer.node()));
      }
    } else if (reply.getStatus() == Status.INVALID && reply.getBatchCount() == 0) {
      // A node that does not know batch queries (an older version) refuses them: ask one by one.
      for (Pending p : batch) {
        queryOnce(Query.newBuilder().setGet(p.get()).build()).whenComplete((a, t) -> {
          if (t != null) {
            p.answer().completeExceptionally(t);
          } else {
            p.answer().complete(a);
          }
        });
      }
    } else if (reply.getStatus() != Status.OK && reply.getBatchCount() == 0) {
      // The node refused the whole query (it stopped serving, say): each get gets that answer.
      batch.forEach(p -> p.answer().complete(answer));
    } else {
      CheckpointException e = new CheckpointException("the server answered a batch of " + batch.size() + " gets with "
          + reply.getBatchCount() + " replies" + (reply.getMessage().isEmpty() ? "" : ": " + reply.getMessage()));
      batch.forEach(p -> p.answer().completeExceptionally(e));
    }
  }

  @Override
  protected void failClosed(Pending p) {
    p.answer().completeExceptionally(
        new UnavailableException("get " + p.get().getName() + ": the client was closed before it was sent"));
  }
}
