package procsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import picocli.CommandLine;

/**
 * checkpoint, restore and image show read their plain command lines without picocli: the fields
 * are the ones picocli sets, and what they say is the same; anything else is left to picocli.
 */
class QuickArgsTest {
    @TempDir
    Path dir;

    private String[] argv(String args) {
        return args.strip().replace("%s", dir.toString()).split(" +");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "restore %s --method clone3",
        "restore --method=NSD %s -i %s/image.json",
        "restore %s --method eclone --input %s/image.json --dry-run --workers 1 -v",
        "restore %s --verbose --workers=12 --method ns_last_pid --input=%s/none.json",
        "restore %s --method clone3 --workers 0",
        "checkpoint %s",
        "checkpoint %s -o %s/out.json",
        "checkpoint --output=%s/out.json %s",
        "image show %s/image.json",
        "image show %s/none.json",
        "image show -",
    })
    void aPlainLineIsReadAsPicocliReadsIt(String args) throws Exception {
        Files.writeString(dir.resolve("image.json"), "{\"format\": \"procsim-image\", \"version\": 1, \"processes\": [], "
                + "\"msg\": [], \"sem\": [], \"shm\": []}");
        String[] a = argv(args);
        QuickArgs.Client quick = QuickArgs.parse(a);
        assertThat(quick).isNotNull();
        CommandLine.ParseResult pr = ProcsimCommand.commandLine().parseArgs(a);
        while (pr.hasSubcommand()) pr = pr.subcommand();
        Object picocli = pr.commandSpec().userObject();
        assertThat(quick).usingRecursiveComparison().ignoringFields("spec").isEqualTo(picocli);
        if (a[a.length - 1].equals("-")) return; // stdin
        StringWriter qo = new StringWriter();
        StringWriter qe = new StringWriter();
        int status = quick.run(new PrintWriter(qo), new PrintWriter(qe));
        CommandRun full = new CommandRun();
        assertThat(status).isEqualTo(full.run(a));
        assertThat(qo.toString()).isEqualTo(full.out.toString());
        assertThat(qe.toString()).isEqualTo(full.err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "restore",
        "restore --help",
        "restore -h",
        "restore %s --method clone3 --help",
        "restore %s --version",
        "restore %s",
        "restore %s --method fork",
        "restore %s --method clone3 --method nsd",
        "restore %s %s --method clone3",
        "restore %s --method clone3 -i -",
        "restore %s --method clone3 -i",
        "restore %s --method clone3 -vi %s/image.json",
        "restore %s --method clone3 -i=%s/image.json",
        "restore %s --method clone3 --workers 0x10",
        "restore %s --method clone3 --workers 08",
        "restore %s --method clone3 --workers 99999999999",
        "restore %s --method clone3 --workers=",
        "restore %s --method clone3 --dry-run=true",
        "restore @%s/args",
        "restore %s --method @%s/m",
        "restore -- %s --method clone3",
        "restore %s --method clone3 --debug",
        "checkpoint",
        "checkpoint %s -o",
        "checkpoint %s -o %s/a -o %s/b",
        "image",
        "image show",
        "image show %s/a %s/b",
        "image shw %s/a",
        "image show --help",
        "mount %s",
        "race",
        "help restore",
    })
    void anythingElseIsPicoclis(String args) {
        assertThat(QuickArgs.parse(argv(args))).isNull();
    }
}
