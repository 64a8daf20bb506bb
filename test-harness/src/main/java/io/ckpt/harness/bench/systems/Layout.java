package io.ckpt.harness.bench.systems;

/** Where a benchmarked cluster's three nodes run. */
public enum Layout {
  /** All three nodes inside the benchmark's JVM (etcd cannot: it is a separate program). */
  IN_JVM,
  /** Each node in its own operating-system process. */
  PROCESSES
}
