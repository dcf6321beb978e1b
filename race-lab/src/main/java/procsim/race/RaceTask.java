package procsim.race;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import procsim.restorer.Creation;
import procsim.restorer.Reply;
import procsim.restorer.RestoreMethod;

/**
 * One task of a race run, its protocol step by step against a {@link TaskPort} (no Linux
 * counterpart): the replay schedules its steps one at a time, a live worker thread makes them in
 * a loop. Each step is exactly one syscall or one write.
 *
 * <p>A restorer's attempt creates a child with the target pid in the race namespace (any in the
 * root namespace) by the plan's {@link RestoreMethod}: its {@link RestoreMethod#prepare} [write
 * target-1 to ns_last_pid | write {@code LONG1 target} to its next_syscall_data]; its clone line;
 * then, unless the plan keeps children, {@code kill CHILD SIGKILL} and {@code wait4 CHILD}. A
 * plan's gap is a pause at the end of the write's step, before the clone. An interference task
 * loops {@code fork}, kill, wait4 until told to stop. Not thread-safe: one thread makes a task's steps.
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
    private final TaskPort port;
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
    public RaceTask(RacePlan plan, int index, boolean restorer, String tid, TaskPort port) {
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
    public String step() {
        return switch (phase) {
            case PREP -> prep();
            case CLONE -> restorer ? cloneChild() : fork();
            case KILL -> {
                String call = "kill " + child + " SIGKILL";
                phase = Phase.WAIT;
                yield call + " = " + cleanup(call, port.send(port.pid(), port.pid(), call));
            }
            case WAIT -> {
                String call = "wait4 " + child;
                Reply r = port.send(port.pid(), port.pid(), call);
                if (restorer) nextAttempt();
                else phase = Phase.CLONE;
                yield call + " = " + cleanup(call, r);
            }
        };
    }

    /** The child of an attempt: pid {@code target} in the race namespace (a child of the root one), any in the root. */
    private Creation child() {
        return new Creation(port.pid(), port.pid(), List.of(Creation.ANY, target), 1, List.of(1, port.nsInit()), false,
                RestoreMethod.SIGCHLD);
    }

    private String prep() {
        target = plan.target(index, iteration);
        RestoreMethod m = plan.method().restoreMethod();
        Creation c = child();
        Reply r = m.prepare(port, c);
        if (r.failed()) {
            tally.error(r.errno());
            nextAttempt();
            return "write failed: " + r.errno() + " (target " + target + ")";
        }
        if (plan.gapUs() > 0) port.pause(plan.gapUs());
        phase = Phase.CLONE;
        return "write " + (m == RestoreMethod.NS_LAST_PID ? "ns_last_pid " + RestoreMethod.nsLastPid(target)
                : "next_syscall_data " + RestoreMethod.nextSyscallData(c));
    }

    private String cloneChild() {
        if (firstPhase() == Phase.CLONE) target = plan.target(index, iteration);
        String call = plan.method().restoreMethod().cloneLine(child());
        Reply r = port.call(port.pid(), port.pid(), call, target);
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

    private String fork() {
        Reply r = port.call(port.pid(), port.pid(), "fork", 0);
        if (r.failed()) {
            cleanupErrors.merge("fork " + r.errno(), 1L, Long::sum);
        } else {
            child = (int) r.value();
            phase = Phase.KILL;
        }
        return "fork = " + r.text();
    }

    /** The reply's text for the log; a failure is counted as a cleanup error. */
    private String cleanup(String call, Reply r) {
        if (r.failed()) cleanupErrors.merge(call.substring(0, call.indexOf(' ')) + " " + r.errno(), 1L, Long::sum);
        return r.text();
    }

    private Phase firstPhase() {
        return plan.method().restoreMethod().prepares() ? Phase.PREP : Phase.CLONE;
    }

    private void nextAttempt() {
        iteration++;
        child = 0;
        phase = firstPhase();
    }
}
