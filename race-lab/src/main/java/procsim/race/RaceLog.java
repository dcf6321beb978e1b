package procsim.race;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import procsim.pid.Pid;
import procsim.pid.PidAllocListener;
import procsim.pid.PidNamespace;

/**
 * procsim's evidence of the ns_last_pid race in one pid namespace (no Linux counterpart): each
 * write of ns_last_pid, each cyclic allocation and whether it landed on the last value written
 * by the same thread plus one, and who stole a pid another thread had just asked for. Actors are
 * the writing or forking thread's {@link Pid}; null is the operator.
 *
 * <p>A listener of the namespace it records ({@link PidNamespace#addListener}): the replay attaches
 * one to its race namespace; the mount attaches {@link #everyNamespace()} to the root, which gives
 * each namespace made below one of its own, served as {@code M/procsim/pidns/<inum>/}. Called
 * under the kernel lock; readers take the read lock.
 */
public final class RaceLog implements PidAllocListener {
    /** Events kept per namespace; counters cover everything. */
    public static final int CAPACITY = 65536;

    public enum Kind { WRITE, LANDED, ELSEWHERE, STOLEN }

    /** Why a fork after a write missed: the pid was taken, the cursor was moved, or it was in use already. */
    public enum Cause { TAKEN, OVERWRITTEN, IN_USE }

    /**
     * One event. WRITE: {@code actor} wrote {@code value}. LANDED: {@code actor}'s fork got
     * {@code value}, the pid it asked for. ELSEWHERE: it got {@code value} instead of
     * {@code wanted}, for {@code cause}, by {@code other}. STOLEN: {@code actor}'s fork took
     * {@code value}, which {@code other} had just asked for.
     */
    public record Event(long seq, Kind kind, Pid actor, int value, int wanted, Cause cause, Pid other) {
    }

    private static final Object OPERATOR = new Object();

    private final ArrayDeque<Event> events = new ArrayDeque<>();
    /** Pending requests: the last value each actor wrote, until its next allocation here. */
    private final Map<Object, Integer> pending = new LinkedHashMap<>();
    /** Who took each pid since the write that asked for it (cleared with the request). */
    private final Map<Integer, Pid> takenBy = new HashMap<>();
    private Object lastWriter;
    private long seq;
    private long writes;
    private long landed;
    private long elsewhere;
    private long stolen;
    private final boolean inherited;

    /** A log of the namespace it is attached to only. */
    public RaceLog() {
        this(false);
    }

    private RaceLog(boolean inherited) {
        this.inherited = inherited;
    }

    /** A log that gives every pid namespace made below its own a log of the same kind. */
    public static RaceLog everyNamespace() {
        return new RaceLog(true);
    }

    @Override
    public PidAllocListener forChild(PidNamespace child) {
        return inherited ? everyNamespace() : null;
    }

    @Override
    public void lastPidWritten(PidNamespace ns, Pid actor, int value) {
        Object key = actor == null ? OPERATOR : actor;
        pending.remove(key);
        pending.put(key, value);
        takenBy.remove(value + 1);
        lastWriter = key;
        writes++;
        add(new Event(++seq, Kind.WRITE, actor, value, 0, null, null));
    }

    @Override
    public void pidAllocated(PidNamespace ns, int nr, Pid actor) {
        if (pending.isEmpty()) return;
        Object key = actor == null ? OPERATOR : actor;
        for (Map.Entry<Object, Integer> e : pending.entrySet()) {
            if (e.getKey() != key && e.getValue() + 1 == nr) {
                stolen++;
                add(new Event(++seq, Kind.STOLEN, actor, nr, nr, Cause.TAKEN, pidOf(e.getKey())));
            }
        }
        takenBy.put(nr, actor);
        Integer mine = pending.remove(key);
        if (mine == null) return;
        int wanted = mine + 1;
        if (nr == wanted) {
            landed++;
            add(new Event(++seq, Kind.LANDED, actor, nr, wanted, null, null));
        } else {
            elsewhere++;
            Cause cause;
            Pid other = null;
            if (takenBy.containsKey(wanted)) {
                cause = Cause.TAKEN;
                other = takenBy.get(wanted);
            } else if (lastWriter != key) {
                cause = Cause.OVERWRITTEN;
                other = pidOf(lastWriter);
            } else {
                cause = Cause.IN_USE;
            }
            add(new Event(++seq, Kind.ELSEWHERE, actor, nr, wanted, cause, other));
        }
        takenBy.remove(wanted);
    }

    private static Pid pidOf(Object key) {
        return key instanceof Pid p ? p : null;
    }

    private void add(Event e) {
        if (events.size() == CAPACITY) events.removeFirst();
        events.addLast(e);
    }

    public List<Event> events() {
        return new ArrayList<>(events);
    }

    public long writes() {
        return writes;
    }

    public long landed() {
        return landed;
    }

    public long elsewhere() {
        return elsewhere;
    }

    public long stolen() {
        return stolen;
    }

    /** The four counters. */
    public RaceLogFormat.Summary summary() {
        return new RaceLogFormat.Summary(writes, landed, elsewhere, stolen);
    }
}
