package io.ckpt.harness.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.harness.history.History;
import io.ckpt.harness.history.Op;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key {@code chaos/k3} of a 30-minute chaos run: 14,227 ops, 68 of them UNKNOWN puts and
 * acquires, and, 16 minutes in, a READ answered NOT_FOUND after version 2,254 had been
 * acknowledged (most likely the client was streaming a version that retention removed
 * meanwhile, and reported that as not found). The search used to spend its whole budget placing
 * the UNKNOWN ops before that READ in every possible way; it must decide within the default
 * budget.
 */
class ChaosHistoryRegressionTest {
  private static final long NOT_FOUND_READ = 24722;

  private static List<Op> history;

  @BeforeAll
  static void load(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("chaos-run30-k3.jsonl");
    String fixture = "/histories/chaos-run30-k3.jsonl.gz";
    try (InputStream in = new GZIPInputStream(
        ChaosHistoryRegressionTest.class.getResourceAsStream(fixture))) {
      Files.copy(in, file);
    }
    history = History.read(file).ops();
  }

  @Test
  void theReadThatFoundNothingIsALinearizabilityViolation() {
    assertThat(history).hasSize(16_437);
    LinearizabilityResult r = new LinearizabilityChecker().check(history);
    System.out.println(r.report().line());
    System.out.println(r.explanation());
    assertThat(r.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(r.explanation())
        .contains("two ops prove it, whatever the others did:")
        .contains("#24693 c3 PUT(value=4398046512723) -> OK version=2254")
        .contains("#24722 c0 READ() -> NOT_FOUND")
        .contains("can take effect only while the version is at most 0");
  }

  @Test
  void withoutItTheHistoryIsLinearizable() {
    List<Op> rest = history.stream().filter(op -> op.id() != NOT_FOUND_READ).toList();
    LinearizabilityResult r = new LinearizabilityChecker().check(rest);
    System.out.println(r.report().line());
    assertThat(r.verdict()).as(r.explanation()).isEqualTo(Verdict.PASS);
  }
}
