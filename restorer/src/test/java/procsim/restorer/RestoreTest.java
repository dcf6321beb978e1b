package procsim.restorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class RestoreTest {
    private RecordingPort port;

    @BeforeEach
    void init() {
        port = new RecordingPort();
        port.tasks.put(1, Images.task("init", 0, List.of(1)));
    }

    @Test
    void clone3MakesEverythingInOrderWithItsIds() throws Exception {
        Restore.Outcome o = Restore.run(Images.sample(), RestoreMethod.CLONE3, port, true);
        assertThat(o).isEqualTo(new Restore.Outcome(3, 1));
        assertThat(port.writes).containsExactly(
                "1/1: prctl PR_GET_KEEPCAPS",
                "1/1: rt_sigaction SIGCHLD",
                "msg_next_id: 0",
                "1/1: msgget 1000 IPC_CREAT|IPC_EXCL|0640",
                "1/1: msgctl 0 IPC_SET uid=0 gid=0 perms=0640 qbytes=16384",
                "1/1: msgsnd 0 1 hello IPC_NOWAIT",
                // depth 0 first: 5 (named as init), then 8 (exec'd: execve names it w8)
                "1/1: clone3 flags=CLONE_NEWPID exit_signal=SIGCHLD set_tid=1,5",
                // 5 leads a session: its setsid as soon as it is made, before its child 6 (which inherits it)
                "5/5: setsid",
                "1/1: clone3 exit_signal=SIGCHLD set_tid=8",
                "8/8: execve /usr/bin/w8 -x",
                "5/5: clone3 exit_signal=10 set_tid=2,6",
                // 6 leads a group of 5's session: its setpgid 0 0 as soon as it is made, before any child
                "6/6: setpgid 0 0",
                // 6's fds: console 1 and 2 closed, fd 7 opened (lowest free: 1), moved, close-on-exec, offset
                "6/6: close 1",
                "6/6: close 2",
                "6/6: open /var/f 02",
                "6/6: dup2 1 7",
                "6/6: close 1",
                "6/6: fcntl 7 F_SETFD FD_CLOEXEC",
                "6/6: lseek 7 42 SEEK_SET",
                "6/6: prctl PR_SET_CHILD_SUBREAPER 1",
                // 6 makes no task: its credentials as soon as it is made: setgid, setresuid (no uid
                // left 0 and no keepcaps: the kernel drops every capability, as the image has it)
                "6/6: setgid 100",
                "6/6: setresuid 1000 1000 1000",
                // the thread: its leader takes its name first, and its own back after
                "5/5: prctl PR_SET_NAME t7",
                "5/5: clone3 flags=CLONE_THREAD|CLONE_SIGHAND|CLONE_VM set_tid=3,7",
                "5/5: prctl PR_SET_NAME init",
                // signal actions once every fork is done, by the process itself
                "5/5: rt_sigaction 17 SIG_IGN 0x4000000",
                "5/5: rt_sigaction 10 0x401000 0x14000000",
                // then each task's mask, by the task itself (SIGRTMAX, bit 63, by its name)
                "5/5: rt_sigprocmask SIG_SETMASK 0x800",
                "5/7: rt_sigprocmask SIG_SETMASK 0x801",
                "6/6: rt_sigprocmask SIG_SETMASK 0x8000000000000200",
                "1/1: kill 6 SIGSTOP",
                // the pending signals after the stop, each sent by the process to itself as its namespace
                // numbers it, then each thread's own by that thread
                "5/5: kill 1 12",
                "5/5: tkill 1 12",
                "5/7: tkill 3 1",
                // the stopped 6 blocks what it sends meanwhile (an unblocked one could be ignored), then its mask again
                "6/6: rt_sigprocmask SIG_BLOCK 0x4000",
                "6/6: kill 2 15",
                "6/6: rt_sigprocmask SIG_SETMASK 0x8000000000000200");
        // a reply is read only where its value is used: init's keepcaps and SIGCHLD action, the id, the fd
        assertThat(port.calls).containsExactly("1/1: prctl PR_GET_KEEPCAPS", "1/1: rt_sigaction SIGCHLD",
                "1/1: msgget 1000 IPC_CREAT|IPC_EXCL|0640", "5/5: setsid", "6/6: open /var/f 02");
    }

    /**
     * Credentials as a root task can give them (security/commoncap.c cap_emulate_setxuid: when no
     * uid stays 0 the permitted and effective sets are cleared unless keepcaps is set; euid leaving
     * 0 clears effective): keepcaps and capset only where the image keeps something; an inheritable
     * set too, which capset may raise only within the permitted set (cap_capset), so before setresuid
     * empties it.
     */
    @ParameterizedTest(name = "uids {0} caps {1}/{2}/{3} keepcaps {4}")
    @CsvSource(delimiter = ';', textBlock = """
            1000 1000 1000; 0000000000000000; 0000000000000000; 0000000000000000; false; setresuid 1000 1000 1000
            1000 1000 1000; 0000000000000000; 0000000000000000; 0000000000000000; true;  prctl PR_SET_KEEPCAPS 1|setresuid 1000 1000 1000|capset effective=0x0000000000000000 permitted=0x0000000000000000 inheritable=0x0000000000000000
            1000 1000 1000; 0000000000000000; 0000000000000000; 0000000000002000; false; prctl PR_SET_KEEPCAPS 1|setresuid 1000 1000 1000|capset effective=0x0000000000000000 permitted=0x0000000000000000 inheritable=0x0000000000002000|prctl PR_SET_KEEPCAPS 0
            1000 1000 1000; 00000000000000c0; 00000000000000c0; 0000000000000040; false; prctl PR_SET_KEEPCAPS 1|setresuid 1000 1000 1000|capset effective=0x00000000000000c0 permitted=0x00000000000000c0 inheritable=0x0000000000000040|prctl PR_SET_KEEPCAPS 0
            1000 1000 0;    000001ffffffffff; 0000000000000000; 0000000000000000; false; prctl PR_SET_KEEPCAPS 1|setresuid 1000 1000 0|prctl PR_SET_KEEPCAPS 0
            1000 1000 0;    0000000000000000; 0000000000000000; 0000000000000000; false; prctl PR_SET_KEEPCAPS 1|setresuid 1000 1000 0|capset effective=0x0000000000000000 permitted=0x0000000000000000 inheritable=0x0000000000000000|prctl PR_SET_KEEPCAPS 0
            0 0 0;          000001ffffffffff; 000001ffffffffff; 0000000000000000; true;  prctl PR_SET_KEEPCAPS 1
            """)
    void credentialsTakeKeepcapsAndCapsetOnlyWhereTheImageKeepsSomething(String uids, String permitted, String effective,
                                                                          String inheritable, boolean keepcaps, String lines) throws Exception {
        List<Long> u = java.util.Arrays.stream(uids.split(" ")).map(Long::valueOf).toList();
        Image.Creds creds = new Image.Creds(List.of(u.get(0), u.get(1), u.get(2), u.get(1)), List.of(0L, 0L, 0L, 0L),
                new Image.Caps(inheritable, permitted, effective, Images.FULL, Images.NONE), keepcaps);
        Image img = Images.of(new Image.Process(5, 1, List.of(5), "root", "init", 17, "S", false, List.of("/sbin/init"), creds,
                List.of(), Images.CONSOLE, List.of(), List.of(), List.of(), List.of()));
        Restore.run(img, RestoreMethod.CLONE3, port, true);
        assertThat(port.writes).filteredOn(w -> w.startsWith("5/5: ")).map(w -> w.substring(5)).containsExactly(lines.split("\\|"));
    }

    @Test
    void nsdGivesIdsByNextSyscallDataAndRestoresIpcTimes() throws Exception {
        Restore.run(Images.sample(), RestoreMethod.NSD, port, true);
        assertThat(port.writes).containsSubsequence(
                "1/1 next_syscall_data: LONG1 0", "1/1: msgget 1000 IPC_CREAT|IPC_EXCL|0640",
                "1/1 next_syscall_data: LONG2 5 1", "1/1: clone CLONE_NEWPID|SIGCHLD",
                "5/5 next_syscall_data: LONG2 6 2", "5/5: clone 10",
                "6/6 next_syscall_data: LONG1 7", "6/6: open /var/f 02",
                "1/1 next_syscall_data: LONG1 1", "1/1: msgctl 0 IPC_SET stime=11 rtime=12 ctime=13 lspid=1 lrpid=0");
        assertThat(port.writes).noneMatch(w -> w.contains("dup2") || w.contains("_next_id"));
    }

    /**
     * ns_last_pid: every level's cursor, as that namespace's init, in pid order; a write of the value
     * the cursor holds since the last fork there (alloc_pid leaves it at the pid it gave) is left out.
     */
    @Test
    void nsLastPidWritesEveryLevelsCursorAsThatNamespacesInitWhenItIsNotThereYet() throws Exception {
        Restore.run(Images.sample(), RestoreMethod.NS_LAST_PID, port, true);
        assertThat(port.writes).filteredOn(w -> w.startsWith("ns_last_pid") || w.contains("clone") || w.endsWith("fork"))
                .containsExactly(
                        "ns_last_pid of init 1: 4", "1/1: clone CLONE_NEWPID|SIGCHLD", // 5 (5,1): the new namespace's 1 by itself
                        "ns_last_pid of init 1 holds 5", "ns_last_pid of init 5 holds 1", "5/5: clone 10", // 6 (6,2)
                        "ns_last_pid of init 1: 7", "1/1: fork", // 8: the root's is at 6
                        "ns_last_pid of init 1: 6", "ns_last_pid of init 5 holds 2", // thread 7 (7,3)
                        "5/5: clone CLONE_THREAD|CLONE_SIGHAND|CLONE_VM");
    }

    /** A thread's pids are the last its namespaces gave, as a process's are. */
    @Test
    void nsLastPidCountsTheThreadsForksToo() throws Exception {
        Image img = Images.of(
                new Image.Process(5, 1, List.of(5), "root", "init", 17, "S", false, List.of("/sbin/init"), Images.ROOT,
                        List.of(new Image.Thread(6, List.of(6), "t6", Images.ROOT, List.of())), Images.CONSOLE, List.of(), List.of(),
                        List.of(), List.of()),
                new Image.Process(9, 1, List.of(9), "root", "init", 17, "S", false, List.of("/sbin/init"), Images.ROOT,
                        List.of(new Image.Thread(10, List.of(10), "t10", Images.ROOT, List.of())), Images.CONSOLE, List.of(), List.of(),
                        List.of(), List.of()));
        Restore.run(img, RestoreMethod.NS_LAST_PID, port, true);
        assertThat(port.writes).filteredOn(w -> w.startsWith("ns_last_pid")).containsExactly(
                "ns_last_pid of init 1: 4", "ns_last_pid of init 1: 8", // 5, 9
                "ns_last_pid of init 1: 5", "ns_last_pid of init 1: 9"); // thread 6 (after 9), thread 10 (after 6)
    }

    /** pid order (2, 4, 9, 3), each parent before its children, even a child with a lower pid than its parent (reparented). */
    @Test
    void nsLastPidMakesTheLowestPidWhoseParentIsMadeNext() throws Exception {
        Image img = Images.of(Images.proc(9, 1, List.of(9), "init"), Images.proc(3, 9, List.of(3), "init"),
                Images.proc(4, 1, List.of(4), "init"), Images.proc(2, 1, List.of(2), "init"));
        Restore.run(img, RestoreMethod.NS_LAST_PID, port, true);
        assertThat(port.writes).filteredOn(w -> w.startsWith("ns_last_pid")).containsExactly(
                "ns_last_pid of init 1: 1", "ns_last_pid of init 1: 3", "ns_last_pid of init 1: 8", "ns_last_pid of init 1: 2");
        assertThat(port.writes).filteredOn(w -> w.endsWith("fork")).containsExactly("1/1: fork", "1/1: fork", "1/1: fork", "9/9: fork");
    }

    @Test
    void aTakenPidRollsBackWhatWasMadeAndNamesTheHolder() {
        port.tasks.put(6, Images.task("squatter", 1, List.of(6)));
        port.fail = w -> w.contains("set_tid=2,6") ? "EEXIST" : null;
        assertThatThrownBy(() -> Restore.run(Images.sample(), RestoreMethod.CLONE3, port, false))
                .isInstanceOf(RestoreException.class)
                .hasMessage("restore (clone3): cannot make task 6 with pid 6,2: File exists (EEXIST); pid 6 is held by task 6 "
                        + "(comm squatter, parent 1, NSpid 6)\nprocsim: restore rolled back: 2 tasks and 1 IPC object removed");
        assertThat(port.writes).endsWith("1/1: kill 8 SIGKILL", "1/1: kill 5 SIGKILL", "1/1: wait4 5 __WALL", "1/1: wait4 8 __WALL",
                "1/1: msgctl 0 IPC_RMID");
    }

    /** A pid no task has but a process group or session still names (its leader reaped) is named as such. */
    @Test
    void aPidHeldByAGroupOrSessionIsNamedSo() {
        port.groupUsers.put(6, new RestorerPort.GroupUser(9, false));
        port.fail = w -> w.contains("set_tid=2,6") ? "EEXIST" : null;
        assertThatThrownBy(() -> Restore.run(Images.sample(), RestoreMethod.CLONE3, port, false))
                .hasMessageStartingWith("restore (clone3): cannot make task 6 with pid 6,2: File exists (EEXIST); pid 6 names the "
                        + "process group of task 9 (its leader is gone; the number stays taken while the group lives)\n");
        init();
        port.groupUsers.put(6, new RestorerPort.GroupUser(9, true));
        port.fail = w -> w.contains("set_tid=2,6") ? "EEXIST" : null;
        assertThatThrownBy(() -> Restore.run(Images.sample(), RestoreMethod.CLONE3, port, false))
                .hasMessageContaining("; pid 6 names the session of task 9 (its leader is gone; the number stays taken while the session lives)\n");
        // a read failing while it explains keeps the failure it explains
        init();
        port.groupUsers.put(-1, null);
        port.fail = w -> w.contains("set_tid=2,6") ? "EEXIST" : null;
        assertThatThrownBy(() -> Restore.run(Images.sample(), RestoreMethod.CLONE3, port, false)).isInstanceOf(RestoreException.class)
                .hasMessageStartingWith("restore (clone3): cannot make task 6 with pid 6,2: File exists (EEXIST); pid 6 is not a task's; "
                        + "who holds it could not be read (java.io.IOException: Input/output error)\nprocsim: restore rolled back");
    }

    /** A mount read failing mid-way (an I/O error, not an errno reply) rolls back too. */
    @Test
    void anIoFailureMidWayRollsBackWhatWasMade() {
        port.fail = w -> {
            if (w.contains("set_tid=2,6")) throw new java.io.UncheckedIOException(new java.io.IOException("Input/output error"));
            return null;
        };
        assertThatThrownBy(() -> Restore.run(Images.sample(), RestoreMethod.CLONE3, port, false))
                .isInstanceOf(RestoreException.class)
                .hasMessageContaining("Input/output error")
                .hasMessageEndingWith("procsim: restore rolled back: 2 tasks and 1 IPC object removed");
        assertThat(port.writes).endsWith("1/1: kill 8 SIGKILL", "1/1: kill 5 SIGKILL", "1/1: wait4 5 __WALL", "1/1: wait4 8 __WALL",
                "1/1: msgctl 0 IPC_RMID");
    }

    /**
     * A target whose init's credentials or signal actions are not a fresh mount's is refused before
     * anything is made: each task would fork from them while its own are set as from a fresh
     * mount's (a keepcaps 1 kept the permitted set that setresuid alone clears, an inheritable set
     * stayed, an ignored or caught signal, SIGCHLD's SA_NOCLDWAIT or a mask was copied to every
     * task); an init with a signal pending (it blocks it) is not a fresh mount's either.
     */
    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "1000,1000,1000,1000; 0,0,0,0; 0000000000000000; 000001ffffffffff; 000001ffffffffff; 0000000000000000; 0; -;  -;   -;   -;   Uid 1000,1000,1000,1000",
        "0,0,0,0; 0,100,0,0;           0000000000000000; 000001ffffffffff; 000001ffffffffff; 0000000000000000; 0; -;  -;   -;   -;   Gid 0,100,0,0",
        "0,0,0,0; 0,0,0,0;             0000000000000400; 000001ffffffffff; 000001ffffffffff; 0000000000000000; 0; -;  -;   -;   -;   CapInh 0000000000000400",
        "0,0,0,0; 0,0,0,0;             0000000000000000; 000001fffffffffe; 000001ffffffffff; 0000000000000000; 0; -;  -;   -;   -;   CapPrm 000001fffffffffe (CapBnd 000001ffffffffff)",
        "0,0,0,0; 0,0,0,0;             0000000000000000; 000001ffffffffff; 0000000000000000; 0000000000000000; 0; -;  -;   -;   -;   CapEff 0000000000000000 (CapBnd 000001ffffffffff)",
        "0,0,0,0; 0,0,0,0;             0000000000000000; 000001ffffffffff; 000001ffffffffff; 0000000000000400; 0; -;  -;   -;   -;   CapAmb 0000000000000400",
        "0,0,0,0; 0,0,0,0;             0000000000000000; 000001ffffffffff; 000001ffffffffff; 0000000000000000; 1; -;  -;   -;   -;   keepcaps 1",
        "0,0,0,0; 0,0,0,0;             0000000000000000; 000001ffffffffff; 000001ffffffffff; 0000000000000000; 0; 2;  -;   -;   -;   SigIgn 0000000000000002",
        "0,0,0,0; 0,0,0,0;             0000000000000000; 000001ffffffffff; 000001ffffffffff; 0000000000000000; 0; -;  200; -;   -;   SigCgt 0000000000000200",
        "0,0,0,0; 0,0,0,0;             0000000000000000; 000001ffffffffff; 000001ffffffffff; 0000000000000000; 0; -;  -;   800; -;   SigBlk 0000000000000800",
        "0,0,0,0; 0,0,0,0;             0000000000000000; 000001ffffffffff; 000001ffffffffff; 0000000000000000; 0; -;  -;   -;   800; ShdPnd 0000000000000800",
        "0,0,0,0; 0,0,0,0;             0000000000000000; 000001ffffffffff; 000001ffffffffff; 0000000000000000; 0; -;  -;   -;   -;   SIGCHLD handler=SIG_DFL flags=0x2",
    })
    void aTargetWhoseInitIsNotFreshIsRefusedBeforeAnythingIsMade(String uid, String gid, String inh, String prm, String eff, String amb,
                                                                  long keepcaps, String ign, String cgt, String blk, String pnd,
                                                                  String differs) {
        port.tasks.put(1, new RestorerPort.TaskInfo("init", 0, List.of(1), longs(uid), longs(gid),
                new Image.Caps(inh, prm, eff, Images.FULL, amb), sigset(ign), sigset(cgt), sigset(blk), sigset(pnd)));
        port.value = w -> w.equals("1/1: prctl PR_GET_KEEPCAPS") ? keepcaps : null;
        String chld = differs.startsWith("SIGCHLD") ? "0 " + differs.substring(8) : "0 handler=SIG_DFL flags=0x0";
        port.reply = w -> w.equals("1/1: rt_sigaction SIGCHLD") ? chld : null;
        assertThatThrownBy(() -> Restore.run(Images.sample(), RestoreMethod.CLONE3, port, false)).isInstanceOf(ImageException.class)
                .hasMessage("init's credentials or signal actions are not a fresh mount's (" + differs + "): every task a restore "
                        + "makes forks from them, and its own are set from a fresh mount's: restore into a fresh mount");
        // keepcaps and SIGCHLD's flags, in no /proc file, are asked only of an init whose status is a fresh mount's
        List<String> asked = differs.startsWith("keepcaps") ? List.of("1/1: prctl PR_GET_KEEPCAPS")
                : differs.startsWith("SIGCHLD") ? List.of("1/1: prctl PR_GET_KEEPCAPS", "1/1: rt_sigaction SIGCHLD") : List.of();
        assertThat(port.writes).isEqualTo(asked);
    }

    /** "-" or the hex digits of a signal set, as status's 16 digits. */
    private static String sigset(String v) {
        return v.equals("-") ? Images.NO_SIGNALS : String.format("%016x", Long.parseLong(v, 16));
    }

    /**
     * Signal actions are set once every process has forked (fork copies them), by each process
     * (a task that dropped root sets its own actions all the same).
     */
    @Test
    void signalActionsAreSetAfterEveryForkByTheProcessItself() throws Exception {
        Restore.run(Images.sample(), RestoreMethod.CLONE3, port, true);
        assertThat(port.writes).containsSubsequence("1/1: prctl PR_GET_KEEPCAPS", "1/1: rt_sigaction SIGCHLD",
                "5/5: clone3 flags=CLONE_THREAD|CLONE_SIGHAND|CLONE_VM set_tid=3,7",
                "5/5: rt_sigaction 17 SIG_IGN 0x4000000", "5/5: rt_sigaction 10 0x401000 0x14000000");
        int lastClone = 0;
        for (int i = 0; i < port.writes.size(); i++) if (port.writes.get(i).contains("clone")) lastClone = i;
        assertThat(port.writes.indexOf("5/5: rt_sigaction 17 SIG_IGN 0x4000000")).isGreaterThan(lastClone);
    }

    /**
     * Masks once every task is made (fork and clone copy the mask) and after the signal actions, each
     * by the task itself; pending signals last, after the stop (a stopped process keeps them), each
     * sent by the process to itself, ascending: the same by every method.
     */
    @ParameterizedTest
    @EnumSource(RestoreMethod.class)
    void masksComeAfterEveryTaskAndPendingSignalsAfterTheStop(RestoreMethod m) throws Exception {
        Restore.run(Images.sample(), m, port, true);
        int lastCreation = 0;
        for (int i = 0; i < port.writes.size(); i++) {
            if (port.writes.get(i).matches(".*: (clone|clone3|eclone|fork)( .*)?")) lastCreation = i;
        }
        assertThat(port.writes.subList(lastCreation + 1, port.writes.size())).containsSubsequence(
                "5/5: rt_sigaction 10 0x401000 0x14000000",
                "5/5: rt_sigprocmask SIG_SETMASK 0x800", "5/7: rt_sigprocmask SIG_SETMASK 0x801",
                "6/6: rt_sigprocmask SIG_SETMASK 0x8000000000000200", "1/1: kill 6 SIGSTOP");
        assertThat(port.writes).endsWith("1/1: kill 6 SIGSTOP", "5/5: kill 1 12", "5/5: tkill 1 12", "5/7: tkill 3 1",
                "6/6: rt_sigprocmask SIG_BLOCK 0x4000", "6/6: kill 2 15", "6/6: rt_sigprocmask SIG_SETMASK 0x8000000000000200");
    }

    /**
     * Pending signals go ascending, whatever the image's order, the process's (kill) before each
     * thread's own (tkill by the thread itself, its tid as its namespace numbers it); a mask is its
     * unsigned word, SIGRTMAX's bit 63 too.
     */
    @Test
    void pendingSignalsGoAscendingTheProcesssThenEachThreadsOwn() throws Exception {
        Image.Process p = Images.signals(Images.proc(5, 1, List.of(5), "init"), List.of(34, 64, 12), List.of(64, 12, 34));
        Image.Process withThread = new Image.Process(p.pid(), p.ppid(), p.nspid(), p.pidns(), p.comm(), p.exitSignal(), p.state(),
                p.subreaper(), p.argv(), p.creds(), List.of(new Image.Thread(6, List.of(6), "t6", Images.ROOT, List.of(64, 34, 12, 10, 2),
                        List.of(10, 2))), p.fds(), p.shmAttaches(), p.sigactions(), p.sigmask(), p.sigpending(), List.of(12));
        Restore.run(Images.of(withThread), RestoreMethod.CLONE3, port, true);
        assertThat(port.writes).filteredOn(w -> w.startsWith("5/5: r") || w.startsWith("5/5: k") || w.startsWith("5/5: t")
                || w.startsWith("5/6: r") || w.startsWith("5/6: t")).containsExactly(
                "5/5: rt_sigprocmask SIG_SETMASK 0x8000000200000800", "5/6: rt_sigprocmask SIG_SETMASK 0x8000000200000a02",
                "5/5: kill 5 12", "5/5: kill 5 34", "5/5: kill 5 64", "5/5: tkill 5 12", "5/6: tkill 6 2", "5/6: tkill 6 10");
        assertThat(Restore.maskWord(1L << 63)).isEqualTo("0x8000000000000000");
        assertThat(Restore.maskWord(0x4200)).isEqualTo("0x4200");
    }

    /** No mask and nothing pending (the restore bench's tree): not one request more. */
    @ParameterizedTest
    @EnumSource(RestoreMethod.class)
    void noMaskAndNothingPendingAddNoRequest(RestoreMethod m) throws Exception {
        Image img = Images.sample();
        List<Image.Process> none = new java.util.ArrayList<>();
        for (Image.Process p : img.processes()) {
            List<Image.Thread> threads = p.threads().stream()
                    .map(t -> new Image.Thread(t.tid(), t.nspid(), t.comm(), t.creds(), List.of())).toList();
            Image.Process q = Images.signals(p, List.of(), List.of());
            none.add(new Image.Process(q.pid(), q.ppid(), q.nspid(), q.pidns(), q.comm(), q.exitSignal(), q.state(), q.subreaper(),
                    q.argv(), q.creds(), threads, q.fds(), q.shmAttaches(), q.sigactions(), q.sigmask(), q.sigpending(), List.of(),
                    q.pgid(), q.sid()));
        }
        Restore.run(img, m, port, true);
        List<String> with = List.copyOf(port.writes);
        init();
        Restore.run(new Image(img.format(), img.version(), none, img.msg(), img.sem(), img.shm()), m, port, true);
        List<String> pending = List.of("5/5: kill 1 12", "6/6: kill 2 15", "5/5: tkill 1 12", "5/7: tkill 3 1");
        assertThat(with).containsAll(pending);
        assertThat(port.writes).isEqualTo(with.stream().filter(w -> !w.contains("rt_sigprocmask") && !pending.contains(w)).toList());
        assertThat(port.writes).noneMatch(w -> w.contains("rt_sigprocmask"));
        assertThat(with.size() - port.writes.size()).isEqualTo(9);
    }

    /** The sample with every process in init's group and session, 1 (a version 1 to 3 image's; the restore bench's tree). */
    private static Image inInitsSession() {
        Image img = Images.sample();
        return new Image(img.format(), img.version(), img.processes().stream().map(p -> Images.session(p, 1, 1)).toList(), img.msg(),
                img.sem(), img.shm());
    }

    /** Every process in init's group and session (the restore bench's tree): not one request more. */
    @ParameterizedTest
    @EnumSource(RestoreMethod.class)
    void initsGroupAndSessionAddNoRequest(RestoreMethod m) throws Exception {
        Restore.run(Images.sample(), m, port, true);
        List<String> with = List.copyOf(port.writes);
        init();
        Restore.run(inInitsSession(), m, port, true);
        List<String> groups = List.of("5/5: setsid", "6/6: setpgid 0 0");
        assertThat(with).containsAll(groups);
        assertThat(port.writes).isEqualTo(with.stream().filter(w -> !groups.contains(w)).toList());
        assertThat(port.writes).noneMatch(w -> w.contains("setsid") || w.contains("setpgid"));
    }

    /**
     * A tree of sessions and groups: 2 leads a session, whose children 3, 4, 5 and the namespace
     * init 6 (6,1) inherit; 4 leads a group that 3, made before it, joins; 6 leads one in its own
     * namespace that its child 7 (7,2) joins; 9 (a child of 8) leads one of init's session that 10,
     * init's child, joins.
     */
    private static Image sessions() {
        return Images.of(
                Images.session(Images.proc(2, 1, List.of(2), "init"), 2, 2),
                Images.session(Images.proc(3, 2, List.of(3), "init"), 4, 2),
                Images.session(Images.proc(4, 2, List.of(4), "init"), 4, 2),
                Images.session(Images.proc(5, 2, List.of(5), "init"), 2, 2),
                Images.session(Images.proc(6, 2, List.of(6, 1), "init"), 6, 2),
                Images.session(Images.proc(7, 6, List.of(7, 2), "init"), 6, 2),
                Images.proc(8, 1, List.of(8), "init"),
                Images.session(Images.proc(9, 8, List.of(9), "init"), 9, 1),
                Images.session(Images.proc(10, 1, List.of(10), "init"), 9, 1));
    }

    /**
     * A session leader's setsid, and a group leader's setpgid 0 0, by itself right after it is made,
     * before its first child (7, the namespace init 6's child, is made in 6's group: it needs none);
     * the other members' setpgid once every task is made, the group as the member's own namespace
     * numbers it. The same by every method.
     */
    @ParameterizedTest
    @EnumSource(RestoreMethod.class)
    void sessionsAndGroupLeadersBeforeTheirChildrenMembersAfterEveryTask(RestoreMethod m) throws Exception {
        Restore.run(sessions(), m, port, true);
        assertThat(port.writes).filteredOn(w -> w.contains("setsid") || w.contains("setpgid")).containsExactly(
                "2/2: setsid",
                "4/4: setpgid 0 0", "6/6: setpgid 0 0", "9/9: setpgid 0 0",
                "10/10: setpgid 0 9", "3/3: setpgid 0 4");
        int setsid = port.writes.indexOf("2/2: setsid");
        int lastCreation = 0;
        for (int i = 0; i < port.writes.size(); i++) {
            String w = port.writes.get(i);
            if (w.startsWith("2/2: ") && i != setsid || w.startsWith("2/2 next_syscall_data")) {
                assertThat(i).as("%s after 2's setsid", w).isGreaterThan(setsid); // its children's creations
            }
            if (w.matches(".*: (clone|clone3|eclone|fork)( .*)?")) lastCreation = i;
        }
        assertThat(port.writes.indexOf("1/1: " + (m == RestoreMethod.CLONE3 ? "clone3 exit_signal=SIGCHLD set_tid=2"
                : m == RestoreMethod.ECLONE ? "eclone SIGCHLD pids=2" : "fork")))
                .isBetween(0, setsid);
        assertThat(port.writes.indexOf("3/3: setpgid 0 4")).isGreaterThan(lastCreation);
        int leads6 = port.writes.indexOf("6/6: setpgid 0 0");
        for (int i = 0; i < leads6; i++) assertThat(port.writes.get(i)).as("6's child made after 6's setpgid").doesNotStartWith("6/6: ");
        assertThat(port.calls).contains("2/2: setsid");
    }

    /** A session leader that forked its children before its setsid calls it once every task is made (its grandchild 4 leads a group of init's session). */
    @ParameterizedTest
    @EnumSource(RestoreMethod.class)
    void aSessionLeaderWhoseChildrenCameFirstCallsSetsidLast(RestoreMethod m) throws Exception {
        Image image = Images.of(Images.session(Images.proc(2, 1, List.of(2), "init"), 2, 2),
                Images.session(Images.proc(3, 2, List.of(3), "init"), 1, 1),
                Images.session(Images.proc(4, 3, List.of(4), "init"), 4, 1));
        Restore.run(image, m, port, true);
        int setsid = port.writes.indexOf("2/2: setsid");
        int lastCreation = 0;
        for (int i = 0; i < port.writes.size(); i++) {
            if (port.writes.get(i).matches(".*: (clone|clone3|eclone|fork)( .*)?")) lastCreation = i;
        }
        assertThat(setsid).isGreaterThan(lastCreation);
        assertThat(port.writes).containsSubsequence("4/4: setpgid 0 0", "2/2: setsid");
        assertThat(port.writes).filteredOn(w -> w.contains("setsid")).containsExactly("2/2: setsid");
        assertThat(port.calls).contains("2/2: setsid");
    }

    /** A group leader's setpgid comes as it is made, before its fds, its credentials, the signal actions and its stop. */
    @Test
    void aGroupLeadersSetpgidComesBeforeItsStateAndStop() throws Exception {
        Restore.run(Images.sample(), RestoreMethod.CLONE3, port, true);
        assertThat(port.writes).containsSubsequence("5/5: clone3 exit_signal=10 set_tid=2,6", "6/6: setpgid 0 0", "6/6: close 1",
                "6/6: setgid 100", "5/5: rt_sigaction 17 SIG_IGN 0x4000000", "1/1: kill 6 SIGSTOP");
    }

    /**
     * A process that makes no task (no child, no thread) takes its credentials as soon as it is
     * made; one that makes a child or a thread, and each thread, once every task is made: a task
     * that dropped root could not give the tasks it makes their pids (set_tid, eclone's pids, a
     * next_syscall_data: CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE), by every method.
     */
    @ParameterizedTest
    @EnumSource(RestoreMethod.class)
    void onlyATaskThatMakesNoTaskTakesItsCredentialsAsItIsMade(RestoreMethod m) throws Exception {
        Image.Creds user = new Image.Creds(List.of(1000L, 1000L, 1000L, 1000L), List.of(100L, 100L, 100L, 100L),
                new Image.Caps(Images.NONE, Images.NONE, Images.NONE, Images.FULL, Images.NONE), false);
        Image.Process parent = withCreds(Images.proc(2, 1, List.of(2), "init"), user, List.of());
        Image.Process leaf = withCreds(Images.proc(3, 2, List.of(3), "init"), user, List.of());
        Image.Process threaded = withCreds(Images.proc(4, 1, List.of(4), "init"), user,
                List.of(new Image.Thread(5, List.of(5), "init", user, List.of(), List.of())));
        Restore.run(Images.of(parent, leaf, threaded), m, port, true);
        int lastCreation = 0;
        for (int i = 0; i < port.writes.size(); i++) {
            if (port.writes.get(i).matches(".*: (clone|clone3|eclone|fork)( .*)?")) lastCreation = i;
        }
        assertThat(port.writes.indexOf("3/3: setresuid 1000 1000 1000")).isBetween(0, lastCreation);
        assertThat(port.writes.subList(lastCreation + 1, port.writes.size())).containsSubsequence(
                "4/5: setgid 100", "4/5: setresuid 1000 1000 1000", "2/2: setgid 100", "2/2: setresuid 1000 1000 1000",
                "4/4: setgid 100", "4/4: setresuid 1000 1000 1000");
    }

    private static Image.Process withCreds(Image.Process p, Image.Creds creds, List<Image.Thread> threads) {
        return new Image.Process(p.pid(), p.ppid(), p.nspid(), p.pidns(), p.comm(), p.exitSignal(), p.state(), p.subreaper(),
                p.argv(), creds, threads, p.fds(), p.shmAttaches(), p.sigactions(), p.sigmask(), p.sigpending(), p.ownSigpending(),
                p.pgid(), p.sid());
    }

    /** A setsid that fails, or whose session is not the leader's own pid in its namespace, fails the restore, which rolls back. */
    @Test
    void aSetsidThatGivesAnotherSessionRollsBack() {
        port.value = w -> w.equals("5/5: setsid") ? 5L : null; // its root pid: not 1, its pid in its namespace
        assertThatThrownBy(() -> Restore.run(Images.sample(), RestoreMethod.CLONE3, port, false)).isInstanceOf(RestoreException.class)
                .hasMessage("restore: setsid in 5 gave session 5, not 1\nprocsim: restore rolled back: 1 task and 1 IPC object removed");
        assertThat(port.writes).noneMatch(w -> w.contains("set_tid=2,6"));
        init();
        port.fail = w -> w.equals("5/5: setsid") ? "EPERM" : null;
        assertThatThrownBy(() -> Restore.run(Images.sample(), RestoreMethod.CLONE3, port, false)).isInstanceOf(RestoreException.class)
                .hasMessageStartingWith("restore: setsid in 5: -1 EPERM\n");
    }

    /** A setpgid or a mask refused midway (a group leader's, as it is made; a mask once every task is) rolls back what was made, as any other failed write, and nothing after it is written. */
    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "6/6: setpgid 0 0;        EPERM;  setpgid 0 0 in 6;     6/6: close",
        "5/7: rt_sigprocmask;     EINVAL; rt_sigprocmask in 7;  : kill 1 12",
    })
    void aFailedWriteOnceTheTasksAreMadeRollsBack(String failing, String errno, String what, String after) {
        port.fail = w -> w.startsWith(failing) ? errno : null;
        assertThatThrownBy(() -> Restore.run(Images.sample(), RestoreMethod.CLONE3, port, false)).isInstanceOf(RestoreException.class)
                .hasMessage("restore: " + what + ": -1 " + errno + "\nprocsim: restore rolled back: 3 tasks and 1 IPC object removed");
        assertThat(port.writes).noneMatch(w -> w.contains(after));
    }

    private static List<Long> longs(String csv) {
        return java.util.Arrays.stream(csv.split(",")).map(Long::valueOf).toList();
    }

    @Test
    void aFailureAfterInitWasRenamedGivesInitItsNameBack() {
        Image img = Images.of(Images.proc(5, 1, List.of(5), "other"), Images.proc(6, 1, List.of(6), "other"));
        port.fail = w -> w.contains("set_tid=6") ? "EEXIST" : null;
        assertThatThrownBy(() -> Restore.run(img, RestoreMethod.CLONE3, port, false)).hasMessageContaining("1 task and 0 IPC objects");
        assertThat(port.writes).containsExactly("1/1: prctl PR_GET_KEEPCAPS", "1/1: rt_sigaction SIGCHLD", "1/1: prctl PR_SET_NAME other", "1/1: clone3 exit_signal=SIGCHLD set_tid=5",
                "1/1: clone3 exit_signal=SIGCHLD set_tid=6", "1/1: prctl PR_SET_NAME init", "1/1: kill 5 SIGKILL", "1/1: wait4 5 __WALL");
    }

    @Test
    void nsLastPidThatGivesAnotherPidIsCaughtAndThatTaskReaped() {
        Image img = Images.of(Images.proc(5, 1, List.of(5), "init"));
        port.value = w -> w.endsWith(": fork") ? 9L : null;
        assertThatThrownBy(() -> Restore.run(img, RestoreMethod.NS_LAST_PID, port, false))
                .hasMessageStartingWith("restore (ns_last_pid): task 5 wanted pid 5 but got 9 (in its parent's namespace); "
                        + "pid 5 is free at the root level");
        assertThat(port.writes).contains("1/1: kill 9 SIGKILL", "1/1: wait4 9 __WALL");
    }

    /**
     * A task of exit signal SIGUSR1 given the wrong pid is killed and reaped with its parent
     * ignoring SIGUSR1 meanwhile: do_notify_parent would send it, and the default action would
     * kill the parent and leave the zombie unreaped, its pid held.
     */
    @Test
    void aWrongPidTaskOfAnotherExitSignalIsReapedWithoutKillingItsParent() {
        Image.Process p = Images.proc(5, 1, List.of(5), "init");
        Image img = Images.of(new Image.Process(5, 1, List.of(5), "root", "init", 10, "S", false, p.argv(), p.creds(), List.of(),
                p.fds(), List.of(), List.of(), List.of(), List.of()));
        port.value = w -> w.endsWith(": clone 10") ? 9L : null;
        assertThatThrownBy(() -> Restore.run(img, RestoreMethod.NS_LAST_PID, port, false)).hasMessageContaining("but got 9");
        assertThat(port.writes).containsSubsequence("1/1: rt_sigaction 10 SIG_IGN", "1/1: kill 9 SIGKILL", "1/1: wait4 9 __WALL",
                "1/1: rt_sigaction 10 SIG_DFL");
    }

    /** ...and one of exit signal SIGKILL or SIGSTOP, which no parent may ignore, is refused by ns_last_pid alone. */
    @ParameterizedTest
    @CsvSource({"9, ns_last_pid, true", "19, ns_last_pid, true", "9, clone3, false", "12, ns_last_pid, false"})
    void anExitSignalNoParentCanIgnoreIsRefusedByNsLastPid(int sig, String method, boolean refused) throws Exception {
        Image.Process p = Images.proc(5, 1, List.of(5), "init");
        Image img = Images.of(new Image.Process(5, 1, List.of(5), "root", "init", sig, "S", false, p.argv(), p.creds(), List.of(),
                p.fds(), List.of(), List.of(), List.of(), List.of()));
        RestoreMethod m = RestoreMethod.valueOf(method.toUpperCase());
        if (refused) {
            assertThatThrownBy(() -> Restore.run(img, m, port, true)).isInstanceOf(ImageException.class)
                    .hasMessageStartingWith("exit signal " + sig + " of 5: ns_last_pid could not undo a wrong pid");
            assertThat(port.writes).isEmpty();
        } else {
            assertThat(Restore.run(img, m, port, true).tasks()).isEqualTo(1);
        }
    }

    @Test
    void nsLastPidThatGivesTheRightNumberBelowButAnotherAboveIsCaught() {
        Image img = Images.of(Images.proc(5, 1, List.of(5, 1), "init"), Images.proc(6, 5, List.of(6, 2), "init"));
        port.tasks.put(5, Images.task("init", 1, List.of(5, 1)));
        port.tasks.put(6, Images.task("squatter", 1, List.of(6))); // root pid 6 was taken
        assertThatThrownBy(() -> Restore.run(img, RestoreMethod.NS_LAST_PID, port, false))
                .hasMessageStartingWith("restore (ns_last_pid): task 6 wanted pid 6,2 but got 2 in its parent's namespace and "
                        + "another pid above it; pid 6 is held by task 6 (comm squatter, parent 1, NSpid 6)");
        assertThat(port.writes).contains("5/5: kill 2 SIGKILL", "5/5: wait4 2 __WALL", "1/1: kill 5 SIGKILL");
    }

    /**
     * ns_last_pid: fork's reply is the child's pid in its parent's namespace, all there is to check
     * for a parent of the root namespace (a new namespace's own pid is 1); a nested parent's child
     * has levels above, read from its status.
     */
    @Test
    void nsLastPidReadsAChildsStatusOnlyWhenItsParentIsNested() throws Exception {
        Image img = Images.of(Images.proc(5, 1, List.of(5, 1), "init"), Images.proc(6, 5, List.of(6, 2), "init"),
                Images.proc(7, 1, List.of(7), "init"));
        port.tasks.put(6, Images.task("init", 5, List.of(6, 2)));
        assertThat(Restore.run(img, RestoreMethod.NS_LAST_PID, port, false).tasks()).isEqualTo(3);
        assertThat(port.statusReads).containsExactly(1, 6);
    }

    @ParameterizedTest
    @EnumSource(RestoreMethod.class)
    void everyMethodMakesTheSameTasks(RestoreMethod m) throws Exception {
        assertThat(Restore.run(Images.sample(), m, port, true).tasks()).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(value = RestoreMethod.class, names = {"CLONE3", "ECLONE", "NSD"})
    void workersMakeTheSameWritesEachChildAfterItsParent(RestoreMethod m) throws Exception {
        List<Image.Process> procs = new java.util.ArrayList<>();
        for (int pid = 2; pid < 200; pid++) {
            int ppid = pid < 10 ? 1 : 2 + (pid * 7919) % (pid - 2); // a parent made earlier
            procs.add(Images.proc(pid, ppid, List.of(pid), pid % 5 == 0 ? "w" + pid : "init"));
        }
        Image img = Images.of(procs.toArray(Image.Process[]::new));
        Restore.run(img, m, port, false, 1);
        List<String> sequential = List.copyOf(port.writes);
        init();
        Restore.run(img, m, port, false, 4);
        assertThat(port.writes).containsExactlyInAnyOrderElementsOf(sequential);
        for (Image.Process p : procs) {
            if (p.ppid() == 1) continue;
            int made = indexOfCreation(p.ppid(), p.pid(), m);
            int parentMade = indexOfCreation(procs.get(p.ppid() - 2).ppid(), p.ppid(), m);
            assertThat(made).as("%d after its parent %d", p.pid(), p.ppid()).isGreaterThan(parentMade);
        }
    }

    /** The index of the write by {@code parent} that makes {@code pid}. */
    private int indexOfCreation(int parent, int pid, RestoreMethod m) {
        String want = parent + "/" + parent + (m == RestoreMethod.NSD ? " next_syscall_data: LONG1 " + pid
                : m == RestoreMethod.CLONE3 ? ": clone3 exit_signal=SIGCHLD set_tid=" + pid : ": eclone SIGCHLD pids=" + pid);
        int i = port.writes.indexOf(want);
        assertThat(i).as(want).isNotNegative();
        return i;
    }
}
