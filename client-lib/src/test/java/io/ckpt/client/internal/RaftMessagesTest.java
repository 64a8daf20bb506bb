package io.ckpt.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import io.ckpt.protocol.LogEntry;
import io.ckpt.protocol.PutEntry;
import java.nio.ByteBuffer;
import java.util.Random;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.junit.jupiter.api.Test;

class RaftMessagesTest {
  private static final byte[] DATA = new byte[3000];

  static {
    new Random(5).nextBytes(DATA);
  }

  private static LogEntry entry() {
    return LogEntry.newBuilder().setPut(PutEntry.newBuilder().setName("a/b")
        .setData(com.google.protobuf.ByteString.copyFrom(DATA)).setCrc32C(7)).build();
  }

  @Test
  void aMessageComesBackFromItsRatisBytes() throws Exception {
    ByteString bytes = RaftMessages.of(entry()).getContent();
    assertThat(RaftMessages.parse(bytes, LogEntry.parser())).isEqualTo(entry());
  }

  /** A single array is shared, not copied: the parsed bytes field is a view of Ratis's array. */
  @Test
  void oneArrayIsShared() throws Exception {
    byte[] serialized = entry().toByteArray();
    com.google.protobuf.ByteString ours = RaftMessages.ours(UnsafeByteOperations.unsafeWrap(serialized, 0, serialized.length));
    assertThat(ours.toByteArray()).isEqualTo(serialized);
    serialized[serialized.length - 1] ^= 1; // only to observe the sharing; Ratis never does this
    assertThat(ours.byteAt(serialized.length - 1)).isEqualTo(serialized[serialized.length - 1]);
  }

  /** Bytes in pieces, in a slice or in a buffer are copied, and parse the same. */
  @Test
  void piecesSlicesAndBuffersParseTheSame() throws Exception {
    byte[] serialized = entry().toByteArray();
    ByteString rope = ByteString.copyFrom(serialized, 0, 10).concat(ByteString.copyFrom(serialized, 10, serialized.length - 10));
    assertThat(RaftMessages.parse(rope, LogEntry.parser())).isEqualTo(entry());
    byte[] padded = new byte[serialized.length + 8];
    System.arraycopy(serialized, 0, padded, 4, serialized.length);
    assertThat(RaftMessages.parse(UnsafeByteOperations.unsafeWrap(padded, 4, serialized.length), LogEntry.parser()))
        .isEqualTo(entry());
    ByteBuffer direct = ByteBuffer.allocateDirect(serialized.length).put(serialized).flip();
    com.google.protobuf.ByteString copied = RaftMessages.ours(UnsafeByteOperations.unsafeWrap(direct));
    direct.put(0, (byte) (serialized[0] ^ 1));
    assertThat(copied.toByteArray()).as("a buffer is copied: later changes to it do not show").isEqualTo(serialized);
    assertThat(RaftMessages.parse(ByteString.EMPTY, LogEntry.parser())).isEqualTo(LogEntry.getDefaultInstance());
  }

  @Test
  void garbageIsRefused() {
    ByteString garbage = ByteString.copyFrom(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
    assertThatThrownBy(() -> RaftMessages.parse(garbage, LogEntry.parser())).isInstanceOf(InvalidProtocolBufferException.class);
  }
}
