package procsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


/** The command line without mounting anything: help, usage errors, mountpoint checks. */
class ProcsimCommandTest {
    private final CommandRun cli = new CommandRun();
    private final StringWriter out = cli.out;
    private final StringWriter err = cli.err;

    private int run(String... args) {
        return cli.run(args);
    }

    @Test
    void helpReadsLikeAManPage() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("Usage: procsim", "mount", "Examples:", "Exit status:");
    }

    @Test
    void mountHelpShowsTheTreeAndExamples() {
        assertThat(run("mount", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: procsim mount", "--pid-max", "The tree", "next_syscall_data",
                "Examples:", "Exit status:", "stale FUSE mount");
    }

    @Test
    void helpSubcommandWorksToo() {
        assertThat(run("help", "mount")).isZero();
        assertThat(out.toString()).contains("procsim mount");
    }

    @Test
    void noCommandIsAUsageError() {
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString()).contains("procsim: Missing required subcommand", "Try 'procsim --help'");
    }

    @Test
    void mountWithoutMountpointIsAUsageError() {
        assertThat(run("mount")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required parameter: 'M'", "Usage: procsim mount");
    }

    @Test
    void aNonNumericPidMaxIsAUsageError() {
        assertThat(run("mount", "/tmp/x", "--pid-max", "abc")).isEqualTo(2);
        assertThat(err.toString()).contains("'--pid-max'", "'abc' is not an int");
    }

    @Test
    void aPidMaxOutsideLinuxsRangeIsAUsageError() {
        assertThat(run("mount", "/tmp/x", "--pid-max", "300")).isEqualTo(2);
        assertThat(err.toString()).contains("outside Linux's range 301..4194304");
        assertThat(run("mount", "/tmp/x", "--pid-max", "4194305")).isEqualTo(2);
    }

    @Test
    void aNegativeWarmupIsAUsageError() {
        assertThat(run("mount", "/tmp/x", "--warmup-rounds", "-1")).isEqualTo(2);
        assertThat(err.toString()).contains("'--warmup-rounds': -1 is negative");
    }

    @Test
    void anUnknownCommandSuggestsMount() {
        assertThat(run("mout")).isEqualTo(2);
        assertThat(err.toString()).contains("Did you mean", "mount");
    }

    @Test
    void aMissingMountpointIsAClearError(@TempDir Path dir) {
        Path m = dir.resolve("missing");
        assertThat(run("mount", m.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("does not exist", "mkdir -p");
        assertThat(m).doesNotExist();
    }

    @Test
    void aNonEmptyMountpointIsRefused(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("f"), "x");
        assertThat(run("mount", dir.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("is not empty");
    }

    @Test
    void aFileIsNoMountpoint(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("f"), "x");
        assertThat(run("mount", f.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("is not a directory");
    }

    @Test
    void aLiveMountIsNotMountedOver() {
        assertThat(run("mount", "/proc")).isEqualTo(1);
        assertThat(err.toString()).contains("/proc is already mounted (type proc)");
    }

    @Test
    void canonicalResolvesTheParentButNotTheMountpoint(@TempDir Path dir) throws IOException {
        Path real = Files.createDirectory(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        assertThat(MountCommand.canonical(link.resolve("m/../m")))
                .isEqualTo(real.toRealPath().resolve("m"));
    }

    /** A subcommand that fails the way a bug would. */
    @picocli.CommandLine.Command(name = "boom")
    static final class Boom implements java.util.concurrent.Callable<Integer> {
        @picocli.CommandLine.Mixin
        LoggingOptions logging = new LoggingOptions();

        @picocli.CommandLine.Option(names = "--error")
        boolean error;

        @Override
        public Integer call() {
            if (error) {
                throw new UnsatisfiedLinkError("libfuse.so.2: cannot open shared object file");
            }
            throw new IllegalStateException("the sim broke");
        }
    }

    private int runBoom(String... args) {
        picocli.CommandLine cl = cli.commandLine();
        cl.addSubcommand(new Boom());
        return cli.run(cl, args);
    }

    @Test
    void anExceptionIsOneLineAndExit1NotAStackTrace() {
        assertThat(runBoom("boom")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo(
                "procsim: boom failed: java.lang.IllegalStateException: the sim broke (--debug shows the stack trace)\n");
    }

    @Test
    void anErrorIsOneLineToo() {
        assertThat(runBoom("boom", "--error")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("procsim: boom failed: java.lang.UnsatisfiedLinkError: "
                + "libfuse.so.2: cannot open shared object file (--debug shows the stack trace)\n");
    }

    @Test
    void debugShowsTheStackTrace() {
        assertThat(runBoom("boom", "--debug")).isEqualTo(1);
        assertThat(err.toString()).startsWith("procsim: boom failed: java.lang.IllegalStateException: the sim broke\n")
                .contains("\tat procsim.cli.ProcsimCommandTest$Boom.call");
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> badOutputs() {
        return java.util.stream.Stream.of("--csv", "--png", "--log").flatMap(opt -> java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of(opt, "missing/out.file", "directory %s/missing does not exist"),
                org.junit.jupiter.params.provider.Arguments.of(opt, "adir", "is a directory")));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} {1}")
    @org.junit.jupiter.params.provider.MethodSource("badOutputs")
    void raceChecksItsOutputPathsBeforeAnyWork(String option, String file, String why, @TempDir Path dir)
            throws IOException {
        Files.createDirectory(dir.resolve("adir"));
        Path f = dir.resolve(file);
        assertThat(run("race", "--replay", "-n", "5", "-w", "1", "--method", "clone3", option, f.toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("procsim: race: " + option + " " + f + ": " + why.formatted(dir) + "\n");
        assertThat(out.toString()).isEmpty();
    }
}
