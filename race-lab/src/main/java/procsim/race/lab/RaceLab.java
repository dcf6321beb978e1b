package procsim.race.lab;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import procsim.race.RaceMethod;
import procsim.race.RacePlan;
import procsim.race.RaceReplay;
import procsim.race.RaceRow;
import procsim.race.live.LiveRace;

/**
 * The race lab: runs one experiment per method and worker count, live through a mount (its own
 * in-process one, or an existing one) or as a seeded replay inside one kernel, then prints the
 * table and the cross-check and writes the CSV, the PNG chart and the race log if asked.
 * {@code procsim race} is its command line.
 */
public final class RaceLab {
    /** What to run and where to put it. {@code mount} null: an own mount; {@code csv}, {@code png}, {@code log} null: none. */
    public record Options(List<RaceMethod> methods, List<Integer> workers, int iterations, int interference,
                          boolean overlap, boolean keep, int base, boolean replay, long seed, Path mount, int pidMax, Path csv,
                          Path png, Path log) {
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

    /** The plans, methods outer, worker counts inner, in the order given. */
    List<RacePlan> plans() {
        List<RacePlan> plans = new ArrayList<>();
        for (RaceMethod m : o.methods()) {
            for (int w : o.workers()) {
                plans.add(new RacePlan(m, w, o.iterations(), o.interference(), o.overlap(), o.keep(), o.base(),
                        RacePlan.DEFAULT_SPAN));
            }
        }
        return plans;
    }

    /** Runs everything; returns the exit status (0 done, 1 failed or the cross-check failed). */
    public int run() {
        List<RacePlan> plans = plans();
        List<RaceRow> rows = new ArrayList<>();
        List<String> log = new ArrayList<>();
        String where;
        try {
            if (o.replay()) {
                where = "replay (one in-process kernel, simulated restorers), seed " + o.seed();
                for (RacePlan p : plans) {
                    RaceReplay.Result r = RaceReplay.run(p, o.seed(), o.log() != null);
                    rows.add(r.row());
                    if (o.log() != null) {
                        log.add(header(p) + " seed=" + o.seed() + " steps=" + r.steps());
                        log.addAll(r.log());
                    }
                }
            } else if (o.mount() != null) {
                where = "live through the mount at " + o.mount();
                live(new LiveRace(o.mount()), plans, rows, log);
            } else {
                try (OwnMountPort.Mounted own = ownMount.start(o.pidMax())) {
                    where = "live through its own in-process mount (" + own.path() + ")";
                    live(new LiveRace(own.path()), plans, rows, log);
                }
            }
        } catch (IOException | RuntimeException e) {
            err.println("procsim: race: " + describe(e));
            err.flush();
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("procsim: race: interrupted");
            err.flush();
            return 1;
        }

        out.println("procsim race: " + where + "; " + o.iterations() + " attempts per restorer; " + targets()
                + (o.interference() > 0 ? "; " + o.interference() + (o.interference() == 1 ? " interference task forking freely" : " interference tasks forking freely") : ""));
        out.print(RaceReport.table(rows));
        out.println(RaceReport.crossCheck(rows));
        out.println("compare: " + RaceReport.REAL_KERNEL);
        out.flush();
        try {
            if (o.csv() != null) Files.writeString(o.csv(), RaceReport.csv(rows), StandardCharsets.UTF_8);
            if (o.png() != null) MissRateChart.write(o.png(), rows, "procsim race: miss rate against W ("
                    + (o.replay() ? "replay, seed " + o.seed() : "live, real threads through FUSE") + "; children "
                    + (o.overlap() ? "kept, shared targets" : o.keep() ? "kept" : "reaped") + ")");
            if (o.log() != null) Files.write(o.log(), log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("procsim: race: " + describe(e));
            err.flush();
            return 1;
        }
        return RaceReport.crossCheckPassed(rows) ? 0 : 1;
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

    private void live(LiveRace race, List<RacePlan> plans, List<RaceRow> rows, List<String> log)
            throws IOException, InterruptedException {
        race.checkOperator();
        for (RacePlan p : plans) {
            LiveRace.Result r = race.run(p, o.log() != null);
            rows.add(r.row());
            for (String w : r.warnings()) err.println("procsim race: " + p.method() + " W=" + p.workers() + ": " + w);
            err.flush();
            if (o.log() != null) {
                log.add(header(p));
                log.addAll(r.log());
            }
        }
    }

    private String targets() {
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
                + " base=" + p.base();
    }
}
