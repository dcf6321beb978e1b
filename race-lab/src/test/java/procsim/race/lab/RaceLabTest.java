package procsim.race.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import procsim.race.RaceMethod;

/** The sweep's output as it runs: the machine record first, then each point's row as soon as it is done. */
class RaceLabTest {
    /** Keeps what had been written at each flush. */
    private static final class Snapshots extends StringWriter {
        final List<String> atFlush = new ArrayList<>();

        @Override
        public void flush() {
            atFlush.add(toString());
        }
    }

    private static RaceLab.Options replay(List<Integer> workers, int runs) {
        return new RaceLab.Options(List.of(RaceMethod.NS_LAST_PID), workers, 20, 0, false, false, 1000, true, 3, null,
                32768, null, null, null, runs, List.of(0), List.of(RacePoint.SIM), null, null, null, "test",
                RaceLab.Options.THREADS, List.of());
    }

    @Test
    void rowsStreamAsEachPointFinishes() {
        Snapshots out = new Snapshots();
        int rc = new RaceLab(replay(List.of(2, 4), 2), p -> {
            throw new AssertionError("a replay mounts nothing");
        }, new PrintWriter(out), new PrintWriter(new StringWriter())).run();
        assertThat(rc).isZero();
        String all = out.toString();
        String[] lines = all.split("\n");
        assertThat(lines[1]).startsWith("# machine: cpus=").contains("procsim=test", "loadavg_before=");
        int header = all.indexOf(RaceReport.tableHeader());
        int w2 = all.indexOf("\nsim    ns_last_pid    2 ");
        int w4 = all.indexOf("\nsim    ns_last_pid    4 ");
        assertThat(header).isPositive().isLessThan(w2);
        assertThat(w2).isLessThan(w4);
        assertThat(all.indexOf("# machine: loadavg_after=")).isGreaterThan(w4);
        // Some flush saw W=2's row without W=4's: the first row was out before the second point ran.
        assertThat(out.atFlush).anyMatch(s -> s.contains("\nsim    ns_last_pid    2 ") && !s.contains("ns_last_pid    4 "));
    }
}
