package io.ckpt.harness.check;

import static io.ckpt.harness.history.Call.put;
import static io.ckpt.harness.history.Call.staleRead;
import static io.ckpt.harness.history.Reply.staleNotFound;
import static io.ckpt.harness.history.Reply.written;
import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.harness.history.Reply;
import org.junit.jupiter.api.Test;

/** Stale reads are judged by their own promise: the key's state as of their appliedRevision. */
class StaleReadCheckerTest {
  /** Versions 1, 2, 3 of "k" committed at revisions 5, 9, 12. */
  private static Hist threeVersions() {
    return new Hist()
        .op(0, 0, 10, put("k", 11), written(1, 5))
        .op(0, 20, 30, put("k", 12), written(2, 9))
        .op(0, 40, 50, put("k", 13), written(3, 12));
  }

  @Test
  void oldButConsistentWithItsAppliedRevisionIsAccepted() {
    Report r = StaleReadChecker.check(threeVersions()
        // long after version 3 was acknowledged, a lagging node still serves version 2
        .op(1, 100, 110, staleRead("k"), Reply.staleRead(10, 2, 9, 12))
        .op(1, 120, 130, staleRead("k"), Reply.staleRead(12, 3, 12, 13))
        .op(1, 140, 150, staleRead("k"), staleNotFound(4))
        .op(1, 160, 170, staleRead("other"), staleNotFound(100))
        .unknown(1, 180, staleRead("k"))
        .ops());
    assertThat(r.verdict()).as(r.toString()).isEqualTo(Verdict.PASS);
    assertThat(r.line()).contains("stale-reads").contains("PASS").contains("4 stale reads");
  }

  @Test
  void olderThanItsReportedRevisionIsRejected() {
    Report r = StaleReadChecker.check(threeVersions()
        .op(1, 100, 110, staleRead("k"), Reply.staleRead(12, 2, 9, 12))
        .ops());
    assertThat(r.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(r.details()).singleElement().asString()
        .contains("older than it claims")
        .contains("version 3 was acknowledged at revision 12 <= appliedRevision 12")
        .contains("STALE_READ() -> OK version=2 revision=9 value=12 appliedRevision=12")
        .contains("PUT(value=13) -> OK version=3 revision=12");
  }

  @Test
  void fromTheFutureIsRejected() {
    Report r = StaleReadChecker.check(threeVersions()
        .op(1, 100, 110, staleRead("k"), Reply.staleRead(8, 2, 9, 12))
        .ops());
    assertThat(r.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(r.details()).singleElement().asString()
        .contains("from the future: revision 9 > appliedRevision 8");
  }

  @Test
  void notFoundAfterAnAppliedWriteIsRejected() {
    Report r = StaleReadChecker.check(threeVersions()
        .op(1, 100, 110, staleRead("k"), staleNotFound(5))
        .ops());
    assertThat(r.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(r.details()).singleElement().asString().contains("found nothing")
        .contains("revision 5 <= appliedRevision 5");
  }

  @Test
  void wrongValueOrRevisionForAKnownVersionIsRejected() {
    Report r = StaleReadChecker.check(threeVersions()
        .op(1, 100, 110, staleRead("k"), Reply.staleRead(10, 2, 9, 99))
        .op(1, 120, 130, staleRead("k"), Reply.staleRead(11, 2, 10, 12))
        .ops());
    assertThat(r.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(r.details()).hasSize(2);
    assertThat(r.details().get(0)).contains("version 2 read as value 99")
        .contains("written with value 12");
    assertThat(r.details().get(1)).contains("version 2 read at revision 10")
        .contains("committed at revision 9");
  }
}
