package procsim.race.real;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import procsim.race.RaceEvidence;
import procsim.race.RaceLogFormat;
import procsim.race.RaceMethod;
import procsim.race.RacePlan;
import procsim.race.RaceRow;
import procsim.race.RaceTally;
import procsim.race.RaceTask;

/**
 * One run of the C race program ({@code shim/tests/nslastpid-race.c}: W worker threads, each
 * looping "write target-1 to /proc/sys/kernel/ns_last_pid (or next_syscall_data LONG1 target);
 * fork; reap", "clone3 with set_tid = target; reap" or "eclone with pids = target; reap", for R
 * rounds, with an optional pause between the write and the fork), with {@code --newpid}: it
 * unshares CLONE_NEWPID and forks, so the race runs in a pid namespace of its own, whose
 * ns_last_pid is the one its workers write (kernel/pid_namespace.c pid_ns_ctl_handler writes
 * task_active_pid_ns(current)'s) and where nothing else forks.
 *
 * <p>Two arms run the same binary: {@link #real} natively on this machine's kernel (root:
 * unshare(CLONE_NEWPID), ns_last_pid and set_tid need CAP_SYS_ADMIN over the namespace's user
 * namespace; nsd and eclone are ENOSYS there and the program says n/a), and {@link #exec} under
 * {@code procsim exec M} (libprocsim.so serves its calls as sim lines). The program's summary line,
 * {@code # race method=M workers=W attempts=N misses=K [EEXIST=N] [EBUSY=N] seconds=S}, is the
 * run's outcome. The real kernel keeps no race log, so a real row has no evidence; an exec row's
 * misses ({@code # miss tid=T got=G wanted=W}, the program's namespace's numbers) are matched
 * against that namespace's race evidence, read as the namespace itself numbers it
 * ({@code M/procsim/pidns/<inum>/proc/procsim/pidns/<inum>/}, {@code <inum>} from the program's
 * {@code # pidns pid:[inum]} line).
 */
public final class RealRace {
    private static final Pattern SUMMARY = Pattern.compile(
            "^# race method=(\\S+) workers=(\\d+) (?:(n/a)|attempts=(\\d+) misses=(\\d+)(.*))$", Pattern.MULTILINE);
    private static final Pattern SECONDS = Pattern.compile("\\bseconds=([0-9.]+)");
    private static final Pattern ERRNO = Pattern.compile("\\b(E[A-Z]+)=(\\d+)");
    private static final Pattern MISS = Pattern.compile("^# miss tid=(\\d+) got=(\\d+) wanted=(\\d+)$", Pattern.MULTILINE);
    private static final Pattern PIDNS = Pattern.compile("^# pidns pid:\\[(\\d+)\\]$", Pattern.MULTILINE);

    private final Path program;
    private final List<String> launcher;
    private final String mode;
    private final Path mount;

    private RealRace(Path program, List<String> launcher, String mode, Path mount) {
        this.program = program;
        this.launcher = List.copyOf(launcher);
        this.mode = mode;
        this.mount = mount;
    }

    /** The real arm: {@code program} run natively (rows of mode {@code real}, no evidence). */
    public static RealRace real(Path program) {
        return new RealRace(program, List.of(), "real", null);
    }

    /**
     * The sim's exec arm: {@code program} run by {@code procsim} (the command that starts procsim,
     * e.g. {@code java -jar procsim.jar}) as {@code procsim exec M -- program ...} on the mount
     * {@code mount} (rows of mode {@code exec}, with the namespace's evidence).
     */
    public static RealRace exec(Path program, List<String> procsim, Path mount) {
        List<String> l = new ArrayList<>(procsim);
        l.addAll(List.of("exec", mount.toString(), "--"));
        return new RealRace(program, l, "exec", mount);
    }

    /** The program's name for a method. */
    public static String methodArg(RaceMethod m) {
        return switch (m) {
            case NS_LAST_PID -> "ns_last_pid";
            case CLONE3 -> "set_tid";
            case NSD -> "nsd";
            case ECLONE -> "eclone";
        };
    }

    /** The command line of one run of {@code plan}. */
    public List<String> command(RacePlan plan) {
        List<String> cmd = new ArrayList<>(launcher);
        cmd.addAll(List.of(program.toString(), "--newpid", "--workers", Integer.toString(plan.workers()), "--rounds",
                Integer.toString(plan.iterations()), "--gap-us", Integer.toString(plan.gapUs()), "--method",
                methodArg(plan.method())));
        return cmd;
    }

    /** Runs {@code plan} once; its row, or null when the program says the method is n/a here (ENOSYS). */
    public RaceRow run(RacePlan plan) throws IOException, InterruptedException {
        List<String> cmd = command(plan);
        Path errFile = Files.createTempFile("procsim-race-" + mode, ".err");
        Process p = null;
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(errFile.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.waitFor();
            String err = Files.readString(errFile).strip();
            if (rc != 0) {
                // Its TAP output names what failed ("not ok 2 - no attempt failed but by a taken pid").
                String notOk = out.lines().filter(l -> l.startsWith("not ok")).collect(Collectors.joining("; "));
                throw new IOException(String.join(" ", cmd) + ": exit status " + rc + (notOk.isEmpty() ? "" : ": "
                        + notOk) + (err.isEmpty() ? "" : ": " + err));
            }
            // Under exec the shim says on stderr what it could not serve (a child it could not bind
            // still counts as forked): a run that needed to say anything is not trusted.
            if (mount != null && !err.isEmpty()) throw new IOException(String.join(" ", cmd) + ": stderr: " + err);
            return row(plan, out);
        } finally {
            if (p != null && p.isAlive()) p.destroyForcibly(); // interrupted (Ctrl-C) or failed reading it
            Files.deleteIfExists(errFile);
        }
    }

    /** The row of the program's output (null for n/a), with the namespace's evidence in the exec arm. */
    RaceRow row(RacePlan plan, String out) throws IOException {
        RaceRow r = row(mode, plan, out);
        if (r == null || mount == null) return r;
        Matcher ns = PIDNS.matcher(out);
        if (!ns.find()) throw new IOException("no '# pidns pid:[inum]' line in its output: " + out.strip());
        Path dir = mount.resolve("procsim/pidns/" + ns.group(1));
        // The namespace's own view numbers its tids as the program does.
        Path own = dir.resolve("proc/procsim/pidns/" + ns.group(1));
        RaceLogFormat.Summary summary = RaceLogFormat.Summary.parse(Files.readString(own.resolve("summary")));
        RaceEvidence ev = RaceEvidence.check(summary, RaceLogFormat.parseElsewhere(
                Files.readString(own.resolve("allocations"))), misses(out));
        return new RaceRow(r.mode(), plan, r.tally(), ev, r.seconds());
    }

    /** The program's {@code # miss} lines, in its order. */
    static List<RaceTask.Miss> misses(String out) {
        List<RaceTask.Miss> l = new ArrayList<>();
        Matcher m = MISS.matcher(out);
        while (m.find()) l.add(new RaceTask.Miss(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))));
        return l;
    }

    /**
     * The row of the program's output, without evidence: the last summary line's attempts, misses
     * and errors by errno (hits are the rest); seconds from its {@code seconds=} field if it
     * prints one, else NaN (the wall time would be mostly exec and the namespace's setup); null
     * for {@code n/a}.
     */
    static RaceRow row(String mode, RacePlan plan, String out) throws IOException {
        Matcher m = SUMMARY.matcher(out);
        MatchResult g = null;
        while (m.find()) g = m.toMatchResult();
        if (g == null) throw new IOException("no '# race method=... attempts=N misses=M' line in its output: " + out.strip());
        if (!g.group(1).equals(methodArg(plan.method())) || Integer.parseInt(g.group(2)) != plan.workers()) {
            throw new IOException("it ran method=" + g.group(1) + " workers=" + g.group(2) + ", asked "
                    + methodArg(plan.method()) + " workers=" + plan.workers());
        }
        if (g.group(3) != null) return null;
        long attempts = Long.parseLong(g.group(4));
        long misses = Long.parseLong(g.group(5));
        RaceTally t = new RaceTally();
        long errors = 0;
        for (Matcher e = ERRNO.matcher(g.group(6)); e.find(); ) {
            for (long i = Long.parseLong(e.group(2)); i > 0; i--, errors++) t.error(e.group(1));
        }
        if (misses + errors > attempts) {
            throw new IOException("more misses and errors than attempts: " + (misses + errors) + " > " + attempts);
        }
        for (long i = 0; i < misses; i++) t.miss();
        for (long i = misses + errors; i < attempts; i++) t.hit();
        Matcher s = SECONDS.matcher(g.group(6));
        double seconds = s.find() ? Double.parseDouble(s.group(1)) : Double.NaN;
        return new RaceRow(mode, plan, t, new RaceEvidence(0, 0, 0, 0, 0, Map.of()), seconds);
    }
}
