package procsim.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

import picocli.CommandLine;

/** Runs procsim's command line in-process, keeping what it prints. */
public final class CommandRun {
    public final StringWriter out = new StringWriter();
    public final StringWriter err = new StringWriter();

    public int run(String... args) {
        CommandLine cl = ProcsimCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }
}
