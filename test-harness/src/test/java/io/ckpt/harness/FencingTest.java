package io.ckpt.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.FencedException;
import io.ckpt.client.Lease;
import io.ckpt.client.OwnershipConflictException;
import io.ckpt.client.PutOptions;
import io.ckpt.client.SegmentDescription;
import io.ckpt.client.SegmentPolicy;
import io.ckpt.client.VersionConflictException;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Registration, owner epochs, fencing and lease expiry through a real 3-node group. */
class FencingTest {
  static MiniCluster cluster;
  static CheckpointClient client;

  @BeforeAll
  static void start() {
    cluster = MiniCluster.start(3);
    cluster.awaitLeader(Duration.ofSeconds(30));
    client = cluster.client();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void registrationRecordsThePolicyAndRefusesAnother() {
    SegmentDescription d = client.register("fence/reg", new SegmentPolicy(5, 1 << 20), "tester");
    assertThat(d.policy()).isEqualTo(new SegmentPolicy(5, 1 << 20));
    assertThat(d.registeredBy()).isEqualTo("tester");
    assertThat(d.latest()).isEmpty();
    assertThat(client.register("fence/reg", new SegmentPolicy(5, 1 << 20), "tester").policy().retain()).isEqualTo(5);
    assertThatThrownBy(() -> client.register("fence/reg", new SegmentPolicy(2, 1 << 20), "tester"))
        .isInstanceOf(VersionConflictException.class).hasMessageContaining("another policy");
    assertThatThrownBy(() -> client.put("fence/unregistered", new byte[1], PutOptions.defaults().noCreate()))
        .isInstanceOf(io.ckpt.client.SegmentNotFoundException.class);
    assertThat(client.put("fence/reg", new byte[1], PutOptions.defaults().noCreate()).version()).isEqualTo(1);
  }

  @Test
  void takeoverFencesTheOldOwnerAndItsWritesChangeNothing() {
    Lease a = client.acquire("fence/seg", "alpha", Duration.ofSeconds(30), false);
    client.put("fence/seg", new byte[] {1}, PutOptions.defaults().epoch(a.epoch()));
    assertThatThrownBy(() -> client.acquire("fence/seg", "beta", Duration.ofSeconds(30), false))
        .isInstanceOf(OwnershipConflictException.class).hasMessageContaining("alpha");
    Lease b = client.acquire("fence/seg", "beta", Duration.ofSeconds(30), true);
    assertThat(b.epoch()).isGreaterThan(a.epoch());

    assertThatThrownBy(() -> client.put("fence/seg", new byte[] {2}, PutOptions.defaults().epoch(a.epoch())))
        .isInstanceOfSatisfying(FencedException.class, e -> {
          assertThat(e.currentEpoch()).isEqualTo(b.epoch());
          assertThat(e.currentOwner()).isEqualTo("beta");
        });
    assertThatThrownBy(() -> client.renew(a)).isInstanceOf(FencedException.class);
    assertThat(client.get("fence/seg").data()).containsExactly(1);
    assertThat(client.put("fence/seg", new byte[] {3}, PutOptions.defaults().epoch(b.epoch())).version()).isEqualTo(2);
    SegmentDescription d = client.describe("fence/seg");
    assertThat(d.owner()).isEqualTo("beta");
    assertThat(d.epoch()).isEqualTo(b.epoch());
  }

  @Test
  void anUnrenewedLeaseExpiresAndARenewedOneDoesNot() {
    // Both leases get the same TTL and "kept" is taken after "lapsing": without its renewals it
    // would lapse no later than "lapsing" does. The TTL is long enough that renewals every 200 ms
    // keep it on a loaded machine; the clock starts before the first acquire (a lower bound).
    long started = System.nanoTime();
    Lease lapsing = client.acquire("fence/lapse", "sleepy", Duration.ofSeconds(3), false);
    Lease kept = client.acquire("fence/kept", "awake", Duration.ofSeconds(3), false);
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
      client.renew(kept);
      return client.describe("fence/lapse").owner().isEmpty();
    });
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
    assertThat(client.describe("fence/lapse").epoch()).isGreaterThan(lapsing.epoch());
    assertThatThrownBy(() -> client.put("fence/lapse", new byte[1], PutOptions.defaults().epoch(lapsing.epoch())))
        .isInstanceOf(FencedException.class);
    assertThat(client.describe("fence/kept").owner()).isEqualTo("awake");
    assertThat(client.acquire("fence/lapse", "next", Duration.ofSeconds(30), false).epoch())
        .isGreaterThan(lapsing.epoch());
  }
}
