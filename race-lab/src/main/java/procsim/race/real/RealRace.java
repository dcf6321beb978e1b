package procsim.race.real;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import procsim.race.RaceEvidence;
import procsim.race.RaceMethod;
import procsim.race.RacePlan;
import procsim.race.RaceRow;
import procsim.race.RaceTally;

/**
 * One run of the race on this machine's real kernel: the C race program
 * ({@code shim/tests/nslastpid-race.c}: W worker threads, each looping "write target-1 to
 * /proc/sys/kernel/ns_last_pid; fork; reap" or "clone3 with set_tid = target; reap", for R
 * rounds, with an optional pause between the write and the fork) started by
 * {@code unshare --fork --pid --mount-proc} in a private pid namespace, so its pids, its
 * ns_last_pid and its /proc are its own and nothing else of the host forks in it. Writing
 * ns_last_pid and clone3 set_tid need CAP_SYS_ADMIN over the namespace's user namespace
 * (kernel/pid_namespace.c pid_ns_ctl_handler checks checkpoint_restore_ns_capable; kernel/pid.c
 * alloc_pid the same for set_tid), so the arm needs root. The program's summary line,
 * {@code # race method=M workers=W attempts=N misses=K}, is the run's outcome; the real kernel
 * keeps no race log, so a real row has no evidence.
 */
public final class RealRace {
    /** The launcher: a new pid namespace whose init is the program's parent, with its own /proc. */
    public static final List<String> UNSHARE = List.of("unshare", "--fork", "--pid", "--mount-proc");

    private static final Pattern SUMMARY = Pattern.compile(
            "^# race method=(\\S+) workers=(\\d+) attempts=(\\d+) misses=(\\d+)(.*)$", Pattern.MULTILINE);
    private static final Pattern SECONDS = Pattern.compile("\\bseconds=([0-9.]+)");

    private final Path program;
    private final List<String> launcher;

    /** {@code program}: the built C race program; {@code launcher}: the command that runs it ({@link #UNSHARE}). */
    public RealRace(Path program, List<String> launcher) {
        this.program = program;
        this.launcher = List.copyOf(launcher);
    }

    /** The program's name for a method, or null where the real kernel has no such interface (nsd, eclone). */
    public static String methodArg(RaceMethod m) {
        return switch (m) {
            case NS_LAST_PID -> "ns_last_pid";
            case CLONE3 -> "set_tid";
            case NSD, ECLONE -> null;
        };
    }

    /** The command line of one run of {@code plan}. */
    public List<String> command(RacePlan plan) {
        String m = methodArg(plan.method());
        if (m == null) throw new IllegalArgumentException("the real kernel has no " + plan.method());
        List<String> cmd = new ArrayList<>(launcher);
        cmd.addAll(List.of(program.toString(), "--workers", Integer.toString(plan.workers()), "--rounds",
                Integer.toString(plan.iterations()), "--gap-us", Integer.toString(plan.gapUs()), "--method", m));
        return cmd;
    }

    /** Runs {@code plan} once; its row, mode {@code real}. */
    public RaceRow run(RacePlan plan) throws IOException, InterruptedException {
        List<String> cmd = command(plan);
        Path errFile = Files.createTempFile("procsim-race-real", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(errFile.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.waitFor();
            String err = Files.readString(errFile).strip();
            if (rc != 0) {
                // Its TAP output names what failed ("not ok 2 - no attempt failed but by the race").
                String notOk = out.lines().filter(l -> l.startsWith("not ok")).collect(Collectors.joining("; "));
                throw new IOException(String.join(" ", cmd) + ": exit status " + rc + (notOk.isEmpty() ? "" : ": "
                        + notOk) + (err.isEmpty() ? "" : ": " + err));
            }
            return row(plan, out);
        } finally {
            Files.deleteIfExists(errFile);
        }
    }

    /**
     * The row of the program's output: the last summary line's attempts and misses (hits are the
     * rest); seconds from its {@code seconds=} field if it prints one, else NaN (the wall time
     * would be mostly exec and unshare).
     */
    static RaceRow row(RacePlan plan, String out) throws IOException {
        Matcher m = SUMMARY.matcher(out);
        String[] g = null;
        while (m.find()) g = new String[] {m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)};
        if (g == null) throw new IOException("no '# race method=... attempts=N misses=M' line in its output: " + out.strip());
        if (!g[0].equals(methodArg(plan.method())) || Integer.parseInt(g[1]) != plan.workers()) {
            throw new IOException("it ran method=" + g[0] + " workers=" + g[1] + ", asked " + methodArg(plan.method())
                    + " workers=" + plan.workers());
        }
        long attempts = Long.parseLong(g[2]);
        long misses = Long.parseLong(g[3]);
        if (misses > attempts) throw new IOException("more misses than attempts: " + g[3] + " > " + g[2]);
        RaceTally t = new RaceTally();
        for (long i = 0; i < misses; i++) t.miss();
        for (long i = misses; i < attempts; i++) t.hit();
        Matcher s = SECONDS.matcher(g[4]);
        double seconds = s.find() ? Double.parseDouble(s.group(1)) : Double.NaN;
        return new RaceRow("real", plan, t, new RaceEvidence(0, 0, 0, 0, 0, Map.of()), seconds);
    }
}
