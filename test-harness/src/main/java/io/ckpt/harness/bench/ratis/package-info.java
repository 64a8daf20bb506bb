/**
 * The bare-Ratis baselines of {@code ckpt bench}: three Ratis servers with ckpt's exact server
 * settings running {@link io.ckpt.harness.bench.ratis.AckStateMachine}, which acknowledges
 * every entry and stores nothing, written to through a pool of Ratis clients set up like
 * ckpt's client. The difference between it and ckpt is ckpt's own overhead. Its DataStream
 * variant moves each value over Ratis DataStream (Netty) to a file every node forces, the log
 * carrying only a header: how fast large values could reach three disks through Ratis.
 *
 * <ul>
 *   <li>{@link io.ckpt.harness.bench.ratis.RatisTarget}: the
 *       {@link io.ckpt.harness.bench.systems.BenchTarget} {@code ratis} (writes only).</li>
 *   <li>{@link io.ckpt.harness.bench.ratis.RatisStreamTarget}: {@code ratis-stream}, the same
 *       nodes with DataStream and {@link io.ckpt.harness.bench.ratis.StreamAckStateMachine}
 *       (writes only).</li>
 *   <li>{@link io.ckpt.harness.bench.ratis.AckNode}: one server, started the way
 *       {@link io.ckpt.server.node.CkptNode} starts ckpt's.</li>
 *   <li>{@code AckCluster}: three nodes in this JVM or, through
 *       {@link io.ckpt.harness.bench.ratis.AckServerMain}, in three processes.</li>
 * </ul>
 *
 * <p>This package owns the baseline only: what is measured and reported is the benchmark's.
 */
package io.ckpt.harness.bench.ratis;
