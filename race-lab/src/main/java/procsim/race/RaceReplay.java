package procsim.race;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import procsim.kernel.Kernel;
import procsim.kernel.KernelConfig;
import procsim.pid.PidNamespace;
import procsim.syscall.SyscallResult;
import procsim.task.Task;

/**
 * The race lab's deterministic replay (no Linux counterpart): the experiment of
 * {@code procsim race} run with simulated restorers inside one in-process {@link Kernel}, no
 * FUSE, no threads. A {@link Random} seeded by the caller plays the scheduler: at every step it
 * picks one task (a restorer that still has attempts to make, or an interference task) and that
 * task performs its next step ({@link RaceTask#step}, through a {@link KernelPort}), which is
 * exactly one syscall or one ns_last_pid / next_syscall_data write, atomic under the kernel lock
 * as on the mount. So the interleavings that make ns_last_pid miss happen, and the same seed gives
 * the same interleaving, the same outcomes and the same race log, line for line.
 *
 * <p>The setup mirrors the live harness: init clones a new pid namespace
 * ({@code clone CLONE_NEWPID|SIGCHLD}), to which a {@link RaceLog} is attached; its init forks the
 * restorers, then the interference tasks.
 *
 * <p>The log lists each step ({@code step N r0 tid=2 fork = 1000 hit (target 1000)}) followed by
 * the race log events it caused, in the grammar of {@code M/procsim/pidns/<inum>/}
 * ({@link RaceLogFormat}) prefixed by the file's name ({@code writes: 5 tid=2 value=999}), with
 * tids as the race namespace sees them.
 */
public final class RaceReplay {
    /** The outcome of one replay: the report row, the log (empty unless asked for) and the steps taken. */
    public record Result(RaceRow row, List<String> log, long steps) {
    }

    /** One step of the log: its line and the race log seq range (before, after] it caused. */
    private record Step(String line, long before, long after) {
    }

    private final boolean withLog;
    private final Kernel kernel;
    private final PidNamespace ns;
    private final RaceLog raceLog = new RaceLog();
    private final Random random;
    private final List<RaceTask> tasks = new ArrayList<>();
    private final List<Step> steps = new ArrayList<>();
    private final RacePlan plan;
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
        for (int r = 0; r < plan.workers(); r++) add(nsInit, r, true);
        for (int i = 0; i < plan.interference(); i++) add(nsInit, i, false);
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

    private void add(Task nsInit, int index, boolean restorer) {
        Task t = child(nsInit, "fork");
        tasks.add(new RaceTask(plan, index, restorer, Integer.toString(t.pid().nr(ns)), new KernelPort(kernel, t, ns)));
    }

    private Task child(Task parent, String line) {
        SyscallResult r = kernel.syscall(parent, line);
        if (r.failed()) throw new IllegalStateException("setup: " + line + " -> " + r.text());
        return kernel.tasks().lookup(parent.activePidNs(), (int) r.value());
    }

    private void schedule() {
        List<RaceTask> runnable = new ArrayList<>(tasks);
        long restorersLeft = plan.workers();
        while (restorersLeft > 0) {
            RaceTask t = runnable.get(random.nextInt(runnable.size()));
            if (step(t)) {
                runnable.remove(t);
                restorersLeft--;
            }
        }
    }

    /** The race log's seq: every event bumps exactly one counter. */
    private long seq() {
        RaceLogFormat.Summary s = raceLog.summary();
        return s.writes() + s.landed() + s.elsewhere() + s.stolen();
    }

    /** Performs {@code t}'s next step; true when a restorer has made its last attempt. */
    private boolean step(RaceTask t) {
        stepCount++;
        long before = seq();
        String line = t.step();
        if (withLog) {
            steps.add(new Step("step " + stepCount + " " + t.name() + " tid=" + t.tid() + " " + line, before, seq()));
        }
        return t.done();
    }

    private Result finish() {
        List<RaceLog.Event> events = kernel.read(raceLog::events);
        RaceTally tally = new RaceTally();
        List<RaceTask.Miss> misses = new ArrayList<>();
        for (RaceTask t : tasks) {
            if (!t.restorer()) continue;
            tally.add(t.tally());
            misses.addAll(t.misses());
        }
        RaceEvidence evidence = RaceEvidence.check(raceLog.summary(),
                RaceLogFormat.parseElsewhere(RaceLogFormat.file("allocations", events, ns)), misses);

        List<String> lines = new ArrayList<>();
        if (withLog) {
            Map<Long, RaceLog.Event> bySeq = new HashMap<>();
            for (RaceLog.Event e : events) bySeq.put(e.seq(), e);
            for (Step st : steps) {
                lines.add(st.line);
                for (long s = st.before + 1; s <= st.after; s++) {
                    RaceLog.Event e = bySeq.get(s);
                    if (e != null) lines.add("  " + RaceLogFormat.fileOf(e.kind()) + ": " + RaceLogFormat.line(e, ns));
                }
            }
        }
        return new Result(new RaceRow("replay", plan, tally, evidence, Double.NaN), lines, stepCount);
    }
}
