package io.ckpt.harness.bench;

import io.ckpt.harness.bench.systems.BenchTarget;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What the JIT compilers of a target's JVMs (its node processes, and this JVM, which runs the
 * load and, in the one-JVM layout, the nodes) use of the CPU: their compiler threads' time in
 * {@code /proc}, as a share of one core since the meter started. After a JVM starts, C2 compiles
 * for minutes, and on a 2-core machine that CPU is taken from the servers being measured, while
 * a JIT-free system (etcd) pays nothing of it: three ckpt node processes under one client's 1 KiB
 * writes, 75 to 95 s after they started, spent 12 to 18 % of a core each compiling, and the load
 * JVM as much again. The benchmark therefore warms a target until its compilers are nearly idle
 * and notes a cell measured while they were not. Off Linux the share is NaN.
 */
final class CompilerCpu {
  /**
   * The JIT counts as settled while the compilers of all the JVMs together use less than this
   * share of one core (after 120 s of 1 KiB writes and reads from 16 clients: ckpt's 3 node
   * processes and the load JVM 15 %, bare Ratis's 14 %, etcd's load JVM alone 1 %).
   */
  static final double SETTLED = 0.25;
  private final Set<Long> pids = new LinkedHashSet<>();
  private final long cpuNanos0;
  private final long wallNanos0;

  private CompilerCpu(BenchTarget target) {
    pids.add(ProcessHandle.current().pid());
    target.nodeProcesses().forEach(p -> pids.add(p.pid()));
    cpuNanos0 = total();
    wallNanos0 = System.nanoTime();
  }

  /** Starts metering the compilers of {@code target}'s JVMs and this one. */
  static CompilerCpu start(BenchTarget target) {
    return new CompilerCpu(target);
  }

  /**
   * The compilers' CPU time since the start divided by the wall time: 0.5 is half of one core.
   * NaN when it cannot be read (a process ended, or this is not Linux).
   */
  double share() {
    long cpu = total();
    long wall = System.nanoTime();
    return cpu < 0 || cpuNanos0 < 0 || wall == wallNanos0 ? Double.NaN
        : (cpu - cpuNanos0) / (double) (wall - wallNanos0);
  }

  /** The compilers' CPU time of all the JVMs, or -1 when one of them cannot be read. */
  private long total() {
    long sum = 0;
    for (long pid : pids) {
      Long nanos = ProcFs.compilerCpuNanos(pid);
      if (nanos == null) {
        return -1;
      }
      sum += nanos;
    }
    return sum;
  }
}
