package procsim.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import procsim.kernel.Sim;

/**
 * Process lifecycle facts checked against Linux 6.18 (issue 15): exit signals after de_thread, the
 * group's exit status, __WNOTHREAD, child subreapers, a dying namespace init, job control, kill's
 * broadcast and the order of kill's and wait4's checks. Each case cites the kernel function.
 */
class LifecycleTest {
    private final Sim sim = new Sim();

    /** A second thread of {@code leader}'s process. */
    private Task thread(Task leader) {
        return sim.as(leader).child("clone CLONE_VM|CLONE_THREAD|CLONE_SIGHAND");
    }

    /** Runs {@code "WHO:line , WHO:line ..."} (null: none), each line as the task {@code who} names. */
    private void runSteps(String steps, Map<String, Task> who) {
        if (steps == null) return;
        for (String step : steps.split(",")) {
            String[] s = step.trim().split(":", 2);
            sim.as(who.get(s[0])).ok(s[1]);
        }
    }

    // ------------------------------------------------------------ 1. de_thread resets exit_signal

    /**
     * fs/exec.c de_thread: when a non-leader thread execs it takes the leader's place and
     * {@code tsk->exit_signal = SIGCHLD}; a leader's own exec keeps the exit signal it has.
     */
    @ParameterizedTest(name = "{0}, {1} execs -> exit_signal {2}; __WCLONE: {3}; plain: {4}")
    @CsvSource(delimiter = ';', value = {
            "clone 0       ; thread ; 17 ; -1 ECHILD        ; 2 status=0x0000",
            "clone SIGUSR1 ; thread ; 17 ; -1 ECHILD        ; 2 status=0x0000",
            "clone 0       ; leader ; 0  ; 2 status=0x0000  ; -1 ECHILD",
            "clone SIGUSR1 ; leader ; 10 ; 2 status=0x0000  ; -1 ECHILD",
    })
    void aThreadsExecveMakesTheProcessSignalSigchld(String clone, String who, int exitSignal,
            String wclone, String plain) {
        Task c = sim.as(1).child(clone);
        Task thread = thread(c);
        Task execer = who.equals("thread") ? thread : c;
        sim.as(execer).ok("execve /bin/true");
        assertThat(execer.group().exitSignal()).isEqualTo(exitSignal);
        sim.as(execer).ok("exit 0");
        assertThat(sim.as(1).run("wait4 2 __WCLONE|WNOHANG")).isEqualTo(wclone);
        assertThat(sim.as(1).run("wait4 2 WNOHANG")).isEqualTo(plain);
    }

    // ------------------------------------------------------------ 2. the group's exit status

    /**
     * kernel/exit.c do_exit -> synchronize_group_exit: the thread that brings signal->quick_threads
     * to 0 sets SIGNAL_GROUP_EXIT and group_exit_code = its own code unless a group exit was already
     * set; wait_task_zombie reports group_exit_code when SIGNAL_GROUP_EXIT is set. So the last thread
     * to exit decides, not the leader (L = leader, T = its other thread, P = the parent, pid 1).
     */
    @ParameterizedTest(name = "{0} -> status {1}")
    @CsvSource(delimiter = ';', value = {
            "L:exit 5 , T:exit 3       ; 0x0300",
            "T:exit 3 , L:exit 5       ; 0x0500",
            "L:exit 5 , T:exit_group 9 ; 0x0900",
            "T:exit_group 2            ; 0x0200",
            "L:exit 5 , P:kill 2 SIGTERM ; 0x000f",
            "T:exit 0 , L:exit 7       ; 0x0700",
    })
    void theLastThreadToExitSetsTheGroupsStatus(String steps, String status) {
        Task l = sim.as(1).child("fork");
        Task t = thread(l);
        runSteps(steps, Map.of("L", l, "T", t, "P", sim.task(1)));
        assertThat(sim.as(1).run("wait4 2 WNOHANG")).isEqualTo("2 status=" + status);
    }

    /**
     * fs/proc/array.c do_task_stat, field 52: task->exit_code, which kernel/exit.c do_exit sets to
     * the thread's own code (exit(2): (code & 0xff) << 8; a group exit or fatal signal:
     * group_exit_code); 0 while it lives. The whole-process file (/proc/PID/stat, whole = 1) shows
     * signal->group_exit_code instead once SIGNAL_GROUP_EXIT or SIGNAL_STOP_STOPPED is set (the
     * latter's code is the stop signal until wait_task_stopped reports it). L = leader (2), T its
     * other thread, P = the parent (1).
     */
    @ParameterizedTest(name = "{0} -> L per thread {1}, whole {2}")
    @CsvSource(delimiter = ';', value = {
            "                            ; 0    ; 0",
            "L:exit 5                    ; 1280 ; 1280",
            "L:exit 5 , T:exit 3         ; 1280 ; 768",
            "T:exit 3 , L:exit 5         ; 1280 ; 1280",
            "L:exit 5 , T:exit_group 9   ; 1280 ; 2304",
            "T:exit_group 2              ; 512  ; 512",
            "L:exit 5 , P:kill 2 SIGTERM ; 1280 ; 15",
            "P:kill 2 SIGTERM            ; 15   ; 15",
            "P:kill 2 SIGSTOP            ; 0    ; 19",
            "P:kill 2 SIGSTOP , P:wait4 2 WUNTRACED ; 0 ; 0",
    })
    void statShowsTheTasksOwnExitCodeAndTheWholeProcessTheGroups(String steps, int perThread, int whole) {
        Task l = sim.as(1).child("fork");
        Task t = thread(l);
        runSteps(steps, Map.of("L", l, "T", t, "P", sim.task(1)));
        assertThat(sim.kernel.read(() -> l.statExitCode(false))).isEqualTo(perThread);
        assertThat(sim.kernel.read(() -> l.statExitCode(true))).isEqualTo(whole);
    }

    // ------------------------------------------------------------ 3. __WNOTHREAD

    /**
     * kernel/exit.c __do_wait walks only current's children with __WNOTHREAD (no while_each_thread),
     * and is_effectively_child asks current == real_parent. L (2) and its thread T (3); T forks 4,
     * L forks 5; both have exited.
     */
    @ParameterizedTest(name = "{0}: wait4 {1} -> {2}")
    @CsvSource(delimiter = ';', value = {
            "L ; 4 __WNOTHREAD|WNOHANG  ; -1 ECHILD",
            "L ; -1 __WNOTHREAD|WNOHANG ; 5 status=0x0500",
            "L ; 0 __WNOTHREAD|WNOHANG  ; 5 status=0x0500",
            "T ; 5 __WNOTHREAD|WNOHANG  ; -1 ECHILD",
            "T ; -1 __WNOTHREAD|WNOHANG ; 4 status=0x0400",
            "T ; 4 __WNOTHREAD|WNOHANG  ; 4 status=0x0400",
            "L ; 4 WNOHANG              ; 4 status=0x0400",
            "T ; 5 WNOHANG              ; 5 status=0x0500",
    })
    void wnothreadWaitsForTheCallingThreadsOwnChildrenOnly(String who, String args, String expected) {
        Task l = sim.as(1).child("fork");
        Task t = thread(l);
        sim.as(sim.as(t).child("fork")).ok("exit 4");
        sim.as(sim.as(l).child("fork")).ok("exit 5");
        assertThat(sim.as(who.equals("L") ? l : t).run("wait4 " + args)).isEqualTo(expected);
    }

    /** kernel/exit.c find_new_reaper: a dying thread's children go to a live thread of its group. */
    @Test
    void aThreadsChildrenPassToALiveThreadOfTheGroupWhenItExits() {
        Task l = sim.as(1).child("fork");
        Task t = thread(l);
        Task c = sim.as(t).child("fork");
        assertThat(sim.as(l).run("wait4 4 __WNOTHREAD|WNOHANG")).isEqualTo("-1 ECHILD");
        sim.as(t).ok("exit 0");
        assertThat(sim.as(c).run("getppid")).isEqualTo("2");
        sim.as(c).ok("exit 1");
        assertThat(sim.as(l).run("wait4 4 __WNOTHREAD|WNOHANG")).isEqualTo("4 status=0x0100");
    }

    // ------------------------------------------------------------ 4. child subreapers

    /**
     * kernel/exit.c find_new_reaper: orphans go to the nearest live ancestor in the same pid
     * namespace level marked with prctl(PR_SET_CHILD_SUBREAPER), else to the namespace's init.
     * Chain 1 -> 2 -> 3 -> 4 -> 5; 4 exits; who adopts 5?
     */
    @ParameterizedTest(name = "subreapers [{0}] -> 5 goes to {1}")
    @CsvSource(delimiter = ';', value = {
            "     ; 1",
            "2    ; 2",
            "3    ; 3",
            "2 3  ; 3",
            "4    ; 1",
    })
    void orphansGoToTheNearestSubreaperAncestor(String subreapers, int newParent) {
        Task p = sim.task(1);
        for (int i = 0; i < 4; i++) p = sim.as(p).child("fork");
        if (subreapers != null) {
            for (String s : subreapers.trim().split(" ")) sim.as(Integer.parseInt(s)).ok("prctl PR_SET_CHILD_SUBREAPER 1");
        }
        sim.as(4).ok("exit 0");
        assertThat(sim.as(5).run("getppid")).isEqualTo(Integer.toString(newParent));
    }

    /** The walk stops at the pid namespace's level: an outer subreaper does not take an inner orphan. */
    @Test
    void aSubreaperOutsideTheNamespaceIsNotFound() {
        Task a = sim.as(1).child("fork");
        sim.as(a).ok("prctl PR_SET_CHILD_SUBREAPER 1");
        Task init = sim.as(a).child("clone CLONE_NEWPID|SIGCHLD");
        Task mid = sim.as(init).child("fork");
        Task leaf = sim.as(mid).child("fork");
        sim.as(mid).ok("exit 0");
        assertThat(leaf.group().parent()).isSameAs(init.group());
    }

    /**
     * kernel/sys.c prctl: PR_SET_CHILD_SUBREAPER (36) stores !!arg2 in signal->is_child_subreaper;
     * PR_GET_CHILD_SUBREAPER (37) reports it. Per process (signal_struct); not inherited by fork
     * (copy_signal copies has_child_subreaper only); kept across execve.
     */
    @ParameterizedTest(name = "{0} -> {1}; then GET -> {2}")
    @CsvSource(delimiter = ';', value = {
            "prctl PR_SET_CHILD_SUBREAPER 1   ; 0         ; 0 subreaper=1",
            "prctl PR_SET_CHILD_SUBREAPER 7   ; 0         ; 0 subreaper=1",
            "prctl 36 0x10                    ; 0         ; 0 subreaper=1",
            "prctl PR_SET_CHILD_SUBREAPER 0   ; 0         ; 0 subreaper=0",
            "prctl PR_SET_CHILD_SUBREAPER     ; -1 EINVAL ; 0 subreaper=0",
            "prctl PR_SET_CHILD_SUBREAPER one ; -1 EINVAL ; 0 subreaper=0",
            "prctl PR_GET_CHILD_SUBREAPER 1   ; -1 EINVAL ; 0 subreaper=0",
    })
    void prctlChildSubreaper(String line, String result, String get) {
        Task c = sim.as(1).child("fork");
        Task thread = thread(c);
        assertThat(sim.as(c).run(line)).isEqualTo(result);
        assertThat(sim.as(thread).run("prctl PR_GET_CHILD_SUBREAPER")).isEqualTo(get);
        assertThat(sim.as(1).run("prctl 37")).isEqualTo("0 subreaper=0");
    }

    @Test
    void subreaperIsNotInheritedByForkAndSurvivesExecve() {
        Task c = sim.as(1).child("fork");
        sim.as(c).ok("prctl PR_SET_CHILD_SUBREAPER 1");
        Task child = sim.as(c).child("fork");
        assertThat(sim.as(child).run("prctl PR_GET_CHILD_SUBREAPER")).isEqualTo("0 subreaper=0");
        sim.as(c).ok("execve /usr/sbin/restorer");
        assertThat(sim.as(c).run("prctl PR_GET_CHILD_SUBREAPER")).isEqualTo("0 subreaper=1");
    }

    // ------------------------------------------------------------ 5. a dying namespace init waits

    /**
     * kernel/pid_namespace.c zap_pid_ns_processes: after SIGKILL to every task numbered 2 and up,
     * init reaps its own children and then sleeps until pid_allocated is back to itself, so tasks
     * whose parent is outside the namespace (unshare(CLONE_NEWPID) + fork) keep it from becoming a
     * zombie until that parent reaps them. P (2) unshares; A (3) is the new init; B (4) P's child
     * inside; C (5) A's child.
     */
    @ParameterizedTest(name = "outside child {0}: wait4 A WNOHANG before P reaps B -> {1}")
    @CsvSource(delimiter = ';', value = {
            "true  ; 0                ; S",
            "false ; 3 status=0x0009  ; X",
    })
    void aDyingNamespaceInitWaitsForEveryTaskInIt(boolean outsideChild, String early, char state) {
        Task p = sim.as(1).child("fork");
        sim.as(p).ok("unshare CLONE_NEWPID");
        Task a = sim.as(p).child("fork");
        if (outsideChild) sim.as(p).child("fork");
        Task c = sim.as(a).child("fork");
        sim.as(p).ok("kill 3 SIGKILL");
        assertThat(c.state()).as("init's own children are reaped by it").isEqualTo(TaskState.DEAD);
        assertThat(sim.as(p).run("wait4 3 WNOHANG")).isEqualTo(early);
        assertThat(a.state().letter()).isEqualTo(state);
        if (outsideChild) {
            assertThat(sim.as(p).run("wait4 4 WNOHANG")).isEqualTo("4 status=0x0009");
            assertThat(sim.as(p).run("wait4 3 WNOHANG")).isEqualTo("3 status=0x0009");
        }
        assertThat(a.activePidNs().allocatedCount()).isZero();
    }

    /**
     * kernel/exit.c synchronize_group_exit: the last thread out sets SIGNAL_GROUP_EXIT;
     * kernel/signal.c prepare_signal drops any signal to a group with SIGNAL_GROUP_EXIT ("in the
     * middle of dying"), and kernel/pid_namespace.c zap_pid_ns_processes signals only tasks without
     * a fatal signal pending. So neither the dying namespace's SIGKILL nor an ancestor's SIGKILL to
     * the waiting init rewrites the status of a task that has already exited. P (2) unshares; A (3)
     * is the new init; B (4) P's child inside.
     */
    @ParameterizedTest(name = "{0} -> wait4 B: {1}; wait4 A: {2}")
    @CsvSource(delimiter = ';', value = {
            "B:exit 7 , P:kill 3 SIGKILL          ; 4 status=0x0700 ; 3 status=0x0009",
            "A:exit 0 , P:kill 3 SIGKILL          ; 4 status=0x0009 ; 3 status=0x0000",
            "B:exit 7 , A:exit 3 , P:kill 3 SIGKILL ; 4 status=0x0700 ; 3 status=0x0300",
    })
    void aTaskThatHasExitedKeepsItsStatusThroughTheNamespacesDeath(String steps, String b, String a) {
        Task p = sim.as(1).child("fork");
        sim.as(p).ok("unshare CLONE_NEWPID");
        Task init = sim.as(p).child("fork");
        Task inside = sim.as(p).child("fork");
        runSteps(steps, Map.of("P", p, "A", init, "B", inside));
        assertThat(sim.as(p).run("wait4 4 WNOHANG")).isEqualTo(b);
        assertThat(sim.as(p).run("wait4 3 WNOHANG")).isEqualTo(a);
    }

    // ------------------------------------------------------------ 6. job control

    /**
     * kernel/signal.c get_signal: a stop signal's default action stops the whole group (T) and
     * do_signal_stop reports CLD_STOPPED; wait_task_stopped gives (sig << 8) | 0x7f to WUNTRACED,
     * once. SIGTSTP, SIGTTIN and SIGTTOU "do nothing in an orphaned pgrp, but SIGSTOP always
     * works": every sim task is in init's process group, which is orphaned
     * (kernel/exit.c will_become_orphaned_pgrp: no member has a parent in another group of the
     * session).
     */
    @ParameterizedTest(name = "kill {0} -> {1}, wait4 WUNTRACED: {2}")
    @CsvSource(delimiter = ';', value = {
            "SIGSTOP ; T ; 2 status=0x137f",
            "19      ; T ; 2 status=0x137f",
            "SIGTSTP ; S ; 0",
            "SIGTTIN ; S ; 0",
            "SIGTTOU ; S ; 0",
            "SIGCONT ; S ; 0",
    })
    void stopSignalsStopTheGroupAndAreReportedOnceToWuntraced(String sig, char state, String report) {
        Task c = sim.as(1).child("fork");
        Task thread = thread(c);
        sim.as(1).ok("kill 2 " + sig);
        assertThat(c.state().letter()).isEqualTo(state);
        assertThat(thread.state().letter()).isEqualTo(state);
        assertThat(sim.as(1).run("wait4 2 WNOHANG")).as("without WUNTRACED").isEqualTo("0");
        assertThat(sim.as(1).run("wait4 -1 WUNTRACED|WNOHANG")).isEqualTo(report);
        assertThat(sim.as(1).run("wait4 -1 WUNTRACED|WNOHANG")).as("reported once").isEqualTo("0");
    }

    /**
     * kernel/signal.c prepare_signal: SIGCONT resumes a stopped group at generation time and sets
     * SIGNAL_STOP_CONTINUED; wait_task_continued reports 0xffff to WCONTINUED, once, and a new stop
     * is reported again.
     */
    @Test
    void sigcontResumesAndIsReportedOnceToWcontinued() {
        Task c = sim.as(1).child("fork");
        assertThat(sim.as(1).run("wait4 -1 WCONTINUED|WNOHANG")).as("never stopped").isEqualTo("0");
        sim.as(1).ok("kill 2 SIGSTOP");
        sim.as(1).ok("kill 2 SIGCONT");
        assertThat(c.state()).isEqualTo(TaskState.SLEEPING);
        assertThat(sim.as(1).run("wait4 -1 WUNTRACED|WNOHANG")).as("the stop was continued").isEqualTo("0");
        assertThat(sim.as(1).run("wait4 -1 WCONTINUED|WNOHANG")).isEqualTo("2 status=0xffff");
        assertThat(sim.as(1).run("wait4 -1 WCONTINUED|WNOHANG")).isEqualTo("0");
        sim.as(1).ok("kill 2 SIGSTOP");
        assertThat(sim.as(1).run("wait4 2 WCONTINUED|WUNTRACED|WNOHANG")).isEqualTo("2 status=0x137f");
        sim.as(1).ok("kill 2 SIGSTOP");
        assertThat(sim.as(1).run("wait4 2 WUNTRACED|WNOHANG")).as("already stopped: no new report").isEqualTo("0");
    }

    /**
     * kernel/signal.c complete_signal: SIGKILL wakes a stopped task and kills it; another fatal
     * signal waits (wants_signal is false for a stopped task) and kills once SIGCONT resumes it.
     */
    @ParameterizedTest(name = "stopped, then {0} -> {1}; after SIGCONT wait4 -> {2}")
    @CsvSource(delimiter = ';', value = {
            "SIGKILL           ; Z ; 2 status=0x0009",
            "SIGTERM           ; T ; 2 status=0x000f",
            "SIGTERM SIGHUP    ; T ; 2 status=0x0001",
            "SIGUSR1           ; T ; 2 status=0x000a",
            "SIGCHLD           ; T ; 2 status=0xffff",
    })
    void signalsToAStoppedTask(String sigs, char state, String after) {
        Task c = sim.as(1).child("fork");
        sim.as(1).ok("kill 2 SIGSTOP");
        assertThat(sim.as(1).run("wait4 2 WUNTRACED|WNOHANG")).isEqualTo("2 status=0x137f");
        for (String s : sigs.split(" ")) sim.as(1).ok("kill 2 " + s);
        assertThat(c.state().letter()).isEqualTo(state);
        sim.as(1).ok("kill 2 SIGCONT");
        assertThat(sim.as(1).run("wait4 2 WCONTINUED|WNOHANG")).isEqualTo(after);
    }

    /**
     * A line written for a stopped thread runs at once, as a ptracer's injected syscall does in a
     * job-stopped task (CRIU's parasite), so a checkpoint can ask a stopped subreaper; the stop
     * stays (Deviation from a task running its own code, which Linux does not do while stopped).
     */
    @Test
    void aLineForAStoppedThreadRunsAtOnceAndTheStopStays() {
        Task c = sim.as(1).child("fork");
        sim.as(c).ok("prctl PR_SET_CHILD_SUBREAPER 1");
        sim.as(1).ok("kill 2 SIGSTOP");
        assertThat(sim.as(c).run("prctl PR_GET_CHILD_SUBREAPER")).isEqualTo("0 subreaper=1");
        assertThat(c.state()).isEqualTo(TaskState.STOPPED);
    }

    /**
     * A wait4 blocked when its task is stopped does not return while stopped, even when the child
     * exits (the syscall restarts after SIGCONT, kernel/signal.c get_signal / ERESTARTSYS).
     */
    @Test
    void aBlockedWait4OfAStoppedTaskReturnsOnlyAfterSigcont() throws Exception {
        Task p = sim.as(1).child("fork");
        Task c = sim.as(p).child("fork");
        CompletableFuture<String> waiter = CompletableFuture.supplyAsync(() -> sim.as(p).run("wait4"));
        Thread.sleep(50);
        sim.as(1).ok("kill 2 SIGSTOP");
        sim.as(c).ok("exit 6");
        Thread.sleep(50);
        assertThat(waiter).isNotDone();
        assertThat(c.state()).isEqualTo(TaskState.ZOMBIE);
        sim.as(1).ok("kill 2 SIGCONT");
        assertThat(waiter.get(5, TimeUnit.SECONDS)).isEqualTo("3 status=0x0600");
    }

    /**
     * kernel/signal.c sig_task_ignored: a namespace init (SIGNAL_UNKILLABLE) ignores SIGSTOP unless
     * it comes from an ancestor namespace (force && sig_kernel_only); the global init always.
     */
    @Test
    void initsStopOnlyForSigstopFromAnAncestorNamespace() {
        Task init = sim.as(1).child("clone CLONE_NEWPID|SIGCHLD");
        Task inside = sim.as(init).child("fork");
        sim.as(inside).ok("kill 1 SIGSTOP");
        assertThat(init.state()).isEqualTo(TaskState.SLEEPING);
        sim.as(1).ok("kill 2 SIGSTOP");
        assertThat(init.state()).isEqualTo(TaskState.STOPPED);
        sim.as(inside).ok("kill 1 SIGCONT");
        assertThat(init.state()).as("SIGCONT resumes at generation time").isEqualTo(TaskState.SLEEPING);
        Task other = sim.as(1).child("fork");
        assertThat(sim.as(other).run("kill 1 SIGSTOP")).isEqualTo("0");
        assertThat(sim.task(1).state()).isEqualTo(TaskState.SLEEPING);
        assertThat(sim.as(init).run("kill 2 SIGSTOP")).isEqualTo("0");
        assertThat(inside.state()).isEqualTo(TaskState.STOPPED);
    }

    // ------------------------------------------------------------ 7. kill -1 and permission

    /**
     * kernel/signal.c kill_something_info: kill(-1) counts every process with vnr > 1 outside the
     * caller's group and keeps the last error other than EPERM: 0 when every target refuses, ESRCH
     * only when there is none. __kill_pgrp_info returns 0 if one delivery succeeded, else the last
     * error. check_kill_permission: a process may always signal its own group; SIGCONT also within
     * the session. Task 2 (uid 1000) makes 3 and 4 (uid 1000); 5 is root's.
     */
    @ParameterizedTest(name = "{0}: {1} -> {2}, killed {3}")
    @CsvSource(delimiter = ';', value = {
            "5 ; kill -1 SIGTERM  ; 0         ; ",
            "5 ; kill -1 65       ; -1 EINVAL ; ",
            "2 ; kill -1 SIGTERM  ; 0         ; 3 4",
            "2 ; kill 0 SIGTERM   ; 0         ; 2 3 4",
            "2 ; kill -1 0        ; 0         ; ",
            "2 ; kill 5 SIGTERM   ; -1 EPERM  ; ",
            "2 ; kill 1 SIGTERM   ; -1 EPERM  ; ",
            "2 ; kill 2 SIGTERM   ; 0         ; 2",
            "2 ; kill 5 SIGCONT   ; 0         ; ",
    })
    void killPermissionAndBroadcast(int caller, String line, String result, String killed) {
        Task two = sim.as(1).child("fork");
        sim.as(two).child("fork");
        sim.as(two).child("fork");
        sim.as(1).child("fork");
        sim.as(two).ok("setuid 1000");
        sim.as(3).ok("setuid 1000");
        sim.as(4).ok("setuid 1000");
        if (caller == 5) sim.as(5).ok("setuid 2000");
        assertThat(sim.as(caller).run(line)).isEqualTo(result);
        String dead = killed == null ? "" : killed.trim();
        StringBuilder got = new StringBuilder();
        for (int pid = 2; pid <= 5; pid++) {
            if (sim.task(pid).exited()) got.append(got.length() == 0 ? "" : " ").append(pid);
        }
        assertThat(got.toString()).isEqualTo(dead);
    }

    /**
     * kernel/signal.c kill_pid_info finds the task a pid names (pid_task(pid, PIDTYPE_PID), a
     * thread when it is a tid), and check_kill_permission -> kill_ok_by_cred compares the sender
     * with that task's own credentials (__task_cred(t)), not its leader's. C (2, root) has a thread
     * T (3) whose uids are 1000; U (4) is uid 1000 without capabilities.
     */
    @ParameterizedTest(name = "U: kill {0} SIGTERM -> {1}, C killed {2}")
    @CsvSource(delimiter = ';', value = {
            "3 ; 0        ; true",
            "2 ; -1 EPERM ; false",
    })
    void killPermissionLooksAtTheNamedThreadsCredentials(int target, String result, boolean killed) {
        Task c = sim.as(1).child("fork");
        Task t = thread(c);
        sim.as(t).ok("setuid 1000");
        Task u = sim.as(1).child("fork");
        sim.as(u).ok("setuid 1000");
        assertThat(c.creds().uid()).isZero();
        assertThat(sim.as(u).run("kill " + target + " SIGTERM")).isEqualTo(result);
        assertThat(c.exited()).isEqualTo(killed);
    }

    @Test
    void killMinusOneWithNoTargetIsEsrch() {
        assertThat(sim.as(1).run("kill -1 SIGTERM")).isEqualTo("-1 ESRCH");
        assertThat(sim.as(1).run("kill -1 65")).isEqualTo("-1 ESRCH");
    }

    // ------------------------------------------------------------ 8. which error comes first

    /**
     * kernel/signal.c: kill_proc_info finds the task before check_kill_permission validates the
     * signal (ESRCH before EINVAL); kill_something_info refuses INT_MIN with ESRCH. kernel/exit.c
     * kernel_wait4: options are checked first (EINVAL), then upid == INT_MIN is ESRCH, then a
     * missing pid or process group is ECHILD.
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
            "kill 999 65                 ; -1 ESRCH",
            "kill 999 -1                 ; -1 ESRCH",
            "kill 2 65                   ; -1 EINVAL",
            "kill -2147483648 SIGKILL    ; -1 ESRCH",
            "kill -2147483648 65         ; -1 ESRCH",
            "kill -999 65                ; -1 ESRCH",
            "kill -1 65                  ; -1 EINVAL",
            "kill 0 65                   ; -1 EINVAL",
            "wait4 -2147483648 WNOHANG   ; -1 ESRCH",
            "wait4 -2147483648 0x4       ; -1 EINVAL",
            "wait4 -999 WNOHANG          ; -1 ECHILD",
            "wait4 999 WNOHANG           ; -1 ECHILD",
            "wait4 -1 WNOHANG            ; 0",
    })
    void theKernelsCheckOrder(String line, String expected) {
        sim.as(1).child("fork");
        assertThat(sim.as(1).run(line)).isEqualTo(expected);
        assertThat(sim.task(2).exited()).isFalse();
    }
}
