package io.ckpt.harness.net;

import static io.ckpt.harness.net.Sockets.assertNothingArrives;
import static io.ckpt.harness.net.Sockets.connect;
import static io.ckpt.harness.net.Sockets.receive;
import static io.ckpt.harness.net.Sockets.roundTrip;
import static io.ckpt.harness.net.Sockets.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LinkTableTest {
  private final Map<String, EchoServer> servers = new LinkedHashMap<>();
  private final Map<String, Socket> sockets = new LinkedHashMap<>();
  private LinkTable table;

  @AfterEach
  void closeAll() throws IOException {
    for (Socket s : sockets.values()) {
      s.close();
    }
    if (table != null) {
      table.close();
    }
    for (EchoServer s : servers.values()) {
      s.close();
    }
  }

  /** Link a->b listens on 127.0.i.j (i, j the nodes' positions, from 1) and forwards to b. */
  private static LinkTable.Endpoints loopback(List<String> nodes, String from, String to,
      InetSocketAddress target) {
    String host = "127.0." + (nodes.indexOf(from) + 1) + "." + (nodes.indexOf(to) + 1);
    return new LinkTable.Endpoints(new InetSocketAddress(host, 0), target);
  }

  /** Nodes stood in for by echo servers; one open connection per link. */
  private void startEchoCluster(List<String> nodes) throws IOException {
    for (String node : nodes) {
      servers.put(node, new EchoServer());
    }
    table = LinkTable.start(nodes,
        (from, to) -> loopback(nodes, from, to, servers.get(to).address()));
    for (String from : nodes) {
      for (String to : nodes) {
        if (!from.equals(to)) {
          Socket socket = connect(table.proxy(from, to).listenAddress());
          sockets.put(from + to, socket);
          assertThat(roundTrip(socket, "up")).isEqualTo("up");
        }
      }
    }
  }

  @Test
  void partitionBlocksLinksBetweenSidesOnlyAndHealReleasesThem() throws Exception {
    List<String> nodes = List.of("a", "b", "c");
    startEchoCluster(nodes);
    assertThat(table.proxy("a", "c").listenAddress().getHostString()).isEqualTo("127.0.1.3");

    table.partition(List.of(Set.of("a", "b"), Set.of("c")));
    assertThat(table.describe()).isEqualTo("partition [a b | c]");
    for (String link : List.of("ac", "ca", "bc", "cb")) {
      send(sockets.get(link), "x");
    }
    await().until(() -> table.stats().values().stream().mapToLong(LinkStats::heldBytes).sum() == 4);
    for (String link : List.of("ac", "ca", "bc", "cb")) {
      assertNothingArrives(sockets.get(link));
    }
    assertThat(roundTrip(sockets.get("ab"), "same side")).isEqualTo("same side");
    assertThat(roundTrip(sockets.get("ba"), "same side")).isEqualTo("same side");

    table.heal();
    assertThat(table.describe()).isEqualTo("none");
    for (String link : List.of("ac", "ca", "bc", "cb")) {
      assertThat(receive(sockets.get(link), 1)).as(link).isEqualTo("x");
    }
  }

  @Test
  void oneWayBlockStopsOnlyConnectionsOpenedFromTheBlockedSide() throws Exception {
    List<String> nodes = List.of("a", "b");
    startEchoCluster(nodes);

    table.block("a", "b");
    assertThat(table.describe()).isEqualTo("block a->b");
    send(sockets.get("ab"), "held");
    await().until(() -> table.proxy("a", "b").stats().heldBytes() == 4);
    assertNothingArrives(sockets.get("ab"));
    assertThat(roundTrip(sockets.get("ba"), "b reaches a")).isEqualTo("b reaches a");

    table.unblock("a", "b");
    assertThat(receive(sockets.get("ab"), 4)).isEqualTo("held");
  }

  @Test
  void resetBreaksOneLinkOnly() throws Exception {
    List<String> nodes = List.of("a", "b");
    startEchoCluster(nodes);

    assertThat(table.reset("a", "b")).isEqualTo(1);
    assertThat(Sockets.readUntilBroken(sockets.get("ab"))).isEqualTo("SocketException: Connection reset");
    assertThat(roundTrip(sockets.get("ba"), "still")).isEqualTo("still");
    try (Socket again = connect(table.proxy("a", "b").listenAddress())) {
      assertThat(roundTrip(again, "again")).isEqualTo("again");
    }
    await().until(() -> table.proxy("a", "b").stats().connectionsOpen() == 0);
    assertThat(table.resetAll()).as("only b->a is still open").isEqualTo(1);
  }

  @Test
  void everyPortOfALinkSharesItsFaultsAndItsCounters() throws Exception {
    List<String> nodes = List.of("a", "b");
    for (String node : nodes) {
      servers.put(node, new EchoServer());
      servers.put(node + "-stream", new EchoServer());
    }
    table = LinkTable.start(nodes, (from, to) -> List.of(loopback(nodes, from, to, servers.get(to).address()),
        loopback(nodes, from, to, servers.get(to + "-stream").address())), 1, LinkProxy.DEFAULT_HOLD_LIMIT);
    List<LinkProxy> ab = table.proxies("a", "b");
    assertThat(ab).hasSize(2);
    assertThat(table.proxy("a", "b")).isSameAs(ab.get(0));
    Socket raft = connect(ab.get(0).listenAddress());
    Socket stream = connect(ab.get(1).listenAddress());
    Socket back = connect(table.proxies("b", "a").get(1).listenAddress());
    sockets.putAll(Map.of("raft", raft, "stream", stream, "back", back));
    assertThat(roundTrip(raft, "r")).isEqualTo("r");
    assertThat(roundTrip(stream, "s")).isEqualTo("s");

    table.block("a", "b");
    send(raft, "x");
    send(stream, "y");
    await().until(() -> table.stats().get(new Link("a", "b")).heldBytes() == 2);
    assertNothingArrives(raft);
    assertNothingArrives(stream);
    assertThat(roundTrip(back, "b reaches a on both ports")).isEqualTo("b reaches a on both ports");

    table.heal();
    assertThat(receive(raft, 1)).isEqualTo("x");
    assertThat(receive(stream, 1)).isEqualTo("y");
    LinkStats abStats = table.stats().get(new Link("a", "b"));
    assertThat(abStats.connectionsAccepted()).isEqualTo(2);
    assertThat(abStats.bytesToTarget()).isEqualTo(4);
    assertThat(table.bytesToPort(1)).as("the second ports, both links")
        .isEqualTo(2 + "b reaches a on both ports".length());
    assertThat(table.bytesToPort(2)).isZero();
    assertThat(table.reset("a", "b")).as("one connection per port").isEqualTo(2);
  }

  @Test
  void describeNamesEachFault() {
    List<String> nodes = List.of("n1", "n2", "n3", "n4", "n5");
    InetSocketAddress nowhere = new InetSocketAddress("127.0.0.1", 9);
    table = LinkTable.start(nodes, (from, to) -> loopback(nodes, from, to, nowhere));
    assertThat(table.describe()).isEqualTo("none");

    table.partition(List.of(Set.of("n1", "n2"), Set.of("n3", "n4", "n5")));
    assertThat(table.describe()).isEqualTo("partition [n1 n2 | n3 n4 n5]");
    table.delay("n3", "n4", 100, 20);
    assertThat(table.describe()).isEqualTo("partition [n1 n2 | n3 n4 n5]; delay n3->n4 100±20ms");

    table.isolate("n3");
    assertThat(table.describe()).isEqualTo("partition [n1 n2 n4 n5 | n3]");
    assertThat(table.mode("n3", "n4")).isEqualTo(LinkMode.BLOCK);

    table.bridge(Set.of("n1", "n2"), "n3", Set.of("n4", "n5"));
    assertThat(table.describe()).isEqualTo("bridge n3 [n1 n2 | n4 n5]");

    table.heal();
    table.block("n1", "n2");
    assertThat(table.describe()).isEqualTo("block n1->n2");
    table.block("n2", "n1");
    table.block("n4", "n5");
    table.delay("n1", "n3", 200, 0);
    assertThat(table.describe()).isEqualTo("block n1<->n2 n4->n5; delay n1->n3 200ms");
    table.delay("n3", "n1", 200, 0);
    assertThat(table.describe()).isEqualTo("block n1<->n2 n4->n5; delay n1<->n3 200ms");

    table.heal();
    assertThat(table.describe()).isEqualTo("none");
    assertThatThrownBy(() -> table.partition(List.of(Set.of("n1"), Set.of("n2"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leave out [n3, n4, n5]");
    assertThatThrownBy(() -> table.partition(List.of(Set.of("n1", "n2"), Set.of("n2", "n3", "n4", "n5"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("repeated node n2");
  }

  @Test
  void closeLeavesNoProxyThreads() {
    List<String> nodes = List.of("x1", "x2", "x3");
    InetSocketAddress nowhere = new InetSocketAddress("127.0.0.1", 9);
    table = LinkTable.start(nodes, (from, to) -> loopback(nodes, from, to, nowhere));
    assertThat(liveProxyThreads()).isEqualTo(6);
    table.close();
    await().until(() -> liveProxyThreads() == 0);
  }

  private static long liveProxyThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().matches("proxy-x\\d->x\\d"))
        .count();
  }
}
