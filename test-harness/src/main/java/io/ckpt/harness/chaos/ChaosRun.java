package io.ckpt.harness.chaos;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.NodeStatus;
import io.ckpt.client.ReadOptions;
import io.ckpt.client.ReplicaFingerprint;
import io.ckpt.client.Segment;
import io.ckpt.client.SegmentNotFoundException;
import io.ckpt.harness.ProcessCluster;
import io.ckpt.harness.check.AckedWritesChecker;
import io.ckpt.harness.check.FinalState;
import io.ckpt.harness.check.LinearizabilityChecker;
import io.ckpt.harness.check.Report;
import io.ckpt.harness.check.StaleReadChecker;
import io.ckpt.harness.check.Verdict;
import io.ckpt.harness.history.Call;
import io.ckpt.harness.history.History;
import io.ckpt.harness.history.Op;
import io.ckpt.harness.history.Reply;
import io.ckpt.harness.net.LinkTable;
import io.ckpt.statemachine.stream.StreamRepair;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

/**
 * One chaos run: server processes with every peer link behind a fault-injecting proxy, clients
 * recording a history while a {@link Nemesis} works through a seeded {@link FaultPlan}; then
 * everything is healed and the checkers judge what was recorded: linearizability per key, the
 * weaker promise of stale reads, no acknowledged write lost, and identical stores on every node.
 */
public final class ChaosRun {
  /** How long healed nodes get to catch up before the run declares them diverged. */
  private static final Duration CONVERGE = Duration.ofMinutes(3);
  private static final int FINAL_CLIENT = -1;
  /** Versions the servers retain per segment (their default {@code ckpt.store.retain}). */
  private static final int RETAIN = io.ckpt.statemachine.CkptStoreConfigKeys.RETAIN_DEFAULT;
  private final ChaosOptions options;
  private final PrintStream progress;

  public ChaosRun(ChaosOptions options, PrintStream progress) {
    this.options = options;
    this.progress = progress;
  }

  /** Runs it; the returned report says what every checker found. Files go to {@code options.out()}. */
  public ChaosReport run() throws IOException, InterruptedException {
    Path out = Files.createDirectories(options.out());
    long start = System.nanoTime();
    FaultPlan plan = FaultPlan.generate(options.seed(), options.nodes(), options.duration(), options.faults());
    History history = new History();
    try (ProcessCluster cluster = ProcessCluster.builder().nodes(options.nodes()).streams(options.streams())
            .routedPeerLinks().deferStart()
            .jvmArgs("-Xmx256m")
            // Snapshots and log purges every few thousand entries: lagging nodes catch up by snapshot install.
            .property("raft.server.snapshot.auto.trigger.threshold", "3000")
            .property("ckpt.store.snapshot.trigger.bytes", "32MB").start();
        LinkTable links = cluster.startLinks(options.seed());
        Timeline timeline = new Timeline(out.resolve("timeline.txt"), start);
        CheckpointClient admin = CheckpointClient.builder().peers(cluster.peers()).timeout(Duration.ofSeconds(20)).build()) {
      cluster.startAll();
      timeline.event("start " + options.nodes() + " nodes" + (options.streams() ? " with stream ports" : "") + ", "
          + options.clients() + " clients, seed " + options.seed() + ", " + plan.faults().size() + " faults planned");
      awaitLeader(admin, Duration.ofMinutes(2));
      List<String> keys = IntStream.range(0, options.keys()).mapToObj(i -> "chaos/k" + i).toList();

      AtomicBoolean stop = new AtomicBoolean();
      long clientsStart = System.nanoTime();
      Nemesis nemesis = new Nemesis(cluster, links, () -> leader(admin), timeline, options.seed());
      ExecutorService pool = Executors.newFixedThreadPool(options.clients() + 1);
      List<CheckpointClient> clients = new ArrayList<>();
      try {
        for (int i = 0; i < options.clients(); i++) {
          CheckpointClient c = CheckpointClient.builder().peers(cluster.peers()).timeout(options.opTimeout())
              .rpcTimeout(Duration.ofMillis(Math.max(500, options.opTimeout().toMillis() / 2))).raftClients(1).build();
          clients.add(c);
          pool.submit(new ChaosClient(i, c, history, keys, nodeIds(cluster), options.seed(),
              out.resolve("local/c" + i), stop::get));
        }
        pool.execute(() -> {
          try {
            nemesis.run(plan, clientsStart, stop::get);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (RuntimeException e) {
            timeline.event("the nemesis stopped: " + e);
          }
        });
        reportProgress(history, clientsStart, stop);
        stop.set(true);
        pool.shutdown();
        if (!pool.awaitTermination(options.opTimeout().toMillis() * 4 + 60_000, TimeUnit.MILLISECONDS)) {
          timeline.event("clients did not stop in time: their operations in flight count as unknown");
        }
      } finally {
        pool.shutdownNow();
        nemesis.healAll();
        clients.forEach(CheckpointClient::close);
        io.ckpt.harness.TempDirs.deleteQuietly(out.resolve("local")); // the clients' stores: volumes of 64 MiB each
      }
      timeline.event("clients stopped; " + nemesis.injected() + " faults injected; healing");

      String convergence = converge(admin, cluster);
      timeline.event("converged: " + convergence);
      Map<String, FinalState> finals = finalReads(admin, history, keys);
      history.close();
      history.write(out.resolve("history.jsonl"));
      List<Op> ops = history.ops();
      List<Report> reports = new ArrayList<>();
      reports.add(new LinearizabilityChecker().withThreads(2).check(ops).report());
      reports.add(StaleReadChecker.check(ops));
      reports.add(AckedWritesChecker.check(ops, finals, RETAIN));
      reports.add(replicasAgree(admin, cluster));
      reports.add(corruptReads(ops));
      reports.add(nodesStayedUp(nemesis.unexpectedExits()));
      ChaosReport report = new ChaosReport(options, ops, plan, timeline.lines(), nemesis.injected(), convergence,
          links.bytesToPort(1), streamRepairs(cluster), reports, Duration.ofNanos(System.nanoTime() - start));
      Files.writeString(out.resolve("summary.txt"), report.text());
      if (report.verdict() != Verdict.PASS) {
        // The nodes' directories go with the cluster: keep their logs for the post-mortem.
        for (String node : nodeIds(cluster)) {
          Files.writeString(out.resolve(node + ".log"), cluster.log(node));
        }
      }
      return report;
    }
  }

  /** Per node, the streamed entries it began to fetch from the other nodes (by the warning in its log). */
  private static Map<String, Integer> streamRepairs(ProcessCluster cluster) {
    Map<String, Integer> repairs = new TreeMap<>();
    for (String node : nodeIds(cluster)) {
      int n = (int) cluster.log(node).lines().filter(l -> l.contains(StreamRepair.FETCHING)).count();
      if (n > 0) {
        repairs.put(node, n);
      }
    }
    return repairs;
  }

  private static List<String> nodeIds(ProcessCluster cluster) {
    return cluster.peers().stream().map(p -> p.id()).toList();
  }

  private void reportProgress(History history, long clientsStart, AtomicBoolean stop) throws InterruptedException {
    long end = clientsStart + options.duration().toNanos();
    long nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < end) {
      Thread.sleep(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
      if (System.nanoTime() >= nextReport) {
        nextReport += TimeUnit.SECONDS.toNanos(30);
        List<Op> ops = history.ops();
        progress.printf("chaos: %ds, %d operations %s%n", (System.nanoTime() - clientsStart) / 1_000_000_000L,
            ops.size(), ChaosReport.counts(ops));
      }
    }
  }

  private static Optional<String> leader(CheckpointClient admin) {
    try {
      return ProcessCluster.leader(admin);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static void awaitLeader(CheckpointClient admin, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (leader(admin).isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no leader within " + timeout);
      }
      Thread.sleep(200);
    }
  }

  /**
   * Waits until every node runs, one leads, and all have applied the same index (a write by the
   * admin client first, so the leader's term has committed something).
   */
  private static String converge(CheckpointClient admin, ProcessCluster cluster) throws InterruptedException {
    long deadline = System.nanoTime() + CONVERGE.toNanos();
    long started = System.nanoTime();
    awaitLeader(admin, CONVERGE);
    while (true) {
      List<NodeStatus> status = admin.status();
      boolean allUp = status.stream().allMatch(NodeStatus::reachable);
      long max = status.stream().mapToLong(NodeStatus::appliedIndex).max().orElse(0);
      long min = status.stream().mapToLong(NodeStatus::appliedIndex).min().orElse(0);
      if (allUp && max == min && leader(admin).isPresent()) {
        return "all " + status.size() + " nodes at index " + max + " after "
            + (System.nanoTime() - started) / 1_000_000 + " ms";
      }
      if (System.nanoTime() > deadline) {
        return "NOT converged after " + CONVERGE + ": " + status;
      }
      Thread.sleep(250);
    }
  }

  /** The last word on every key, read linearizably and recorded in the history too. */
  private static Map<String, FinalState> finalReads(CheckpointClient admin, History history, List<String> keys) {
    Map<String, FinalState> finals = new LinkedHashMap<>();
    for (String key : keys) {
      long id = history.invoke(FINAL_CLIENT, Call.read(key));
      try {
        Segment latest = admin.get(key);
        history.complete(id, Reply.read(latest.info().version(), latest.info().revision(),
            ChaosClient.valueOf(latest.data())).from(latest.info().node()));
        Map<Long, Long> retained = new LinkedHashMap<>();
        for (long v = latest.info().version(); v >= 1; v--) {
          try {
            retained.put(v, ChaosClient.valueOf(admin.get(key, ReadOptions.latest().version(v)).data()));
          } catch (SegmentNotFoundException gone) {
            break;
          }
        }
        finals.put(key, new FinalState(latest.info().version(), retained));
      } catch (SegmentNotFoundException e) {
        history.complete(id, Reply.notFound());
        finals.put(key, FinalState.absent());
      }
    }
    return finals;
  }

  /** Every node's store, once all applied the same revision, must be the same, chunk by chunk. */
  private static Report replicasAgree(CheckpointClient admin, ProcessCluster cluster) throws InterruptedException {
    long deadline = System.nanoTime() + CONVERGE.toNanos();
    List<ReplicaFingerprint> prints = List.of();
    while (System.nanoTime() < deadline) {
      prints = new ArrayList<>();
      try {
        for (String node : nodeIds(cluster)) {
          prints.add(admin.fingerprint(node, true));
        }
      } catch (RuntimeException e) {
        Thread.sleep(500);
        continue;
      }
      List<String> details = prints.stream().map(p -> p.node() + " revision " + p.appliedRevision() + " segments "
          + p.segments() + " versions " + p.versions() + " chunks " + p.chunksVerified() + " digest "
          + p.digest().substring(0, 16) + (p.corruptChunks().isEmpty() ? "" : " CORRUPT " + p.corruptChunks())).toList();
      boolean sameRevision = prints.stream().map(ReplicaFingerprint::appliedRevision).distinct().count() == 1;
      if (!sameRevision) {
        Thread.sleep(250);
        continue;
      }
      boolean same = prints.stream().map(ReplicaFingerprint::digest).distinct().count() == 1;
      boolean intact = prints.stream().allMatch(p -> p.corruptChunks().isEmpty());
      return new Report("replicas", same && intact ? Verdict.PASS : Verdict.FAIL,
          same && intact ? "all " + prints.size() + " stores identical at revision " + prints.get(0).appliedRevision()
              : (same ? "stores agree but chunks are damaged" : "stores DIFFER at the same revision"), details);
    }
    return new Report("replicas", Verdict.FAIL, "nodes never reached the same revision to compare", 
        prints.stream().map(Object::toString).toList());
  }

  /** Faults stop and restart nodes; a node must never end by itself (crash, refusal to start). */
  private static Report nodesStayedUp(List<String> exits) {
    return new Report("nodes", exits.isEmpty() ? Verdict.PASS : Verdict.FAIL,
        exits.isEmpty() ? "no node ended unless a fault stopped it" : exits.size() + " times a node ended on its own",
        exits);
  }

  /** Reads that failed their checksum: the client refused them (good) but a node held bad bytes. */
  private static Report corruptReads(List<Op> ops) {
    List<String> bad = ops.stream().filter(o -> o.error().startsWith("CORRUPT")).map(o -> o.describe(0)).toList();
    return new Report("checksums", bad.isEmpty() ? Verdict.PASS : Verdict.FAIL,
        bad.isEmpty() ? "no read was handed bytes that failed their checksum"
            : bad.size() + " reads met bytes that failed their checksum", bad);
  }
}
