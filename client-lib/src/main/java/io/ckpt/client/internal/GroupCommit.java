package io.ckpt.client.internal;

import io.ckpt.client.CheckpointException;
import io.ckpt.client.UnavailableException;
import io.ckpt.protocol.BatchEntry;
import io.ckpt.protocol.LogEntry;
import io.ckpt.protocol.PutEntry;
import io.ckpt.protocol.WriteReply;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Group commit of small puts: concurrent puts of this client share one Raft log entry. Ratis
 * costs about the same CPU per log entry whatever it carries, so this is the lever on small
 * writes (STACK.md: 5-7x records/s).
 *
 * <p>At most {@code inFlight} group entries are outstanding. A put that finds a free slot goes
 * out at once, alone, as a plain {@code PutEntry}: an idle client adds no latency. Puts that
 * arrive while every slot is busy queue, and the next free slot takes as many of them as fit
 * ({@code maxBytes} of payload, each segment at most once, first come first served per
 * segment) as one {@code BatchEntry}. A batch the leader refuses whole (one bad put, the quota)
 * is resent put by put, so each put gets its own answer; a batch that fails (no quorum, timed
 * out) fails every put in it, which may or may not have been applied, like any failed write.
 */
public final class GroupCommit extends SlotBatcher<GroupCommit.Pending, WriteReply> {
  private final RaftTransport transport;
  private final int maxBytes;

  record Pending(PutEntry put, CompletableFuture<WriteReply> reply) {}

  public GroupCommit(RaftTransport transport, int maxBytes, int inFlight) {
    super("ckpt-group-commit", inFlight);
    this.transport = transport;
    this.maxBytes = maxBytes;
  }

  /** Proposes {@code put}, alone or with others; completes with its own reply. */
  public CompletableFuture<WriteReply> submit(PutEntry put) {
    Pending p = new Pending(put, new CompletableFuture<>());
    submit(p, () -> new UnavailableException("put " + put.getName() + ": the client is closed"));
    return p.reply();
  }

  /** As many queued puts as fit: {@code maxBytes} of payload, each segment at most once, in order. */
  @Override
  protected List<Pending> take(ArrayDeque<Pending> queue) {
    List<Pending> batch = new ArrayList<>();
    Set<String> names = new HashSet<>();
    long bytes = 0;
    for (Iterator<Pending> it = queue.iterator(); it.hasNext() && batch.size() < MAX_PUTS; ) {
      Pending p = it.next();
      int size = p.put().getData().size();
      if (!batch.isEmpty() && bytes + size > maxBytes) {
        break;
      }
      // A later put of a segment already in this batch waits for the next one (in order).
      if (names.add(p.put().getName())) {
        batch.add(p);
        bytes += size;
        it.remove();
      }
    }
    return batch;
  }

  /** The most puts in one batch (the servers accept up to 1024). */
  static final int MAX_PUTS = 512;

  @Override
  protected CompletableFuture<WriteReply> send(List<Pending> batch) {
    LogEntry entry = batch.size() == 1 ? LogEntry.newBuilder().setPut(batch.get(0).put()).build()
        : LogEntry.newBuilder().setBatch(BatchEntry.newBuilder().addAllPuts(batch.stream().map(Pending::put).toList()))
            .build();
    return transport.write(transport.lane(), entry);
  }

  @Override
  protected void deliver(List<Pending> batch, WriteReply reply, Throwable failure) {
    if (failure != null) {
      failed(batch, failure);
    } else {
      answered(batch, reply);
    }
  }

  private void answered(List<Pending> batch, WriteReply reply) {
    if (batch.size() == 1) {
      batch.get(0).reply().complete(reply);
      return;
    }
    if (reply.getBatchCount() != batch.size()) {
      CheckpointException e = new CheckpointException("the server answered a batch of " + batch.size() + " puts with "
          + reply.getBatchCount() + " replies" + (reply.getMessage().isEmpty() ? "" : ": " + reply.getMessage()));
      batch.forEach(p -> p.reply().completeExceptionally(e));
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).reply().complete(reply.getBatch(i));
    }
  }

  private void failed(List<Pending> batch, Throwable failure) {
    boolean refusedWhole = !isClosed() && batch.size() > 1 && Rejections.find(failure).isPresent();
    for (Pending p : batch) {
      if (refusedWhole) {
        transport.write(transport.lane(), LogEntry.newBuilder().setPut(p.put()).build()).whenComplete((r, t) -> {
          if (t != null) {
            p.reply().completeExceptionally(t);
          } else {
            p.reply().complete(r);
          }
        });
      } else {
        p.reply().completeExceptionally(failure);
      }
    }
  }

  @Override
  protected void failClosed(Pending p) {
    p.reply().completeExceptionally(
        new UnavailableException("put " + p.put().getName() + ": the client was closed before it was sent"));
  }
}
