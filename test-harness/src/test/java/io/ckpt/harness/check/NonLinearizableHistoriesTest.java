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

  /**
   * A READ invoked long after an acknowledged put finds nothing; many UNKNOWN puts and acquires
   * come before it. Two ops prove it, and the search sees it as soon as the put takes effect
   * (not only when the READ's turn comes, after trying every placement of the UNKNOWN ops).
   */
  @Test
  void lateReadFindsNothingAfterManyUnknownWrites() {
    Hist h = new Hist();
    long t = 0;
    for (int v = 1; v <= 200; v++) {
      if (v % 5 == 0) {
        h.unknown(2, t, put("k", 1_000 + v));
        h.unknown(3, t, acquire("k", "u" + v, true));
      }
      h.op(0, t, t + 10, put("k", 100 + v), written(v, v));
      t += 20;
    }
    h.op(1, t, t + 10, read("k"), notFound());
    LinearizabilityResult r = new LinearizabilityChecker().withMaxSteps(10_000).check(h.ops());
    assertThat(r.verdict()).as(r.explanation()).isEqualTo(Verdict.FAIL);
    assertThat(r.explanation()).contains("two ops prove it, whatever the others did:")
        .contains("PUT(value=300) -> OK version=200 revision=200")
        .contains("returned before the next was invoked, leaving the version at 200 or more")
        .contains("READ() -> NOT_FOUND")
        .contains("can take effect only while the version is at most 0");
  }

  /**
   * Forced ACQUIREs by owners no other op names are interchangeable: 24 UNKNOWN ones could
   * fill the 12 epochs the others skip in millions of ways, which the search need not tell
   * apart when the READ at the end fails them all.
   */
  @Test
  void unknownAcquiresByOwnersNobodyNamesFillEpochGapsAndAReadStillFails() {
    Hist h = new Hist();
    for (int j = 0; j < 24; j++) {
      h.unknown(2, j, acquire("k", "u" + j, true));
    }
    long t = 100;
    for (int e = 2; e <= 24; e += 2) {
      h.op(0, t, t + 5, acquire("k", "d" + e, true), acquired(e));
      t += 10;
    }
    h.op(0, t, t + 5, put("k", 11, NONE, 24), written(1, 1));
    h.op(1, t + 10, t + 15, read("k"), Reply.read(1, 1, 12));
    LinearizabilityResult r = new LinearizabilityChecker().withMaxSteps(100_000).check(h.ops());
    assertThat(r.verdict()).as(r.explanation()).isEqualTo(Verdict.FAIL);
    assertThat(r.explanation()).contains("READ() -> OK version=1 revision=1 value=12")
        .contains("expected OK version=1 value=11");
  }
}
