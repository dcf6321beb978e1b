package procsim.race.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Map;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import procsim.race.RaceEvidence;
import procsim.race.RaceMethod;
import procsim.race.RacePlan;
import procsim.race.RaceRow;
import procsim.race.RaceTally;

/** The table, the CSV, the JSON and the cross-check verdict of a sweep's points. */
class RaceReportTest {
    static RaceRow row(String mode, RaceMethod m, int w, int hits, int misses, long accounted, double seconds) {
        RaceTally t = new RaceTally();
        for (int i = 0; i < hits; i++) t.hit();
        for (int i = 0; i < misses; i++) t.miss();
        if (m == RaceMethod.CLONE3) t.error("EEXIST");
        RaceEvidence e = mode.equals("real") ? new RaceEvidence(0, 0, 0, 0, 0, Map.of())
                : new RaceEvidence(m == RaceMethod.NS_LAST_PID ? hits + misses : 0, hits, misses, 2, accounted,
                misses == 0 ? Map.of() : Map.of("taken", accounted));
        return new RaceRow(mode, RacePlan.of(m, w, hits + misses), t, e, seconds);
    }

    static final MachineRecord MACHINE = new MachineRecord(2, new double[] {1.5, 1.25, 1}, new double[] {2.5, 1.5, 1},
            "6.18.0-test", "OpenJDK 17", "0.1.0-SNAPSHOT");

    // ns_last_pid at W=2 over three runs: 40%, 10%, 20% missed (median 20%, IQR 15-30%, range 10-40%).
    static final RacePoint NS = new RacePoint("sim", RaceMethod.NS_LAST_PID, 2, 0, List.of(
            row("live", RaceMethod.NS_LAST_PID, 2, 6, 4, 4, 0.5), row("live", RaceMethod.NS_LAST_PID, 2, 9, 1, 1, 0.25),
            row("live", RaceMethod.NS_LAST_PID, 2, 8, 2, 2, 1)));
    static final RacePoint REAL = new RacePoint("real", RaceMethod.NS_LAST_PID, 2, 0, List.of(
            row("real", RaceMethod.NS_LAST_PID, 2, 50, 50, 0, Double.NaN)));
    static final RacePoint NA = new RacePoint("real", RaceMethod.NSD, 2, 0, List.of());
    private final List<RacePoint> points = List.of(NS, REAL, NA);

    @Test
    void theTableHasOneRowPerPointWithMedianAndSpread() {
        String[] lines = RaceReport.table(points).split("\n");
        assertThat(lines).hasSize(4);
        assertThat(lines[0].split("\\s+")).containsExactly("kernel", "method", "W", "gap_us", "n", "attempts",
                "misses", "miss%", "IQR", "min-max", "errors", "attempts/s", "accounted", "causes");
        assertThat(lines[1].split("\\s+")).containsExactly("sim", "ns_last_pid", "2", "0", "3", "30", "7", "20.0%",
                "15.0-30.0%", "10.0-40.0%", "-", "20", "7/7", "taken:7");
        assertThat(lines[2].split("\\s+")).containsExactly("real", "ns_last_pid", "2", "0", "1", "100", "50",
                "50.0%", "50.0-50.0%", "50.0-50.0%", "-", "-", "-", "-");
        assertThat(lines[3].split("\\s+")).containsExactly("real", "nsd", "2", "0", "-", "-", "-", "n/a", "-", "-",
                "-", "-", "-", "-");
    }

    @Test
    void theCsvCarriesTheMachineAsCommentsAndTheSpreadAsFields() throws IOException {
        String csv = RaceReport.csv(points, MACHINE);
        assertThat(csv.lines().limit(2)).containsExactly(
                "# machine: cpus=2 kernel=6.18.0-test jvm=OpenJDK 17 procsim=0.1.0-SNAPSHOT loadavg_before=1.50,1.25,1.00",
                "# machine: loadavg_after=2.50,1.50,1.00");
        CSVFormat f = CSVFormat.RFC4180.builder().setCommentMarker('#').setHeader().get();
        try (CSVParser p = CSVParser.parse(new StringReader(csv), f)) {
            assertThat(p.getHeaderNames()).containsExactly(RaceReport.CSV_HEADER);
            List<CSVRecord> recs = p.getRecords();
            assertThat(recs).hasSize(3);
            CSVRecord ns = recs.get(0);
            assertThat(ns.get("kernel") + " " + ns.get("mode") + " " + ns.get("method") + " " + ns.get("runs"))
                    .isEqualTo("sim live ns_last_pid 3");
            assertThat(ns.get("miss_rate_median")).isEqualTo("0.2000");
            assertThat(ns.get("miss_rate_q1")).isEqualTo("0.1500");
            assertThat(ns.get("miss_rate_q3")).isEqualTo("0.3000");
            assertThat(ns.get("miss_rate_iqr")).isEqualTo("0.1500");
            assertThat(ns.get("miss_rate_min")).isEqualTo("0.1000");
            assertThat(ns.get("miss_rate_max")).isEqualTo("0.4000");
            assertThat(ns.get("miss_rates")).isEqualTo("0.4000 0.1000 0.2000");
            assertThat(ns.get("accounted")).isEqualTo("7");
            assertThat(ns.get("attempts_per_s_median")).isEqualTo("20.0");
            assertThat(recs.get(1).get("writes")).isEmpty(); // the real kernel keeps no race log
            assertThat(recs.get(2).get("mode") + " " + recs.get(2).get("runs") + " " + recs.get(2).get("attempts"))
                    .isEqualTo("n/a 0 ");
        }
    }

    @Test
    void aFieldWithACommaIsQuoted() {
        RacePoint p = new RacePoint("sim", RaceMethod.CLONE3, 2, 0, List.of(row("live", RaceMethod.CLONE3, 2, 10, 0,
                0, 1)));
        MachineRecord m = new MachineRecord(2, null, null, "6.18", "Vendor, Inc. VM", "x");
        assertThat(RaceReport.csv(List.of(p), m)).contains("jvm=Vendor, Inc. VM").contains(",EEXIST:1,");
    }

    @Test
    void theJsonHasTheMachineTheSettingsAndEachPointsSpread() throws IOException {
        JsonNode j = new ObjectMapper().readTree(RaceReport.json(points, MACHINE, Map.of("runs", 3)));
        assertThat(j.at("/machine/cpus").asInt()).isEqualTo(2);
        assertThat(j.at("/machine/loadavg_before/0").asDouble()).isEqualTo(1.5);
        assertThat(j.at("/machine/loadavg_after/0").asDouble()).isEqualTo(2.5);
        assertThat(j.at("/machine/kernel").asText()).isEqualTo("6.18.0-test");
        assertThat(j.at("/machine/jvm").asText()).isEqualTo("OpenJDK 17");
        assertThat(j.at("/machine/procsim").asText()).isEqualTo("0.1.0-SNAPSHOT");
        assertThat(j.at("/machine/warning").asText()).contains("load average 2.50 exceeds the 2 CPUs");
        assertThat(j.at("/settings/runs").asInt()).isEqualTo(3);
        JsonNode ns = j.at("/points/0");
        assertThat(ns.at("/miss_rate/n").asInt()).isEqualTo(3);
        assertThat(ns.at("/miss_rate/median").asDouble()).isEqualTo(0.2);
        assertThat(ns.at("/miss_rate/q1").asDouble()).isCloseTo(0.15, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(ns.at("/miss_rate/q3").asDouble()).isCloseTo(0.3, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(ns.at("/miss_rate/min").asDouble()).isEqualTo(0.1);
        assertThat(ns.at("/miss_rate/max").asDouble()).isEqualTo(0.4);
        assertThat(ns.at("/per_run").size()).isEqualTo(3);
        assertThat(ns.at("/evidence/accounted").asLong()).isEqualTo(7);
        assertThat(j.at("/points/1/evidence").isMissingNode()).isTrue();
        assertThat(j.at("/points/2/applicable").asBoolean()).isFalse();
    }

    @Test
    void theCrossCheckFailsOnAnUnaccountedMissAndIgnoresTheRealKernel() {
        assertThat(RaceReport.crossCheckPassed(points)).isTrue();
        assertThat(RaceReport.crossCheck(points)).startsWith("cross-check: 7 of 7 sim ns_last_pid misses accounted for");
        List<RacePoint> bad = List.of(new RacePoint("sim", RaceMethod.NS_LAST_PID, 4, 0,
                List.of(row("live", RaceMethod.NS_LAST_PID, 4, 6, 4, 3, 1))));
        assertThat(RaceReport.crossCheckPassed(bad)).isFalse();
        assertThat(RaceReport.crossCheck(bad)).isEqualTo(
                "cross-check FAILED: ns_last_pid misses without their elsewhere line in the race log (W=4: 3 of 4)");
    }

    @Test
    void noWarningWhileTheLoadStaysWithinTheCpus() {
        assertThat(new MachineRecord(2, new double[] {2, 0, 0}, new double[] {1.9, 0, 0}, "k", "j", "p").warning())
                .isNull();
        assertThat(new MachineRecord(2, new double[] {2.01, 0, 0}, null, "k", "j", "p").warning())
                .startsWith("WARNING: load average 2.01 exceeds the 2 CPUs");
    }
}
