package procsim.race.lab;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToLongFunction;

import procsim.race.RaceMethod;
import procsim.race.RaceRow;

/**
 * One point of a race-lab sweep (no Linux counterpart): a kernel ({@code sim} or {@code real}), a
 * method, a worker count and a gap, and the rows of its repeated runs. A point without runs is
 * not applicable ({@code n/a}: the real kernel has no next_syscall_data and no eclone).
 */
public record RacePoint(String kernel, RaceMethod method, int workers, int gapUs, List<RaceRow> runs) {
    public static final String SIM = "sim";
    public static final String REAL = "real";

    public RacePoint {
        runs = List.copyOf(runs);
    }

    /** False for a method the kernel does not have. */
    public boolean applicable() {
        return !runs.isEmpty();
    }

    /** {@code live}, {@code replay} or {@code real}; {@code n/a} without runs. */
    public String mode() {
        return runs.isEmpty() ? "n/a" : runs.get(0).mode();
    }

    public long attempts() {
        return sum(r -> r.tally().attempts());
    }

    public long hits() {
        return sum(r -> r.tally().hits());
    }

    public long misses() {
        return sum(r -> r.tally().misses());
    }

    /** Each run's misses per attempt, in run order. */
    public double[] missRates() {
        return runs.stream().mapToDouble(r -> r.tally().missRate()).toArray();
    }

    /** The spread of the runs' miss rates (at least one run). */
    public Spread missRate() {
        return Spread.of(missRates());
    }

    /** The spread of the runs' attempts per second, null where no run was timed (replay, real). */
    public Spread throughput() {
        double[] t = runs.stream().mapToDouble(RaceRow::throughput).filter(d -> !Double.isNaN(d)).toArray();
        return t.length == 0 ? null : Spread.of(t);
    }

    /** Failed attempts of all runs by errno name. */
    public Map<String, Long> errors() {
        return merged(r -> r.tally().errors());
    }

    /** The race log's elsewhere causes of all runs' accounted misses. */
    public Map<String, Long> causes() {
        return merged(r -> r.evidence().causes());
    }

    private long sum(ToLongFunction<RaceRow> f) {
        return runs.stream().mapToLong(f).sum();
    }

    private Map<String, Long> merged(Function<RaceRow, Map<String, Long>> f) {
        Map<String, Long> m = new TreeMap<>();
        for (RaceRow r : runs) f.apply(r).forEach((k, v) -> m.merge(k, v, Long::sum));
        return m;
    }

    public long writes() {
        return sum(r -> r.evidence().writes());
    }

    public long landed() {
        return sum(r -> r.evidence().landed());
    }

    public long elsewhere() {
        return sum(r -> r.evidence().elsewhere());
    }

    public long stolen() {
        return sum(r -> r.evidence().stolen());
    }

    public long accounted() {
        return sum(r -> r.evidence().accounted());
    }

    /** True if the point has race evidence to cross-check (a sim kernel's ns_last_pid). */
    public boolean crossChecked() {
        return kernel.equals(SIM) && method == RaceMethod.NS_LAST_PID;
    }

    /** {@code EEXIST:3 EBUSY:1}, or {@code -}. */
    static String text(Map<String, Long> counts) {
        if (counts.isEmpty()) return "-";
        StringBuilder b = new StringBuilder();
        counts.forEach((k, v) -> b.append(b.length() == 0 ? "" : " ").append(k).append(':').append(v));
        return b.toString();
    }
}
