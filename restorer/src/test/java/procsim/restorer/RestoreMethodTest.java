package procsim.restorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RestoreMethodTest {
    /** Task 9 (NSpid 9,4,2) made by 7 (NSpid 7,3) in namespaces whose inits are 1, 5 and 7. */
    private static final Creation NESTED_INIT = new Creation(7, 7, List.of(9, 4, 1), 1, List.of(1, 5, 9), false, 17);
    private static final Creation SAME_LEVEL = new Creation(7, 7, List.of(9, 4, 2), 2, List.of(1, 5, 7), false, 17);

    /** The race lab's child: task 5 (NSpid 5,2, namespace of init 3) asks for 1000 there, any pid in the root namespace. */
    private static final Creation ANY_OUTSIDE = new Creation(5, 5, List.of(Creation.ANY, 1000), 1, List.of(1, 3), false,
            RestoreMethod.SIGCHLD);

    // clone3: set_tid innermost first, every level (kernel/fork.c: set_tid[0] is the child's own
    // namespace); eclone: outermost first, only the levels the parent sees; nsd: LONGn every level,
    // outermost first; ns_last_pid: fork. SIGCHLD by its name, as the kernel parses it.
    // An outer level's ANY is left out: clone3's set_tid covers the innermost set_tid_size levels
    // (kernel/pid.c alloc_pid), eclone's pids are right-aligned onto the youngest levels (the seeds'
    // copy_target_pids), as are nsd's LONGn values.
    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "clone3;      same;  clone3 exit_signal=SIGCHLD set_tid=2,4,9",
        "clone3;      newns; clone3 flags=CLONE_NEWPID exit_signal=SIGCHLD set_tid=1,4,9",
        "clone3;      usr1;  clone3 exit_signal=10 set_tid=2,4,9",
        "clone3;      thread; clone3 flags=CLONE_THREAD|CLONE_SIGHAND|CLONE_VM set_tid=2,4,9",
        "clone3;      any;   clone3 exit_signal=SIGCHLD set_tid=1000",
        "eclone;      same;  eclone SIGCHLD pids=9,4,2",
        "eclone;      newns; eclone CLONE_NEWPID|SIGCHLD pids=9,4",
        "eclone;      thread; eclone CLONE_THREAD|CLONE_SIGHAND|CLONE_VM pids=9,4,2",
        "eclone;      any;   eclone SIGCHLD pids=1000",
        "nsd;         same;  fork",
        "nsd;         newns; clone CLONE_NEWPID|SIGCHLD",
        "nsd;         usr1;  clone 10",
        "nsd;         any;   fork",
        "ns_last_pid; thread; clone CLONE_THREAD|CLONE_SIGHAND|CLONE_VM",
        "ns_last_pid; any;   fork",
    })
    void cloneLines(String method, String kind, String line) {
        assertThat(RestoreMethod.parse(method).cloneLine(creation(kind))).isEqualTo(line);
    }

    private static Creation creation(String kind) {
        return switch (kind) {
            case "same" -> SAME_LEVEL;
            case "newns" -> NESTED_INIT;
            case "usr1" -> new Creation(7, 7, List.of(9, 4, 2), 2, List.of(1, 5, 7), false, 10);
            case "thread" -> new Creation(7, 7, List.of(9, 4, 2), 2, List.of(1, 5, 7), true, 0);
            case "any" -> ANY_OUTSIDE;
            default -> throw new IllegalArgumentException(kind);
        };
    }

    @Test
    void nsdWritesEveryLevelOutermostFirstThenForks() {
        RecordingPort port = new RecordingPort();
        RestoreMethod.NSD.create(port, SAME_LEVEL);
        assertThat(port.writes).containsExactly("7/7 next_syscall_data: LONG3 9 4 2", "7/7: fork");
    }

    @Test
    void nsLastPidWritesEachLevelsCursorButANewNamespacesOwn() {
        RecordingPort port = new RecordingPort();
        Reply r = RestoreMethod.NS_LAST_PID.create(port, NESTED_INIT);
        assertThat(port.writes).containsExactly("ns_last_pid of init 1: 8", "ns_last_pid of init 5: 3",
                "7/7: clone CLONE_NEWPID|SIGCHLD");
        assertThat(r.value()).isEqualTo(4);
        port.writes.clear();
        RestoreMethod.NS_LAST_PID.create(port, SAME_LEVEL);
        assertThat(port.writes).containsExactly("ns_last_pid of init 1: 8", "ns_last_pid of init 5: 3",
                "ns_last_pid of init 7: 1", "7/7: fork");
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "nsd;         5/5 next_syscall_data: LONG1 1000",
        "ns_last_pid; ns_last_pid of init 3: 999",
        "clone3;      ''",
        "eclone;      ''",
    })
    void anyLevelIsNeitherWrittenNorCounted(String method, String prepared) {
        RecordingPort port = new RecordingPort();
        assertThat(RestoreMethod.parse(method).prepare(port, ANY_OUTSIDE).failed()).isFalse();
        assertThat(port.writes).containsExactlyElementsOf(prepared.isEmpty() ? List.of() : List.of(prepared));
    }

    @Test
    void aFailedCursorWriteStopsBeforeTheFork() {
        RecordingPort port = new RecordingPort();
        port.fail = w -> w.startsWith("ns_last_pid of init 5") ? "EPERM" : null;
        Reply r = RestoreMethod.NS_LAST_PID.create(port, SAME_LEVEL);
        assertThat(r.errno()).isEqualTo("EPERM");
        assertThat(port.writes).hasSize(2);
    }

    @Test
    void exactMethodsReadNoReplyOnSuccess() {
        RecordingPort port = new RecordingPort();
        assertThat(RestoreMethod.CLONE3.create(port, SAME_LEVEL)).isSameAs(Reply.DONE);
        port.fail = w -> "EEXIST";
        assertThat(RestoreMethod.CLONE3.create(port, SAME_LEVEL).errno()).isEqualTo("EEXIST");
    }

    @Test
    void levelsThatDoNotFitAreRefused() {
        assertThatThrownBy(() -> new Creation(7, 7, List.of(9, 4, 3, 1), 1, List.of(1, 5, 7, 9), false, 17))
                .hasMessageContaining("level 3 cannot be made by one of level 1");
        assertThatThrownBy(() -> RestoreMethod.parse("fork")).hasMessageContaining("unknown method 'fork'");
    }

    // ANY only where every method can leave a level to the kernel: the outermost levels, above the
    // parent's (clone3's set_tid has no "any" marker, 0 is EINVAL, and it covers the innermost
    // set_tid_size levels: kernel/pid.c alloc_pid).
    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "9,4,0;   2; any pid (0) at level 2",
        "9,0,1;   1; any pid (0) at level 1",
        "0,4,0;   1; any pid (0) at level 2",
        "9,0,4,2; 3; any pid (0) at level 1",
        "9,-4,2;  2; pid -4 at level 1",
    })
    void anyIsOnlyForTheLevelsAboveTheParents(String nspid, int parentLevel, String message) {
        List<Integer> pids = java.util.Arrays.stream(nspid.split(",")).map(Integer::valueOf).toList();
        assertThatThrownBy(() -> new Creation(7, 7, pids, parentLevel, List.of(1, 5, 9, 11), false, 17))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }
}
