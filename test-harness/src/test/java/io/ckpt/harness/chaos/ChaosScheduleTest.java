package io.ckpt.harness.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.harness.check.Verdict;
import io.ckpt.harness.history.Op;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chaos runs CI does on every change: 5 server processes, 8 clients, every kind of fault,
 * seed {@code ckpt.chaos.seed}; once with chunked writes through the log (2 minutes), once with
 * stream ports (chunked writes as DataStream streams, the recommended set-up for large segments;
 * 75 s), or each for {@code ckpt.chaos.duration}. Every checker must pass. The history, timeline
 * and summary stay in {@code target/chaos-ci} and {@code target/chaos-ci-streams} (with each
 * node's log if a checker did not pass) for a post-mortem. The stream run's schedule (a
 * {@code corrupt_store} among link faults, then every link reset) is the one that found
 * followers acknowledging entries they never wrote (docs/reliability.md, finding 10), and a
 * follower that got a streamed entry without its stream and could not apply it (finding 11).
 */
class ChaosScheduleTest {
  @ParameterizedTest(name = "stream ports: {0}")
  @ValueSource(booleans = {false, true})
  void aSeededFaultScheduleKeepsEveryPromise(boolean streams) throws Exception {
    Duration duration = io.ckpt.client.util.Durations.parse(System.getProperty("ckpt.chaos.duration",
        streams ? "75s" : "2m"));
    long seed = Long.getLong("ckpt.chaos.seed", 20261126L);
    ChaosOptions options = new ChaosOptions(5, duration, 8, 4, seed,
        Path.of("target", streams ? "chaos-ci-streams" : "chaos-ci"), List.of(Fault.Kind.values()),
        Duration.ofSeconds(5), streams);

    ChaosReport report = new ChaosRun(options, System.out).run();
    System.out.println(report.text());

    assertThat(report.injected()).as("faults injected").isGreaterThan(3);
    assertThat(report.ops().stream().filter(o -> o.kind() == Op.Kind.PUT && o.outcome() == Op.Outcome.OK).count())
        .as("acknowledged writes").isGreaterThan(50);
    if (streams) {
      assertThat(report.streamPortBytes()).as("bytes the nodes streamed to each other").isPositive();
    }
    assertThat(report.verdict()).as(report.text()).isEqualTo(Verdict.PASS);
  }
}
