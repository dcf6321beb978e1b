package procsim.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code procsim}: the top command. It does nothing itself; each experiment is a subcommand
 * (add its class to {@code subcommands}). Exit status: 0 done, 1 failed, 2 bad usage.
 */
@Command(
        name = "procsim",
        mixinStandardHelpOptions = true,
        versionProvider = ProcsimCommand.Version.class,
        subcommands = {MountCommand.class, CheckCommand.class, ShellCommand.class, ExecCommand.class, RaceCommand.class,
            CheckpointCommand.class, RestoreCommand.class, ImageCommand.class, CommandLine.HelpCommand.class},
        synopsisSubcommandLabel = "COMMAND",
        usageHelpAutoWidth = true,
        headerHeading = "%n",
        header = "procsim - a simulated slice of the Linux kernel, served as a /proc-like tree through FUSE",
        descriptionHeading = "%nDescription:%n",
        description = {
            "A laboratory for the Linux interfaces that let a restarted process get its old ids back "
                    + "(next_syscall_data, clone3 set_tid, eclone, ns_last_pid, msg/sem/shm_next_id).",
            "",
            "'procsim mount M' boots a simulated kernel (one task, init, pid 1) and mounts its proc tree at M. "
                    + "A shell then drives the simulated tasks by writing syscalls to files under M: "
                    + "see 'procsim mount --help' for the tree and examples.",
        },
        parameterListHeading = "%nParameters:%n",
        optionListHeading = "%nOptions:%n",
        commandListHeading = "%nCommands:%n",
        footerHeading = "%n",
        footer = {
            "Examples:",
            "  procsim check                                # can this machine mount?",
            "  mkdir -p /tmp/p && procsim mount /tmp/p &    # or: make run (mounts ./mnt)",
            "  ls /tmp/p; cat /tmp/p/1/status",
            "  echo fork > /tmp/p/1/task/1/syscall; cat /tmp/p/1/task/1/syscall",
            "  umount /tmp/p",
            "  procsim mount --help                         # the tree, more examples",
            "",
            "Exit status:",
            "  0  done (for mount: unmounted by Ctrl-C, SIGTERM or umount)",
            "  1  failed: a message on stderr says why",
            "  2  bad usage: unknown command or option, or a bad value",
        })
public final class ProcsimCommand {
    /** The jar's main class. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * The short clients of a mount, built alone when named first: picocli reads every command's
     * classes when it builds the whole tree, which cost them most of their start (mount's, shell's
     * and race's); alone they say the same.
     */
    private static final Map<String, Supplier<Object>> CLIENTS = Map.of(
            "checkpoint", CheckpointCommand::new, "restore", RestoreCommand::new, "image", ImageCommand::new);

    /** Runs the command line and returns its exit status. */
    public static int run(String... args) {
        return commandLineFor(args).execute(args);
    }

    /** The configured picocli command line (tests drive it directly). */
    public static CommandLine commandLine() {
        return configure(new CommandLine(new ProcsimCommand()));
    }

    /** The command line for {@code args}: a client's own under a bare {@code procsim}, else the whole tree. */
    static CommandLine commandLineFor(String... args) {
        Supplier<Object> client = args.length > 0 ? CLIENTS.get(args[0]) : null;
        if (client == null) return commandLine();
        CommandLine top = new CommandLine(CommandLine.Model.CommandSpec.create().name("procsim"));
        top.addSubcommand(args[0], client.get());
        return configure(top);
    }

    private static CommandLine configure(CommandLine cl) {
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler(ProcsimCommand::usageError);
        cl.setExecutionStrategy(ProcsimCommand::runLast);
        cl.setExecutionExceptionHandler(ProcsimCommand::executionError);
        return cl;
    }

    /** picocli's RunLast, with an Error (UnsatisfiedLinkError, ...) handed to the handler like an exception. */
    private static int runLast(CommandLine.ParseResult pr) {
        try {
            return new CommandLine.RunLast().execute(pr);
        } catch (Error e) {
            List<CommandLine> cls = pr.asCommandLineList();
            throw new CommandLine.ExecutionException(cls.get(cls.size() - 1), e.toString(), e);
        }
    }

    /**
     * A bug or a surprise of the host: one line and status 1, not a stack trace; {@code --debug}
     * adds the trace.
     */
    private static int executionError(Exception ex, CommandLine cmd, CommandLine.ParseResult pr) {
        Throwable t = ex instanceof CommandLine.ExecutionException && ex.getCause() != null ? ex.getCause() : ex;
        PrintWriter err = cmd.getErr();
        boolean debug = false;
        for (CommandLine.ParseResult p = pr; p != null; p = p.subcommand()) {
            debug |= p.hasMatchedOption("--debug");
        }
        err.println("procsim: " + cmd.getCommandName() + " failed: " + t
                + (debug ? "" : " (--debug shows the stack trace)"));
        if (debug) {
            t.printStackTrace(err);
        }
        err.flush();
        return 1;
    }

    /**
     * A usage error the GNU way: the message, the synopsis and where to read more, not the whole
     * manual (which would bury the message).
     */
    private static int usageError(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("procsim: " + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.print("Usage: " + cmd.getHelp().synopsis(0));
        err.printf("Try '%s --help' for more information.%n", cmd.getCommandSpec().qualifiedName());
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** The version from the jar's manifest, if the build put one there. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = ProcsimCommand.class.getPackage().getImplementationVersion();
            return new String[] {"procsim " + (v == null ? "0.1.0-SNAPSHOT" : v),
                "Java ${java.version} (${java.vendor})"};
        }
    }
}
