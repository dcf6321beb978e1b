package procsim.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import procsim.abi.Errno;
import procsim.abi.SysError;
import procsim.kernel.Sim;
import procsim.task.Task;

/** The seed patch's next_syscall_data (contract §4) for fork-like syscalls. */
class NextSyscallDataTest {
    private final Sim sim = new Sim();
    private final Task init = sim.task(1);

    private String read(Task t) {
        return sim.kernel.readNextSyscallData(t);
    }

    private Errno writeFails(Task writer, Task target, String text, long offset) {
        try {
            sim.kernel.writeNextSyscallData(writer, target, text, offset);
        } catch (SysError e) {
            return e.errno();
        }
        throw new AssertionError("accepted: " + text);
    }

    @Test
    void theSeedsOwnExample() {
        assertThat(read(init)).isEqualTo("UNSET\n");
        sim.kernel.writeNextSyscallData(init, init, "LONG1 500\n", 0);
        assertThat(read(init)).isEqualTo("LONG1 500\n");
        assertThat(sim.as(1).run("fork")).isEqualTo("500");
        assertThat(read(init)).isEqualTo("UNSET\n");
    }

    @Test
    void numbersParseLikeSimpleStrtolBaseZero() {
        sim.kernel.writeNextSyscallData(null, init, "LONG1 0x1f4", 0);
        assertThat(read(init)).isEqualTo("LONG1 500\n");
        sim.kernel.writeNextSyscallData(null, init, "LONG1 0764", 0);
        assertThat(read(init)).isEqualTo("LONG1 500\n");
        sim.kernel.writeNextSyscallData(null, init, "LONG2 7 9", 0);
        assertThat(read(init)).isEqualTo("LONG2 7 9\n");
        sim.kernel.writeNextSyscallData(null, init, "RESET\n", 0);
        assertThat(read(init)).isEqualTo("UNSET\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"LONG1", "LONG1 500 600", "LONG2 5", "LONG0", "LONG33 1", "LONG1 5x", "LONG 5",
            "long1 5", "junk", "", "RESET now", "LONGx 5"})
    void badTextIsEinvalAndClearsTheValue(String text) {
        sim.kernel.writeNextSyscallData(init, init, "LONG1 500", 0);
        assertThat(writeFails(init, init, text, 0)).isEqualTo(Errno.EINVAL);
        assertThat(read(init)).isEqualTo("UNSET\n");
    }

    @Test
    void writeAtNonzeroOffsetIsEinvalAndClears() {
        sim.kernel.writeNextSyscallData(init, init, "LONG1 500", 0);
        assertThat(writeFails(init, init, "LONG1 600", 3)).isEqualTo(Errno.EINVAL);
        assertThat(read(init)).isEqualTo("UNSET\n");
    }

    @Test
    void onlyCurrentMaySetItsOwnData() {
        Task other = sim.as(1).child("fork");
        assertThat(writeFails(other, init, "LONG1 500", 0)).isEqualTo(Errno.EPERM);
        sim.kernel.writeNextSyscallData(null, init, "LONG1 500", 0); // the operator acts on its behalf
        assertThat(read(init)).isEqualTo("LONG1 500\n");
    }

    @Test
    void consumedEvenWhenTheForkFails() {
        sim.as(1).ok("clone3 set_tid=500");
        sim.kernel.writeNextSyscallData(init, init, "LONG1 500", 0);
        assertThat(sim.as(1).run("fork")).isEqualTo("-1 EBUSY");
        assertThat(read(init)).isEqualTo("UNSET\n");
        sim.kernel.writeNextSyscallData(init, init, "LONG1 40000", 0);
        assertThat(sim.as(1).run("fork")).isEqualTo("-1 EINVAL");
        assertThat(read(init)).isEqualTo("UNSET\n");
        sim.kernel.writeNextSyscallData(init, init, "LONG1 0", 0);
        assertThat(sim.as(1).run("vfork")).isEqualTo("-1 EINVAL");
        assertThat(read(init)).isEqualTo("UNSET\n");
    }

    @Test
    void notInheritedByTheChild() {
        sim.kernel.writeNextSyscallData(init, init, "LONG1 700", 0);
        Task child = sim.as(1).child("fork");
        assertThat(child.tid()).isEqualTo(700);
        assertThat(read(child)).isEqualTo("UNSET\n");
    }

    @Test
    void clearedByExecveAndFreedOnExit() {
        Task child = sim.as(1).child("fork");
        sim.kernel.writeNextSyscallData(child, child, "LONG1 700", 0);
        sim.as(child).ok("execve /bin/sh");
        assertThat(read(child)).isEqualTo("UNSET\n");
        sim.kernel.writeNextSyscallData(child, child, "LONG1 700", 0);
        sim.as(child).ok("exit 0");
        assertThat(read(child)).isEqualTo("UNSET\n");
        assertThatThrownBy(() -> sim.kernel.writeNextSyscallData(null, child, "LONG1 5", 0))
                .isInstanceOf(SysError.class);
    }

    @Test
    void otherSyscallsLeaveItAlone() {
        sim.kernel.writeNextSyscallData(init, init, "LONG1 700", 0);
        sim.as(1).ok("getpid");
        sim.as(1).ok("clone3");
        sim.as(1).ok("eclone SIGCHLD pids=0");
        sim.as(1).ok("kill 1 0");
        assertThat(read(init)).isEqualTo("LONG1 700\n");
    }

    @Test
    void threadsOfOneProcessHaveTheirOwn() {
        Task th = sim.as(1).child("clone CLONE_THREAD|CLONE_SIGHAND|CLONE_VM");
        sim.kernel.writeNextSyscallData(th, th, "LONG1 900", 0);
        assertThat(read(init)).isEqualTo("UNSET\n");
        assertThat(sim.as(1).run("fork")).isNotEqualTo("900");
        assertThat(sim.as(th).run("fork")).isEqualTo("900");
    }
}
