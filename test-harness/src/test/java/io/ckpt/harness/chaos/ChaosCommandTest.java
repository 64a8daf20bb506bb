package io.ckpt.harness.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.server.cli.CkptCommand;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code ckpt chaos} is found on the class path and refuses bad options in one clear line, starting nothing. */
class ChaosCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return CkptCommand.run(new CkptCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), new ByteArrayInputStream(new byte[0]), k -> null), args);
  }

  @Test
  void helpListsTheOptions() {
    assertThat(run("chaos", "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("--nodes", "--duration", "--clients", "--seed", "--faults", "--streams");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--nodes|4|--nodes must be 3 or 5",
      "--duration|5s|--duration must be 10s..50m",
      "--duration|2h|--duration must be 10s..50m",
      "--duration|soon|--duration",
      "--clients|0|--clients must be 1..64",
      "--faults|kill,meteor|unknown fault kind 'meteor'",
      "--op-timeout|10ms|operation timeout must be at least 500ms"})
  void badOptionsAreOneClearLine(String option, String value, String message) {
    assertThat(run("chaos", option, value)).isEqualTo(1);
    String text = err.toString(StandardCharsets.UTF_8);
    assertThat(text).contains(message).doesNotContain("Exception").doesNotContain("\tat ");
  }
}
