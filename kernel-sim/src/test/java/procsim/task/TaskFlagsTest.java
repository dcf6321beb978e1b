package procsim.task;

import static org.assertj.core.api.Assertions.assertThat;
import static procsim.abi.TaskFlags.PF_EXITING;
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

    /**
     * PF_EXITING is set by exit_signals at do_exit's start and never cleared (kernel/exit.c,
     * kernel/signal.c): a zombie has it, a stopped task does not, and a namespace init sleeping in
     * zap_pid_ns_processes (state S, inside do_exit) does. P (2) unshares; A (3) is the new init;
     * P's child B (4) in A's namespace keeps A waiting.
     */
    @Test
    void exitingIsSetByExitNotByAStop() {
        Task p = sim.as(1).child("fork");
        sim.as(p).ok("unshare CLONE_NEWPID");
        Task a = sim.as(p).child("fork");
        Task b = sim.as(p).child("fork");
        sim.as(p).ok("kill 4 SIGSTOP");
        assertThat(b.flags()).as("stopped").isEqualTo(PF_FORKNOEXEC);
        sim.as(p).ok("kill 3 SIGKILL");
        assertThat(a.state().letter()).isEqualTo('S');
        assertThat(a.flags()).as("init waiting in zap").isEqualTo(PF_FORKNOEXEC | PF_EXITING);
        assertThat(b.flags()).as("zombie").isEqualTo(PF_FORKNOEXEC | PF_EXITING);
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
    /**
     * A sysctl's permission check is a capability check too, and marks the writer when it
     * succeeds: ipc/ipc_sysctl.c ipc_permissions asks checkpoint_restore_ns_capable for
     * *_next_id; kernel/pid.c pid_table_root_permissions asks ns_capable(CAP_SYS_ADMIN) (6.15+:
     * ns_capable_noaudit, which marks as well) before it looks at euid 0 for pid_max;
     * kernel/pid_namespace.c pid_ns_ctl_handler asks checkpoint_restore_ns_capable for ns_last_pid.
     * A refused write (EACCES, EPERM) changes nothing.
     */
    @ParameterizedTest(name = "{0} after [{1}] -> {2}, PF_SUPERPRIV {3}")
    @CsvSource(delimiter = ';', value = {
        "msg_next_id ;                                                        ; 5       ; true",
        "shm_next_id ;                                                        ; 5       ; true",
        "pid_max     ;                                                        ; 5       ; true",
        "ns_last_pid ;                                                        ; 5       ; true",
        "pid_max     ; capset effective=0 permitted=0x1ffffffffff inheritable=0 ; 5     ; false",
        "msg_next_id ; capset effective=0 permitted=0x1ffffffffff inheritable=0 ; EACCES ; false",
        "msg_next_id ; setuid 1000                                            ; EACCES  ; false",
        "pid_max     ; setuid 1000                                            ; EACCES  ; false",
        "ns_last_pid ; setuid 1000                                            ; EPERM   ; false",
    })
    void aSysctlWritesPermissionCheckMarksTheWriter(String sysctl, String before, String result,
            boolean superpriv) {
        Task c = sim.as(1).child("fork");
        if (before != null) sim.as(c).ok(before);
        int flags = c.flags() & ~PF_SUPERPRIV;
        c.flags &= ~PF_SUPERPRIV;
        String text = sysctl.equals("pid_max") ? "4096" : "5";
        String got;
        try {
            int n = switch (sysctl) {
                case "msg_next_id" -> sim.kernel.writeIpcNextId(c, c.ipcNs().msg(), text);
                case "shm_next_id" -> sim.kernel.writeIpcNextId(c, c.ipcNs().shm(), text);
                case "pid_max" -> sim.kernel.writePidMax(c, sim.root(), text);
                default -> sim.kernel.writeNsLastPid(c, sim.root(), text);
            };
            got = n == text.length() ? "5" : "consumed " + n;
        } catch (procsim.abi.SysError e) {
            got = e.errno().name();
        }
        assertThat(got).isEqualTo(result);
        assertThat((c.flags() & PF_SUPERPRIV) != 0).isEqualTo(superpriv);
        assertThat(c.flags() & ~PF_SUPERPRIV).isEqualTo(flags);
        if (result.startsWith("E")) {
            assertThat(sim.kernel.pidMax(sim.root())).isEqualTo(32768);
            assertThat(sim.kernel.ipcNextId(c.ipcNs().msg())).isEqualTo(-1);
        }
    }
}
