package procsim.race;

/**
 * One race-lab run's result, as a report row (no Linux counterpart): where it ran ({@code live}
 * through a mount, or {@code replay} inside one in-process kernel), the plan, the outcome counts,
 * the race log's evidence and, for a live run, the wall-clock seconds it took (NaN in replay,
 * whose output must not depend on time).
 */
public record RaceRow(String mode, RacePlan plan, RaceTally tally, RaceEvidence evidence, double seconds) {
    /** True if every miss has its elsewhere event in the race log. */
    public boolean allMissesAccounted() {
        return evidence.accounted() == tally.misses();
    }

    /** Attempts per second, NaN in replay. */
    public double throughput() {
        return Double.isNaN(seconds) || seconds <= 0 ? Double.NaN : tally.attempts() / seconds;
    }
}
