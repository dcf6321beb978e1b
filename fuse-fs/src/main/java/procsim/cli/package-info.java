/**
 * The {@code procsim} command line (picocli): {@link procsim.cli.ProcsimCommand} is the top command
 * and holds the subcommands ({@code mount} now; an experiment such as {@code race} is one more class
 * in its {@code subcommands} list). {@link procsim.cli.Logging} applies {@code --debug} and
 * {@code PROCSIM_LOG}; the layout is in {@code logback.xml}.
 *
 * <p>Exit status of every subcommand: 0 done, 1 failed (a message says why), 2 bad usage.
 */
package procsim.cli;
