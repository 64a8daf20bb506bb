package io.ckpt.server.node;

import io.ckpt.client.internal.RaftMessages;
import io.ckpt.protocol.LogEntry;
import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;

/** Proposes housekeeping entries (aborts, expiries) through the group's log, like any client. */
final class LogProposer implements Closeable {
  private final RaftClient client;

  LogProposer(RaftGroup group) {
    this.client = RaftClient.newBuilder().setRaftGroup(group).setProperties(new RaftProperties())
        .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(3, TimeDuration.valueOf(200, TimeUnit.MILLISECONDS)))
        .build();
  }

  void propose(LogEntry entry) throws IOException {
    client.io().send(RaftMessages.of(entry));
  }

  @Override
  public void close() throws IOException {
    client.close();
  }
}
