package io.ckpt.server.cli;

import io.ckpt.client.ProgressListener;
import java.io.PrintStream;

/**
 * A one-line progress bar on stderr for large transfers: drawn only on an interactive console
 * and only once the transfer is known to exceed 4 MiB; {@link #close()} clears it.
 */
public final class ProgressBar implements ProgressListener, AutoCloseable {
  static final long THRESHOLD = 4L << 20;
  private static final int WIDTH = 30;
  private final PrintStream err;
  private final String label;
  private final boolean enabled;
  private long lastDraw;
  private int drawnChars;

  ProgressBar(PrintStream err, String label, boolean enabled) {
    this.err = err;
    this.label = label;
    this.enabled = enabled;
  }

  /** A bar for the process's console, or a silent one when stdin/stdout are not a terminal. */
  public static ProgressBar forConsole(PrintStream err, String label) {
    return new ProgressBar(err, label, System.console() != null);
  }

  @Override
  public void onProgress(long done, long total) {
    long size = Math.max(done, total);
    if (!enabled || size <= THRESHOLD) {
      return;
    }
    long now = System.nanoTime();
    if (drawnChars > 0 && now - lastDraw < 100_000_000L && done != total) {
      return;
    }
    lastDraw = now;
    String line;
    if (total > 0) {
      int filled = (int) (WIDTH * Math.min(1.0, (double) done / total));
      line = String.format("%s [%s%s] %3d%% %s / %s", label, "#".repeat(filled), " ".repeat(WIDTH - filled),
          done * 100 / total, mib(done), mib(total));
    } else {
      line = String.format("%s %s", label, mib(done));
    }
    err.print("\r" + line + " ".repeat(Math.max(0, drawnChars - line.length())));
    err.flush();
    drawnChars = Math.max(drawnChars, line.length());
  }

  private static String mib(long bytes) {
    return String.format("%.1f MiB", bytes / 1048576.0);
  }

  /** Clears the bar, if one was drawn. */
  @Override
  public void close() {
    if (drawnChars > 0) {
      err.print("\r" + " ".repeat(drawnChars) + "\r");
      err.flush();
      drawnChars = 0;
    }
  }
}
