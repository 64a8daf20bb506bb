package io.ckpt.harness.bench;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.SegmentInfo;
import io.ckpt.client.WriteResult;
import io.ckpt.client.local.LocalStore;
import io.ckpt.harness.MiniCluster;
import io.ckpt.harness.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Load time of one large segment: starts a {@link MiniCluster}, writes one segment of
 * {@code --size} bytes (64 MiB by default; the client streams it as 1 MiB chunk entries), then
 * times {@code client.load(name, store)}:
 *
 * <ol>
 *   <li>{@code open}: {@link LocalStore#open} of a new store in a new directory, before the
 *       cluster starts so it is the JVM's first Chronicle Map (code generation, about 2 s;
 *       reported apart from the transfer). A second open at the end shows the warm cost;</li>
 *   <li>{@code load 1}: the first load into that fresh store (cold: its chunk volumes are
 *       created during the load);</li>
 *   <li>{@code load 2..}: further loads of the same version into the same store.</li>
 * </ol>
 *
 * <p>The loaded bytes are read back from the store and compared with what was written.
 *
 * <pre>
 * LoadBenchmark [--size 64m] [--loads 2] [--nodes 3]
 * </pre>
 */
public final class LoadBenchmark {
  private static final String USAGE = "LoadBenchmark [--size BYTES] [--loads N] [--nodes 3]";

  private LoadBenchmark() {}

  public static void main(String[] args) throws Exception {
    BenchArgs a = BenchArgs.parse(args, Set.of("size", "loads", "nodes"), USAGE);
    int size = Math.toIntExact(a.size("size", 64L << 20));
    int loads = a.integer("loads", 2);
    int nodes = a.integer("nodes", 3);
    String name = "bench/load";
    byte[] data = new byte[size];
    new SplittableRandom(42).nextBytes(data);
    double mib = size / (double) (1 << 20);

    Path dir = TempDirs.create("ckpt-bench-local-");
    // Opened before the cluster starts: the first Chronicle Map of this JVM, as in a client
    // process that opens its store at start-up (the nodes' maps would otherwise warm it up).
    long t0 = System.nanoTime();
    LocalStore store = LocalStore.open(dir.resolve("cold"));
    System.out.printf(Locale.ROOT, "open  new LocalStore, first Chronicle Map in this JVM: %.2f s (code generation, not transfer)%n",
        (System.nanoTime() - t0) / 1e9);
    try (store; MiniCluster cluster = MiniCluster.builder().nodes(nodes).start()) {
      cluster.awaitLeader(Duration.ofSeconds(60));
      CheckpointClient client = cluster.client(b -> b.timeout(Duration.ofMinutes(5)));
      t0 = System.nanoTime();
      WriteResult w = client.put(name, data);
      double putS = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "put   %s v%d: %.2f s, %.1f MiB/s%n", BenchArgs.formatSize(size), w.version(),
          putS, mib / putS);
      for (int i = 1; i <= loads; i++) {
        long[] firstByte = {0};
        long start = System.nanoTime();
        SegmentInfo info = client.load(name, store, (done, total) -> {
          if (firstByte[0] == 0) {
            firstByte[0] = System.nanoTime();
          }
        });
        double loadS = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "load %d %s v%d into %s store: %.2f s, %.1f MiB/s (first chunk after %.0f ms)%n",
            i, BenchArgs.formatSize(info.size()), info.version(), i == 1 ? "the fresh" : "the same", loadS,
            mib / loadS, (firstByte[0] - start) / 1e6);
      }
      t0 = System.nanoTime();
      boolean same = Arrays.equals(store.read(name), data);
      System.out.printf(Locale.ROOT, "read  back from the local store: %.2f s, %s%n", (System.nanoTime() - t0) / 1e9,
          same ? "bytes match" : "BYTES DIFFER");
      t0 = System.nanoTime();
      byte[] got = client.get(name).data();
      System.out.printf(Locale.ROOT, "get   (same transfer, into a byte[] instead of a store): %.2f s, %s%n",
          (System.nanoTime() - t0) / 1e9, Arrays.equals(got, data) ? "bytes match" : "BYTES DIFFER");
      t0 = System.nanoTime();
      try (LocalStore again = LocalStore.open(dir.resolve("warm"))) {
        System.out.printf(Locale.ROOT, "open  another new LocalStore, Chronicle classes already generated: %.2f s%n",
            (System.nanoTime() - t0) / 1e9);
      }
    } finally {
      TempDirs.deleteQuietly(dir);
    }
    System.exit(0);
  }
}
