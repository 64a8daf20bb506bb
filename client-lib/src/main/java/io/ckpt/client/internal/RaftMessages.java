package io.ckpt.client.internal;

import com.google.protobuf.MessageLite;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/** Our protobuf messages as Ratis messages (Ratis carries them as bytes of its shaded protobuf). */
public final class RaftMessages {
  private RaftMessages() {}

  public static Message of(MessageLite m) {
    return Message.valueOf(UnsafeByteOperations.unsafeWrap(m.toByteArray()));
  }
}
