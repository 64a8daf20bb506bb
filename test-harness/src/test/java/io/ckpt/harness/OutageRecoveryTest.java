package io.ckpt.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.UnavailableException;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Regression (found by the chaos run): after an outage longer than a write's retries, every
 * later write of the same client failed at once with "the client is closed", for good, because
 * Ratis's ordered client remembers the failure. A client must work again once a quorum is back.
 */
class OutageRecoveryTest {
  @Test
  void writesWorkAgainAfterAQuorumOutageOutlastedTheirRetries() throws Exception {
    try (MiniCluster cluster = MiniCluster.start(3);
        CheckpointClient client = cluster.client(b -> b.timeout(Duration.ofSeconds(1)).raftClients(1))) {
      cluster.awaitLeader(Duration.ofSeconds(30));
      // Each step below may take a few tries: 1 s is short for a shared two-core machine. The
      // failure this test is for is permanent, so a deadline of a minute still catches it.
      Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
          .until(() -> client.put("outage/a", new byte[] {1}).version() >= 1);

      List<String> down = cluster.runningIds().subList(0, 2);
      down.forEach(cluster::stop);
      assertThatThrownBy(() -> client.put("outage/a", new byte[] {2})).isInstanceOf(UnavailableException.class);
      // The outage itself (not a wait for state): longer than the ~2 s the Ratis client keeps
      // retrying the write in the background for a 1 s ckpt timeout (5 attempts, backoff to 0.8 s).
      Thread.sleep(6_000);
      down.forEach(cluster::start);
      cluster.awaitLeader(Duration.ofSeconds(60));

      Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
          .until(() -> client.put("outage/a", new byte[] {3}).version() >= 2);
      Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
          .until(() -> client.put("outage/a", new byte[] {4}).version() >= 3);
      // The read client finds the new leader on its own (its 1 s timeout may run out on the first tries).
      Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
          .untilAsserted(() -> assertThat(client.get("outage/a").data()).containsExactly(4));
    }
  }
}
