package io.durapay.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * The growth run as a PNG (java.awt, headless): four small panels against the number of payments —
 * throughput, heap after GC and resident size, database size, outbox lag.
 */
final class GrowthPlot {
  private static final int W = 900;
  private static final int H = 640;

  private GrowthPlot() {}

  static void write(List<StackBench.Stage> stages, Path file) throws IOException {
    System.setProperty("java.awt.headless", "true");
    BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, W, H);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    int pw = W / 2;
    int ph = H / 2;
    panel(g, stages, 0, 0, pw, ph, "throughput (/s)",
        new Series("ingest req/s", new Color(0x1f77b4), StackBench.Stage::ingestPerSecond),
        new Series("workflows/s", new Color(0xd62728), StackBench.Stage::workflowsPerSecond));
    panel(g, stages, pw, 0, pw, ph, "memory (MB)",
        new Series("heap after GC", new Color(0x2ca02c), s -> s.heapAfterGcMb()),
        new Series("JVM resident", new Color(0x9467bd), s -> s.residentMb()));
    panel(g, stages, 0, ph, pw, ph, "database size (MB)",
        new Series("pg_database_size", new Color(0x8c564b), s -> s.databaseMb()));
    panel(g, stages, pw, ph, pw, ph, "outbox lag (ms)",
        new Series("max", new Color(0xff7f0e), StackBench.Stage::outboxLagMaxMs),
        new Series("p99", new Color(0x7f7f7f), StackBench.Stage::outboxLagP99Ms));
    g.dispose();
    file.toAbsolutePath().getParent().toFile().mkdirs();
    ImageIO.write(image, "png", file.toFile());
  }

  record Series(String name, Color color, ToDoubleFunction<StackBench.Stage> value) {}

  private static void panel(Graphics2D g, List<StackBench.Stage> stages, int x, int y, int w, int h,
      String title, Series... series) {
    int left = x + 60;
    int right = x + w - 20;
    int top = y + 30;
    int bottom = y + h - 60;
    double maxX = stages.stream().mapToInt(StackBench.Stage::total).max().orElse(1);
    double maxY = 0;
    for (Series s : series) {
      for (StackBench.Stage stage : stages) {
        maxY = Math.max(maxY, s.value().applyAsDouble(stage));
      }
    }
    maxY = maxY <= 0 ? 1 : maxY * 1.15;
    g.setColor(Color.BLACK);
    g.drawString(title, left, y + 18);
    g.drawLine(left, bottom, right, bottom);
    g.drawLine(left, top, left, bottom);
    for (int i = 0; i <= 4; i++) {
      int ty = bottom - (bottom - top) * i / 4;
      g.setColor(new Color(0xdddddd));
      g.drawLine(left + 1, ty, right, ty);
      g.setColor(Color.BLACK);
      g.drawString(String.format("%.0f", maxY * i / 4), x + 8, ty + 4);
    }
    for (StackBench.Stage stage : stages) {
      int px = left + (int) ((right - left) * stage.total() / maxX);
      g.drawLine(px, bottom, px, bottom + 4);
      g.drawString(String.valueOf(stage.total()), px - 14, bottom + 18);
    }
    g.drawString("payments", right - 55, bottom + 34);
    int legend = left + 10;
    for (Series s : series) {
      g.setColor(s.color());
      g.setStroke(new BasicStroke(2f));
      int px0 = -1;
      int py0 = -1;
      for (StackBench.Stage stage : stages) {
        int px = left + (int) ((right - left) * stage.total() / maxX);
        int py = bottom - (int) ((bottom - top) * s.value().applyAsDouble(stage) / maxY);
        g.fillOval(px - 3, py - 3, 7, 7);
        if (px0 >= 0) {
          g.drawLine(px0, py0, px, py);
        }
        px0 = px;
        py0 = py;
      }
      g.setStroke(new BasicStroke(1f));
      g.fillRect(legend, bottom + 40, 12, 4);
      g.setColor(Color.BLACK);
      g.drawString(s.name(), legend + 16, bottom + 46);
      legend += 20 + g.getFontMetrics().stringWidth(s.name()) + 20;
    }
  }
}
