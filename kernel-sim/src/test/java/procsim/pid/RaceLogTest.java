package procsim.pid;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import procsim.kernel.Sim;
import procsim.task.Task;

/** The ns_last_pid race evidence: every miss accounted for by a steal, an overwrite or a pid in use. */
class RaceLogTest {
    private final Sim sim = new Sim();
    private final Task a = sim.as(1).child("fork");
    private final Task b = sim.as(1).child("fork");
    private final PidNamespace ns = sim.root();

    private void write(Task t, int v) {
        sim.kernel.writeNsLastPid(t, ns, Integer.toString(v));
    }

    private static String describe(RaceLog.Event e) {
        return e.kind() + " " + (e.actor() == null ? "op" : e.actor().innermost()) + " " + e.value()
                + (e.kind() == RaceLog.Kind.ELSEWHERE ? " want " + e.wanted() + " " + e.cause() : "")
                + (e.other() != null ? " other " + e.other().innermost() : "");
    }

    @Test
    void landedOverwrittenTakenAndStolen() {
        write(a, 99);
        assertThat(sim.as(a).run("fork")).isEqualTo("100");
        write(a, 199);
        write(b, 299);
        assertThat(sim.as(a).run("fork")).isEqualTo("300");
        assertThat(sim.as(b).run("fork")).isEqualTo("301");
        write(a, 399);
        assertThat(sim.as(b).run("fork")).isEqualTo("400");
        assertThat(sim.as(a).run("fork")).isEqualTo("401");

        RaceLog log = ns.raceLog();
        assertThat(log.events().stream().map(RaceLogTest::describe)).containsExactly(
                "WRITE 2 99", "LANDED 2 100",
                "WRITE 2 199", "WRITE 3 299",
                "STOLEN 2 300 other 3", "ELSEWHERE 2 300 want 200 OVERWRITTEN other 3",
                "ELSEWHERE 3 301 want 300 TAKEN other 2",
                "WRITE 2 399", "STOLEN 3 400 other 2", "ELSEWHERE 2 401 want 400 TAKEN other 3");
        assertThat(List.of(log.writes(), log.landed(), log.elsewhere(), log.stolen())).containsExactly(4L, 1L, 3L, 2L);
    }

    @Test
    void aPidAlreadyInUseIsItsOwnCause() {
        write(a, 0);
        assertThat(sim.as(a).run("fork")).isEqualTo("4");
        assertThat(describe(ns.raceLog().events().get(1))).isEqualTo("ELSEWHERE 2 4 want 1 IN_USE");
    }

    @Test
    void exactAllocationsAreNotLogged() {
        write(a, 99);
        sim.as(b).ok("clone3 set_tid=100");
        assertThat(ns.raceLog().events()).hasSize(1);
        assertThat(sim.as(a).run("fork")).isEqualTo("101");
        assertThat(describe(ns.raceLog().events().get(1))).isEqualTo("ELSEWHERE 2 101 want 100 IN_USE");
    }
}
