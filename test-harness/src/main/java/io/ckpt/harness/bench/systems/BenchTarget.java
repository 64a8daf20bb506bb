package io.ckpt.harness.bench.systems;

import java.io.Closeable;
import java.util.List;

/**
 * One system the benchmark drives, already started as a 3-node cluster on loopback: ckpt, a
 * bare Ratis state machine that only acknowledges, or etcd. A target is one shared,
 * thread-safe client per benchmark process, as each system recommends; the benchmark's
 * "clients" are threads calling it concurrently. Every call blocks until the system
 * acknowledged it (committed on a quorum, fsync on) or throws.
 */
public interface BenchTarget extends Closeable {

  /** One of {@link Systems#NAMES}: {@code ckpt}, {@code ratis}, {@code etcd}, ... */
  String system();

  /** Version and layout, for the report (e.g. "etcd 3.4.23, 3 processes"). */
  String description();

  /** The largest value a write may carry (etcd refuses more than 1.5 MiB). */
  long maxValueBytes();

  /** Whether this target can run {@code op} at all (the bare Ratis machine stores nothing to read). */
  boolean supports(Operation op);

  /** Stores {@code value} as the latest version of {@code key}. */
  void write(String key, byte[] value) throws Exception;

  /** The latest value of {@code key}: linearizable, or stale from a follower when {@code stale}. */
  byte[] read(String key, boolean stale) throws Exception;

  /**
   * A replacement taking over {@code key}: fences the previous owner (a new owner epoch) and
   * loads the latest value into local memory; returns the bytes loaded.
   */
  long takeover(String key) throws Exception;

  /** The operating-system processes holding the nodes (this JVM's own when they run in it). */
  List<ProcessHandle> nodeProcesses();

  /** Whether the nodes run inside the benchmark's own JVM (their heap is then this JVM's). */
  boolean nodesInThisJvm();

  /** What a target can be asked to do. */
  enum Operation { WRITE, READ_LINEARIZABLE, READ_STALE, TAKEOVER }
}
