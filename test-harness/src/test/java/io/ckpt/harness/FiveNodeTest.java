package io.ckpt.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.ReadOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A 5-node group tolerates two failed nodes. */
class FiveNodeTest {
  @Test
  void fiveNodeGroupKeepsWritingWithTwoNodesDown() {
    try (MiniCluster cluster = MiniCluster.start(5)) {
      String leader = cluster.awaitLeader(Duration.ofSeconds(30));
      CheckpointClient client = cluster.client();
      client.put("five/seg", new byte[] {1});
      cluster.crash(leader);
      String other = cluster.runningIds().get(0);
      cluster.stop(other);
      assertThat(client.put("five/seg", new byte[] {2}).version()).isEqualTo(2);
      for (String node : cluster.runningIds()) {
        assertThat(client.get("five/seg", ReadOptions.latest().fromNode(node)).data()).containsExactly(2);
      }
    }
  }
}
