package procsim.race;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import procsim.abi.SysError;
import procsim.kernel.Kernel;
import procsim.kernel.KernelConfig;
import procsim.pid.Pid;
import procsim.pid.PidNamespace;
import procsim.syscall.SyscallResult;
import procsim.task.Task;

/**
 * The race lab's deterministic replay (no Linux counterpart): the experiment of
 * {@code procsim race} run with simulated restorers inside one in-process {@link Kernel}, no
 * FUSE, no threads. A {@link Random} seeded by the caller plays the scheduler: at every step it
 * picks one task (a restorer that still has attempts to make, or an interference task) and that
 * task performs its next step, which is exactly one syscall or one ns_last_pid /
 * next_syscall_data write, atomic under the kernel lock as on the mount. So the interleavings
 * that make ns_last_pid miss happen, and the same seed gives the same interleaving, the same
 * outcomes and the same race log, line for line.
 *
 * <p>The setup mirrors the live harness: init clones a new pid namespace
 * ({@code clone CLONE_NEWPID|SIGCHLD}); its init forks the restorers, then the interference
 * tasks. A restorer's attempt is: [write target-1 to ns_last_pid | write {@code LONG1 target} to
 * its next_syscall_data]; the clone line of the {@link RaceMethod}; then, unless the plan keeps
 * children, {@code kill CHILD SIGKILL} and {@code wait4 CHILD}, each its own step. An
 * interference task loops {@code fork}, kill, wait4 until every restorer is done.
 *
 * <p>The log lists each step ({@code step N r0 tid=2 fork = 1000 hit (target 1000)}) followed by
 * the race log events it caused, in the grammar of {@code M/procsim/pidns/<inum>/} prefixed by the
 * file's name ({@code writes: 5 tid=2 value=999}), with tids as the race namespace sees them.
 */
public final class RaceReplay {
    /** The outcome of one replay: the report row, the log (empty unless asked for) and the steps taken. */
    public record Result(RaceRow row, List<String> log, long steps) {
    }

    private enum Phase { PREP, CLONE, KILL, WAIT }

    /** One simulated task: a restorer (tallied) or an interference task. */
    private static final class Actor {
        final String name;
        final Task task;
        final int index;
        final boolean restorer;
        Phase phase;
        int iteration;
        int target;
        int child;

        Actor(String name, Task task, int index, boolean restorer, Phase first) {
            this.name = name;
            this.task = task;
            this.index = index;
            this.restorer = restorer;
            this.phase = first;
        }
    }

    /** One step of the log: its line and the race log seq range (before, after] it caused. */
    private record Step(String line, long before, long after) {
    }

    /** A miss to be matched with its elsewhere event: made in step range (before, after]. */
    private record Miss(Pid actor, int got, int wanted, long before, long after) {
    }

    private final RacePlan plan;
    private final boolean withLog;
    private final Kernel kernel;
    private final PidNamespace ns;
    private final RaceLog raceLog = new RaceLog();
    private final Random random;
    private final RaceTally tally = new RaceTally();
    private final List<Actor> restorers = new ArrayList<>();
    private final List<Actor> interferers = new ArrayList<>();
    private final List<Step> steps = new ArrayList<>();
    private final List<Miss> misses = new ArrayList<>();
    private long stepCount;

    private RaceReplay(RacePlan plan, long seed, boolean withLog) {
        this.plan = plan;
        this.withLog = withLog;
        this.random = new Random(seed);
        // A fixed clock: nothing in the outcome may depend on the time of day.
        this.kernel = Kernel.boot(new KernelConfig(PidNamespace.PID_MAX_DEFAULT, () -> 0L));
        Task init = kernel.tasks().init();
        Task nsInit = child(init, "clone CLONE_NEWPID|SIGCHLD");
        this.ns = nsInit.pidNsForChildren();
        ns.addListener(raceLog);
        if (plan.maxTarget() >= ns.pidMax()) {
            throw new IllegalArgumentException("targets up to " + plan.maxTarget() + " do not fit below pid_max "
                    + ns.pidMax());
        }
        Phase first = plan.method().writesNsLastPid() || plan.method().writesNextSyscallData() ? Phase.PREP
                : Phase.CLONE;
        for (int r = 0; r < plan.workers(); r++) {
            restorers.add(new Actor("r" + r, child(nsInit, "fork"), r, true, first));
        }
        for (int i = 0; i < plan.interference(); i++) {
            interferers.add(new Actor("i" + i, child(nsInit, "fork"), i, false, Phase.CLONE));
        }
    }

    /** Runs {@code plan} with scheduler seed {@code seed}, keeping the log. */
    public static Result run(RacePlan plan, long seed) {
        return run(plan, seed, true);
    }

    /** Runs {@code plan} with scheduler seed {@code seed}; {@code withLog} false keeps no log (big runs). */
    public static Result run(RacePlan plan, long seed, boolean withLog) {
        RaceReplay r = new RaceReplay(plan, seed, withLog);
        r.schedule();
        return r.finish();
    }

    private Task child(Task parent, String line) {
        SyscallResult r = kernel.syscall(parent, line);
        if (r.failed()) throw new IllegalStateException("setup: " + line + " -> " + r.text());
        return kernel.tasks().lookup(parent.activePidNs(), (int) r.value());
    }

    private void schedule() {
        List<Actor> runnable = new ArrayList<>(restorers);
        runnable.addAll(interferers);
        int restorersLeft = restorers.size();
        while (restorersLeft > 0) {
            Actor a = runnable.get(random.nextInt(runnable.size()));
            if (step(a)) {
                runnable.remove(a);
                restorersLeft--;
            }
        }
    }

    /** The race log's seq: every event bumps exactly one counter. */
    private long seq() {
        RaceLog log = raceLog;
        return log.writes() + log.landed() + log.elsewhere() + log.stolen();
    }

    /** Performs {@code a}'s next step; true when a restorer has made its last attempt. */
    private boolean step(Actor a) {
        stepCount++;
        long before = seq();
        String line = a.restorer ? restorerStep(a) : interfererStep(a);
        if (withLog) steps.add(new Step("step " + stepCount + " " + a.name + " tid=" + a.task.tid() + " " + line,
                before, seq()));
        return a.restorer && a.iteration == plan.iterations();
    }

    private String restorerStep(Actor a) {
        switch (a.phase) {
            case PREP -> {
                a.target = plan.target(a.index, a.iteration);
                String text;
                try {
                    if (plan.method().writesNsLastPid()) {
                        text = RaceMethod.nsLastPidText(a.target);
                        kernel.writeNsLastPid(a.task, ns, text);
                        a.phase = Phase.CLONE;
                        return "write ns_last_pid " + text.strip();
                    }
                    text = RaceMethod.nextSyscallDataText(a.target);
                    kernel.writeNextSyscallData(a.task, a.task, text, 0);
                    a.phase = Phase.CLONE;
                    return "write next_syscall_data " + text.strip();
                } catch (SysError e) {
                    tally.error(e.errno().name());
                    nextAttempt(a);
                    return "write failed: " + e.errno().name() + " (target " + a.target + ")";
                }
            }
            case CLONE -> {
                if (!plan.method().writesNsLastPid() && !plan.method().writesNextSyscallData()) {
                    a.target = plan.target(a.index, a.iteration);
                }
                String call = plan.method().cloneLine(a.target);
                long before = seq();
                SyscallResult r = kernel.syscall(a.task, call);
                if (r.failed()) {
                    tally.error(r.errno().name());
                    nextAttempt(a);
                    return call + " = " + r.text() + " (target " + a.target + ")";
                }
                int got = (int) r.value();
                String verdict;
                if (got == a.target) {
                    tally.hit();
                    verdict = "hit";
                } else {
                    tally.miss();
                    misses.add(new Miss(a.task.pid(), got, a.target, before, seq()));
                    verdict = "miss";
                }
                if (plan.keepsChildren()) {
                    nextAttempt(a);
                } else {
                    a.child = got;
                    a.phase = Phase.KILL;
                }
                return call + " = " + got + " " + verdict + " (target " + a.target + ")";
            }
            case KILL -> {
                String call = "kill " + a.child + " SIGKILL";
                a.phase = Phase.WAIT;
                return call + " = " + kernel.syscall(a.task, call).text();
            }
            case WAIT -> {
                String call = "wait4 " + a.child;
                String r = kernel.syscall(a.task, call).text();
                nextAttempt(a);
                return call + " = " + r;
            }
        }
        throw new IllegalStateException(a.phase.name());
    }

    private void nextAttempt(Actor a) {
        a.iteration++;
        a.child = 0;
        a.phase = plan.method().writesNsLastPid() || plan.method().writesNextSyscallData() ? Phase.PREP
                : Phase.CLONE;
    }

    private String interfererStep(Actor a) {
        switch (a.phase) {
            case CLONE -> {
                SyscallResult r = kernel.syscall(a.task, "fork");
                if (!r.failed()) {
                    a.child = (int) r.value();
                    a.phase = Phase.KILL;
                }
                return "fork = " + r.text();
            }
            case KILL -> {
                String call = "kill " + a.child + " SIGKILL";
                a.phase = Phase.WAIT;
                return call + " = " + kernel.syscall(a.task, call).text();
            }
            default -> {
                String call = "wait4 " + a.child;
                a.phase = Phase.CLONE;
                return call + " = " + kernel.syscall(a.task, call).text();
            }
        }
    }

    private Result finish() {
        List<RaceLog.Event> events = kernel.read(raceLog::events);
        Map<Long, RaceLog.Event> bySeq = new HashMap<>();
        for (RaceLog.Event e : events) bySeq.put(e.seq(), e);

        long accounted = 0;
        Map<String, Long> causes = new java.util.TreeMap<>();
        for (Miss m : misses) {
            for (long s = m.before + 1; s <= m.after; s++) {
                RaceLog.Event e = bySeq.get(s);
                if (e != null && e.kind() == RaceLog.Kind.ELSEWHERE && e.actor() == m.actor && e.value() == m.got
                        && e.wanted() == m.wanted) {
                    accounted++;
                    causes.merge(e.cause().name().toLowerCase(java.util.Locale.ROOT), 1L, Long::sum);
                    break;
                }
            }
        }
        RaceLog log = raceLog;
        RaceEvidence evidence = new RaceEvidence(log.writes(), log.landed(), log.elsewhere(), log.stolen(),
                accounted, causes);

        List<String> lines = new ArrayList<>();
        if (withLog) {
            for (Step st : steps) {
                lines.add(st.line);
                for (long s = st.before + 1; s <= st.after; s++) {
                    RaceLog.Event e = bySeq.get(s);
                    if (e != null) lines.add("  " + render(e, ns));
                }
            }
        }
        return new Result(new RaceRow("replay", plan, tally, evidence, Double.NaN), lines, stepCount);
    }

    /**
     * One race log event in the grammar of the mount's files, prefixed by the file's name:
     * {@code writes: SEQ tid=T value=V}, {@code allocations: SEQ tid=T pid=N landed},
     * {@code allocations: SEQ tid=T pid=N elsewhere wanted=W cause=C [by=T2]},
     * {@code stolen: SEQ pid=N asked_by=T2 taken_by=T}; tids as {@code viewer} sees them.
     */
    public static String render(RaceLog.Event e, PidNamespace viewer) {
        return switch (e.kind()) {
            case WRITE -> "writes: " + e.seq() + " tid=" + tid(e.actor(), viewer) + " value=" + e.value();
            case LANDED -> "allocations: " + e.seq() + " tid=" + tid(e.actor(), viewer) + " pid=" + e.value()
                    + " landed";
            case ELSEWHERE -> "allocations: " + e.seq() + " tid=" + tid(e.actor(), viewer) + " pid=" + e.value()
                    + " elsewhere wanted=" + e.wanted() + " cause=" + e.cause().name().toLowerCase(java.util.Locale.ROOT)
                    + (e.cause() == RaceLog.Cause.IN_USE ? "" : " by=" + tid(e.other(), viewer));
            case STOLEN -> "stolen: " + e.seq() + " pid=" + e.value() + " asked_by=" + tid(e.other(), viewer)
                    + " taken_by=" + tid(e.actor(), viewer);
        };
    }

    private static String tid(Pid p, PidNamespace viewer) {
        return p == null ? "operator" : Integer.toString(p.nr(viewer));
    }
}
