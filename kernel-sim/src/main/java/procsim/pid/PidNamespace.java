package procsim.pid;

import procsim.abi.Errno;

/**
 * A pid namespace and its number allocator. Mirrors {@code struct pid_namespace} and its IDR
 * (kernel/pid.c, kernel/pid_namespace.c): a cyclic cursor ({@code idr_next}), a per-namespace
 * {@code pid_max} (6.14+), a child reaper, and the PIDNS_ADDING bit that dies with init.
 *
 * <p>Not thread-safe: callers hold the kernel lock.
 */
public final class PidNamespace {
    /** include/linux/pid.h */
    public static final int RESERVED_PIDS = 300;
    /** include/linux/threads.h, 64-bit */
    public static final int PID_MAX_LIMIT = 4 * 1024 * 1024;
    public static final int PID_MAX_DEFAULT = 32768;
    /** max(RESERVED_PIDS + 1, 8 * possible cpus) with few cpus. */
    public static final int PID_MAX_MIN = RESERVED_PIDS + 1;
    /** include/linux/pid_namespace.h: the deepest namespace is level 32. */
    public static final int MAX_PID_NS_LEVEL = 32;
    /** include/linux/proc_ns.h PROC_PID_INIT_INO */
    public static final long PROC_PID_INIT_INO = 0xEFFFFFFCL;

    private final PidNamespace parent;
    private final int level;
    private final long inum;
    // guarded by the kernel lock, with the bitmap's and the race log's contents
    private final PidBitmap used = new PidBitmap();
    private Pid[] byNr = new Pid[64];
    private int cursor;
    private int pidMax;
    private int allocated;
    /** Pids ever made here, freed or not: in the root namespace, total_forks (every task, threads too). */
    private long totalAllocated;
    private boolean adding = true;
    /** child_reaper is set: the namespace has had its init (pid 1). */
    private boolean hasChildReaper;
    private PidAllocListener[] listeners = NO_LISTENERS;
    private static final PidAllocListener[] NO_LISTENERS = {};

    private PidNamespace(PidNamespace parent, int pidMax, long inum) {
        this.parent = parent;
        this.level = parent == null ? 0 : parent.level + 1;
        this.pidMax = pidMax;
        this.inum = inum;
    }

    public static PidNamespace root(int pidMax) {
        return new PidNamespace(null, pidMax, PROC_PID_INIT_INO);
    }

    /**
     * {@code create_pid_namespace}: level above 32 is ENOSPC; since 6.14 (fix d385c8bceb14) a new
     * namespace's pid_max is PID_MAX_LIMIT, not a copy of the parent's.
     */
    public PidNamespace createChild(long inum) {
        if (level + 1 > MAX_PID_NS_LEVEL) throw Errno.ENOSPC.error();
        PidNamespace child = new PidNamespace(this, PID_MAX_LIMIT, inum);
        for (PidAllocListener l : listeners) {
            PidAllocListener c = l.forChild(child);
            if (c != null) child.addListener(c);
        }
        return child;
    }

    /** Attaches {@code l}: it hears this namespace's ns_last_pid writes and cyclic allocations from now on. */
    public void addListener(PidAllocListener l) {
        listeners = java.util.Arrays.copyOf(listeners, listeners.length + 1);
        listeners[listeners.length - 1] = l;
    }

    /** The first attached listener of class {@code type}, or null. */
    public <T extends PidAllocListener> T listener(Class<T> type) {
        for (PidAllocListener l : listeners) {
            if (type.isInstance(l)) return type.cast(l);
        }
        return null;
    }

    public PidNamespace parent() {
        return parent;
    }

    public int level() {
        return level;
    }

    /** The nsfs inode number: the link text is {@code pid:[inum]}. */
    public long inum() {
        return inum;
    }

    public int pidMax() {
        return pidMax;
    }

    /** {@code kernel.pid_max}: [PID_MAX_MIN, PID_MAX_LIMIT]; never renumbers existing pids. */
    public void setPidMax(int value) {
        if (value < PID_MAX_MIN || value > PID_MAX_LIMIT) throw Errno.EINVAL.error();
        pidMax = value;
    }

    /** {@code ns_last_pid} read: {@code idr_get_cursor() - 1}. */
    public int lastPid() {
        return cursor - 1;
    }

    /** {@code ns_last_pid} write: [0, this namespace's pid_max] inclusive, then cursor = v + 1. */
    public void setLastPid(long value) {
        setLastPid(value, null);
    }

    /** The same, by the thread with pid {@code writer} (null: the operator), as the listeners hear it. */
    public void setLastPid(long value, Pid writer) {
        if (value < 0 || value > pidMax) throw Errno.EINVAL.error();
        cursor = (int) value + 1;
        for (PidAllocListener l : listeners) l.lastPidWritten(this, writer, (int) value);
    }

    public boolean isAncestorOf(PidNamespace other) {
        for (PidNamespace ns = other; ns != null; ns = ns.parent) {
            if (ns == this) return true;
        }
        return false;
    }

    /** True once the namespace has had an init, its child reaper (which the task layer knows). */
    public boolean hasChildReaper() {
        return hasChildReaper;
    }

    public void setHasChildReaper() {
        hasChildReaper = true;
    }

    /** PIDNS_ADDING: false once init has died ({@code disable_pid_allocation}). */
    public boolean acceptsNewPids() {
        return adding;
    }

    public void disableAllocation() {
        adding = false;
    }

    /** How many pids hold a number here ({@code pid_allocated} without the ADDING bit). */
    public int allocatedCount() {
        return allocated;
    }

    /** Pids ever allocated here since the namespace was made, freed ones included. */
    public long totalAllocated() {
        return totalAllocated;
    }

    public Pid lookup(int nr) {
        return nr > 0 && nr < byNr.length ? byNr[nr] : null;
    }

    /** Next allocated number {@code >= from}, or -1: iteration in pid order for readdir. */
    public int nextAllocated(int from) {
        return used.nextSetBit(Math.max(from, 1));
    }

    /**
     * {@code alloc_pid}: one number per level from {@code ns} (innermost) out to the root, exact
     * where {@code request} pins a level and cyclic elsewhere. On failure every number taken so
     * far is released and nothing changes.
     */
    public static Pid alloc(PidNamespace ns, PidRequest request) {
        int n = ns.level + 1;
        PidNamespace[] chain = new PidNamespace[n];
        int[] numbers = new int[n];
        int i = ns.level;
        try {
            for (PidNamespace tmp = ns; tmp != null; tmp = tmp.parent, i--) {
                chain[i] = tmp;
                int want = request.at(i);
                numbers[i] = want != 0 ? tmp.allocExact(want, request) : tmp.allocCyclic();
            }
            if (!ns.adding) throw Errno.ENOMEM.error();
        } catch (RuntimeException e) {
            for (int j = ns.level; j > i; j--) chain[j].release(numbers[j]);
            if (ns.allocated == 0 && ns.adding) ns.cursor = 0;
            throw e;
        }
        Pid pid = new Pid(chain, numbers);
        for (int j = 0; j < n; j++) {
            chain[j].byNrPut(numbers[j], pid);
            chain[j].allocated++;
            chain[j].totalAllocated++;
        }
        return pid;
    }

    /**
     * Tells the listeners of each level where {@code pid} (just allocated for {@code request})
     * got its number cyclically that the thread with pid {@code forker} made it, outermost first.
     */
    public static void forkedBy(Pid pid, PidRequest request, Pid forker) {
        for (int j = 0; j <= pid.level(); j++) {
            PidNamespace ns = pid.namespaceAtLevel(j);
            if (request.at(j) != 0) continue;
            for (PidAllocListener l : ns.listeners) l.pidAllocated(ns, pid.numberAtLevel(j), forker);
        }
    }

    /** {@code free_pid}: releases every level's number. */
    public static void free(Pid pid) {
        for (int l = 0; l <= pid.level(); l++) {
            PidNamespace ns = pid.namespaceAtLevel(l);
            int nr = pid.numberAtLevel(l);
            ns.byNr[nr] = null;
            ns.used.clear(nr);
            ns.allocated--;
        }
    }

    private int allocExact(int nr, PidRequest request) {
        if (nr < 1 || nr >= pidMax) throw Errno.EINVAL.error();
        if (nr != 1 && !hasChildReaper) throw Errno.EINVAL.error();
        request.checkPermission(this);
        if (used.get(nr)) throw request.busy().error();
        used.set(nr);
        return nr;
    }

    /** {@code idr_alloc_cyclic(pid_min, pid_max)}: pid_min is 300 once the cursor passed 300. */
    private int allocCyclic() {
        int min = cursor > RESERVED_PIDS ? RESERVED_PIDS : 1;
        int start = Math.max(cursor, min);
        int nr = start < pidMax ? used.nextClearBit(start) : pidMax;
        if (nr >= pidMax) {
            nr = used.nextClearBit(min);
            if (nr >= Math.min(start, pidMax)) throw Errno.EAGAIN.error();
        }
        used.set(nr);
        cursor = nr + 1;
        return nr;
    }

    private void release(int nr) {
        used.clear(nr);
    }

    private void byNrPut(int nr, Pid pid) {
        if (nr >= byNr.length) {
            int size = byNr.length;
            while (size <= nr) size <<= 1;
            byNr = java.util.Arrays.copyOf(byNr, size);
        }
        byNr[nr] = pid;
    }

    @Override
    public String toString() {
        return "pid:[" + inum + "] level " + level;
    }
}
