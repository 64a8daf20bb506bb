/**
 * JMH micro-benchmarks of code that runs inside one process, measured apart from the network:
 * {@link io.ckpt.harness.bench.jmh.LocalStoreBenchmarks} reads and loads segments in the
 * client's local memory-mapped store; {@link io.ckpt.harness.bench.jmh.ApplyBenchmarks} applies
 * committed small puts to a node's store. Run them from the built harness jar with
 * {@code org.openjdk.jmh.Main} (see {@code docs/benchmarks-local-load.md}).
 */
package io.ckpt.harness.bench.jmh;
