package io.ckpt.client;

import java.time.Duration;

/**
 * Every client setting with its default, declared once. {@link CheckpointClient.Builder} takes
 * typed values; these constants name them for configuration files and the command line.
 */
public final class CkptClientConfigKeys {
  private CkptClientConfigKeys() {}

  /** How long one client call may take in all, retries included. */
  public static final String TIMEOUT_KEY = "ckpt.client.timeout";
  public static final Duration TIMEOUT_DEFAULT = Duration.ofSeconds(30);

  /** Size of the chunks large writes are split into (each is one Raft log entry). */
  public static final String CHUNK_SIZE_KEY = "ckpt.client.chunk.size";
  public static final int CHUNK_SIZE_DEFAULT = 1 << 20;
  public static final int CHUNK_SIZE_MIN = 4 << 10;
  /** Must not exceed the servers' largest accepted chunk (ckpt.store.chunk.max, 1 MiB by default). */
  public static final int CHUNK_SIZE_MAX = 1 << 20;

  /** Bytes of chunks one client keeps in flight at once, over all its uploads. */
  public static final String MAX_IN_FLIGHT_BYTES_KEY = "ckpt.client.in-flight.bytes.max";
  public static final long MAX_IN_FLIGHT_BYTES_DEFAULT = 4L << 20;

  /**
   * Bytes of one stream (whole chunks, at least one) when chunked writes go as DataStream streams
   * (every node has a stream port): each stream is one file per node and one log entry. Servers
   * take at most 64 MiB per stream.
   */
  public static final String STREAM_BYTES_KEY = "ckpt.client.stream.bytes";
  public static final int STREAM_BYTES_DEFAULT = 64 << 20;
  public static final int STREAM_BYTES_MAX = 64 << 20;

  /** Ratis clients used round-robin (one ordered stream each). */
  public static final String RAFT_CLIENTS_KEY = "ckpt.client.raft-clients";
  public static final int RAFT_CLIENTS_DEFAULT = 4;

  /** Timeout of one RPC attempt to a server (Ratis retries after it). */
  public static final String RPC_TIMEOUT_KEY = "ckpt.client.rpc.timeout";
  public static final Duration RPC_TIMEOUT_DEFAULT = Duration.ofSeconds(10);

  /**
   * Group commit: concurrent small puts of one client share a Raft log entry of at most this
   * many payload bytes (0 turns group commit off). At most the chunk limit of the servers.
   */
  public static final String GROUP_COMMIT_BYTES_KEY = "ckpt.client.group-commit.bytes.max";
  public static final int GROUP_COMMIT_BYTES_DEFAULT = 512 << 10;

  /** The largest put that joins a group commit; larger ones are sent alone. */
  public static final String GROUP_COMMIT_PUT_BYTES_KEY = "ckpt.client.group-commit.put-bytes.max";
  public static final int GROUP_COMMIT_PUT_BYTES_DEFAULT = 64 << 10;

  /**
   * Group-commit entries outstanding at once. Puts that arrive while all are outstanding wait
   * and go together in the next one: fewer means larger groups (more throughput per CPU) and
   * more waiting; an idle client sends a put at once. Two keeps the log busy (one entry
   * replicates while the next fills) with the largest groups: docs/benchmarks.md has the sweep.
   */
  public static final String GROUP_COMMIT_IN_FLIGHT_KEY = "ckpt.client.group-commit.in-flight";
  public static final int GROUP_COMMIT_IN_FLIGHT_DEFAULT = 2;

  /**
   * Read batching: linearizable gets (and infos) of one client sent to the leader while this many
   * read queries are outstanding wait and go together in the next one, sharing its ReadIndex
   * round; stale gets likewise, per node, sharing one request. An idle client sends a get at
   * once. 0 sends every get alone. Linearizable reads from an explicit node are never batched.
   */
  public static final String READ_BATCH_IN_FLIGHT_KEY = "ckpt.client.read-batch.in-flight";
  public static final int READ_BATCH_IN_FLIGHT_DEFAULT = 2;

  static Duration requirePositive(String key, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new InvalidRequestException(key + " must be positive, got " + d);
    }
    return d;
  }

  static long requireRange(String key, long v, long min, long max) {
    if (v < min || v > max) {
      throw new InvalidRequestException(key + " must be in [" + min + ", " + max + "], got " + v);
    }
    return v;
  }
}
