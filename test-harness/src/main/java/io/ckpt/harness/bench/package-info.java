/**
 * Benchmark drivers run as plain {@code main} programs in a forked JVM (see
 * {@code docs/benchmarks.md} for the commands and the figures measured with them).
 *
 * <ul>
 *   <li>{@link io.ckpt.harness.bench.WriteBenchmark}: N writer threads doing sequential
 *       {@code put}s of a fixed size against a {@link io.ckpt.harness.MiniCluster}; prints
 *       ops/s, MiB/s and latency percentiles of the measured window.</li>
 *   <li>{@link io.ckpt.harness.bench.LoadBenchmark}: writes one large segment, then times
 *       {@code client.load} into a fresh {@code LocalStore}, with the store's open cost reported
 *       apart from the transfer.</li>
 * </ul>
 *
 * <p>Both use a MiniCluster: every node in the benchmark's JVM, on loopback gRPC, with the
 * Raft log's fsync on (Ratis's default). The load generator shares the CPU with the servers.
 */
package io.ckpt.harness.bench;
