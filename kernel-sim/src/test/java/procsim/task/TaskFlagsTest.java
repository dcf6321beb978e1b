package procsim.task;

import static org.assertj.core.api.Assertions.assertThat;
import static procsim.abi.TaskFlags.PF_FORKNOEXEC;
import static procsim.abi.TaskFlags.PF_SUPERPRIV;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import procsim.kernel.Sim;

/**
 * PF_FORKNOEXEC (kernel/fork.c copy_process sets it, fs/exec.c begin_new_exec clears it) and
 * PF_SUPERPRIV (kernel/capability.c ns_capable_common sets it when a check succeeds; copy_process
 * clears it in the child; has_capability and cap_capable do not set it).
 */
class TaskFlagsTest {
    private final Sim sim = new Sim();

    @Test
    void aForkedChildIsForknoexecUntilExecve() {
        assertThat(sim.task(1).flags()).isZero();
        Task c = sim.as(1).child("fork");
        assertThat(c.flags()).isEqualTo(PF_FORKNOEXEC);
        Task thread = sim.as(c).child("clone CLONE_THREAD|CLONE_SIGHAND|CLONE_VM");
        assertThat(thread.flags()).isEqualTo(PF_FORKNOEXEC);
        sim.as(c).ok("execve /bin/true");
        assertThat(c.flags()).isZero();
    }

    @Test
    void superprivIsNotInheritedByFork() {
        Task c = sim.as(1).child("fork");
        sim.as(c).ok("setuid 0");
        assertThat(c.flags()).isEqualTo(PF_FORKNOEXEC | PF_SUPERPRIV);
        Task grandchild = sim.as(c).child("fork");
        assertThat(grandchild.flags()).isEqualTo(PF_FORKNOEXEC);
        sim.as(c).ok("execve /bin/true");
        assertThat(c.flags()).as("execve keeps PF_SUPERPRIV").isEqualTo(PF_SUPERPRIV);
    }

    /** Whether one line, run by a root child of init, marks it PF_SUPERPRIV. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
        "getpid                               ; false",
        "fork                                 ; false",
        "clone3 exit_signal=SIGCHLD           ; false",
        "clone3 exit_signal=SIGCHLD set_tid=700 ; true",
        "eclone SIGCHLD pids=701              ; true",
        "clone CLONE_NEWIPC|SIGCHLD           ; true",
        "unshare CLONE_NEWIPC                 ; true",
        "unshare CLONE_FILES                  ; false",
        "setuid 0                             ; true",
        "setgid 0                             ; true",
        "setresuid -1 -1 -1                   ; false",
        "setresuid 5 -1 -1                    ; true",
        "kill 1 0                             ; false",
        "capset effective=0x80 permitted=0x80 inheritable=0x80 ; false",
        "prctl PR_SET_KEEPCAPS 1              ; false",
    })
    void aSucceedingCapabilityCheckMarksTheCaller(String line, boolean superpriv) {
        Task c = sim.as(1).child("fork");
        sim.as(c).run(line);
        assertThat((c.flags() & PF_SUPERPRIV) != 0).isEqualTo(superpriv);
    }

    @Test
    void aFailingCheckDoesNotMark() {
        Task c = sim.as(1).child("fork");
        sim.as(c).ok("setuid 1000");
        int before = c.flags() & ~PF_SUPERPRIV;
        Task d = sim.as(1).child("fork");
        sim.as(d).ok("setresuid 1000 1000 1000");
        assertThat(sim.as(d).run("kill 1 0")).isEqualTo("-1 EPERM");
        assertThat(sim.as(d).run("clone3 set_tid=800")).isEqualTo("-1 EPERM");
        assertThat(sim.as(d).run("unshare CLONE_NEWIPC")).isEqualTo("-1 EPERM");
        assertThat(d.flags()).isEqualTo(PF_FORKNOEXEC | PF_SUPERPRIV); // from setresuid while root
        assertThat(before).isEqualTo(PF_FORKNOEXEC);
    }

    /** ipc/util.c ipcperms: CAP_IPC_OWNER is asked (and marks) only when the mode refuses. */
    @ParameterizedTest(name = "a root task sends to a queue of mode {0}: PF_SUPERPRIV {1}")
    @CsvSource({"0600, false", "0, true"})
    void ipcpermsMarksOnlyWhenTheModeRefuses(String mode, boolean superpriv) {
        Task c = sim.as(1).child("fork");
        int id = sim.as(c).ok("msgget IPC_PRIVATE " + mode);
        assertThat(c.flags() & PF_SUPERPRIV).isZero();
        sim.as(c).ok("msgsnd " + id + " 1 hi");
        assertThat((c.flags() & PF_SUPERPRIV) != 0).isEqualTo(superpriv);
    }

    @Test
    void anNsLastPidWriteMarksTheWriter() {
        Task c = sim.as(1).child("fork");
        sim.kernel.writeNsLastPid(c, sim.root(), "100");
        assertThat(c.flags()).isEqualTo(PF_FORKNOEXEC | PF_SUPERPRIV);
    }
}
