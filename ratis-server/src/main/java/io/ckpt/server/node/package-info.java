/**
 * Building and running ckpt nodes: Ratis server properties from {@link
 * io.ckpt.server.node.CkptServerConfigKeys}, one {@link io.ckpt.server.node.CkptNode} per
 * Raft server, {@link io.ckpt.server.node.LocalCluster} for several nodes in one process, and
 * {@link io.ckpt.server.node.CommitForwardingRpc}, the nodes' Raft transport (Ratis's gRPC with
 * each new commit index sent to the followers at once).
 */
package io.ckpt.server.node;
