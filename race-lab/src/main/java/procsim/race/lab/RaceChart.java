package procsim.race.lab;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

import procsim.race.RaceMethod;

/**
 * The race lab's chart, drawn with XChart: the median miss rate of each point against W (or
 * against the gap when more than one gap was swept), one line per kernel and method (and W, in a
 * gap sweep), with an error bar from the lowest to the highest run and n in the legend. Sim and
 * real series sit side by side at each x (a small offset each), so equal values do not hide each
 * other. The y axis is fitted to the data. Only measured points are drawn: nothing is typed in.
 */
public final class RaceChart {
    public static final int WIDTH = 900;
    public static final int HEIGHT = 560;

    private RaceChart() {
    }

    /** The chart of the applicable points. */
    public static XYChart chart(List<RacePoint> points, String title) {
        boolean bySweep = points.stream().map(RacePoint::gapUs).distinct().count() > 1;
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(bySweep ? "gap between the ns_last_pid write and the fork (us)" : "W (racing restorers)")
                .yAxisTitle("miss rate, % (median; bars: min-max over the runs)").build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(yMax(points));
        c.getStyler().setYAxisDecimalPattern("0.#");
        c.getStyler().setErrorBarsColorSeriesColor(true);
        c.getStyler().setChartBackgroundColor(Color.WHITE);

        Map<String, List<RacePoint>> lines = new LinkedHashMap<>();
        TreeSet<Double> xs = new TreeSet<>();
        for (RacePoint p : points) {
            if (!p.applicable()) continue;
            String key = p.kernel() + " " + p.method().label() + (bySweep ? " W=" + p.workers() : "");
            lines.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
            xs.add((double) (bySweep ? p.gapUs() : p.workers()));
        }
        double step = 0.3 * minSpacing(xs) / Math.max(lines.size(), 1);
        int slot = 0;
        for (var e : lines.entrySet()) {
            List<RacePoint> ps = e.getValue();
            double off = (slot - (lines.size() - 1) / 2.0) * step;
            double[] x = new double[ps.size()];
            double[] med = new double[ps.size()];
            double[] mid = new double[ps.size()];
            double[] half = new double[ps.size()];
            int nMin = Integer.MAX_VALUE;
            int nMax = 0;
            for (int i = 0; i < ps.size(); i++) {
                RacePoint p = ps.get(i);
                Spread s = p.missRate();
                x[i] = (bySweep ? p.gapUs() : p.workers()) + off;
                med[i] = s.median() * 100;
                mid[i] = (s.min() + s.max()) / 2 * 100;
                half[i] = (s.max() - s.min()) / 2 * 100;
                nMin = Math.min(nMin, s.n());
                nMax = Math.max(nMax, s.n());
            }
            RacePoint first = ps.get(0);
            Color color = color(first.method());
            boolean real = first.kernel().equals(RacePoint.REAL);
            XYSeries m = c.addSeries(e.getKey() + " (n=" + (nMin == nMax ? nMin : nMin + "-" + nMax) + ")", x, med);
            m.setMarkerColor(color);
            m.setLineColor(color);
            m.setMarker(marker(first.method(), real));
            m.setLineStyle(real ? SeriesLines.DASH_DASH : SeriesLines.SOLID);
            // The range as an error bar around its own middle: XChart's bars are symmetric.
            XYSeries r = c.addSeries(e.getKey() + " min-max", x, mid, half);
            r.setMarker(SeriesMarkers.NONE);
            r.setLineStyle(SeriesLines.NONE);
            r.setLineColor(color);
            r.setShowInLegend(false);
            slot++;
        }
        return c;
    }

    /** The y axis's top, in percent: 15% above the highest run, at least 1%, rounded up to a whole 1%. */
    static double yMax(List<RacePoint> points) {
        double max = 0;
        for (RacePoint p : points) {
            if (p.applicable()) max = Math.max(max, p.missRate().max() * 100);
        }
        return Math.max(1, Math.ceil(max * 1.15));
    }

    private static double minSpacing(TreeSet<Double> xs) {
        double min = Double.MAX_VALUE;
        Double prev = null;
        for (double x : xs) {
            if (prev != null) min = Math.min(min, x - prev);
            prev = x;
        }
        return xs.size() < 2 ? 1 : min;
    }

    private static Color color(RaceMethod m) {
        return switch (m) {
            case NS_LAST_PID -> new Color(200, 40, 40);
            case NSD -> new Color(40, 90, 200);
            case CLONE3 -> new Color(30, 150, 60);
            case ECLONE -> new Color(140, 60, 170);
        };
    }

    private static Marker marker(RaceMethod m, boolean real) {
        if (real) return SeriesMarkers.DIAMOND;
        return switch (m) {
            case NS_LAST_PID -> SeriesMarkers.CIRCLE;
            case NSD -> SeriesMarkers.SQUARE;
            case CLONE3 -> SeriesMarkers.TRIANGLE_UP;
            case ECLONE -> SeriesMarkers.CROSS;
        };
    }

    /** Writes the chart as a PNG. */
    public static void writePng(Path file, List<RacePoint> points, String title) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(chart(points, title), out, BitmapEncoder.BitmapFormat.PNG);
        }
    }

    /** Writes the chart as an SVG. */
    public static void writeSvg(Path file, List<RacePoint> points, String title) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            VectorGraphicsEncoder.saveVectorGraphic(chart(points, title), out,
                    VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        }
    }
}
