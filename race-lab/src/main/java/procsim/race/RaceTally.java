package procsim.race;

import java.util.Map;
import java.util.TreeMap;

/**
 * The outcome counts of a race-lab run (no Linux counterpart): attempts, hits (the child got the
 * target pid), misses (it got another pid: the call succeeded with the wrong number) and errors by
 * errno name (the call failed: no child). {@code attempts == hits + misses + errors}. Not
 * thread-safe: each worker keeps its own and they are {@link #add added} at the end.
 */
public final class RaceTally {
    private long attempts;
    private long hits;
    private long misses;
    private final TreeMap<String, Long> errors = new TreeMap<>();

    public void hit() {
        attempts++;
        hits++;
    }

    public void miss() {
        attempts++;
        misses++;
    }

    /** A failed attempt, by errno name ({@code EEXIST}). */
    public void error(String errno) {
        attempts++;
        errors.merge(errno, 1L, Long::sum);
    }

    public void add(RaceTally other) {
        attempts += other.attempts;
        hits += other.hits;
        misses += other.misses;
        other.errors.forEach((k, v) -> errors.merge(k, v, Long::sum));
    }

    public long attempts() {
        return attempts;
    }

    public long hits() {
        return hits;
    }

    public long misses() {
        return misses;
    }

    /** Failed attempts by errno name, sorted by name. */
    public Map<String, Long> errors() {
        return new TreeMap<>(errors);
    }

    public long errorCount() {
        long n = 0;
        for (long v : errors.values()) n += v;
        return n;
    }

    /** Misses per attempt, 0 for none. */
    public double missRate() {
        return attempts == 0 ? 0 : (double) misses / attempts;
    }

    /** {@code EEXIST:3 EBUSY:1}, or {@code -} for none. */
    public String errorsText() {
        if (errors.isEmpty()) return "-";
        StringBuilder b = new StringBuilder();
        errors.forEach((k, v) -> b.append(b.length() == 0 ? "" : " ").append(k).append(':').append(v));
        return b.toString();
    }

    @Override
    public String toString() {
        return "attempts " + attempts + " hits " + hits + " misses " + misses + " errors " + errorsText();
    }
}
