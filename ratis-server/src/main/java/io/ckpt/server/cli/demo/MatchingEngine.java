package io.ckpt.server.cli.demo;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.PutOptions;
import io.ckpt.client.WriteResult;
import java.util.Random;

/**
 * The demo's stateful application: applies random orders to an {@link OrderBook} and
 * checkpoints it to ckpt every few hundred orders with a compare-and-set on the previous
 * version, remembering the last state the cluster acknowledged.
 */
public final class MatchingEngine {
  private final CheckpointClient client;
  private final String segment;
  private final OrderBook book;
  private final Random random = new Random();
  private long version;
  private OrderBook acknowledged;
  private WriteResult lastWrite;
  private int checkpoints;

  /** An engine continuing from {@code book}, whose checkpoint is at {@code version} (0: none yet). */
  public MatchingEngine(CheckpointClient client, String segment, OrderBook book, long version) {
    this.client = client;
    this.segment = segment;
    this.book = book;
    this.version = version;
    this.acknowledged = book.copy();
  }

  /** Applies {@code orders} random orders, checkpointing after every {@code every} of them. */
  public void run(int orders, int every) {
    for (int i = 1; i <= orders; i++) {
      book.applyRandom(random);
      if (every > 0 && i % every == 0) {
        checkpoint();
      }
    }
  }

  /** Writes the current state as the next version; fails on a version conflict (fencing). */
  public WriteResult checkpoint() {
    byte[] bytes = book.toBytes();
    lastWrite = client.put(segment, bytes, PutOptions.defaults().expectVersion(version));
    version = lastWrite.version();
    acknowledged = OrderBook.fromBytes(bytes);
    checkpoints++;
    return lastWrite;
  }

  public OrderBook book() {
    return book;
  }

  /** The state the cluster last acknowledged. */
  public OrderBook acknowledged() {
    return acknowledged;
  }

  public WriteResult lastWrite() {
    return lastWrite;
  }

  public int checkpoints() {
    return checkpoints;
  }
}
