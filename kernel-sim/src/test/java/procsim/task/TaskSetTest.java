package procsim.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import procsim.kernel.Sim;

/** Exit, wait4, reparenting, kill, execve (kernel/exit.c, kernel/signal.c, fs/exec.c). */
class TaskSetTest {
    private final Sim sim = new Sim();

    @Test
    void exitMakesAZombieUntilWait4ReapsIt() {
        Task c = sim.as(1).child("fork");
        sim.as(c).ok("exit 3");
        assertThat(c.state()).isEqualTo(TaskState.ZOMBIE);
        assertThat(sim.as(1).run("wait4")).isEqualTo("2 status=0x0300");
        assertThat(c.state()).isEqualTo(TaskState.DEAD);
        assertThat(sim.root().lookup(2)).isNull();
        assertThat(sim.as(1).run("wait4")).isEqualTo("-1 ECHILD");
    }

    @Test
    void wait4ForASpecificPidAndWnohang() {
        Task a = sim.as(1).child("fork");
        Task b = sim.as(1).child("fork");
        assertThat(sim.as(1).run("wait4 3 WNOHANG")).isEqualTo("0");
        sim.as(a).ok("exit 1");
        sim.as(b).ok("exit 2");
        assertThat(sim.as(1).run("wait4 3")).isEqualTo("3 status=0x0200");
        assertThat(sim.as(1).run("wait4 99")).isEqualTo("-1 ECHILD");
        assertThat(sim.as(1).run("wait4 -1")).isEqualTo("2 status=0x0100");
    }

    @Test
    void wait4BlocksUntilAChildExits() throws Exception {
        Task c = sim.as(1).child("fork");
        CompletableFuture<String> waiter = CompletableFuture.supplyAsync(() -> sim.as(1).run("wait4"));
        Thread.sleep(50);
        assertThat(waiter).isNotDone();
        sim.as(c).ok("exit 7");
        assertThat(waiter.get(5, TimeUnit.SECONDS)).isEqualTo("2 status=0x0700");
    }

    @Test
    void cloneChildrenWithOtherExitSignalsNeedWall() {
        sim.as(1).ok("clone3 exit_signal=0");
        Task c = sim.task(2);
        sim.as(c).ok("exit 0");
        assertThat(sim.as(1).run("wait4 -1 WNOHANG")).isEqualTo("-1 ECHILD");
        assertThat(sim.as(1).run("wait4 -1 __WALL")).isEqualTo("2 status=0x0000");
    }

    @Test
    void orphansGoToTheirNamespacesInit() {
        Task p = sim.as(1).child("fork");
        Task c = sim.as(p).child("fork");
        sim.as(p).ok("exit 0");
        assertThat(c.group().parent()).isSameAs(sim.task(1).group());
        assertThat(sim.as(c).run("getppid")).isEqualTo("1");
    }

    @Test
    void anOrphanIsReparentedWithSigchldAsItsExitSignal() {
        Task p = sim.as(1).child("fork");
        Task c = sim.as(p).child("clone SIGUSR1");
        assertThat(c.group().exitSignal()).isEqualTo(10);
        assertThat(sim.as(p).run("wait4 -1 WNOHANG")).as("a clone child needs __WCLONE").isEqualTo("-1 ECHILD");
        sim.as(p).ok("exit 0");
        assertThat(c.group().exitSignal()).as("reparent_leader").isEqualTo(17);
        sim.as(1).ok("wait4 " + p.tid());
        sim.as(c).ok("exit 3");
        assertThat(sim.as(1).run("wait4 " + c.tid())).isEqualTo(c.tid() + " status=0x0300");
    }

    @Test
    void killTermAndKillEndTheGroupWithTheSignalAsStatus() {
        Task c = sim.as(1).child("fork");
        sim.as(1).ok("kill 2 SIGKILL");
        assertThat(c.exited()).isTrue();
        assertThat(sim.as(1).run("wait4")).isEqualTo("2 status=0x0009");
        Task d = sim.as(1).child("fork");
        sim.as(1).ok("kill " + d.tid());
        assertThat(sim.as(1).run("wait4")).endsWith("status=0x000f");
        assertThat(sim.as(1).run("kill 999 SIGKILL")).isEqualTo("-1 ESRCH");
        assertThat(sim.as(1).run("kill 1 65")).isEqualTo("-1 EINVAL");
    }

    @Test
    void initIgnoresSignalsFromInsideAndDiesOfSigkillFromOutside() {
        Task ns = sim.as(1).child("clone CLONE_NEWPID|SIGCHLD");
        Task inside = sim.as(ns).child("fork");
        sim.as(inside).ok("kill 1 SIGKILL");
        assertThat(ns.exited()).isFalse();
        sim.as(1).ok("kill 1 SIGKILL");
        assertThat(sim.task(1).exited()).isFalse();
        sim.as(1).ok("kill " + ns.pid().numberAtLevel(0) + " SIGTERM");
        assertThat(ns.exited()).isFalse();
        sim.as(1).ok("kill " + ns.pid().numberAtLevel(0) + " SIGKILL");
        assertThat(ns.exited()).isTrue();
        assertThat(inside.exited()).isTrue();
        assertThat(inside.state()).isEqualTo(TaskState.DEAD);
    }

    @Test
    void unprivilegedKillOfAnotherUsersTaskIsEperm() {
        Task a = sim.as(1).child("fork");
        sim.as(a).ok("setuid 1000");
        assertThat(sim.as(a).run("kill 1 0")).isEqualTo("-1 EPERM");
        Task b = sim.as(a).child("fork");
        assertThat(sim.as(a).run("kill " + b.tid() + " 0")).isEqualTo("0");
    }

    @Test
    void setuidDropsCapabilitiesAndThenNeedsThem() {
        Task a = sim.as(1).child("fork");
        sim.as(a).ok("setuid 1000");
        assertThat(a.creds().uid()).isEqualTo(1000);
        assertThat(a.creds().capEffective()).isZero();
        assertThat(sim.as(a).run("setuid 0")).isEqualTo("-1 EPERM");
        assertThat(sim.as(a).run("setuid -1")).isEqualTo("-1 EINVAL");
    }

    @Test
    void execveByAThreadTakesOverTheLeadersPid() {
        Task th = sim.as(1).child("fork");
        Task t2 = sim.as(th).child("clone CLONE_THREAD|CLONE_SIGHAND|CLONE_VM");
        Task t3 = sim.as(th).child("clone CLONE_THREAD|CLONE_SIGHAND|CLONE_VM");
        sim.as(t3).ok("execve /usr/bin/restorer");
        assertThat(t3.tid()).isEqualTo(2);
        assertThat(t3.isLeader()).isTrue();
        assertThat(t3.comm()).isEqualTo("restorer");
        assertThat(t3.group().threads()).containsExactly(t3);
        assertThat(t2.exited()).isTrue();
        assertThat(sim.root().lookup(3)).isNull();
        assertThat(sim.root().lookup(4)).isNull();
        assertThat(sim.as(t3).run("getpid") + " " + sim.as(t3).run("gettid")).isEqualTo("2 2");
    }

    @Test
    void execveCommIsTheBasenameCutTo15() {
        Task c = sim.as(1).child("fork");
        sim.as(c).ok("execve /opt/a-very-long-program-name");
        assertThat(c.comm()).isEqualTo("a-very-long-pro");
    }

    @Test
    void prctlSetNameNamesTheCallingThreadOnlyAndCutsTo15() {
        Task c = sim.as(1).child("fork");
        Task thread = sim.as(c).child("clone CLONE_THREAD|CLONE_SIGHAND|CLONE_VM");
        sim.as(thread).ok("prctl PR_SET_NAME worker-thread-number-1");
        assertThat(thread.comm()).isEqualTo("worker-thread-n");
        assertThat(c.comm()).isEqualTo("init");
        assertThat(sim.as(thread).run("prctl PR_GET_NAME")).isEqualTo("0 name=worker-thread-n");
        assertThat(sim.as(c).run("prctl 16")).isEqualTo("0 name=init");
        assertThat(sim.as(c).child("fork").comm()).isEqualTo("init");
        assertThat(sim.as(thread).child("fork").comm()).as("fork copies the caller's name").isEqualTo("worker-thread-n");
    }

    @Test
    void namesAreCutAt15BytesOfUtf8KeepingWholeCharacters() {
        Task c = sim.as(1).child("fork");
        sim.as(c).ok("prctl PR_SET_NAME " + "é".repeat(17));
        assertThat(c.comm()).isEqualTo("é".repeat(7));
        sim.as(c).ok("prctl PR_SET_NAME abcdefghijklmnopq");
        assertThat(c.comm()).isEqualTo("abcdefghijklmno");
        sim.as(c).ok("execve /bin/x" + "€".repeat(6));
        assertThat(c.comm()).as("14 bytes; a fourth € would make 17").isEqualTo("x€€€€");
    }

    @Test
    void prctlWithAnotherOptionIsEinvalAndAMissingNameIsMalformed() {
        assertThat(sim.as(1).run("prctl 38")).isEqualTo("-1 EINVAL");
        assertThat(sim.as(1).run("prctl PR_SET_NAME")).isEqualTo("-1 EINVAL");
        assertThat(sim.as(1).run("prctl PR_GET_NAME extra")).isEqualTo("-1 EINVAL");
        assertThat(sim.task(1).comm()).isEqualTo("init");
    }

    @Test
    void leaderExitLeavesAZombieLeaderWhileThreadsRun() {
        Task p = sim.as(1).child("fork");
        Task th = sim.as(p).child("clone CLONE_THREAD|CLONE_SIGHAND|CLONE_VM");
        sim.as(p).ok("exit 0");
        assertThat(p.state()).isEqualTo(TaskState.ZOMBIE);
        assertThat(p.group().isZombie()).isFalse();
        assertThat(sim.as(1).run("wait4 -1 WNOHANG")).isEqualTo("0");
        sim.as(th).ok("exit 4");
        // synchronize_group_exit: the last thread out sets group_exit_code (LifecycleTest has the table)
        assertThat(sim.as(1).run("wait4")).isEqualTo(p.tid() + " status=0x0400");
    }

    @Test
    void exitGroupEndsEveryThread() {
        Task p = sim.as(1).child("fork");
        Task th = sim.as(p).child("clone CLONE_THREAD|CLONE_SIGHAND|CLONE_VM");
        sim.as(th).ok("exit_group 9");
        assertThat(p.exited()).isTrue();
        assertThat(sim.as(1).run("wait4")).isEqualTo(p.tid() + " status=0x0900");
    }

    @Test
    void theGlobalInitCannotExit() {
        assertThat(sim.as(1).run("exit 0")).isEqualTo("-1 EPERM");
        assertThat(sim.as(1).run("exit_group 0")).isEqualTo("-1 EPERM");
    }

    @Test
    void aSyscallOfAnExitedThreadIsEsrch() {
        Task c = sim.as(1).child("fork");
        sim.as(c).ok("exit 0");
        assertThat(sim.as(c).run("getpid")).isEqualTo("-1 ESRCH");
    }

    @Test
    void deadPidNamespacesBeyondTheNewestFewAreForgotten() {
        for (int i = 0; i < 40; i++) {
            Task init = sim.as(1).child("clone CLONE_NEWPID|SIGCHLD");
            sim.as(1).ok("kill " + init.pid().numberAtLevel(0) + " SIGKILL");
            sim.as(1).ok("wait4");
        }
        Task live = sim.as(1).child("clone CLONE_NEWPID|SIGCHLD");
        assertThat(sim.kernel.tasks().pidNamespaces()).hasSize(1 + TaskSet.DEAD_NAMESPACES_KEPT + 1)
                .startsWith(sim.root()).endsWith(live.activePidNs());
    }

    @Test
    void anInterruptedWait4FailsWithEintr() throws Exception {
        sim.as(1).child("fork");
        java.util.concurrent.atomic.AtomicBoolean interrupted = new java.util.concurrent.atomic.AtomicBoolean();
        CompletableFuture<String> waiter = CompletableFuture.supplyAsync(
                () -> sim.kernel.syscall(sim.task(1), sim.kernel.decode("wait4"), interrupted::get).text());
        Thread.sleep(50);
        assertThat(waiter).isNotDone();
        interrupted.set(true);
        assertThat(waiter.get(5, TimeUnit.SECONDS)).isEqualTo("-1 EINTR");
    }
}
