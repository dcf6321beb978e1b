package procsim.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code procsim shell M [--as PID] [-- CMD [ARGS...]]}: CMD in a new real mount namespace and a
 * new real pid namespace, with /proc the sim tree as sim task PID's pid namespace's procfs mount
 * shows it ({@code M/procsim/pidns/<inum>/proc}), attached as task PID. A client of the mount's
 * public files only: it reads {@code M/PID/ns/pid} and {@code stat}, writes {@code attach}; the
 * namespaces and the handshake are the bash helper {@code shell.bash}.
 */
@Command(
        name = "shell",
        header = "Run CMD (default $SHELL) with the sim tree as its /proc, attached as a sim task.",
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
    @Option(names = "--as", paramLabel = "PID", defaultValue = "1",
            description = "The sim task to act as, numbered as M shows it to the caller (default ${DEFAULT-VALUE}).")
    int as;

    @Parameters(index = "1..*", paramLabel = "CMD", arity = "0..*",
            description = "The command and its arguments (default: $SHELL, else /bin/bash).")
    List<String> command = new ArrayList<>();

    @Mixin
    ViewCommandStyle view;

    @Override
    public Integer call() throws IOException, InterruptedException {
        view.checkAs(as);
        SimView sim = view.simView();
        try {
            sim.checkMountAndRoot();
            return sim.run(as, command.isEmpty() ? List.of(defaultShell()) : command, true);
        } catch (SimView.Refusal r) {
            return sim.fail(view.err(), r.getMessage());
        }
    }

    private static String defaultShell() {
        String shell = System.getenv("SHELL");
        return shell == null || shell.isBlank() ? "/bin/bash" : shell;
    }
}
