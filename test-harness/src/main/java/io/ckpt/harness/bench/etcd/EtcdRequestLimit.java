package io.ckpt.harness.bench.etcd;

import java.nio.charset.StandardCharsets;

/**
 * etcd's request size limit as it applies to one put. etcd refuses a request whose encoded
 * Raft entry ({@code InternalRaftRequest}: a request header plus the {@code PutRequest} with key
 * and value) exceeds {@code --max-request-bytes}, 1,572,864 bytes (1.5 MiB) by default, with
 * "etcdserver: request is too large". The key and the protobuf framing count: measured on etcd
 * 3.4.23, the largest value accepted is 1,572,864 − key length − 23 bytes (24 for keys over 127
 * bytes), e.g. 1,572,840 bytes with a 1-byte key, so a value of exactly 1.5 MiB is refused.
 * {@link #MAX_VALUE_BYTES} leaves room for any key of up to {@link #MAX_KEY_BYTES} bytes plus
 * our 2-byte key prefix.
 */
final class EtcdRequestLimit {
  /** etcd's default {@code --max-request-bytes}. */
  static final long MAX_REQUEST_BYTES = 1_572_864;
  /** The longest key a benchmark may use (ckpt's segment names are at most 255 bytes). */
  static final int MAX_KEY_BYTES = 255;
  /** Room for the key, our key prefix and the protobuf framing of the Raft entry. */
  static final long RESERVED_BYTES = 512;
  /** The largest value every accepted key can carry. */
  static final long MAX_VALUE_BYTES = MAX_REQUEST_BYTES - RESERVED_BYTES;

  private EtcdRequestLimit() {}

  /** Refuses, with a clear message, a key or value etcd's default limit would not take. */
  static void check(String key, byte[] value) {
    checkKey(key);
    if (value.length > MAX_VALUE_BYTES) {
      throw new IllegalArgumentException("value of " + value.length + " bytes for key '" + key
          + "' exceeds etcd's request limit: --max-request-bytes is " + MAX_REQUEST_BYTES
          + " bytes (1.5 MiB) by default, which leaves at most " + MAX_VALUE_BYTES
          + " bytes for a value");
    }
  }

  static void checkKey(String key) {
    int length = key.getBytes(StandardCharsets.UTF_8).length;
    if (length == 0 || length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException("key of " + length + " bytes: the etcd benchmark takes keys of 1 to "
          + MAX_KEY_BYTES + " bytes");
    }
  }
}
