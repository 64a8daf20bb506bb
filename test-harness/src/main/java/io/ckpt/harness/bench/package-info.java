/**
 * {@code ckpt bench} ({@link io.ckpt.harness.bench.BenchCommand}): a matrix of systems (ckpt and
 * its baselines, see {@code bench.systems}) × layouts × workloads × value sizes × client counts,
 * each cell a warm-up and a fixed measured window, with the node processes' heap, resident set,
 * disk writes and CPU sampled over the window. A {@link io.ckpt.harness.bench.Runner} starts
 * each target once per pass ({@code --passes}, the systems taking turns) and runs its cells;
 * {@code bench.results} keeps what they measured and {@code bench.report} turns it into markdown
 * and charts, with medians over the passes.
 *
 * <p>{@link io.ckpt.harness.bench.TakeoverBenchmark} remains a plain {@code main} for what the
 * matrix does not cover: a warm takeover by a session that stood by (see
 * {@code docs/benchmarks.md}).
 */
package io.ckpt.harness.bench;
