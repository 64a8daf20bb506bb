package io.ckpt.harness.bench.ratis;

import io.ckpt.client.CkptClientConfigKeys;
import io.ckpt.server.node.CkptServerConfigKeys;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/**
 * One benchmark write as one Ratis message: the key's length (4 bytes), the key's UTF-8 bytes,
 * then the value (not copied). And how large a value such a message may carry.
 */
final class WriteMessages {
  /** Longest key, in UTF-8 bytes. */
  static final int KEY_BYTES_MAX = 1024;
  /** Room kept in a message for Ratis's request header, the key and its length. */
  static final int HEADROOM_BYTES = 64 << 10;
  /**
   * The gRPC message limit of ckpt's client: its {@code RaftTransport} sets it to the chunk size
   * plus 2 MiB (3 MiB with the default 1 MiB chunks).
   */
  static final long CLIENT_MESSAGE_MAX = CkptClientConfigKeys.CHUNK_SIZE_DEFAULT + (2L << 20);
  /**
   * The largest value: the smallest of the limits a request and its log entry pass through (the
   * client's gRPC messages; the servers' appender buffer, which one entry must fit, and their
   * gRPC messages), less {@link #HEADROOM_BYTES}.
   */
  static final long MAX_VALUE_BYTES = Math.min(CLIENT_MESSAGE_MAX, Math.min(
      CkptServerConfigKeys.APPENDER_BUFFER_BYTE_LIMIT.getSize(), CkptServerConfigKeys.GRPC_MESSAGE_SIZE_MAX.getSize()))
      - HEADROOM_BYTES;

  private WriteMessages() {}

  /**
   * The message writing {@code value} under {@code key}; the caller must not change
   * {@code value} until the write is acknowledged.
   *
   * @throws IllegalArgumentException if the key or the value is too large
   */
  static Message of(String key, byte[] value) {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    if (k.length > KEY_BYTES_MAX) {
      throw new IllegalArgumentException("key of " + k.length + " bytes is longer than the bare Ratis target's limit"
          + " of " + KEY_BYTES_MAX + " bytes");
    }
    if (value.length > MAX_VALUE_BYTES) {
      throw new IllegalArgumentException("value of " + value.length + " bytes is larger than the " + MAX_VALUE_BYTES
          + " bytes one Ratis message can carry with ckpt's settings (the client's gRPC message limit of "
          + CLIENT_MESSAGE_MAX + " bytes less " + HEADROOM_BYTES + " for the request header and key)");
    }
    ByteBuffer header = ByteBuffer.allocate(Integer.BYTES + k.length).putInt(k.length).put(k).flip();
    return Message.valueOf(UnsafeByteOperations.unsafeWrap(header).concat(UnsafeByteOperations.unsafeWrap(value)));
  }
}
