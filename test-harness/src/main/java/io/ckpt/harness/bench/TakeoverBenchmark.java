package io.ckpt.harness.bench;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.CheckpointSession;
import io.ckpt.client.TakeOver;
import io.ckpt.client.local.LocalStore;
import io.ckpt.harness.MiniCluster;
import io.ckpt.harness.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Takeover time of one large segment, cold and warm: a primary session checkpoints a segment of
 * {@code --size} bytes (64 MiB by default); then
 *
 * <ul>
 *   <li>cold: a new session with an empty local store takes over: acquire (fences the primary),
 *       then load the whole version;</li>
 *   <li>warm: a session that ran {@code standby()} (its local store already holds the version)
 *       takes over: acquire, and check that its copy is current.</li>
 * </ul>
 *
 * Opening a local store is not part of a takeover (a service opens it at start-up) and is
 * reported apart. Each kind runs {@code --rounds} times on a {@link MiniCluster}. The cold
 * kind under concurrent load is also a workload of {@code ckpt bench} ({@code --workloads
 * takeover}); the warm kind is measured here only.
 *
 * <pre>
 * TakeoverBenchmark [--size 64m] [--rounds 3] [--nodes 3]
 * </pre>
 */
public final class TakeoverBenchmark {
  private static final String USAGE = "TakeoverBenchmark [--size BYTES] [--rounds N] [--nodes 3]";

  private TakeoverBenchmark() {}

  public static void main(String[] args) throws Exception {
    BenchArgs a = BenchArgs.parse(args, Set.of("size", "rounds", "nodes"), USAGE);
    int size = Math.toIntExact(a.size("size", 64L << 20));
    int rounds = a.integer("rounds", 3);
    String name = "bench/takeover";
    byte[] data = new byte[size];
    new SplittableRandom(7).nextBytes(data);
    Path dir = TempDirs.create("ckpt-bench-takeover-");
    try (MiniCluster cluster = MiniCluster.builder().nodes(a.integer("nodes", 3)).start()) {
      cluster.awaitLeader(Duration.ofSeconds(60));
      CheckpointClient client = cluster.client(b -> b.timeout(Duration.ofMinutes(5)));
      for (int round = 1; round <= rounds; round++) {
        try (LocalStore primaryStore = LocalStore.open(dir.resolve("p" + round));
            CheckpointSession primary = CheckpointSession.builder(client, name, primaryStore).build()) {
          primary.takeOver();
          primary.checkpoint(data);
          long t0 = System.nanoTime();
          LocalStore coldStore = LocalStore.open(dir.resolve("cold" + round));
          double openS = (System.nanoTime() - t0) / 1e9;
          try (coldStore; CheckpointSession cold = CheckpointSession.builder(client, name, coldStore).build()) {
            TakeOver t = cold.takeOver();
            report("cold", round, t, openS, size);
            cold.checkpoint(data);
            try (LocalStore warmStore = LocalStore.open(dir.resolve("warm" + round));
                CheckpointSession warm = CheckpointSession.builder(client, name, warmStore).build()) {
              warm.standby();
              long version = client.info(name).version();
              while (warmStore.info(name).map(v -> v.version() != version).orElse(true)) {
                Thread.sleep(20);
              }
              report("warm", round, warm.takeOver(), 0, size);
            }
          }
        }
      }
    } finally {
      TempDirs.deleteQuietly(dir);
    }
    System.exit(0);
  }

  private static void report(String kind, int round, TakeOver t, double openS, int size) {
    System.out.printf(Locale.ROOT, "RESULT %s round=%d size=%s takeover=%d ms fromStandby=%s epoch=%d version=%d%s%n",
        kind, round, BenchArgs.formatSize(size), t.took().toMillis(), t.fromStandby(), t.lease().epoch(),
        t.state().map(v -> v.version()).orElse(0L), openS > 0 ? String.format(Locale.ROOT, " (store open %.2f s apart)", openS) : "");
  }
}
