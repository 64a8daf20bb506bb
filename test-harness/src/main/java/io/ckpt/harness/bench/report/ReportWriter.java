package io.ckpt.harness.bench.report;

import io.ckpt.harness.bench.results.ResultsFile;
import io.ckpt.harness.bench.results.Workload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Writes the report of a results directory next to its data: {@code benchmarks.md} and one
 * {@code <workload>.png} per workload measured, from the latest run of every cell (all its
 * passes).
 */
public final class ReportWriter {
  public static final String MARKDOWN = "benchmarks.md";

  private ReportWriter() {}

  /** The chart file name of a workload, relative to the report. */
  public static String chartFile(Workload w) {
    return w.id() + ".png";
  }

  /** Writes the report; returns the files written. */
  public static List<Path> write(ResultsFile results) {
    List<PassStats> cells = PassStats.of(ResultsFile.latestRun(results.cells()));
    List<Path> written = new ArrayList<>();
    try {
      Path md = results.dir().resolve(MARKDOWN);
      Files.writeString(md, MarkdownReport.render(results.runs(), cells), StandardCharsets.UTF_8);
      written.add(md);
      for (Workload w : Workload.values()) {
        if (cells.stream().anyMatch(r -> r.cell().workload() == w)) {
          Path png = results.dir().resolve(chartFile(w));
          if (!ImageIO.write(BarChart.render(w, cells), "png", png.toFile())) {
            throw new IOException("no PNG writer in this JVM");
          }
          written.add(png);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return written;
  }
}
