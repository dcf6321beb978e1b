package procsim.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import procsim.kernel.Sim;
import procsim.pid.PidNamespace;
import procsim.task.Task;

/** fork/clone/clone3/eclone: linux-facts §3.2 errno table, §3.3 set_tid, §3.5 the seeds' order. */
class CloneTest {
    private Sim sim;

    @BeforeEach
    void boot() {
        sim = new Sim();
    }

    @Test
    void forkReturnsTheNextPidAndTheChildIsOurs() {
        assertThat(sim.as(1).run("fork")).isEqualTo("2");
        Task child = sim.task(2);
        assertThat(child.group().parent()).isSameAs(sim.task(1).group());
        assertThat(sim.as(2).run("getppid")).isEqualTo("1");
        assertThat(sim.as(2).run("getpid")).isEqualTo("2");
    }

    @ParameterizedTest(name = "clone3 {0} -> {1}")
    @CsvSource(delimiter = ';', value = {
            "exit_signal=65                                   ; -1 EINVAL",
            "exit_signal=0x100                                ; -1 EINVAL",
            "flags=CLONE_DETACHED                             ; -1 EINVAL",
            "flags=0x11                                       ; -1 EINVAL",
            "flags=CLONE_SIGHAND|CLONE_VM|CLONE_CLEAR_SIGHAND ; -1 EINVAL",
            "flags=CLONE_THREAD|CLONE_SIGHAND|CLONE_VM exit_signal=SIGCHLD ; -1 EINVAL",
            "flags=CLONE_PARENT exit_signal=17                ; -1 EINVAL",
            "flags=CLONE_THREAD                               ; -1 EINVAL",
            "flags=CLONE_SIGHAND                              ; -1 EINVAL",
            "flags=CLONE_THREAD|CLONE_SIGHAND|CLONE_VM|CLONE_NEWPID ; -1 EINVAL",
            "flags=CLONE_NEWNS|CLONE_FS                       ; -1 EINVAL",
            "flags=CLONE_NEWIPC|CLONE_SYSVSEM                 ; -1 EINVAL",
            "set_tid=0                                        ; -1 EINVAL",
            "set_tid=1                                        ; -1 EEXIST",
            "set_tid=32768                                    ; -1 EINVAL",
            "set_tid=500,501                                  ; -1 EINVAL",
            "set_tid=500                                      ; 500",
            "exit_signal=0                                    ; 2",
            "flags=CLONE_NEWTIME                              ; 2",
    })
    void clone3Validation(String args, String expected) {
        assertThat(sim.as(1).run("clone3 " + args)).isEqualTo(expected);
    }

    @Test
    void clone3SetTidSizeAbove32IsEinval() {
        String many = "1,".repeat(33);
        assertThat(sim.as(1).run("clone3 set_tid=" + many.substring(0, many.length() - 1))).isEqualTo("-1 EINVAL");
    }

    @Test
    void clone3ParentByInitIsEinval() {
        assertThat(sim.as(1).run("clone3 flags=CLONE_PARENT")).isEqualTo("-1 EINVAL");
        int child = sim.as(1).ok("fork");
        assertThat(sim.as(child).run("clone3 flags=CLONE_PARENT")).isEqualTo("3");
        assertThat(sim.task(3).group().parent()).isSameAs(sim.task(1).group());
    }

    @Test
    void unprivilegedSetTidOfATakenPidIsEpermNotEexist() {
        int child = sim.as(1).ok("fork");
        assertThat(sim.as(child).run("setuid 1000")).isEqualTo("0");
        assertThat(sim.as(child).run("clone3 set_tid=1")).isEqualTo("-1 EPERM");
        assertThat(sim.as(child).run("clone3 set_tid=4000")).isEqualTo("-1 EPERM");
        assertThat(sim.as(child).run("clone3")).isEqualTo("3");
        assertThat(sim.as(child).run("eclone SIGCHLD pids=4000")).isEqualTo("-1 EPERM");
    }

    @Test
    void newNamespaceFlagsNeedCapSysAdmin() {
        int child = sim.as(1).ok("fork");
        sim.as(child).ok("setuid 1000");
        assertThat(sim.as(child).run("clone CLONE_NEWPID|SIGCHLD")).isEqualTo("-1 EPERM");
        assertThat(sim.as(child).run("unshare CLONE_NEWPID")).isEqualTo("-1 EPERM");
    }

    @Test
    void setTidWithNewPidMustGiveOneInnermost() {
        // linux-facts §3.3, verified on 6.18 from a level-1 process
        Task l1 = sim.as(1).child("clone CLONE_NEWPID|SIGCHLD");
        assertThat(l1.tid()).isEqualTo(1);
        Sim.Runner in = sim.as(l1);
        assertThat(in.run("clone3 flags=CLONE_NEWPID set_tid=1,7777")).isEqualTo("7777");
        assertThat(in.run("clone3 flags=CLONE_NEWPID set_tid=2,7778")).isEqualTo("-1 EINVAL");
        assertThat(in.run("clone3 flags=CLONE_NEWPID set_tid=1,7779,12345")).isEqualTo("7779");
        assertThat(in.run("clone3 flags=CLONE_NEWPID set_tid=1,7780,12346,9")).isEqualTo("-1 EINVAL");
        // outer level chosen cyclically: set_tid never moved level 1's cursor
        assertThat(in.run("clone3 flags=CLONE_NEWPID set_tid=1")).isEqualTo("2");
    }

    /** A 3-level tree: root (level 0) > A (level 1) > B (level 2). */
    private Task[] threeLevels() {
        Task a = sim.as(1).child("clone CLONE_NEWPID|SIGCHLD");
        Task b = sim.as(a).child("clone CLONE_NEWPID|SIGCHLD");
        assertThat(b.activePidNs().level()).isEqualTo(2);
        return new Task[] {a, b};
    }

    private static int[] nspid(Task t, PidNamespace viewer) {
        return t.pid().numbersFrom(viewer);
    }

    @Test
    void threeOrdersOnAThreeLevelTree() {
        Task[] ab = threeLevels();
        Task b = ab[1];
        PidNamespace l0 = sim.root();
        PidNamespace l1 = ab[0].activePidNs();
        PidNamespace l2 = b.activePidNs();

        // clone3 set_tid: innermost first
        Task viaSetTid = sim.as(b).child("clone3 set_tid=7,42,3100");
        assertThat(nspid(viaSetTid, l0)).containsExactly(3100, 42, 7);
        assertThat(nspid(viaSetTid, l1)).containsExactly(42, 7);
        assertThat(nspid(viaSetTid, l2)).containsExactly(7);

        // eclone: outermost first
        Task viaEclone = sim.as(b).child("eclone SIGCHLD pids=3101,43,8");
        assertThat(nspid(viaEclone, l0)).containsExactly(3101, 43, 8);
        assertThat(nspid(viaEclone, l1)).containsExactly(43, 8);
        assertThat(nspid(viaEclone, l2)).containsExactly(8);

        // next_syscall_data LONG3: outermost first, last value the child's own namespace
        sim.kernel.writeNextSyscallData(b, b, "LONG3 3102 44 9", 0);
        Task viaNsd = sim.as(b).child("fork");
        assertThat(nspid(viaNsd, l0)).containsExactly(3102, 44, 9);
        assertThat(nspid(viaNsd, l1)).containsExactly(44, 9);
        assertThat(nspid(viaNsd, l2)).containsExactly(9);
    }

    @Test
    void shorterArraysCoverTheYoungestLevels() {
        Task b = threeLevels()[1];
        assertThat(sim.as(b).run("clone3 set_tid=20")).isEqualTo("20");
        assertThat(sim.as(b).run("clone3 set_tid=21,50")).isEqualTo("21");
        assertThat(sim.task(b.pid().numberAtLevel(0)).activePidNs()).isSameAs(b.activePidNs());
        assertThat(sim.as(b).run("eclone SIGCHLD pids=22")).isEqualTo("22");
        assertThat(sim.as(b).run("eclone SIGCHLD pids=51,23")).isEqualTo("23");
        assertThat(sim.as(b).run("eclone SIGCHLD pids=0,52,0")).isNotEqualTo("-1 EINVAL");
        sim.kernel.writeNextSyscallData(b, b, "LONG2 53 24", 0);
        assertThat(sim.as(b).run("fork")).isEqualTo("24");
    }

    @Test
    void takenAndTooManyPerInterface() {
        Task b = threeLevels()[1];
        sim.as(b).ok("clone3 set_tid=30");
        assertThat(sim.as(b).run("clone3 set_tid=30")).isEqualTo("-1 EEXIST");
        assertThat(sim.as(b).run("eclone SIGCHLD pids=30")).isEqualTo("-1 EBUSY");
        sim.kernel.writeNextSyscallData(b, b, "LONG1 30", 0);
        assertThat(sim.as(b).run("fork")).isEqualTo("-1 EBUSY");
        assertThat(sim.as(b).run("clone3 set_tid=31,32,33,34")).isEqualTo("-1 EINVAL");
        assertThat(sim.as(b).run("eclone SIGCHLD pids=31,32,33,34")).isEqualTo("-1 EINVAL");
        sim.kernel.writeNextSyscallData(b, b, "LONG4 31 32 33 34", 0);
        assertThat(sim.as(b).run("fork")).isEqualTo("-1 EINVAL");
    }

    @Test
    void ecloneWithNewPidCannotChooseTheNewNamespacesPid() {
        assertThat(sim.as(1).run("eclone CLONE_NEWPID|SIGCHLD pids=600")).isEqualTo("600");
        Task t = sim.task(600);
        assertThat(t.tid()).isEqualTo(1);
        assertThat(t.pid().level()).isEqualTo(1);
    }

    @Test
    void setTidAndEcloneDoNotMoveNsLastPid() {
        sim.as(1).ok("fork");
        int before = sim.root().lastPid();
        sim.as(1).ok("clone3 set_tid=5000");
        sim.as(1).ok("eclone SIGCHLD pids=5001");
        assertThat(sim.root().lastPid()).isEqualTo(before);
        assertThat(sim.as(1).run("fork")).isEqualTo(String.valueOf(before + 1));
    }

    @Test
    void forkInAChildNamespaceAdvancesEveryAncestorCursor() {
        Task a = sim.as(1).child("clone CLONE_NEWPID|SIGCHLD");
        int rootBefore = sim.root().lastPid();
        sim.as(a).ok("fork");
        assertThat(sim.root().lastPid()).isEqualTo(rootBefore + 1);
        assertThat(a.activePidNs().lastPid()).isEqualTo(2);
    }

    /**
     * After a cyclic fork, a clone or a thread's clone, ns_last_pid of every level is the number the
     * task got there (kernel/pid.c alloc_pid: idr_alloc_cyclic leaves the cursor at nr + 1;
     * pid_namespace.c pid_ns_ctl_handler reads cursor - 1): what restore --method ns_last_pid
     * counts on when it leaves out a write of that number.
     */
    @ParameterizedTest
    @ValueSource(strings = {"fork", "clone 10", "clone CLONE_THREAD|CLONE_SIGHAND|CLONE_VM"})
    void nsLastPidOfEveryLevelIsTheNumberTheForkGave(String line) {
        Task[] ab = threeLevels();
        sim.as(1).ok("clone3 set_tid=900"); // an exact number elsewhere moves no cursor
        Task t = sim.as(ab[1]).child(line);
        int[] nr = nspid(t, sim.root());
        assertThat(new int[] {sim.root().lastPid(), ab[0].activePidNs().lastPid(), ab[1].activePidNs().lastPid()}).containsExactly(nr);
    }

    @Test
    void threadsShareTheGroupAndGetTheirOwnTid() {
        Task th = sim.as(1).child("clone CLONE_THREAD|CLONE_SIGHAND|CLONE_VM");
        assertThat(th.group()).isSameAs(sim.task(1).group());
        assertThat(sim.as(th).run("getpid")).isEqualTo("1");
        assertThat(sim.as(th).run("gettid")).isEqualTo("2");
        assertThat(sim.task(1).group().threads()).hasSize(2);
    }

    @Test
    void afterUnshareNewPidTheNextChildIsInitAndThreadsAreRefused() {
        int p = sim.as(1).ok("fork");
        assertThat(sim.as(p).run("unshare CLONE_NEWPID")).isEqualTo("0");
        assertThat(sim.as(p).run("unshare CLONE_NEWPID")).isEqualTo("-1 EINVAL");
        assertThat(sim.as(p).run("clone CLONE_THREAD|CLONE_SIGHAND|CLONE_VM")).isEqualTo("-1 EINVAL");
        Task init = sim.as(p).child("fork");
        assertThat(init.tid()).isEqualTo(1);
        assertThat(sim.as(init).run("getppid")).isEqualTo("0");
        assertThat(sim.as(p).run("getpid")).isEqualTo(String.valueOf(p));
    }

    @Test
    void deadNamespaceIsEnomem() {
        int p = sim.as(1).ok("fork");
        sim.as(p).ok("unshare CLONE_NEWPID");
        Task init = sim.as(p).child("fork");
        Task inside = sim.as(init).child("fork");
        assertThat(inside.tid()).isEqualTo(2);
        sim.as(init).ok("exit 0");
        assertThat(inside.exited()).isTrue();
        assertThat(sim.as(p).run("fork")).isEqualTo("-1 ENOMEM");
        assertThat(sim.as(p).run("wait4")).startsWith(String.valueOf(init.pid().numberAtLevel(0)));
    }

    @Test
    void pidNamespaceOfDepth32AndThenEnospc() {
        Task t = sim.task(1);
        for (int i = 0; i < 32; i++) t = sim.as(t).child("clone CLONE_NEWPID|SIGCHLD");
        assertThat(t.activePidNs().level()).isEqualTo(32);
        assertThat(t.pid().numbersFrom(sim.root())).hasSize(33);
        assertThat(sim.as(t).run("clone CLONE_NEWPID|SIGCHLD")).isEqualTo("-1 ENOSPC");
    }

    @Test
    void exhaustedPidsAreEagain() {
        Sim small = Sim.withPidMax(301);
        small.kernel.tasks().rootPidNs().setLastPid(298);
        assertThat(small.as(1).run("fork")).isEqualTo("299");
        assertThat(small.as(1).run("fork")).isEqualTo("300");
        // the cursor is past 300, so 2..299 are out of reach: EAGAIN, as on 6.18
        assertThat(small.as(1).run("fork")).isEqualTo("-1 EAGAIN");
    }

    @Test
    void malformedLinesAreEinvalAndChangeNothing() {
        for (String bad : new String[] {"", "frob", "fork 1", "clone", "clone NOPE", "clone3 set_tid=",
                "clone3 set_tid=1x", "clone3 bogus=1", "wait4 1 2 3", "kill", "kill 1x", "exit 1 2"}) {
            assertThat(sim.as(1).run(bad)).as(bad).isEqualTo("-1 EINVAL");
        }
        assertThat(sim.root().lastPid()).isEqualTo(1);
    }
}
