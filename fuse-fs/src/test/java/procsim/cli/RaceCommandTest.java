package procsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import procsim.race.RaceMethod;


/** {@code procsim race} without a mount: replay, its files, and usage errors. */
class RaceCommandTest {
    private final CommandRun cli = new CommandRun();
    private final StringWriter out = cli.out;
    private final StringWriter err = cli.err;

    private int run(String... args) {
        return cli.run(args);
    }

    @Test
    void aReplayIsTheSameTwice(@TempDir Path dir) throws IOException {
        String[] args = {"race", "--replay", "--seed", "5", "-w", "1,2", "-n", "20", "--method", "ns_last_pid,clone3",
            "--csv", dir.resolve("a.csv").toString(), "--log", dir.resolve("a.log").toString(),
            "--png", dir.resolve("a.png").toString()};
        assertThat(run(args)).isZero();
        String first = out.toString();
        out.getBuffer().setLength(0);
        args[11] = dir.resolve("b.csv").toString();
        args[13] = dir.resolve("b.log").toString();
        assertThat(run(args)).isZero();
        assertThat(out.toString()).isEqualTo(first);
        assertThat(first).contains("replay", "seed 5", "ns_last_pid", "clone3", "cross-check:", "57%");
        assertThat(Files.readString(dir.resolve("b.csv"))).isEqualTo(Files.readString(dir.resolve("a.csv")));
        assertThat(Files.readString(dir.resolve("b.log"))).isEqualTo(Files.readString(dir.resolve("a.log")))
                .contains("# method=ns_last_pid workers=2", "step 1 r", "writes: 1 tid=");
        assertThat(Files.readAllBytes(dir.resolve("a.png"))).startsWith(0x89, 'P', 'N', 'G');
        assertThat(Files.readString(dir.resolve("a.csv")).lines()).hasSize(5);
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertThat(run("race", "--method", "vfork", "--replay")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown method 'vfork'", "Usage: procsim race");
        assertThat(run("race", "-w", "0", "--replay")).isEqualTo(2);
        assertThat(run("race", "--seed", "3")).isEqualTo(2);
        assertThat(err.toString()).contains("--seed applies to --replay only");
        assertThat(run("race", "--replay", "--mount", "/tmp")).isEqualTo(2);
    }

    @Test
    void helpDescribesTheExperiment() {
        assertThat(run("race", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: procsim race", "ns_last_pid", "set_tid", "--replay", "--overlap",
                "Exit status:");
        // the lines a restorer writes, as the lab writes them (RaceTaskTest holds the prefixes to them)
        assertThat(out.toString()).contains("'" + RaceMethod.NEXT_SYSCALL_DATA_PREFIX + "target'",
                RaceMethod.CLONE3_PREFIX + "target", RaceMethod.ECLONE_PREFIX + "target");
    }

    @Test
    void overlapInReplayGivesEexistNotMisses() {
        assertThat(run("race", "--replay", "--method", "clone3", "-w", "3", "-n", "10", "--overlap")).isZero();
        assertThat(out.toString()).contains("EEXIST:20").containsPattern("clone3\\s+3\\s+0\\s+30\\s+10\\s+0\\s");
    }
}
