package procsim.race;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The race lab's replay: seeded interleavings of simulated restorers in one kernel. */
class RaceReplayTest {
    private static RacePlan plan(RaceMethod m, int workers, int iterations) {
        return RacePlan.of(m, workers, iterations);
    }

    @ParameterizedTest
    @EnumSource(RaceMethod.class)
    void theSameSeedGivesTheSameOutcomeAndTheSameLog(RaceMethod m) {
        RacePlan p = plan(m, 4, 30).withInterference(1);
        RaceReplay.Result a = RaceReplay.run(p, 42);
        RaceReplay.Result b = RaceReplay.run(p, 42);
        assertThat(b.log()).isEqualTo(a.log());
        assertThat(b.steps()).isEqualTo(a.steps());
        assertThat(b.row().tally().toString()).isEqualTo(a.row().tally().toString());
        assertThat(b.row().evidence()).isEqualTo(a.row().evidence());
        assertThat(a.log()).isNotEmpty();
    }

    @Test
    void anotherSeedGivesAnotherInterleaving() {
        RacePlan p = plan(RaceMethod.NS_LAST_PID, 4, 30);
        assertThat(RaceReplay.run(p, 1).log()).isNotEqualTo(RaceReplay.run(p, 2).log());
    }

    @Test
    void aLoneRestorerAlwaysLandsWithNsLastPid() {
        RaceReplay.Result r = RaceReplay.run(plan(RaceMethod.NS_LAST_PID, 1, 50), 7);
        assertThat(r.row().tally().hits()).isEqualTo(50);
        assertThat(r.row().tally().misses()).isZero();
        assertThat(r.row().evidence().landed()).isEqualTo(50);
        assertThat(r.row().evidence().writes()).isEqualTo(50);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4, 8})
    void nsLastPidWithSeveralRestorersMissesAndEveryMissHasItsElsewhereEvent(int workers) {
        RaceReplay.Result r = RaceReplay.run(plan(RaceMethod.NS_LAST_PID, workers, 100), 2025);
        RaceTally t = r.row().tally();
        assertThat(t.attempts()).isEqualTo(100L * workers);
        assertThat(t.misses()).isPositive();
        assertThat(t.hits() + t.misses()).isEqualTo(t.attempts());
        RaceEvidence e = r.row().evidence();
        assertThat(e.accounted()).isEqualTo(t.misses());
        assertThat(e.elsewhere()).isEqualTo(t.misses());
        assertThat(e.landed()).isEqualTo(t.hits());
        assertThat(e.causes().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(t.misses());
        assertThat(r.row().allMissesAccounted()).isTrue();
        assertThat(r.log()).anyMatch(l -> l.contains(" elsewhere wanted="));
    }

    @ParameterizedTest
    @EnumSource(value = RaceMethod.class, names = {"NSD", "CLONE3", "ECLONE"})
    void pidCarryingInterfacesNeverMissWithDisjointTargets(RaceMethod m) {
        for (long seed = 0; seed < 5; seed++) {
            RaceReplay.Result r = RaceReplay.run(plan(m, 8, 40), seed);
            RaceTally t = r.row().tally();
            assertThat(t.misses()).isZero();
            assertThat(t.hits()).isEqualTo(320);
            assertThat(t.errorCount()).isZero();
            assertThat(r.row().evidence().writes()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(value = RaceMethod.class, names = {"NSD", "CLONE3", "ECLONE"})
    void interferenceMakesThemFailNotMiss(RaceMethod m) {
        RacePlan p = RacePlan.of(m, 4, 60).withInterference(4).withBase(10);
        RaceTally t = RaceReplay.run(p, 3).row().tally();
        assertThat(t.misses()).isZero();
        assertThat(t.errorCount()).isPositive();
        assertThat(t.hits() + t.errorCount()).isEqualTo(t.attempts());
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 8})
    void keptChildrenWithStridedTargetsNeverCollideWithALaterTarget(int workers) {
        for (long seed = 0; seed < 3; seed++) {
            RaceReplay.Result r = RaceReplay.run(plan(RaceMethod.NS_LAST_PID, workers, 40).withKeep(true), seed, false);
            assertThat(r.row().tally().misses()).isPositive();
            assertThat(r.row().allMissesAccounted()).isTrue();
            assertThat(r.row().evidence().causes()).doesNotContainKey("in_use");
        }
        assertThat(RaceReplay.run(plan(RaceMethod.CLONE3, workers, 50).withKeep(true), 0).row().tally().hits())
                .isEqualTo(50L * workers);
    }

    @Test
    void overlappingSetTidTargetsAreWonOnceAndTheRestIsEexist() {
        RacePlan p = plan(RaceMethod.CLONE3, 3, 20).withOverlap(true);
        RaceTally t = RaceReplay.run(p, 9).row().tally();
        assertThat(t.misses()).isZero();
        assertThat(t.hits()).isEqualTo(20);
        assertThat(t.errors()).containsExactly(java.util.Map.entry("EEXIST", 40L));
    }

    @Test
    void overlappingEcloneAndNsdTargetsAreEbusy() {
        assertThat(RaceReplay.run(plan(RaceMethod.ECLONE, 2, 10).withOverlap(true), 1).row().tally().errors())
                .containsExactly(java.util.Map.entry("EBUSY", 10L));
        assertThat(RaceReplay.run(plan(RaceMethod.NSD, 2, 10).withOverlap(true), 1).row().tally().errors())
                .containsExactly(java.util.Map.entry("EBUSY", 10L));
    }

    @Test
    void theLogShowsStepsAndTheEventsTheyCaused() {
        RaceReplay.Result r = RaceReplay.run(plan(RaceMethod.NS_LAST_PID, 1, 1), 0);
        assertThat(r.log()).containsExactly(
                "step 1 r0 tid=2 write ns_last_pid 999",
                "  writes: 1 tid=2 value=999",
                "step 2 r0 tid=2 fork = 1000 hit (target 1000)",
                "  allocations: 2 tid=2 pid=1000 landed",
                "step 3 r0 tid=2 kill 1000 SIGKILL = 0",
                "step 4 r0 tid=2 wait4 1000 = 1000 status=0x0009");
    }

    @Test
    void disjointTargetsNeverMeet() {
        RacePlan p = plan(RaceMethod.CLONE3, 4, 3000);
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int r = 0; r < 4; r++) {
            java.util.Set<Integer> mine = new java.util.HashSet<>();
            for (int i = 0; i < 3000; i++) mine.add(p.target(r, i));
            for (int t : mine) assertThat(seen.add(t)).isTrue();
        }
        assertThat(p.maxTarget()).isEqualTo(1000 + 4000 - 1);
    }

    @Test
    void methodsParseByLabelAndAlias() {
        assertThat(RaceMethod.parse("set_tid")).isEqualTo(RaceMethod.CLONE3);
        assertThat(RaceMethod.parse("NS_LAST_PID")).isEqualTo(RaceMethod.NS_LAST_PID);
        assertThat(RaceMethod.parse("next_syscall_data")).isEqualTo(RaceMethod.NSD);
        assertThatThrownBy(() -> RaceMethod.parse("vfork")).isInstanceOf(IllegalArgumentException.class);
    }
}
