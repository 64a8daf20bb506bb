package io.ckpt.server.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.client.PeerAddress;
import io.ckpt.server.cli.demo.FreePorts;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.ratis.proto.RaftProtos.AppendEntriesReplyProto;
import org.apache.ratis.proto.RaftProtos.AppendEntriesReplyProto.AppendResult;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.MetadataProto;
import org.apache.ratis.proto.RaftProtos.RaftGroupIdProto;
import org.apache.ratis.proto.RaftProtos.RaftRpcRequestProto;
import org.apache.ratis.proto.RaftProtos.TermIndexProto;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower holds every entry it acknowledges, also when a leader sends it the same entries in
 * two overlapping requests before the first is written. Leaders do that after a connection
 * reset: the requests of the old stream are still being written when the new stream resends
 * from the follower's next index, batched differently. Ratis 3.3.0's composed follower append
 * (on by default) skipped a request whose first index was still being written by another and
 * acknowledged all of it: the leader then held a match index above the follower's log, and
 * never sent the follower another entry (a chaos run's node stayed behind for good).
 *
 * <p>The test plays a leader ("l", never started) against one real node.
 */
class FollowerAppendTest {
  private static final long TERM = 1;
  @TempDir Path dir;

  @Test
  void aFollowerHoldsEveryEntryItAcknowledges() throws Exception {
    List<Integer> ports = FreePorts.find(2);
    List<PeerAddress> peers = List.of(new PeerAddress("f", "127.0.0.1", ports.get(0)),
        new PeerAddress("l", "127.0.0.1", ports.get(1)));
    // No election while the test plays the leader.
    Map<String, String> patient = Map.of(RaftServerConfigKeys.Rpc.TIMEOUT_MIN_KEY, "60s",
        RaftServerConfigKeys.Rpc.TIMEOUT_MAX_KEY, "70s");
    try (CkptNode follower = CkptNode.start(new NodeOptions("f", peers, dir, patient))) {
      RaftServer server = follower.raftServer();
      RaftGroupId group = server.getGroupIds().iterator().next();
      long callId = 0;
      for (long first = 0; first < 200; first += 4) {
        // The short request, then before it is written a longer one from the same index.
        CompletableFuture<AppendEntriesReplyProto> shortOne =
            server.appendEntriesAsync(request(group, callId++, first, first + 1));
        CompletableFuture<AppendEntriesReplyProto> longOne =
            server.appendEntriesAsync(request(group, callId++, first, first + 3));
        assertThat(shortOne.get(30, TimeUnit.SECONDS).getResult()).isEqualTo(AppendResult.SUCCESS);
        AppendEntriesReplyProto reply = longOne.get(30, TimeUnit.SECONDS);
        assertThat(reply.getResult()).isEqualTo(AppendResult.SUCCESS);
        assertThat(reply.getMatchIndex()).isEqualTo(first + 3);
        assertThat(server.getDivision(group).getRaftLog().getLastEntryTermIndex().getIndex())
            .as("the follower's last entry after acknowledging entries %d to %d", first, first + 3)
            .isEqualTo(first + 3);
      }
    }
  }

  /** What leader "l" sends for entries {@code first..last} of its term (commit index 0). */
  private static AppendEntriesRequestProto request(RaftGroupId group, long callId, long first, long last) {
    AppendEntriesRequestProto.Builder b = AppendEntriesRequestProto.newBuilder()
        .setServerRequest(RaftRpcRequestProto.newBuilder()
            .setRequestorId(RaftPeerId.valueOf("l").toByteString())
            .setReplyId(RaftPeerId.valueOf("f").toByteString())
            .setRaftGroupId(RaftGroupIdProto.newBuilder().setId(group.toByteString()))
            .setCallId(callId))
        .setLeaderTerm(TERM)
        .setLeaderCommit(0)
        .setInitializing(false);
    if (first > 0) {
      b.setPreviousLog(TermIndexProto.newBuilder().setTerm(TERM).setIndex(first - 1));
    }
    LongStream.rangeClosed(first, last).forEach(i -> b.addEntries(LogEntryProto.newBuilder().setTerm(TERM)
        .setIndex(i).setMetadataEntry(MetadataProto.newBuilder().setCommitIndex(0))));
    return b.build();
  }
}
