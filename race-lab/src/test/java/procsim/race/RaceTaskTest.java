package procsim.race;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import procsim.restorer.Reply;

/** The one restorer protocol, step by step, against a port that records what it is asked and answers from a script. */
class RaceTaskTest {
    /**
     * Task 7 of the namespace of init 3: records each request, and the task or namespace it names;
     * replies from {@code replies} (a reply line, or "!ERRNO" for a failed write).
     */
    private static final class ScriptedPort implements TaskPort {
        final List<String> asked = new ArrayList<>();
        final Set<String> named = new TreeSet<>();
        final Deque<String> replies = new ArrayDeque<>();

        ScriptedPort(String... replies) {
            this.replies.addAll(List.of(replies));
        }

        @Override
        public int pid() {
            return 7;
        }

        @Override
        public int nsInit() {
            return 3;
        }

        private Reply writeReply() {
            String r = replies.isEmpty() ? "" : replies.peek();
            if (!r.startsWith("!")) return Reply.DONE;
            replies.pop();
            return Reply.error(r.substring(1));
        }

        @Override
        public Reply writeNsLastPid(int nsInit, long value) {
            asked.add("ns_last_pid < " + value);
            named.add("init " + nsInit);
            return writeReply();
        }

        @Override
        public Reply writeNextSyscallData(int pid, int tid, String text) {
            asked.add("next_syscall_data < " + text);
            named.add(pid + "/" + tid);
            return writeReply();
        }

        @Override
        public Reply call(int pid, int tid, String line, long expect) {
            asked.add("call " + line);
            named.add(pid + "/" + tid);
            return Reply.parse(replies.pop(), null);
        }

        @Override
        public Reply send(int pid, int tid, String line) {
            asked.add("send " + line);
            named.add(pid + "/" + tid);
            return Reply.DONE;
        }

        @Override
        public void pause(int micros) {
            asked.add("pause " + micros);
        }
    }

    private static List<String> steps(RaceTask t) {
        List<String> out = new ArrayList<>();
        while (!t.done()) out.add(t.step());
        return out;
    }

    @ParameterizedTest(name = "{0} gap {1}")
    @CsvSource(delimiter = ';', value = {
        "ns_last_pid; 0;  ns_last_pid < 999,call fork,send kill 1000 SIGKILL,send wait4 1000",
        "nsd;         0;  next_syscall_data < LONG1 1000,call fork,send kill 1000 SIGKILL,send wait4 1000",
        "clone3;      0;  call clone3 exit_signal=SIGCHLD set_tid=1000,send kill 1000 SIGKILL,send wait4 1000",
        "eclone;      0;  call eclone SIGCHLD pids=1000,send kill 1000 SIGKILL,send wait4 1000",
        // A gap is a pause between the write and the fork; a method without a write has none.
        "ns_last_pid; 50; ns_last_pid < 999,pause 50,call fork,send kill 1000 SIGKILL,send wait4 1000",
        "nsd;         50; next_syscall_data < LONG1 1000,pause 50,call fork,send kill 1000 SIGKILL,send wait4 1000",
        "clone3;      50; call clone3 exit_signal=SIGCHLD set_tid=1000,send kill 1000 SIGKILL,send wait4 1000",
        "eclone;      50; call eclone SIGCHLD pids=1000,send kill 1000 SIGKILL,send wait4 1000",
    })
    void anAttemptIsTheMethodsWriteItsCloneLineAndAReap(String method, int gapUs, String expected) {
        ScriptedPort port = new ScriptedPort("1000");
        RaceTask t = new RaceTask(RacePlan.of(RaceMethod.parse(method), 1, 1).withGapUs(gapUs), 0, true, "7", port);
        steps(t);
        assertThat(port.asked).containsExactly(expected.split(","));
        assertThat(port.named).isSubsetOf("7/7", "init 3").contains("7/7");
        assertThat(t.tally().hits()).isEqualTo(1);
    }

    @Test
    void theHelpsPrefixesAreTheLinesTheRestoreMethodsMake() {
        ScriptedPort port = new ScriptedPort("1000", "1000", "1000");
        for (RaceMethod m : List.of(RaceMethod.NSD, RaceMethod.CLONE3, RaceMethod.ECLONE)) {
            steps(new RaceTask(RacePlan.of(m, 1, 1).withKeep(true), 0, true, "7", port));
        }
        assertThat(port.asked).containsExactly("next_syscall_data < " + RaceMethod.NEXT_SYSCALL_DATA_PREFIX + "1000",
                "call fork", "call " + RaceMethod.CLONE3_PREFIX + "1000", "call " + RaceMethod.ECLONE_PREFIX + "1000");
    }

    @Test
    void aMissIsRecordedWithTheTasksTidAndKeptChildrenAreNotReaped() {
        ScriptedPort port = new ScriptedPort("1001", "1003");
        RaceTask t = new RaceTask(RacePlan.of(RaceMethod.NS_LAST_PID, 1, 2).withKeep(true), 0, true, "7", port);
        assertThat(steps(t)).containsExactly("write ns_last_pid 999", "fork = 1001 miss (target 1000)",
                "write ns_last_pid 1000", "fork = 1003 miss (target 1001)");
        assertThat(t.misses()).containsExactly(new RaceTask.Miss("7", 1001, 1000), new RaceTask.Miss("7", 1003, 1001));
        assertThat(port.asked).noneMatch(a -> a.startsWith("send"));
    }

    @Test
    void aFailedWriteOrCloneIsAnErrorAndTheAttemptEnds() {
        ScriptedPort port = new ScriptedPort("!EBUSY", "-1 EEXIST");
        RaceTask t = new RaceTask(RacePlan.of(RaceMethod.NSD, 1, 2).withKeep(true), 0, true, "7", port);
        assertThat(steps(t)).containsExactly("write failed: EBUSY (target 1000)",
                "write next_syscall_data LONG1 1001", "fork = -1 EEXIST (target 1001)");
        assertThat(t.tally().errors()).isEqualTo(Map.of("EBUSY", 1L, "EEXIST", 1L));
        assertThat(t.tally().attempts()).isEqualTo(2);
    }

    @Test
    void anInterferenceTaskForksAndReapsWithoutATargetAndIsNeverDone() {
        ScriptedPort port = new ScriptedPort("-1 EAGAIN", "40");
        RaceTask t = new RaceTask(RacePlan.of(RaceMethod.CLONE3, 1, 1), 0, false, "9", port);
        assertThat(t.name()).isEqualTo("i0");
        assertThat(t.betweenAttempts()).isTrue();
        assertThat(t.step()).isEqualTo("fork = -1 EAGAIN");
        assertThat(t.step()).isEqualTo("fork = 40");
        assertThat(t.betweenAttempts()).isFalse();
        t.step();
        t.step();
        assertThat(t.betweenAttempts()).isTrue();
        assertThat(t.done()).isFalse();
        assertThat(port.asked).containsExactly("call fork", "call fork", "send kill 40 SIGKILL", "send wait4 40");
        assertThat(t.cleanupErrors()).isEqualTo(Map.of("fork EAGAIN", 1L));
        assertThat(t.tally().attempts()).isZero();
    }
}
