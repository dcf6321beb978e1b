package procsim.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import procsim.abi.Signals;
import procsim.kernel.Sim;

/**
 * Signal masks (rt_sigprocmask) and thread-directed signals (tkill, tgkill) and what they do to
 * delivery, checked against Linux 6.18's kernel/signal.c (sys_rt_sigprocmask, sigprocmask,
 * sig_ignored, legacy_queue, complete_signal's wants_signal, get_signal's dequeue_signal,
 * do_tkill, do_send_specific, do_sigtimedwait) and kernel/fork.c (dup_task_struct copies blocked).
 */
class SignalMaskTest {
    private final Sim sim = new Sim();

    private static long bits(int... sigs) {
        long m = 0;
        for (int s : sigs) m |= Signals.bit(s);
        return m;
    }

    /**
     * sys_rt_sigprocmask: the old mask comes back; SIGKILL and SIGSTOP are taken out of the set
     * (sigdelsetmask) with no error; sigprocmask's unknown how is EINVAL, but only with a set (a
     * read alone never looks at how).
     */
    @ParameterizedTest(name = "rt_sigprocmask {0} -> {1}, then mask {2}")
    @CsvSource(delimiter = ';', value = {
            "SIG_BLOCK SIGUSR1|SIGTERM           ; 0 oldset=0x0 ; 0x4200",
            "SIG_SETMASK 0x4200                  ; 0 oldset=0x0 ; 0x4200",
            "0 SIGKILL|SIGSTOP|SIGUSR2           ; 0 oldset=0x0 ; 0x800",
            "SIG_SETMASK -1                      ; 0 oldset=0x0 ; 0xfffffffffffbfeff",
            "SIG_BLOCK SIGRTMAX                  ; 0 oldset=0x0 ; 0x8000000000000000",
            "SIG_SETMASK 0x8000000000000000      ; 0 oldset=0x0 ; 0x8000000000000000",
            "SIG_SETMASK 0xffffffffffffffff      ; 0 oldset=0x0 ; 0xfffffffffffbfeff",
            "SIG_SETMASK 0x10000000000000000     ; -1 EINVAL    ; 0x0",
            "SIG_SETMASK 077|SIGRTMIN            ; 0 oldset=0x0 ; 0x20000003f",
            "SIG_SETMASK +5                      ; -1 EINVAL    ; 0x0",
            "SIG_SETMASK 0x                      ; -1 EINVAL    ; 0x0",
            "SIG_UNBLOCK SIGUSR1                 ; 0 oldset=0x0 ; 0x0",
            "3 SIGUSR1                           ; -1 EINVAL    ; 0x0",
            "3                                   ; 0 oldset=0x0 ; 0x0",
            "SIG_BLOCK SIGBOGUS                  ; -1 EINVAL    ; 0x0",
            "SIG_BLOCK SIGUSR1 extra             ; -1 EINVAL    ; 0x0",
    })
    void rtSigprocmaskChecksAndReturnsTheOldMask(String args, String reply, String mask) {
        Task c = sim.as(1).child("fork");
        assertThat(sim.as(c).run("rt_sigprocmask " + args)).isEqualTo(reply);
        assertThat(c.blocked()).isEqualTo(Long.parseUnsignedLong(mask.substring(2), 16));
    }

    @Test
    void blockUnblockAndSetmaskChangeTheCallersThreadAlone() {
        Task c = sim.as(1).child("fork");
        Task th = sim.as(c).child("clone CLONE_VM|CLONE_SIGHAND|CLONE_THREAD");
        sim.as(c).ok("rt_sigprocmask SIG_BLOCK SIGUSR1|SIGHUP");
        assertThat(sim.as(c).run("rt_sigprocmask SIG_UNBLOCK SIGHUP|SIGINT")).isEqualTo("0 oldset=0x201");
        assertThat(sim.as(c).run("rt_sigprocmask SIG_BLOCK")).isEqualTo("0 oldset=0x200");
        assertThat(th.blocked()).as("another thread's mask").isZero();
    }

    /** dup_task_struct copies blocked to a forked child and a new thread; execve keeps it (and what is pending). */
    @Test
    void forkAndThreadsInheritTheMaskAndExecveKeepsIt() {
        Task p = sim.as(1).child("fork");
        sim.as(p).ok("rt_sigprocmask SIG_BLOCK SIGTERM");
        Task c = sim.as(p).child("fork");
        Task th = sim.as(p).child("clone CLONE_VM|CLONE_SIGHAND|CLONE_THREAD");
        assertThat(c.blocked()).isEqualTo(bits(Signals.SIGTERM));
        assertThat(th.blocked()).isEqualTo(bits(Signals.SIGTERM));
        sim.as(1).ok("kill " + c.tid() + " SIGTERM");
        sim.as(c).ok("execve /bin/true");
        assertThat(c.blocked()).isEqualTo(bits(Signals.SIGTERM));
        assertThat(c.group().pendingSignals()).isEqualTo(bits(Signals.SIGTERM));
    }

    /**
     * A blocked fatal signal stays pending (shared_pending, status ShdPnd): the process lives
     * until it unblocks it, then the default action kills it with that signal.
     */
    @Test
    void aBlockedSignalWaitsUntilUnblocked() {
        Task c = sim.as(1).child("fork");
        sim.as(c).ok("rt_sigprocmask SIG_BLOCK SIGTERM");
        sim.as(1).ok("kill 2 SIGTERM");
        assertThat(c.state()).isEqualTo(TaskState.SLEEPING);
        assertThat(c.group().pendingSignals()).isEqualTo(bits(Signals.SIGTERM));
        sim.as(c).ok("rt_sigprocmask SIG_UNBLOCK SIGUSR1");
        assertThat(c.state()).as("still blocked").isEqualTo(TaskState.SLEEPING);
        sim.as(c).ok("rt_sigprocmask SIG_SETMASK 0");
        assertThat(sim.as(1).run("wait4 2 WNOHANG")).isEqualTo("2 status=0x000f");
    }

    /**
     * sig_ignored: a blocked signal is never ignored when sent ("the signal handler may change by
     * the time it is unblocked"): SIG_IGN and an ignore-by-default SIG_DFL queue it too; get_signal
     * drops it when dequeued, unless a handler was set meanwhile.
     */
    @ParameterizedTest(name = "{0} {1} blocked, then {2} -> pending {3}; unblocked: handler taken {4}")
    @CsvSource(delimiter = ';', value = {
            "SIGUSR1 ; SIG_IGN ; -                      ; true ; false",
            "SIGCHLD ; SIG_DFL ; -                      ; true ; false",
            "SIGUSR1 ; SIG_IGN ; 0x401000 SA_RESETHAND  ; true ; true",
    })
    void aBlockedIgnoredSignalIsQueued(String sig, String handler, String later, boolean pending, boolean taken) {
        Task c = sim.as(1).child("fork");
        sim.as(c).ok("rt_sigaction " + sig + " " + handler);
        sim.as(c).ok("rt_sigprocmask SIG_BLOCK " + sig);
        sim.as(1).ok("kill 2 " + sig);
        assertThat(c.group().pendingSignals() != 0).isEqualTo(pending);
        if (!later.equals("-")) sim.as(c).ok("rt_sigaction " + sig + " " + later);
        sim.as(c).ok("rt_sigprocmask SIG_SETMASK 0");
        assertThat(c.group().pendingSignals()).isZero();
        assertThat(c.state()).isEqualTo(TaskState.SLEEPING);
        assertThat(c.handlerRuns()).isEqualTo(taken ? 1 : 0);
    }

    /**
     * legacy_queue: a signal below SIGRTMIN already pending is not queued again: two SIGUSR1 sent
     * while blocked are one, which a one-shot handler takes, so the second cannot kill.
     */
    @Test
    void aSecondPendingSignalOfAKindMerges() {
        Task c = sim.as(1).child("fork");
        sim.as(c).ok("rt_sigaction SIGUSR1 0x401000 SA_RESETHAND");
        sim.as(c).ok("rt_sigprocmask SIG_BLOCK SIGUSR1");
        sim.as(1).ok("kill 2 SIGUSR1");
        sim.as(1).ok("kill 2 SIGUSR1");
        sim.as(c).ok("rt_sigprocmask SIG_UNBLOCK SIGUSR1");
        assertThat(c.state()).isEqualTo(TaskState.SLEEPING);
        assertThat(sim.as(c).run("rt_sigaction SIGUSR1")).isEqualTo("0 handler=SIG_DFL flags=0x80000000");
    }

    /**
     * complete_signal: a process's signal goes to a thread that does not block it (wants_signal);
     * a fatal one kills the whole group though the thread it was sent to blocks it; a caught one
     * ends that other thread's blocked msgrcv, not the blocking thread's.
     */
    @Test
    void aThreadThatDoesNotBlockTakesTheProcesssSignal() throws Exception {
        Task c = sim.as(1).child("fork");
        sim.as(c).ok("rt_sigaction SIGUSR1 0x401000");
        sim.as(c).ok("rt_sigprocmask SIG_BLOCK SIGUSR1|SIGTERM");
        Task th = sim.as(c).child("clone CLONE_VM|CLONE_SIGHAND|CLONE_THREAD");
        sim.as(th).ok("rt_sigprocmask SIG_SETMASK 0");
        String q = sim.as(c).run("msgget IPC_PRIVATE 0600");
        AtomicReference<String> mainReply = new AtomicReference<>(), threadReply = new AtomicReference<>();
        Thread mainCall = sim.blocked(c, "msgrcv " + q + " 0", mainReply);
        Thread threadCall = sim.blocked(th, "msgrcv " + q + " 0", threadReply);
        sim.as(1).ok("kill 2 SIGUSR1");
        threadCall.join(5000);
        assertThat(threadReply.get()).isEqualTo("-1 EINTR");
        Thread.sleep(250);
        assertThat(mainReply.get()).as("the blocking thread sleeps on").isNull();
        assertThat(th.handlerRuns()).isEqualTo(1);
        assertThat(c.handlerRuns()).isZero();
        sim.as(1).ok("kill 2 SIGTERM");
        mainCall.join(5000);
        assertThat(sim.as(1).run("wait4 2 WNOHANG")).isEqualTo("2 status=0x000f");
    }

    /**
     * A signal every thread blocks is taken by the first that unblocks it, on its way back to
     * user space: the handler runs on that thread.
     */
    @Test
    void theThreadThatUnblocksTakesThePendingSignal() {
        Task c = sim.as(1).child("fork");
        sim.as(c).ok("rt_sigaction SIGUSR2 0x401000");
        sim.as(c).ok("rt_sigprocmask SIG_BLOCK SIGUSR2");
        Task th = sim.as(c).child("clone CLONE_VM|CLONE_SIGHAND|CLONE_THREAD");
        sim.as(1).ok("kill 2 SIGUSR2");
        assertThat(c.group().pendingSignals()).isEqualTo(bits(Signals.SIGUSR2));
        sim.as(th).ok("rt_sigprocmask SIG_UNBLOCK SIGUSR2");
        assertThat(c.group().pendingSignals()).isZero();
        assertThat(th.handlerRuns()).isEqualTo(1);
        assertThat(c.handlerRuns()).isZero();
    }

    /**
     * complete_signal tries the task the signal was sent to first (kill of a thread's id is still
     * a process's signal, group_send_sig_info): its handler runs there, not on the main thread;
     * an exited thread (PF_EXITING) wants nothing, so what the live ones block stays pending.
     */
    @Test
    void theThreadSentToTakesItAndAnExitedOneNothing() {
        Task c = sim.as(1).child("fork");
        sim.as(c).ok("rt_sigaction SIGUSR1 0x401000");
        Task th = sim.as(c).child("clone CLONE_VM|CLONE_SIGHAND|CLONE_THREAD");
        sim.as(1).ok("kill " + th.tid() + " SIGUSR1");
        assertThat(th.handlerRuns()).isEqualTo(1);
        assertThat(c.handlerRuns()).isZero();
        sim.as(th).ok("rt_sigprocmask SIG_BLOCK SIGUSR1");
        sim.as(c).ok("exit 0");
        sim.as(1).ok("kill 2 SIGUSR1");
        assertThat(c.group().pendingSignals()).isEqualTo(bits(Signals.SIGUSR1));
        assertThat(th.handlerRuns()).isEqualTo(1);
    }

    /**
     * do_notify_parent's exit signal obeys the parent's mask like any other: a parent blocking
     * SIGUSR1 outlives its clone(SIGUSR1) child's exit until it unblocks it.
     */
    @Test
    void aBlockedExitSignalWaitsInTheParent() {
        Task p = sim.as(1).child("fork");
        sim.as(p).ok("rt_sigprocmask SIG_BLOCK SIGUSR1");
        Task c = sim.as(p).child("clone SIGUSR1");
        sim.as(c).ok("exit 0");
        assertThat(p.state()).isEqualTo(TaskState.SLEEPING);
        assertThat(p.group().pendingSignals()).isEqualTo(bits(Signals.SIGUSR1));
        sim.as(p).ok("rt_sigprocmask SIG_UNBLOCK SIGUSR1");
        assertThat(sim.as(1).run("wait4 2 WNOHANG")).isEqualTo("2 status=0x000a");
    }

    /** A stopped group wants nothing but SIGKILL: an unblocked pending signal waits for SIGCONT. */
    @Test
    void unblockingInAStoppedGroupWaitsForSigcont() {
        Task c = sim.as(1).child("fork");
        sim.as(c).ok("rt_sigprocmask SIG_BLOCK SIGTERM");
        sim.as(1).ok("kill 2 SIGTERM");
        sim.as(1).ok("kill 2 SIGSTOP");
        sim.as(c).ok("rt_sigprocmask SIG_SETMASK 0");
        assertThat(c.group().isStopped()).isTrue();
        assertThat(c.group().pendingSignals()).isEqualTo(bits(Signals.SIGTERM));
        sim.as(1).ok("kill 2 SIGCONT");
        assertThat(sim.as(1).run("wait4 2 WNOHANG")).isEqualTo("2 status=0x000f");
    }

    // ------------------------------------------------------------ tkill, tgkill

    /**
     * sys_tgkill and sys_tkill: EINVAL for a tid (or tgid) <= 0; do_send_specific: ESRCH when the
     * caller's namespace has no such task or its process is not tgid, before the signal is looked
     * at; then check_kill_permission's EINVAL for an invalid signal; signal 0 checks only.
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
            "tkill 0 SIGUSR1        ; -1 EINVAL",
            "tkill -3 SIGUSR1       ; -1 EINVAL",
            "tkill 999 SIGUSR1      ; -1 ESRCH",
            "tkill 999 65           ; -1 ESRCH",
            "tkill 3 65             ; -1 EINVAL",
            "tkill 3 0x100000001    ; -1 EINVAL",
            "tkill 3 0              ; 0",
            "tkill 3                ; -1 EINVAL",
            "tgkill 0 3 SIGUSR1     ; -1 EINVAL",
            "tgkill 2 0 SIGUSR1     ; -1 EINVAL",
            "tgkill 3 3 SIGUSR1     ; -1 ESRCH",
            "tgkill 1 3 SIGUSR1     ; -1 ESRCH",
            "tgkill 2 3 0           ; 0",
            "tgkill 2 3 SIGUSR1 x   ; -1 EINVAL",
    })
    void tkillAndTgkillCheckTheirArguments(String line, String reply) {
        Task c = sim.as(1).child("fork");
        sim.as(c).child("clone CLONE_VM|CLONE_SIGHAND|CLONE_THREAD");
        assertThat(sim.as(1).run(line)).isEqualTo(reply);
        assertThat(c.state()).isEqualTo(TaskState.SLEEPING);
    }

    /** A signal number past the int range is EINVAL (a Deviation: Linux truncates it to int). */
    @Test
    void killRefusesASignalPastTheIntRange() {
        sim.as(1).child("fork");
        assertThat(sim.as(1).run("kill 2 0x10000000f")).isEqualTo("-1 EINVAL");
        assertThat(sim.task(2).state()).isEqualTo(TaskState.SLEEPING);
    }

    /**
     * A thread-directed signal (PIDTYPE_PID) is that thread's alone: while it blocks it, it waits
     * in the thread's own pending set (SigPnd), though the main thread would take it; no other
     * thread's unblocking takes it; the thread's own does, and its handler runs there.
     */
    @Test
    void aThreadsOwnSignalWaitsForThatThread() {
        Task c = sim.as(1).child("fork");
        sim.as(c).ok("rt_sigaction SIGUSR1 0x401000");
        Task th = sim.as(c).child("clone CLONE_VM|CLONE_SIGHAND|CLONE_THREAD");
        sim.as(th).ok("rt_sigprocmask SIG_BLOCK SIGUSR1");
        sim.as(1).ok("tgkill 2 " + th.tid() + " SIGUSR1");
        assertThat(th.pendingSignals()).isEqualTo(bits(Signals.SIGUSR1));
        assertThat(c.group().pendingSignals()).isZero();
        assertThat(c.handlerRuns()).isZero();
        sim.as(c).ok("rt_sigprocmask SIG_UNBLOCK SIGUSR1");
        assertThat(th.pendingSignals()).isEqualTo(bits(Signals.SIGUSR1));
        sim.as(th).ok("rt_sigprocmask SIG_UNBLOCK SIGUSR1");
        assertThat(th.pendingSignals()).isZero();
        assertThat(th.handlerRuns()).isEqualTo(1);
        assertThat(c.handlerRuns()).isZero();
    }

    /** complete_signal's sig_fatal: a thread's own fatal signal ends its whole process. */
    @Test
    void aThreadsOwnFatalSignalEndsTheProcess() {
        Task c = sim.as(1).child("fork");
        Task th = sim.as(c).child("clone CLONE_VM|CLONE_SIGHAND|CLONE_THREAD");
        sim.as(1).ok("tkill " + th.tid() + " SIGTERM");
        assertThat(sim.as(1).run("wait4 2 WNOHANG")).isEqualTo("2 status=0x000f");
    }

    /**
     * do_sigaction's flush and prepare_signal's: SIG_IGN discards a signal from every thread's own
     * set too; SIGCONT discards a pending stop signal from them, a stop signal a pending SIGCONT.
     */
    @Test
    void flushesReachEveryThreadsOwnSet() {
        Task c = sim.as(1).child("fork");
        Task th = sim.as(c).child("clone CLONE_VM|CLONE_SIGHAND|CLONE_THREAD");
        sim.as(th).ok("rt_sigprocmask SIG_BLOCK SIGUSR2|SIGTSTP|SIGCONT");
        sim.as(1).ok("tkill " + th.tid() + " SIGUSR2");
        sim.as(1).ok("tkill " + th.tid() + " SIGTSTP");
        assertThat(th.pendingSignals()).isEqualTo(bits(Signals.SIGUSR2, Signals.SIGTSTP));
        sim.as(c).ok("rt_sigaction SIGUSR2 SIG_IGN");
        sim.as(1).ok("kill 2 SIGCONT");
        assertThat(th.pendingSignals()).isZero();
        sim.as(1).ok("tkill " + th.tid() + " SIGCONT");
        assertThat(th.pendingSignals()).isEqualTo(bits(Signals.SIGCONT));
        sim.as(1).ok("kill 2 SIGTTIN");
        assertThat(th.pendingSignals()).isZero();
    }

    /**
     * /proc: status's SigPnd and stat's field 31 are the thread's own pending set, ShdPnd the
     * process's; a thread that exits takes its own set with it.
     */
    @Test
    void aThreadsOwnSetGoesWithIt() {
        Task c = sim.as(1).child("fork");
        Task th = sim.as(c).child("clone CLONE_VM|CLONE_SIGHAND|CLONE_THREAD");
        sim.as(th).ok("rt_sigprocmask SIG_BLOCK SIGUSR2");
        sim.as(th).ok("tkill " + th.tid() + " SIGUSR2");
        assertThat(th.pendingSignals()).isEqualTo(bits(Signals.SIGUSR2));
        sim.as(th).ok("exit 0");
        assertThat(th.pendingSignals()).isZero();
        assertThat(c.group().pendingSignals()).isZero();
    }

    /** check_kill_permission holds for tkill as for kill: another user's thread is EPERM. */
    @Test
    void tkillNeedsKillPermission() {
        Task a = sim.as(1).child("fork");
        sim.as(1).child("fork");
        sim.as(a).ok("setuid 1000");
        assertThat(sim.as(a).run("tkill 3 SIGTERM")).isEqualTo("-1 EPERM");
        assertThat(sim.as(a).run("tkill " + a.tid() + " 0")).isEqualTo("0");
        assertThat(sim.task(3).state()).isEqualTo(TaskState.SLEEPING);
    }

    // ------------------------------------------------------------ rt_sigtimedwait

    /**
     * do_sigtimedwait: a pending signal of the set is taken off, the thread's own before the
     * process's, and returned (no handler runs); none with a zero timeout: EAGAIN; SIGKILL and
     * SIGSTOP are never waited for.
     */
    @Test
    void sigtimedwaitTakesAPendingSignalOfItsSet() {
        Task c = sim.as(1).child("fork");
        sim.as(c).ok("rt_sigaction SIGUSR1 0x401000");
        sim.as(c).ok("rt_sigprocmask SIG_BLOCK SIGUSR1|SIGUSR2|SIGTERM");
        sim.as(1).ok("kill 2 SIGUSR2");
        sim.as(1).ok("kill 2 SIGUSR1");
        sim.as(1).ok("tkill 2 SIGTERM");
        assertThat(sim.as(c).run("rt_sigtimedwait SIGUSR1|SIGUSR2|SIGTERM timeout=0")).as("its own first").isEqualTo("15");
        assertThat(sim.as(c).run("rt_sigtimedwait SIGUSR1|SIGUSR2 timeout=0")).isEqualTo("10");
        assertThat(c.handlerRuns()).isZero();
        assertThat(sim.as(c).run("rt_sigtimedwait SIGUSR1|SIGKILL timeout=0")).isEqualTo("-1 EAGAIN");
        assertThat(c.group().pendingSignals()).isEqualTo(bits(Signals.SIGUSR2));
        assertThat(sim.as(c).run("rt_sigtimedwait SIGUSR1 timeout=5")).as("no timer in the sim").isEqualTo("-1 EINVAL");
        assertThat(sim.as(c).run("rt_sigtimedwait SIGUSR1 bogus=1")).isEqualTo("-1 EINVAL");
    }

    /**
     * A sleeping rt_sigtimedwait takes a signal of its set as it comes, blocked or not (no handler
     * runs); a fatal default one it did not block still kills (complete_signal's shortcut reads
     * real_blocked); another signal's handler ends it with EINTR.
     */
    @ParameterizedTest(name = "waiting for {0} (blocked: {1}), {2} sent -> {3}")
    @CsvSource(delimiter = ';', value = {
            "SIGUSR1 ; true  ; SIGUSR1 ; 10",
            "SIGUSR1 ; false ; SIGUSR1 ; 10",
            "SIGTERM ; true  ; SIGTERM ; 15",
            "SIGTERM ; false ; SIGTERM ; killed",
            "SIGUSR2 ; true  ; SIGUSR1 ; -1 EINTR",
    })
    void aSleepingSigtimedwaitTakesItsSignalAsItComes(String set, boolean blocked, String sent, String outcome)
            throws Exception {
        Task c = sim.as(1).child("fork");
        sim.as(c).ok("rt_sigaction SIGUSR1 0x401000");
        if (blocked) sim.as(c).ok("rt_sigprocmask SIG_BLOCK " + set);
        AtomicReference<String> reply = new AtomicReference<>();
        Thread waiting = sim.blocked(c, "rt_sigtimedwait " + set, reply);
        Thread.sleep(150);
        assertThat(reply.get()).isNull();
        sim.as(1).ok("kill 2 " + sent);
        waiting.join(5000);
        if (outcome.equals("killed")) {
            assertThat(sim.as(1).run("wait4 2 WNOHANG")).isEqualTo("2 status=0x000f");
        } else {
            assertThat(reply.get()).isEqualTo(outcome);
            assertThat(c.handlerRuns()).isEqualTo(outcome.startsWith("-1") ? 1 : 0);
            assertThat(c.group().pendingSignals()).isZero();
        }
    }

    /** signal(7): sigtimedwait asleep across a stop and SIGCONT fails with EINTR. */
    @Test
    void aStopAndSigcontEndASleepingSigtimedwait() throws Exception {
        Task c = sim.as(1).child("fork");
        AtomicReference<String> reply = new AtomicReference<>();
        Thread waiting = sim.blocked(c, "rt_sigtimedwait SIGUSR2", reply);
        Thread.sleep(150);
        sim.as(1).ok("kill 2 SIGSTOP");
        Thread.sleep(150);
        assertThat(reply.get()).isNull();
        sim.as(1).ok("kill 2 SIGCONT");
        waiting.join(5000);
        assertThat(reply.get()).isEqualTo("-1 EINTR");
    }

    /**
     * complete_signal's sig_fatal shortcut has no SIGNAL_UNKILLABLE test: a namespace init whose
     * main thread blocks SIGTERM, sent from inside its namespace, dies of it when another of its
     * threads takes it (sig_ignored skips the unkillable test for a blocked signal); one thread
     * alone keeps it pending, and get_signal drops it once unblocked.
     */
    @Test
    void aNamespaceInitsOtherThreadTakesAFatalSignalItsMainThreadBlocks() {
        Task init = sim.as(1).child("clone CLONE_NEWPID");
        sim.as(init).ok("rt_sigprocmask SIG_BLOCK SIGTERM");
        Task c = sim.as(init).child("fork");
        sim.as(c).ok("kill 1 SIGTERM");
        assertThat(init.group().pendingSignals()).as("no other thread: pending").isEqualTo(bits(Signals.SIGTERM));
        sim.as(init).ok("rt_sigprocmask SIG_SETMASK 0");
        assertThat(init.state()).as("unblocked: dropped (SIGNAL_UNKILLABLE)").isEqualTo(TaskState.SLEEPING);
        sim.as(init).ok("rt_sigprocmask SIG_BLOCK SIGTERM");
        sim.as(init).child("clone CLONE_VM|CLONE_SIGHAND|CLONE_THREAD");
        Task th = init.group().threads().get(1);
        sim.as(th).ok("rt_sigprocmask SIG_SETMASK 0");
        sim.as(c).ok("kill 1 SIGTERM");
        assertThat(sim.as(1).run("wait4 2 __WALL|WNOHANG")).isEqualTo("2 status=0x000f");
    }

    /** do_sigtimedwait unblocks the set while it sleeps (blocked &= ~set): SigBlk shows the rest. */
    @Test
    void aSleepingSigtimedwaitsSetLeavesItsShownMask() throws Exception {
        Task c = sim.as(1).child("fork");
        sim.as(c).ok("rt_sigprocmask SIG_BLOCK SIGUSR1|SIGTERM");
        AtomicReference<String> reply = new AtomicReference<>();
        Thread waiting = sim.blocked(c, "rt_sigtimedwait SIGUSR1", reply);
        Thread.sleep(150);
        assertThat(c.blockedShown()).isEqualTo(bits(Signals.SIGTERM));
        assertThat(c.blocked()).isEqualTo(bits(Signals.SIGUSR1, Signals.SIGTERM));
        sim.as(1).ok("kill 2 SIGUSR1");
        waiting.join(5000);
        assertThat(reply.get()).isEqualTo("10");
        assertThat(c.blockedShown()).isEqualTo(bits(Signals.SIGUSR1, Signals.SIGTERM));
    }

    /**
     * A stop wakes the sleeping waiter, which finds nothing of its set and ends with EINTR before
     * it stops; a signal of its set sent during the stop stays pending for the process.
     */
    @Test
    void aSignalSentDuringTheStopStaysPendingAndTheWaitEndsWithEintr() throws Exception {
        Task c = sim.as(1).child("fork");
        sim.as(c).ok("rt_sigprocmask SIG_BLOCK SIGUSR1");
        AtomicReference<String> reply = new AtomicReference<>();
        Thread waiting = sim.blocked(c, "rt_sigtimedwait SIGUSR1", reply);
        Thread.sleep(150);
        sim.as(1).ok("kill 2 SIGSTOP");
        sim.as(1).ok("kill 2 SIGUSR1");
        Thread.sleep(150);
        sim.as(1).ok("kill 2 SIGCONT");
        waiting.join(5000);
        assertThat(reply.get()).isEqualTo("-1 EINTR");
        assertThat(c.group().pendingSignals()).isEqualTo(bits(Signals.SIGUSR1));
    }
}
