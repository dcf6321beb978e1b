package procsim.kernel;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

import procsim.abi.Capability;
import procsim.abi.Errno;
import procsim.abi.SysError;
import procsim.ipc.IpcIds;
import procsim.ipc.IpcUtil;
import procsim.ipc.Msg;
import procsim.ipc.Sem;
import procsim.ipc.Shm;
import procsim.pid.PidNamespace;
import procsim.restore.NextSyscallData;
import procsim.syscall.Call;
import procsim.syscall.SyscallContext;
import procsim.syscall.SyscallResult;
import procsim.syscall.SyscallTable;
import procsim.task.Task;
import procsim.task.TaskSet;

/**
 * The sim kernel: boot, the one kernel lock, the clock, and the entry points a proc tree needs
 * (syscalls as a thread, next_syscall_data, the pid sysctls). Mirrors gVisor's kernel.go.
 *
 * <p>Locking: one {@link ReentrantReadWriteLock}, like Linux's tasklist_lock and gVisor's
 * TaskSet.mu. Syscalls and writes take it for writing; renders take it for reading and copy
 * out what they need. wait4 waits on a condition of the write lock, which releases it.
 */
public final class Kernel implements SyscallContext {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final KernelConfig config;
    private final TaskSet tasks;
    private final Msg msg;
    private final Sem sem;
    private final Shm shm;
    /** Signalled whenever a task exits or an IPC object changes: what blocked syscalls wait for. */
    private final Condition changed;
    /** The running syscall's "was the request interrupted?" (a FUSE interrupt, say). */
    private final ThreadLocal<BooleanSupplier> interrupted = new ThreadLocal<>();
    /** The thread the running syscall is made by: a stopped thread's blocked syscall stays blocked. */
    private final ThreadLocal<Task> current = new ThreadLocal<>();
    private final SyscallTable syscalls;
    private final long bootNanos = System.nanoTime();
    private final long bootTime;

    private Kernel(KernelConfig config, SyscallTable syscalls) {
        this.config = config;
        this.syscalls = syscalls;
        if (config.pidMax() < PidNamespace.PID_MAX_MIN || config.pidMax() > PidNamespace.PID_MAX_LIMIT) {
            throw new IllegalArgumentException("pid_max must be in [" + PidNamespace.PID_MAX_MIN + ", "
                    + PidNamespace.PID_MAX_LIMIT + "]: " + config.pidMax());
        }
        this.bootTime = config.clock().getAsLong();
        this.changed = lock.writeLock().newCondition();
        IpcUtil ipc = new IpcUtil(config.clock(), this::block, this::wakeAll);
        this.msg = new Msg(ipc);
        this.sem = new Sem(ipc);
        this.shm = new Shm(ipc);
        this.tasks = new TaskSet(config.pidMax(), shm, this::block, this::wakeAll, this::ticks);
    }

    /** Boots with {@code syscalls} as the syscall table (as an arch's table is linked into Linux). */
    public static Kernel boot(KernelConfig config, SyscallTable syscalls) {
        return new Kernel(config, syscalls);
    }

    /** Boots with the table of every syscall procsim models ({@link SyscallTable#standard()}). */
    public static Kernel boot(KernelConfig config) {
        return boot(config, SyscallTable.standard());
    }

    public static Kernel boot() {
        return boot(KernelConfig.defaults());
    }

    @Override
    public TaskSet tasks() {
        return tasks;
    }

    @Override
    public Msg msg() {
        return msg;
    }

    @Override
    public Sem sem() {
        return sem;
    }

    @Override
    public Shm shm() {
        return shm;
    }

    public SyscallTable syscallTable() {
        return syscalls;
    }

    /** Wall-clock seconds (IPC times). */
    public long now() {
        return config.clock().getAsLong();
    }

    /** Wall-clock seconds at boot (/proc/stat btime): btime + ticks / 100 is now. */
    public long bootTime() {
        return bootTime;
    }

    /** Clock ticks (USER_HZ = 100) since boot. */
    public long ticks() {
        return (System.nanoTime() - bootNanos) / 10_000_000L;
    }

    /** Runs {@code f} under the read lock: for renders, which copy what they need and return. */
    public <T> T read(Supplier<T> f) {
        lock.readLock().lock();
        try {
            return f.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Runs {@code f} under the write lock. */
    public <T> T write(Supplier<T> f) {
        lock.writeLock().lock();
        try {
            return f.get();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Decodes a line; EINVAL (a {@link SysError}) if it is malformed. Takes no lock. */
    public Call decode(String line) {
        return syscalls.decode(line);
    }

    /** Decodes and runs one line as {@code task}; a malformed line fails with EINVAL and changes nothing. */
    public SyscallResult syscall(Task task, String line) {
        Call call;
        try {
            call = decode(line);
        } catch (SysError e) {
            return SyscallResult.fail(e.errno());
        }
        return syscall(task, call);
    }

    /**
     * Runs a decoded call as {@code task}, atomically under the kernel lock. ESRCH if the thread
     * has exited.
     * Deviation: a call made for a stopped thread runs at once, as a ptracer's injected syscall
     * would (how CRIU queries a stopped task); a blocking call waits for SIGCONT before it returns.
     */
    public SyscallResult syscall(Task task, Call call) {
        return syscall(task, call, () -> false);
    }

    /**
     * The same, for a caller that can be interrupted: a blocked wait4, msgsnd, msgrcv or semop
     * checks {@code interrupted} at least every 100 ms and then fails with EINTR, as a signal
     * ends a blocking syscall in Linux.
     */
    public SyscallResult syscall(Task task, Call call, BooleanSupplier interrupted) {
        this.interrupted.set(interrupted);
        current.set(task);
        try {
            return runLocked(task, call);
        } finally {
            this.interrupted.remove();
            current.remove();
        }
    }

    private SyscallResult runLocked(Task task, Call call) {
        lock.writeLock().lock();
        try {
            SyscallResult r;
            try {
                if (task.exited()) return SyscallResult.fail(Errno.ESRCH);
                r = call.run(this, task);
            } catch (SysError e) {
                r = SyscallResult.fail(e.errno());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                r = SyscallResult.fail(Errno.EINTR);
            }
            return r;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Waits (the write lock released) for a change; EINTR once the running request is interrupted.
     * While the calling thread is stopped it goes on waiting: its syscall resumes after SIGCONT.
     */
    private void block() throws InterruptedException {
        awaitChange();
        Task t = current.get();
        while (t != null && !t.exited() && t.group().isStopped()) awaitChange();
    }

    private void awaitChange() throws InterruptedException {
        BooleanSupplier i = interrupted.get();
        if (i != null && i.getAsBoolean()) throw Errno.EINTR.error();
        changed.awaitNanos(100_000_000L);
        if (i != null && i.getAsBoolean()) throw Errno.EINTR.error();
    }

    private void wakeAll() {
        changed.signalAll();
    }

    // ------------------------------------------------------------ next_syscall_data

    /** The file's text: {@code UNSET} or {@code LONG<n> v1 ... vn}, newline-terminated. */
    public String readNextSyscallData(Task task) {
        return read(() -> {
            NextSyscallData d = task.nextSyscallData();
            return (d == null ? "UNSET" : d.toString()) + "\n";
        });
    }

    /**
     * A write to next_syscall_data by {@code writer} (null: the operator, acting on the thread's
     * behalf). Only current may set its own data, else EPERM. A nonzero offset or bad text is
     * EINVAL and clears the value, as the patch does.
     */
    public void writeNextSyscallData(Task writer, Task task, String text, long offset) {
        if (writer != null && writer != task) throw Errno.EPERM.error();
        write(() -> {
            if (task.exited()) throw Errno.ESRCH.error();
            task.setNextSyscallData(null);
            if (offset != 0) throw Errno.EINVAL.error();
            task.setNextSyscallData(NextSyscallData.parse(text));
            return null;
        });
    }

    // ------------------------------------------------------------ pid sysctls

    /** ns_last_pid of {@code ns}: the last cyclically allocated pid (or the last value written). */
    public int nsLastPid(PidNamespace ns) {
        return read(ns::lastPid);
    }

    /**
     * ns_last_pid write (pid_ns_ctl_handler) by thread {@code writer} (null: the operator, with
     * root credentials): CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE else EPERM; [0, ns pid_max]
     * else EINVAL. Returns the bytes consumed, as write(2) would. The namespace's listeners hear it.
     */
    public int writeNsLastPid(Task writer, PidNamespace ns, String text) {
        if (!mayWrite(writer, Task::checkpointRestoreCapable)) throw Errno.EPERM.error();
        SysctlInt v = SysctlInt.parse(text);
        write(() -> {
            ns.setLastPid(v.value(), writer == null ? null : writer.pid());
            return null;
        });
        return v.consumed();
    }

    /**
     * A sysctl writer's permission check, under the write lock: a capability check that succeeds
     * marks the task PF_SUPERPRIV (ns_capable). The operator (null) has root's credentials.
     */
    private boolean mayWrite(Task writer, Predicate<Task> check) {
        return writer == null || write(() -> check.test(writer));
    }

    /** msg_next_id, sem_next_id, shm_next_id of an IPC namespace: -1 when unset. */
    public int ipcNextId(IpcIds<?> ids) {
        return read(ids::nextId);
    }

    /**
     * A write to *_next_id by thread {@code writer} (null: the operator): open needs
     * CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN (ipc/ipc_sysctl.c ipc_permissions,
     * checkpoint_restore_ns_capable; else EACCES: the file is 0444 and made writable at open); the
     * value must be in [0, INT_MAX], else EINVAL.
     * Deviation: Linux runs the check at every open, a read's too, so a capable reader is marked
     * PF_SUPERPRIV as well; the sim checks writes only (as for pid_max).
     */
    public int writeIpcNextId(Task writer, IpcIds<?> ids, String text) {
        if (!mayWrite(writer, Task::checkpointRestoreCapable)) throw Errno.EACCES.error();
        SysctlInt v = SysctlInt.parse(text);
        write(() -> {
            ids.setNextId(v.value());
            return null;
        });
        return v.consumed();
    }

    public int pidMax(PidNamespace ns) {
        return read(ns::pidMax);
    }

    /**
     * pid_max write (6.14+ per namespace) by thread {@code writer} (null: the operator): [301,
     * 4194304] else EINVAL. Permission is the namespace-root check (kernel/pid.c
     * pid_table_root_permissions): ns_capable(CAP_SYS_ADMIN), then euid 0, else EACCES
     * (CAP_CHECKPOINT_RESTORE alone is not enough).
     */
    public int writePidMax(Task writer, PidNamespace ns, String text) {
        if (!mayWrite(writer, w -> w.capable(Capability.CAP_SYS_ADMIN) || w.creds().euid() == 0)) {
            throw Errno.EACCES.error();
        }
        SysctlInt v = SysctlInt.parse(text);
        if (v.value() < PidNamespace.PID_MAX_MIN || v.value() > PidNamespace.PID_MAX_LIMIT) throw Errno.EINVAL.error();
        write(() -> {
            ns.setPidMax((int) v.value());
            return null;
        });
        return v.consumed();
    }
}
