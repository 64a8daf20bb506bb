package io.ckpt.harness.check;

import io.ckpt.harness.history.Op;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Checks that a history is linearizable, key by key (linearizability is compositional, so each
 * key is searched alone; see {@link KeySearch} for the search).
 *
 * <p>FAIL ops are dropped (they never took effect). UNKNOWN ops may take effect at any time after
 * their invocation, or never. Each key gets a budget of search steps and of time; a key that
 * runs out is UNKNOWN rather than a hang, unless two of its ops alone prove it not linearizable
 * ({@link RealTimeWitness}). Instances are immutable and thread-safe.
 */
public final class LinearizabilityChecker {
  /** Default step budget per key. */
  public static final long DEFAULT_MAX_STEPS = 50_000_000;

  /** Default time budget per key. */
  public static final Duration DEFAULT_TIME_PER_KEY = Duration.ofSeconds(60);

  private final Model<?> model;
  private final long maxSteps;
  private final Duration timePerKey;
  private final int threads;
  private final int memoCapacity;

  /** Checks against {@link RegisterModel} with the default budgets, on up to 2 threads. */
  public LinearizabilityChecker() {
    this(new RegisterModel());
  }

  /** Checks against {@code model} with the default budgets, on up to 2 threads. */
  public LinearizabilityChecker(Model<?> model) {
    this(model, DEFAULT_MAX_STEPS, DEFAULT_TIME_PER_KEY,
        Math.min(2, Runtime.getRuntime().availableProcessors()), 0);
  }

  private LinearizabilityChecker(Model<?> model, long maxSteps, Duration timePerKey,
      int threads, int memoCapacity) {
    if (maxSteps <= 0 || threads <= 0 || timePerKey.isNegative() || timePerKey.isZero()
        || memoCapacity < 0) {
      throw new IllegalArgumentException("budgets and threads must be positive");
    }
    this.model = model;
    this.maxSteps = maxSteps;
    this.timePerKey = timePerKey;
    this.threads = threads;
    this.memoCapacity = memoCapacity;
  }

  /** A checker that gives up on a key after {@code steps} search steps. */
  public LinearizabilityChecker withMaxSteps(long steps) {
    return new LinearizabilityChecker(model, steps, timePerKey, threads, memoCapacity);
  }

  /** A checker that gives up on a key after {@code time}. */
  public LinearizabilityChecker withTimePerKey(Duration time) {
    return new LinearizabilityChecker(model, maxSteps, time, threads, memoCapacity);
  }

  /** A checker that searches up to {@code n} keys at once. */
  public LinearizabilityChecker withThreads(int n) {
    return new LinearizabilityChecker(model, maxSteps, timePerKey, n, memoCapacity);
  }

  /**
   * A checker that remembers up to {@code configurations} search configurations per key
   * (0, the default: as many as a quarter of the maximum heap holds, at about 400 bytes each,
   * shared among the threads). Fewer only costs time.
   */
  public LinearizabilityChecker withMemoCapacity(int configurations) {
    return new LinearizabilityChecker(model, maxSteps, timePerKey, threads, configurations);
  }

  private int memoCapacity() {
    if (memoCapacity > 0) {
      return memoCapacity;
    }
    long fit = Runtime.getRuntime().maxMemory() / 4 / 400 / threads;
    return (int) Math.max(10_000, Math.min(10_000_000, fit));
  }

  /** Checks every key of {@code history}. */
  public LinearizabilityResult check(List<Op> history) {
    long start = System.nanoTime();
    long base = history.stream().mapToLong(Op::invokeNanos).min().orElse(0);
    Map<String, List<Op>> byKey = new TreeMap<>();
    for (Op op : history) {
      if (op.outcome() != Op.Outcome.FAIL) {
        byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
      }
    }
    List<KeyResult> results = new ArrayList<>();
    if (threads == 1 || byKey.size() <= 1) {
      byKey.forEach((key, ops) -> results.add(checkKey(model, key, ops, base)));
    } else {
      ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, byKey.size()), r -> {
        Thread t = new Thread(r, "linearizability-check");
        t.setDaemon(true);
        return t;
      });
      try {
        List<Future<KeyResult>> futures = new ArrayList<>();
        byKey.forEach((key, ops) ->
            futures.add(pool.submit(() -> checkKey(model, key, ops, base))));
        for (Future<KeyResult> f : futures) {
          results.add(f.get());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while checking", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("checker failed", e.getCause());
      } finally {
        pool.shutdownNow();
      }
    }
    return new LinearizabilityResult(results, (System.nanoTime() - start) / 1_000_000);
  }

  private <S> KeyResult checkKey(Model<S> m, String key, List<Op> keyOps, long base) {
    long start = System.nanoTime();
    Map<Long, Op> originals = new HashMap<>();
    for (Op op : keyOps) {
      originals.put(op.id(), op);
    }
    KeySearch<S> search = new KeySearch<>(m, m.prepare(keyOps));
    KeySearch.Outcome out = search.run(maxSteps, start + timePerKey.toNanos(), memoCapacity());
    KeyResult.Status status = out.status() != null ? out.status()
        : RealTimeWitness.find(m, out.ops()) != null ? KeyResult.Status.NOT_LINEARIZABLE // a proof
        : KeyResult.Status.UNKNOWN;
    String explanation = status == KeyResult.Status.LINEARIZABLE ? ""
        : Explanation.of(key, status, m, search, out, originals, base);
    return new KeyResult(key, status, out.ops().length, search.unknownOps(), out.steps(),
        (System.nanoTime() - start) / 1_000_000, explanation);
  }
}
