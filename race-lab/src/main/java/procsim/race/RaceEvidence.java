package procsim.race;

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

    /** {@code taken:3 overwritten:5}, or {@code -}. */
    public String causesText() {
        if (causes.isEmpty()) return "-";
        StringBuilder b = new StringBuilder();
        causes.forEach((k, v) -> b.append(b.length() == 0 ? "" : " ").append(k).append(':').append(v));
        return b.toString();
    }
}
