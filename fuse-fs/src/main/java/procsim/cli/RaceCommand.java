package procsim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import procsim.pid.PidNamespace;
import procsim.race.RaceMethod;
import procsim.race.RacePlan;
import procsim.race.lab.RaceLab;
import procsim.race.lab.RacePoint;

/**
 * {@code procsim race}: the race lab's command line. W real threads, each attached to its own sim
 * restorer in one fresh pid namespace, race to create children with disjoint target pids by
 * ns_last_pid, next_syscall_data, clone3 set_tid or eclone; or the same experiment replayed
 * deterministically inside one kernel ({@code --replay --seed S}). See {@link RaceLab}.
 */
@Command(
        name = "race",
        mixinStandardHelpOptions = true,
        versionProvider = ProcsimCommand.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        headerHeading = "%n",
        header = "Race restorers for their pids: ns_last_pid against next_syscall_data, clone3 set_tid and eclone.",
        descriptionHeading = "%nDescription:%n",
        description = {
            "For each point (method, W, gap) and each --kernel, --runs runs. A sim run: init clones a fresh pid namespace; its init forks W restorers "
                    + "(and --interference tasks); W real threads each attach to one restorer (they write "
                    + "their own host tid, from /proc/thread-self, to M/<pid>/task/<tid>/attach) and, all "
                    + "starting together, make --iterations attempts each through the mount:",
            "  ns_last_pid  target-1 > M/sys/kernel/ns_last_pid; fork",
            "  nsd          '" + RaceMethod.NEXT_SYSCALL_DATA_PREFIX + "target' > M/self/task/<tid>/next_syscall_data; fork",
            "  clone3       " + RaceMethod.CLONE3_PREFIX + "target",
            "  eclone       " + RaceMethod.ECLONE_PREFIX + "target",
            "(the syscalls written to its own M/<tid>/task/<tid>/syscall, reply read back),",
            "then kills ('kill CHILD SIGKILL') and reaps ('wait4 CHILD') the child, so the pid is free "
                    + "when it comes round again. Targets are disjoint: restorer r asks for "
                    + "BASE + (i mod 1000) * W + r, so every miss (a child with another pid) is the "
                    + "interface's, not a clash of wishes. --overlap gives every restorer the same targets "
                    + "BASE + i and keeps the children, so each pid is won once.",
            "",
            "--sim-arm exec runs the sim with the real arm's C race program instead: procsim exec M -- "
                    + "nslastpid-race --newpid ..., whose workers are pthreads served as sim threads by the shim, "
                    + "in a sim pid namespace of their own; its misses are checked against that namespace's "
                    + "evidence the same way.",
            "",
            "Each run reads the namespace's race evidence (M/procsim/pidns/<inum>/summary and "
                    + "allocations) before and after, and checks that every ns_last_pid miss has its "
                    + "'elsewhere' line (same tid, pid got, pid wanted) with its cause.",
            "",
            "--replay runs the same experiment with simulated restorers inside one in-process kernel "
                    + "(no FUSE): a java.util.Random(--seed) picks which restorer makes its next step (one "
                    + "syscall or one sysctl write); the same seed gives the same table and the same --log "
                    + "(run i of a point uses seed S+i-1).",
            "",
            "--kernel real runs the same experiment on this machine's kernel with real processes: the C race "
                    + "program (shim/tests/nslastpid-race.c, --race-program) under 'unshare --fork --pid "
                    + "--mount-proc', W worker threads writing the private namespace's ns_last_pid and forking real "
                    + "children, or calling clone3 with set_tid; nsd and eclone are n/a there. Root only.",
            "",
            "--gap-us pauses each restorer between its write and its fork, sim and real: the window grows, "
                    + "and with it the ns_last_pid miss rate.",
        },
        optionListHeading = "%nOptions:%n",
        footerHeading = "%n",
        footer = {
            "Output: the machine record (CPUs, load average before and after, kernel, JVM, procsim; a "
                    + "WARNING line when the load exceeds the CPUs) and a table on stdout, one row per point and "
                    + "kernel as it finishes: runs, attempts, misses, median miss%% with its IQR and min-max, "
                    + "errors by errno, median attempts/s, sim misses accounted for and their causes; then the "
                    + "cross-check.",
            "",
            "Examples:",
            "  procsim race                      # own mount; every method; W = 1,2,4,8",
            "  procsim race --method ns_last_pid,clone3 -w 2,4 -n 500 --png race.png",
            "  procsim race --mount /tmp/p --method nsd -w 4 --csv race.csv",
            "  procsim race --method clone3 -w 3 --overlap   # EEXIST, never a wrong pid",
            "  procsim race --replay --seed 7 --log race.log # run it twice and diff",
            "  procsim race --kernel sim,real --method ns_last_pid,clone3 -w 2,4,8 --svg race.svg --json race.json",
            "  procsim race --kernel sim,real --method ns_last_pid -w 2 --gap-us 0,20,50,100,200",
            "  procsim race --kernel sim,real --sim-arm threads -w 2,4   # sim by the lab's threads beside real",
            "",
            "Exit status:",
            "  0  done, every ns_last_pid miss accounted for in the race log",
            "  1  failed (no FUSE, a mount problem, a worker failed), or a miss is",
            "     missing from the race log (the cross-check failed)",
            "  2  bad usage",
        })
final class RaceCommand implements Callable<Integer> {
    @Option(names = "--method", paramLabel = "LIST", split = ",", defaultValue = "ns_last_pid,nsd,clone3,eclone",
            description = "Methods, comma-separated: ns_last_pid, nsd, clone3 (alias set_tid), eclone, or all "
                    + "(default ${DEFAULT-VALUE}).")
    List<String> methods;

    @Option(names = {"-w", "--workers"}, paramLabel = "LIST", split = ",", defaultValue = "1,2,4,8",
            description = "Restorers racing in one pid namespace; a list sweeps (default ${DEFAULT-VALUE}).")
    List<Integer> workers;

    @Option(names = {"-n", "--iterations"}, paramLabel = "N", defaultValue = "200",
            description = "Attempts per restorer and run (default ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--interference", paramLabel = "N", defaultValue = "0",
            description = "Extra tasks in the namespace that fork (and reap) without a target until the "
                    + "restorers are done (default ${DEFAULT-VALUE}).")
    int interference;

    @Option(names = "--overlap",
            description = "Every restorer asks for the same targets, and children are kept until the end of "
                    + "the run: clone3 losers get EEXIST, eclone and nsd losers EBUSY, ns_last_pid losers another pid.")
    boolean overlap;

    @Option(names = "--keep",
            description = "Keep the children instead of killing and reaping each one, so that an attempt is only "
                    + "the write and the fork; targets are then W apart (BASE + (i * W + r) * W), each used once, so "
                    + "a wrong pid never lands on a later target.")
    boolean keep;

    @Option(names = "--base", paramLabel = "PID", defaultValue = "" + RacePlan.DEFAULT_BASE,
            description = "The first target pid (default ${DEFAULT-VALUE}).")
    int base;

    @Option(names = "--mount", paramLabel = "M",
            description = "Race through this existing procsim mount (run as the operator: unattached). "
                    + "Default: an own mount, in-process, in a temporary directory.")
    Path mount;

    @Option(names = "--pid-max", paramLabel = "N", defaultValue = "" + PidNamespace.PID_MAX_DEFAULT,
            converter = PidMaxConverter.class, description = "pid_max of the own mount's kernel (default ${DEFAULT-VALUE}).")
    int pidMax;

    @Option(names = "--replay", description = "Simulated restorers in one in-process kernel, scheduled by --seed.")
    boolean replay;

    @Option(names = "--seed", paramLabel = "S",
            description = "The replay scheduler's seed (default 1; only with --replay).")
    Long seed;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "5",
            description = "Runs of each point (method, W, gap; sim and real): the table, CSV, JSON and chart give "
                    + "the median miss rate and its spread (IQR, min-max) over them (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--gap-us", paramLabel = "LIST", split = ",", defaultValue = "0",
            description = "Microseconds a restorer pauses between its write (ns_last_pid, next_syscall_data) and its "
                    + "fork, sim and real; a list sweeps, one row per gap (default ${DEFAULT-VALUE}).")
    List<Integer> gaps;

    @Option(names = "--kernel", paramLabel = "LIST", split = ",", defaultValue = "sim",
            description = "sim (the simulator: live, or --replay), real (this machine's kernel, real processes in a "
                    + "private pid namespace; root; ns_last_pid and clone3 set_tid, nsd and eclone n/a), or sim,real "
                    + "(side by side) (default ${DEFAULT-VALUE}).")
    List<String> kernels;

    @Option(names = "--sim-arm", paramLabel = "ARM",
            description = "How the live sim races: threads (the lab's threads, each attached to a sim restorer; "
                    + "every option) or exec (the real arm's C race program under procsim exec, the same binary "
                    + "both sides; as the real arm, no --overlap, --keep, --interference or --base) "
                    + "(default: exec when the same command runs the real arm, so both arms run one program; "
                    + "else threads).")
    String simArm;

    @Option(names = "--race-program", paramLabel = "PATH",
            description = "The C race program of the real arm and of --sim-arm exec (shim/tests/nslastpid-race.c, built by make shim; "
                    + "default: $PROCSIM_RACE_PROGRAM, else nslastpid-race beside an installed jar, else "
                    + "shim/build/nslastpid-race of the jar's build tree).")
    Path raceProgram;

    @Option(names = "--csv", paramLabel = "FILE", description = "Also write the points as CSV (the machine record as # comments).")
    Path csv;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the machine, the settings and the points as JSON.")
    Path json;

    @Option(names = "--png", paramLabel = "FILE", description = "Also draw the miss rate (median, min-max bars) as a PNG.")
    Path png;

    @Option(names = "--svg", paramLabel = "FILE", description = "Also draw the same chart as an SVG.")
    Path svg;

    @Option(names = "--log", paramLabel = "FILE",
            description = "Write the race log: in replay every step and the race log events it caused; live, "
                    + "each run's writes, allocations and stolen files.")
    Path log;

    @Mixin
    LoggingOptions logging = new LoggingOptions();

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        logging.apply();
        List<RaceMethod> ms = new ArrayList<>();
        try {
            for (String m : methods) {
                if (m.strip().equalsIgnoreCase("all")) ms.addAll(List.of(RaceMethod.values()));
                else ms.add(RaceMethod.parse(m));
            }
        } catch (IllegalArgumentException e) {
            throw usage("Invalid value for option '--method': " + e.getMessage());
        }
        ms = new ArrayList<>(new LinkedHashSet<>(ms));
        for (int w : workers) {
            if (w < 1 || w > 64) throw usage("Invalid value for option '--workers': " + w + " is not in 1..64");
        }
        if (runs < 1 || runs > 1000) throw usage("Invalid value for option '--runs': " + runs + " is not in 1..1000");
        for (int g : gaps) {
            if (g < 0 || g > 1_000_000) {
                throw usage("Invalid value for option '--gap-us': " + g + " is not in 0..1000000");
            }
        }
        List<String> ks = new ArrayList<>();
        for (String k : kernels) {
            String w = k.strip().toLowerCase(java.util.Locale.ROOT);
            if (!w.equals(RacePoint.SIM) && !w.equals(RacePoint.REAL)) {
                throw usage("Invalid value for option '--kernel': '" + k + "' (sim, real or sim,real)");
            }
            if (!ks.contains(w)) ks.add(w);
        }
        boolean real = ks.contains(RacePoint.REAL);
        boolean sim = ks.contains(RacePoint.SIM);
        if (iterations < 1 || iterations > 1_000_000) {
            throw usage("Invalid value for option '--iterations': " + iterations + " is not in 1..1000000");
        }
        if (interference < 0 || interference > 64) {
            throw usage("Invalid value for option '--interference': " + interference + " is not in 0..64");
        }
        if (base < 2) throw usage("Invalid value for option '--base': " + base + " (pid 1 is the namespace's init)");
        for (int w : workers) {
            long max = overlap ? base + (long) iterations : keep ? base + (long) iterations * w * w
                    : base + (long) Math.min(iterations, RacePlan.DEFAULT_SPAN) * w;
            if (max >= PidNamespace.PID_MAX_LIMIT) {
                throw usage("targets up to " + max + " (--base, --iterations, --workers" + (keep ? ", --keep" : "")
                        + ") do not fit below a new pid namespace's pid_max " + PidNamespace.PID_MAX_LIMIT);
            }
        }
        if (replay && mount != null) throw usage("--replay runs in-process: it takes no --mount");
        if (!replay && seed != null) throw usage("--seed applies to --replay only");
        if (replay && sim && gaps.stream().anyMatch(g -> g > 0)) {
            throw usage("--gap-us is a pause in time: the replay's scheduler has no clock (run the sim live)");
        }
        if ((replay || mount != null) && !sim) throw usage((replay ? "--replay" : "--mount") + " applies to --kernel sim");
        String arm = simArm != null ? simArm : real && !replay ? RaceLab.Options.EXEC : RaceLab.Options.THREADS;
        if (!arm.equals(RaceLab.Options.THREADS) && !arm.equals(RaceLab.Options.EXEC)) {
            throw usage("Invalid value for option '--sim-arm': '" + arm + "' (exec or threads)");
        }
        boolean exec = sim && !replay && arm.equals(RaceLab.Options.EXEC);
        if ((real || exec) && (overlap || keep || interference > 0 || base != RacePlan.DEFAULT_BASE)) {
            throw usage((real ? "--kernel real" : "--sim-arm exec") + " runs the C race program's experiment (its own "
                    + "targets from " + RacePlan.DEFAULT_BASE + "): no --overlap, --keep, --interference or --base");
        }
        Path program = real || exec ? (raceProgram != null ? raceProgram : defaultRaceProgram()) : null;
        String refusal = Stream.of(outputProblem("--csv", csv), outputProblem("--json", json),
                outputProblem("--png", png), outputProblem("--svg", svg), outputProblem("--log", log),
                real ? realArmProblem(program, Preflight.effectiveUid()) : null, exec ? programProblem("--sim-arm exec", program) : null)
                .filter(Objects::nonNull).findFirst().orElse(null);
        if (refusal != null) {
            // One line, not the usage text: the command line is fine, the path or the user is not.
            PrintWriter err = spec.commandLine().getErr();
            err.println("procsim: race: " + refusal);
            err.flush();
            return spec.exitCodeOnInvalidInput();
        }
        System.setProperty("java.awt.headless", "true");
        String version = new ProcsimCommand.Version().getVersion()[0].replaceFirst("^procsim ", "");
        RaceLab.Options o = new RaceLab.Options(ms, List.copyOf(new LinkedHashSet<>(workers)), iterations,
                interference, overlap, keep, base, replay, seed == null ? 1 : seed, mount, pidMax, csv, png, log, runs,
                List.copyOf(new LinkedHashSet<>(gaps)), ks, program == null ? null : program.toAbsolutePath(), json,
                svg, version, arm, exec ? procsimCommand() : List.of());
        return new RaceLab(o, OwnMount::start, spec.commandLine().getOut(), spec.commandLine().getErr()).run();
    }

    /**
     * Why the real arm cannot run, or null: it needs root (writing ns_last_pid and clone3 set_tid
     * need CAP_SYS_ADMIN over the pid namespace's user namespace, kernel/pid_namespace.c and
     * kernel/pid.c), the C race program and unshare(1).
     */
    static String realArmProblem(Path program, long euid) {
        if (euid != 0) return "--kernel real needs root (ns_last_pid and clone3 set_tid need CAP_SYS_ADMIN): run it with sudo";
        return programProblem("--kernel real", program);
    }

    /** Why {@code arm} cannot run the C race program {@code program}, or null. */
    static String programProblem(String arm, Path program) {
        if (program == null) return arm + ": cannot locate the C race program: give --race-program or set PROCSIM_RACE_PROGRAM";
        if (!Files.isRegularFile(program) || !Files.isExecutable(program)) {
            return arm + ": the C race program " + program + " is missing or not executable (run 'make shim', "
                    + "or give --race-program)";
        }
        return null;
    }

    /**
     * The command that starts this procsim, for the exec arm's {@code procsim exec}: this JVM's
     * java with the launcher's small-heap flags, and this jar.
     */
    static List<String> procsimCommand() {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin",
                "java").toString());
        try {
            Path jar = Path.of(RaceCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return List.of(java, "-Xms16m", "-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar",
                    jar.toString());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("cannot locate procsim's jar: " + e.getMessage(), e);
        }
    }

    /** $PROCSIM_RACE_PROGRAM, else {@link #raceProgramFor} this jar. */
    static Path defaultRaceProgram() {
        String env = System.getenv("PROCSIM_RACE_PROGRAM");
        if (env != null && !env.isBlank()) return Path.of(env);
        try {
            return raceProgramFor(Path.of(RaceCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * nslastpid-race beside {@code jar} (installed: PREFIX/share/procsim, where make install puts
     * both), else shim/build/nslastpid-race of the jar's build tree (fuse-fs/target/procsim.jar).
     */
    static Path raceProgramFor(Path jar) {
        Path installed = jar.resolveSibling("nslastpid-race");
        if (Files.exists(installed)) return installed;
        Path tree = jar.getParent() == null ? null : jar.getParent().getParent();
        return tree == null || tree.getParent() == null ? null : tree.getParent().resolve("shim/build/nslastpid-race");
    }

    /** "OPTION FILE: why" if {@code file} could not be written when the run ends, else null. */
    static String outputProblem(String option, Path file) {
        if (file == null) {
            return null;
        }
        Path abs = file.toAbsolutePath().normalize();
        Path dir = abs.getParent();
        String why = null;
        if (Files.isDirectory(abs)) {
            why = "is a directory";
        } else if (dir == null || !Files.isDirectory(dir)) {
            why = "directory " + dir + " does not exist";
        } else {
            why = writeProbe(abs);
        }
        return why == null ? null : option + " " + file + ": " + why;
    }

    /**
     * Null if {@code file} can be written: /proc and /sys files are refused (root may open them,
     * the write then fails); an existing file is opened for writing, untouched; a new one is
     * created and removed. Else why not.
     */
    private static String writeProbe(Path file) {
        try {
            String fs = Files.getFileStore(file.getParent()).type();
            if (fs.equals("proc") || fs.equals("sysfs")) return "on " + fs + ", not a file to write results to";
            if (Files.exists(file)) {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    return null;
                }
            }
            Files.createFile(file);
            Files.delete(file);
            return null;
        } catch (IOException e) {
            String why = e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason()
                    : RaceLab.describe(e);
            return "not writable (" + why + ")";
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
