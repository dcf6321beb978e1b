package procsim.race;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import procsim.kernel.Kernel;
import procsim.kernel.KernelConfig;
import procsim.pid.PidNamespace;
import procsim.task.Task;

/** The race log's one grammar: the mount's files and the replay's log lines, parsed back by the cross-check. */
class RaceLogFormatTest {
    private final Kernel kernel = Kernel.boot(new KernelConfig(32768, () -> 0L));
    private final PidNamespace root = kernel.tasks().rootPidNs();
    private final RaceLog log = new RaceLog();

    private Task fork(Task t) {
        return kernel.tasks().lookup(root, (int) kernel.syscall(t, "fork").value());
    }

    /** a lands; b overwrites a's request and a takes b's pid; the operator writes. */
    private List<RaceLog.Event> events() {
        root.addListener(log);
        Task a = fork(kernel.tasks().init());
        Task b = fork(kernel.tasks().init());
        kernel.writeNsLastPid(a, root, "99");
        fork(a);                                   // 100 landed
        kernel.writeNsLastPid(a, root, "199");
        kernel.writeNsLastPid(b, root, "299");
        fork(a);                                   // 300: stolen from b, a's overwritten
        fork(b);                                   // 301: b's taken by a
        kernel.writeNsLastPid(null, root, "0");
        return log.events();
    }

    @Test
    void eachFileListsItsOwnEventsInTheirGrammar() {
        List<RaceLog.Event> events = events();
        assertThat(RaceLogFormat.file("writes", events, root)).isEqualTo("""
                1 tid=2 value=99
                3 tid=2 value=199
                4 tid=3 value=299
                8 tid=operator value=0
                """);
        assertThat(RaceLogFormat.file("allocations", events, root)).isEqualTo("""
                2 tid=2 pid=100 landed
                6 tid=2 pid=300 elsewhere wanted=200 cause=overwritten by=3
                7 tid=3 pid=301 elsewhere wanted=300 cause=taken by=2
                """);
        assertThat(RaceLogFormat.file("stolen", events, root)).isEqualTo("5 pid=300 asked_by=3 taken_by=2\n");
        assertThat(log.summary().text()).isEqualTo("writes 4\nlanded 1\nelsewhere 2\nstolen 1\n");
        assertThat(events.stream().map(e -> RaceLogFormat.fileOf(e.kind())).distinct())
                .containsExactlyElementsOf(RaceLogFormat.FILES);
    }

    @Test
    void theElsewhereLinesParseBackAsTheyWereWritten() {
        String allocations = RaceLogFormat.file("allocations", events(), root)
                + "9 tid=5 pid=1004 elsewhere wanted=1003 cause=in_use\n";
        assertThat(RaceLogFormat.parseElsewhere(allocations)).containsExactly(
                new RaceLogFormat.Elsewhere(6, "2", 300, 200, "overwritten", "3"),
                new RaceLogFormat.Elsewhere(7, "3", 301, 300, "taken", "2"),
                new RaceLogFormat.Elsewhere(9, "5", 1004, 1003, "in_use", null));
    }

    @Test
    void theSummaryParsesBackAndAChangeIsADifference() {
        RaceLogFormat.Summary s = new RaceLogFormat.Summary(9, 4, 3, 1);
        assertThat(RaceLogFormat.Summary.parse(s.text())).isEqualTo(s);
        assertThat(s.minus(new RaceLogFormat.Summary(1, 1, 0, 0))).isEqualTo(new RaceLogFormat.Summary(8, 3, 3, 1));
        assertThatThrownBy(() -> RaceLogFormat.Summary.parse("writes 1\n")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eachMissNeedsItsOwnElsewhereLine() {
        List<RaceLogFormat.Elsewhere> lines = RaceLogFormat.parseElsewhere("""
                2 tid=5 pid=1000 landed
                4 tid=6 pid=1002 elsewhere wanted=1001 cause=overwritten by=5
                7 tid=5 pid=1001 elsewhere wanted=1002 cause=taken by=6
                9 tid=5 pid=1004 elsewhere wanted=1003 cause=in_use
                """);
        List<RaceTask.Miss> misses = List.of(new RaceTask.Miss("6", 1002, 1001), new RaceTask.Miss("5", 1001, 1002),
                new RaceTask.Miss("5", 1001, 1002), new RaceTask.Miss("5", 1999, 1003));
        RaceEvidence ev = RaceEvidence.check(new RaceLogFormat.Summary(4, 1, 3, 1), lines, misses);
        assertThat(ev.accounted()).isEqualTo(2);
        assertThat(ev.causes()).isEqualTo(Map.of("overwritten", 1L, "taken", 1L));
        assertThat(List.of(ev.writes(), ev.landed(), ev.elsewhere(), ev.stolen())).containsExactly(4L, 1L, 3L, 1L);
    }
}
