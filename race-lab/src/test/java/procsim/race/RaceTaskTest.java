package procsim.race;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one restorer protocol, step by step, against a port that records what it is asked and answers from a script. */
class RaceTaskTest {
    /** Records each request; replies from {@code replies} (a reply line, or "!ERRNO" for a failed write). */
    private static final class ScriptedPort implements RestorerPort {
        final List<String> asked = new ArrayList<>();
        final Deque<String> replies = new ArrayDeque<>();

        ScriptedPort(String... replies) {
            this.replies.addAll(List.of(replies));
        }

        private String writeReply() {
            String r = replies.isEmpty() ? "" : replies.peek();
            if (!r.startsWith("!")) return null;
            replies.pop();
            return r.substring(1);
        }

        @Override
        public String writeNsLastPid(String text) {
            asked.add("ns_last_pid < " + text.strip());
            return writeReply();
        }

        @Override
        public String writeNextSyscallData(String text) {
            asked.add("next_syscall_data < " + text.strip());
            return writeReply();
        }

        @Override
        public Reply call(String line) {
            asked.add("call " + line);
            String r = replies.pop();
            return r.startsWith("-1 ") ? new Reply(-1, r.substring(3), r) : new Reply(Long.parseLong(r.split(" ")[0]), null, r);
        }

        @Override
        public Reply send(String line) {
            asked.add("send " + line);
            return new Reply(0, null, null);
        }

        @Override
        public void pause(int micros) {
            asked.add("pause " + micros);
        }
    }

    private static List<String> steps(RaceTask t) throws IOException {
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
    void anAttemptIsTheMethodsWriteItsCloneLineAndAReap(String method, int gapUs, String expected) throws IOException {
        ScriptedPort port = new ScriptedPort("1000");
        RaceTask t = new RaceTask(RacePlan.of(RaceMethod.parse(method), 1, 1).withGapUs(gapUs), 0, true, "7", port);
        steps(t);
        assertThat(port.asked).containsExactly(expected.split(","));
        assertThat(t.tally().hits()).isEqualTo(1);
    }

    @Test
    void aMissIsRecordedWithTheTasksTidAndKeptChildrenAreNotReaped() throws IOException {
        ScriptedPort port = new ScriptedPort("1001", "1003");
        RaceTask t = new RaceTask(RacePlan.of(RaceMethod.NS_LAST_PID, 1, 2).withKeep(true), 0, true, "7", port);
        assertThat(steps(t)).containsExactly("write ns_last_pid 999", "fork = 1001 miss (target 1000)",
                "write ns_last_pid 1000", "fork = 1003 miss (target 1001)");
        assertThat(t.misses()).containsExactly(new RaceTask.Miss("7", 1001, 1000), new RaceTask.Miss("7", 1003, 1001));
        assertThat(port.asked).noneMatch(a -> a.startsWith("send"));
    }

    @Test
    void aFailedWriteOrCloneIsAnErrorAndTheAttemptEnds() throws IOException {
        ScriptedPort port = new ScriptedPort("!EBUSY", "-1 EEXIST");
        RaceTask t = new RaceTask(RacePlan.of(RaceMethod.NSD, 1, 2).withKeep(true), 0, true, "7", port);
        assertThat(steps(t)).containsExactly("write failed: EBUSY (target 1000)",
                "write next_syscall_data LONG1 1001", "fork = -1 EEXIST (target 1001)");
        assertThat(t.tally().errors()).isEqualTo(Map.of("EBUSY", 1L, "EEXIST", 1L));
        assertThat(t.tally().attempts()).isEqualTo(2);
    }

    @Test
    void anInterferenceTaskForksAndReapsWithoutATargetAndIsNeverDone() throws IOException {
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
