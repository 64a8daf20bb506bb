package io.ckpt.harness.bench;

import io.ckpt.harness.bench.systems.BenchTarget;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What the JIT compilers of a target's JVMs (its node processes, and this JVM, which runs the
 * load and, in the one-JVM layout, the nodes) use of the CPU: their compiler threads' time in
 * {@code /proc}, as a share of one core since the meter started. After a JVM
 * starts, C2 compiles for minutes (at 1 KiB writes from 64 clients, three ckpt node processes
 * each spent 20 to 40 % of a core compiling 60 to 140 s in, and about 5 % after 160 s), and on a
 * 2-core machine that CPU is taken from the servers being measured; a JIT-free system (etcd)
 * pays nothing of it. The benchmark therefore warms a target until its compilers are nearly idle
 * and notes a cell measured while they were not. Off Linux the share is NaN.
 */
final class CompilerCpu {
  /**
   * The JIT counts as settled while the compilers of all the JVMs together use less than this
   * share of one core (ckpt's three node processes fell from about 60 % to under 20 % between 120
   * and 160 s of 1 KiB writes from 64 clients, and compile a few per cent for long after).
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
