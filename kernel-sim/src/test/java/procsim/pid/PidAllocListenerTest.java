package procsim.pid;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import procsim.kernel.Sim;
import procsim.task.Task;

/**
 * A listener attached to a pid namespace hears its ns_last_pid writes (by whom) and the numbers its
 * cyclic allocator hands out (forked by whom): kernel/pid.c alloc_pid takes {@code idr_alloc_cyclic}
 * at a level without a set_tid, {@code idr_alloc(tid, tid + 1)} at one with it, and only the cyclic
 * ones follow ns_last_pid (kernel/pid_namespace.c pid_ns_ctl_handler sets the idr cursor).
 */
class PidAllocListenerTest {
    private final Sim sim = new Sim();
    private final Task a = sim.as(1).child("fork");

    /** Records what it hears as text; {@code inherit} makes one for each namespace made below. */
    private static final class Recorder implements PidAllocListener {
        final List<String> heard;
        final boolean inherit;

        Recorder(List<String> heard, boolean inherit) {
            this.heard = heard;
            this.inherit = inherit;
        }

        @Override
        public void lastPidWritten(PidNamespace ns, Pid writer, int value) {
            heard.add("L" + ns.level() + " write " + who(writer, ns) + " " + value);
        }

        @Override
        public void pidAllocated(PidNamespace ns, int nr, Pid forker) {
            heard.add("L" + ns.level() + " alloc " + who(forker, ns) + " " + nr);
        }

        @Override
        public PidAllocListener forChild(PidNamespace child) {
            return inherit ? new Recorder(heard, true) : null;
        }

        private static String who(Pid p, PidNamespace ns) {
            return p == null ? "operator" : "tid" + p.nr(ns.parent() == null ? ns : ns.parent());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "fork                                      ; L0 alloc tid2 3",
        "clone3 set_tid=500                        ; ''",
        "eclone SIGCHLD pids=500                   ; ''",
        "clone CLONE_THREAD|CLONE_SIGHAND|CLONE_VM ; L0 alloc tid2 3",
    })
    void cyclicAllocationsAreHeardExactOnesAreNot(String line, String expected) {
        List<String> heard = new ArrayList<>();
        sim.root().addListener(new Recorder(heard, false));
        sim.as(a).ok(line);
        assertThat(String.join(",", heard)).isEqualTo(expected);
    }

    @Test
    void writesAreHeardWithTheirWriterAndTheOperatorIsNull() {
        List<String> heard = new ArrayList<>();
        sim.root().addListener(new Recorder(heard, false));
        sim.kernel.writeNsLastPid(a, sim.root(), "99");
        sim.kernel.writeNsLastPid(null, sim.root(), "199");
        sim.as(a).ok("fork");
        assertThat(heard).containsExactly("L0 write tid2 99", "L0 write operator 199", "L0 alloc tid2 200");
        assertThat(sim.root().listener(Recorder.class)).isNotNull();
    }

    @Test
    void aNamespaceMadeBelowGetsWhatTheListenerGivesIt() {
        List<String> heard = new ArrayList<>();
        sim.root().addListener(new Recorder(heard, true));
        Task nsInit = sim.as(a).child("clone CLONE_NEWPID|SIGCHLD");
        sim.as(nsInit).ok("fork");
        // init of the new namespace: cyclic at both levels; its child likewise (level 1 first seen from level 0)
        assertThat(heard).containsExactly("L0 alloc tid2 3", "L1 alloc tid2 1", "L0 alloc tid3 4",
                "L1 alloc tid3 2");
        assertThat(nsInit.pidNsForChildren().listener(Recorder.class)).isNotNull();
    }

    @Test
    void aListenerThatGivesNoneLeavesNamespacesBelowUnheard() {
        List<String> heard = new ArrayList<>();
        sim.root().addListener(new Recorder(heard, false));
        Task nsInit = sim.as(a).child("clone CLONE_NEWPID|SIGCHLD");
        heard.clear();
        sim.as(nsInit).ok("fork");
        assertThat(heard).containsExactly("L0 alloc tid3 4");
        assertThat(nsInit.pidNsForChildren().listener(Recorder.class)).isNull();
    }
}
