/**
 * The etcd baseline of {@code ckpt bench}: finds (or, as root, installs) Debian's etcd 3.4,
 * runs it as a 3-member cluster of separate processes on loopback with etcd's defaults (fsync
 * on), and drives it through one shared jetcd client behind {@link
 * io.ckpt.harness.bench.systems.BenchTarget}.
 *
 * <ul>
 *   <li>{@link io.ckpt.harness.bench.etcd.EtcdBinary}: where the {@code etcd} program is and
 *       which version it is.</li>
 *   <li>{@link io.ckpt.harness.bench.etcd.EtcdCluster}: three member processes, their ports,
 *       data directories and log files; waits until healthy, stops them (also at JVM exit).</li>
 *   <li>{@link io.ckpt.harness.bench.etcd.EtcdTarget}: put, linearizable and follower-serializable
 *       get, and a fenced takeover, over jetcd.</li>
 * </ul>
 */
package io.ckpt.harness.bench.etcd;
