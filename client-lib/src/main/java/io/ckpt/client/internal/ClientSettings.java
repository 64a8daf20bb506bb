package io.ckpt.client.internal;

import io.ckpt.client.PeerAddress;
import java.time.Duration;
import java.util.List;

/**
 * The validated settings a client runs with (built by {@code CheckpointClient.Builder});
 * {@code readBatchInFlight} is the read-batch queries outstanding at once (0 = no batching);
 * {@code streamBytes} the bytes of one stream when chunked writes go as DataStream streams.
 */
public record ClientSettings(
    List<PeerAddress> peers,
    Duration timeout,
    int chunkSize,
    long maxInFlightBytes,
    int raftClients,
    Duration rpcTimeout,
    GroupCommitSettings groupCommit,
    int readBatchInFlight,
    int streamBytes) {

  /** Settings with the default stream size. */
  public ClientSettings(List<PeerAddress> peers, Duration timeout, int chunkSize, long maxInFlightBytes, int raftClients,
      Duration rpcTimeout, GroupCommitSettings groupCommit, int readBatchInFlight) {
    this(peers, timeout, chunkSize, maxInFlightBytes, raftClients, rpcTimeout, groupCommit, readBatchInFlight,
        io.ckpt.client.CkptClientConfigKeys.STREAM_BYTES_DEFAULT);
  }

  /**
   * Group commit of small puts: payload bytes of one group entry (0 = off), the largest put
   * that joins a group, and the group entries outstanding at once.
   */
  public record GroupCommitSettings(int maxBytes, int maxPutBytes, int inFlight) {
    public boolean enabled() {
      return maxBytes > 0;
    }
  }
}
