package procsim.race.lab;

import java.util.List;
import java.util.Locale;

import procsim.race.RaceMethod;
import procsim.race.RaceRow;

/**
 * The race lab's report of a set of runs: a fixed-width table for people (one row per method and
 * worker count), the same rows as CSV for tools, and the cross-check verdict. Pure functions of
 * the rows: the same rows give the same text, so a replay's report can be diffed.
 */
public final class RaceReport {
    /** The real-kernel measurement the lab is compared with. */
    public static final String REAL_KERNEL = "real Linux 6.18, W unsynchronized restorers looping "
            + "'write ns_last_pid = target-1; fork' in one pid namespace: 57% missed at W=2, 46-48% at W=4 and "
            + "W=8; clone3 set_tid: 0 misses";

    static final String CSV_HEADER = "mode,method,workers,interference,iterations,overlap,attempts,hits,misses,"
            + "miss_rate,errors,seconds,attempts_per_s,writes,landed,elsewhere,stolen,accounted,causes,children";

    private RaceReport() {
    }

    /** The table, header line included, newline-terminated lines. */
    public static String table(List<RaceRow> rows) {
        StringBuilder b = new StringBuilder();
        String fmt = "%-12s %3s %4s %8s %7s %7s %7s  %-16s %10s %6s %9s %7s  %-11s %s%n";
        b.append(String.format(Locale.ROOT, fmt, "method", "W", "intf", "attempts", "hits", "misses", "miss%",
                "errors", "attempts/s", "writes", "elsewhere", "stolen", "accounted", "causes"));
        for (RaceRow r : rows) {
            var t = r.tally();
            var e = r.evidence();
            b.append(String.format(Locale.ROOT, fmt, r.plan().method().label(), r.plan().workers(),
                    r.plan().interference(), t.attempts(), t.hits(), t.misses(), percent(t.missRate()),
                    t.errorsText(), Double.isNaN(r.throughput()) ? "-" : String.format(Locale.ROOT, "%.0f",
                            r.throughput()),
                    e.writes(), e.elsewhere(), e.stolen(), accountedText(r), e.causesText()));
        }
        return b.toString();
    }

    /** {@code 12/12}, or {@code -} where there is nothing to account for. */
    static String accountedText(RaceRow r) {
        if (r.tally().misses() == 0 && r.evidence().accounted() == 0) return "-";
        return r.evidence().accounted() + "/" + r.tally().misses();
    }

    static String percent(double rate) {
        return String.format(Locale.ROOT, "%.1f%%", rate * 100);
    }

    /**
     * The cross-check verdict, one line: every ns_last_pid miss must have its {@code elsewhere}
     * line (same thread, pid got, pid wanted) in the namespace's race log.
     */
    public static String crossCheck(List<RaceRow> rows) {
        long misses = 0;
        long accounted = 0;
        StringBuilder failed = new StringBuilder();
        for (RaceRow r : rows) {
            if (r.plan().method() != RaceMethod.NS_LAST_PID) continue;
            misses += r.tally().misses();
            accounted += Math.min(r.evidence().accounted(), r.tally().misses());
            if (!r.allMissesAccounted()) {
                failed.append(failed.length() == 0 ? "" : ", ").append("W=").append(r.plan().workers()).append(": ")
                        .append(r.evidence().accounted()).append(" of ").append(r.tally().misses());
            }
        }
        if (failed.length() > 0) {
            return "cross-check FAILED: ns_last_pid misses without their elsewhere line in the race log (" + failed
                    + ")";
        }
        return "cross-check: " + accounted + " of " + misses + " ns_last_pid misses accounted for by an elsewhere "
                + "line (same tid, pid, wanted) in procsim/pidns/<inum>/allocations";
    }

    /** True if every run passes the cross-check. */
    public static boolean crossCheckPassed(List<RaceRow> rows) {
        for (RaceRow r : rows) {
            if (r.plan().method() == RaceMethod.NS_LAST_PID && !r.allMissesAccounted()) return false;
        }
        return true;
    }

    /** The rows as CSV, header first. Seconds and throughput are empty in replay. */
    public static String csv(List<RaceRow> rows) {
        StringBuilder b = new StringBuilder(CSV_HEADER).append('\n');
        for (RaceRow r : rows) {
            var t = r.tally();
            var e = r.evidence();
            b.append(String.join(",", r.mode(), r.plan().method().label(), Integer.toString(r.plan().workers()),
                    Integer.toString(r.plan().interference()), Integer.toString(r.plan().iterations()),
                    Boolean.toString(r.plan().overlap()), Long.toString(t.attempts()), Long.toString(t.hits()),
                    Long.toString(t.misses()), String.format(Locale.ROOT, "%.4f", t.missRate()),
                    t.errors().isEmpty() ? "" : t.errorsText(),
                    Double.isNaN(r.seconds()) ? "" : String.format(Locale.ROOT, "%.3f", r.seconds()),
                    Double.isNaN(r.throughput()) ? "" : String.format(Locale.ROOT, "%.1f", r.throughput()),
                    Long.toString(e.writes()), Long.toString(e.landed()), Long.toString(e.elsewhere()),
                    Long.toString(e.stolen()), Long.toString(e.accounted()),
                    e.causes().isEmpty() ? "" : e.causesText(), r.plan().children())).append('\n');
        }
        return b.toString();
    }
}
