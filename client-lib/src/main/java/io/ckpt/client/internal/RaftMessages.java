package io.ckpt.client.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteOutput;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/**
 * Our protobuf messages as Ratis messages and back (Ratis carries them as bytes of its shaded
 * protobuf, a different {@code ByteString} class from ours).
 */
public final class RaftMessages {
  private RaftMessages() {}

  public static Message of(MessageLite m) {
    return Message.valueOf(UnsafeByteOperations.unsafeWrap(m.toByteArray()));
  }

  /**
   * Parses Ratis's {@code bytes} as one of our messages without copying them: the message's
   * {@code bytes} fields share the array Ratis holds. That is safe because a byte string never
   * changes and Ratis 3.3 gives its messages and log entries arrays of their own (it does not
   * parse them in place from gRPC's pooled buffers). Bytes in several pieces, or in a buffer,
   * are copied once into an array of their own.
   */
  public static <T> T parse(ByteString bytes, Parser<T> parser) throws InvalidProtocolBufferException {
    CodedInputStream in = ours(bytes).newCodedInput();
    in.enableAliasing(true);
    return parser.parseFrom(in);
  }

  /** Our byte string over Ratis's {@code bytes}: the same array when they are one, else a copy. */
  static com.google.protobuf.ByteString ours(ByteString bytes) {
    OneArray one = new OneArray();
    try {
      UnsafeByteOperations.unsafeWriteTo(bytes, one);
    } catch (IOException e) {
      throw new UncheckedIOException("a ByteOutput that cannot fail failed", e);
    }
    return one.array != null && !one.several
        ? com.google.protobuf.UnsafeByteOperations.unsafeWrap(one.array, one.offset, one.length)
        : com.google.protobuf.UnsafeByteOperations.unsafeWrap(bytes.toByteArray());
  }

  /** Remembers the array a byte string hands out when it is a single array lent as is. */
  private static final class OneArray extends ByteOutput {
    byte[] array;
    int offset;
    int length;
    /** Any other piece: several arrays, or bytes that are only lent for the call. */
    boolean several;

    @Override
    public void writeLazy(byte[] value, int offset, int length) {
      if (array != null) {
        several = true;
      }
      this.array = value;
      this.offset = offset;
      this.length = length;
    }

    @Override
    public void write(byte value) {
      several = true;
    }

    @Override
    public void write(byte[] value, int offset, int length) {
      several = true;
    }

    @Override
    public void write(ByteBuffer value) {
      several = true;
    }

    @Override
    public void writeLazy(ByteBuffer value) {
      several = true;
    }
  }
}
