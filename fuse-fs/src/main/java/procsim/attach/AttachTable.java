package procsim.attach;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import java.util.function.Supplier;

import procsim.abi.Errno;
import procsim.task.Task;

/**
 * Which real (host) thread or process acts as which sim thread. A binding names a host id (a
 * thread id, which for a process's main thread is its pid) and holds that very process
 * ({@link HostProcesses#pin}), so a reused id does not inherit it. Bindings whose process is gone
 * are dropped when looked up, when their task is reaped ({@link #released}), and all at once
 * whenever the table has doubled since the last sweep. A caller resolves to the binding of its own
 * thread, else of its process, else of the nearest bound ancestor in the host's process tree
 * ({@link #resolve}).
 *
 * <p>Lock order: this table's monitor is never held while taking the kernel lock.
 */
public final class AttachTable {
    /** How far up the host tree a caller is looked for (deeper trees are unusual for a shell). */
    private static final int MAX_DEPTH = 64;

    /** The table is swept of gone processes' bindings when it reaches this size, then twice its live size. */
    private static final int FIRST_SWEEP = 64;

    private record Binding(HostProcesses.Pin pin, Task task) {
    }

    private final HostProcesses host;
    private final Map<Integer, Binding> bindings = new HashMap<>();
    /** Host ids whose {@link #attachNew} is making their task: a second one meanwhile is refused. */
    private final Set<Integer> making = new java.util.HashSet<>();
    private int sweepAt = FIRST_SWEEP;
    /** Tasks reaped since the last request: their bindings are looked at then (see {@link #released}). */
    private final Queue<Task> released = new ConcurrentLinkedQueue<>();
    /** How many bindings there are, readable without the monitor (the release listener's test). */
    private volatile int count;

    public AttachTable(HostProcesses host) {
        this.host = host;
    }

    /** Binds host id {@code hostId} to {@code task}; ESRCH if there is no such host process. */
    public void attach(int hostId, Task task) {
        HostProcesses.Pin pin = hostId <= 0 ? null : host.pin(hostId);
        if (pin == null) throw Errno.ESRCH.error();
        put(hostId, new Binding(pin, task), false, false);
    }

    /**
     * Binds; if {@code first}, only when no binding to the task is left (else EBUSY, the pin
     * closed). Not a host id whose {@link #attachNew} is making its task, but by that ({@code made}):
     * EBUSY, the pin closed.
     */
    private void put(int hostId, Binding b, boolean first, boolean made) {
        Binding old;
        boolean sweep;
        synchronized (this) {
            if ((first && bindings.values().stream().anyMatch(x -> x.task == b.task)) || (!made && making.contains(hostId))) {
                b.pin.close();
                throw Errno.EBUSY.error();
            }
            old = bindings.put(hostId, b);
            count = bindings.size();
            sweep = bindings.size() >= sweepAt;
        }
        if (old != null) old.pin.close();
        if (sweep) sweep();
    }

    /** Drops the bindings of gone processes: a caller's binding is looked up, a gone child's never is. */
    private void sweep() {
        List<Integer> ids;
        synchronized (this) {
            ids = new ArrayList<>(bindings.keySet());
        }
        for (int id : ids) bound(id, true);
        synchronized (this) {
            sweepAt = Math.max(FIRST_SWEEP, 2 * bindings.size());
        }
    }

    /**
     * {@code task} was reaped: at the next request the bindings to it whose process is gone are
     * dropped, so that a table whose processes have all ended is empty again and a request needs no
     * look at the host. Runs under the kernel lock: no host I/O here.
     */
    public void released(Task task) {
        if (count > 0) released.add(task); // with no binding there is nothing to drop (and no request may come)
    }

    private void dropReleased() {
        Set<Task> gone = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Task t = released.poll(); t != null; t = released.poll()) gone.add(t);
        List<Integer> ids = new ArrayList<>();
        synchronized (this) {
            bindings.forEach((id, b) -> {
                if (gone.contains(b.task)) ids.add(id);
            });
        }
        for (int id : ids) bound(id, true);
    }

    /** How many bindings the table holds (live or not yet dropped). */
    public synchronized int size() {
        return bindings.size();
    }

    /**
     * Binds host id {@code hostId}, which must be bound to nothing yet (else EPERM: a bound caller
     * does not move its own binding this way), to {@code task} if no live host process is bound to
     * it: else EBUSY; ESRCH if there is no such host process.
     */
    public void attachFirst(int hostId, Task task) {
        if (!boundTo(task).isEmpty()) throw Errno.EBUSY.error(); // and the gone ones dropped
        if (bound(hostId) != null) throw Errno.EPERM.error();
        HostProcesses.Pin pin = hostId <= 0 ? null : host.pin(hostId);
        if (pin == null) throw Errno.ESRCH.error();
        put(hostId, new Binding(pin, task), true, false); // EBUSY for one bound meanwhile
    }

    /**
     * Binds host process {@code hostId}, pinned by {@code pin} and bound to nothing yet (else EPERM,
     * the pin closed), to the task {@code make} makes: a refusal changes nothing, and the new task
     * is bound before the request that made it returns. {@code make} returns null when it made
     * nothing: then nothing is bound and the pin is closed. Returns the task bound, or null.
     */
    public Task attachNew(int hostId, HostProcesses.Pin pin, Supplier<Task> make) {
        Task task = null;
        boolean mine = false;
        try {
            if (bound(hostId) != null) throw Errno.EPERM.error();
            synchronized (this) { // two binds of one child at once (two threads of its parent): one makes a task
                if (bindings.containsKey(hostId) || !making.add(hostId)) throw Errno.EPERM.error();
                mine = true;
            }
            task = make.get();
            if (task != null) put(hostId, new Binding(pin, task), false, true); // a task just made has no other binding
        } finally {
            if (task == null) pin.close();
            if (mine) {
                synchronized (this) {
                    making.remove(hostId);
                }
            }
        }
        return task;
    }

    /** Ends every binding to {@code task}. */
    public void detach(Task task) {
        List<Binding> gone = new ArrayList<>();
        synchronized (this) {
            bindings.values().removeIf(b -> b.task == task && gone.add(b));
            count = bindings.size();
        }
        gone.forEach(b -> b.pin.close());
    }

    /** The live host ids bound to {@code task}, ascending (bindings of exited processes are dropped). */
    public List<Integer> boundTo(Task task) {
        List<Integer> ids = new ArrayList<>();
        synchronized (this) {
            bindings.forEach((id, b) -> {
                if (b.task == task) ids.add(id);
            });
        }
        ids.removeIf(id -> bound(id) == null);
        ids.sort(null);
        return ids;
    }

    /** The host process of host thread {@code hostTid}, if it exists. */
    public OptionalInt tgidOf(int hostTid) {
        return host.tgidOf(hostTid);
    }

    /**
     * The real child of host thread {@code hostTid}'s process that {@code hostTid}'s own pid
     * namespace numbers {@code pid}, pinned, or null ({@link HostProcesses#pinChild}).
     */
    public HostProcesses.PinnedChild pinChild(int hostTid, int pid) {
        return host.pinChild(hostTid, pid);
    }

    /** Host thread {@code hostTid}'s process and its parent (one read of the host's /proc), or null if gone. */
    public HostProcesses.Ids idsOf(int hostTid) {
        return host.idsOf(hostTid);
    }

    /** Host thread {@code hostTid}'s process id in its own pid namespace (getpid()), if known. */
    public OptionalInt tgidVnrOf(int hostTid) {
        return host.tgidVnrOf(hostTid);
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /**
     * What a host thread acts as: {@code task} when it is bound to a live one; the operator when
     * {@code task} is null; otherwise ({@code powerless}) nobody, {@code task} being the dead or
     * the session's binding whose pid namespace it still reads.
     */
    public record Resolution(Task task, boolean powerless) {
        public static final Resolution OPERATOR = new Resolution(null, false);

        public boolean isOperator() {
            return task == null;
        }
    }

    /**
     * What the host thread {@code hostTid} acts as: the binding of its thread, else of its process,
     * else of its nearest bound ancestor whose task is {@code live}. A caller never becomes the
     * operator by losing a binding: one whose bindings are all to dead (reaped) tasks is
     * powerless, and so is an unbound one reparented out of its session leader's subtree (a
     * double fork) when a process of its session is bound. Bindings whose host process is gone
     * (or whose id was reused) are dropped on the way.
     */
    public Resolution resolve(int hostTid, Predicate<Task> live) {
        return resolve(hostTid, null, live);
    }

    /**
     * As {@link #resolve(int, Predicate)}, with the caller's host ids already read
     * ({@link #idsOf}), or null to read them if needed.
     */
    public Resolution resolve(int hostTid, HostProcesses.Ids known, Predicate<Task> live) {
        if (!released.isEmpty()) dropReleased();
        if (hostTid <= 0 || isEmpty()) return Resolution.OPERATOR;
        Task dead = null;
        Task t = bound(hostTid);
        if (t != null) {
            if (live.test(t)) return new Resolution(t, false);
            dead = t;
        }
        HostProcesses.Ids ids = known != null ? known : host.idsOf(hostTid);
        if (ids == null) return dead == null ? Resolution.OPERATOR : new Resolution(dead, true);
        int pid = ids.tgid();
        int[] ancestry = new int[MAX_DEPTH];
        int n = 0;
        while (n < MAX_DEPTH && pid > 1) {
            ancestry[n++] = pid;
            if (pid != hostTid) {
                t = bound(pid);
                if (t != null && live.test(t)) return new Resolution(t, false);
                if (dead == null) dead = t;
            }
            OptionalInt parent = n == 1 ? OptionalInt.of(ids.ppid()) : host.parentOf(pid);
            if (parent.isEmpty()) break;
            pid = parent.getAsInt();
        }
        if (dead != null) return new Resolution(dead, true);
        OptionalInt session = host.sessionOf(ids.tgid());
        if (session.isEmpty()) return Resolution.OPERATOR;
        int sid = session.getAsInt();
        // no leader's subtree to leave: session 0 (a leader outside this pid namespace), host init's, a gone leader's
        if (sid <= 1 || host.startTimeOf(sid).isEmpty()) return Resolution.OPERATOR;
        for (int i = 0; i < n; i++) {
            if (ancestry[i] == sid) return Resolution.OPERATOR; // the leader's subtree: the operator's own commands
        }
        Task inSession = boundInSession(sid, ids.tgid());
        return inSession == null ? Resolution.OPERATOR : new Resolution(inSession, true);
    }

    /**
     * The task of the live bound host process of session {@code sid} with the lowest id, or null;
     * a thread of the caller's own process {@code callerTgid} does not count: it is no ancestor
     * the caller could have left (a restore's JVM binds a thread of its own, and run from a shell
     * that has exited it is reparented out of its leader's subtree).
     */
    private Task boundInSession(int sid, int callerTgid) {
        List<Integer> ids;
        synchronized (this) {
            ids = new ArrayList<>(bindings.keySet());
        }
        ids.sort(null);
        for (int id : ids) {
            Task t = bound(id);
            OptionalInt s = t == null ? OptionalInt.empty() : host.sessionOf(id);
            if (s.isPresent() && s.getAsInt() == sid && host.tgidOf(id).orElse(-1) != callerTgid) return t;
        }
        return null;
    }

    /**
     * Is host id {@code id} the caller {@code callerTid}'s own thread or process, or a process
     * below it in the host tree? ESRCH if {@code id} is no host process.
     */
    public boolean isSelfOrBelow(int callerTid, int id) {
        OptionalInt target = host.tgidOf(id);
        if (target.isEmpty() || host.startTimeOf(id).isEmpty()) throw Errno.ESRCH.error();
        if (id == callerTid) return true;
        OptionalInt own = host.tgidOf(callerTid);
        int pid = target.getAsInt();
        for (int depth = 0; own.isPresent() && depth < MAX_DEPTH && pid > 1; depth++) {
            if (pid == own.getAsInt()) return true;
            OptionalInt parent = host.parentOf(pid);
            if (parent.isEmpty()) return false;
            pid = parent.getAsInt();
        }
        return false;
    }

    private Task bound(int hostId) {
        return bound(hostId, false);
    }

    /**
     * The live task host id {@code hostId} is bound to, else null (a gone process's binding is
     * dropped). {@code likelyGone}: the id's process has probably ended (its task was reaped, or
     * a sweep), so whether the id is in use at all is looked at first: if not, the pinned process
     * is gone without the pin's failing read, whose exception is the dearest thing on a shim
     * cycle's path (an id in use, the pinned process's or a reuser's, is then asked of the pin).
     */
    private Task bound(int hostId, boolean likelyGone) {
        while (true) {
            Binding b;
            synchronized (this) {
                b = bindings.get(hostId);
            }
            if (b == null) return null;
            if ((!likelyGone || b.pin.failsCheaply() || host.exists(hostId)) && b.pin.alive()) return b.task;
            boolean removed;
            synchronized (this) {
                removed = bindings.remove(hostId, b);
                count = bindings.size();
            }
            if (removed) {
                b.pin.close();
                return null;
            }
            // replaced meanwhile (its pin closed by the rebind): look at the new one
        }
    }
}
