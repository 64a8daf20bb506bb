package io.ckpt.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.ReadOptions;
import io.ckpt.client.Segment;
import io.ckpt.client.SegmentDescription;
import io.ckpt.client.SegmentInfo;
import io.ckpt.harness.example.AckJournal;
import io.ckpt.harness.example.KvProcess;
import io.ckpt.harness.example.KvState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Takeover with guaranteed state, with real processes and real kills: a 3-node cluster of
 * {@code ckpt server} processes, and the example {@code KvService} as separate primary and
 * standby JVMs. The primary acknowledges an update (in its fsync'd ack journal) only after the
 * checkpoint covering it committed; a successor must recover exactly the last acknowledged state
 * (or the one checkpoint sent after it, if that committed before the primary died), byte for byte.
 */
class TakeoverProcessTest {
  static final String NAME = "kv/state";
  static final int KEYS = 64;
  /** Bytes of padding in every state (-Dtakeover.pad=1500000 makes each checkpoint a chunked upload). */
  static final int PAD = Integer.getInteger("takeover.pad", 0);
  /** JVM start, local store open (Chronicle code generation) and first load, on 2 busy cores. */
  static final Duration START = Duration.ofSeconds(90);
  static final Duration TAKEOVER = Duration.ofSeconds(90);

  private Path dir;
  private ProcessCluster cluster;
  private CheckpointClient client;
  private final List<KvProcess> services = new ArrayList<>();

  @BeforeEach
  void startCluster() {
    dir = TempDirs.create("ckpt-takeover-");
    cluster = ProcessCluster.start(3, "-Xmx256m");
    client = CheckpointClient.builder().peers(cluster.peersSpec()).timeout(Duration.ofSeconds(60)).build();
    Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> ProcessCluster.leader(client).isPresent());
  }

  @AfterEach
  void stopEverything() {
    for (KvProcess p : services) {
      p.close();
    }
    if (client != null) {
      client.close();
    }
    if (cluster != null) {
      if (Boolean.getBoolean("takeover.keep")) {
        for (io.ckpt.client.PeerAddress peer : cluster.peers()) {
          try {
            Files.writeString(dir.resolve(peer.id() + ".log"), cluster.log(peer.id()));
          } catch (java.io.IOException e) {
            log("could not keep the log of %s: %s", peer.id(), e);
          }
        }
      }
      cluster.close();
    }
    if (Boolean.getBoolean("takeover.keep")) {
      log("kept %s", dir);
    } else {
      TempDirs.deleteQuietly(dir);
    }
  }

  private KvProcess service(String label, String mode, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--keys", Integer.toString(KEYS), "--pad", Integer.toString(PAD)));
    KvProcess p = KvProcess.start(label, dir.resolve(label), cluster.peersSpec(), mode, all.toArray(String[]::new));
    services.add(p);
    return p;
  }

  private static void log(String format, Object... args) {
    System.out.println(java.time.LocalTime.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS) + " [takeover] "
        + String.format(Locale.ROOT, format, args));
  }

  /** A parsed {@code RECOVERED} (or {@code PRIMARY}) line. */
  record Recovered(long seq, int crc, long version, boolean fromStandby, long tookMs, String replay, long epoch,
      String owner, String line) {
    static Recovered parse(String line) {
      return new Recovered(KvProcess.longField(line, "seq"),
          Integer.parseUnsignedInt(KvProcess.field(line, "crc").orElseThrow(), 16),
          KvProcess.longField(line, "version"), Boolean.parseBoolean(KvProcess.field(line, "fromStandby").orElseThrow()),
          KvProcess.longField(line, "took"), KvProcess.field(line, "replay").orElseThrow(),
          KvProcess.longField(line, "epoch"), KvProcess.field(line, "owner").orElseThrow(), line);
    }
  }

  /**
   * The successor's state is what the dead (or frozen) primary acknowledged last, or the
   * checkpoint it sent after that; and the bytes it recovered are the replay of 1..seq.
   */
  private static AckJournal.Acknowledged assertRecoveredAcknowledgedState(KvProcess dead, Recovered r,
      Optional<Path> recoveredBytes) throws Exception {
    List<AckJournal.Entry> journal = AckJournal.read(dead.ackFile());
    AckJournal.Acknowledged ack = AckJournal.acknowledged(journal);
    String tail = journal.subList(Math.max(0, journal.size() - 6), journal.size()).stream()
        .map(AckJournal.Entry::toString).collect(Collectors.joining("\n  "));
    assertThat(r.replay()).as("replay check of %s", r.line()).isEqualTo("MATCH");
    assertThat(ack.allows(r.seq(), r.crc()))
        .as("recovered %s; %s's journal: %s; its tail:%n  %s", r.line(), dead.label(), ack, tail).isTrue();
    AckJournal.Entry last = ack.lastAck().orElseThrow();
    if (last.seq() == r.seq()) {
      if (!last.recovered() || last.version() > 0) {
        assertThat(r.version()).as("version of the last ACK").isEqualTo(last.version());
      }
    } else {
      assertThat(r.version()).as("a committed PENDING is newer than the last ACK").isGreaterThan(last.version());
    }
    if (recoveredBytes.isPresent()) {
      byte[] expected = KvState.replay(KEYS, PAD, r.seq()).toBytes();
      byte[] actual = Files.readAllBytes(recoveredBytes.get());
      assertThat(actual).as("recovered bytes of seq %d", r.seq()).isEqualTo(expected);
      assertThat(KvState.crc32c(expected)).isEqualTo(r.crc());
    }
    return ack;
  }

  /** When the cluster refused the write (not the session's own flag), it named the successor's epoch. */
  private static void assertFencedBy(String fencedLine, Recovered successor) {
    Optional<String> epoch = KvProcess.field(fencedLine, "currentEpoch");
    if (epoch.isPresent() && !epoch.get().equals("-1")) {
      assertThat(Long.parseLong(epoch.get())).as(fencedLine).isEqualTo(successor.epoch());
      assertThat(KvProcess.field(fencedLine, "currentOwner")).as(fencedLine).contains(successor.owner());
    }
  }

  @Test
  void killDashNineThePrimaryTwentyTimes() throws Exception {
    long seed = Long.getLong("takeover.seed", System.nanoTime());
    int iterations = Integer.getInteger("takeover.iterations", 20);
    log("seed %d (rerun with -Dtakeover.seed=%d), %d iterations", seed, seed, iterations);
    Random random = new Random(seed);
    long testStart = System.nanoTime();

    KvProcess primary = service("p0", "primary", "--every", "20");
    Recovered first = Recovered.parse(primary.awaitLine("PRIMARY", START));
    log("p0 started fresh: %s", first.line());
    long lastVersion = first.version();
    int ackedOutcomes = 0;
    int pendingOutcomes = 0;
    int fromStandby = 0;
    List<Long> tookMs = new ArrayList<>();
    for (int i = 1; i <= iterations; i++) {
      long iterationStart = System.nanoTime();
      String label = "s" + i;
      Path recoveredOut = dir.resolve(label + ".recovered");
      KvProcess standby = service(label, "standby", "--every", "20", "--recovered-out", recoveredOut.toString());
      // Caught up, and the primary made progress since it took over.
      long after = lastVersion;
      String caughtUp = standby.awaitLine(l -> l.startsWith("STANDBY version=")
          && KvProcess.longField(l, "version") > after, START);
      long delayMs = 300 + random.nextInt(1701);
      Thread.sleep(delayMs); // the deliberate random kill timing
      primary.kill();
      standby.send("TAKEOVER");
      Recovered r = Recovered.parse(standby.awaitLine("RECOVERED", TAKEOVER));
      AckJournal.Acknowledged ack = assertRecoveredAcknowledgedState(primary, r, Optional.of(recoveredOut));
      boolean acked = ack.lastAck().get().seq() == r.seq();
      if (acked) {
        ackedOutcomes++;
      } else {
        pendingOutcomes++;
      }
      fromStandby += r.fromStandby() ? 1 : 0;
      tookMs.add(r.tookMs());
      log("iteration %2d: standby %s (%s), SIGKILL %s after %4d ms; recovered seq=%d version=%d (%s) fromStandby=%s "
              + "took=%d ms; iteration %.1f s", i, label, caughtUp, primary.label(), delayMs, r.seq(), r.version(),
          acked ? "= last ACK" : "= committed PENDING after the last ACK", r.fromStandby(), r.tookMs(),
          (System.nanoTime() - iterationStart) / 1e9);
      TempDirs.deleteQuietly(primary.storeDir());
      primary = standby;
      lastVersion = r.version();
    }
    primary.kill();
    log("%d iterations in %.1f s: %d recovered the last ACK, %d a committed PENDING; %d from the standby copy; "
            + "takeover ms %s", iterations, (System.nanoTime() - testStart) / 1e9, ackedOutcomes, pendingOutcomes,
        fromStandby, tookMs);
  }

  @Test
  void frozenPrimaryIsFencedAfterResuming() throws Exception {
    // A long lease: the takeover itself must fence the frozen primary, not a lease expiry.
    KvProcess primary = service("p", "primary", "--every", "20", "--ttl", "60s");
    Recovered p = Recovered.parse(primary.awaitLine("PRIMARY", START));
    KvProcess standby = service("s", "standby", "--every", "20", "--max-updates", "100");
    standby.awaitLine(l -> l.startsWith("STANDBY version=") && KvProcess.longField(l, "version") > 0, START);

    ProcessCluster.signal(primary.pid(), "STOP");
    log("froze %s (pid %d, epoch %d)", primary.label(), primary.pid(), p.epoch());
    standby.send("TAKEOVER");
    Recovered r = Recovered.parse(standby.awaitLine("RECOVERED", TAKEOVER));
    log("successor: %s", r.line());
    assertThat(r.epoch()).isGreaterThan(p.epoch());
    assertRecoveredAcknowledgedState(primary, r, Optional.empty());
    String done = standby.awaitLine("DONE", TAKEOVER);
    List<AckJournal.Entry> successorAcks = AckJournal.read(standby.ackFile()).stream()
        .filter(e -> e.isAck() && !e.recovered()).toList();
    assertThat(successorAcks).as("the successor's checkpoints (%s)", done).hasSize(5);
    AckJournal.Entry newest = successorAcks.get(successorAcks.size() - 1);
    assertThat(newest.seq()).isEqualTo(r.seq() + 100);

    SegmentDescription before = client.describe(NAME);
    Segment bytesBefore = client.get(NAME);
    assertThat(before.owner()).isEqualTo(r.owner());
    assertThat(before.epoch()).isEqualTo(r.epoch());
    assertThat(before.latest().orElseThrow().version()).isEqualTo(newest.version());
    assertThat(before.latest().orElseThrow().crc32c()).isEqualTo(newest.crc());
    assertThat(bytesBefore.data()).isEqualTo(KvState.replay(KEYS, PAD, newest.seq()).toBytes());

    ProcessCluster.signal(primary.pid(), "CONT");
    log("resumed %s", primary.label());
    Optional<Integer> exit = primary.awaitExit(TAKEOVER);
    assertThat(exit).as("the old primary exits; output: %s", primary.lines()).contains(3);
    String fenced = primary.awaitLine("FENCED", Duration.ofSeconds(5));
    log("old primary: %s", fenced);
    assertFencedBy(fenced, r);

    SegmentDescription after = client.describe(NAME);
    assertThat(after.owner()).isEqualTo(r.owner());
    assertThat(after.epoch()).isEqualTo(r.epoch());
    assertThat(after.latest().orElseThrow().version()).isEqualTo(newest.version());
    assertThat(after.latest().orElseThrow().crc32c()).isEqualTo(newest.crc());
    assertThat(client.get(NAME).data()).isEqualTo(bytesBefore.data());
    // Every retained version after the takeover point is one the successor acknowledged.
    Map<Long, Integer> successorVersions = new TreeMap<>();
    successorAcks.forEach(e -> successorVersions.put(e.version(), e.crc()));
    for (long v : after.retainedVersions()) {
      if (v > r.version()) {
        SegmentInfo info = client.info(NAME, ReadOptions.latest().version(v));
        assertThat(successorVersions).as("version %d", v).containsEntry(v, info.crc32c());
      }
    }
    // The old primary acknowledged nothing beyond what the successor recovered.
    for (AckJournal.Entry e : AckJournal.read(primary.ackFile())) {
      if (e.isAck()) {
        assertThat(e.version()).as("old primary's %s", e).isLessThanOrEqualTo(r.version());
        assertThat(e.seq()).as("old primary's %s", e).isLessThanOrEqualTo(r.seq());
      }
    }
  }

  @Test
  void leaderKilledDuringTakeover() throws Exception {
    KvProcess primary = service("p", "primary", "--every", "20");
    Recovered p = Recovered.parse(primary.awaitLine("PRIMARY", START));
    KvProcess standby = service("s", "standby", "--every", "20");
    standby.awaitLine(l -> l.startsWith("STANDBY version=") && KvProcess.longField(l, "version") > 0, START);
    String leader = Awaitility.await().atMost(Duration.ofSeconds(60))
        .until(() -> ProcessCluster.leader(client), Optional::isPresent).orElseThrow();

    standby.send("TAKEOVER");
    cluster.kill(leader);
    log("sent TAKEOVER and killed the leader %s", leader);
    Recovered r = Recovered.parse(standby.awaitLine("RECOVERED", TAKEOVER));
    log("successor: %s", r.line());
    assertThat(r.replay()).isEqualTo("MATCH");
    assertThat(r.epoch()).as("one new epoch: the successor's").isEqualTo(p.epoch() + 1);

    Optional<Integer> exit = primary.awaitExit(TAKEOVER);
    assertThat(exit).as("the old primary exits; output: %s", primary.lines()).contains(3);
    String fenced = primary.awaitLine("FENCED", Duration.ofSeconds(5));
    log("old primary: %s", fenced);
    assertFencedBy(fenced, r);
    assertRecoveredAcknowledgedState(primary, r, Optional.empty());

    // The successor carries on, and stays the one owner.
    Awaitility.await().atMost(TAKEOVER).until(() -> AckJournal.read(standby.ackFile()).stream()
        .anyMatch(e -> e.isAck() && !e.recovered() && e.version() > r.version()));
    SegmentDescription d = client.describe(NAME);
    assertThat(d.owner()).isEqualTo(r.owner());
    assertThat(d.epoch()).isEqualTo(r.epoch());
    assertThat(d.latest().orElseThrow().version()).isGreaterThan(r.version());
  }
}
