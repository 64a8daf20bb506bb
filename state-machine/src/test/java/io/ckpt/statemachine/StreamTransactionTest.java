package io.ckpt.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.client.store.VolumeSpec;
import io.ckpt.protocol.LogEntry;
import io.ckpt.protocol.Status;
import io.ckpt.protocol.StreamedChunksEntry;
import io.ckpt.statemachine.store.Rejected;
import io.ckpt.statemachine.store.StoreSettings;
import java.nio.file.Path;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the leader starts the transaction of a stream whose bytes it should hold. */
class StreamTransactionTest {
  @TempDir Path dir;

  @Test
  void aStreamTheLeaderHasNoBytesOfIsRefusedAsUnavailableNotAsBadInput() throws Exception {
    CheckpointStateMachine sm = new CheckpointStateMachine(dir.resolve("store"),
        new StoreSettings(VolumeSpec.small(), 64L << 20, 16L << 20, 3, 1024), 64L << 20);
    try {
      LogEntry header = LogEntry.newBuilder().setStreamedChunks(StreamedChunksEntry.newBuilder().setUploadId("u")
          .setName("seg").setChunkBytes(1 << 20)).build();
      RaftClientRequest request = RaftClientRequest.newBuilder().setClientId(ClientId.randomId())
          .setServerId(RaftPeerId.valueOf("n1")).setGroupId(RaftGroupId.randomId()).setCallId(7)
          .setMessage(Message.valueOf(ByteString.copyFrom(header.toByteArray())))
          .setType(RaftClientRequest.dataStreamRequestType()).build();

      TransactionContext trx = sm.startTransaction(request);

      assertThat(trx.getException()).isInstanceOf(Rejected.class).hasMessageContaining("no bytes of this stream");
      assertThat(((Rejected) trx.getException()).status()).as("the client retries it").isEqualTo(Status.UNAVAILABLE);
    } finally {
      sm.close();
    }
  }
}
