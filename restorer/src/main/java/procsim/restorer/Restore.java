package procsim.restorer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Phaser;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A restore of an image through a {@link RestorerPort} by one {@link RestoreMethod}: every IPC
 * object with its id, then every process (parents first) with its pids, its session or group (a
 * session leader's setsid; a group leader's setpgid 0 0 when its children are to inherit it:
 * Plan.groupsAsMade), argv, comm, fds, shm attaches, subreaper mark and, for a process that makes
 * no task, its credentials; then the threads, then the other groups ({@code setpgid 0 G} by each
 * process not in its image's group once made: leaders first, then members, then the leaders that
 * had moved on: Plan.regroups), then signal actions and masks (once every task is made: fork
 * copies them), then the other tasks' credentials (a task that dropped root could not make its
 * children), nsd's IPC times, the stopped states, and the pending signals. Ids: tasks by the method;
 * IPC objects by nsd's {@code LONG1 ID} or the {@code *_next_id} sysctl, checked; fds by nsd's
 * {@code LONG1 FD} or open + dup2.
 *
 * <p>ns_last_pid: alloc_pid leaves a namespace's ns_last_pid at the pid it gave (the IDR's cursor one
 * past it), so after the restore's own fork there a write of that value is left out (a dry run says
 * so): the restore assumes it is the only task that forks there, as the method does between its
 * write and its fork, and a fork by another is caught by the pid check and rolled back. The
 * processes are made in pid order ({@link Plan#pidOrder}): a tree forked in pid order takes one
 * write for its processes; threads, made after them, write where their tids do not follow.
 *
 * <p>Names: a parent names itself (prctl PR_SET_NAME) before making children named otherwise, and
 * takes its own name back at the end: one write on a file already open instead of one per child.
 *
 * <p>On a failure it kills and reaps every task it made, removes its IPC objects, gives init its
 * name back and throws a {@link RestoreException} that says which id failed, why, and who holds it.
 */
public final class Restore {
    private static final String NO_CAPS = "0000000000000000";
    /** rt_sigaction's reply, after its value, for SIG_DFL with no flags. */
    private static final String DEFAULT_ACTION = "handler=SIG_DFL flags=0x0";
    private static final long O_LARGEFILE = 0100000;
    private static final long O_CLOEXEC = 02000000;

    private final Plan plan;
    private final RestoreMethod method;
    private final RestorerPort port;
    private final boolean dryRun;
    private final String initComm;
    private final String initCaps;

    /** Root pids of the tasks made, in creation order; the IPC_RMID lines of the objects made. */
    private final List<Integer> made = Collections.synchronizedList(new ArrayList<>());
    private final List<String> ipcMade = new ArrayList<>();
    /** What each live process has now, as its children will inherit it. */
    private final Map<Integer, String> comm = new ConcurrentHashMap<>();
    private final Map<Integer, List<String>> argv = new ConcurrentHashMap<>();
    private final Map<Integer, List<Image.Fd>> fds = new ConcurrentHashMap<>();
    private final Map<Integer, List<Image.ShmAttach>> shm = new ConcurrentHashMap<>();
    /** Tasks renamed for their children: "pid/tid" -> their own name. */
    private final Map<String, String> renamed = new ConcurrentHashMap<>();
    /**
     * ns_last_pid: each namespace's last pid once a creation of the restore set it (the root pid of
     * its init -> pid). A plain map: an ns_last_pid restore makes its tasks on one thread.
     */
    private final Map<Integer, Integer> lastPid = new HashMap<>();
    private final CreationPort creating;
    private final int workers;

    private Restore(Plan plan, RestoreMethod method, RestorerPort port, boolean dryRun, String initComm, String initCaps,
                    int workers) {
        this.plan = plan;
        this.method = method;
        this.port = port;
        this.dryRun = dryRun;
        this.initComm = initComm;
        this.initCaps = initCaps;
        this.workers = workers;
        this.creating = method == RestoreMethod.NS_LAST_PID ? new KnownCursors() : port;
    }

    /** How many tasks and IPC objects a restore made. */
    public record Outcome(int tasks, int ipcObjects) {
    }

    /**
     * Restores {@code image}. ImageException: refused before anything was made (exit 2);
     * RestoreException: failed, and everything made was removed (exit 1).
     */
    public static Outcome run(Image image, RestoreMethod method, RestorerPort port, boolean dryRun)
            throws ImageException, RestoreException {
        return run(image, method, port, dryRun, 1);
    }

    /**
     * The same, with {@code workers} threads making the children of different parents at once (a
     * parent's own children in order, by one thread); ns_last_pid and a dry run stay sequential.
     */
    public static Outcome run(Image image, RestoreMethod method, RestorerPort port, boolean dryRun, int workers)
            throws ImageException, RestoreException {
        RestorerPort.TaskInfo init = port.task(1);
        if (init == null) throw new ImageException("no init in the target");
        Plan plan = new Plan(image, init.comm());
        Restore r = new Restore(plan, method, port, dryRun, init.comm(), init.caps().bounding(), workers);
        r.check();
        r.checkInit(init);
        try {
            r.restore();
        } catch (RestoreException e) {
            String rolled = r.rollback();
            throw new RestoreException(e.getMessage() + "\n" + rolled);
        } catch (RuntimeException e) { // a mount read failing mid-way (UncheckedIOException): roll back too
            String rolled = r.rollback();
            throw new RestoreException("restore: " + e.getMessage() + "\n" + rolled);
        }
        return new Outcome(r.made.size(), r.ipcMade.size());
    }

    /**
     * What no syscall of the sim can make: another bounding set, ambient capabilities; and for a
     * method whose pids must be checked, an exit signal a wrongly numbered task's parent cannot
     * ignore while it is reaped (SIGKILL, SIGSTOP: see {@link #disown}).
     */
    private void check() throws ImageException {
        for (Image.Process p : plan.order) {
            if (!method.exact() && p.exitSignal() != 0 && !Image.SigAction.settable(p.exitSignal())) {
                throw new ImageException("exit signal " + p.exitSignal() + " of " + p.pid() + ": " + method
                        + " could not undo a wrong pid (its parent cannot ignore that signal); restore by another method");
            }
            checkCaps(p.pid(), p.creds());
            for (Image.Thread t : p.threads()) checkCaps(t.tid(), t.creds());
        }
    }

    /**
     * The target's init has a fresh mount's credentials and signal actions, from which
     * {@link #setCreds}, {@link #setSigactions} and {@link #setSigmasks} count: every task forks from
     * init's (or a forked task's) before any is set, and fork copies them with keepcaps, every signal
     * action and the mask (kernel/cred.c copy_creds, kernel/fork.c copy_sighand, dup_task_struct;
     * execve clears keepcaps and handlers, not SIG_IGN nor the mask, so init's reaches the tasks that
     * do not exec). An operator who changed init's would get tasks that are not the image's: refused
     * instead; so is an init with a signal pending (ShdPnd: it blocks it), which a fresh one has not.
     * keepcaps is in no /proc file (Linux shows no securebits) nor are SIGCHLD's flags (SA_NOCLDWAIT
     * would reap the restored tasks' children): asked of init by PR_GET_KEEPCAPS and rt_sigaction,
     * which a dry run prints and does not ask.
     */
    private void checkInit(RestorerPort.TaskInfo init) throws ImageException {
        List<Long> root = List.of(0L, 0L, 0L, 0L);
        Image.Caps k = init.caps();
        String differs = !init.uid().equals(root) ? "Uid " + ImageText.longs(init.uid())
                : !init.gid().equals(root) ? "Gid " + ImageText.longs(init.gid())
                : !k.inheritable().equals(NO_CAPS) ? "CapInh " + k.inheritable()
                : !k.permitted().equals(initCaps) ? "CapPrm " + k.permitted() + " (CapBnd " + initCaps + ")"
                : !k.effective().equals(initCaps) ? "CapEff " + k.effective() + " (CapBnd " + initCaps + ")"
                : !k.ambient().equals(NO_CAPS) ? "CapAmb " + k.ambient()
                : !init.sigIgn().equals(Image.SigAction.NO_SIGNALS) ? "SigIgn " + init.sigIgn()
                : !init.sigCgt().equals(Image.SigAction.NO_SIGNALS) ? "SigCgt " + init.sigCgt()
                : !init.sigBlk().equals(Image.SigAction.NO_SIGNALS) ? "SigBlk " + init.sigBlk()
                : !init.shdPnd().equals(Image.SigAction.NO_SIGNALS) ? "ShdPnd " + init.shdPnd() : null;
        if (differs == null) {
            Reply keep = port.call(1, 1, "prctl PR_GET_KEEPCAPS", 0);
            if (keep.failed()) throw new ImageException("cannot ask init's keepcaps (prctl PR_GET_KEEPCAPS): " + keep.errno());
            if (keep.value() != 0) differs = "keepcaps " + keep.value();
        }
        if (differs == null) {
            Reply chld = port.call(1, 1, "rt_sigaction SIGCHLD", 0);
            if (chld.failed()) throw new ImageException("cannot ask init's SIGCHLD action (rt_sigaction SIGCHLD): " + chld.errno());
            if (!dryRun && !chld.rest().equals(DEFAULT_ACTION)) differs = "SIGCHLD " + chld.rest();
        }
        if (differs != null) {
            throw new ImageException("init's credentials or signal actions are not a fresh mount's (" + differs + "): every task "
                    + "a restore makes forks from them, and its own are set from a fresh mount's: restore into a fresh mount");
        }
    }

    private void checkCaps(int id, Image.Creds c) throws ImageException {
        if (!c.caps().bounding().equals(initCaps)) {
            throw new ImageException("the bounding set " + c.caps().bounding() + " of " + id + " is not init's " + initCaps
                    + ": the sim has no PR_CAPBSET_DROP");
        }
        if (!c.caps().ambient().equals(NO_CAPS)) {
            throw new ImageException("ambient capabilities " + c.caps().ambient() + " of " + id + ": the sim has no PR_CAP_AMBIENT");
        }
    }

    private void restore() throws RestoreException {
        comm.put(1, initComm);
        argv.put(1, port.argv(1));
        fds.put(1, port.fds(1));
        shm.put(1, port.shmAttaches(1));
        restoreIpc();
        makeProcesses();
        for (Image.Process p : plan.order) {
            for (Image.Thread t : p.threads()) makeThread(p, t);
        }
        unname();
        for (Image.Process p : plan.order) {
            if (plan.sessionsLate.contains(p.pid())) setsid(p); // its children were forked before it
        }
        for (Plan.Regroup g : plan.regroups) {
            ok(port.send(g.pid(), g.pid(), "setpgid 0 " + g.group()), "setpgid 0 " + g.group() + " in " + g.pid());
        }
        for (Image.Process p : plan.order) setSigactions(p);
        for (Image.Process p : plan.order) setSigmasks(p);
        for (Image.Process p : plan.order) {
            for (Image.Thread t : p.threads()) setCreds(p.pid(), t.tid(), t.creds());
        }
        for (Image.Process p : plan.order) {
            if (!credsAsMade(p)) setCreds(p.pid(), p.pid(), p.creds());
        }
        if (method == RestoreMethod.NSD) restoreIpcTimes();
        for (Image.Process p : plan.order) {
            if (p.state().equals("T")) ok(port.send(1, 1, "kill " + p.pid() + " SIGSTOP"), "kill " + p.pid() + " SIGSTOP");
        }
        for (Image.Process p : plan.order) sendPending(p);
    }

    // ------------------------------------------------------------------ tasks

    /**
     * Every process, parents first. With workers, one job per parent makes its children in the
     * plan's order, and each child that has children of its own becomes a job once made: no two
     * threads use one task's files at once. Not for ns_last_pid, whose cursor every fork of a
     * namespace shares (kernel/pid.c alloc_pid): two restorers would take each other's pids.
     */
    private void makeProcesses() throws RestoreException {
        if (method == RestoreMethod.NS_LAST_PID) {
            for (Image.Process p : plan.pidOrder) makeProcess(p);
            return;
        }
        if (workers <= 1 || dryRun) {
            for (Image.Process p : plan.order) makeProcess(p);
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "restorer");
            t.setDaemon(true);
            return t;
        });
        AtomicReference<RestoreException> failure = new AtomicReference<>();
        Phaser pending = new Phaser(1);
        try {
            family(1, plan.children, pool, pending, failure);
            pending.arriveAndAwaitAdvance();
        } finally {
            pool.shutdown();
        }
        if (failure.get() != null) throw failure.get();
    }

    /** Submits the job that makes {@code parent}'s children. */
    private void family(int parent, Map<Integer, List<Image.Process>> children, ExecutorService pool, Phaser pending,
                        AtomicReference<RestoreException> failure) {
        pending.register();
        pool.execute(() -> {
            try {
                for (Image.Process c : children.get(parent)) {
                    if (failure.get() != null) return;
                    makeProcess(c);
                    if (children.containsKey(c.pid())) family(c.pid(), children, pool, pending, failure);
                }
            } catch (RestoreException e) {
                failure.compareAndSet(null, e);
            } catch (RuntimeException e) {
                failure.compareAndSet(null, new RestoreException("restore: " + e));
            } finally {
                pending.arriveAndDeregister();
            }
        });
    }

    private void makeProcess(Image.Process p) throws RestoreException {
        int parent = p.ppid();
        boolean exec = !p.argv().equals(argv.get(parent));
        if (!exec) nameFor(parent, parent, p.comm());
        Creation c = new Creation(parent, parent, p.nspid(), parent == 1 ? 0 : plan.procs.get(parent).nspid().size() - 1,
                plan.nsInits.get(p.pid()), false, p.exitSignal());
        create(c);
        int pid = p.pid();
        if (Plan.leadsSession(p) && !plan.sessionsLate.contains(pid)) setsid(p);
        else if (plan.groupsAsMade.contains(pid)) ok(port.send(pid, pid, "setpgid 0 0"), "setpgid 0 0 in " + pid);
        comm.put(pid, comm.get(parent));
        List<Image.Fd> have = new ArrayList<>(fds.get(parent));
        List<Image.ShmAttach> attached = new ArrayList<>(shm.get(parent));
        if (exec) {
            // execve (fs/exec.c): comm from the path's basename, close-on-exec fds closed, shm detached.
            // Deviation: argv[0] stands for the path, which no /proc file of the sim shows (no exe link).
            ok(port.send(pid, pid, "execve " + String.join(" ", p.argv())), "execve in " + pid);
            String path = p.argv().get(0);
            comm.put(pid, cut(path.substring(path.lastIndexOf('/') + 1)));
            for (int i = have.size() - 1; i >= 0; i--) {
                if ((Long.parseLong(have.get(i).flags(), 8) & O_CLOEXEC) != 0) have.remove(i);
            }
            attached.clear();
            if (!comm.get(pid).equals(p.comm())) {
                ok(port.send(pid, pid, "prctl PR_SET_NAME " + p.comm()), "prctl PR_SET_NAME in " + pid);
                comm.put(pid, p.comm());
            }
        }
        argv.put(pid, p.argv());
        fixFds(pid, have, p.fds());
        fds.put(pid, p.fds());
        fixShm(pid, attached, p.shmAttaches());
        shm.put(pid, p.shmAttaches());
        if (p.subreaper()) ok(port.send(pid, pid, "prctl PR_SET_CHILD_SUBREAPER 1"), "prctl PR_SET_CHILD_SUBREAPER in " + pid);
        if (credsAsMade(p)) setCreds(pid, pid, p.creds());
    }

    /**
     * Whether process {@code p} takes its credentials as soon as it is made, by the thread that made
     * it: one that makes no task (no child, no thread: a task that dropped root could not give them
     * its pids) and whose later calls (setpgid, rt_sigaction, rt_sigprocmask, kill and tkill of
     * itself) need no privilege (kernel/sys.c, kernel/signal.c). The others take theirs once every
     * task is made.
     */
    private boolean credsAsMade(Image.Process p) {
        return p.threads().isEmpty() && !plan.children.containsKey(p.pid());
    }

    /**
     * A session leader's setsid, by itself, before it makes children (fork inherits the session);
     * its reply is the new session's id as the leader's own namespace numbers it: its own pid there.
     */
    private void setsid(Image.Process p) throws RestoreException {
        int self = p.nspid().get(p.nspid().size() - 1);
        Reply r = port.call(p.pid(), p.pid(), "setsid", self);
        ok(r, "setsid in " + p.pid());
        if (r.value() != self) throw new RestoreException("restore: setsid in " + p.pid() + " gave session " + r.value() + ", not " + self);
    }

    private void makeThread(Image.Process p, Image.Thread t) throws RestoreException {
        nameFor(p.pid(), p.pid(), t.comm());
        int level = p.nspid().size() - 1;
        create(new Creation(p.pid(), p.pid(), t.nspid(), level, plan.nsInits.get(p.pid()), true, 0));
    }

    /** TASK_COMM_LEN: a comm is at most 15 bytes. */
    private static String cut(String s) {
        return s.length() > 15 ? s.substring(0, 15) : s;
    }

    /** Before {@code tid} makes a task named {@code name}, names it so, unless it is named so. */
    private void nameFor(int pid, int tid, String name) throws RestoreException {
        String now = comm.get(pid);
        if (now.equals(name)) return;
        ok(port.send(pid, tid, "prctl PR_SET_NAME " + name), "prctl PR_SET_NAME in " + tid);
        renamed.putIfAbsent(pid + "/" + tid, now);
        comm.put(pid, name);
    }

    /** Gives every renamed task its own name back. */
    private void unname() throws RestoreException {
        for (Map.Entry<String, String> e : renamed.entrySet()) {
            int pid = Integer.parseInt(e.getKey().substring(0, e.getKey().indexOf('/')));
            if (!comm.get(pid).equals(e.getValue())) {
                ok(port.send(pid, pid, "prctl PR_SET_NAME " + e.getValue()), "prctl PR_SET_NAME in " + pid);
                comm.put(pid, e.getValue());
            }
        }
        renamed.clear();
    }

    private void create(Creation c) throws RestoreException {
        Reply r = method.create(creating, c);
        if (r.failed()) {
            throw new RestoreException("restore (" + method + "): cannot make task " + c.rootPid() + " with pid " + c.chain()
                    + ": " + why(r) + "; " + holder(c.rootPid()));
        }
        // The reply is the child's pid in its parent's namespace: for a parent of the root namespace,
        // the whole answer (a new namespace's own pid is 1); a nested parent's child has levels above.
        boolean whole = r.value() == c.pidInParent() && c.parentLevel() == 0;
        if (!method.exact() && !dryRun && !whole) {
            RestorerPort.TaskInfo child = r.value() == c.pidInParent() ? port.task(c.rootPid()) : null;
            if (child == null || !child.nspid().equals(c.nspid())) {
                if (!c.thread()) disown(c, r.value());
                String got = r.value() == c.pidInParent() ? r.value() + " in its parent's namespace and another pid above it"
                        : r.value() + " (in its parent's namespace)";
                throw new RestoreException("restore (" + method + "): task " + c.rootPid() + " wanted pid " + c.chain() + " but got "
                        + got + "; " + holder(c.rootPid()));
            }
        }
        if (!c.thread()) made.add(c.rootPid());
        if (method == RestoreMethod.NS_LAST_PID) {
            for (int level = c.firstGiven(); level <= c.level(); level++) lastPid.put(c.nsInits().get(level), c.nspid().get(level));
        }
    }

    /** The port as ns_last_pid's creations use it: a write of the value a namespace's cursor holds is left out. */
    private final class KnownCursors implements CreationPort {
        @Override
        public Reply call(int pid, int tid, String line, long expect) {
            return port.call(pid, tid, line, expect);
        }

        @Override
        public Reply send(int pid, int tid, String line) {
            return port.send(pid, tid, line);
        }

        @Override
        public Reply writeNextSyscallData(int pid, int tid, String text) {
            return port.writeNextSyscallData(pid, tid, text);
        }

        @Override
        public Reply writeNsLastPid(int nsInit, long value) {
            Integer last = lastPid.get(nsInit);
            if (last == null || last != value) return port.writeNsLastPid(nsInit, value);
            port.nsLastPidHolds(nsInit, value);
            return Reply.DONE;
        }
    }

    /**
     * A task made with the wrong pid: killed and reaped by its parent, which numbers it {@code nr}.
     * An exit signal other than SIGCHLD is ignored meanwhile (do_notify_parent would send it to the
     * parent, whose actions are still a fresh init's: SIGUSR1 would kill it and leave the zombie).
     */
    private void disown(Creation c, long nr) {
        int sig = c.exitSignal();
        boolean other = sig != 0 && sig != RestoreMethod.SIGCHLD;
        if (other) port.call(c.parentPid(), c.parentTid(), "rt_sigaction " + sig + " SIG_IGN", 0);
        port.call(c.parentPid(), c.parentTid(), "kill " + nr + " SIGKILL", 0);
        port.call(c.parentPid(), c.parentTid(), "wait4 " + nr + " __WALL", 0);
        if (other) port.call(c.parentPid(), c.parentTid(), "rt_sigaction " + sig + " SIG_DFL", 0);
    }

    private static String why(Reply r) {
        return switch (r.errno()) {
            case "EEXIST" -> "File exists (EEXIST)";
            case "EBUSY" -> "Device or resource busy (EBUSY)";
            case "EINVAL" -> "Invalid argument (EINVAL)";
            case "EPERM" -> "Operation not permitted (EPERM)";
            default -> r.text().isEmpty() ? r.errno() : r.text();
        };
    }

    /** Who holds root pid {@code pid}, if anyone: a task, a process group or session, or a deeper level's number. */
    private String holder(int pid) {
        RestorerPort.TaskInfo t = dryRun ? null : port.task(pid);
        if (t == null) {
            RestorerPort.GroupUser u = null;
            try {
                if (!dryRun) u = port.groupUser(pid);
            } catch (RuntimeException e) { // a mount read failing: the failure it explains stays the message
                return "pid " + pid + " is not a task's; who holds it could not be read (" + e.getMessage() + ")";
            }
            if (u != null) {
                return "pid " + pid + " names the " + (u.session() ? "session" : "process group") + " of task " + u.pid()
                        + " (its leader is gone; the number stays taken while the " + (u.session() ? "session" : "group") + " lives)";
            }
            return "pid " + pid + " is free at the root level; a deeper level's number is taken";
        }
        return "pid " + pid + " is held by task " + pid + " (comm " + t.comm() + ", parent " + t.ppid() + ", NSpid "
                + Creation.join(t.nspid()) + ")";
    }

    private static void ok(Reply r, String what) throws RestoreException {
        if (r.failed()) throw new RestoreException("restore: " + what + ": " + r.text());
    }

    // ------------------------------------------------------------------ fds, shm

    /** Makes {@code pid}'s fd table {@code want} (it inherited {@code have}). */
    private void fixFds(int pid, List<Image.Fd> have, List<Image.Fd> want) throws RestoreException {
        if (have.equals(want)) return;
        Map<Integer, Image.Fd> table = new HashMap<>();
        for (Image.Fd f : have) table.put(f.fd(), f);
        for (Image.Fd f : have) {
            if (!want.contains(f)) {
                ok(port.send(pid, pid, "close " + f.fd()), "close " + f.fd() + " in " + pid);
                table.remove(f.fd());
            }
        }
        for (Image.Fd f : want) {
            if (table.containsKey(f.fd())) continue;
            long flags = Long.parseLong(f.flags(), 8);
            String open = "open " + f.path() + " 0" + Long.toOctalString(flags & ~O_LARGEFILE & ~O_CLOEXEC);
            if (method == RestoreMethod.NSD) {
                Reply r = port.writeNextSyscallData(pid, pid, "LONG1 " + f.fd());
                if (r.failed()) throw new RestoreException("restore: cannot write LONG1 " + f.fd() + " to the next_syscall_data of " + pid + ": " + r.errno());
                ok(port.call(pid, pid, open, f.fd()), "open " + f.path() + " at fd " + f.fd() + " in " + pid);
            } else {
                int lowest = 0;
                while (table.containsKey(lowest)) lowest++;
                Reply r = port.call(pid, pid, open, lowest);
                ok(r, "open " + f.path() + " in " + pid);
                if (r.value() != f.fd()) {
                    ok(port.send(pid, pid, "dup2 " + r.value() + " " + f.fd()), "fd " + f.fd() + " in " + pid);
                    ok(port.send(pid, pid, "close " + r.value()), "fd " + f.fd() + " in " + pid);
                }
            }
            table.put(f.fd(), f);
            if ((flags & O_CLOEXEC) != 0) ok(port.send(pid, pid, "fcntl " + f.fd() + " F_SETFD FD_CLOEXEC"), "fcntl " + f.fd() + " in " + pid);
            if (f.pos() != 0) ok(port.send(pid, pid, "lseek " + f.fd() + " " + f.pos() + " SEEK_SET"), "lseek " + f.fd() + " in " + pid);
        }
    }

    /** Makes {@code pid}'s shm attaches {@code want} (fork copied {@code have}). */
    private void fixShm(int pid, List<Image.ShmAttach> have, List<Image.ShmAttach> want) throws RestoreException {
        if (have.equals(want)) return;
        for (Image.ShmAttach a : have) {
            if (!want.contains(a)) ok(port.send(pid, pid, "shmdt " + a.address()), "shmdt " + a.address() + " in " + pid);
        }
        for (Image.ShmAttach a : want) {
            if (have.contains(a)) continue;
            ok(port.call(pid, pid, "shmat " + a.shmid() + " " + (a.mode().equals("ro") ? "SHM_RDONLY" : "0") + " addr=" + a.address(),
                    a.address()), "shmat " + a.shmid() + " at " + a.address() + " in " + pid);
        }
    }

    // ------------------------------------------------------------------ signal actions

    /**
     * Gives a process its image's signal actions, after its children forked (fork copies actions):
     * each one the image lists, by the process itself; the others stay SIG_DFL, as from a fresh
     * init.
     */
    private void setSigactions(Image.Process p) throws RestoreException {
        for (Image.SigAction a : p.sigactions()) {
            ok(port.send(p.pid(), p.pid(), "rt_sigaction " + a.sig() + " " + a.handler() + " " + a.flags()),
                    "rt_sigaction " + a.sig() + " in " + p.pid());
        }
    }

    /**
     * Gives each task of a process its image's signal mask, by the task itself on its own syscall
     * file, once every task is made (fork and clone copy the mask, dup_task_struct: each made task
     * still has init's, none). A task with no mask writes nothing.
     */
    private void setSigmasks(Image.Process p) throws RestoreException {
        setSigmask(p.pid(), p.pid(), p.sigmask());
        for (Image.Thread t : p.threads()) setSigmask(p.pid(), t.tid(), t.sigmask());
    }

    private void setSigmask(int pid, int tid, List<Integer> sigs) throws RestoreException {
        if (sigs.isEmpty()) return;
        ok(port.send(pid, tid, "rt_sigprocmask SIG_SETMASK " + maskWord(Image.SigAction.set(sigs))), "rt_sigprocmask in " + tid);
    }

    /** A mask as rt_sigprocmask's SET: its sigset_t word in hex ({@code 0x800}, {@code 0x8000000000000000}). */
    static String maskWord(long set) {
        return "0x" + Long.toHexString(set);
    }

    /**
     * Queues a process's pending signals again, ascending: the process sends each of its own to
     * itself (kill by its pid in its own namespace, on its own syscall file: a process may always
     * signal itself), then each task each of its thread's own (tkill by its tid in its namespace,
     * on its own file), after the masks and after its stop, so each waits as it did: blocked, or
     * kept by the stop until SIGCONT (a stopped process's task blocks them while it sends, then
     * takes its image mask back). A process with none writes nothing.
     */
    private void sendPending(Image.Process p) throws RestoreException {
        boolean stopped = p.state().equals("T");
        int self = p.nspid().get(p.nspid().size() - 1);
        long shared = Image.SigAction.set(p.sigpending()), mainOwn = Image.SigAction.set(p.ownSigpending());
        // a stopped process's signal may be one its thread does not block: blocked while sent, it is
        // never ignored (sig_ignored; a namespace init's own SIG_DFL one neither), and the stop holds it
        heldWhileSent(p.pid(), p.pid(), stopped, shared | mainOwn, p.sigmask(), () -> {
            for (int sig : Image.SigAction.signals(shared)) {
                ok(port.send(p.pid(), p.pid(), "kill " + self + " " + sig), "kill " + self + " " + sig + " in " + p.pid());
            }
            sendOwn(p.pid(), p.pid(), self, mainOwn);
        });
        for (Image.Thread t : p.threads()) {
            long own = Image.SigAction.set(t.ownSigpending());
            int nsTid = t.nspid().get(t.nspid().size() - 1);
            heldWhileSent(p.pid(), t.tid(), stopped, own, t.sigmask(), () -> sendOwn(p.pid(), t.tid(), nsTid, own));
        }
    }

    private interface Sends {
        void run() throws RestoreException;
    }

    /** {@code sends}, with task {@code tid} blocking {@code sigs} meanwhile if its process is {@code stopped}, then its image mask again. */
    private void heldWhileSent(int pid, int tid, boolean stopped, long sigs, List<Integer> mask, Sends sends) throws RestoreException {
        if (sigs == 0) return;
        if (stopped) ok(port.send(pid, tid, "rt_sigprocmask SIG_BLOCK " + maskWord(sigs)), "rt_sigprocmask in " + tid);
        sends.run();
        if (stopped) ok(port.send(pid, tid, "rt_sigprocmask SIG_SETMASK " + maskWord(Image.SigAction.set(mask))), "rt_sigprocmask in " + tid);
    }

    private void sendOwn(int pid, int tid, int nsTid, long sigs) throws RestoreException {
        for (int sig : Image.SigAction.signals(sigs)) {
            ok(port.send(pid, tid, "tkill " + nsTid + " " + sig), "tkill " + nsTid + " " + sig + " in " + tid);
        }
    }

    // ------------------------------------------------------------------ credentials

    /**
     * Gives a task its image's credentials, as a root task can (security/commoncap.c): setgid,
     * then PR_SET_KEEPCAPS 1 and setresuid (keepcaps keeps the permitted set when no uid stays 0),
     * then capset, then the image's keepcaps. A task with init's credentials writes nothing; one
     * whose uids are all non-zero and that keeps no capability (inheritable too) and no keepcaps
     * writes setresuid alone (cap_emulate_setxuid clears its permitted and effective sets by
     * itself). Every task starts from a fresh mount's init's credentials, as it forked before any
     * was set: keepcaps 0, no inheritable set, permitted and effective init's bounding set.
     */
    private void setCreds(int pid, int tid, Image.Creds c) throws RestoreException {
        long gid = c.gid().get(0);
        if (gid != 0) ok(port.send(pid, tid, "setgid " + gid), "setgid " + gid + " in " + tid);
        boolean root = zeros(c.uid(), 4) == 4;
        Image.Caps k = c.caps();
        boolean keep = false;
        String inh = NO_CAPS;
        String prm = initCaps;
        String eff = initCaps;
        if (!root) {
            // not with an inheritable set: capset may raise inheritable only within permitted (cap_capset)
            boolean keepsNone = zeros(c.uid(), 3) == 0 && !c.keepcaps()
                    && k.permitted().equals(NO_CAPS) && k.effective().equals(NO_CAPS) && k.inheritable().equals(NO_CAPS);
            if (!keepsNone) {
                ok(port.send(pid, tid, "prctl PR_SET_KEEPCAPS 1"), "prctl PR_SET_KEEPCAPS in " + tid);
                keep = true;
            }
            ok(port.send(pid, tid, "setresuid " + c.uid().get(0) + " " + c.uid().get(1) + " " + c.uid().get(2)),
                    "setresuid in " + tid);
            if (keepsNone) prm = NO_CAPS; // cap_emulate_setxuid: no uid left 0, no keepcaps: permitted cleared
            if (c.uid().get(1) != 0) eff = NO_CAPS; // and euid leaving 0 clears effective
        }
        if (!k.inheritable().equals(inh) || !k.permitted().equals(prm) || !k.effective().equals(eff)) {
            ok(port.send(pid, tid, "capset effective=0x" + k.effective() + " permitted=0x" + k.permitted() + " inheritable=0x"
                    + k.inheritable()), "capset in " + tid);
        }
        if (keep != c.keepcaps()) {
            ok(port.send(pid, tid, "prctl PR_SET_KEEPCAPS " + (c.keepcaps() ? 1 : 0)), "prctl PR_SET_KEEPCAPS in " + tid);
        }
    }

    /** How many of the first {@code n} ids are 0 (a loop: a stream per task cost a fresh JVM ~30 more methods to compile). */
    private static int zeros(List<Long> ids, int n) {
        int zeros = 0;
        for (int i = 0; i < n; i++) {
            if (ids.get(i) == 0) zeros++;
        }
        return zeros;
    }

    // ------------------------------------------------------------------ IPC

    private void restoreIpc() throws RestoreException {
        for (Image.MsgQueue q : plan.image.msg()) {
            makeIpc("msg", q.id(), "msgget " + key(q.key()) + " IPC_CREAT|IPC_EXCL|" + q.perms(), "msgctl " + q.id());
            ok(port.send(1, 1, "msgctl " + q.id() + " IPC_SET uid=" + q.uid() + " gid=" + q.gid() + " perms=" + q.perms()
                    + " qbytes=" + q.qbytes()), "IPC_SET of msg " + q.id());
        }
        for (Image.SemSet s : plan.image.sem()) {
            makeIpc("sem", s.id(), "semget " + key(s.key()) + " " + s.nsems() + " IPC_CREAT|IPC_EXCL|" + s.perms(), "semctl " + s.id() + " 0");
            ok(port.send(1, 1, "semctl " + s.id() + " 0 IPC_SET uid=" + s.uid() + " gid=" + s.gid() + " perms=" + s.perms()),
                    "IPC_SET of sem " + s.id());
            ok(port.send(1, 1, "semctl " + s.id() + " 0 SETALL " + ImageText.longs(s.values())), "SETALL of sem " + s.id());
        }
        for (Image.ShmSegment s : plan.image.shm()) {
            makeIpc("shm", s.id(), "shmget " + key(s.key()) + " " + s.size() + " IPC_CREAT|IPC_EXCL|" + s.perms(), "shmctl " + s.id());
            ok(port.send(1, 1, "shmctl " + s.id() + " IPC_SET uid=" + s.uid() + " gid=" + s.gid() + " perms=" + s.perms()),
                    "IPC_SET of shm " + s.id());
        }
        for (Image.MsgQueue q : plan.image.msg()) {
            for (int i = 0; i < q.messages().size(); i++) {
                Image.Message x = q.messages().get(i);
                ok(port.send(1, 1, "msgsnd " + q.id() + " " + x.mtype() + " " + x.text() + " IPC_NOWAIT"), "message " + i + " of msg " + q.id());
            }
        }
    }

    private static String key(long key) {
        return key == 0 ? "IPC_PRIVATE" : Long.toString(key);
    }

    /** Makes IPC object {@code id} by {@code get}, with nsd's LONG1 ID or the {@code *_next_id} sysctl. */
    private void makeIpc(String kind, int id, String get, String ctl) throws RestoreException {
        Reply w = method == RestoreMethod.NSD ? port.writeNextSyscallData(1, 1, "LONG1 " + id) : port.writeNextId(kind, id);
        if (w.failed()) {
            throw new RestoreException("restore: cannot write " + (method == RestoreMethod.NSD ? "LONG1 " + id + " to init's next_syscall_data"
                    : id + " to " + kind + "_next_id") + ": " + w.errno());
        }
        Reply r = port.call(1, 1, get, id);
        if (r.failed()) throw new RestoreException("restore (" + method + "): cannot make " + kind + " id " + id + ": " + r.text());
        ipcMade.add(ctl.replace(" " + id, " " + r.value()) + " IPC_RMID");
        if (r.value() != id) throw new RestoreException("restore (" + method + "): " + kind + " id " + id + " came back as " + r.value());
    }

    /** nsd only: {@code LONG1 1} before IPC_SET restores the times and pids too (the seed patch). */
    private void restoreIpcTimes() throws RestoreException {
        for (Image.MsgQueue q : plan.image.msg()) {
            Image.MsgTimes t = q.times();
            times("msgctl " + q.id(), "stime=" + t.stime() + " rtime=" + t.rtime() + " ctime=" + t.ctime() + " lspid=" + t.lspid()
                    + " lrpid=" + t.lrpid());
        }
        for (Image.SemSet s : plan.image.sem()) {
            times("semctl " + s.id() + " 0", "otime=" + s.times().otime() + " ctime=" + s.times().ctime());
        }
        for (Image.ShmSegment s : plan.image.shm()) {
            Image.ShmTimes t = s.times();
            times("shmctl " + s.id(), "atime=" + t.atime() + " dtime=" + t.dtime() + " ctime=" + t.ctime() + " cpid=" + t.cpid()
                    + " lpid=" + t.lpid());
        }
    }

    private void times(String ctl, String fields) throws RestoreException {
        Reply w = port.writeNextSyscallData(1, 1, "LONG1 1");
        if (w.failed()) throw new RestoreException("restore: cannot write LONG1 1 to init's next_syscall_data: " + w.errno());
        ok(port.send(1, 1, ctl + " IPC_SET " + fields), "times of " + ctl);
    }

    // ------------------------------------------------------------------ rollback

    /** Kills and reaps every task made, removes the IPC objects made, gives init its name back; the line saying so. */
    private String rollback() {
        if (!comm.getOrDefault(1, initComm).equals(initComm)) port.send(1, 1, "prctl PR_SET_NAME " + initComm);
        for (int i = made.size() - 1; i >= 0; i--) port.call(1, 1, "kill " + made.get(i) + " SIGKILL", 0);
        for (int p : made) port.call(1, 1, "wait4 " + p + " __WALL", p);
        for (String rm : ipcMade) port.call(1, 1, rm, 0);
        return "procsim: restore rolled back: " + count(made.size(), "task") + " and " + count(ipcMade.size(), "IPC object") + " removed";
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
