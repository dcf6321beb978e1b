package procsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** checkpoint, restore and image show without a mount: bad input is one line and a non-zero exit. */
class RestoreCommandTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "checkpoint %s;                              2; procsim: checkpoint: %s is not a procsim mount (no %s/1/task/1/next_syscall_data)",
        "restore %s --method clone3 -i %s/x.json;    2; procsim: restore: %s is not a procsim mount",
        "restore %s --method fork;                   2; procsim: Invalid value for option '--method': unknown method 'fork' (one of nsd, ns_last_pid, clone3, eclone)",
        "restore %s;                                 2; procsim: Missing required option: '--method=METHOD'",
        "image show %s/none.json;                    2; procsim: image show: cannot read %s/none.json: no such file",
        "image show %s/bad.json;                     2; procsim: image show: not a procsim image (not JSON: ",
    })
    void badInputIsOneLine(String args, int status, String message) throws Exception {
        Files.writeString(dir.resolve("bad.json"), "procsim-image 1\n");
        CommandRun r = new CommandRun();
        assertThat(r.run(args.strip().replace("%s", dir.toString()).split(" +"))).as(r.err::toString).isEqualTo(status);
        assertThat(r.err.toString()).startsWith(message.strip().replace("%s", dir.toString()));
        assertThat(r.err.toString().strip().lines().filter(l -> l.startsWith("procsim: "))).hasSize(1);
    }

    /**
     * checkpoint, restore and image start with their own command alone (not the mount's, shell's
     * and race's, whose classes cost the short commands most of their start), and say the same.
     */
    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "restore; restore --help",
        "restore; restore %s --method fork",
        "restore; restore %s",
        "restore; restore %s --method clone3 --workers x",
        "checkpoint; checkpoint --help",
        "checkpoint; checkpoint %s -o",
        "image; image --help",
        "image; image show --help",
        "image; image show %s/none.json",
        "image; image shw",
    })
    void aShortCommandIsBuiltAloneAndSaysTheSame(String name, String args) {
        String[] argv = args.strip().replace("%s", dir.toString()).split(" +");
        assertThat(ProcsimCommand.commandLineFor(argv).getSubcommands().keySet()).containsExactly(name);
        CommandRun alone = new CommandRun();
        CommandRun full = new CommandRun();
        assertThat(alone.run(ProcsimCommand.commandLineFor(argv), argv)).isEqualTo(full.run(ProcsimCommand.commandLine(), argv));
        assertThat(alone.out.toString()).isEqualTo(full.out.toString());
        assertThat(alone.err.toString()).isEqualTo(full.err.toString());
        assertThat(alone.out.toString() + alone.err.toString()).isNotBlank();
    }

    @Test
    void imageShowPrintsTheTextForm() throws Exception {
        Files.writeString(dir.resolve("empty.json"), "{\"format\": \"procsim-image\", \"version\": 1, \"processes\": [], \"msg\": [], "
                + "\"sem\": [], \"shm\": []}");
        CommandRun r = new CommandRun();
        assertThat(r.run("image", "show", dir.resolve("empty.json").toString())).as(r.err::toString).isZero();
        assertThat(r.out.toString()).isEqualTo("procsim-image 1\n");
    }
}
