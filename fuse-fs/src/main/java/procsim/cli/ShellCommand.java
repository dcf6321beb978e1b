package procsim.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import procsim.fuse.MountTable;

/**
 * {@code procsim shell M [--as PID] [-- CMD [ARGS...]]}: CMD in a new real mount namespace and a
 * new real pid namespace, with /proc the sim tree as sim task PID's pid namespace's procfs mount
 * shows it ({@code M/procsim/pidns/<inum>/proc}), attached as task PID. A client of the mount's
 * public files only: it reads {@code M/PID/ns/pid} and {@code stat}, writes {@code attach}; the
 * namespaces and the handshake are the bash helper {@code shell.bash}.
 */
@Command(
        name = "shell",
        mixinStandardHelpOptions = true,
        versionProvider = ProcsimCommand.Version.class,
        usageHelpAutoWidth = true,
        headerHeading = "%n",
        header = "Run CMD (default $SHELL) with the sim tree as its /proc, attached as a sim task.",
        descriptionHeading = "%nDescription:%n",
        description = {
            "CMD runs in a new mount namespace (private: the host's /proc is untouched, nothing stays "
                    + "mounted after) and a new pid namespace (a kill that a tool sends with a sim pid "
                    + "cannot reach a host process), with M/procsim/pidns/<inum>/proc bound on /proc: "
                    + "the tree as a procfs mounted in sim task PID's pid namespace shows it, whoever "
                    + "reads it. CMD and the processes it starts act as sim task PID, so ps, top, "
                    + "pgrep, pstree and ipcs there show the sim. ps finds itself as "
                    + "/proc/<its real pid>: that number, where no sim task has it, is the task PID.",
            "",
            "PID is numbered as M shows it to the caller: the operator (an unattached shell) sees "
                    + "the root namespace's numbers; a shell attached to a sim task sees its own pid "
                    + "namespace's, and may act only as a task its own may ptrace (the attach "
                    + "file's rules), else the attach is refused (status 125).",
            "",
            "Needs root (mount and pid namespaces) and util-linux's unshare.",
        },
        parameterListHeading = "%nParameters:%n",
        optionListHeading = "%nOptions:%n",
        footerHeading = "%n",
        footer = {
            "Examples:",
            "  procsim shell /tmp/p                          # an interactive shell as init",
            "  procsim shell /tmp/p -- ps -eo pid,ppid,stat,comm",
            "  procsim shell /tmp/p --as 3 -- pstree -p      # task 3's pid namespace, its numbers",
            "",
            "Exit status:",
            "  CMD's exit status",
            "  1    no procsim mount at M, no sim task PID, PID has exited, not root",
            "  2    bad usage",
            "  125  the namespaces could not be made or the attach failed (one line says which)",
        })
final class ShellCommand implements Callable<Integer> {
    /**
     * Set by bin/procsim: the file to write the helper's command line to (NUL-terminated words)
     * instead of running it, so that the launcher execs it and no JVM waits in the terminal's
     * process group: HotSpot keeps SIGQUIT for thread dumps, so Ctrl-\ would print one there.
     */
    static final String PLAN_ENV = "PROCSIM_SHELL_PLAN";

    @Parameters(index = "0", paramLabel = "M", description = "A procsim mount.")
    Path mountPoint;

    @Option(names = "--as", paramLabel = "PID", defaultValue = "1",
            description = "The sim task to act as, numbered as M shows it to the caller (default ${DEFAULT-VALUE}).")
    int as;

    @Parameters(index = "1..*", paramLabel = "CMD", arity = "0..*",
            description = "The command and its arguments (default: $SHELL, else /bin/bash).")
    List<String> command = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        if (as <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--as must be a pid (1 or more): " + as);
        }
        Path m = mountPoint.toAbsolutePath().normalize();
        if (MountTable.find(m).filter(e -> e.isFuse() && e.source().equals("procsim")).isEmpty()) {
            return fail(err, "no procsim mount at " + m);
        }
        if (!isRoot()) return fail(err, "needs root (it makes a mount namespace and a pid namespace)");
        Path task = m.resolve(as + "/task/" + as);
        String nsLink;
        String stat;
        try {
            nsLink = Files.readSymbolicLink(m.resolve(as + "/ns/pid")).toString();
            stat = Files.readString(task.resolve("stat"));
        } catch (IOException e) {
            return fail(err, "no sim task " + as + " at " + m);
        }
        char state = stat.charAt(stat.lastIndexOf(") ") + 2);
        if (state == 'Z' || state == 'X') return fail(err, "sim task " + as + " has exited");
        String inum = nsLink.replaceAll("\\D", "");
        Path view = m.resolve("procsim/pidns/" + inum + "/proc");

        List<String> argv = new ArrayList<>(List.of("bash", "-c", helper(), "procsim-shell", m.toString(),
                Integer.toString(as), view.toString()));
        argv.addAll(command.isEmpty() ? List.of(defaultShell()) : command);
        String plan = System.getenv(PLAN_ENV);
        if (plan != null && !plan.isEmpty()) {
            Files.writeString(Path.of(plan), String.join("\0", argv) + "\0");
            return 0;
        }
        Signals.ignoreWhileChildRuns();
        Process p = new ProcessBuilder(argv).inheritIO().start();
        return p.waitFor();
    }

    private static String defaultShell() {
        String shell = System.getenv("SHELL");
        return shell == null || shell.isBlank() ? "/bin/bash" : shell;
    }

    private static String helper() throws IOException {
        try (InputStream in = ShellCommand.class.getResourceAsStream("shell.bash")) {
            if (in == null) throw new IOException("shell.bash is missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The effective uid from /proc/self/status's {@code Uid:} line (real, effective, saved, fs). */
    private static boolean isRoot() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) return line.substring(4).trim().split("\\s+")[1].equals("0");
        }
        return false;
    }

    private static int fail(PrintWriter err, String message) {
        err.println("procsim: shell: " + message);
        err.flush();
        return 1;
    }
}
