package procsim.race;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import procsim.kernel.Kernel;
import procsim.kernel.KernelConfig;
import procsim.pid.PidNamespace;
import procsim.task.Task;

/** The ns_last_pid race evidence: every miss accounted for by a steal, an overwrite or a pid in use. */
class RaceLogTest {
    private final Kernel kernel = Kernel.boot(new KernelConfig(32768, () -> 0L));
    private final PidNamespace ns = kernel.tasks().rootPidNs();
    private final Task a = child(kernel.tasks().init());
    private final Task b = child(kernel.tasks().init());
    private final RaceLog log = attached();

    private RaceLog attached() {
        RaceLog l = new RaceLog();
        ns.addListener(l);
        return l;
    }

    private Task child(Task parent) {
        return kernel.tasks().lookup(ns, fork(parent));
    }

    private int fork(Task t) {
        return (int) kernel.syscall(t, "fork").value();
    }

    private void write(Task t, int v) {
        kernel.writeNsLastPid(t, ns, Integer.toString(v));
    }

    private static String describe(RaceLog.Event e) {
        return e.kind() + " " + (e.actor() == null ? "op" : e.actor().innermost()) + " " + e.value()
                + (e.kind() == RaceLog.Kind.ELSEWHERE ? " want " + e.wanted() + " " + e.cause() : "")
                + (e.other() != null ? " other " + e.other().innermost() : "");
    }

    @Test
    void landedOverwrittenTakenAndStolen() {
        write(a, 99);
        assertThat(fork(a)).isEqualTo(100);
        write(a, 199);
        write(b, 299);
        assertThat(fork(a)).isEqualTo(300);
        assertThat(fork(b)).isEqualTo(301);
        write(a, 399);
        assertThat(fork(b)).isEqualTo(400);
        assertThat(fork(a)).isEqualTo(401);

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
        assertThat(fork(a)).isEqualTo(4);
        assertThat(describe(log.events().get(1))).isEqualTo("ELSEWHERE 2 4 want 1 IN_USE");
    }

    @Test
    void exactAllocationsAreNotLogged() {
        write(a, 99);
        assertThat(kernel.syscall(b, "clone3 set_tid=100").value()).isEqualTo(100);
        assertThat(log.events()).hasSize(1);
        assertThat(fork(a)).isEqualTo(101);
        assertThat(describe(log.events().get(1))).isEqualTo("ELSEWHERE 2 101 want 100 IN_USE");
    }

    @Test
    void theMountsLogGivesEveryNamespaceBelowALogOfItsOwnAPlainOneDoesNot() {
        RaceLog every = RaceLog.everyNamespace();
        ns.addListener(every);
        Task nsInit = kernel.tasks().lookup(ns, (int) kernel.syscall(a, "clone CLONE_NEWPID|SIGCHLD").value());
        PidNamespace inner = nsInit.pidNsForChildren();
        RaceLog innerLog = inner.listener(RaceLog.class);
        assertThat(innerLog).isNotNull().isNotSameAs(every);
        kernel.writeNsLastPid(nsInit, inner, "9");
        assertThat(fork(nsInit)).isEqualTo(10);
        assertThat(innerLog.events().stream().map(RaceLogTest::describe)).containsExactly("WRITE 1 9", "LANDED 1 10");
        assertThat(every.writes()).isZero();
        assertThat(log.writes()).isZero();
        Task deeper = kernel.tasks().lookup(inner, (int) kernel.syscall(nsInit, "clone CLONE_NEWPID|SIGCHLD").value());
        assertThat(deeper.pidNsForChildren().listener(RaceLog.class)).isNotNull().isNotSameAs(innerLog);
    }

    @Test
    void aPlainLogStaysWithItsNamespace() {
        Task nsInit = kernel.tasks().lookup(ns, (int) kernel.syscall(a, "clone CLONE_NEWPID|SIGCHLD").value());
        assertThat(nsInit.pidNsForChildren().listener(RaceLog.class)).isNull();
    }
}
