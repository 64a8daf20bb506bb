package io.ckpt.harness.bench.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ckpt.harness.bench.systems.BenchTarget.Operation;
import io.ckpt.harness.bench.systems.Layout;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The etcd baseline against a real 3-member etcd cluster on loopback, one per test. */
class EtcdTargetTest {
  @TempDir Path dir;

  @Test
  void writeThenLinearizableReadReturnsTheValue() throws Exception {
    try (EtcdTarget etcd = EtcdTarget.start(Layout.PROCESSES, dir)) {
      byte[] value = randomBytes(1024);

      etcd.write("segment-a", value);

      assertThat(etcd.read("segment-a", false)).isEqualTo(value);
      assertThat(etcd.system()).isEqualTo("etcd");
      assertThat(etcd.description()).startsWith("etcd 3.").contains("3 processes");
      assertThat(etcd.nodesInThisJvm()).isFalse();
      assertThat(Arrays.stream(Operation.values()).allMatch(etcd::supports)).isTrue();
      assertThatThrownBy(() -> etcd.read("never-written", false))
          .isInstanceOf(NoSuchElementException.class).hasMessageContaining("never-written");
    }
  }

  @Test
  void staleReadFromAFollowerSeesTheValueOnceReplicated() throws Exception {
    try (EtcdTarget etcd = EtcdTarget.start(Layout.PROCESSES, dir)) {
      byte[] value = randomBytes(4096);

      etcd.write("segment-b", value);

      // A follower applies the entry after the leader acknowledged it: poll until it has.
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
          .ignoreException(NoSuchElementException.class)
          .until(() -> Arrays.equals(etcd.read("segment-b", true), value));
      assertThat(isLeader(etcd, etcd.staleReadMember())).isFalse();
    }
  }

  @Test
  void takeoverBumpsTheEpochEachTimeAndLoadsTheValue() throws Exception {
    try (EtcdTarget etcd = EtcdTarget.start(Layout.PROCESSES, dir)) {
      etcd.write("segment-c", randomBytes(70_000));
      assertThat(etcd.ownerEpoch("segment-c")).isZero();

      assertThat(etcd.takeover("segment-c")).isEqualTo(70_000);
      assertThat(etcd.ownerEpoch("segment-c")).isEqualTo(1);
      assertThat(etcd.takeover("segment-c")).isEqualTo(70_000);
      assertThat(etcd.ownerEpoch("segment-c")).isEqualTo(2);

      // Racing takeovers conflict in the transaction and retry: none is lost, none counted twice.
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<Long>> racing = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          racing.add(pool.submit(() -> etcd.takeover("segment-c")));
        }
        for (Future<Long> f : racing) {
          assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(70_000);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(etcd.ownerEpoch("segment-c")).isEqualTo(22);
    }
  }

  @Test
  void theLargestValueIsAcceptedAndOneByteMoreIsRefusedNamingEtcdsLimit() throws Exception {
    try (EtcdTarget etcd = EtcdTarget.start(Layout.PROCESSES, dir)) {
      String longestKey = "k".repeat(EtcdRequestLimit.MAX_KEY_BYTES);
      byte[] largest = randomBytes((int) etcd.maxValueBytes());

      etcd.write(longestKey, largest);
      assertThat(etcd.read(longestKey, false)).isEqualTo(largest);

      assertThatThrownBy(() -> etcd.write("segment-d", new byte[(int) etcd.maxValueBytes() + 1]))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("etcd's request limit").hasMessageContaining("1572864");
      // The limit is etcd's own: a value of exactly 1.5 MiB, sent past our check, is refused by etcd.
      try (Client raw = Client.builder().endpoints(etcd.cluster().clientEndpoints()).build()) {
        ByteSequence key = ByteSequence.from("raw", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> raw.getKVClient().put(key, ByteSequence.from(new byte[1_572_864]))
            .get(30, TimeUnit.SECONDS)).hasMessageContaining("request is too large");
      }
    }
  }

  @Test
  void aFullBackendIsReportedAsEtcdsSpaceQuota() throws Exception {
    // etcd keeps every revision: with a 1 MiB quota a few 256 KiB puts fill it. It checks the
    // quota against its database file, which grows when a write batch commits (every 100 ms), so
    // puts faster than that all pass until the commit: keep putting until one is refused (at
    // most 400 puts, 100 MiB, or 60 s).
    try (EtcdTarget etcd = EtcdTarget.start(Layout.PROCESSES, dir, List.of("--quota-backend-bytes=1048576"))) {
      byte[] value = randomBytes(256 * 1024);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);

      assertThatThrownBy(() -> {
        for (int i = 0; i < 400 && System.nanoTime() < deadline; i++) {
          etcd.write("segment-e", value);
        }
      }).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("--quota-backend-bytes").hasMessageContaining("database space exceeded");
    }
  }

  @Test
  void theInJvmLayoutIsRefused() {
    assertThatThrownBy(() -> EtcdTarget.start(Layout.IN_JVM, dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("IN_JVM").hasMessageContaining("PROCESSES");
  }

  @Test
  void closeStopsEveryMember() throws Exception {
    EtcdTarget etcd = EtcdTarget.start(Layout.PROCESSES, dir);
    List<ProcessHandle> members = etcd.nodeProcesses();
    assertThat(members).hasSize(3).allMatch(ProcessHandle::isAlive);
    assertThat(members.stream().map(ProcessHandle::pid).distinct()).hasSize(3)
        .doesNotContain(ProcessHandle.current().pid());

    etcd.close();

    assertThat(members).noneMatch(ProcessHandle::isAlive);
    assertThat(etcd.cluster().members()).allMatch(m -> m.logFile().toFile().length() > 0);
  }

  private static boolean isLeader(EtcdTarget etcd, EtcdMember member) throws Exception {
    try (Client raw = Client.builder().endpoints(member.clientUrl()).build()) {
      var status = raw.getMaintenanceClient().statusMember(member.clientUrl()).get(10, TimeUnit.SECONDS);
      return status.getLeader() == status.getHeader().getMemberId();
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    new Random(n).nextBytes(bytes);
    return bytes;
  }
}
