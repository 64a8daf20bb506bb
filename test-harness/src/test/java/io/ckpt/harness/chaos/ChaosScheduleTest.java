package io.ckpt.harness.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.harness.check.Verdict;
import io.ckpt.harness.history.Op;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The chaos run CI does on every change: 5 server processes, 8 clients, every kind of fault, for
 * {@code ckpt.chaos.duration} (2 minutes by default), seed {@code ckpt.chaos.seed}, chunked
 * writes through the log. Every checker must pass. The history, timeline and summary stay in
 * {@code target/chaos-ci} (with each node's log if a checker did not pass) for a post-mortem.
 * Runs with stream ports ({@code ckpt chaos --streams}) are not in CI yet: their 75 s schedule
 * with this seed twice left a follower behind for good, in what looks like a Ratis 3.3.0
 * appender bug (docs/reliability.md, "In CI").
 */
class ChaosScheduleTest {
  @Test
  void aSeededFaultScheduleKeepsEveryPromise() throws Exception {
    Duration duration = io.ckpt.client.util.Durations.parse(System.getProperty("ckpt.chaos.duration", "2m"));
    long seed = Long.getLong("ckpt.chaos.seed", 20261126L);
    ChaosOptions options = new ChaosOptions(5, duration, 8, 4, seed, Path.of("target", "chaos-ci"),
        List.of(Fault.Kind.values()), Duration.ofSeconds(5), false);

    ChaosReport report = new ChaosRun(options, System.out).run();
    System.out.println(report.text());

    assertThat(report.injected()).as("faults injected").isGreaterThan(3);
    assertThat(report.ops().stream().filter(o -> o.kind() == Op.Kind.PUT && o.outcome() == Op.Outcome.OK).count())
        .as("acknowledged writes").isGreaterThan(50);
    assertThat(report.verdict()).as(report.text()).isEqualTo(Verdict.PASS);
  }
}
