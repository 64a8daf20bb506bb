package io.ckpt.harness.bench;

import io.ckpt.client.CheckpointClient;
import io.ckpt.harness.MiniCluster;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * Write throughput and latency: starts a {@link MiniCluster} (3 nodes in this JVM, loopback
 * gRPC, fsync on), then N writer threads each do sequential {@code client.put(bench/w<i>,
 * payload)} of a fixed size, each on its own segment name, for a warm-up and then a measured
 * window. Every write that completes inside the window is counted and its latency (call to
 * return, i.e. committed on a quorum and applied) recorded in an HdrHistogram.
 *
 * <pre>
 * WriteBenchmark --size 64k --writers 16 --warmup 10 --duration 20 [--nodes 3]
 *                [--clients shared|per-writer] [--raft-clients K]
 * </pre>
 *
 * <p>{@code --clients shared} (default): all writers share one {@link CheckpointClient};
 * {@code per-writer}: each writer has its own. {@code --raft-clients} sets the Ratis clients per
 * CheckpointClient (default: the client's default). Prints throughput every 5 s on stderr and
 * one {@code RESULT} line on stdout.
 */
public final class WriteBenchmark {
  private static final String USAGE = "WriteBenchmark --size BYTES --writers N --warmup SECONDS --duration SECONDS"
      + " [--nodes 3] [--clients shared|per-writer] [--raft-clients K]";

  private WriteBenchmark() {}

  public static void main(String[] args) throws Exception {
    BenchArgs a = BenchArgs.parse(args,
        Set.of("size", "writers", "warmup", "duration", "nodes", "clients", "raft-clients"), USAGE);
    int size = Math.toIntExact(a.size("size", 1024));
    int writers = a.integer("writers", 1);
    int warmupS = a.integer("warmup", 10);
    int durationS = a.integer("duration", 20);
    int nodes = a.integer("nodes", 3);
    String mode = a.string("clients", "shared");
    int raftClients = a.integer("raft-clients", 0);
    if (!mode.equals("shared") && !mode.equals("per-writer")) {
      throw new IllegalArgumentException("--clients must be shared or per-writer");
    }
    try (MiniCluster cluster = MiniCluster.builder().nodes(nodes).start()) {
      String leader = cluster.awaitLeader(Duration.ofSeconds(60));
      List<CheckpointClient> clients = new ArrayList<>();
      for (int i = 0; i < (mode.equals("shared") ? 1 : writers); i++) {
        clients.add(cluster.client(b -> raftClients > 0 ? b.raftClients(raftClients) : b));
      }
      run(cluster, clients, leader, size, writers, warmupS, durationS, mode, raftClients);
    }
    System.exit(0);
  }

  private static void run(MiniCluster cluster, List<CheckpointClient> clients, String leader, int size, int writers,
      int warmupS, int durationS, String mode, int raftClients) throws InterruptedException {
    long begin = System.nanoTime();
    long measureStart = begin + warmupS * 1_000_000_000L;
    long measureEnd = measureStart + durationS * 1_000_000_000L;
    LongAdder completed = new LongAdder();
    AtomicReference<Throwable> firstError = new AtomicReference<>();
    List<Writer> ws = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      Writer w = new Writer(clients.get(i % clients.size()), "bench/w" + i, size, measureStart, measureEnd,
          completed, firstError);
      ws.add(w);
      w.start();
    }
    CpuMeter meter = null;
    long lastCount = 0;
    long lastT = begin;
    boolean inWindow = false;
    while (System.nanoTime() < measureEnd) {
      long now = System.nanoTime();
      if (!inWindow && now >= measureStart) {
        inWindow = true;
        meter = CpuMeter.start();
      }
      long next = Math.min(lastT + 5_000_000_000L, inWindow ? measureEnd : measureStart);
      Thread.sleep(Math.max(1, (next - now) / 1_000_000));
      long t = System.nanoTime();
      long c = completed.sum();
      if (t - lastT < 1_000_000_000L) {
        continue;
      }
      System.err.printf(Locale.ROOT, "[%5.1fs] %s %.0f ops/s%n", (t - begin) / 1e9,
          t <= measureStart + 1_000_000 ? "warm-up " : "measured", (c - lastCount) / ((t - lastT) / 1e9));
      lastCount = c;
      lastT = t;
    }
    CpuMeter.Usage use = meter.stop();
    Histogram h = new Histogram(3);
    long ops = 0;
    long errors = 0;
    for (Writer w : ws) {
      w.stop = true;
    }
    for (Writer w : ws) {
      w.join(60_000);
      h.add(w.latencyMicros);
      ops += w.ops;
      errors += w.errors;
    }
    double opsPerSec = ops / (double) durationS;
    String leaderAfter = cluster.leader().orElse("none");
    System.out.printf(Locale.ROOT, "RESULT size=%s writers=%d clients=%s raft-clients=%s nodes=%d ops/s=%.1f MiB/s=%.2f"
            + " p50=%.2fms p99=%.2fms p99.9=%.2fms max=%.2fms errors=%d window=%ds cpu=%.0f%% machine-cpu=%.0f%% gc=%dms leader=%s->%s%n",
        BenchArgs.formatSize(size), writers, mode, raftClients > 0 ? Integer.toString(raftClients) : "default",
        cluster.runningIds().size(), opsPerSec, opsPerSec * size / (1 << 20),
        ms(h, 50), ms(h, 99), ms(h, 99.9), h.getMaxValue() / 1000.0, errors, durationS, use.processPercent(), use.machinePercent(), use.gcMillis(),
        leader, leaderAfter);
    if (firstError.get() != null) {
      System.out.println("first error: " + firstError.get());
    }
  }

  private static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
  }

  /** One sequential writer; records the writes that complete inside the measured window. */
  private static final class Writer extends Thread {
    private final CheckpointClient client;
    private final String name;
    private final byte[] payload;
    private final long measureStart;
    private final long measureEnd;
    private final LongAdder completed;
    private final AtomicReference<Throwable> firstError;
    final Histogram latencyMicros = new Histogram(3);
    volatile boolean stop;
    long ops;
    long errors;

    Writer(CheckpointClient client, String name, int size, long measureStart, long measureEnd, LongAdder completed,
        AtomicReference<Throwable> firstError) {
      super("bench-" + name.replace('/', '-'));
      this.client = client;
      this.name = name;
      this.payload = new byte[size];
      new SplittableRandom(name.hashCode()).nextBytes(payload);
      this.measureStart = measureStart;
      this.measureEnd = measureEnd;
      this.completed = completed;
      this.firstError = firstError;
      setDaemon(true);
    }

    @Override
    public void run() {
      long seq = 0;
      while (!stop) {
        if (payload.length >= 8) {
          ByteBuffer.wrap(payload).putLong(0, seq++); // every version differs
        }
        long t0 = System.nanoTime();
        boolean ok = true;
        try {
          client.put(name, payload);
        } catch (RuntimeException e) {
          ok = false;
          firstError.compareAndSet(null, e);
        }
        long t1 = System.nanoTime();
        completed.increment();
        if (t1 >= measureStart && t1 <= measureEnd) {
          if (ok) {
            ops++;
            latencyMicros.recordValue(Math.max(1, (t1 - t0) / 1000));
          } else {
            errors++;
          }
        }
      }
    }
  }
}
