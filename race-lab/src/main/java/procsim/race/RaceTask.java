package procsim.race;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One task of a race run, its protocol step by step against a {@link RestorerPort} (no Linux
 * counterpart): the replay schedules its steps one at a time, a live worker thread makes them in
 * a loop. Each step is exactly one syscall or one write.
 *
 * <p>A restorer's attempt: [write target-1 to ns_last_pid | write {@code LONG1 target} to its
 * next_syscall_data]; the clone line of the {@link RaceMethod}; then, unless the plan keeps
 * children, {@code kill CHILD SIGKILL} and {@code wait4 CHILD}. A plan's gap is a pause at the end
 * of the write's step, before the clone. An interference task loops
 * {@code fork}, kill, wait4 until told to stop. Not thread-safe: one thread makes a task's steps.
 */
public final class RaceTask {
    /** A restorer's wrong pid: thread {@code tid} (as the evidence's reader numbers it) wanted {@code wanted}, got {@code got}. */
    public record Miss(String tid, int got, int wanted) {
    }

    private enum Phase { PREP, CLONE, KILL, WAIT }

    private final RacePlan plan;
    private final int index;
    private final boolean restorer;
    private final String tid;
    private final RestorerPort port;
    private final RaceTally tally = new RaceTally();
    private final List<Miss> misses = new ArrayList<>();
    private final Map<String, Long> cleanupErrors = new TreeMap<>();
    private Phase phase;
    private int iteration;
    private int target;
    private int child;

    /**
     * Restorer {@code index} of {@code plan} (or interference task {@code index} if not
     * {@code restorer}), numbered {@code tid} where the race evidence is read, acting through {@code port}.
     */
    public RaceTask(RacePlan plan, int index, boolean restorer, String tid, RestorerPort port) {
        this.plan = plan;
        this.index = index;
        this.restorer = restorer;
        this.tid = tid;
        this.port = port;
        this.phase = restorer ? firstPhase() : Phase.CLONE;
    }

    /** {@code r0}, {@code i2}. */
    public String name() {
        return (restorer ? "r" : "i") + index;
    }

    public boolean restorer() {
        return restorer;
    }

    /** Its thread id where the race evidence is read. */
    public String tid() {
        return tid;
    }

    /** True once a restorer has made its last attempt (never for an interference task). */
    public boolean done() {
        return restorer && iteration == plan.iterations();
    }

    /** True between two attempts (or fork cycles): where a live worker may stop without leaving a child. */
    public boolean betweenAttempts() {
        return phase == (restorer ? firstPhase() : Phase.CLONE);
    }

    public RaceTally tally() {
        return tally;
    }

    public List<Miss> misses() {
        return misses;
    }

    /** Failed kills, wait4s and interference forks, by {@code "kill ESRCH"}: none is an attempt's outcome. */
    public Map<String, Long> cleanupErrors() {
        return cleanupErrors;
    }

    /** Makes the next step; returns it as the replay's log shows it ({@code fork = 1000 hit (target 1000)}). */
    public String step() throws IOException {
        return switch (phase) {
            case PREP -> prep();
            case CLONE -> restorer ? cloneChild() : fork();
            case KILL -> {
                String call = "kill " + child + " SIGKILL";
                phase = Phase.WAIT;
                yield call + " = " + cleanup(call, port.send(call));
            }
            case WAIT -> {
                String call = "wait4 " + child;
                RestorerPort.Reply r = port.send(call);
                if (restorer) nextAttempt();
                else phase = Phase.CLONE;
                yield call + " = " + cleanup(call, r);
            }
        };
    }

    private String prep() throws IOException {
        target = plan.target(index, iteration);
        boolean nsLastPid = plan.method().writesNsLastPid();
        String text = nsLastPid ? RaceMethod.nsLastPidText(target) : RaceMethod.nextSyscallDataText(target);
        String err = nsLastPid ? port.writeNsLastPid(text) : port.writeNextSyscallData(text);
        if (err != null) {
            tally.error(err);
            nextAttempt();
            return "write failed: " + err + " (target " + target + ")";
        }
        if (plan.gapUs() > 0) port.pause(plan.gapUs());
        phase = Phase.CLONE;
        return "write " + (nsLastPid ? "ns_last_pid " : "next_syscall_data ") + text.strip();
    }

    private String cloneChild() throws IOException {
        if (firstPhase() == Phase.CLONE) target = plan.target(index, iteration);
        String call = plan.method().cloneLine(target);
        RestorerPort.Reply r = port.call(call);
        if (r.failed()) {
            tally.error(r.errno());
            nextAttempt();
            return call + " = " + r.text() + " (target " + target + ")";
        }
        int got = (int) r.value();
        String verdict;
        if (got == target) {
            tally.hit();
            verdict = "hit";
        } else {
            tally.miss();
            misses.add(new Miss(tid, got, target));
            verdict = "miss";
        }
        if (plan.keepsChildren()) {
            nextAttempt();
        } else {
            child = got;
            phase = Phase.KILL;
        }
        return call + " = " + got + " " + verdict + " (target " + target + ")";
    }

    private String fork() throws IOException {
        RestorerPort.Reply r = port.call("fork");
        if (r.failed()) {
            cleanupErrors.merge("fork " + r.errno(), 1L, Long::sum);
        } else {
            child = (int) r.value();
            phase = Phase.KILL;
        }
        return "fork = " + r.text();
    }

    /** The reply's text for the log; a failure is counted as a cleanup error. */
    private String cleanup(String call, RestorerPort.Reply r) {
        if (r.failed()) cleanupErrors.merge(call.substring(0, call.indexOf(' ')) + " " + r.errno(), 1L, Long::sum);
        return r.text();
    }

    private Phase firstPhase() {
        RaceMethod m = plan.method();
        return m.writesNsLastPid() || m.writesNextSyscallData() ? Phase.PREP : Phase.CLONE;
    }

    private void nextAttempt() {
        iteration++;
        child = 0;
        phase = firstPhase();
    }
}
