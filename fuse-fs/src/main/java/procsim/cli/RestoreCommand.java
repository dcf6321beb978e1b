package procsim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import procsim.attach.LinuxHostProcesses;
import procsim.restorer.Image;
import procsim.restorer.ImageException;
import procsim.restorer.MountPort;
import procsim.restorer.Restore;
import procsim.restorer.RestoreException;
import procsim.restorer.RestoreMethod;

/** {@code procsim restore M --method METHOD [-i FILE] [--dry-run]}: an image made again with its ids. */
@Command(
        name = "restore",
        mixinStandardHelpOptions = true,
        versionProvider = ProcsimCommand.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        headerHeading = "%n",
        header = "Make an image's tasks and IPC objects again in a mounted sim, with their ids.",
        descriptionHeading = "%nDescription:%n",
        description = {
            "Through the mount's files only, as the operator. Tasks by METHOD: clone3 (set_tid, innermost "
                    + "first), eclone (pids, outermost first), nsd (LONGn to the parent's next_syscall_data, then fork), "
                    + "ns_last_pid (in pid order: pid-1 to every level's ns_last_pid, unless the restore's last fork there "
                    + "gave it, then fork; the pid got is checked). IPC ids by "
                    + "nsd's LONG1 ID or msg/sem/shm_next_id; fds by nsd's LONG1 FD or open + dup2; IPC times and pids "
                    + "by nsd's LONG1 1 + IPC_SET only.",
            "",
            "A damaged image, one the target cannot hold, or a target whose init's credentials are not a fresh "
                    + "mount's (keepcaps asked by prctl PR_GET_KEEPCAPS) is refused before anything is made. A failure "
                    + "names the id, the errno and the task that holds it, then kills and reaps every task made, "
                    + "removes the IPC objects made and gives init its name back.",
        },
        parameterListHeading = "%nParameters:%n",
        optionListHeading = "%nOptions:%n",
        footerHeading = "%n",
        footer = {
            "Examples:",
            "  procsim restore /tmp/q --method clone3 -i image.json",
            "  procsim restore /tmp/q --method nsd -i image.json --dry-run     # what it would write, and where",
            "",
            "Exit status:",
            "  0  restored",
            "  1  failed: one line says why, one what was rolled back",
            "  2  bad usage, M is not a procsim mount, or the image or the target is refused (nothing was made)",
        })
final class RestoreCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "M", description = "The mountpoint of a running 'procsim mount'.")
    Path mount;

    @Option(names = "--method", required = true, paramLabel = "METHOD", converter = MethodConverter.class,
            description = "nsd, ns_last_pid, clone3 or eclone.")
    RestoreMethod method;

    @Option(names = {"-i", "--input"}, paramLabel = "FILE", description = "Read the image from FILE (default: stdin).")
    Path input;

    @Option(names = "--dry-run", description = "Print each file and line the method would write, in order; write nothing.")
    boolean dryRun;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "4",
            description = "Threads making the children of different parents at once (default ${DEFAULT-VALUE}; "
                    + "ns_last_pid and --dry-run use one).")
    int workers;

    @Option(names = {"-v", "--verbose"}, description = "Say what was made and how long it took, on stderr.")
    boolean verbose;

    @Spec
    CommandLine.Model.CommandSpec spec;

    static final class MethodConverter implements CommandLine.ITypeConverter<RestoreMethod> {
        @Override
        public RestoreMethod convert(String value) {
            try {
                return RestoreMethod.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /**
     * Seconds since this process started (bin/procsim's bash, which execs the JVM; but the run that
     * makes the CDS archive runs it as a child): /proc/uptime less stat's start time (both since
     * boot; the latter in USER_HZ ticks, 100 a second: to 0.01 s).
     * ProcessHandle's startInstant adds boot time, which /proc/stat gives in whole seconds: it was
     * up to a second off. -1 if /proc cannot say.
     */
    private static double sinceStart() {
        try {
            String up = Files.readString(Path.of("/proc/uptime"));
            OptionalLong ticks = new LinuxHostProcesses().startTimeOf((int) ProcessHandle.current().pid());
            return ticks.isEmpty() ? -1 : Double.parseDouble(up.substring(0, up.indexOf(' '))) - ticks.getAsLong() / 100.0;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        String bad = ImageFiles.notAMount(mount);
        if (bad != null) return fail(err, "restore: " + bad, 2);
        if (workers < 1 || workers > 64) return fail(err, "restore: --workers is 1 to 64, not " + workers, 2);
        long start = System.nanoTime();
        Image image;
        try {
            image = ImageFiles.read(input);
        } catch (ImageException e) {
            return fail(err, "restore: " + e.getMessage(), 2);
        }
        long t0 = System.nanoTime();
        try (MountPort port = new MountPort(mount, dryRun ? out : null)) {
            Restore.Outcome o = Restore.run(image, method, port, dryRun, workers);
            out.flush();
            if (verbose) {
                err.printf("procsim: restore (%s)%s: %d processes, %d IPC objects in %.3f s (the image read in %.3f s, %.2f s "
                        + "after its process started)%n", method, dryRun ? " dry run" : "", o.tasks(), o.ipcObjects(),
                        (System.nanoTime() - t0) / 1e9, (t0 - start) / 1e9, sinceStart());
            }
        } catch (ImageException e) {
            return fail(err, "restore: " + e.getMessage(), 2);
        } catch (RestoreException e) {
            out.flush();
            return fail(err, e.getMessage(), 1);
        }
        err.flush();
        return 0;
    }

    private static int fail(PrintWriter err, String message, int status) {
        err.println("procsim: " + message);
        err.flush();
        return status;
    }
}
