package procsim.race.lab;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import javax.imageio.ImageIO;

import procsim.race.RaceMethod;
import procsim.race.RaceRow;

/**
 * The race lab's chart: miss rate (percent of attempts that created a child with the wrong pid)
 * against the number of restorers W, one line per method, drawn with java.awt into a PNG
 * (headless: {@code java.awt.headless=true} is set before anything of AWT loads). The real
 * kernel's ns_last_pid measurement is drawn as a dashed grey reference where its W values are on
 * the axis. W values are spaced evenly, in increasing order.
 */
public final class MissRateChart {
    static final int WIDTH = 880;
    static final int HEIGHT = 520;
    /** Real Linux 6.18, ns_last_pid, W unsynchronized restorers (46-48% drawn as 47%). */
    static final Map<Integer, Double> REAL_NS_LAST_PID = Map.of(2, 57.0, 4, 47.0, 8, 47.0);

    private static final int LEFT = 70;
    private static final int RIGHT = 250;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    private static final Color[] COLORS = {new Color(0xd6, 0x27, 0x28), new Color(0x1f, 0x77, 0xb4),
        new Color(0x2c, 0xa0, 0x2c), new Color(0x94, 0x67, 0xbd)};

    private MissRateChart() {
    }

    /** Draws {@code rows} under {@code title} and writes the PNG to {@code file}. */
    public static void write(Path file, List<RaceRow> rows, String title) throws IOException {
        BufferedImage img = draw(rows, title);
        // through a stream of our own: ImageIO opening the file itself prints a failure's stack trace
        try (OutputStream os = Files.newOutputStream(file)) {
            if (!ImageIO.write(img, "png", os)) throw new IOException("no PNG writer in this JDK");
        }
    }

    /** The chart as an image. */
    public static BufferedImage draw(List<RaceRow> rows, String title) {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            plot(g, rows, title);
        } finally {
            g.dispose();
        }
        return img;
    }

    private static void plot(Graphics2D g, List<RaceRow> rows, String title) {
        int x0 = LEFT;
        int x1 = WIDTH - RIGHT;
        int y0 = HEIGHT - BOTTOM;
        int y1 = TOP;
        List<Integer> ws = new ArrayList<>(new TreeSet<>(rows.stream().map(r -> r.plan().workers()).toList()));
        if (ws.isEmpty()) ws.add(1);

        // Grid and axes.
        g.setStroke(new BasicStroke(1f));
        for (int p = 0; p <= 100; p += 10) {
            int y = yOf(p, y0, y1);
            g.setColor(p == 0 ? Color.BLACK : new Color(0xe0, 0xe0, 0xe0));
            g.drawLine(x0, y, x1, y);
            g.setColor(Color.DARK_GRAY);
            text(g, p + "%", x0 - 8, y + 4, 1, 12, false);
        }
        g.setColor(Color.BLACK);
        g.drawLine(x0, y0, x0, y1);
        for (int i = 0; i < ws.size(); i++) {
            int x = xOf(i, ws.size(), x0, x1);
            g.drawLine(x, y0, x, y0 + 5);
            text(g, Integer.toString(ws.get(i)), x, y0 + 20, 0, 12, false);
        }
        text(g, "W (restorers racing in one pid namespace)", (x0 + x1) / 2, HEIGHT - 15, 0, 13, false);
        text(g, "miss rate", 12, TOP - 14, -1, 13, false);
        text(g, title, WIDTH / 2, 24, 0, 15, true);

        int legendY = TOP + 10;
        // The real kernel's ns_last_pid, where its W values are on the axis.
        List<int[]> real = new ArrayList<>();
        for (int i = 0; i < ws.size(); i++) {
            Double v = REAL_NS_LAST_PID.get(ws.get(i));
            if (v != null) real.add(new int[] {xOf(i, ws.size(), x0, x1), yOf(v, y0, y1)});
        }
        boolean hasNsLastPid = rows.stream().anyMatch(r -> r.plan().method() == RaceMethod.NS_LAST_PID);
        if (!real.isEmpty() && hasNsLastPid) {
            g.setColor(Color.GRAY);
            g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {7f, 5f}, 0f));
            for (int i = 1; i < real.size(); i++) {
                g.drawLine(real.get(i - 1)[0], real.get(i - 1)[1], real.get(i)[0], real.get(i)[1]);
            }
            g.setStroke(new BasicStroke(2f));
            for (int[] p : real) g.draw(new Ellipse2D.Double(p[0] - 4, p[1] - 4, 8, 8));
            legend(g, legendY, Color.GRAY, null, true, "real 6.18 kernel, ns_last_pid");
            legendY += 22;
        }

        for (RaceMethod m : RaceMethod.values()) {
            Map<Integer, Double> byW = new TreeMap<>();
            for (RaceRow r : rows) {
                if (r.plan().method() == m) byW.put(r.plan().workers(), r.tally().missRate() * 100);
            }
            if (byW.isEmpty()) continue;
            Color c = COLORS[m.ordinal() % COLORS.length];
            int dx = (m.ordinal() - 1) * 5 - 2; // side by side where lines coincide (0% for most)
            List<int[]> pts = new ArrayList<>();
            for (int i = 0; i < ws.size(); i++) {
                Double v = byW.get(ws.get(i));
                if (v != null) pts.add(new int[] {xOf(i, ws.size(), x0, x1) + dx, yOf(v, y0, y1), (int) Math.round(v * 10)});
            }
            g.setColor(c);
            g.setStroke(new BasicStroke(2.2f));
            for (int i = 1; i < pts.size(); i++) {
                g.drawLine(pts.get(i - 1)[0], pts.get(i - 1)[1], pts.get(i)[0], pts.get(i)[1]);
            }
            for (int[] p : pts) {
                g.fill(marker(m, p[0], p[1]));
                if (p[2] > 0) text(g, String.format(Locale.ROOT, "%.1f%%", p[2] / 10.0), p[0], p[1] - 10, 0, 11, false);
            }
            legend(g, legendY, c, m, false, m == RaceMethod.CLONE3 ? "clone3 set_tid" : m == RaceMethod.NSD
                    ? "next_syscall_data (nsd)" : m == RaceMethod.ECLONE ? "eclone pids" : "ns_last_pid + fork");
            legendY += 22;
        }
    }

    private static void legend(Graphics2D g, int y, Color c, RaceMethod m, boolean dashed, String label) {
        int x = WIDTH - RIGHT + 20;
        g.setColor(c);
        if (dashed) {
            g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {7f, 5f}, 0f));
            g.drawLine(x, y, x + 28, y);
            g.setStroke(new BasicStroke(2f));
            g.draw(new Ellipse2D.Double(x + 10, y - 4, 8, 8));
        } else {
            g.setStroke(new BasicStroke(2.2f));
            g.drawLine(x, y, x + 28, y);
            g.fill(marker(m, x + 14, y));
        }
        g.setColor(Color.BLACK);
        text(g, label, x + 36, y + 4, -1, 12, false);
    }

    private static Shape marker(RaceMethod m, double x, double y) {
        double r = 5;
        return switch (m) {
            case NS_LAST_PID -> new Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r);
            case NSD -> new Rectangle2D.Double(x - r + 1, y - r + 1, 2 * r - 2, 2 * r - 2);
            case CLONE3 -> {
                Path2D.Double p = new Path2D.Double();
                p.moveTo(x, y - r - 1);
                p.lineTo(x + r + 1, y + r);
                p.lineTo(x - r - 1, y + r);
                p.closePath();
                yield p;
            }
            case ECLONE -> {
                Path2D.Double p = new Path2D.Double();
                p.moveTo(x, y - r - 1);
                p.lineTo(x + r + 1, y);
                p.lineTo(x, y + r + 1);
                p.lineTo(x - r - 1, y);
                p.closePath();
                yield p;
            }
        };
    }

    static int xOf(int i, int n, int x0, int x1) {
        int pad = 40;
        if (n == 1) return (x0 + x1) / 2;
        return x0 + pad + (int) Math.round((double) i * (x1 - x0 - 2 * pad) / (n - 1));
    }

    static int yOf(double percent, int y0, int y1) {
        return y0 - (int) Math.round(percent / 100.0 * (y0 - y1));
    }

    /**
     * Draws {@code s} aligned left (-1), centred (0) or right (1) of {@code x}. A JDK without
     * usable fonts draws no text rather than failing the whole chart.
     */
    private static void text(Graphics2D g, String s, int x, int y, int align, int size, boolean bold) {
        try {
            Color keep = g.getColor();
            g.setFont(new Font(Font.SANS_SERIF, bold ? Font.BOLD : Font.PLAIN, size));
            FontMetrics fm = g.getFontMetrics();
            int w = fm.stringWidth(s);
            int at = align < 0 ? x : align == 0 ? x - w / 2 : x - w;
            g.setColor(keep);
            g.drawString(s, at, y);
        } catch (RuntimeException | LinkageError | InternalError e) { // a JDK without fonts fails here
            // no text
        }
    }
}
