package io.ckpt.harness.check;

import static io.ckpt.harness.history.Call.acquire;
import static io.ckpt.harness.history.Call.put;
import static io.ckpt.harness.history.Call.read;
import static io.ckpt.harness.history.Reply.acquired;
import static io.ckpt.harness.history.Reply.conflict;
import static io.ckpt.harness.history.Reply.fenced;
import static io.ckpt.harness.history.Reply.notFound;
import static io.ckpt.harness.history.Reply.written;
import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.harness.history.Op;
import io.ckpt.harness.history.Reply;
import org.junit.jupiter.api.Test;

/** Histories a correct store can produce: the checker must accept every one. */
class LinearizableHistoriesTest {
  private static final long NONE = Op.NONE;

  private static void assertLinearizable(Hist h) {
    LinearizabilityResult r = Hist.check(h);
    assertThat(r.verdict()).as(r.explanation()).isEqualTo(Verdict.PASS);
    assertThat(r.report().line()).contains("PASS");
  }

  @Test
  void sequential() {
    assertLinearizable(new Hist()
        .op(0, 0, 10, read("k"), notFound())
        .op(0, 20, 30, put("k", 11), written(1, 5))
        .op(1, 40, 50, read("k"), Reply.read(1, 5, 11))
        .op(1, 60, 70, put("k", 12), written(2, 9))
        .op(0, 80, 90, read("k"), Reply.read(2, 9, 12)));
  }

  @Test
  void concurrentPutsOrderedByTheirReplies() {
    // invoked first but committed second: the versions fix the order
    assertLinearizable(new Hist()
        .op(0, 0, 100, put("k", 11), written(2, 8))
        .op(1, 10, 50, put("k", 12), written(1, 7))
        .op(2, 20, 40, read("k"), Reply.read(1, 7, 12))
        .op(2, 110, 120, read("k"), Reply.read(2, 8, 11)));
  }

  @Test
  void readsOverlappingAPutMaySeeEitherSide() {
    assertLinearizable(new Hist()
        .op(0, 0, 10, put("k", 11), written(1, 1))
        .op(0, 20, 100, put("k", 12), written(2, 2))
        .op(1, 30, 40, read("k"), Reply.read(1, 1, 11))
        .op(2, 30, 60, read("k"), Reply.read(2, 2, 12))
        .op(1, 50, 70, read("k"), Reply.read(2, 2, 12)));
  }

  @Test
  void compareAndSetRaceOneWinsOneConflicts() {
    assertLinearizable(new Hist()
        .op(0, 0, 10, put("k", 11), written(1, 1))
        .op(1, 20, 60, put("k", 12, 1, NONE), conflict(2))
        .op(2, 25, 50, put("k", 13, 1, NONE), written(2, 2))
        .op(0, 70, 80, read("k"), Reply.read(2, 2, 13)));
  }

  @Test
  void unknownPutThatShowsUpInALaterRead() {
    assertLinearizable(new Hist()
        .unknown(0, 0, put("k", 11))
        .op(1, 10, 20, read("k"), notFound())
        .op(1, 100, 110, read("k"), Reply.read(1, 3, 11)));
  }

  @Test
  void unknownPutThatNeverShowsUp() {
    assertLinearizable(new Hist()
        .unknown(0, 0, put("k", 11))
        .op(1, 100, 110, read("k"), notFound())
        .op(1, 120, 130, put("k", 12), written(1, 4))
        .op(1, 140, 150, read("k"), Reply.read(1, 4, 12)));
  }

  @Test
  void unknownPutSeenOnlyAsAVersionGap() {
    assertLinearizable(new Hist()
        .op(0, 0, 10, put("k", 11), written(1, 1))
        .unknown(0, 20, put("k", 12))
        .op(1, 100, 110, put("k", 13), written(3, 7))
        .op(1, 120, 130, read("k"), Reply.read(3, 7, 13)));
  }

  @Test
  void manyUnknownPutsOnlySomeOfWhichTookEffect() {
    Hist h = new Hist().op(0, 0, 10, put("k", 1), written(1, 1));
    for (int i = 0; i < 40; i++) {
      h.unknown(1 + i, 20 + i, put("k", 100 + i));
    }
    // three of the forty took effect, unseen, then one more that a read saw
    h.op(0, 100, 110, put("k", 2), written(5, 9))
        .op(0, 120, 130, read("k"), Reply.read(6, 10, 117));
    assertLinearizable(h);
  }

  @Test
  void acquiresAndFencedPuts() {
    assertLinearizable(new Hist()
        .op(0, 0, 10, acquire("k", "a", false), acquired(1))
        .op(0, 20, 30, put("k", 11, NONE, 1), written(1, 2))
        .op(1, 40, 50, acquire("k", "b", false), conflict(NONE))
        .op(1, 60, 70, acquire("k", "b", true), acquired(2))
        .op(0, 80, 90, put("k", 12, NONE, 1), fenced(2))
        .op(1, 100, 110, put("k", 13, 1, 2), written(2, 5))
        .op(1, 120, 130, acquire("k", "b", false), acquired(2))
        .op(0, 140, 150, read("k"), Reply.read(2, 5, 13)));
  }

  @Test
  void unknownTakeoverThatFencesALaterPut() {
    assertLinearizable(new Hist()
        .op(0, 0, 10, acquire("k", "a", false), acquired(1))
        .unknown(1, 20, acquire("k", "b", true))
        .op(0, 100, 110, put("k", 11, NONE, 1), fenced(2)));
  }

  @Test
  void failedOpsAreIgnored() {
    assertLinearizable(new Hist()
        .op(0, 0, 10, put("k", 11), written(1, 1))
        .op(1, 20, 30, put("k", 12), Reply.fail("quota exceeded"))
        .op(0, 40, 50, read("k"), Reply.read(1, 1, 11))
        .unknown(1, 60, read("k")));
  }

  @Test
  void keysAreCheckedIndependently() {
    LinearizabilityResult r = Hist.check(new Hist()
        .op(0, 0, 10, put("a", 11), written(1, 1))
        .op(1, 0, 10, put("b", 21), written(1, 2))
        .op(0, 20, 30, read("b"), Reply.read(1, 2, 21))
        .op(1, 20, 30, read("a"), Reply.read(1, 1, 11)));
    assertThat(r.keys()).extracting(KeyResult::key).containsExactly("a", "b");
    assertThat(r.isLinearizable()).isTrue();
  }

  @Test
  void budgetExhaustedIsUnknownNotAVerdict() {
    Hist h = new Hist();
    for (int i = 0; i < 20; i++) {
      h.op(i, 0, 100, put("k", 100 + i), written(i + 1, i + 1));
    }
    LinearizabilityResult r = new LinearizabilityChecker().withMaxSteps(5).check(h.ops());
    assertThat(r.verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(r.explanation()).contains("undecided");
  }
}
