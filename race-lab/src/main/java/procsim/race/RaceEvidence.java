package procsim.race;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a pid namespace's race log said about one race-lab run (procsim's evidence, no Linux
 * counterpart): the change of its counters over the run (ns_last_pid writes, allocations that
 * landed on the pid asked for, allocations that went elsewhere, pids stolen from another
 * thread's request), and the cross-check of the run's misses against it: {@code accounted} is how
 * many of the restorers' misses have an {@code elsewhere} event naming the same thread, the pid it
 * got and the pid it wanted; {@code causes} counts those events by cause ({@code taken},
 * {@code overwritten}, {@code in_use}).
 */
public record RaceEvidence(long writes, long landed, long elsewhere, long stolen, long accounted,
                           Map<String, Long> causes) {
    public RaceEvidence {
        causes = new TreeMap<>(causes);
    }

    /**
     * The cross-check, one for replay and live: the counters' change over the run, and each miss
     * matched to one elsewhere line with the same thread, pid got and pid wanted (in the order
     * both happened); a line accounts for one miss only.
     */
    public static RaceEvidence check(RaceLogFormat.Summary delta, List<RaceLogFormat.Elsewhere> lines,
                                     List<RaceTask.Miss> misses) {
        Map<String, List<RaceLogFormat.Elsewhere>> byKey = new HashMap<>();
        for (RaceLogFormat.Elsewhere e : lines) {
            byKey.computeIfAbsent(e.tid() + " " + e.pid() + " " + e.wanted(), k -> new ArrayList<>()).add(e);
        }
        long accounted = 0;
        Map<String, Long> causes = new TreeMap<>();
        for (RaceTask.Miss m : misses) {
            List<RaceLogFormat.Elsewhere> c = byKey.get(m.tid() + " " + m.got() + " " + m.wanted());
            if (c == null || c.isEmpty()) continue;
            RaceLogFormat.Elsewhere e = c.remove(0);
            accounted++;
            causes.merge(e.cause(), 1L, Long::sum);
        }
        return new RaceEvidence(delta.writes(), delta.landed(), delta.elsewhere(), delta.stolen(), accounted, causes);
    }

    /** {@code taken:3 overwritten:5}, or {@code -}. */
    public String causesText() {
        if (causes.isEmpty()) return "-";
        StringBuilder b = new StringBuilder();
        causes.forEach((k, v) -> b.append(b.length() == 0 ? "" : " ").append(k).append(':').append(v));
        return b.toString();
    }
}
