package procsim.race.lab;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import procsim.race.RaceMethod;
import procsim.race.RacePlan;
import procsim.race.RaceReplay;
import procsim.race.RaceRow;
import procsim.race.live.LiveRace;
import procsim.race.real.RealRace;

/**
 * The race lab: runs every point (method, W, gap; sim and real side by side) {@code runs} times,
 * the sim live through a mount (its own in-process one, or an existing one) or as seeded replays
 * inside one kernel, the real arm as real processes on this machine's kernel; prints each point's
 * row as it finishes, between the machine record before and after, then the cross-check; writes
 * the CSV, JSON, PNG and SVG and the race log if asked. {@code procsim race} is its command line.
 */
public final class RaceLab {
    /**
     * What to run and where to put it. {@code mount} null: an own mount; {@code csv}, {@code json},
     * {@code png}, {@code svg}, {@code log} null: none; {@code kernels} holds {@link RacePoint#SIM}
     * and/or {@link RacePoint#REAL}; {@code realProgram} the C race program (real arm and exec sim
     * arm); {@code simArm} how the live sim races, {@link #THREADS} or {@link #EXEC};
     * {@code procsim} the command that starts procsim (for {@code procsim exec}; exec arm only).
     */
    public record Options(List<RaceMethod> methods, List<Integer> workers, int iterations, int interference,
                          boolean overlap, boolean keep, int base, boolean replay, long seed, Path mount, int pidMax,
                          Path csv, Path png, Path log, int runs, List<Integer> gaps, List<String> kernels,
                          Path realProgram, Path json, Path svg, String version, String simArm,
                          List<String> procsim) {
        /** The live sim arm of the Java lab's threads, each attached to a sim restorer. */
        public static final String THREADS = "threads";
        /** The live sim arm of the C race program under {@code procsim exec}. */
        public static final String EXEC = "exec";

        boolean sim() {
            return kernels.contains(RacePoint.SIM);
        }

        boolean exec() {
            return sim() && !replay && EXEC.equals(simArm);
        }

        boolean real() {
            return kernels.contains(RacePoint.REAL);
        }
    }

    private final Options o;
    private final OwnMountPort ownMount;
    private final PrintWriter out;
    private final PrintWriter err;

    /** {@code ownMount} serves a live run that names no {@code mount}. */
    public RaceLab(Options options, OwnMountPort ownMount, PrintWriter out, PrintWriter err) {
        this.o = options;
        this.ownMount = ownMount;
        this.out = out;
        this.err = err;
    }

    /** The plans of the sweep's points, methods outer, then worker counts, then gaps, in the order given. */
    List<RacePlan> plans() {
        List<RacePlan> plans = new ArrayList<>();
        for (RaceMethod m : o.methods()) {
            for (int w : o.workers()) {
                for (int g : o.gaps()) {
                    plans.add(new RacePlan(m, w, o.iterations(), o.interference(), o.overlap(), o.keep(), o.base(),
                            RacePlan.DEFAULT_SPAN, g));
                }
            }
        }
        return plans;
    }

    /** Runs everything; returns the exit status (0 done, 1 failed or the cross-check failed). */
    public int run() {
        MachineRecord machine = MachineRecord.probe(o.version());
        List<RacePoint> points = new ArrayList<>();
        List<String> log = new ArrayList<>();
        try {
            if (!o.sim() || o.replay() || o.mount() != null) {
                sweep(o.sim() && !o.replay() ? o.mount() : null, o.sim() && o.replay()
                        ? "replay (one in-process kernel, simulated restorers), seed " + o.seed() + (o.runs() == 1 ? ""
                        : " for the first run, one more for each next, up to " + (o.seed() + o.runs() - 1)) : o.sim() ? "live through the mount at " + o.mount() : null, machine, points, log);
            } else {
                try (OwnMountPort.Mounted own = ownMount.start(o.pidMax())) {
                    sweep(own.path(), "live through its own in-process mount (" + own.path() + ")",
                            machine, points, log);
                }
            }
        } catch (IOException | RuntimeException e) {
            out.flush();
            err.println("procsim: race: " + describe(e));
            err.flush();
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.flush();
            err.println("procsim: race: interrupted");
            err.flush();
            return 1;
        }
        machine = machine.after();
        out.println(machine.afterLine());
        warn(machine);
        if (machine.warning() != null) {
            err.println("procsim race: " + machine.warning());
            err.flush();
        }
        if (o.sim()) out.println(RaceReport.crossCheck(points));
        out.flush();
        try {
            if (o.csv() != null) Files.writeString(o.csv(), RaceReport.csv(points, machine), StandardCharsets.UTF_8);
            if (o.json() != null) {
                Files.writeString(o.json(), RaceReport.json(points, machine, settings()), StandardCharsets.UTF_8);
            }
            if (o.png() != null) RaceChart.writePng(o.png(), points, chartTitle());
            if (o.svg() != null) RaceChart.writeSvg(o.svg(), points, chartTitle());
            if (o.log() != null) Files.write(o.log(), log, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            err.println("procsim: race: " + describe(e));
            err.flush();
            return 1;
        }
        return RaceReport.crossCheckPassed(points) ? 0 : 1;
    }

    /** One line for a failure: a file's path and what went wrong with it, not the path alone. */
    public static String describe(Exception e) {
        if (e instanceof java.nio.file.FileSystemException f) {
            String why = f.getReason() != null ? f.getReason()
                    : f instanceof java.nio.file.NoSuchFileException ? "no such file or directory"
                    : f instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : f.getClass().getSimpleName();
            return f.getFile() + ": " + why;
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    /**
     * {@code mount} null: the sim replays (or is not run); else the live sim's mount, raced by the
     * lab's threads or by the C program under procsim exec; {@code simWhere}: the header's sim part.
     */
    private void sweep(Path mount, String simWhere, MachineRecord machine, List<RacePoint> points, List<String> log)
            throws IOException, InterruptedException {
        LiveRace live = mount == null ? null : new LiveRace(mount);
        if (live != null) live.checkOperator();
        RealRace exec = live != null && o.exec() ? RealRace.exec(o.realProgram(), o.procsim(), mount) : null;
        RealRace real = o.real() ? RealRace.real(o.realProgram()) : null;
        List<String> where = new ArrayList<>();
        if (simWhere != null) {
            where.add("sim " + simWhere + (exec == null ? "" : ", by " + o.realProgram() + " --newpid under procsim exec"));
        }
        if (real != null) where.add("real kernel " + machine.kernel() + " (" + o.realProgram() + " --newpid)");
        out.println("procsim race: " + String.join("; ", where) + "; " + o.iterations() + " attempts per restorer; "
                + o.runs() + (o.runs() == 1 ? " run" : " runs") + " per point; " + (o.sim() ? "sim: " + targets() : "")
                + (o.interference() > 0 ? "; " + o.interference() + (o.interference() == 1
                ? " interference task forking freely" : " interference tasks forking freely") : ""));
        out.println(machine.headerLine());
        warn(machine);
        out.print(RaceReport.tableHeader());
        out.flush();
        for (RacePlan p : plans()) {
            if (o.sim()) {
                List<RaceRow> rows = new ArrayList<>();
                for (int i = 0; i < o.runs(); i++) rows.add(exec != null ? exec.run(p) : simRun(live, p, i, log));
                point(points, new RacePoint(RacePoint.SIM, p.method(), p.workers(), p.gapUs(), rows));
            }
            if (real != null) {
                List<RaceRow> rows = new ArrayList<>();
                for (int i = 0; i < o.runs(); i++) {
                    RaceRow r = real.run(p);
                    if (r == null) break; // n/a: the program says the kernel has no such interface
                    rows.add(r);
                }
                point(points, new RacePoint(RacePoint.REAL, p.method(), p.workers(), p.gapUs(), rows));
            }
        }
    }

    private void point(List<RacePoint> points, RacePoint p) {
        points.add(p);
        out.print(RaceReport.tableRow(p));
        out.flush();
    }

    private RaceRow simRun(LiveRace live, RacePlan p, int run, List<String> log)
            throws IOException, InterruptedException {
        if (live == null) {
            long seed = o.seed() + run;
            RaceReplay.Result r = RaceReplay.run(p, seed, o.log() != null);
            if (o.log() != null) {
                log.add(header(p) + " seed=" + seed + " steps=" + r.steps());
                log.addAll(r.log());
            }
            return r.row();
        }
        LiveRace.Result r = live.run(p, o.log() != null);
        for (String w : r.warnings()) {
            err.println("procsim race: " + p.method() + " W=" + p.workers() + ": " + w);
        }
        err.flush();
        if (o.log() != null) {
            log.add(header(p) + " run=" + (run + 1));
            log.addAll(r.log());
        }
        return r.row();
    }

    /** The record's warning as a line of the result (stderr has it once, at the end). */
    private void warn(MachineRecord machine) {
        if (machine.warning() != null) out.println("# " + machine.warning());
    }

    private String chartTitle() {
        List<String> arms = new ArrayList<>();
        if (o.sim()) {
            arms.add(o.replay() ? "sim replay" : o.exec() ? "sim live (the C program under procsim exec)"
                    : "sim live (threads through FUSE)");
        }
        if (o.real()) arms.add("real kernel (processes)");
        return "ns_last_pid race: " + String.join(" vs ", arms) + ", " + o.iterations() + " attempts/restorer";
    }

    private Map<String, Object> settings() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("kernels", o.kernels());
        s.put("sim_mode", o.sim() ? (o.replay() ? "replay" : "live") : null);
        s.put("sim_arm", o.sim() && !o.replay() ? o.simArm() : null);
        s.put("methods", o.methods().stream().map(RaceMethod::label).toList());
        s.put("workers", o.workers());
        s.put("gaps_us", o.gaps());
        s.put("iterations", o.iterations());
        s.put("runs", o.runs());
        s.put("interference", o.interference());
        s.put("overlap", o.overlap());
        s.put("keep", o.keep());
        s.put("base", o.base());
        if (o.replay()) s.put("seed", o.seed());
        if (o.real() || o.exec()) s.put("real_program", o.realProgram().toString());
        return s;
    }

    private String targets() {
        if (o.exec()) {
            return "the C program's disjoint targets from " + RacePlan.DEFAULT_BASE + " (worker w, round r: "
                    + RacePlan.DEFAULT_BASE + " + r * W + w), each child exiting at once and reaped";
        }
        if (o.overlap()) {
            return "every restorer asks for the same targets from " + o.base()
                    + " (--overlap), children kept until the end of each run";
        }
        if (o.keep()) {
            return "disjoint targets from " + o.base() + " W apart (--keep), children kept until the end of each run";
        }
        return "disjoint targets from " + o.base() + ", each child killed and reaped after its attempt";
    }

    private static String header(RacePlan p) {
        return "# method=" + p.method() + " workers=" + p.workers() + " iterations=" + p.iterations()
                + " interference=" + p.interference() + " overlap=" + p.overlap() + " children=" + p.children()
                + " base=" + p.base() + (p.gapUs() > 0 ? " gap_us=" + p.gapUs() : "");
    }
}
