package procsim.race.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

import procsim.race.RaceMethod;

/** The XChart chart: medians with min-max bars, n, a fitted y axis, sim and real side by side. */
class RaceChartTest {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private final List<RacePoint> points = List.of(RaceReportTest.NS, RaceReportTest.REAL, RaceReportTest.NA);

    @Test
    void eachKernelAndMethodIsAMedianLineWithItsRangeAsErrorBars() {
        XYChart c = RaceChart.chart(points, "t");
        assertThat(c.getSeriesMap().keySet()).containsExactly("sim ns_last_pid (n=3)", "sim ns_last_pid min-max",
                "real ns_last_pid (n=1)", "real ns_last_pid min-max");
        XYSeries sim = c.getSeriesMap().get("sim ns_last_pid (n=3)");
        assertThat(sim.getYData()).containsExactly(20.0);
        XYSeries bars = c.getSeriesMap().get("sim ns_last_pid min-max");
        // 10% to 40%: centred on 25%, 15% either way.
        assertThat(bars.getYData()[0]).isCloseTo(25.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(bars.getExtraValues()[0]).isCloseTo(15.0, org.assertj.core.data.Offset.offset(1e-9));
        // The bars alone: no line joins the ranges' middles, no marker sits on them.
        assertThat(bars.getLineStyle()).isSameAs(org.knowm.xchart.style.lines.SeriesLines.NONE);
        assertThat(bars.getMarker()).isSameAs(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
        // Side by side: both at W=2, neither exactly on it, sim left of real.
        double xs = sim.getXData()[0];
        double xr = c.getSeriesMap().get("real ns_last_pid (n=1)").getXData()[0];
        assertThat(xs).isLessThan(2.0);
        assertThat(xr).isGreaterThan(2.0).isLessThan(2.5);
    }

    @Test
    void theYAxisIsFittedToTheData() {
        assertThat(RaceChart.yMax(points)).isEqualTo(58.0); // real's 50% + 15%
        assertThat(RaceChart.yMax(List.of(RaceReportTest.NS))).isEqualTo(46.0);
        assertThat(RaceChart.yMax(List.of(RaceReportTest.NA))).isEqualTo(1.0);
        assertThat(RaceChart.chart(points, "t").getStyler().getYAxisMax()).isEqualTo(58.0);
    }

    @Test
    void aGapSweepPutsTheGapOnTheXAxis() {
        RacePoint g0 = RaceReportTest.NS;
        RacePoint g50 = new RacePoint("sim", RaceMethod.NS_LAST_PID, 2, 50, g0.runs());
        XYChart c = RaceChart.chart(List.of(g0, g50), "t");
        assertThat(c.getSeriesMap().keySet()).containsExactly("sim ns_last_pid W=2 (n=3)",
                "sim ns_last_pid W=2 min-max");
        assertThat(c.getSeriesMap().get("sim ns_last_pid W=2 (n=3)").getXData()).containsExactly(0.0, 50.0);
        assertThat(c.getXAxisTitle()).contains("gap");
    }

    @Test
    void pngAndSvgAreWritten(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("r.png");
        Path svg = dir.resolve("r.svg");
        RaceChart.writePng(png, points, "t");
        RaceChart.writeSvg(svg, points, "t");
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(RaceChart.WIDTH);
        assertThat(img.getHeight()).isEqualTo(RaceChart.HEIGHT);
        String text = Files.readString(svg);
        // Vector: the series drawn as paths in ns_last_pid's red (VectorGraphics2D draws text as glyph outlines).
        assertThat(text).contains("<svg", "viewBox=\"0 0 900 560\"", "<path", "rgb(200,40,40)");
    }
}
