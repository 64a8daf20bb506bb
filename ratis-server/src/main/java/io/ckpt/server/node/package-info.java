/**
 * Building and running ckpt nodes: Ratis server properties from {@link
 * io.ckpt.server.node.CkptServerConfigKeys}, one {@link io.ckpt.server.node.CkptNode} per
 * Raft server, and {@link io.ckpt.server.node.LocalCluster} for several nodes in one process.
 */
package io.ckpt.server.node;
