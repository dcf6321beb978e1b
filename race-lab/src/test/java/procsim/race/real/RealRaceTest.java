package procsim.race.real;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import procsim.race.RaceMethod;
import procsim.race.RacePlan;
import procsim.race.RaceRow;

/**
 * The real arm's command line and its reading of the C program's summary. The program itself is
 * stood in for by a script here (no unshare, no root); shell-tests/race.bats runs the real one.
 */
class RealRaceTest {
    private static Path script(Path dir, String body) throws IOException {
        Path f = dir.resolve("fake-race");
        Files.writeString(f, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return f;
    }

    @Test
    void theProgramRunsUnderUnshareWithThePlansNumbers() {
        RealRace r = new RealRace(Path.of("/x/nslastpid-race"), RealRace.UNSHARE);
        assertThat(r.command(RacePlan.of(RaceMethod.CLONE3, 4, 300).withGapUs(50))).containsExactly("unshare",
                "--fork", "--pid", "--mount-proc", "/x/nslastpid-race", "--workers", "4", "--rounds", "300", "--gap-us",
                "50", "--method", "set_tid");
        assertThat(RealRace.methodArg(RaceMethod.NS_LAST_PID)).isEqualTo("ns_last_pid");
        assertThat(RealRace.methodArg(RaceMethod.NSD)).isNull();
        assertThat(RealRace.methodArg(RaceMethod.ECLONE)).isNull();
        assertThatThrownBy(() -> r.command(RacePlan.of(RaceMethod.NSD, 1, 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theLastSummaryLineIsTheRunsOutcome(@TempDir Path dir) throws Exception {
        Path p = script(dir, "echo 'worker 1 stole 1005'; echo '# race method=ns_last_pid workers=4 attempts=800 "
                + "misses=310 seconds=0.25'");
        RaceRow row = new RealRace(p, List.of()).run(RacePlan.of(RaceMethod.NS_LAST_PID, 4, 200));
        assertThat(row.mode()).isEqualTo("real");
        assertThat(row.tally().attempts()).isEqualTo(800);
        assertThat(row.tally().misses()).isEqualTo(310);
        assertThat(row.tally().hits()).isEqualTo(490);
        assertThat(row.seconds()).isEqualTo(0.25);
        assertThat(row.throughput()).isEqualTo(3200.0);
    }

    @Test
    void noSecondsFieldLeavesTheRunUntimed() throws IOException {
        RaceRow row = RealRace.row(RacePlan.of(RaceMethod.CLONE3, 2, 5),
                "# race method=set_tid workers=2 attempts=10 misses=0\n");
        assertThat(row.tally().hits()).isEqualTo(10);
        assertThat(Double.isNaN(row.seconds())).isTrue();
    }

    @Test
    void aFailingOrSilentOrMismatchedProgramIsAnError(@TempDir Path dir) throws Exception {
        RacePlan plan = RacePlan.of(RaceMethod.NS_LAST_PID, 2, 10);
        Path failing = script(dir, "echo 'ok 1 - 2 workers'; echo 'not ok 2 - every child reaped'; "
                + "echo 'nslastpid-race: ns_last_pid: Permission denied' >&2; exit 1");
        assertThatThrownBy(() -> new RealRace(failing, List.of()).run(plan)).isInstanceOf(IOException.class)
                .hasMessageContaining("exit status 1: not ok 2 - every child reaped: ")
                .hasMessageContaining("Permission denied").hasMessageNotContaining("ok 1");
        assertThatThrownBy(() -> RealRace.row(plan, "hello\n")).hasMessageContaining("no '# race method=");
        assertThatThrownBy(() -> RealRace.row(plan, "# race method=set_tid workers=2 attempts=1 misses=0\n"))
                .hasMessageContaining("asked ns_last_pid workers=2");
        assertThatThrownBy(() -> RealRace.row(plan, "# race method=ns_last_pid workers=2 attempts=1 misses=2\n"))
                .hasMessageContaining("more misses than attempts");
    }
}
