/**
 * Network faults between cluster nodes on loopback, without netem or iptables: every directed
 * peer link goes through its own TCP proxy in the harness JVM, which forwards, delays, holds
 * (partition) or resets that link's connections.
 *
 * <ul>
 *   <li>{@link io.ckpt.harness.net.LinkProxy}: one listen address forwarded to one target under a
 *       {@link io.ckpt.harness.net.LinkMode} that can change at any time; counters in
 *       {@link io.ckpt.harness.net.LinkStats}.</li>
 *   <li>{@link io.ckpt.harness.net.LinkTable}: the proxies of every ordered node pair, with
 *       partitions, bridges, one-way blocks, delays, resets and a one-line description of the
 *       faults for the timeline.</li>
 * </ul>
 *
 * <p>This package owns the proxies only; routing a node's traffic to the proxy of each of its
 * links (addresses, host names) is the cluster's business.
 */
package io.ckpt.harness.net;
