package io.ckpt.server.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OrderBookTest {
  @Test
  void roundTripsThroughItsBytes() {
    OrderBook book = new OrderBook();
    Random random = new Random(7);
    for (int i = 0; i < 2000; i++) {
      book.applyRandom(random);
    }
    assertThat(book.trades()).isPositive();
    OrderBook copy = OrderBook.fromBytes(book.toBytes());
    assertThat(copy).isEqualTo(book);
    assertThat(copy.toBytes()).isEqualTo(book.toBytes());
    book.applyRandom(random);
    assertThat(copy).isNotEqualTo(book);
  }

  @Test
  void rejectsBytesThatAreNotAnOrderBook() {
    byte[] good = new OrderBook().toBytes();
    assertThatThrownBy(() -> OrderBook.fromBytes(new byte[] {1, 2, 3, 4})).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OrderBook.fromBytes(Arrays.copyOf(good, good.length - 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OrderBook.fromBytes(Arrays.copyOf(good, good.length + 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
