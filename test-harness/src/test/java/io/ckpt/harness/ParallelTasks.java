package io.ckpt.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Runs one task on n threads at once and waits for all of them, rethrowing the first failure. */
final class ParallelTasks {
  private ParallelTasks() {}

  /** One thread's work; {@code thread} is 0..n-1. */
  interface Task {
    void run(int thread) throws Exception;
  }

  static void run(ExecutorService threads, int n, Task task) throws Exception {
    List<Future<?>> fs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int t = i;
      fs.add(threads.submit(() -> {
        task.run(t);
        return null;
      }));
    }
    for (Future<?> f : fs) {
      f.get(120, TimeUnit.SECONDS);
    }
  }
}
