package procsim.race.real;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import procsim.race.RaceMethod;
import procsim.race.RacePlan;
import procsim.race.RaceRow;

/**
 * The real and exec arms' command lines and their reading of the C program's output. The program
 * itself is stood in for by a script here (no root, no mount); shell-tests/race.bats runs the real one.
 */
class RealRaceTest {
    /** Stands in for procsim: drops "exec M --" and runs the program. */
    private static final List<String> SKIP_EXEC = List.of("sh", "-c", "shift 3; exec \"$@\"", "sh");

    private static Path script(Path dir, String body) throws IOException {
        Path f = dir.resolve("fake-race");
        Files.writeString(f, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return f;
    }

    @Test
    void bothArmsRunTheOneProgramInAPidNamespaceOfItsOwnWithThePlansNumbers() {
        RacePlan plan = RacePlan.of(RaceMethod.CLONE3, 4, 300).withGapUs(50);
        List<String> args = List.of("/x/nslastpid-race", "--newpid", "--workers", "4", "--rounds", "300", "--gap-us",
                "50", "--method", "set_tid");
        assertThat(RealRace.real(Path.of("/x/nslastpid-race")).command(plan)).isEqualTo(args);
        List<String> exec = RealRace.exec(Path.of("/x/nslastpid-race"), List.of("java", "-jar", "p.jar"),
                Path.of("/m")).command(plan);
        assertThat(exec.subList(0, 6)).containsExactly("java", "-jar", "p.jar", "exec", "/m", "--");
        assertThat(exec.subList(6, exec.size())).isEqualTo(args);
        assertThat(RealRace.methodArg(RaceMethod.NS_LAST_PID)).isEqualTo("ns_last_pid");
        assertThat(RealRace.methodArg(RaceMethod.NSD)).isEqualTo("nsd");
        assertThat(RealRace.methodArg(RaceMethod.ECLONE)).isEqualTo("eclone");
    }

    @Test
    void aMethodTheKernelLacksIsNotApplicable(@TempDir Path dir) throws Exception {
        Path p = script(dir, "echo '1..0 # SKIP method=nsd: Function not implemented'; "
                + "echo '# race method=nsd workers=2 n/a'");
        assertThat(RealRace.real(p).run(RacePlan.of(RaceMethod.NSD, 2, 10))).isNull();
    }

    @Test
    void errorsByErrnoAreCountedApartFromMisses() throws IOException {
        RaceRow row = RealRace.row("exec", RacePlan.of(RaceMethod.ECLONE, 2, 5),
                "# race method=eclone workers=2 attempts=10 misses=1 EBUSY=2 EEXIST=1 seconds=0.5\n");
        assertThat(row.tally().misses()).isEqualTo(1);
        assertThat(row.tally().errors()).containsExactly(Map.entry("EBUSY", 2L), Map.entry("EEXIST", 1L));
        assertThat(row.tally().hits()).isEqualTo(6);
        assertThat(row.mode()).isEqualTo("exec");
    }

    /**
     * The exec arm matches each miss the program prints (its namespace's numbers) against that
     * namespace's evidence as the namespace itself numbers it; the launcher here drops
     * "exec M --" and runs the program.
     */
    @Test
    void theExecArmCrossChecksTheProgramsMissesAgainstTheNamespacesEvidence(@TempDir Path dir) throws Exception {
        Path own = dir.resolve("m/procsim/pidns/4026532200/proc/procsim/pidns/4026532200");
        Files.createDirectories(own);
        Files.writeString(own.resolve("summary"), "writes 40\nlanded 37\nelsewhere 3\nstolen 1\n");
        Files.writeString(own.resolve("allocations"), "5 tid=3 pid=1001 elsewhere wanted=1002 cause=taken by=2\n"
                + "6 tid=2 pid=1003 landed\n9 tid=2 pid=1005 elsewhere wanted=1004 cause=overwritten by=3\n"
                + "12 tid=3 pid=1006 elsewhere wanted=1007 cause=in_use\n");
        Path p = script(dir, "echo '# pidns pid:[4026532200]'; echo '# miss tid=3 got=1001 wanted=1002'; "
                + "echo '# miss tid=2 got=1005 wanted=1004'; echo '# miss tid=2 got=1009 wanted=1008'; "
                + "echo '# race method=ns_last_pid workers=2 attempts=20 misses=3 seconds=0.1'");
        RealRace exec = RealRace.exec(p, SKIP_EXEC, dir.resolve("m"));
        RaceRow row = exec.run(RacePlan.of(RaceMethod.NS_LAST_PID, 2, 10));
        assertThat(row.tally().misses()).isEqualTo(3);
        assertThat(row.evidence().writes()).isEqualTo(40);
        assertThat(row.evidence().elsewhere()).isEqualTo(3);
        assertThat(row.evidence().accounted()).isEqualTo(2); // tid 2's 1009 has no elsewhere line
        assertThat(row.evidence().causes()).containsExactly(Map.entry("overwritten", 1L), Map.entry("taken", 1L));
        assertThat(row.allMissesAccounted()).isFalse();

        Path complaining = script(dir, "echo 'libprocsim: cannot bind to sim task 1001' >&2; "
                + "echo '# pidns pid:[4026532200]'; echo '# race method=ns_last_pid workers=2 attempts=20 misses=0'");
        assertThatThrownBy(() -> RealRace.exec(complaining, SKIP_EXEC,
                dir.resolve("m")).run(RacePlan.of(RaceMethod.NS_LAST_PID, 2, 10)))
                .hasMessageContaining("stderr: libprocsim: cannot bind to sim task 1001");
        Path silent = script(dir, "echo '# race method=ns_last_pid workers=2 attempts=20 misses=0'");
        assertThatThrownBy(() -> RealRace.exec(silent, SKIP_EXEC,
                dir.resolve("m")).run(RacePlan.of(RaceMethod.NS_LAST_PID, 2, 10))).hasMessageContaining("# pidns");
    }

    @Test
    void theLastSummaryLineIsTheRunsOutcome(@TempDir Path dir) throws Exception {
        Path p = script(dir, "echo 'worker 1 stole 1005'; echo '# race method=ns_last_pid workers=4 attempts=800 "
                + "misses=310 seconds=0.25'");
        RaceRow row = RealRace.real(p).run(RacePlan.of(RaceMethod.NS_LAST_PID, 4, 200));
        assertThat(row.mode()).isEqualTo("real");
        assertThat(row.tally().attempts()).isEqualTo(800);
        assertThat(row.tally().misses()).isEqualTo(310);
        assertThat(row.tally().hits()).isEqualTo(490);
        assertThat(row.seconds()).isEqualTo(0.25);
        assertThat(row.throughput()).isEqualTo(3200.0);
    }

    @Test
    void noSecondsFieldLeavesTheRunUntimed() throws IOException {
        RaceRow row = RealRace.row("real", RacePlan.of(RaceMethod.CLONE3, 2, 5),
                "# race method=set_tid workers=2 attempts=10 misses=0\n");
        assertThat(row.tally().hits()).isEqualTo(10);
        assertThat(Double.isNaN(row.seconds())).isTrue();
    }

    @Test
    void aFailingOrSilentOrMismatchedProgramIsAnError(@TempDir Path dir) throws Exception {
        RacePlan plan = RacePlan.of(RaceMethod.NS_LAST_PID, 2, 10);
        Path failing = script(dir, "echo 'ok 1 - 2 workers'; echo 'not ok 2 - every child reaped'; "
                + "echo 'nslastpid-race: ns_last_pid: Permission denied' >&2; exit 1");
        assertThatThrownBy(() -> RealRace.real(failing).run(plan)).isInstanceOf(IOException.class)
                .hasMessageContaining("exit status 1: not ok 2 - every child reaped: ")
                .hasMessageContaining("Permission denied").hasMessageNotContaining("ok 1");
        assertThatThrownBy(() -> RealRace.row("real", plan, "hello\n")).hasMessageContaining("no '# race method=");
        assertThatThrownBy(() -> RealRace.row("real", plan, "# race method=set_tid workers=2 attempts=1 misses=0\n"))
                .hasMessageContaining("asked ns_last_pid workers=2");
        assertThatThrownBy(() -> RealRace.row("real", plan, "# race method=ns_last_pid workers=2 attempts=1 misses=2\n"))
                .hasMessageContaining("more misses and errors than attempts");
    }
}
