package io.ckpt.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.Lease;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A new leader honours the leases its predecessor granted: no early expiry. */
class LeaderChangeLeaseTest {
  @Test
  void renewedLeaseSurvivesALeaderKill() throws Exception {
    try (MiniCluster cluster = MiniCluster.start(3)) {
      String leader = cluster.awaitLeader(Duration.ofSeconds(30));
      CheckpointClient client = cluster.client();
      Lease lease = client.acquire("lc/seg", "owner-1", Duration.ofSeconds(4), false);
      cluster.crash(leader);
      long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < until) {
        client.renew(lease);
        assertThat(client.describe("lc/seg").epoch()).isEqualTo(lease.epoch());
        Thread.sleep(500);
      }
      assertThat(client.describe("lc/seg").owner()).isEqualTo("owner-1");
    }
  }
}
