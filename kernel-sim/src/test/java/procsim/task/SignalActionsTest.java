package procsim.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import procsim.abi.Signals;
import procsim.kernel.Sim;

/**
 * Signal actions (rt_sigaction) and what they do to delivery, checked against Linux 6.18's
 * kernel/signal.c (do_sigaction, sig_task_ignored, prepare_signal, get_signal, do_notify_parent),
 * kernel/fork.c copy_sighand and fs/exec.c (flush_signal_handlers). Each case cites the function.
 */
class SignalActionsTest {
    private static final String DFL = "0 handler=SIG_DFL flags=0x0";
    private final Sim sim = new Sim();

    private String action(Task t, String sig) {
        return sim.as(t).run("rt_sigaction " + sig);
    }

    // ------------------------------------------------------------ do_sigaction

    /**
     * do_sigaction: EINVAL for a signal out of 1..64 and for a new action of SIGKILL or SIGSTOP
     * (sig_kernel_only; reading theirs is allowed); the old action comes back; sa_flags keeps
     * UAPI_SA_FLAGS only (SA_UNSUPPORTED, 0x400, is cleared so userspace can detect it).
     */
    @ParameterizedTest(name = "rt_sigaction {0} -> {1}")
    @CsvSource(delimiter = ';', value = {
            "SIGUSR1                                    ; 0 handler=SIG_DFL flags=0x0",
            "SIGUSR1 0x401000 SA_RESTART|SA_SIGINFO     ; 0 handler=SIG_DFL flags=0x0",
            "SIGKILL                                    ; 0 handler=SIG_DFL flags=0x0",
            "SIGKILL SIG_IGN                            ; -1 EINVAL",
            "SIGSTOP SIG_DFL                            ; -1 EINVAL",
            "0                                          ; -1 EINVAL",
            "65                                         ; -1 EINVAL",
            "64 SIG_IGN                                 ; 0 handler=SIG_DFL flags=0x0",
            "SIGUSR1 SIG_IGN SA_BOGUS                   ; -1 EINVAL",
            "SIGUSR1 SIG_IGN 0 extra                    ; -1 EINVAL",
    })
    void rtSigactionChecksAndReturnsTheOldAction(String args, String reply) {
        assertThat(sim.as(1).run("rt_sigaction " + args)).isEqualTo(reply);
    }

    @Test
    void theNewActionIsReadBackWithOnlyTheFlagsLinuxKnows() {
        Task c = sim.as(1).child("fork");
        sim.as(c).ok("rt_sigaction SIGUSR1 0x401000 SA_RESTART|SA_SIGINFO|0x400");
        assertThat(sim.as(c).run("rt_sigaction SIGUSR1 SIG_IGN")).isEqualTo("0 handler=0x401000 flags=0x10000004");
        assertThat(action(c, "SIGUSR1")).isEqualTo("0 handler=SIG_IGN flags=0x0");
        assertThat(c.group().sighand().ignored()).isEqualTo(Signals.bit(Signals.SIGUSR1));
        assertThat(c.group().sighand().caught()).isZero();
        assertThat(sim.task(1).group().sighand().ignored()).as("the caller's process only").isZero();
    }

    // ------------------------------------------------------------ delivery

    /**
     * prepare_signal's sig_ignored drops an ignored signal (SIG_IGN, or SIG_DFL of an
     * ignore-by-default one); get_signal gives a caught one to its handler, which the sim runs
     * none of: the process lives on, neither killed nor stopped.
     */
    @ParameterizedTest(name = "{0} set to {1}, then kill {0} -> {2}")
    @CsvSource(delimiter = ';', value = {
            "SIGTERM ; SIG_DFL  ; Z",
            "SIGTERM ; SIG_IGN  ; S",
            "SIGTERM ; 0x401000 ; S",
            "SIGTSTP ; SIG_DFL  ; S",
            "SIGUSR2 ; 0x401000 ; S",
            "SIGCHLD ; 0x401000 ; S",
            "40      ; SIG_DFL  ; Z",
            "40      ; 0x401000 ; S",
    })
    void aCaughtOrIgnoredSignalLeavesTheProcessAlive(String sig, String handler, char state) {
        Task c = sim.as(1).child("fork");
        sim.as(c).ok("rt_sigaction " + sig + " " + handler);
        sim.as(1).ok("kill 2 " + sig);
        assertThat(c.state().letter()).isEqualTo(state);
    }

    /** A caught stop signal stops nothing (get_signal reaches do_signal_stop only for SIG_DFL). */
    @Test
    void aCaughtStopSignalDoesNotStop() {
        Task c = sim.as(1).child("fork");
        sim.as(c).ok("rt_sigaction SIGTTIN 0x401000");
        sim.as(1).ok("kill 2 SIGTTIN");
        assertThat(c.group().isStopped()).isFalse();
    }

    /**
     * get_signal: SA_ONESHOT (SA_RESETHAND) puts SIG_DFL back as the handler takes the signal;
     * sa_flags stay as they were (only sa_handler is written).
     */
    @Test
    void resethandCatchesOnceThenTheDefaultKills() {
        Task c = sim.as(1).child("fork");
        sim.as(c).ok("rt_sigaction SIGUSR1 0x401000 SA_RESETHAND|SA_RESTART");
        sim.as(1).ok("kill 2 SIGUSR1");
        assertThat(c.state()).isEqualTo(TaskState.SLEEPING);
        assertThat(action(c, "SIGUSR1")).isEqualTo("0 handler=SIG_DFL flags=0x90000000");
        sim.as(1).ok("kill 2 SIGUSR1");
        assertThat(sim.as(1).run("wait4 2")).isEqualTo("2 status=0x000a");
    }

    /**
     * sig_task_ignored: a namespace init (SIGNAL_UNKILLABLE) ignores a signal only while its
     * handler is SIG_DFL; one it catches reaches the handler (SA_RESETHAND shows it did).
     */
    @Test
    void aNamespaceInitGetsTheSignalsItCatches() {
        Task init = sim.as(1).child("clone CLONE_NEWPID");
        sim.as(1).ok("kill 2 SIGUSR1");
        assertThat(init.state()).as("SIG_DFL: ignored").isEqualTo(TaskState.SLEEPING);
        sim.as(init).ok("rt_sigaction SIGUSR1 0x401000 SA_RESETHAND");
        sim.as(1).ok("kill 2 SIGUSR1");
        assertThat(action(init, "SIGUSR1")).as("taken by the handler").isEqualTo("0 handler=SIG_DFL flags=0x80000000");
        assertThat(init.state()).isEqualTo(TaskState.SLEEPING);
    }

    /**
     * A stopped group dequeues nothing: a caught signal waits in shared_pending (status ShdPnd)
     * until SIGCONT, and SIG_IGN set meanwhile discards it (do_sigaction's POSIX 3.3.1.3 flush).
     * prepare_signal: SIGCONT discards pending stop signals, a stop signal a pending SIGCONT.
     */
    @Test
    void aStoppedGroupKeepsSignalsPendingUntilSigcont() {
        Task c = sim.as(1).child("fork");
        sim.as(c).ok("rt_sigaction SIGUSR1 0x401000 SA_RESETHAND");
        sim.as(c).ok("rt_sigaction SIGCONT 0x402000");
        sim.as(1).ok("kill 2 SIGSTOP");
        sim.as(1).ok("kill 2 SIGUSR1");
        sim.as(1).ok("kill 2 SIGTERM");
        sim.as(1).ok("kill 2 SIGSTOP");
        assertThat(c.group().pendingSignals()).isEqualTo(Signals.bit(Signals.SIGUSR1)
                | Signals.bit(Signals.SIGTERM) | Signals.bit(Signals.SIGSTOP));
        assertThat(action(c, "SIGUSR1")).as("not yet taken").isEqualTo("0 handler=0x401000 flags=0x80000000");
        sim.as(c).ok("rt_sigaction SIGTERM SIG_IGN");
        assertThat(c.group().pendingSignals()).isEqualTo(Signals.bit(Signals.SIGUSR1) | Signals.bit(Signals.SIGSTOP));
        sim.as(1).ok("kill 2 SIGCONT");
        assertThat(c.group().pendingSignals()).isZero();
        assertThat(c.group().isStopped()).as("the pending SIGSTOP went with SIGCONT").isFalse();
        assertThat(action(c, "SIGUSR1")).as("taken after SIGCONT").isEqualTo("0 handler=SIG_DFL flags=0x80000000");
        assertThat(c.state()).isEqualTo(TaskState.SLEEPING);
    }

    /**
     * get_signal: a namespace init's default action is taken for SIGKILL and SIGSTOP only
     * (SIGNAL_UNKILLABLE): a SIGTERM it caught when sent, pending while it was stopped, is dropped
     * once its handler is SIG_DFL again (here by execve, written to the stopped init's file).
     */
    @Test
    void aNamespaceInitDropsAPendingSignalWhoseHandlerWasReset() {
        Task init = sim.as(1).child("clone CLONE_NEWPID");
        sim.as(init).ok("rt_sigaction SIGTERM 0x401000");
        sim.as(1).ok("kill 2 SIGSTOP");
        sim.as(1).ok("kill 2 SIGTERM");
        assertThat(init.group().pendingSignals()).isEqualTo(Signals.bit(Signals.SIGTERM));
        sim.as(init).ok("execve /sbin/init");
        sim.as(1).ok("kill 2 SIGCONT");
        assertThat(init.state()).isEqualTo(TaskState.SLEEPING);
        assertThat(init.group().pendingSignals()).isZero();
    }

    // ------------------------------------------------------------ fork, threads, execve

    /**
     * copy_sighand: fork copies the actions, CLONE_SIGHAND (and so every thread) shares them,
     * CLONE_CLEAR_SIGHAND resets handlers to SIG_DFL but keeps SIG_IGN (flush_signal_handlers(p, 0)).
     */
    @ParameterizedTest(name = "{0}: the child's SIGUSR1 {1}, SIGHUP {2}; the parent's change seen: {3}")
    @CsvSource(delimiter = ';', value = {
            "fork                                            ; 0x401000 ; SIG_IGN ; false",
            "clone3 flags=CLONE_CLEAR_SIGHAND exit_signal=17 ; SIG_DFL  ; SIG_IGN ; false",
            "clone CLONE_VM|CLONE_SIGHAND|SIGCHLD            ; 0x401000 ; SIG_IGN ; true",
            "clone CLONE_VM|CLONE_SIGHAND|CLONE_THREAD       ; 0x401000 ; SIG_IGN ; true",
    })
    void cloneCopiesSharesOrClearsTheActions(String clone, String usr1, String hup, boolean shared) {
        Task p = sim.as(1).child("fork");
        sim.as(p).ok("rt_sigaction SIGUSR1 0x401000 SA_RESTART");
        sim.as(p).ok("rt_sigaction SIGHUP SIG_IGN");
        Task c = sim.as(p).child(clone);
        assertThat(action(c, "SIGUSR1")).startsWith("0 handler=" + usr1 + " ");
        assertThat(action(c, "SIGHUP")).startsWith("0 handler=" + hup + " ");
        sim.as(p).ok("rt_sigaction SIGUSR2 0x403000");
        assertThat(action(c, "SIGUSR2").startsWith("0 handler=0x403000 ")).isEqualTo(shared);
    }

    /** begin_new_exec: flush_signal_handlers(me, 0): handlers back to SIG_DFL, SIG_IGN kept, flags 0. */
    @Test
    void execveResetsHandlersAndKeepsIgnoredSignals() {
        Task c = sim.as(1).child("fork");
        sim.as(c).ok("rt_sigaction SIGUSR1 0x401000 SA_RESTART");
        sim.as(c).ok("rt_sigaction SIGHUP SIG_IGN SA_RESTART");
        sim.as(c).ok("execve /bin/true");
        assertThat(action(c, "SIGUSR1")).isEqualTo(DFL);
        assertThat(action(c, "SIGHUP")).isEqualTo("0 handler=SIG_IGN flags=0x0");
    }

    // ------------------------------------------------------------ do_notify_parent

    /**
     * do_notify_parent sends the child's exit signal to its parent: SIGUSR1's default action kills
     * a parent that neither catches nor ignores it; if the parent thread exec'd since the fork
     * (parent_exec_id differs) SIGCHLD goes instead.
     */
    @ParameterizedTest(name = "parent {0}: after the SIGUSR1 child's exit the parent is {1}")
    @CsvSource(delimiter = ';', value = {
            "-                               ; Z",
            "rt_sigaction SIGUSR1 0x401000   ; S",
            "rt_sigaction SIGUSR1 SIG_IGN    ; S",
            "execve /bin/sh                  ; S",
    })
    void theExitSignalGoesToTheParent(String parentStep, char parentState) {
        Task p = sim.as(1).child("fork");
        Task c = sim.as(p).child("clone SIGUSR1");
        if (!parentStep.equals("-")) sim.as(p).ok(parentStep);
        sim.as(c).ok("exit 3");
        assertThat(p.state().letter()).isEqualTo(parentState);
        if (parentState == 'Z') {
            assertThat(sim.as(1).run("wait4 2")).isEqualTo("2 status=0x000a");
            assertThat(sim.as(1).run("wait4 3 __WALL")).as("the orphan went to init").isEqualTo("3 status=0x0300");
        }
    }

    /**
     * do_notify_parent: a parent whose SIGCHLD is SIG_IGN, or has SA_NOCLDWAIT, reaps a SIGCHLD
     * child at once (wait4 then ECHILD); a child with another exit signal stays a zombie.
     */
    @ParameterizedTest(name = "SIGCHLD {0}, child {1} -> after exit wait4 says {2}")
    @CsvSource(delimiter = ';', value = {
            "SIG_IGN                  ; fork          ; -1 ECHILD",
            "SIG_DFL SA_NOCLDWAIT     ; fork          ; -1 ECHILD",
            "0x401000 SA_NOCLDWAIT    ; fork          ; -1 ECHILD",
            "0x401000                 ; fork          ; 3 status=0x0500",
            "SIG_IGN                  ; clone SIGUSR2 ; 3 status=0x0500",
    })
    void aParentIgnoringSigchldReapsAtOnce(String action, String clone, String waited) {
        Task p = sim.as(1).child("fork");
        sim.as(p).ok("rt_sigaction SIGUSR2 SIG_IGN");
        sim.as(p).ok("rt_sigaction SIGCHLD " + action);
        Task c = sim.as(p).child(clone);
        sim.as(c).ok("exit 5");
        assertThat(sim.as(p).run("wait4 -1 __WALL")).isEqualTo(waited);
        assertThat(sim.as(1).run("kill 3 0")).as("pid 3 is free").isEqualTo("-1 ESRCH");
    }

    /** __wake_up_parent: a wait4 blocked on a child that is reaped at once returns ECHILD. */
    @Test
    void aBlockedWaitEndsWithEchildWhenItsLastChildIsReapedAtOnce() throws Exception {
        Task p = sim.as(1).child("fork");
        sim.as(p).ok("rt_sigaction SIGCHLD SIG_IGN");
        Task c = sim.as(p).child("fork");
        CompletableFuture<String> waiter = CompletableFuture.supplyAsync(() -> sim.as(p).run("wait4"));
        Thread.sleep(50);
        assertThat(waiter).isNotDone();
        sim.as(c).ok("exit 0");
        assertThat(waiter.get(5, TimeUnit.SECONDS)).isEqualTo("-1 ECHILD");
    }

    /**
     * kill_something_info (kill -1) and zap_pid_ns_processes signal every victim before any
     * exits (complete_signal marks each SIGNAL_GROUP_EXIT): a victim child's SIGUSR1 exit signal
     * to its victim parent is dropped, so each dies of SIGKILL whatever their pid order.
     */
    @Test
    void killMinusOneKillsEveryVictimBeforeAnyExitSignalActs() {
        sim.as(1).child("clone3 exit_signal=SIGCHLD set_tid=10");
        Task p = sim.task(10);
        sim.as(p).child("clone3 exit_signal=SIGUSR1 set_tid=5");
        sim.as(1).ok("kill -1 SIGKILL");
        assertThat(sim.as(1).run("wait4 10")).isEqualTo("10 status=0x0009");
        assertThat(sim.as(1).run("wait4 5 __WALL")).isEqualTo("5 status=0x0009");
    }

    /**
     * zap_pid_ns_processes sets the dying init's SIGCHLD to SIG_IGN (status's SigIgn shows it
     * while it waits for a victim whose parent is outside the namespace).
     */
    @Test
    void aDyingNamespaceInitIgnoresSigchld() {
        Task outside = sim.as(1).child("fork");
        sim.as(outside).ok("unshare CLONE_NEWPID");
        Task init = sim.as(outside).child("fork");
        sim.as(outside).child("fork");
        sim.as(init).ok("exit 0");
        assertThat(init.group().zapWaiter()).as("waits for the outsider's child").isNotNull();
        assertThat(init.group().sighand().ignored()).isEqualTo(Signals.bit(Signals.SIGCHLD));
    }

    /**
     * A handler's signal ends the syscall its thread is blocked in: msgrcv with EINTR whatever
     * SA_RESTART says (ipc/msg.c -ERESTARTNOHAND), wait4 with EINTR, or restarted with SA_RESTART
     * (kernel/exit.c do_wait -ERESTARTSYS); one taken before the call began ends nothing.
     */
    @ParameterizedTest(name = "{0} blocked, SIGUSR1 caught with flags {1} -> {2}")
    @CsvSource(delimiter = ';', value = {
            "msgrcv Q 0 ; 0          ; -1 EINTR",
            "msgrcv Q 0 ; SA_RESTART ; -1 EINTR",
            "wait4      ; 0          ; -1 EINTR",
            "wait4      ; SA_RESTART ; restarted",
    })
    void aCaughtSignalEndsTheBlockedSyscall(String call, String flags, String outcome) throws Exception {
        Task p = sim.as(1).child("fork");
        Task c = sim.as(p).child("fork");
        String q = sim.as(p).run("msgget IPC_PRIVATE 0600");
        sim.as(p).ok("rt_sigaction SIGUSR1 0x401000 " + flags);
        sim.as(1).ok("kill 2 SIGUSR1"); // taken before the call: it ends nothing
        AtomicReference<String> reply = new AtomicReference<>();
        Thread blocked = sim.blocked(p, call.strip().replace("Q", q), reply);
        sim.as(1).ok("kill 2 SIGUSR1");
        if (outcome.equals("restarted")) {
            waitUntilBlockedAgain(blocked);
            assertThat(reply.get()).isNull();
            sim.as(c).ok("exit 4");
            blocked.join(5000);
            assertThat(reply.get()).isEqualTo("3 status=0x0400");
        } else {
            blocked.join(5000);
            assertThat(reply.get()).isEqualTo(outcome);
        }
        assertThat(p.state()).isEqualTo(TaskState.SLEEPING);
    }

    /** The thread sleeps again (the kernel's poll wakes it every 100 ms, so twice is enough). */
    private static void waitUntilBlockedAgain(Thread th) throws InterruptedException {
        Thread.sleep(250);
        assertThat(th.getState()).isEqualTo(Thread.State.TIMED_WAITING);
    }

    /**
     * do_wait looks again after a wake-up before it answers -ERESTARTSYS: a parent catching
     * SIGCHLD (no SA_RESTART) blocked in wait4 gets the child whose exit sent it, not EINTR.
     */
    @Test
    void aBlockedWaitGetsTheChildWhoseSigchldItsHandlerTook() throws Exception {
        Task p = sim.as(1).child("fork");
        Task c = sim.as(p).child("fork");
        sim.as(p).ok("rt_sigaction SIGCHLD 0x401000");
        AtomicReference<String> reply = new AtomicReference<>();
        Thread blocked = sim.blocked(p, "wait4 -1", reply);
        sim.as(c).ok("exit 3");
        blocked.join(5000);
        assertThat(reply.get()).isEqualTo("3 status=0x0300");
    }

    /**
     * What was the sleeper's when the handler's signal came is its (pipelined_send hands a message
     * to a waiting receiver, update_queue applies a waiting semop): msgrcv and semop then succeed;
     * msgsnd looks at signal_pending first (do_msgsnd), so it ends with EINTR though room was made.
     */
    @ParameterizedTest(name = "{0} blocked; {1}, then a caught SIGUSR1 -> {2}")
    @CsvSource(delimiter = ';', value = {
            "msgrcv Q 0   ; msgsnd Q 1 hello  ; 5 mtype=1 text=hello",
            "semop S 0:-1 ; semop S 0:1       ; 0",
            "msgsnd Q 2 b ; msgrcv Q 0        ; -1 EINTR",
    })
    void whatWasAlreadyTheSleepersIsTaken(String call, String other, String outcome) throws Exception {
        Task p = sim.as(1).child("fork");
        String q = sim.as(1).run("msgget IPC_PRIVATE 0666");
        String sem = sim.as(1).run("semget IPC_PRIVATE 1 0666");
        if (call.startsWith("msgsnd")) {
            sim.as(1).ok("msgctl " + q + " IPC_SET qbytes=1");
            sim.as(1).ok("msgsnd " + q + " 1 a");
        }
        sim.as(p).ok("rt_sigaction SIGUSR1 0x401000");
        AtomicReference<String> reply = new AtomicReference<>();
        Thread blocked = sim.blocked(p, call.strip().replace("Q", q).replace("S", sem), reply);
        sim.kernel.write(() -> { // both under one hold of the (reentrant) lock: the sleeper cannot run between them
            sim.as(1).run(other.strip().replace("Q", q).replace("S", sem));
            sim.as(1).run("kill 2 SIGUSR1");
            return null;
        });
        blocked.join(5000);
        assertThat(reply.get()).isEqualTo(outcome);
    }

    /** complete_signal tries the thread kill named first: a caught signal to a tid ends that thread's msgrcv. */
    @Test
    void aSignalToATidEndsThatThreadsBlockedCall() throws Exception {
        Task p = sim.as(1).child("fork");
        Task thread = sim.as(p).child("clone CLONE_VM|CLONE_THREAD|CLONE_SIGHAND");
        String q = sim.as(p).run("msgget IPC_PRIVATE 0600");
        sim.as(p).ok("rt_sigaction SIGUSR1 0x401000");
        AtomicReference<String> reply = new AtomicReference<>();
        Thread blocked = sim.blocked(thread, "msgrcv " + q + " 0", reply);
        sim.as(1).ok("kill " + thread.tid() + " SIGUSR1");
        blocked.join(5000);
        assertThat(reply.get()).isEqualTo("-1 EINTR");
    }

    /**
     * signal(7): after a stop and SIGCONT, semop fails with EINTR (do_semtimedop's -EINTR is no
     * restart code); msgrcv is restarted (-ERESTARTNOHAND without a handler): it goes on waiting.
     */
    @ParameterizedTest(name = "{0} blocked, SIGSTOP then SIGCONT -> {1}")
    @CsvSource({"semop S 0:-1, -1 EINTR", "msgrcv Q 0, 1 mtype=1 text=x"})
    void aStopAndContinueEndsASemopButNotAMsgrcv(String call, String outcome) throws Exception {
        Task p = sim.as(1).child("fork");
        String q = sim.as(1).run("msgget IPC_PRIVATE 0666");
        String sem = sim.as(1).run("semget IPC_PRIVATE 1 0666");
        AtomicReference<String> reply = new AtomicReference<>();
        Thread blocked = sim.blocked(p, call.replace("Q", q).replace("S", sem), reply);
        sim.as(1).ok("kill 2 SIGSTOP");
        sim.as(1).ok("kill 2 SIGCONT");
        if (call.startsWith("msgrcv")) {
            waitUntilBlockedAgain(blocked);
            assertThat(reply.get()).isNull();
            sim.as(1).ok("msgsnd " + q + " 1 x");
        }
        blocked.join(5000);
        assertThat(reply.get()).isEqualTo(outcome);
    }
}
