package io.ckpt.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  @Test
  void silentWithoutAConsole() {
    try (ProgressBar bar = new ProgressBar(err, "put x", false)) {
      bar.onProgress(8 << 20, 16 << 20);
    }
    assertThat(bytes.size()).isZero();
  }

  @Test
  void silentForSmallTransfers() {
    try (ProgressBar bar = new ProgressBar(err, "put x", true)) {
      bar.onProgress(1 << 20, ProgressBar.THRESHOLD);
    }
    assertThat(bytes.size()).isZero();
  }

  @Test
  void drawsLargeTransfersAndClearsAtTheEnd() {
    try (ProgressBar bar = new ProgressBar(err, "get big", true)) {
      bar.onProgress(8 << 20, 16 << 20);
      bar.onProgress(16 << 20, 16 << 20);
    }
    String s = bytes.toString(StandardCharsets.UTF_8);
    assertThat(s).contains("get big [", " 50% 8.0 MiB / 16.0 MiB", "100%").doesNotContain("\n");
    assertThat(s).endsWith("\r").matches("(?s).*\r +\r");
  }
}
