package procsim.fuse;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;

import procsim.attach.HostProcesses;

/**
 * {@link HostProcesses} whose pins are pidfds: {@code pidfd_open(2)} of the id (PIDFD_THREAD, since
 * Linux 6.9, so a thread's id as well as a process's), alive while {@code pidfd_send_signal(2)} of
 * signal 0 succeeds: it finds the task until it is released (kernel/signal.c
 * kill_pid_info_type: pid_task), a zombie too, and never the task of a later holder of the number
 * (the pidfd holds the struct pid). One syscall a check, no /proc file read and no exception when
 * the task is gone. Everything else is {@code host}'s, and so is a pin where no pidfd can be had
 * (an older kernel, or an id that is gone: then {@code host} says so).
 */
public final class PidfdHostProcesses implements HostProcesses {
    /** arch/x86/entry/syscalls/syscall_64.tbl; asm-generic's numbers are the same for these two. */
    private static final long SYS_PIDFD_SEND_SIGNAL = 424, SYS_PIDFD_OPEN = 434;
    /** include/uapi/linux/pidfd.h: PIDFD_THREAD is O_EXCL. */
    private static final long PIDFD_THREAD = 0x80;

    /** include/uapi/linux/nsfs.h: _IOR(NSIO 0xb7, 0x6, int). */
    private static final long NS_GET_PID_FROM_PIDNS = 0x8004b706L;
    /**
     * include/uapi/linux/pidfd.h: _IOWR(PIDFS_IOCTL_MAGIC 0xff, 11, struct pidfd_info), at its first
     * size (PIDFD_INFO_SIZE_VER0, 64: the kernel takes any size from it); tgid at offset 20, ppid at 24.
     */
    private static final long PIDFD_GET_INFO = 0xc040ff0bL, PIDFD_INFO_PID = 1;
    private static final int PIDFD_INFO_SIZE = 64, PIDFD_INFO_TGID = 20, PIDFD_INFO_PPID = 24;
    private static final int O_RDONLY = 0, O_CLOEXEC = 02000000, EINVAL = 22, ENOTTY = 25, ESRCH = 3;
    /** How many threads' pid namespace files are kept open. */
    private static final int NS_FILES = 64;

    /** A thread's pid namespace file, a pidfd of that thread and its process's id: good while the thread lives. */
    private record NsFile(int ns, int thread, int tgid) {
    }

    /** The libc calls a pidfd pin needs. */
    public interface LibC {
        @SaveError
        long syscall(long number, long a1, long a2, long a3, long a4);

        @SaveError
        int open(String path, int flags);

        @SaveError
        int ioctl(int fd, long request, long arg);

        int close(int fd);
    }

    private final HostProcesses host;
    private final LibC libc;
    private final Runtime runtime;
    private final ThreadLocal<Pointer> info;

    private PidfdHostProcesses(HostProcesses host, LibC libc, Runtime runtime) {
        this.host = host;
        this.libc = libc;
        this.runtime = runtime;
        this.info = ThreadLocal.withInitial(() -> Memory.allocateDirect(runtime, PIDFD_INFO_SIZE));
    }

    /** {@code host} with pidfd pins, or {@code host} itself where this machine has no pidfd for a thread. */
    public static HostProcesses over(HostProcesses host) {
        return over(host, libc -> libc);
    }

    /** The same, its libc calls through {@code wrap} (tests make a call fail as an older kernel or an unprivileged daemon would). */
    static HostProcesses over(HostProcesses host, java.util.function.UnaryOperator<LibC> wrap) {
        LibC libc;
        try {
            libc = LibraryLoader.create(LibC.class).failImmediately().load("c");
        } catch (RuntimeException | LinkageError e) {
            return host;
        }
        int self = (int) libc.syscall(SYS_PIDFD_OPEN, ProcessHandle.current().pid(), PIDFD_THREAD, 0, 0);
        if (self < 0) return host;
        libc.close(self);
        return new PidfdHostProcesses(host, wrap.apply(libc), Runtime.getRuntime(libc));
    }

    /**
     * Whether this kernel translates a pid namespace's numbers for this process
     * (NS_GET_PID_FROM_PIDNS, Linux 6.11): asked of its own pid namespace file for its own pid.
     */
    public static boolean translatesPids() {
        try {
            LibC libc = LibraryLoader.create(LibC.class).failImmediately().load("c");
            int ns = libc.open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
            if (ns < 0) return false;
            int r = libc.ioctl(ns, NS_GET_PID_FROM_PIDNS, ProcessHandle.current().pid());
            libc.close(ns);
            return r >= 0;
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    @Override
    public Pin pin(int id) {
        int fd = id <= 0 ? -1 : (int) libc.syscall(SYS_PIDFD_OPEN, id, PIDFD_THREAD, 0, 0);
        return fd < 0 ? host.pin(id) : pidfdPin(fd);
    }

    private Pin pidfdPin(int fd) {
        return new Pin() {
            private boolean closed;

            @Override
            public synchronized boolean alive() {
                return !closed && taskAlive(fd);
            }

            @Override
            public boolean failsCheaply() {
                return true;
            }

            @Override
            public synchronized void close() {
                if (closed) return;
                closed = true;
                libc.close(fd);
            }
        };
    }

    // The reads of the host's /proc are host's; pin and pinChild (whose fallback runs here) are this class's.
    @Override
    public OptionalInt tgidOf(int tid) {
        return host.tgidOf(tid);
    }

    @Override
    public OptionalInt parentOf(int pid) {
        return host.parentOf(pid);
    }

    @Override
    public int[] threadsOf(int tid) {
        return host.threadsOf(tid);
    }

    @Override
    public boolean exists(int id) {
        return host.exists(id);
    }

    @Override
    public Ids idsOf(int tid) {
        return host.idsOf(tid);
    }

    @Override
    public OptionalLong startTimeOf(int pid) {
        return host.startTimeOf(pid);
    }

    @Override
    public OptionalInt sessionOf(int pid) {
        return host.sessionOf(pid);
    }

    @Override
    public OptionalInt tgidVnrOf(int tid) {
        return host.tgidVnrOf(tid);
    }

    @Override
    public int[] childrenOf(int tid) {
        return host.childrenOf(tid);
    }

    @Override
    public int[] nsTgidsOf(int tid) {
        return host.nsTgidsOf(tid);
    }

    /**
     * The child by the kernel's own translation: NS_GET_PID_FROM_PIDNS on {@code tid}'s pid
     * namespace file, kept open per thread (fs/nsfs.c ns_ioctl: the task with that pid there, its
     * pid in ours; Linux 6.11), pinned, then checked to be a process (its pid is its tgid: a
     * thread's id is no child, as in the children lists) whose parent process is {@code tid}'s (a
     * pid is unique in a namespace): PIDFD_GET_INFO's tgid and ppid (fs/pidfs.c: ppid is the real
     * parent's tgid; Linux 6.13), else status's. Where the kernel cannot translate, or {@code tid}'s
     * namespace file cannot be opened (no ptrace read access to it), by the children lists
     * ({@link #pinChildByChildren}).
     */
    @Override
    public PinnedChild pinChild(int tid, int pid) {
        Translation t = translate(tid, pid);
        if (t == Translation.MISSING) return pinChildByChildren(tid, pid);
        if (t.task() < 0) return null;
        int fd = (int) libc.syscall(SYS_PIDFD_OPEN, t.task(), PIDFD_THREAD, 0, 0);
        if (fd < 0) return null; // gone since the translation
        Pin pin = pidfdPin(fd);
        Ids ids = infoIds(fd);
        if (ids == null) ids = host.idsOf(t.task());
        // alive after the status read: the number was still the pinned child's
        if (ids != null && ids.tgid() == t.task() && ids.ppid() == t.callerTgid() && pin.alive()) return new PinnedChild(t.task(), pin);
        pin.close();
        return null;
    }

    /**
     * The children lists' way ({@link HostProcesses#pinChild}'s own, for a kernel without
     * NS_GET_PID_FROM_PIDNS), run here so the child it finds is pinned by a pidfd ({@link #pin}),
     * not by the comm file {@code host}'s would open.
     */
    PinnedChild pinChildByChildren(int tid, int pid) {
        return HostProcesses.super.pinChild(tid, pid);
    }

    /**
     * The pid namespace files of the threads that forked last, kept open: a task's active pid
     * namespace never changes (kernel/pid.c task_active_pid_ns), so one open serves all of a
     * thread's forks while that thread lives. The least recently used goes, closed, past 64.
     */
    private final LinkedHashMap<Integer, NsFile> nsFiles = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, NsFile> eldest) {
            if (size() <= NS_FILES) return false;
            close(eldest.getValue());
            return true;
        }
    };

    /**
     * What {@link #translate} found: the task {@code tid}'s namespace numbers {@code pid}, as ours
     * (-1 if none), and {@code tid}'s process id, from the same namespace file's entry.
     */
    private record Translation(int task, int callerTgid) {
        static final Translation NONE = new Translation(-1, -1), MISSING = new Translation(-2, -1);
    }

    /**
     * {@code pid} of host thread {@code tid}'s pid namespace as a task of ours: NONE if there is
     * none or {@code tid} is gone, MISSING where the kernel has no NS_GET_PID_FROM_PIDNS or
     * {@code tid}'s namespace file cannot be opened.
     */
    private synchronized Translation translate(int tid, int pid) {
        NsFile file = nsFiles.get(tid);
        if (file != null && !taskAlive(file.thread())) {
            nsFiles.remove(tid);
            close(file);
            file = null;
        }
        if (file == null) {
            int thread = (int) libc.syscall(SYS_PIDFD_OPEN, tid, PIDFD_THREAD, 0, 0);
            if (thread < 0) return Translation.NONE;
            int ns = libc.open("/proc/" + tid + "/ns/pid", O_RDONLY | O_CLOEXEC);
            Ids own = infoIds(thread);
            file = new NsFile(ns, thread, own != null ? own.tgid() : host.tgidOf(tid).orElse(-1));
            // the thread still alive after the open: the file is its own, not a later holder's of the number
            boolean alive = taskAlive(thread);
            if (ns < 0 || !alive || file.tgid() < 0) { // nothing kept that could not be read whole
                close(file);
                return alive && ns < 0 ? Translation.MISSING : Translation.NONE; // a file we may not open (EACCES): the lists
            }
            nsFiles.put(tid, file);
        }
        int task = libc.ioctl(file.ns(), NS_GET_PID_FROM_PIDNS, pid);
        if (task >= 0) return new Translation(task, file.tgid());
        int errno = LastError.getLastError(runtime);
        return errno == ENOTTY || errno == EINVAL ? Translation.MISSING : Translation.NONE;
    }

    /** Whether pidfd's task is still there: only ESRCH says it is gone, EPERM (an LSM's signal rule) is a live one. */
    private boolean taskAlive(int pidfd) {
        return libc.syscall(SYS_PIDFD_SEND_SIGNAL, pidfd, 0, 0, 0) == 0 || LastError.getLastError(runtime) != ESRCH;
    }

    private void close(NsFile file) {
        if (file.ns() >= 0) libc.close(file.ns());
        if (file.thread() >= 0) libc.close(file.thread());
    }

    /** Pidfd {@code fd}'s task's tgid and its parent's by PIDFD_GET_INFO; null where that ioctl is missing. */
    private Ids infoIds(int fd) {
        Pointer buf = info.get();
        buf.putLong(0, PIDFD_INFO_PID);
        if (libc.ioctl(fd, PIDFD_GET_INFO, buf.address()) < 0) return null;
        return new Ids(buf.getInt(PIDFD_INFO_TGID), buf.getInt(PIDFD_INFO_PPID));
    }
}
