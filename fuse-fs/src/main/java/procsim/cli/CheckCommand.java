package procsim.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code procsim check}: can this machine mount? Exit 0 if so, else one line per problem and 1. */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        versionProvider = ProcsimCommand.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        headerHeading = "%n",
        header = "Check that this machine can mount procsim: FUSE device, libfuse2, fusermount, privileges.",
        descriptionHeading = "%nDescription:%n",
        description = {
            "Probes what 'procsim mount' needs: /dev/fuse present and opening read-write (as root, or "
                    + "for a user with read-write access to it), libfuse2 loading (the daemon mounts with its fuse_mount), "
                    + "and fusermount (libfuse2 mounts through it when not root). Prints one line when a "
                    + "mount will work; else one line per problem, each saying what to do, on stderr. "
                    + "As root a missing fusermount is said but does not fail the check: root mounts without it.",
        },
        optionListHeading = "%nOptions:%n",
        footerHeading = "%n",
        footer = {
            "Exit status:",
            "  0  a mount will work",
            "  1  a mount would fail (one line per problem on stderr)",
            "  2  bad usage",
        })
final class CheckCommand implements Callable<Integer> {
    @Option(names = "--fuse-device", paramLabel = "PATH", defaultValue = "/dev/fuse",
            description = "The FUSE device to probe (default ${DEFAULT-VALUE}). A testing aid: point it at a "
                    + "missing path to see a failing check; the mount always uses /dev/fuse.")
    Path device;

    @Spec
    CommandLine.Model.CommandSpec spec;

    /** The probes; tests replace them. */
    Preflight.Host host = Preflight.LINUX;

    @Override
    public Integer call() {
        Preflight.Report report = Preflight.probe(host, device);
        PrintWriter err = spec.commandLine().getErr();
        report.problems().forEach(p -> err.println("procsim: " + p.line()));
        err.flush();
        if (report.mountBlocked()) {
            return 1;
        }
        // A problem that does not block a mount (root needs no fusermount) is said, and exit is 0.
        PrintWriter out = spec.commandLine().getOut();
        out.println("procsim: a mount will work (" + report.found() + ")");
        out.flush();
        return 0;
    }
}
