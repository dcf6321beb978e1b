package procsim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import procsim.pid.Pid;
import procsim.pid.PidNamespace;
import procsim.task.Task;
import procsim.task.ThreadGroup;

/**
 * Eight Java threads make 100,000 mixed syscalls against one kernel, each driving its own subtree
 * of sim tasks: fork, clone3 (plain, exit_signal=0, set_tid), eclone, threads, exit, exit_group,
 * wait4 WNOHANG, kill SIGKILL, clone CLONE_NEWPID and unshare CLONE_NEWPID (so namespaces nest),
 * and now and then init reaping orphans. pid_max is 8192, so the cyclic allocator wraps several
 * times and the threads fight over numbers in the root namespace.
 *
 * <p>Afterwards the pid tables, the process tree and the thread groups must be consistent; then
 * every thread ends its subtree, init reaps everything, and only pid 1 may be left.
 *
 * <p>Each Java thread has a fixed seed; the interleaving (and so the exact results) still varies
 * from run to run, which is the point: only invariants are asserted, never exact numbers.
 */
class ConcurrencyTest {
    private static final int THREADS = 8;
    private static final int SYSCALLS = 100_000;
    private static final int PER_THREAD = SYSCALLS / THREADS;
    /** Above this many known tasks a worker stops creating and only ends, reaps and queries. */
    private static final int CROWDED = 64;
    /** Small enough that the root namespace's cyclic allocator wraps several times. */
    private static final int PID_MAX = 8192;
    /** set_tid and eclone ask for numbers below this in nested namespaces. */
    private static final int NESTED_NUMBERS = 202;

    private static final String THREAD_FLAGS = "CLONE_THREAD|CLONE_SIGHAND|CLONE_VM";
    private static final Pattern WAIT4_RESULT = Pattern.compile("0|-1 ECHILD|-1 ESRCH|[1-9]\\d* status=0x[0-9a-f]{4}");
    private static final Pattern REAPED = Pattern.compile("[1-9]\\d* status=0x[0-9a-f]{4}");

    private final Sim sim = Sim.withPidMax(PID_MAX);
    private final Task init = sim.task(1);
    private final PidNamespace rootNs = sim.root();
    /** How often each kind of call ended how ("fork ok", "clone3 set_tid EEXIST", ...). */
    private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void mixedSyscallsFromEightThreadsKeepTheTablesConsistentAndLeakNothing() throws Exception {
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) workers.add(new Worker(i));

        inParallel(workers, Worker::churn);

        assertThat(workers.stream().mapToInt(w -> w.syscalls).sum()).isEqualTo(SYSCALLS);
        assertTheMixHappened();
        Set<PidNamespace> namespaces = sim.kernel.read(() -> {
            assertProcessTreeConsistent();
            return assertPidTablesConsistent();
        });
        assertThat(namespaces.size()).as("pid namespaces seen").isGreaterThan(1);

        inParallel(workers, Worker::tearDown);
        int reaped = reapEverythingThroughInit();

        sim.kernel.read(() -> {
            assertThat(init.group().children()).as("init's children after the reaping").isEmpty();
            assertThat(rootNs.allocatedCount()).as("pids left in the root namespace").isEqualTo(1);
            assertThat(rootNs.nextAllocated(1)).isEqualTo(1);
            assertThat(rootNs.nextAllocated(2)).as("a leaked pid").isEqualTo(-1);
            assertPidTablesConsistent();
            for (PidNamespace ns : namespaces) {
                if (ns == rootNs) continue;
                assertThat(ns.allocatedCount()).as("pids left in %s", ns).isZero();
                assertThat(ns.nextAllocated(1)).as("a leaked pid in %s", ns).isEqualTo(-1);
            }
            return null;
        });
        assertThat(reaped).isPositive();
    }

    // ------------------------------------------------------------------ the workers

    /** One Java thread and the subtree of sim tasks it drives; nothing here is shared. */
    private final class Worker {
        final Random rnd;
        /** Every task this worker made, minus those it has seen gone (threads included). */
        final List<Task> tasks = new ArrayList<>();
        /** Tasks whose namespace for children has lost its init (ENOMEM): they exit next. */
        final ArrayDeque<Task> useless = new ArrayDeque<>();
        /** The worker's own process, forked from init; it never exits before the teardown. */
        Task root;
        int syscalls;

        Worker(int id) {
            this.rnd = new Random(0x5EED_0000L + id);
        }

        void churn() {
            root = spawn(init, "fork", "fork");
            assertThat(root).as("the worker's first fork").isNotNull();
            while (syscalls < PER_THREAD) step();
        }

        /** Exactly one syscall, chosen at random. */
        void step() {
            if (!useless.isEmpty()) {
                exit(useless.poll(), "exit_group");
                return;
            }
            Task actor = tasks.get(rnd.nextInt(tasks.size()));
            int dice = rnd.nextInt(100);
            boolean crowded = tasks.size() >= CROWDED;
            if (dice < 36 && crowded) dice = 36 + rnd.nextInt(64);
            if (dice < 14) spawn(actor, "fork", "fork");
            else if (dice < 19) spawn(actor, "clone3", "clone3");
            else if (dice < 22) spawn(actor, "clone3 exit_signal", "clone3 exit_signal=0");
            else if (dice < 26) spawn(actor, "clone3 set_tid", "clone3 set_tid=" + someNumber(actor.pidNsForChildren()));
            else if (dice < 29) spawn(actor, "eclone", "eclone SIGCHLD pids=" + someNumber(actor.activePidNs()));
            else if (dice < 34) spawn(actor, "thread", "clone " + THREAD_FLAGS);
            else if (dice < 35) spawn(actor, "clone NEWPID", "clone CLONE_NEWPID|SIGCHLD");
            else if (dice < 36) unshareNewPid(actor);
            else if (dice < 50) exit(actor, "exit");
            else if (dice < 55) exit(actor, "exit_group");
            else if (dice < 67) reap(actor);
            else if (dice < 75) killSomeone();
            else if (dice < 78) initReapsOrphans();
            else query(actor);
        }

        /**
         * A fork-like call and the lookup of its child, atomically (the kernel lock is
         * reentrant), so the number cannot be reused by another thread in between. Returns the
         * child, or null if the call failed with an errno the kernel state allows.
         */
        Task spawn(Task caller, String kind, String line) {
            syscalls++;
            return sim.kernel.write(() -> {
                PidNamespace childNsBase = caller.pidNsForChildren();
                String r = sim.as(caller).run(line);
                if (r.startsWith("-1 ")) {
                    count(kind, r.substring(3));
                    assertThat(r).as(caller + ": " + line).isIn(allowedFailures(kind));
                    if (r.equals("-1 ESRCH")) tasks.remove(caller);
                    if (r.equals("-1 ENOMEM")) useless.add(caller);
                    return null;
                }
                count(kind, "ok");
                int nr = Integer.parseInt(r);
                Task child = sim.kernel.tasks().lookup(caller.activePidNs(), nr);
                assertThat(child).as(caller + ": " + line + " -> " + r + ": no such task").isNotNull();
                assertThat(child.exited()).as("%s just made by %s", child, line).isFalse();
                assertThat(child.pid().nr(caller.activePidNs())).as("number of %s", child).isEqualTo(nr);
                if (kind.equals("clone NEWPID")) {
                    assertThat(child.tid()).as("the first task of a new namespace").isEqualTo(1);
                    assertThat(child.activePidNs().parent()).isSameAs(childNsBase);
                } else {
                    assertThat(child.activePidNs()).isSameAs(childNsBase);
                }
                if (kind.equals("thread")) {
                    assertThat(child.group()).isSameAs(caller.group());
                    assertThat(child.isLeader()).isFalse();
                } else {
                    assertThat(child.isLeader()).isTrue();
                    assertThat(child.group().parent()).isSameAs(caller.group());
                }
                if (kind.equals("clone3 set_tid")) {
                    assertThat(line).endsWith("=" + child.tid());
                }
                if (kind.equals("eclone")) {
                    assertThat(line).endsWith("=" + nr);
                }
                tasks.add(child);
                return child;
            });
        }

        void unshareNewPid(Task actor) {
            if (actor == root) { // the worker's own process keeps forking in the root namespace
                query(actor);
                return;
            }
            String r = run(actor, "unshare CLONE_NEWPID");
            count("unshare NEWPID", r);
            assertThat(r).as(actor + ": unshare").isIn("0", "-1 EINVAL", "-1 ENOSPC", "-1 ESRCH");
        }

        /** exit or exit_group; never of the worker's own process (its other threads just exit). */
        void exit(Task actor, String call) {
            if (actor == root) {
                query(actor);
                return;
            }
            if (actor.group() == root.group()) call = "exit";
            String r = run(actor, call + " " + rnd.nextInt(256));
            count(call, r);
            assertThat(r).as(actor + ": " + call).isIn("0", "-1 ESRCH");
            tasks.remove(actor);
        }

        void reap(Task actor) {
            String options = rnd.nextBoolean() ? "WNOHANG" : "WNOHANG|__WALL";
            String r = run(actor, "wait4 -1 " + options);
            count("wait4", REAPED.matcher(r).matches() ? "reaped" : r);
            assertThat(r).as(actor + ": wait4").matches(WAIT4_RESULT);
        }

        /**
         * The worker's process sends SIGKILL to a live task of its subtree. The target is chosen
         * and its number computed under the kernel lock: a number read before the call could
         * name another thread's task by then.
         */
        void killSomeone() {
            syscalls++;
            sim.kernel.write(() -> {
                tasks.removeIf(Task::exited);
                List<Task> targets = new ArrayList<>();
                for (Task t : tasks) if (t.group() != root.group()) targets.add(t);
                if (targets.isEmpty()) {
                    String r = sim.as(root).run("kill " + root.tid() + " 0");
                    assertThat(r).isEqualTo("0");
                    return null;
                }
                Task target = targets.get(rnd.nextInt(targets.size()));
                String r = sim.as(root).run("kill " + target.pid().numberAtLevel(0) + " SIGKILL");
                count("kill", r);
                assertThat(r).as("kill " + target).isEqualTo("0");
                assertThat(target.exited()).as(target + " after SIGKILL").isTrue();
                if (target.isLeader() && target.group().isChildReaper()) {
                    // zap_pid_ns_processes: nobody in the namespace survives its init
                    PidNamespace ns = target.activePidNs();
                    for (Task t : tasks) {
                        if (t.pid().visibleIn(ns)) assertThat(t.exited()).as(t + " after its init died").isTrue();
                    }
                }
                return null;
            });
        }

        /** Root init reaps the orphans that are zombies now, as it does all the time on a real system. */
        void initReapsOrphans() {
            while (syscalls < PER_THREAD) {
                String r = run(init, "wait4 -1 WNOHANG|__WALL");
                boolean reaped = REAPED.matcher(r).matches();
                count("init wait4", reaped ? "reaped" : r);
                assertThat(r).as("init: wait4").matches(WAIT4_RESULT);
                assertThat(r).isNotIn("-1 ECHILD", "-1 ESRCH"); // the workers' processes are its children
                if (!reaped) return;
            }
        }

        void query(Task actor) {
            sim.kernel.write(() -> {
                String pid = run(actor, "getpid");
                if (pid.equals("-1 ESRCH")) {
                    tasks.remove(actor);
                    return null;
                }
                assertThat(pid).as(actor + ": getpid").isEqualTo(String.valueOf(actor.group().tgid(actor.activePidNs())));
                return null;
            });
        }

        /** A number worth asking for: anywhere below pid_max in the root namespace, low in others. */
        int someNumber(PidNamespace ns) {
            return ns.level() == 0 ? 2 + rnd.nextInt(PID_MAX - 2) : 2 + rnd.nextInt(NESTED_NUMBERS - 2);
        }

        String run(Task t, String line) {
            syscalls++;
            return sim.as(t).run(line);
        }

        /** Every process of the subtree ends, by exit_group or by SIGKILL; the worker's own last. */
        void tearDown() {
            for (int i = tasks.size() - 1; i >= 0; i--) {
                Task t = tasks.get(i);
                if (t.group() == root.group()) continue;
                if (rnd.nextBoolean()) {
                    assertThat(run(t, "exit_group 0")).isIn("0", "-1 ESRCH");
                } else {
                    sim.kernel.write(() -> {
                        if (!t.exited()) assertThat(run(root, "kill " + t.pid().numberAtLevel(0) + " SIGKILL")).isEqualTo("0");
                        return null;
                    });
                }
            }
            assertThat(run(root, "exit_group 0")).isEqualTo("0");
            sim.kernel.read(() -> {
                for (Task t : tasks) assertThat(t.exited()).as(t + " after the teardown").isTrue();
                return null;
            });
        }
    }

    private static List<String> allowedFailures(String kind) {
        // ESRCH: the caller has exited. ENOMEM: its namespace's init has died.
        return switch (kind) {
            case "fork", "clone3", "clone3 exit_signal" -> List.of("-1 ESRCH", "-1 ENOMEM");
            // EINVAL: a namespace without init (after unshare) takes no number but 1
            case "clone3 set_tid" -> List.of("-1 ESRCH", "-1 ENOMEM", "-1 EEXIST", "-1 EINVAL");
            case "eclone" -> List.of("-1 ESRCH", "-1 ENOMEM", "-1 EBUSY", "-1 EINVAL");
            // EINVAL: after unshare CLONE_NEWPID a task may not make threads or new pid namespaces
            case "thread" -> List.of("-1 ESRCH", "-1 EINVAL");
            case "clone NEWPID" -> List.of("-1 ESRCH", "-1 EINVAL", "-1 ENOSPC");
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private void count(String kind, String outcome) {
        outcomes.computeIfAbsent(kind + " " + outcome, k -> new LongAdder()).increment();
    }

    private long outcome(String key) {
        LongAdder a = outcomes.get(key);
        return a == null ? 0 : a.sum();
    }

    /** The run must have exercised what it claims to, or the invariants below prove little. */
    private void assertTheMixHappened() {
        System.out.println("ConcurrencyTest outcomes: " + new TreeMap<>(outcomes));
        for (String key : List.of("fork ok", "clone3 ok", "clone3 exit_signal ok", "clone3 set_tid ok", "eclone ok",
                "thread ok", "clone NEWPID ok", "unshare NEWPID 0", "exit 0", "exit_group 0", "wait4 reaped",
                "kill 0", "init wait4 reaped")) {
            assertThat(outcome(key)).as(key).isPositive();
        }
        long forks = outcome("fork ok") + outcome("clone3 ok") + outcome("clone3 exit_signal ok")
                + outcome("clone3 set_tid ok") + outcome("eclone ok") + outcome("thread ok") + outcome("clone NEWPID ok");
        assertThat(forks).as("tasks created: enough for the root namespace's pids to wrap twice")
                .isGreaterThan(2 * PID_MAX);
    }

    // ------------------------------------------------------------------ invariants

    /**
     * Every number marked used in every namespace names a pid that has that number at that level
     * and an owner that holds it; every pid is registered at each of its levels; the counts agree.
     * Returns the namespaces it walked.
     */
    private Set<PidNamespace> assertPidTablesConsistent() {
        Map<PidNamespace, Integer> expected = new IdentityHashMap<>();
        Set<Task> owners = identitySet();
        int rootCount = 0;
        for (int nr = rootNs.nextAllocated(1); nr > 0; nr = rootNs.nextAllocated(nr + 1)) {
            Pid pid = rootNs.lookup(nr);
            assertThat(pid).as("root namespace: %d is marked used but names no pid", nr).isNotNull();
            rootCount++;
            for (int l = 0; l <= pid.level(); l++) {
                PidNamespace ns = pid.namespaceAtLevel(l);
                assertThat(ns.lookup(pid.numberAtLevel(l))).as("pid %s at level %d", pid, l).isSameAs(pid);
                expected.merge(ns, 1, Integer::sum);
            }
            Task owner = sim.kernel.tasks().taskOf(pid);
            assertThat(owner).as("owner of pid %s", pid).isNotNull();
            assertThat(owner.pid()).as("the owner of %s holds it", pid).isSameAs(pid);
            assertThat(owners.add(owner)).as("%s owns two pids", owner).isTrue();
        }
        assertThat(rootCount).as("root namespace allocatedCount").isEqualTo(rootNs.allocatedCount());
        for (Task t : owners) {
            for (PidNamespace ns = t.pidNsForChildren(); ns != null; ns = ns.parent()) expected.putIfAbsent(ns, 0);
        }
        for (Map.Entry<PidNamespace, Integer> e : expected.entrySet()) {
            PidNamespace ns = e.getKey();
            int count = 0;
            for (int nr = ns.nextAllocated(1); nr > 0; nr = ns.nextAllocated(nr + 1)) {
                Pid pid = ns.lookup(nr);
                assertThat(pid).as("%s: %d is marked used but names no pid", ns, nr).isNotNull();
                assertThat(pid.namespaceAtLevel(ns.level())).isSameAs(ns);
                assertThat(pid.numberAtLevel(ns.level())).as("%s: the pid at %d", ns, nr).isEqualTo(nr);
                assertThat(owners).as("%s: %d is not in the root namespace", ns, nr).contains(sim.kernel.tasks().taskOf(pid));
                count++;
            }
            assertThat(count).as("%s: pids walked vs pids whose chain includes it", ns).isEqualTo(e.getValue());
            assertThat(ns.allocatedCount()).as("%s allocatedCount", ns).isEqualTo(count);
            // and no freed number still names a pid: the lookup table agrees with the bitmap
            int highest = ns.level() == 0 ? ns.pidMax() : Math.max(ns.lastPid() + 1, NESTED_NUMBERS);
            for (int nr = 1; nr < highest; nr++) {
                boolean used = ns.nextAllocated(nr) == nr;
                assertThat(ns.lookup(nr) != null).as("%s: %d looks up a pid but is free", ns, nr).isEqualTo(used);
            }
        }
        return expected.keySet();
    }

    /**
     * Every live task's group is reachable from init through children links, every group's
     * parent lists it, and every group's threads agree with it.
     */
    private void assertProcessTreeConsistent() {
        Set<ThreadGroup> reachable = identitySet();
        ArrayDeque<ThreadGroup> queue = new ArrayDeque<>(List.of(init.group()));
        reachable.add(init.group());
        while (!queue.isEmpty()) {
            ThreadGroup g = queue.poll();
            for (ThreadGroup c : g.children()) {
                assertThat(c.parent()).as("parent of a child of %s", g.leader()).isSameAs(g);
                assertThat(reachable.add(c)).as("%s is listed twice in the tree", c.leader()).isTrue();
                queue.add(c);
            }
        }
        Set<ThreadGroup> groups = identitySet();
        for (int nr = rootNs.nextAllocated(1); nr > 0; nr = rootNs.nextAllocated(nr + 1)) {
            Task t = sim.kernel.tasks().lookup(rootNs, nr);
            groups.add(t.group());
            if (!t.exited()) {
                assertThat(reachable).as("%s is live but unreachable from init", t).contains(t.group());
                assertThat(t.group().isZombie()).as("%s is live in a zombie group", t).isFalse();
            }
        }
        for (ThreadGroup g : groups) {
            assertThat(g.isReaped()).as("%s holds pids after being reaped", g.leader()).isFalse();
            if (g != init.group()) {
                assertThat(g.parent()).as("parent of %s", g.leader()).isNotNull();
                assertThat(g.parent().children()).as("children of %s's parent", g.leader()).contains(g);
            }
            assertThat(g.threads()).as("threads of %s", g.leader()).isNotEmpty();
            assertThat(g.threads().get(0)).isSameAs(g.leader());
            int live = 0;
            for (Task th : g.threads()) {
                assertThat(th.group()).isSameAs(g);
                assertThat(rootNs.lookup(th.pid().numberAtLevel(0))).as("pid of listed thread %s", th).isSameAs(th.pid());
                if (!th.exited()) live++;
            }
            assertThat(g.liveThreads()).as("live threads of %s", g.leader()).isEqualTo(live);
            // a namespace init whose threads are gone waits in zap_pid_ns_processes before it is a zombie
            assertThat(g.isZombie()).as("zombie state of %s", g.leader()).isEqualTo(live == 0 && g.zapWaiter() == null);
        }
        assertThat(reachable).as("every group in the tree holds pids").hasSameSizeAs(groups);
    }

    /** init waits for anything until ECHILD; after the teardown no child of init may be alive. */
    private int reapEverythingThroughInit() {
        int reaped = 0;
        while (true) {
            String r = sim.as(init).run("wait4 -1 WNOHANG|__WALL");
            if (r.equals("-1 ECHILD")) return reaped;
            assertThat(r).as("init's children are all zombies now").matches(REAPED);
            reaped++;
        }
    }

    // ------------------------------------------------------------------ plumbing

    private static <T> Set<T> identitySet() {
        return Collections.newSetFromMap(new IdentityHashMap<>());
    }

    /** Runs {@code body} for every worker on its own thread, all released at once; rethrows the first failure. */
    private static void inParallel(List<Worker> workers, Consumer<Worker> body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(workers.size());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (Worker w : workers) {
                done.add(pool.submit(() -> {
                    start.await();
                    body.accept(w);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                try {
                    f.get(50, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error err) throw err;
                    throw e;
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
