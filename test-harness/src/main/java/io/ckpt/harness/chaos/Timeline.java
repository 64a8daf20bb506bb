package io.ckpt.harness.chaos;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The fault timeline of a run: one line per event, offset from the start of the run, flushed as it goes. */
public final class Timeline implements Closeable {
  private final long startNanos;
  private final BufferedWriter out;
  private final List<String> lines = new ArrayList<>();

  public Timeline(Path file, long startNanos) {
    this.startNanos = startNanos;
    try {
      this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public synchronized void event(String what) {
    String line = String.format(java.util.Locale.ROOT, "%9.3fs  %s", (System.nanoTime() - startNanos) / 1e9, what);
    lines.add(line);
    try {
      out.write(line);
      out.newLine();
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}
