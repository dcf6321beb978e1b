package procsim.race;

/**
 * One race-lab experiment (no Linux counterpart): {@code workers} restorers in one fresh pid
 * namespace, each making {@code iterations} attempts to create a child with a target pid by
 * {@code method}, while {@code interference} other tasks of the namespace fork without asking for
 * any pid.
 *
 * <p>Three target layouts:
 * <ul>
 * <li>default (disjoint, reaped): restorer r's i-th target is {@code base + (i mod span) * workers + r};
 *     each child is killed and reaped right after its attempt, so its pid is free again when it
 *     comes round. No two restorers ever ask for the same pid: every miss is the interface's
 *     fault, not a conflict of wishes.
 * <li>{@code keep} (disjoint, kept): targets {@code base + (i * workers + r) * workers}, each used
 *     once, children kept to the end of the run, so an attempt is only the write and the fork.
 *     The stride of {@code workers} leaves room for the wrong pids: between two ns_last_pid writes
 *     each restorer forks at most once, so the forks after the write of {@code t - 1} take at most
 *     {@code t .. t + workers - 1}, and a wrong pid never lands on a later target.
 * <li>{@code overlap}: every restorer asks for the same sequence {@code base + i}, children kept:
 *     each target can be won once, and the losers show what the interface does with a taken pid.
 * </ul>
 *
 * <p>{@code gapUs}: a restorer that writes before it forks (ns_last_pid, next_syscall_data) pauses
 * that many microseconds between its write and its fork, widening the race window.
 */
public record RacePlan(RaceMethod method, int workers, int iterations, int interference, boolean overlap,
                       boolean keep, int base, int span, int gapUs) {
    public static final int DEFAULT_BASE = 1000;
    public static final int DEFAULT_SPAN = 1000;

    public RacePlan {
        if (method == null) throw new IllegalArgumentException("no method");
        if (workers < 1) throw new IllegalArgumentException("workers must be at least 1: " + workers);
        if (iterations < 1) throw new IllegalArgumentException("iterations must be at least 1: " + iterations);
        if (interference < 0) throw new IllegalArgumentException("interference must be 0 or more: " + interference);
        if (base < 2) throw new IllegalArgumentException("the first target must be at least 2: " + base);
        if (span < 1) throw new IllegalArgumentException("span must be at least 1: " + span);
        if (gapUs < 0) throw new IllegalArgumentException("gap must be 0 or more microseconds: " + gapUs);
    }

    /** No gap between the write and the fork. */
    public RacePlan(RaceMethod method, int workers, int iterations, int interference, boolean overlap, boolean keep,
                    int base, int span) {
        this(method, workers, iterations, interference, overlap, keep, base, span, 0);
    }

    /** Disjoint targets from {@link #DEFAULT_BASE}, reaped children, no interference. */
    public static RacePlan of(RaceMethod method, int workers, int iterations) {
        return new RacePlan(method, workers, iterations, 0, false, false, DEFAULT_BASE, DEFAULT_SPAN);
    }

    public RacePlan withWorkers(int w) {
        return new RacePlan(method, w, iterations, interference, overlap, keep, base, span, gapUs);
    }

    public RacePlan withMethod(RaceMethod m) {
        return new RacePlan(m, workers, iterations, interference, overlap, keep, base, span, gapUs);
    }

    public RacePlan withInterference(int n) {
        return new RacePlan(method, workers, iterations, n, overlap, keep, base, span, gapUs);
    }

    public RacePlan withOverlap(boolean o) {
        return new RacePlan(method, workers, iterations, interference, o, keep, base, span, gapUs);
    }

    public RacePlan withKeep(boolean k) {
        return new RacePlan(method, workers, iterations, interference, overlap, k, base, span, gapUs);
    }

    public RacePlan withBase(int b) {
        return new RacePlan(method, workers, iterations, interference, overlap, keep, b, span, gapUs);
    }

    public RacePlan withGapUs(int g) {
        return new RacePlan(method, workers, iterations, interference, overlap, keep, base, span, g);
    }

    /** The pid restorer {@code restorer} (0-based) asks for on attempt {@code iteration} (0-based). */
    public int target(int restorer, int iteration) {
        if (overlap) return base + iteration;
        if (keep) return base + (iteration * workers + restorer) * workers;
        return base + (iteration % span) * workers + restorer;
    }

    /** The highest target of the run (the namespace's pid_max must lie above it). */
    public int maxTarget() {
        if (overlap) return base + iterations - 1;
        if (keep) return target(workers - 1, iterations - 1);
        return base + Math.min(iterations, span) * workers - 1;
    }

    /** True if children are kept (not killed and reaped) until the end of the run. */
    public boolean keepsChildren() {
        return overlap || keep;
    }

    /** {@code kept} or {@code reaped}. */
    public String children() {
        return keepsChildren() ? "kept" : "reaped";
    }
}
