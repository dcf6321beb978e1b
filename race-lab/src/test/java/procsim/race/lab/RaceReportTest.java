package procsim.race.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import procsim.race.RaceEvidence;
import procsim.race.RaceMethod;
import procsim.race.RacePlan;
import procsim.race.RaceRow;
import procsim.race.RaceTally;

/** The table, the CSV, the cross-check verdict and the chart. */
class RaceReportTest {
    private static RaceRow row(RaceMethod m, int w, int hits, int misses, long accounted, double seconds) {
        RaceTally t = new RaceTally();
        for (int i = 0; i < hits; i++) t.hit();
        for (int i = 0; i < misses; i++) t.miss();
        if (m == RaceMethod.CLONE3) t.error("EEXIST");
        RaceEvidence e = new RaceEvidence(m == RaceMethod.NS_LAST_PID ? hits + misses : 0, hits, misses, 2, accounted,
                misses == 0 ? Map.of() : Map.of("taken", accounted));
        return new RaceRow(Double.isNaN(seconds) ? "replay" : "live", RacePlan.of(m, w, hits + misses), t, e, seconds);
    }

    private final List<RaceRow> rows = List.of(row(RaceMethod.NS_LAST_PID, 2, 6, 4, 4, 0.5),
            row(RaceMethod.CLONE3, 2, 10, 0, 0, Double.NaN));

    @Test
    void theTableHasOneRowPerRun() {
        String[] lines = RaceReport.table(rows).split("\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).startsWith("method").contains("miss%", "attempts/s", "accounted", "causes");
        assertThat(lines[1].split("\\s+")).containsExactly("ns_last_pid", "2", "0", "10", "6", "4", "40.0%", "-",
                "20", "10", "4", "2", "4/4", "taken:4");
        assertThat(lines[2].split("\\s+")).containsExactly("clone3", "2", "0", "11", "10", "0", "0.0%", "EEXIST:1",
                "-", "0", "0", "2", "-", "-");
    }

    @Test
    void theCsvHasAHeaderAndEmptyTimesInReplay() {
        String[] lines = RaceReport.csv(rows).split("\n");
        assertThat(lines[0]).isEqualTo(RaceReport.CSV_HEADER);
        assertThat(lines[1]).isEqualTo("live,ns_last_pid,2,0,10,false,10,6,4,0.4000,,0.500,20.0,10,6,4,2,4,taken:4,reaped");
        assertThat(lines[2]).isEqualTo("replay,clone3,2,0,10,false,11,10,0,0.0000,EEXIST:1,,,0,10,0,2,0,,reaped");
    }

    @Test
    void theCrossCheckFailsOnAnUnaccountedMiss() {
        assertThat(RaceReport.crossCheckPassed(rows)).isTrue();
        assertThat(RaceReport.crossCheck(rows)).startsWith("cross-check: 4 of 4 ns_last_pid misses accounted for");
        List<RaceRow> bad = List.of(row(RaceMethod.NS_LAST_PID, 4, 6, 4, 3, 1));
        assertThat(RaceReport.crossCheckPassed(bad)).isFalse();
        assertThat(RaceReport.crossCheck(bad)).isEqualTo(
                "cross-check FAILED: ns_last_pid misses without their elsewhere line in the race log (W=4: 3 of 4)");
    }

    @Test
    void theChartIsAPngWithTheMissRateDrawn(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("race.png");
        MissRateChart.write(png, rows, "test");
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(MissRateChart.WIDTH);
        assertThat(img.getHeight()).isEqualTo(MissRateChart.HEIGHT);
        // ns_last_pid's red marker at W=2 (the only W: centred), 40%.
        int x = MissRateChart.xOf(0, 1, 70, MissRateChart.WIDTH - 250) - 2 - 5;
        int y = MissRateChart.yOf(40, MissRateChart.HEIGHT - 60, 50);
        int rgb = img.getRGB(x, y) & 0xffffff;
        assertThat((rgb >> 16) & 0xff).isGreaterThan(150);
        assertThat(rgb & 0xff).isLessThan(120);
    }
}
