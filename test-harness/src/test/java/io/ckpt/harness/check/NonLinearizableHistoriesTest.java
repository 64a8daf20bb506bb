package io.ckpt.harness.check;

import static io.ckpt.harness.history.Call.acquire;
import static io.ckpt.harness.history.Call.put;
import static io.ckpt.harness.history.Call.read;
import static io.ckpt.harness.history.Reply.acquired;
import static io.ckpt.harness.history.Reply.conflict;
import static io.ckpt.harness.history.Reply.notFound;
import static io.ckpt.harness.history.Reply.written;
import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.harness.history.Op;
import io.ckpt.harness.history.Reply;
import org.junit.jupiter.api.Test;

/**
 * The checker is checked: each history here breaks linearizability in one known way, and the
 * checker must reject it and say where.
 */
class NonLinearizableHistoriesTest {
  private static final long NONE = Op.NONE;

  /** Asserts the history is rejected and returns the explanation. */
  private static String rejected(Hist h) {
    LinearizabilityResult r = Hist.check(h);
    assertThat(r.verdict()).as("history must be rejected").isEqualTo(Verdict.FAIL);
    assertThat(r.report().line()).contains("FAIL").contains("not linearizable: k");
    String why = r.explanation();
    assertThat(why).contains("key \"k\" is NOT linearizable");
    return why;
  }

  @Test
  void staleReadAfterAnAcknowledgedPut() {
    String why = rejected(new Hist()
        .op(0, 0, 10, put("k", 11), written(1, 1))
        .op(0, 20, 30, put("k", 12), written(2, 2))
        .op(1, 40, 50, read("k"), Reply.read(1, 1, 11)));
    assertThat(why).contains("#3 c1 READ() -> OK version=1 revision=1 value=11")
        .contains("expected OK version=2 value=12");
  }

  @Test
  void lostWriteReadsNotFound() {
    String why = rejected(new Hist()
        .op(0, 0, 10, put("k", 11), written(1, 1))
        .op(1, 20, 30, read("k"), notFound()));
    assertThat(why).contains("READ() -> NOT_FOUND").contains("expected OK version=1 value=11");
  }

  @Test
  void lostWriteReadsAnOlderValue() {
    String why = rejected(new Hist()
        .op(0, 0, 10, put("k", 11), written(1, 1))
        .op(0, 20, 30, put("k", 12), written(2, 2))
        .op(1, 40, 50, read("k"), Reply.read(2, 2, 11)));
    assertThat(why).contains("value=11").contains("expected OK version=2 value=12");
  }

  @Test
  void twoCompareAndSetsWithTheSameExpectedVersionBothSucceed() {
    String why = rejected(new Hist()
        .op(0, 0, 10, put("k", 11), written(1, 1))
        .op(1, 20, 40, put("k", 12, 1, NONE), written(2, 2))
        .op(2, 25, 45, put("k", 13, 1, NONE), written(3, 3)));
    assertThat(why).contains("expectVersion=1").contains("expected CONFLICT version=2");
  }

  @Test
  void readOfAValueNeverWritten() {
    String why = rejected(new Hist()
        .op(0, 0, 10, put("k", 11), written(1, 1))
        .op(1, 5, 30, read("k"), Reply.read(1, 1, 999)));
    assertThat(why).contains("value=999").contains("expected OK version=1");
  }

  @Test
  void versionsGoBackwardsBetweenTwoSequentialReads() {
    String why = rejected(new Hist()
        .op(0, 0, 10, put("k", 11), written(1, 1))
        .op(0, 20, 100, put("k", 12), written(2, 2))
        .op(1, 30, 40, read("k"), Reply.read(2, 2, 12))
        .op(1, 50, 60, read("k"), Reply.read(1, 1, 11)));
    assertThat(why).contains("#4 c1 READ() -> OK version=1")
        .contains("expected OK version=2 value=12");
  }

  @Test
  void putWithAnOldEpochSucceedsAfterATakeover() {
    String why = rejected(new Hist()
        .op(0, 0, 10, acquire("k", "a", false), acquired(1))
        .op(0, 20, 30, put("k", 11, NONE, 1), written(1, 2))
        .op(1, 40, 50, acquire("k", "b", true), acquired(2))
        .op(0, 60, 70, put("k", 12, NONE, 1), written(2, 4)));
    assertThat(why).contains("PUT(value=12 epoch=1) -> OK version=2")
        .contains("expected FENCED epoch=2");
  }

  @Test
  void twoAcknowledgedPutsWithTheSameVersion() {
    String why = rejected(new Hist()
        .op(0, 0, 10, put("k", 11), written(1, 1))
        .op(1, 20, 30, put("k", 12), written(1, 2)));
    assertThat(why).contains("PUT(value=12) -> OK version=1").contains("expected OK version=2");
  }

  @Test
  void twoConcurrentPutsWithTheSameVersion() {
    rejected(new Hist()
        .op(0, 0, 30, put("k", 11), written(1, 1))
        .op(1, 10, 40, put("k", 12), written(1, 2)));
  }

  @Test
  void conflictReportsAVersionTheRegisterNeverHad() {
    String why = rejected(new Hist()
        .op(0, 0, 10, put("k", 11), written(1, 1))
        .op(1, 20, 30, put("k", 12, 0, NONE), conflict(3)));
    assertThat(why).contains("CONFLICT version=3").contains("expected CONFLICT version=1");
  }

  @Test
  void unknownPutCannotTakeEffectBeforeItsInvocation() {
    String why = rejected(new Hist()
        .op(1, 0, 10, read("k"), Reply.read(1, 1, 11))
        .unknown(0, 20, put("k", 11)));
    assertThat(why).contains("expected NOT_FOUND");
  }

  @Test
  void unknownPutCannotHideALostWrite() {
    // an UNKNOWN put may add versions, but cannot make an acknowledged one disappear
    rejected(new Hist()
        .op(0, 0, 10, put("k", 11), written(1, 1))
        .unknown(1, 5, put("k", 12))
        .op(0, 20, 30, read("k"), notFound()));
  }

  @Test
  void explanationShowsTheLongestPrefix() {
    Hist h = new Hist();
    for (int v = 1; v <= 20; v++) {
      h.op(0, v * 10, v * 10 + 5, put("k", 100 + v), written(v, v));
    }
    h.op(1, 300, 310, read("k"), Reply.read(19, 19, 119));
    String why = rejected(h);
    assertThat(why).contains("longest linearizable prefix: 20 of 21 ops with replies")
        .contains("last 12 steps shown")
        .contains("state after the prefix: {version=20");
  }
}
