package io.ckpt.client.internal;

import io.ckpt.client.PeerAddress;
import java.time.Duration;
import java.util.List;

/** The validated settings a client runs with (built by {@code CheckpointClient.Builder}). */
public record ClientSettings(
    List<PeerAddress> peers,
    Duration timeout,
    int chunkSize,
    long maxInFlightBytes,
    int raftClients,
    Duration rpcTimeout) {}
