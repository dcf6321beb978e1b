package procsim.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import procsim.attach.HostProcesses;

class WarmupTest {
    private static final HostProcesses NO_HOST = new HostProcesses() {
        @Override
        public OptionalInt tgidOf(int tid) {
            return OptionalInt.empty();
        }

        @Override
        public OptionalInt parentOf(int pid) {
            return OptionalInt.empty();
        }

        @Override
        public OptionalLong startTimeOf(int pid) {
            return OptionalLong.empty();
        }
    };

    /** Every step must succeed: a failing one would warm an error path instead of the real one. */
    @Test
    void everyStepOfManyRoundsSucceeds() {
        assertThatCode(() -> Warmup.run(50, NO_HOST)).doesNotThrowAnyException();
    }

    /** Each round forgets what it looked up, as the kernel does: the node table is back to the root. */
    @Test
    void theRoundsLeaveNoNodes() {
        assertThat(Warmup.nodesAfter(20, NO_HOST)).isEqualTo(1);
    }

    /**
     * Each kind of write a restore makes (restorer's RestoreMethod and Restore: every method's
     * creation, the lines after it, the stop) succeeds in the warm-up, in the file the restore writes
     * it to: one the warm-up missed is compiled by the JIT during a just-started daemon's first restore.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            syscall <- clone3 exit_signal=SIGCHLD set_tid=\\d+
            syscall <- eclone SIGCHLD pids=\\d+
            next_syscall_data <- LONG1 \\d+
            syscall <- fork
            ns_last_pid <- \\d+
            syscall <- clone 10
            syscall <- execve /\\S+
            syscall <- prctl PR_SET_NAME \\S+
            syscall <- prctl PR_SET_CHILD_SUBREAPER 1
            syscall <- setsid
            syscall <- setpgid 0 \\d+
            syscall <- rt_sigaction \\d+ SIG_IGN 0x\\p{XDigit}+
            syscall <- rt_sigprocmask SIG_SETMASK 0x\\p{XDigit}+
            syscall <- kill \\d+ \\d+
            syscall <- tkill \\d+ \\d+
            syscall <- setgid \\d+
            syscall <- prctl PR_SET_KEEPCAPS 1
            syscall <- setresuid \\d+ \\d+ \\d+
            syscall <- capset effective=0x\\p{XDigit}{16} permitted=0x\\p{XDigit}{16} inheritable=0x\\p{XDigit}{16}
            syscall <- prctl PR_SET_KEEPCAPS 0
            syscall <- kill \\d+ SIGSTOP
            """)
    void everyKindOfWriteARestoreMakesIsWarmed(String write) {
        assertThat(Warmup.requestsOf(8, NO_HOST)).anyMatch(w -> w.matches(write));
    }

    /**
     * What a restore reads of init before its first write (restorer's MountPort: status, the fd
     * table from fd/ and fdinfo/, maps, cmdline) is read in the warm-up too, from init's directory
     * (but fd/'s links: a caller with no host process may not read them).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(textBlock = """
            read 1/status
            list 1/fd
            read 1/fdinfo/0
            read 1/maps
            read 1/cmdline
            """)
    void whatARestoreReadsOfInitIsWarmed(String request) {
        assertThat(Warmup.requestsOf(4, NO_HOST)).contains(request);
    }
}
