/**
 * Test infrastructure: {@link io.ckpt.harness.MiniCluster} (nodes in this JVM on loopback,
 * with kill, crash and restart), {@link io.ckpt.harness.ProcessCluster} (nodes as separate
 * {@code ckpt server} processes), free ports and temporary directories.
 */
package io.ckpt.harness;
