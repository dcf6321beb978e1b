package procsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import procsim.race.RaceMethod;


/** {@code procsim race} without a mount: replay, its files, and usage errors. */
class RaceCommandTest {
    private final CommandRun cli = new CommandRun();
    private final StringWriter out = cli.out;
    private final StringWriter err = cli.err;

    private int run(String... args) {
        return cli.run(args);
    }

    /** The text without the machine record's lines (the load average moves between two runs). */
    private static String withoutMachine(String text) {
        return text.lines().filter(l -> !l.startsWith("# ")).collect(Collectors.joining("\n"));
    }

    @Test
    void aReplayIsTheSameTwice(@TempDir Path dir) throws IOException {
        String[] args = {"race", "--replay", "--seed", "5", "-w", "1,2", "-n", "20", "--method", "ns_last_pid,clone3",
            "--csv", dir.resolve("a.csv").toString(), "--log", dir.resolve("a.log").toString(),
            "--png", dir.resolve("a.png").toString(), "--runs", "1"};
        assertThat(run(args)).isZero();
        String first = out.toString();
        out.getBuffer().setLength(0);
        args[11] = dir.resolve("b.csv").toString();
        args[13] = dir.resolve("b.log").toString();
        assertThat(run(args)).isZero();
        assertThat(withoutMachine(out.toString())).isEqualTo(withoutMachine(first));
        assertThat(first).contains("replay", "seed 5;", "ns_last_pid", "clone3", "cross-check:", "# machine: cpus=")
                .doesNotContain("57%");
        assertThat(withoutMachine(Files.readString(dir.resolve("b.csv"))))
                .isEqualTo(withoutMachine(Files.readString(dir.resolve("a.csv"))));
        assertThat(Files.readString(dir.resolve("b.log"))).isEqualTo(Files.readString(dir.resolve("a.log")))
                .contains("# method=ns_last_pid workers=2", "seed=5 steps=", "step 1 r", "writes: 1 tid=");
        assertThat(Files.readAllBytes(dir.resolve("a.png"))).startsWith(0x89, 'P', 'N', 'G');
        assertThat(withoutMachine(Files.readString(dir.resolve("a.csv"))).lines()).hasSize(5);
    }

    @Test
    void repeatedReplaysUseOneSeedEachAndReportTheSpread(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("r.json");
        Path csv = dir.resolve("r.csv");
        assertThat(run("race", "--replay", "--seed", "7", "--runs", "3", "-w", "4", "-n", "30", "--method",
                "ns_last_pid", "--json", json.toString(), "--csv", csv.toString(), "--log",
                dir.resolve("r.log").toString())).isZero();
        assertThat(out.toString()).contains("seed 7 for the first run, one more for each next, up to 9");
        assertThat(Files.readString(dir.resolve("r.log"))).contains("seed=7 ", "seed=8 ", "seed=9 ");
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertThat(j.at("/points/0/miss_rate/n").asInt()).isEqualTo(3);
        assertThat(j.at("/points/0/per_run").size()).isEqualTo(3);
        assertThat(j.at("/settings/runs").asInt()).isEqualTo(3);
        assertThat(j.at("/machine/cpus").asInt()).isPositive();
        // Each run is the replay of its own seed, so the spread is that of three single replays.
        double[] rates = new double[3];
        for (int i = 0; i < 3; i++) {
            out.getBuffer().setLength(0);
            run("race", "--replay", "--seed", Integer.toString(7 + i), "--runs", "1", "-w", "4", "-n", "30",
                    "--method", "ns_last_pid", "--json", json.toString());
            rates[i] = new ObjectMapper().readTree(json.toFile()).at("/points/0/miss_rate/median").asDouble();
        }
        java.util.Arrays.sort(rates);
        assertThat(Files.readString(csv)).contains(String.format(java.util.Locale.ROOT, ",%.4f,", rates[1]));
        assertThat(Files.readString(csv).lines().filter(l -> l.startsWith("sim,replay,ns_last_pid,4,0,")).findFirst()
                .orElseThrow()).contains(String.format(java.util.Locale.ROOT, "%.4f,%.4f,", rates[0], rates[2]));
    }

    @Test
    void badInputIsRefusedBeforeAnyWork(@TempDir Path dir) {
        Path missing = dir.resolve("no/such/dir");
        for (String[] args : new String[][] {
            {"race", "--replay", "-w", "0"},
            {"race", "--replay", "--runs", "0"},
            {"race", "--replay", "--kernel", "bsd"},
            {"race", "--replay", "--gap-us", "-1"},
            {"race", "--replay", "--gap-us", "50"},
            {"race", "--kernel", "real", "--keep"},
            {"race", "--kernel", "real", "--base", "2000"},
            {"race", "--kernel", "real", "--replay"},
        }) {
            err.getBuffer().setLength(0);
            assertThat(run(args)).as(String.join(" ", args)).isEqualTo(2);
            assertThat(err.toString()).as(String.join(" ", args)).contains("Usage: procsim race");
        }
        for (String opt : new String[] {"--json", "--csv", "--png", "--svg", "--log"}) {
            out.getBuffer().setLength(0);
            err.getBuffer().setLength(0);
            assertThat(run("race", "--replay", "-n", "1", opt, missing.resolve("f").toString())).as(opt).isEqualTo(2);
            assertThat(err.toString()).as(opt).startsWith("procsim: race: " + opt + " ").contains("does not exist");
            assertThat(out.toString()).as(opt).isEmpty(); // nothing ran
        }
        assertThat(run("race", "--replay", "-n", "1", "--json", "/proc/version")).isEqualTo(2);
        assertThat(err.toString()).contains("--json /proc/version: on proc");
    }

    @Test
    void theRealArmNeedsRootAndTheProgram(@TempDir Path dir) throws IOException {
        Path prog = Files.createFile(dir.resolve("nslastpid-race"));
        assertThat(RaceCommand.realArmProblem(prog, 1000)).contains("needs root");
        assertThat(RaceCommand.realArmProblem(dir.resolve("none"), 0)).contains("missing or not executable");
        assertThat(RaceCommand.realArmProblem(prog, 0)).contains("missing or not executable"); // not executable
        prog.toFile().setExecutable(true);
        assertThat(RaceCommand.realArmProblem(prog, 0)).isNull();
        assertThat(RaceCommand.realArmProblem(null, 0)).contains("--race-program");
        err.getBuffer().setLength(0);
        assertThat(run("race", "--kernel", "real", "--race-program", dir.resolve("none").toString(), "-n", "1"))
                .isEqualTo(2);
        assertThat(err.toString()).startsWith("procsim: race: --kernel real: the C race program");
        assertThat(out.toString()).isEmpty();
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
    void theExecSimArmNeedsTheProgramAndTakesOnlyItsExperiment(@TempDir Path dir) {
        assertThat(run("race", "--sim-arm", "fork", "-n", "1")).isEqualTo(2);
        assertThat(err.toString()).contains("'--sim-arm': 'fork' (exec or threads)");
        for (String[] opt : new String[][] {{"--overlap"}, {"--keep"}, {"--interference", "1"}, {"--base", "500"}}) {
            err.getBuffer().setLength(0);
            String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of("race", "--sim-arm", "exec",
                    "--mount", "/tmp", "-n", "1"), java.util.Arrays.stream(opt)).toArray(String[]::new);
            assertThat(run(args)).as(opt[0]).isEqualTo(2);
            assertThat(err.toString()).as(opt[0]).contains("--sim-arm exec runs the C race program's experiment");
        }
        err.getBuffer().setLength(0);
        assertThat(run("race", "--sim-arm", "exec", "--mount", "/tmp", "--race-program", dir.resolve("none").toString(),
                "-n", "1")).isEqualTo(2);
        assertThat(err.toString()).startsWith("procsim: race: --sim-arm exec: the C race program");
        assertThat(out.toString()).isEmpty();
        // A replay has no exec arm: the option is the live sim's and changes nothing there.
        assertThat(run("race", "--sim-arm", "exec", "--replay", "-n", "2", "-w", "2", "--runs", "1", "--method",
                "clone3", "--overlap")).isZero();
    }

    @Test
    void theRaceProgramIsFoundBesideAnInstalledJarElseInTheBuildTree(@TempDir Path dir) throws IOException {
        Path share = Files.createDirectories(dir.resolve("prefix/share/procsim"));
        Path jar = Files.createFile(share.resolve("procsim.jar"));
        Path tree = dir.resolve("src/fuse-fs/target/procsim.jar");
        assertThat(RaceCommand.raceProgramFor(tree)).isEqualTo(dir.resolve("src/shim/build/nslastpid-race"));
        Path installed = Files.createFile(share.resolve("nslastpid-race"));
        assertThat(RaceCommand.raceProgramFor(jar)).isEqualTo(installed);
    }

    @Test
    void theExecArmStartsThisJarWithThisJava() {
        java.util.List<String> c = RaceCommand.procsimCommand();
        assertThat(Path.of(c.get(0))).isExecutable();
        assertThat(Path.of(c.get(c.indexOf("-jar") + 1))).exists(); // in a test: the classes' directory
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
        assertThat(out.toString()).contains("EEXIST:100").containsPattern("sim\\s+clone3\\s+3\\s+0\\s+5\\s+150\\s+0\\s+0.0%");
    }
}
