package procsim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import procsim.restorer.Image;
import procsim.restorer.ImageException;
import procsim.restorer.ImageText;

/** {@code procsim image show FILE}: a checkpoint image as sorted text lines. */
@Command(
        name = "image",
        mixinStandardHelpOptions = true,
        versionProvider = ProcsimCommand.Version.class,
        usageHelpAutoWidth = true,
        headerHeading = "%n",
        header = "Read checkpoint images.",
        synopsisSubcommandLabel = "COMMAND",
        commandListHeading = "%nCommands:%n",
        subcommands = {ImageCommand.Show.class})
final class ImageCommand {
    /** {@code procsim image show FILE}. */
    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            versionProvider = ProcsimCommand.Version.class,
            usageHelpAutoWidth = true,
            headerHeading = "%n",
            header = "Print an image as text: one record a line, sorted, so two images diff cleanly.",
            descriptionHeading = "%nDescription:%n",
            description = {
                "Records: process, thread, creds, fd, shm-attach, msg, msg-data, sem, shm, then msg-times, sem-times, "
                        + "shm-times (what only nsd restores). docs/image-format.md describes the JSON and the text.",
            },
            parameterListHeading = "%nParameters:%n",
            optionListHeading = "%nOptions:%n",
            footerHeading = "%n",
            footer = {
                "Examples:",
                "  procsim image show image.json",
                "  diff <(procsim image show a.json) <(procsim image show b.json)",
                "",
                "Exit status:",
                "  0  printed",
                "  2  bad usage, or not a readable image (one line says why)",
            })
    static final class Show implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE", description = "The image ('-': stdin).")
        Path file;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            Image image;
            try {
                image = ImageFiles.read(file);
            } catch (ImageException e) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("procsim: image show: " + e.getMessage());
                err.flush();
                return 2;
            }
            PrintWriter out = spec.commandLine().getOut();
            for (String l : ImageText.lines(image)) out.println(l);
            out.flush();
            return 0;
        }
    }
}
