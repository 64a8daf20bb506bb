/**
 * The {@code ckpt demo} application: a matching engine ({@link io.ckpt.server.cli.demo.OrderBook},
 * {@link io.ckpt.server.cli.demo.MatchingEngine}) that checkpoints its state to an embedded
 * 3-node cluster and recovers it on another node after its leader dies
 * ({@link io.ckpt.server.cli.demo.DemoRun}).
 */
package io.ckpt.server.cli.demo;
