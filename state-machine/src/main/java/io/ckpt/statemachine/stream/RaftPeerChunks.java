package io.ckpt.statemachine.stream;

import com.google.protobuf.InvalidProtocolBufferException;
import io.ckpt.client.internal.RaftMessages;
import io.ckpt.protocol.Query;
import io.ckpt.protocol.QueryReply;
import io.ckpt.protocol.Status;
import io.ckpt.protocol.StreamChunkQuery;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * Asks peers for stream chunks with a {@link StreamChunkQuery} sent to that peer alone (a Ratis
 * stale read: the peer's state machine answers from its files, no consensus round). One attempt
 * per call, bounded by {@link #ATTEMPT_TIMEOUT}.
 */
public final class RaftPeerChunks implements PeerChunks, Closeable {
  /** How long one peer may take to answer for one chunk. */
  static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(5);
  private final RaftClient client;

  /** @param maxChunkBytes the largest chunk a reply may carry */
  public RaftPeerChunks(RaftGroup group, int maxChunkBytes) {
    RaftProperties p = new RaftProperties();
    RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(ATTEMPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf(maxChunkBytes + (1 << 20)));
    client = RaftClient.newBuilder().setClientId(ClientId.randomId()).setRaftGroup(group).setProperties(p)
        .setRetryPolicy(RetryPolicies.noRetry()).build();
  }

  @Override
  public byte[] read(String peer, StreamChunkQuery query) throws IOException {
    RaftClientReply reply;
    try {
      reply = client.io().sendStaleRead(RaftMessages.of(Query.newBuilder().setStreamChunk(query).build()), -1,
          RaftPeerId.valueOf(peer));
    } catch (RuntimeException e) { // gRPC reports an unreachable peer unchecked
      throw new IOException(String.valueOf(e.getMessage()), e);
    }
    if (!reply.isSuccess()) {
      throw new IOException(String.valueOf(reply.getException()));
    }
    QueryReply answer;
    try {
      answer = RaftMessages.parse(reply.getMessage().getContent(), QueryReply.parser());
    } catch (InvalidProtocolBufferException e) {
      throw new IOException("unreadable reply: " + e.getMessage(), e);
    }
    if (answer.getStatus() != Status.OK) {
      throw new IOException(answer.getStatus() + ": " + answer.getMessage());
    }
    return answer.getData().toByteArray();
  }

  @Override
  public void close() throws IOException {
    client.close();
  }
}
