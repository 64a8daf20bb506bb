package io.ckpt.harness.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.harness.history.Op;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Thousands of ops per key from 8 concurrent clients, with UNKNOWN writes, check in seconds. */
class LinearizabilityPerformanceTest {
  private static final LinearizabilityChecker CHECKER = new LinearizabilityChecker()
      .withTimePerKey(Duration.ofSeconds(60));

  private static final List<Op> HISTORY = RegisterSimulation.run(42, 8, 2_000, 4, 0.02);

  @Test
  void largeValidHistoryIsLinearizable() {
    long unknown = HISTORY.stream().filter(op -> op.outcome() == Op.Outcome.UNKNOWN).count();
    assertThat(HISTORY).hasSize(16_000);
    assertThat(unknown).isGreaterThan(40);

    LinearizabilityResult r = CHECKER.check(HISTORY);
    System.out.println(r.report().line());
    assertThat(r.verdict()).as(r.explanation()).isEqualTo(Verdict.PASS);
    assertThat(StaleReadChecker.check(HISTORY).verdict()).isEqualTo(Verdict.PASS);
  }

  @Test
  void sameHistoryWithOneStaleReadIsRejected() {
    List<Op> bad = RegisterSimulation.withStaleReadInjected(HISTORY);
    LinearizabilityResult r = CHECKER.check(bad);
    System.out.println(r.report().line());
    System.out.println(r.explanation());
    assertThat(r.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(r.problems()).hasSize(1);
    assertThat(r.explanation()).contains("c99 READ()");
  }
}
