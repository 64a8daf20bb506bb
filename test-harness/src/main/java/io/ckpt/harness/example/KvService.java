package io.ckpt.harness.example;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.CheckpointException;
import io.ckpt.client.CheckpointSession;
import io.ckpt.client.FencedException;
import io.ckpt.client.SegmentInfo;
import io.ckpt.client.TakeOver;
import io.ckpt.client.WriteResult;
import io.ckpt.client.local.LocalStore;
import io.ckpt.client.store.VolumeSpec;
import io.ckpt.client.util.Durations;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * An example stateful service that fails over with guaranteed state: a key-value map
 * ({@link KvState}) updated by a deterministic stream, checkpointed through a
 * {@link CheckpointSession}. An update is acknowledged (in the {@link AckJournal}) only after the
 * checkpoint covering it committed.
 *
 * <pre>
 * KvService --mode primary|standby --peers ID=HOST:PORT,... --store DIR --ack-file FILE
 *           [--name kv/state] [--every 100] [--ttl 5s] [--max-updates N] [--keys 64] [--pad 0]
 *           [--timeout 30s] [--recovered-out FILE]
 * </pre>
 *
 * <ul>
 *   <li>primary: takes over, recovers the state from the local store, then applies updates and
 *       checkpoints every {@code --every} of them. Before each checkpoint it journals
 *       {@code PENDING <seq> <crc32c>}, after it {@code ACK <seq> <crc32c> <version>}.</li>
 *   <li>standby: keeps its local store current ({@code standby()}) and waits for a line
 *       {@code TAKEOVER} on stdin; then takes over, prints
 *       {@code RECOVERED seq= crc= version= fromStandby= took= replay=MATCH|MISMATCH epoch= owner=}
 *       and carries on as primary.</li>
 * </ul>
 *
 * Stdout lines: {@code STARTED}, {@code STANDBY version=<v>} (a standby's local copy changed),
 * {@code PRIMARY ...} or {@code RECOVERED ...}, {@code DONE} (after {@code --max-updates}; the
 * service then keeps its lease until stopped), {@code FENCED ...} (exit code 3), {@code ERROR ...}
 * (exit code 4 for a checkpoint whose outcome is unknown, 1 for bad usage). A line {@code STOP} on
 * stdin closes the session (releasing ownership) and exits 0; end of stdin (the parent died)
 * exits at once.
 */
public final class KvService {
  static final int EXIT_FENCED = 3;
  static final int EXIT_FAILED = 4;
  private static final Set<String> OPTIONS = Set.of("mode", "peers", "name", "store", "ack-file", "every", "ttl",
      "max-updates", "keys", "pad", "timeout", "recovered-out");

  private final Map<String, String> opts;
  private final String name;
  private final String owner;
  private final CountDownLatch takeoverRequested = new CountDownLatch(1);
  private volatile boolean done;
  private CheckpointSession session;

  private KvService(Map<String, String> opts) {
    this.opts = opts;
    this.name = opts.getOrDefault("name", "kv/state");
    this.owner = "kv-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  public static void main(String[] args) {
    Map<String, String> opts;
    try {
      opts = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("KvService: " + e.getMessage());
      System.exit(1);
      return;
    }
    try {
      new KvService(opts).run();
    } catch (Throwable t) {
      t.printStackTrace();
      out("ERROR " + t);
      Runtime.getRuntime().halt(EXIT_FAILED);
    }
  }

  private void run() throws Exception {
    String mode = require("mode");
    if (!mode.equals("primary") && !mode.equals("standby")) {
      throw new IllegalArgumentException("--mode must be primary or standby");
    }
    int every = Integer.parseInt(opts.getOrDefault("every", "100"));
    long maxUpdates = Long.parseLong(opts.getOrDefault("max-updates", "-1"));
    Duration ttl = Durations.parse(opts.getOrDefault("ttl", "5s"));
    Duration timeout = Durations.parse(opts.getOrDefault("timeout", "30s"));
    int keys = Integer.parseInt(opts.getOrDefault("keys", "64"));
    int pad = Integer.parseInt(opts.getOrDefault("pad", "0"));
    Path storeDir = Path.of(require("store"));
    Path ackFile = Path.of(require("ack-file"));

    CheckpointClient client = CheckpointClient.builder().peers(require("peers")).timeout(timeout).build();
    LocalStore store = LocalStore.open(storeDir, VolumeSpec.small(), 1024);
    session = CheckpointSession.builder(client, name, store).owner(owner).ttl(ttl)
        .onFenced(this::fencedByRenewal).build();
    out("STARTED owner=" + owner + " pid=" + ProcessHandle.current().pid() + " mode=" + mode);
    Thread stdin = new Thread(this::readStdin, "kv-stdin");
    stdin.setDaemon(true);
    stdin.start();

    boolean standby = mode.equals("standby");
    if (standby) {
      session.standby();
      ScheduledExecutorService monitor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kv-standby-monitor");
        t.setDaemon(true);
        return t;
      });
      long[] shown = {-1};
      monitor.scheduleWithFixedDelay(() -> {
        long v = store.info(name).map(SegmentInfo::version).orElse(0L);
        if (v != shown[0]) {
          shown[0] = v;
          out("STANDBY version=" + v);
        }
      }, 0, 100, TimeUnit.MILLISECONDS);
      takeoverRequested.await();
      monitor.shutdownNow();
      monitor.awaitTermination(10, TimeUnit.SECONDS);
    }

    log("taking over " + name);
    TakeOver t = session.takeOver();
    log("took over " + name + " in " + t.took().toMillis() + " ms");
    KvState state;
    int crc;
    long version = t.state().map(SegmentInfo::version).orElse(0L);
    boolean match;
    if (t.state().isPresent()) {
      byte[] bytes = store.read(name);
      crc = KvState.crc32c(bytes);
      if (crc != t.state().get().crc32c()) {
        throw new IllegalStateException("local copy of " + name + " has CRC32C " + KvState.hex(crc) + " but version "
            + version + " has " + t.state().get().crc32cHex());
      }
      state = KvState.fromBytes(bytes);
      match = KvState.replayMatches(bytes);
      if (opts.containsKey("recovered-out")) {
        Files.write(Path.of(opts.get("recovered-out")), bytes);
      }
    } else {
      state = new KvState(keys, pad);
      byte[] bytes = state.toBytes();
      crc = KvState.crc32c(bytes);
      match = true;
      if (opts.containsKey("recovered-out")) {
        Files.write(Path.of(opts.get("recovered-out")), bytes);
      }
    }
    out((standby ? "RECOVERED" : "PRIMARY") + " seq=" + state.seq() + " crc=" + KvState.hex(crc) + " version=" + version
        + " fromStandby=" + t.fromStandby() + " took=" + t.took().toMillis() + " replay=" + (match ? "MATCH" : "MISMATCH")
        + " epoch=" + t.lease().epoch() + " owner=" + owner);

    try (AckJournal journal = AckJournal.open(ackFile)) {
      journal.recovered(state.seq(), crc, version);
      if (!match) {
        out("ERROR the recovered state is not the replay of updates 1.." + state.seq());
        Runtime.getRuntime().halt(EXIT_FAILED);
      }
      long applied = 0;
      long sinceCheckpoint = 0;
      while (maxUpdates < 0 || applied < maxUpdates) {
        state.applyNext();
        applied++;
        if (++sinceCheckpoint >= every || applied == maxUpdates) {
          checkpoint(state, journal);
          sinceCheckpoint = 0;
        }
      }
      done = true;
      out("DONE seq=" + state.seq() + " applied=" + applied);
      if (session.isFenced()) {
        fenced(null, state.seq());
      }
      new CountDownLatch(1).await(); // keep the lease until STOP, end of stdin or a kill
    }
  }

  private void checkpoint(KvState state, AckJournal journal) {
    byte[] bytes = state.toBytes();
    int crc = KvState.crc32c(bytes);
    journal.pending(state.seq(), crc);
    WriteResult r;
    try {
      r = session.checkpoint(bytes);
    } catch (FencedException e) {
      fenced(e, state.seq());
      return;
    } catch (CheckpointException e) {
      // The outcome is unknown (it may have committed): not acknowledged; a successor resolves it.
      out("ERROR checkpoint of seq " + state.seq() + " failed: " + e);
      Runtime.getRuntime().halt(EXIT_FAILED);
      return;
    }
    if (r.crc32c() != crc) {
      out("ERROR the cluster committed CRC32C " + r.crc32cHex() + " for bytes with " + KvState.hex(crc));
      Runtime.getRuntime().halt(EXIT_FAILED);
    }
    journal.ack(state.seq(), crc, r.version());
  }

  private void fenced(FencedException e, long seq) {
    out("FENCED seq=" + seq + (e == null ? " by=lease-renewal"
        : " currentEpoch=" + e.currentEpoch() + " currentOwner=" + e.currentOwner() + " message=" + e.getMessage()));
    Runtime.getRuntime().halt(EXIT_FENCED);
  }

  /** Renewal found the lease gone. While updating, the next checkpoint reports it; when done, report here. */
  private void fencedByRenewal() {
    log("lease renewal: " + owner + " was fenced");
    if (done) {
      fenced(null, -1);
    }
  }

  private void readStdin() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        switch (line.trim()) {
          case "TAKEOVER" -> takeoverRequested.countDown();
          case "STOP" -> {
            out("STOPPING");
            CheckpointSession s = session;
            if (s != null && !s.isFenced()) {
              s.close();
            }
            Runtime.getRuntime().halt(0);
          }
          default -> System.err.println("ignored input line: " + line);
        }
      }
    } catch (Exception e) {
      System.err.println("stdin: " + e);
    }
    Runtime.getRuntime().halt(0); // the parent is gone
  }

  private String require(String key) {
    String v = opts.get(key);
    if (v == null) {
      throw new IllegalArgumentException("--" + key + " is required");
    }
    return v;
  }

  /** A timestamped diagnostic line on stderr. */
  static void log(String line) {
    System.err.println(java.time.LocalTime.now() + " KvService - " + line);
  }

  static synchronized void out(String line) {
    System.out.println(line);
    System.out.flush();
  }

  static Map<String, String> parse(String[] args) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --option value, got " + args[i]);
      }
      String key = args[i].substring(2);
      if (!OPTIONS.contains(key)) {
        throw new IllegalArgumentException("unknown option --" + key);
      }
      m.put(key, args[++i]);
    }
    return m;
  }

  static Optional<String> field(String line, String key) {
    for (String token : line.split(" ")) {
      if (token.startsWith(key + "=")) {
        return Optional.of(token.substring(key.length() + 1));
      }
    }
    return Optional.empty();
  }
}
