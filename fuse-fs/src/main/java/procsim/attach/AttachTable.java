package procsim.attach;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;

import procsim.abi.Errno;
import procsim.task.Task;

/**
 * Which real (host) thread or process acts as which sim thread. A binding names a host id (a
 * thread id, which for a process's main thread is its pid) and the start time it had, so a
 * reused id does not inherit it. A caller resolves to the binding of its own thread, else of its
 * process, else of the nearest bound ancestor in the host's process tree.
 *
 * <p>Lock order: this table's monitor is never held while taking the kernel lock.
 */
public final class AttachTable {
    /** How far up the host tree a caller is looked for (deeper trees are unusual for a shell). */
    private static final int MAX_DEPTH = 64;

    private record Binding(long startTime, Task task) {
    }

    private final HostProcesses host;
    private final Map<Integer, Binding> bindings = new HashMap<>();

    public AttachTable(HostProcesses host) {
        this.host = host;
    }

    /** Binds host id {@code hostId} to {@code task}; ESRCH if there is no such host process. */
    public void attach(int hostId, Task task) {
        OptionalLong start = host.startTimeOf(hostId);
        if (hostId <= 0 || start.isEmpty()) throw Errno.ESRCH.error();
        synchronized (this) {
            bindings.put(hostId, new Binding(start.getAsLong(), task));
        }
    }

    /** Ends every binding to {@code task}. */
    public synchronized void detach(Task task) {
        bindings.values().removeIf(b -> b.task == task);
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

    public synchronized boolean isEmpty() {
        return bindings.isEmpty();
    }

    /**
     * The sim thread the host thread {@code hostTid} acts as, or null for the operator. Bindings
     * whose host process is gone (or whose id was reused) are dropped on the way.
     */
    public Task resolve(int hostTid) {
        if (hostTid <= 0 || isEmpty()) return null;
        Task t = bound(hostTid);
        if (t != null) return t;
        OptionalInt tgid = host.tgidOf(hostTid);
        if (tgid.isEmpty()) return null;
        int pid = tgid.getAsInt();
        for (int depth = 0; depth < MAX_DEPTH && pid > 1; depth++) {
            if (pid != hostTid) {
                t = bound(pid);
                if (t != null) return t;
            }
            OptionalInt parent = host.parentOf(pid);
            if (parent.isEmpty()) return null;
            pid = parent.getAsInt();
        }
        return null;
    }

    private Task bound(int hostId) {
        Binding b;
        synchronized (this) {
            b = bindings.get(hostId);
        }
        if (b == null) return null;
        OptionalLong start = host.startTimeOf(hostId);
        if (start.isPresent() && start.getAsLong() == b.startTime) return b.task;
        synchronized (this) {
            bindings.remove(hostId, b);
        }
        return null;
    }
}
