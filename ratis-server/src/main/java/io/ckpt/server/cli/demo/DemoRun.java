package io.ckpt.server.cli.demo;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.PeerAddress;
import io.ckpt.client.SegmentInfo;
import io.ckpt.client.WriteResult;
import io.ckpt.client.local.LocalStore;
import io.ckpt.server.cli.Foreground;
import io.ckpt.server.node.CkptNode;
import io.ckpt.server.node.LocalCluster;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The {@code ckpt demo} scenario: a 3-node cluster in this process, a matching engine that
 * checkpoints its order book, the loss of the leader node with the engine on it, and the
 * engine's recovery on a surviving node from the last acknowledged checkpoint.
 */
public final class DemoRun {
  static final String SEGMENT = "demo/orders/book";
  static final int ORDERS = 3000;
  static final int EVERY = 300;
  static final int UNCHECKPOINTED = 170;
  static final Duration LEADER_WAIT = Duration.ofSeconds(20);
  static final Duration CLOSE_WAIT = Duration.ofSeconds(15);
  private final PrintStream out;
  private final PrintStream err;
  private final long started = System.nanoTime();
  private int step;

  public DemoRun(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Runs the scenario; true when the recovered state equals the last acknowledged one. */
  public boolean run() throws IOException, InterruptedException {
    Path tmp = Files.createTempDirectory("ckpt-demo-");
    List<CkptNode> live = new ArrayList<>();
    try {
      return run(tmp, live);
    } finally {
      for (CkptNode n : live) {
        Foreground.closeWithin(n, CLOSE_WAIT, err, "node " + n.id());
      }
      deleteTree(tmp);
    }
  }

  private boolean run(Path tmp, List<CkptNode> live) throws IOException, InterruptedException {
    out.println("ckpt demo: a matching engine checkpoints its order book to a 3-node cluster,"
        + " loses its node, and recovers on another");
    List<Integer> ports = FreePorts.find(3);
    List<PeerAddress> peers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      peers.add(new PeerAddress("n" + (i + 1), "127.0.0.1", ports.get(i)));
    }
    LocalCluster cluster = LocalCluster.start(peers, tmp.resolve("cluster"), Map.of());
    live.addAll(cluster.nodes());
    say("cluster of 3 nodes started in %s: %s", elapsed(), cluster.peersSpec());
    CkptNode leader = Foreground.awaitLeader(live, LEADER_WAIT)
        .orElseThrow(() -> new IllegalStateException("no leader elected within " + LEADER_WAIT.toSeconds() + "s"));
    say("leader elected: %s", leader.id());

    OrderBook acknowledged;
    long ackVersion;
    try (CheckpointClient client = CheckpointClient.builder().peers(peers).timeout(Duration.ofSeconds(20)).build()) {
      MatchingEngine engine = new MatchingEngine(client, SEGMENT, new OrderBook(), 0);
      engine.run(ORDERS, EVERY);
      WriteResult w = engine.lastWrite();
      say("engine applied %d random orders, checkpointing %s every %d with compare-and-set: %d versions",
          ORDERS, SEGMENT, EVERY, engine.checkpoints());
      say("last acknowledged checkpoint: v%d (revision %d, %d bytes, crc32c %s): %s",
          w.version(), w.revision(), w.size(), w.crc32cHex(), engine.acknowledged().summary());
      engine.run(UNCHECKPOINTED, 0);
      say("engine applied %d more orders it never checkpointed: they die with it", UNCHECKPOINTED);
      acknowledged = engine.acknowledged();
      ackVersion = w.version();
      leader = Foreground.awaitLeader(live, LEADER_WAIT).orElse(leader);
    }

    long killedAt = System.nanoTime();
    live.remove(leader);
    Foreground.closeWithin(leader, CLOSE_WAIT, err, "node " + leader.id());
    say("killed the leader %s, and the engine with it", leader.id());
    CkptNode next = Foreground.awaitLeader(live, LEADER_WAIT)
        .orElseThrow(() -> new IllegalStateException("no new leader within " + LEADER_WAIT.toSeconds() + "s"));
    say("new leader elected: %s after %.1fs", next.id(), (System.nanoTime() - killedAt) / 1e9);

    List<PeerAddress> reordered = new ArrayList<>(peers);
    reordered.sort(Comparator.comparing(p -> !p.id().equals(next.id())));
    try (CheckpointClient client = CheckpointClient.builder().peers(reordered).timeout(Duration.ofSeconds(20)).build();
         LocalStore store = LocalStore.open(tmp.resolve("engine-store-" + next.id()))) {
      SegmentInfo loaded = client.load(SEGMENT, store);
      OrderBook recovered = OrderBook.fromBytes(store.read(SEGMENT));
      say("engine restarted beside %s: loaded %s v%d (revision %d) into a fresh local store",
          next.id(), SEGMENT, loaded.version(), loaded.revision());
      boolean equal = recovered.equals(acknowledged) && loaded.version() == ackVersion;
      say("recovered state %s the last acknowledged state (v%d): %s",
          equal ? "EQUALS" : "DIFFERS FROM", ackVersion, recovered.summary());
      if (equal) {
        MatchingEngine engine = new MatchingEngine(client, SEGMENT, recovered, loaded.version());
        engine.run(EVERY, EVERY);
        say("engine carried on: %d more orders, checkpoint v%d committed", EVERY, engine.lastWrite().version());
      }
      out.printf("demo %s in %s; cluster stopped, temporary files removed%n", equal ? "passed" : "FAILED", elapsed());
      return equal;
    }
  }

  private void say(String format, Object... args) {
    out.printf("[%d] %s%n", ++step, String.format(format, args));
    out.flush();
  }

  private String elapsed() {
    return String.format("%.1fs", (System.nanoTime() - started) / 1e9);
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
