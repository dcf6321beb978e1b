/**
 * The {@code procsim} command line (picocli): {@link procsim.cli.ProcsimCommand} is the top command
 * and holds the subcommands ({@code mount}, {@code check}, {@code race}; another is one more class
 * in its {@code subcommands} list). {@link procsim.cli.Preflight} probes what a mount needs;
 * {@link procsim.cli.MountLock} keeps one daemon per mountpoint; {@link procsim.cli.OwnMount} serves the race
 * lab (race-lab's {@code procsim.race.lab}) a mount of its own. {@link procsim.cli.Logging} applies {@code --debug} and
 * {@code PROCSIM_LOG}; the layout is in {@code logback.xml}.
 *
 * <p>Exit status of every subcommand: 0 done, 1 failed (a message says why), 2 bad usage. No
 * stack trace reaches a user: {@link procsim.cli.ProcsimCommand} turns any exception or error into
 * one line ({@code --debug} adds the trace).
 */
package procsim.cli;
