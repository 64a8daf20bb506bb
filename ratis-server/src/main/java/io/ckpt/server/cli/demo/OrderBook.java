package io.ckpt.server.cli.demo;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;

/**
 * The demo application's in-memory state: a one-instrument limit order book (quantity per
 * price level on each side) with a matching engine. Orders cross the spread and trade, or rest;
 * some cancel resting quantity. Serializes to a compact, deterministic byte form.
 */
public final class OrderBook {
  private static final int MAGIC = 0x0B00C0DE;
  private final NavigableMap<Long, Long> bids = new TreeMap<>(Comparator.reverseOrder());
  private final NavigableMap<Long, Long> asks = new TreeMap<>();
  private long orders;
  private long trades;
  private long volume;

  /** Applies one random order (or cancel) drawn from {@code random}. */
  public void applyRandom(Random random) {
    orders++;
    boolean buy = random.nextBoolean();
    long price = 10_000 + random.nextInt(41) - 20;
    long qty = 1 + random.nextInt(100);
    if (random.nextInt(5) == 0) {
      cancel(buy ? bids : asks, price, qty);
    } else {
      match(buy, price, qty);
    }
  }

  private void match(boolean buy, long limit, long qty) {
    NavigableMap<Long, Long> opposite = buy ? asks : bids;
    while (qty > 0 && !opposite.isEmpty()) {
      Map.Entry<Long, Long> best = opposite.firstEntry();
      boolean crosses = buy ? best.getKey() <= limit : best.getKey() >= limit;
      if (!crosses) {
        break;
      }
      long fill = Math.min(qty, best.getValue());
      qty -= fill;
      trades++;
      volume += fill;
      if (fill == best.getValue()) {
        opposite.remove(best.getKey());
      } else {
        opposite.put(best.getKey(), best.getValue() - fill);
      }
    }
    if (qty > 0) {
      (buy ? bids : asks).merge(limit, qty, Long::sum);
    }
  }

  private static void cancel(NavigableMap<Long, Long> side, long price, long qty) {
    side.computeIfPresent(price, (p, q) -> q > qty ? q - qty : null);
  }

  public long orders() {
    return orders;
  }

  public long trades() {
    return trades;
  }

  /** A one-line summary for the narrative. */
  public String summary() {
    return orders + " orders, " + trades + " trades (volume " + volume + "), " + bids.size() + " bid / "
        + asks.size() + " ask levels";
  }

  public OrderBook copy() {
    return fromBytes(toBytes());
  }

  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeLong(orders);
      out.writeLong(trades);
      out.writeLong(volume);
      for (NavigableMap<Long, Long> side : java.util.List.of(bids, asks)) {
        out.writeInt(side.size());
        for (Map.Entry<Long, Long> e : side.entrySet()) {
          out.writeLong(e.getKey());
          out.writeLong(e.getValue());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The inverse of {@link #toBytes()}; rejects bytes that are not an order book. */
  public static OrderBook fromBytes(byte[] data) {
    OrderBook book = new OrderBook();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      if (in.readInt() != MAGIC) {
        throw new IllegalArgumentException("not an order book checkpoint");
      }
      book.orders = in.readLong();
      book.trades = in.readLong();
      book.volume = in.readLong();
      for (NavigableMap<Long, Long> side : java.util.List.of(book.bids, book.asks)) {
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
          side.put(in.readLong(), in.readLong());
        }
      }
      if (in.read() != -1) {
        throw new IllegalArgumentException("trailing bytes after the order book");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated order book checkpoint", e);
    }
    return book;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OrderBook b && b.orders == orders && b.trades == trades && b.volume == volume
        && b.bids.equals(bids) && b.asks.equals(asks);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(orders, trades, volume, bids, asks);
  }
}
