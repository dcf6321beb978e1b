package procsim.cli;

import picocli.CommandLine.Option;

/** The logging option every subcommand shares (a picocli mixin). */
public final class LoggingOptions {
    @Option(names = "--debug",
            description = "Log at DEBUG level to stderr: one line per failed request (\"write /1/task/1/syscall: "
                    + "EINVAL\") and more. Same as PROCSIM_LOG=debug.")
    boolean debug;

    void apply() {
        Logging.configure(debug);
    }
}
