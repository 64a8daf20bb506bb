package io.ckpt.harness.bench.report;

import io.ckpt.client.util.Sizes;
import io.ckpt.harness.bench.results.Cell;
import io.ckpt.harness.bench.results.Workload;
import io.ckpt.harness.bench.systems.Layout;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One workload's chart: a panel per value size, in each a group of bars per client count, one
 * bar (colour) per system and layout. Panels of values under 1 MiB plot operations per second,
 * larger ones MB/s; each panel has its own scale. A cell that did not run is marked {@code ×} at
 * the foot of its bar's place; a cell with errors (in any pass) gets a {@code !} above its bar. A
 * cell of several passes is drawn at its median.
 */
public final class BarChart {
  public static final int WIDTH = 1400;
  public static final int HEIGHT = 640;
  private static final int TOP = 96;
  private static final int BOTTOM = 84;
  private static final int LEFT = 20;
  private static final int RIGHT = 20;
  private static final int PANEL_GAP = 26;
  private static final int AXIS = 58;
  private static final Color[] BASE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
      new Color(0x9467bd), new Color(0x8c564b)};
  private static final Color GRID = new Color(0xdddddd);
  private static final Color TEXT = new Color(0x222222);

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private BarChart() {}

  /** The chart of {@code results} (cells of workload {@code w}; others are ignored): medians over passes. */
  public static BufferedImage render(Workload w, List<PassStats> results) {
    List<PassStats> cells = results.stream().filter(s -> s.cell().workload() == w).toList();
    TreeSet<Long> sizes = new TreeSet<>();
    TreeSet<Integer> clients = new TreeSet<>();
    Map<String, Color> series = new LinkedHashMap<>();
    cells.stream().map(PassStats::cell)
        .sorted(Comparator.comparingInt((Cell c) -> MarkdownReport.systemRank(c.system())).thenComparing(Cell::layout))
        .forEach(c -> {
          sizes.add(c.size());
          clients.add(c.clients());
          series.computeIfAbsent(seriesName(c), k -> colour(c));
        });

    BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      g.setColor(TEXT);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
      g.drawString(w.id() + ": " + w.title() + ", 3 nodes, fsync on"
          + (cells.stream().anyMatch(PassStats::several) ? ", medians over passes" : ""), LEFT, 30);
      legend(g, series);
      if (cells.isEmpty()) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 16));
        g.drawString("no results", LEFT, TOP + 40);
        return img;
      }
      int panelWidth = (WIDTH - LEFT - RIGHT - PANEL_GAP * (sizes.size() - 1)) / sizes.size();
      int x = LEFT;
      for (long size : sizes) {
        panel(g, x, panelWidth, size, new ArrayList<>(clients), series, cells);
        x += panelWidth + PANEL_GAP;
      }
    } finally {
      g.dispose();
    }
    return img;
  }

  private static String seriesName(Cell c) {
    return c.system() + " / " + Cell.layoutName(c.layout());
  }

  private static Color colour(Cell c) {
    Color base = BASE[Math.min(MarkdownReport.systemRank(c.system()), BASE.length - 1)];
    if (c.layout() == Layout.IN_JVM) {
      return base;
    }
    // processes: the same hue, lighter
    return new Color((base.getRed() + 255) / 2, (base.getGreen() + 255) / 2, (base.getBlue() + 255) / 2);
  }

  private static void legend(Graphics2D g, Map<String, Color> series) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
    FontMetrics fm = g.getFontMetrics();
    int x = LEFT;
    int y = 58;
    for (Map.Entry<String, Color> s : series.entrySet()) {
      g.setColor(s.getValue());
      g.fillRect(x, y - 12, 16, 16);
      g.setColor(TEXT);
      g.drawString(s.getKey(), x + 22, y + 1);
      x += 22 + fm.stringWidth(s.getKey()) + 28;
    }
    g.setColor(TEXT);
    g.drawString("×: not run (see the table)    !: errors", x + 10, y + 1);
  }

  private static boolean megabytes(long size) {
    return size >= 1L << 20;
  }

  private static double value(PassStats r, long size) {
    return megabytes(size) ? r.mbPerSecond() : r.opsPerSecond();
  }

  private static void panel(Graphics2D g, int x0, int width, long size, List<Integer> clients, Map<String, Color> series,
      List<PassStats> cells) {
    Map<String, PassStats> at = new LinkedHashMap<>();
    double max = 0;
    for (PassStats r : cells) {
      if (r.cell().size() == size) {
        at.put(seriesName(r.cell()) + "@" + r.cell().clients(), r);
        if (r.ran()) {
          max = Math.max(max, value(r, size));
        }
      }
    }
    double top = niceCeiling(max);
    int plotX = x0 + AXIS;
    int plotW = width - AXIS;
    int plotTop = TOP + 24;
    int plotBottom = HEIGHT - BOTTOM;
    int plotH = plotBottom - plotTop;

    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.setColor(TEXT);
    String title = Sizes.format(size) + " values";
    g.drawString(title, plotX + (plotW - g.getFontMetrics().stringWidth(title)) / 2, TOP + 6);

    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    FontMetrics fm = g.getFontMetrics();
    for (int i = 0; i <= 4; i++) {
      double v = top * i / 4;
      int y = plotBottom - (int) Math.round(plotH * i / 4.0);
      g.setColor(GRID);
      g.drawLine(plotX, y, plotX + plotW, y);
      g.setColor(TEXT);
      String label = Fmt.compact(v);
      g.drawString(label, plotX - 6 - fm.stringWidth(label), y + 5);
    }
    AffineTransform saved = g.getTransform();
    g.rotate(-Math.PI / 2);
    String unit = megabytes(size) ? "MB/s" : "ops/s";
    g.drawString(unit, -(plotTop + plotH / 2 + fm.stringWidth(unit) / 2), x0 + 14);
    g.setTransform(saved);

    int groups = clients.size();
    int groupW = plotW / groups;
    int bars = Math.max(1, series.size());
    int barW = Math.max(3, (int) ((groupW * 0.8) / bars));
    for (int gi = 0; gi < groups; gi++) {
      int gx = plotX + gi * groupW + (groupW - barW * bars) / 2;
      int si = 0;
      for (Map.Entry<String, Color> s : series.entrySet()) {
        PassStats r = at.get(s.getKey() + "@" + clients.get(gi));
        int bx = gx + si * barW;
        si++;
        if (r == null) {
          continue;
        }
        if (!r.ran()) {
          g.setColor(s.getValue().darker());
          g.drawString("×", bx + (barW - fm.stringWidth("×")) / 2, plotBottom - 4);
          continue;
        }
        int h = top > 0 ? (int) Math.round(plotH * value(r, size) / top) : 0;
        g.setColor(s.getValue());
        g.fillRect(bx + 1, plotBottom - h, barW - 2, h);
        String above = barW >= 30 ? Fmt.compact(value(r, size)) : "";
        if (r.errors()) {
          above = above.isEmpty() ? "!" : above + "!";
        }
        if (!above.isEmpty()) {
          g.setColor(r.errors() ? Color.RED.darker() : TEXT);
          g.drawString(above, bx + (barW - fm.stringWidth(above)) / 2, plotBottom - h - 4);
        }
      }
      g.setColor(TEXT);
      String label = Integer.toString(clients.get(gi));
      g.drawString(label, plotX + gi * groupW + (groupW - fm.stringWidth(label)) / 2, plotBottom + 18);
    }
    g.setColor(TEXT);
    g.setStroke(new BasicStroke(1.2f));
    g.drawLine(plotX, plotBottom, plotX + plotW, plotBottom);
    g.drawLine(plotX, plotTop, plotX, plotBottom);
    String axis = "concurrent clients";
    g.drawString(axis, plotX + (plotW - fm.stringWidth(axis)) / 2, plotBottom + 40);
  }

  /** 1, 2 or 5 times a power of ten, at least {@code v} (1 when there is nothing). */
  static double niceCeiling(double v) {
    if (!(v > 0)) {
      return 1;
    }
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * p >= v) {
        return m * p;
      }
    }
    return 10 * p;
  }
}
