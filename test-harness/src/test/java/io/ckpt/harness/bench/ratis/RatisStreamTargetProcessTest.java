package io.ckpt.harness.bench.ratis;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.harness.bench.ratis.StreamAckStateMachine.Stats;
import io.ckpt.harness.bench.systems.Layout;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bare-Ratis DataStream target with each node in its own process. */
class RatisStreamTargetProcessTest {
  @TempDir Path dir;

  @Test
  void everyNodeProcessForcesAndLinksTheWholeValueAndCloseEndsTheProcesses() throws Exception {
    List<ProcessHandle> processes;
    try (RatisStreamTarget target = RatisStreamTarget.start(Layout.PROCESSES, dir)) {
      assertThat(target.nodesInThisJvm()).isFalse();
      assertThat(target.description()).contains("3 processes");
      processes = target.nodeProcesses();
      assertThat(processes).hasSize(3).allMatch(ProcessHandle::isAlive).doesNotContain(ProcessHandle.current());
      Map<String, Stats> before = RatisStreamTargetTest.stats(target);

      target.write("several", RatisStreamTargetTest.value(RatisStreamTargetTest.SEVERAL_MIB));
      target.write("one", new byte[] {1});

      RatisStreamTargetTest.assertLinkedEverywhere(target, before, 2, RatisStreamTargetTest.SEVERAL_MIB + 1);
    }
    assertThat(processes).noneMatch(ProcessHandle::isAlive);
    assertThat(dir.resolve("n1")).doesNotExist();
    assertThat(dir.resolve("n1.log")).content().contains("bare Ratis node n1 started").contains("DataStream on port");
  }
}
