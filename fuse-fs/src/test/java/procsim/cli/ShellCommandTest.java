package procsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** procsim shell's usage and its refusals that need no mount (the live cases are in real-tools.bats). */
class ShellCommandTest {
    private final CommandRun cli = new CommandRun();

    @Test
    void helpSaysWhatItMakesAndTheExitStatus() {
        assertThat(cli.run("shell", "--help")).isZero();
        assertThat(cli.out.toString()).contains("Usage: procsim shell", "--as", "mount namespace", "pid namespace",
                "Exit status:");
    }

    /** PID is resolved in M as the caller sees it: an attached caller sees its own pid namespace's numbers. */
    @Test
    void helpNumbersPidAsTheCallerSeesMAndSaysAnAttachedCallerNeedsPtraceRights() {
        assertThat(cli.run("shell", "--help")).isZero();
        String help = cli.out.toString().replaceAll("\\s+", " ");
        assertThat(help).doesNotContain("as the operator sees it")
                .contains("numbered as M shows it to the caller", "may ptrace");
    }

    @Test
    void aDirectoryThatIsNoProcsimMountIsOneLineAndStatusOne(@TempDir Path dir) {
        assertThat(cli.run("shell", dir.toString(), "--", "true")).isEqualTo(1);
        assertThat(cli.err.toString()).isEqualTo("procsim: shell: no procsim mount at " + dir + "\n");
    }

    @Test
    void aMissingMountpointIsOneLineToo(@TempDir Path dir) {
        assertThat(cli.run("shell", dir.resolve("nope").toString())).isEqualTo(1);
        assertThat(cli.err.toString()).isEqualTo("procsim: shell: no procsim mount at " + dir.resolve("nope") + "\n");
    }

    @Test
    void asMustBeAPid(@TempDir Path dir) {
        assertThat(cli.run("shell", "--as", "0", dir.toString())).isEqualTo(2);
        assertThat(cli.err.toString()).contains("--as", "0");
        assertThat(cli.run("shell", "--as", "x", dir.toString())).isEqualTo(2);
    }
}
