package io.ckpt.harness.bench.ratis;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.harness.bench.systems.Layout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bare-Ratis target with each node in its own process. */
class RatisTargetProcessTest {
  @TempDir Path dir;

  @Test
  void writesAreAppliedOnEveryNodeProcessAndCloseEndsTheProcesses() throws Exception {
    List<ProcessHandle> processes;
    try (RatisTarget target = RatisTarget.start(Layout.PROCESSES, dir)) {
      assertThat(target.nodesInThisJvm()).isFalse();
      assertThat(target.description()).contains("3 processes");
      processes = target.nodeProcesses();
      assertThat(processes).hasSize(3).allMatch(ProcessHandle::isAlive)
          .doesNotContain(ProcessHandle.current());

      for (int i = 0; i < 5; i++) {
        target.write("k" + i, new byte[1024]);
      }
      long last = target.lastAcknowledgedIndex();
      for (String node : target.nodeIds()) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
            .untilAsserted(() -> assertThat(target.appliedIndex(node)).isGreaterThanOrEqualTo(last));
      }
    }
    assertThat(processes).noneMatch(ProcessHandle::isAlive);
    assertThat(dir.resolve("n1")).doesNotExist();
    assertThat(dir.resolve("n1.log")).content().contains("bare Ratis node n1 started");
  }
}
