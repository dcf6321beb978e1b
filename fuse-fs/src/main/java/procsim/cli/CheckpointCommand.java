package procsim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import procsim.restorer.Checkpoint;
import procsim.restorer.Image;
import procsim.restorer.ImageException;
import procsim.restorer.ImageJson;

/** {@code procsim checkpoint M [-o FILE]}: the JSON image of a mounted sim, read through its files. */
@Command(
        name = "checkpoint",
        mixinStandardHelpOptions = true,
        versionProvider = ProcsimCommand.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        headerHeading = "%n",
        header = "Save every sim task but init, and every SysV IPC object, as a JSON image.",
        descriptionHeading = "%nDescription:%n",
        description = {
            "Reads the mount's files only, as the operator (status, stat, cmdline, fd/, fdinfo/, maps, ns/, "
                    + "sysvipc/, and IPC_STAT, MSG_COPY, GETALL, PR_GET_CHILD_SUBREAPER, PR_GET_KEEPCAPS through the "
                    + "tasks' syscall files). The image's fields: docs/image-format.md; 'procsim image show FILE' prints it "
                    + "as text. It refuses what a restore could not make again: zombies, another IPC namespace, a pid "
                    + "namespace without its init among the tasks, blanks in comm, argv, paths or message text.",
        },
        parameterListHeading = "%nParameters:%n",
        optionListHeading = "%nOptions:%n",
        footerHeading = "%n",
        footer = {
            "Examples:",
            "  procsim checkpoint /tmp/p -o image.json",
            "  procsim checkpoint /tmp/p | procsim image show -",
            "",
            "Exit status:",
            "  0  the image is written",
            "  1  the tree has what no restore can make (one line says what), or a read failed",
            "  2  bad usage, or M is not a procsim mount",
        })
final class CheckpointCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "M", description = "The mountpoint of a running 'procsim mount'.")
    Path mount;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the image to FILE (default: stdout).")
    Path output;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        String bad = ImageFiles.notAMount(mount);
        if (bad != null) {
            err.println("procsim: checkpoint: " + bad);
            err.flush();
            return 2;
        }
        Image image;
        try {
            image = Checkpoint.of(mount);
        } catch (ImageException e) {
            err.println("procsim: " + e.getMessage());
            err.flush();
            return 1;
        }
        String json = ImageJson.toJson(image);
        if (output == null) {
            PrintWriter out = spec.commandLine().getOut();
            out.print(json);
            out.flush();
        } else {
            Files.writeString(output, json, StandardCharsets.UTF_8);
        }
        return 0;
    }
}
