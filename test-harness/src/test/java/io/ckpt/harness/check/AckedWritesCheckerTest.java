package io.ckpt.harness.check;

import static io.ckpt.harness.history.Call.put;
import static io.ckpt.harness.history.Reply.written;
import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.harness.history.Op;
import io.ckpt.harness.history.Reply;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** No acknowledged write is lost once the faults have healed. */
class AckedWritesCheckerTest {
  /** Five acknowledged versions of "k" (values 11..15), then one write with no reply. */
  private static List<Op> history() {
    Hist h = new Hist();
    for (int v = 1; v <= 5; v++) {
      h.op(0, v * 10, v * 10 + 5, put("k", 10 + v), written(v, 100 + v));
    }
    return h.op(1, 60, 65, put("k", 99), Reply.fail("quota"))
        .unknown(1, 70, put("k", 16))
        .ops();
  }

  @Test
  void everyAcknowledgedWriteKeptIsAccepted() {
    // the UNKNOWN write took effect as version 6: more than was acknowledged is fine
    Report r = AckedWritesChecker.check(history(),
        Map.of("k", new FinalState(6, Map.of(4L, 14L, 5L, 15L, 6L, 16L))), 3);
    assertThat(r.verdict()).as(r.toString()).isEqualTo(Verdict.PASS);
    assertThat(r.line()).contains("acked-writes").contains("PASS")
        .contains("5 acknowledged writes");
  }

  @Test
  void lostLatestWriteIsRejected() {
    Report r = AckedWritesChecker.check(history(),
        Map.of("k", new FinalState(4, Map.of(2L, 12L, 3L, 13L, 4L, 14L))));
    assertThat(r.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(r.line()).contains("1 lost");
    assertThat(r.details()).singleElement().asString()
        .contains("lost: acknowledged version 5 but the final latest version is 4")
        .contains("#5 c0 PUT(value=15) -> OK version=5 revision=105");
  }

  @Test
  void retainedVersionWithAnotherValueIsRejected() {
    Report r = AckedWritesChecker.check(history(),
        Map.of("k", new FinalState(5, Map.of(3L, 13L, 4L, 99L, 5L, 15L))));
    assertThat(r.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(r.details()).singleElement().asString()
        .contains("overwritten: acknowledged version 4 with value 14 but version 4 now holds"
            + " value 99");
  }

  @Test
  void acknowledgedVersionMissingFromRetentionIsRejectedWhenRetentionIsKnown() {
    Map<String, FinalState> finals = Map.of("k", new FinalState(5, Map.of(3L, 13L, 5L, 15L)));
    assertThat(AckedWritesChecker.check(history(), finals).verdict()).isEqualTo(Verdict.PASS);
    Report r = AckedWritesChecker.check(history(), finals, 3);
    assertThat(r.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(r.details()).singleElement().asString().contains("missing: acknowledged version 4");
  }

  @Test
  void keyWithoutFinalStateIsUndecided() {
    Report r = AckedWritesChecker.check(history(), Map.of());
    assertThat(r.verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(r.details()).singleElement().asString().contains("no final state");
  }
}
