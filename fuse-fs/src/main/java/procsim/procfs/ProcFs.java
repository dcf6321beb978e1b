package procsim.procfs;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import procsim.abi.Capability;
import procsim.abi.Errno;
import procsim.abi.Strtol;
import procsim.abi.SysError;
import procsim.attach.AttachTable;
import procsim.attach.HostProcesses;
import procsim.ipc.IpcNamespace;
import procsim.kernel.Kernel;
import procsim.kernel.KernelConfig;
import procsim.pid.PidNamespace;
import procsim.procfs.render.MapsFile;
import procsim.syscall.Call;
import procsim.syscall.CloneCall;
import procsim.syscall.SyscallResult;
import procsim.syscall.SyscallTable;
import procsim.task.Ptrace;
import procsim.task.Task;

/**
 * The sim kernel as a /proc tree: resolves a path as the calling viewer sees it (fs/proc/root.c,
 * base.c), against the directory tables ({@link RootEntries}, {@link TgidEntries},
 * {@link SysKernelEntries}). Nothing is cached: every request resolves and renders afresh.
 */
public final class ProcFs implements ProcTree {
    private final Kernel kernel;
    private final AttachTable attach;
    private final LastReplies lastReplies;
    private final AtomicLong released = new AtomicLong();

    public ProcFs(Kernel kernel, AttachTable attach) {
        this.kernel = kernel;
        this.attach = attach;
        this.lastReplies = new LastReplies(kernel);
        ExtensionEntries.recordRaces(kernel);
        kernel.write(() -> {
            kernel.tasks().onRelease(t -> {
                released.incrementAndGet();
                attach.released(t);
            });
            return null;
        });
    }

    @Override
    public long releases() {
        return released.get();
    }

    /** Boots a sim kernel with {@code pidMax} and serves it, attaching through the host's /proc. */
    public static ProcFs boot(int pidMax, HostProcesses host) {
        Kernel kernel = Kernel.boot(KernelConfig.defaults().withPidMax(pidMax), SyscallTable.standard());
        return new ProcFs(kernel, new AttachTable(host));
    }

    public Kernel kernel() {
        return kernel;
    }

    /** Each thread's last syscall reply, for its syscall files. */
    public LastReplies lastReplies() {
        return lastReplies;
    }

    public AttachTable attachTable() {
        return attach;
    }

    /**
     * The caller's view: its attached sim thread's namespace, or the operator's root view. A
     * binding to a reaped task no longer acts, and the caller resolves on up the host tree; with
     * no live binding there it is powerless ({@link AttachTable#resolve}), never the operator:
     * falling back to the operator would be a way up.
     */
    public Viewer viewerOf(Caller caller) {
        return viewerOf(caller, null);
    }

    /** As {@link #viewerOf(Caller)}, with the caller's host ids read already (or null). */
    private Viewer viewerOf(Caller caller, HostProcesses.Ids ids) {
        while (true) {
            AttachTable.Resolution r = attach.resolve(caller.hostTid(), ids, this::live);
            if (r.isOperator()) return Viewer.operator(kernel.tasks().rootPidNs());
            Task t = r.task();
            Viewer v = kernel.read(() -> r.powerless() ? Viewer.powerless(t.activePidNs())
                    : t.group().isReaped() ? null : Viewer.of(t));
            if (v != null) return v;
            // reaped since resolve looked: resolve again, now seeing it dead
        }
    }

    /**
     * The caller as a writer: ESRCH if it has no live sim thread to act as (powerless, or its
     * thread has exited: a task in do_exit or a zombie makes no more syscalls).
     */
    public Viewer writerOf(Caller caller) {
        return writerOf(caller, null);
    }

    private Viewer writerOf(Caller caller, HostProcesses.Ids ids) {
        Viewer v = viewerOf(caller, ids);
        if (v.isPowerless() || (!v.isOperator() && kernel.read(v.task()::exited))) throw Errno.ESRCH.error();
        return v;
    }

    private boolean live(Task t) {
        return kernel.read(() -> !t.group().isReaped());
    }

    // ------------------------------------------------------------ ProcTree

    /**
     * The node's attributes with its inode number (the mount runs with use_ino): a namespace
     * file's is its namespace's inum; any other node's a hash (FNV-1a) of the names on its path
     * and of the identity of every task directory on the way ({@link #taskIno}), so a pid used
     * again is a new number, as a new inode in Linux.
     * Deviation: Linux numbers a procfs inode when it makes it (get_next_ino); here a path keeps
     * its number while its tasks live.
     */
    @Override
    public FileAttr getattr(Caller caller, String path) {
        long[] ino = new long[1];
        Node n = walk(RootEntries.root(new ViewDir(this, viewerOf(caller), caller, false)), path, ino);
        FileAttr a = n.attr();
        return a.ino() != 0 && !(n instanceof Node.Dir) ? a : a.withIno(ino[0] | INO_FLOOR);
    }

    /** Inode numbers the mount makes are at least 2^32: never 0, never a namespace's inum (32 bits). */
    static final long INO_FLOOR = 1L << 32;

    private static long mix(long h, long v) {
        return (h ^ v) * 0x100000001b3L;
    }

    /** A task directory's seed: the task object's identity, the thread form apart from the process's. */
    static long taskIno(Task t, boolean perThread) {
        return mix(mix(0xcbf29ce484222325L, System.identityHashCode(t)), t.startTime() * 2 + (perThread ? 1 : 0));
    }

    @Override
    public List<String> readdir(Caller caller, String path) {
        Node n = resolve(caller, path);
        if (!(n instanceof Node.Dir d)) throw Errno.ENOTDIR.error();
        return d.names().get();
    }

    /**
     * A link's target. An fd link names a path the sim task chose (/etc/passwd, /dev/console),
     * which the host would resolve on its own filesystem: it is served to readlink(2) exactly, and
     * a path walk that would follow it (cat, a redirect, touch, stat -L) is EACCES, as Linux
     * refuses to follow an fd link for a caller it does not let through (proc_pid_get_link).
     * Deviation: Linux lets a permitted caller follow an fd link to the open file itself; the sim
     * has no file to reach, and a FUSE symlink would be followed to the host's file of that name.
     */
    @Override
    public String readlink(Caller caller, String path) {
        Node n = resolve(caller, path);
        if (!(n instanceof Node.Link l)) throw Errno.EINVAL.error();
        if (l.hostPath() && !caller.readingLink().getAsBoolean()) throw Errno.EACCES.error();
        return l.target().get();
    }

    @Override
    public ProcHandle open(Caller caller, String path, int flags) {
        Node n = resolve(caller, path);
        if (n instanceof Node.Dir) throw Errno.EISDIR.error();
        if (!(n instanceof Node.File f)) throw Errno.EINVAL.error();
        return f.open().get();
    }

    @Override
    public void truncate(Caller caller, String path) {
        Node n = resolve(caller, path);
        if (n instanceof Node.Dir) throw Errno.EISDIR.error();
    }

    /** The caller's view is resolved once (a host-tree walk when bindings exist), not per path. */
    @Override
    public java.util.function.Predicate<String> resolver(Caller caller) {
        ViewDir root = new ViewDir(this, viewerOf(caller), caller, false);
        return path -> ProcTree.resolves(() -> resolve(root, path));
    }

    private Node resolve(Caller caller, String path) {
        return resolve(new ViewDir(this, viewerOf(caller), caller, false), path);
    }

    /** Walks {@code path} from the root as {@code viewer}; ENOENT or ENOTDIR on the way. */
    public Node resolve(Viewer viewer, String path) {
        return resolve(new ViewDir(this, viewer), path);
    }

    private Node resolve(ViewDir root, String path) {
        return walk(RootEntries.root(root), path);
    }

    /**
     * Walks {@code path} down from {@code start}; a link on the way is followed from the directory
     * that holds it (procfs's targets are relative: {@code self} -> {@code 42} within its view).
     */
    private static Node walk(Node start, String path) {
        return walk(start, path, null);
    }

    /** As {@link #walk(Node, String)}; {@code ino[0]}, if given, gets the node's number ({@link #mix}). */
    private static Node walk(Node start, String path, long[] ino) {
        Node dir = start;
        Node n = start;
        long h = 0xcbf29ce484222325L;
        for (String part : path.split("/")) {
            if (part.isEmpty()) continue;
            if (n instanceof Node.Link l) n = walk(dir, l.target().get());
            if (!(n instanceof Node.Dir d)) throw Errno.ENOTDIR.error();
            dir = n;
            n = d.lookup().apply(part);
            if (n == null) throw Errno.ENOENT.error();
            for (int i = 0; i < part.length(); i++) h = mix(h, part.charAt(i));
            h = mix(h, '/');
            if (n instanceof Node.Dir && n.attr().ino() != 0) h = mix(h, n.attr().ino());
        }
        if (ino != null) ino[0] = h;
        return n;
    }

    // ------------------------------------------------------------ used by the tables

    /** {@code name_to_int}: decimal digits only, no leading zero; -1 otherwise. */
    public static int parsePid(String name) {
        int n = name.length();
        if (n == 0 || n > 10 || (n > 1 && name.charAt(0) == '0')) return -1;
        long v = 0;
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v > Integer.MAX_VALUE ? -1 : (int) v;
    }

    /** The reader's IPC namespace: its sim thread's, or the boot namespace for the operator. */
    public IpcNamespace ipcNs(Viewer v) {
        Task t = v.task() == null ? kernel.tasks().init() : v.task();
        return kernel.read(t::ipcNs);
    }

    /** The pid the real caller's own pid namespace gives its process (getpid()), 0 if unknown. */
    int tgidVnr(Caller caller) {
        return caller == null ? 0 : attach.tgidVnrOf(caller.hostTid()).orElse(0);
    }

    /** The whole sim's counts and clock, with the viewer's namespace's last pid. */
    SystemSnapshot system(Viewer v) {
        return kernel.read(() -> SystemSnapshot.of(kernel, v.ns()));
    }

    /** The thread-group leaders the viewer's namespace can see, in pid order. */
    List<String> tgids(PidNamespace ns) {
        return kernel.read(() -> {
            List<String> out = new ArrayList<>();
            for (int nr = ns.nextAllocated(1); nr > 0; nr = ns.nextAllocated(nr + 1)) {
                Task t = kernel.tasks().lookup(ns, nr);
                if (t != null && t.isLeader() && !t.group().isReaped()) {
                    out.add(Integer.toString(nr));
                }
            }
            return out;
        });
    }

    /** The task numbered {@code nr} in the viewer's namespace, or null (lookup of a tid works too). */
    Task task(Viewer v, int nr) {
        return kernel.read(() -> {
            Task t = kernel.tasks().lookup(v.ns(), nr);
            return t == null || t.group().isReaped() ? null : t;
        });
    }

    TaskSnapshot snapshot(TaskDir d) {
        return kernel.read(() -> {
            Task t = d.task();
            if (t.group().isReaped() || t.pid().nr(d.viewer().ns()) == 0) throw Errno.ESRCH.error();
            return TaskSnapshot.of(kernel, t, d.viewer().ns(), !d.perThread());
        });
    }

    /**
     * task/TID/children (fs/proc/array.c children_seq_show): each child's pid and a space.
     * Deviation: children belong to the thread group in procsim, so they are listed under the
     * group leader's tid only.
     */
    String children(TaskDir d) {
        return kernel.read(() -> {
            Task t = d.task();
            if (t.group().isReaped()) throw Errno.ESRCH.error();
            StringBuilder b = new StringBuilder();
            if (t.isLeader()) {
                for (var c : t.group().children()) {
                    int nr = c.tgid(d.viewer().ns());
                    if (nr != 0) b.append(nr).append(' ');
                }
            }
            return b.toString();
        });
    }

    /** /proc/PID/maps: the process's SysV shm attaches (the only mappings the sim has). */
    String maps(TaskDir d) {
        return MapsFile.render(kernel.read(() -> {
            Task t = d.task();
            if (t.group().isReaped()) throw Errno.ESRCH.error();
            return t.group().shmMappings();
        }));
    }

    int writeComm(Caller caller, Task task, String text) {
        Viewer v = writerOf(caller);
        kernel.write(() -> {
            if (!v.isOperator() && v.task().group() != task.group()) throw Errno.EINVAL.error();
            if (task.exited()) throw Errno.ESRCH.error();
            kernel.tasks().setComm(task, text);
            return null;
        });
        return text.length();
    }

    int writeNextSyscallData(Caller caller, Task task, String text, long offset) {
        Viewer v = writerOf(caller);
        kernel.writeNextSyscallData(v.task(), task, text, offset);
        return text.length();
    }

    String readAttach(Task task) {
        StringBuilder b = new StringBuilder();
        for (int id : attach.boundTo(task)) b.append(id).append('\n');
        return b.toString();
    }

    /**
     * {@code <host id>} binds that real thread or process; {@code self} binds the caller's own real
     * process (the thread group of the request's host tid: a process in a pid namespace of its own
     * does not know its host pid, as the shim's forked child), {@code thread-self} the caller's real
     * thread alone (the shim's new pthread); {@code detach} ends the bindings. The
     * operator may do either; an attached caller only to a task its own may ptrace
     * ({@link Ptrace#mayAttach}), may bind only a real process that is its own ({@link #mayBind}),
     * and may end its own task's bindings (and so leave it,
     * perhaps for the operator's powers) only with CAP_SYS_ADMIN; otherwise EPERM, as
     * PTRACE_ATTACH. A caller with no live sim thread gets ESRCH ({@link #writerOf}).
     */
    int writeAttach(Caller caller, Task task, String text) {
        String w = text.strip();
        boolean detach = w.equals("detach");
        int id = detach ? 0 : w.equals("self") ? attach.tgidOf(caller.hostTid()).orElse(0)
                : w.equals("thread-self") ? caller.hostTid() : parsePid(w);
        if (!detach && id <= 0) throw Errno.EINVAL.error();
        // host init is every process's ancestor: binding it would make the whole machine one sim thread
        if (id == 1) throw Errno.EPERM.error();
        Viewer v = writerOf(caller);
        if (!v.isOperator()) {
            Task current = v.task();
            boolean allowed = kernel.write(() -> detach && current == task
                    ? current.capable(Capability.CAP_SYS_ADMIN) : Ptrace.mayAttach(current, task));
            if (!allowed) throw Errno.EPERM.error();
            if (!detach && !mayBind(caller, current, id)) throw Errno.EPERM.error();
        }
        if (detach) {
            attach.detach(task);
            return text.length();
        }
        if (kernel.read(task::exited)) throw Errno.ESRCH.error();
        attach.attach(id, task);
        return text.length();
    }

    /**
     * {@code attach TID} on {@code procsim/syscall}: binds the caller to sim task TID, numbered in
     * the caller's pid namespace, if no real process or thread is bound to it yet: the calling
     * real process (as {@code self}) when TID is a child process of the caller's sim thread's
     * process (made by its fork or clone line), the calling real thread alone (as
     * {@code thread-self}) when TID is a thread of that process itself (its clone CLONE_THREAD
     * line). EINVAL for a word that is no pid, ESRCH for no such task or one that has exited,
     * EPERM for any other task (init, a sibling, a grandchild, another process's thread) and for a
     * caller whose own id is bound already (it would move its binding), EBUSY for a task bound
     * already. A forked child or a new thread acts as its creator's task until then (its
     * host parent's or process's binding), so this one line, on the file it shares, binds it: no
     * lookup of the task's directory. Returns the caller's new task.
     * Deviation: no Linux interface; the new task's identity is given by its creator's line.
     */
    public Task bindToOwnChild(Caller caller, String word) {
        int nr = pid(word);
        // One read of the host: the caller's process (bound as a child) and its parent (whose
        // binding it acts by until now). Both numbers stay the caller's while it waits in this
        // request: once the request is read the writer waits it out uninterruptibly (fs/fuse/dev.c
        // request_wait_answer), so its thread, and so its thread group's pid, cannot be released.
        HostProcesses.Ids ids = attach.idsOf(caller.hostTid());
        if (ids == null) throw Errno.ESRCH.error();
        Viewer v = writerOf(caller, ids);
        if (v.isOperator()) throw Errno.ESRCH.error();
        Task task = kernel.read(() -> {
            Task t = kernel.tasks().lookup(v.ns(), nr);
            if (t == null || t.exited()) throw Errno.ESRCH.error();
            boolean child = t.isLeader() && t.group().parent() == v.task().group();
            boolean thread = !t.isLeader() && t.group() == v.task().group();
            if (!child && !thread) throw Errno.EPERM.error();
            return t;
        });
        int self = task.isLeader() ? ids.tgid() : caller.hostTid();
        attach.attachFirst(self, task);
        return task;
    }

    /**
     * {@code bind CHILD LINE} on {@code procsim/syscall}: LINE, a fork, vfork, clone, clone3 or
     * eclone that makes a child process, made as {@code task} (the caller's sim thread), and the
     * caller's real child CHILD bound to the child it made, in one request where LINE and the
     * child's own {@code attach PID} take two (the shim's fork: the real fork first, its child
     * waiting until it is bound). CHILD is the pid the real fork returned, in the caller's own pid
     * namespace: it must name a real child of the caller's process, whichever thread forked it
     * (ESRCH), bound to nothing yet (EPERM); a line of another kind is EINVAL. All that is checked before LINE runs, so a refusal
     * changes nothing; LINE's own failure comes back as its result, nothing bound.
     */
    public SyscallResult forkBound(Caller caller, Task task, String childWord, String line) {
        int nr = pid(childWord);
        Call call = kernel.decode(line);
        if (!(call instanceof CloneCall clone) || !clone.makesChildProcess()) throw Errno.EINVAL.error();
        HostProcesses.PinnedChild child = attach.pinChild(caller.hostTid(), nr);
        if (child == null) throw Errno.ESRCH.error();
        SyscallResult[] result = new SyscallResult[1];
        attach.attachNew(child.pid(), child.pin(), () -> {
            SyscallResult r = lastReplies.syscall(task, call, caller.interrupted());
            result[0] = r;
            return r.failed() ? null : kernel.read(() -> kernel.tasks().lookup(task.activePidNs(), (int) r.value()));
        });
        return result[0];
    }

    /** A pid word of an attach or bind line: a positive number, else EINVAL. */
    private static int pid(String word) {
        int nr;
        try {
            nr = Strtol.parseInt(word);
        } catch (SysError e) {
            throw Errno.EINVAL.error();
        }
        if (nr <= 0) throw Errno.EINVAL.error();
        return nr;
    }

    /**
     * May an attached caller acting as {@code current} bind real id {@code id}: itself, a process
     * below it in the host tree, or one that acts as {@code current} already (its shell, when it
     * writes from a subshell). A process gives its identity only to what is its own: kernel/cred.c
     * commit_creds changes current's credentials only, copy_creds hands them to a child. ESRCH if
     * {@code id} is no host process.
     */
    private boolean mayBind(Caller caller, Task current, int id) {
        return attach.isSelfOrBelow(caller.hostTid(), id) || viewerOf(new Caller(id, 0, 0)).task() == current;
    }
}
