package io.ckpt.harness.bench;

import io.ckpt.harness.bench.results.Cell;
import io.ckpt.harness.bench.results.Workload;
import io.ckpt.harness.bench.systems.BenchTarget;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Before a cell that reads, mixes or takes over: makes every client's key hold a value of the
 * cell's size (written by up to 8 threads at once). Remembers what it wrote on this target, so
 * keys that already hold a value of that size are not written again. Before a stale-read cell,
 * waits until a follower serves the keys it just wrote.
 */
final class Preload {
  private static final int THREADS = 8;
  private static final long STALE_VISIBLE_MILLIS = 30_000;
  private final BenchTarget target;
  private final Map<String, Integer> sizes = new HashMap<>();

  Preload(BenchTarget target) {
    this.target = target;
  }

  void prepare(Cell cell, byte[] payload) throws Exception {
    if (!cell.workload().needsData()) {
      return;
    }
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < cell.clients(); i++) {
      String key = cell.workload().key(i);
      if (sizes.getOrDefault(key, -1) != payload.length) {
        keys.add(key);
      }
    }
    if (keys.isEmpty()) {
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(THREADS, keys.size()), r -> {
      Thread t = new Thread(r, "bench-preload");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> writes = new ArrayList<>();
      for (String key : keys) {
        sizes.remove(key);
        writes.add(pool.submit(() -> {
          target.write(key, payload);
          return null;
        }));
      }
      // Every write ends (or fails) before this returns: none may still run into the cell.
      Exception first = null;
      for (Future<?> w : writes) {
        try {
          w.get();
        } catch (ExecutionException e) {
          first = first != null ? first : e.getCause() instanceof Exception c ? c : e;
        }
      }
      if (first != null) {
        throw first;
      }
      for (String key : keys) {
        sizes.put(key, payload.length);
      }
    } finally {
      pool.shutdown();
    }
    if (cell.workload() == Workload.READ_STALE) {
      awaitStaleReads(keys, payload.length);
    }
  }

  /** Followers apply a committed write a little after the leader acknowledged it. */
  private void awaitStaleReads(List<String> keys, int size) throws Exception {
    long deadline = System.currentTimeMillis() + STALE_VISIBLE_MILLIS;
    for (String key : keys) {
      while (true) {
        Exception last;
        try {
          if (target.read(key, true).length == size) {
            break;
          }
          last = new IllegalStateException("a follower still serves another value of " + key);
        } catch (Exception e) {
          last = e;
        }
        if (System.currentTimeMillis() > deadline) {
          throw last;
        }
        Thread.sleep(50);
      }
    }
  }
}
