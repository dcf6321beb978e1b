package procsim.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

import picocli.CommandLine;

/** Runs procsim's command line in-process, keeping what it prints. */
public final class CommandRun {
    public final StringWriter out = new StringWriter();
    public final StringWriter err = new StringWriter();

    public int run(String... args) {
        return run(commandLine(), args);
    }

    /** Runs with {@code host} answering the preflight probes of {@code check} and {@code mount}. */
    int run(Preflight.Host host, String... args) {
        CommandLine cl = commandLine();
        ((CheckCommand) cl.getSubcommands().get("check").getCommand()).host = host;
        ((MountCommand) cl.getSubcommands().get("mount").getCommand()).host = host;
        return run(cl, args);
    }

    /** Runs {@code cl}, as configured by {@link ProcsimCommand#commandLine()} plus what a test added. */
    public int run(CommandLine cl, String... args) {
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    public CommandLine commandLine() {
        return ProcsimCommand.commandLine();
    }
}
