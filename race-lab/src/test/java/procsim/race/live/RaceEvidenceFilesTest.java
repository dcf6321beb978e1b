package procsim.race.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import procsim.race.RaceEvidence;

/** Parsing the mount's race evidence and matching misses to elsewhere lines. */
class RaceEvidenceFilesTest {
    private static final String ALLOCATIONS = """
            2 tid=5 pid=1000 landed
            4 tid=6 pid=1002 elsewhere wanted=1001 cause=overwritten by=5
            7 tid=5 pid=1001 elsewhere wanted=1002 cause=taken by=6
            9 tid=5 pid=1004 elsewhere wanted=1003 cause=in_use
            """;

    @Test
    void summaryParses() {
        assertThat(RaceEvidenceFiles.parseSummary("writes 9\nlanded 4\nelsewhere 3\nstolen 1\n"))
                .isEqualTo(new RaceEvidenceFiles.Summary(9, 4, 3, 1));
        assertThatThrownBy(() -> RaceEvidenceFiles.parseSummary("writes 1\n"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void elsewhereLinesParseWithAndWithoutBy() {
        List<RaceEvidenceFiles.Elsewhere> e = RaceEvidenceFiles.parseElsewhere(ALLOCATIONS);
        assertThat(e).containsExactly(
                new RaceEvidenceFiles.Elsewhere(4, "6", 1002, 1001, "overwritten", "5"),
                new RaceEvidenceFiles.Elsewhere(7, "5", 1001, 1002, "taken", "6"),
                new RaceEvidenceFiles.Elsewhere(9, "5", 1004, 1003, "in_use", null));
    }

    @Test
    void eachMissNeedsItsOwnLine() {
        var before = new RaceEvidenceFiles.Summary(1, 1, 0, 0);
        var after = new RaceEvidenceFiles.Summary(5, 2, 3, 1);
        List<RaceWorker.Miss> misses = List.of(new RaceWorker.Miss(6, 1002, 1001), new RaceWorker.Miss(5, 1001, 1002),
                new RaceWorker.Miss(5, 1001, 1002), new RaceWorker.Miss(5, 1999, 1003));
        RaceEvidence ev = RaceEvidenceFiles.check(before, after, RaceEvidenceFiles.parseElsewhere(ALLOCATIONS), misses);
        assertThat(ev.accounted()).isEqualTo(2);
        assertThat(ev.causes()).isEqualTo(Map.of("overwritten", 1L, "taken", 1L));
        assertThat(List.of(ev.writes(), ev.landed(), ev.elsewhere(), ev.stolen())).containsExactly(4L, 1L, 3L, 1L);
    }

    @Test
    void theNamespaceInodeComesFromTheLink() {
        assertThat(LiveRace.parseInum("pid:[4026531840]")).isEqualTo(4026531840L);
        assertThatThrownBy(() -> LiveRace.parseInum("ipc:[1]")).isInstanceOf(IllegalArgumentException.class);
    }
}
