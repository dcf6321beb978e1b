package procsim.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import procsim.abi.Errno;
import procsim.abi.SysError;
import procsim.attach.AttachTable;
import procsim.kernel.Kernel;
import procsim.task.Task;

/**
 * Who may bind to a task, or end its bindings, through its attach file: the operator anything;
 * an attached caller what its task may ptrace (kernel/ptrace.c __ptrace_may_access with
 * PTRACE_MODE_ATTACH_REALCREDS: its real uid and gid equal to the target's real, effective and
 * saved ones, else CAP_SYS_PTRACE; then security/commoncap.c cap_ptrace_access_check: the
 * target's permitted set within its own, else CAP_SYS_PTRACE; the same thread group always);
 * leaving its own task's binding needs CAP_SYS_ADMIN. A refusal is EPERM (ptrace(2):
 * PTRACE_ATTACH fails with EPERM when the access check fails) and changes nothing.
 */
class AttachPermissionTest {
    private static final Caller OPERATOR = new Caller(100, 0, 0);
    private static final int SHELL = 200;
    private static final int OTHER = 300;
    private static final int CHILD = 201;
    private static final int CHILDS_THREAD = 202;
    private static final int SHELLS_THREAD = 250;
    /** A session: its leader, a process it bound, a grandchild of that one reparented to host init, a child of the leader. */
    private static final int LEADER = 400, BOUND = 401, ESCAPED = 402, SIBLING = 403;
    /** A process that left the session with setsid. */
    private static final int NEW_SESSION = 404;
    private final FakeHost host = new FakeHost().process(100, 1).process(SHELL, 1).process(OTHER, 1)
            .process(CHILD, SHELL).thread(CHILDS_THREAD, CHILD).thread(SHELLS_THREAD, SHELL)
            .process(LEADER, 1, LEADER).process(BOUND, LEADER, LEADER).process(ESCAPED, 1, LEADER)
            .process(SIBLING, LEADER, LEADER).process(NEW_SESSION, 1, NEW_SESSION);
    private final Kernel kernel = Kernel.boot();
    private final ProcFs fs = new ProcFs(kernel, new AttachTable(host));
    private final Map<String, Task> tasks = new HashMap<>();

    AttachPermissionTest() {
        Task init = kernel.tasks().init();
        tasks.put("init", init);
        make("root", init);
        make("user", init, "setuid 1000");
        make("user2", init, "setuid 1000");
        make("usersChild", tasks.get("user"));
        make("userKeptCr", init, "prctl PR_SET_KEEPCAPS 1", "setuid 1000",
                "capset effective=0 permitted=0x10000000000 inheritable=0");
        make("userGid5", init, "setgid 5", "setuid 1000");
        make("userSavedRoot", init, "setresuid 1000 1000 0");
        make("userPtrace", init, "prctl PR_SET_KEEPCAPS 1", "setuid 1000",
                "capset effective=0x80000 permitted=0x80000 inheritable=0");
        make("userAdmin", init, "prctl PR_SET_KEEPCAPS 1", "setuid 1000",
                "capset effective=0x200000 permitted=0x200000 inheritable=0");
        Task thread = child(tasks.get("root"), "clone CLONE_THREAD|CLONE_SIGHAND|CLONE_VM");
        run(thread, "setuid 1000");
        tasks.put("rootsThreadAsUser", thread);
    }

    private Task child(Task parent, String line) {
        int nr = (int) kernel.syscall(parent, line).value();
        return kernel.read(() -> kernel.tasks().lookup(parent.activePidNs(), nr));
    }

    private void run(Task t, String line) {
        var r = kernel.syscall(t, line);
        if (r.failed()) throw new AssertionError(line + " -> " + r.text());
    }

    private void make(String name, Task parent, String... lines) {
        Task t = child(parent, "fork");
        for (String l : lines) run(t, l);
        tasks.put(name, t);
    }

    private String attachPath(Task t) {
        return "/" + t.group().tgid(kernel.tasks().rootPidNs()) + "/task/" + t.tid() + "/attach";
    }

    private String write(Caller c, String path, String text) {
        try {
            fs.open(c, path, 1).write(c, text.getBytes(StandardCharsets.UTF_8), 0);
            return "0";
        } catch (SysError e) {
            return e.errno().name();
        }
    }

    private String read(String path) {
        return new String(fs.open(OPERATOR, path, 0).read(OPERATOR, 0, 4096),
                StandardCharsets.UTF_8);
    }

    /** The caller: host process SHELL, bound by the operator to task {@code caller} ("operator": unbound). */
    private Caller callerAs(String caller) {
        if (!caller.equals("operator")) {
            assertThat(write(OPERATOR, attachPath(tasks.get(caller)), String.valueOf(SHELL))).isEqualTo("0");
        }
        return new Caller(SHELL, 0, 0);
    }

    @ParameterizedTest(name = "{0} binds itself to {1}: {2}")
    @CsvSource({
        "operator, root, 0",
        "user, user2, 0",
        "user, user, 0",
        "user, init, EPERM",
        "user, root, EPERM",
        "user, userKeptCr, EPERM",       // a capability the caller lacks in its permitted set
        "userKeptCr, user, 0",
        "user, userGid5, EPERM",         // real gid differs
        "user, userSavedRoot, EPERM",    // saved uid differs
        "userSavedRoot, user, 0",        // the caller's real ids count, not its saved uid 0
        "userPtrace, init, 0",           // CAP_SYS_PTRACE
        "root, user, 0",                 // uids differ: root's CAP_SYS_PTRACE
        "rootsThreadAsUser, root, 0",    // same thread group
        "userAdmin, root, EPERM",        // CAP_SYS_ADMIN is not CAP_SYS_PTRACE
    })
    void bindingFollowsPtraceMayAccess(String caller, String target, String expected) {
        Caller c = callerAs(caller);
        Task before = fs.viewerOf(c).task();
        Task t = tasks.get(target);
        String wasBound = read(attachPath(t));
        assertThat(write(c, attachPath(t), String.valueOf(SHELL))).isEqualTo(expected);
        if (expected.equals("0")) {
            assertThat(fs.viewerOf(c).task()).isSameAs(t);
        } else {
            assertThat(fs.viewerOf(c).task()).isSameAs(before);
            assertThat(read(attachPath(t))).isEqualTo(wasBound);
        }
    }

    @ParameterizedTest(name = "a child of the shell bound to user binds real process {0} to user2: {1}")
    @CsvSource({SHELL + ", 0", OTHER + ", EPERM", "100, EPERM"})
    void aSubshellRebindsTheShellThatActsAsItsOwnTask(int real, String expected) {
        callerAs("user");
        Caller child = new Caller(CHILD, 0, 0);
        assertThat(write(child, attachPath(tasks.get("user2")), String.valueOf(real))).isEqualTo(expected);
        assertThat(fs.viewerOf(new Caller(real, 0, 0)).task())
                .isSameAs(expected.equals("0") ? tasks.get("user2") : real == SHELL ? tasks.get("user") : null);
    }

    /**
     * An attached caller binds only itself, a thread of its own, a real process below it, or one
     * acting as its own task already (above): a process gives its identity only to itself and its
     * descendants (kernel/cred.c: commit_creds
     * changes current's credentials only; copy_creds gives a child its parent's). The operator binds
     * any. A real pid that is no process is ESRCH, as ptrace(2) for a missing pid.
     */
    @ParameterizedTest(name = "{0} binds real process {2} to {1}: {3}")
    @CsvSource({
        "user, user2, " + CHILD + ", 0",
        "user, user2, " + SHELLS_THREAD + ", 0",
        "user, root, " + CHILD + ", EPERM",      // ptrace_may_access still
        "user, user2, " + OTHER + ", EPERM",     // not below the caller
        "user, user2, 100, EPERM",               // the operator's own process
        "user, user2, " + LEADER + ", EPERM",    // a session leader, every shell's ancestor
        "user, user2, 999, ESRCH",
        "operator, init, " + OTHER + ", 0",
    })
    void bindingAnotherRealProcessNeedsItBelowTheCaller(String caller, String target, int real, String expected) {
        Caller c = callerAs(caller);
        Task t = tasks.get(target);
        Task before = fs.viewerOf(new Caller(real, 0, 0)).task();
        assertThat(write(c, attachPath(t), String.valueOf(real))).isEqualTo(expected);
        assertThat(fs.viewerOf(new Caller(real, 0, 0)).task()).isSameAs(expected.equals("0") ? t : before);
    }

    /**
     * {@code self}: the writer's own real process (the thread group of the request's host tid),
     * under the same ptrace rule, the writer's task as the tracer. What the shim's forked child
     * writes: it acts as its parent's task until then, and its pid namespace hides its host pid.
     */
    @ParameterizedTest(name = "{0}''s real child, thread {3}, binds itself to {1}: {2}")
    @CsvSource({
        "user, usersChild, 0, 201",
        "user, usersChild, 0, 202",      // a thread binds its process
        "operator, root, 0, 201",
        "user, root, EPERM, 201",
        "user, init, EPERM, 202",
    })
    void selfBindsTheWritersRealProcessUnderTheSameRule(String caller, String target, String expected, int tid) {
        callerAs(caller);
        Caller child = new Caller(tid, 0, 0);
        Task before = fs.viewerOf(child).task();
        Task t = tasks.get(target);
        assertThat(write(child, attachPath(t), "self\n")).isEqualTo(expected);
        if (expected.equals("0")) {
            assertThat(read(attachPath(t))).isEqualTo(CHILD + "\n");
            assertThat(fs.viewerOf(new Caller(CHILD, 0, 0)).task()).isSameAs(t);
            assertThat(fs.viewerOf(new Caller(SHELL, 0, 0)).task()).isSameAs(before);
        } else {
            assertThat(read(attachPath(t))).isEmpty();
            assertThat(fs.viewerOf(child).task()).isSameAs(before);
        }
    }

    /**
     * {@code thread-self}: the writer's own real thread (the request's host tid) alone, under the
     * same ptrace rule: what the shim's new pthread writes, acting as its process's task until then,
     * its host tid hidden by its pid namespace. The process's other threads keep their binding.
     */
    @ParameterizedTest(name = "{0}''s real thread binds itself to {1}: {2}")
    @CsvSource({
        "root, rootsThreadAsUser, 0",
        "operator, root, 0",
        "user, root, EPERM",
        "user, init, EPERM",
    })
    void threadSelfBindsTheWritersRealThreadAlone(String caller, String target, String expected) {
        callerAs(caller);
        Caller thread = new Caller(SHELLS_THREAD, 0, 0);
        Task before = fs.viewerOf(new Caller(SHELL, 0, 0)).task();
        Task t = tasks.get(target);
        assertThat(write(thread, attachPath(t), "thread-self\n")).isEqualTo(expected);
        assertThat(fs.viewerOf(new Caller(SHELL, 0, 0)).task()).isSameAs(before);
        if (expected.equals("0")) {
            assertThat(read(attachPath(t))).isEqualTo(SHELLS_THREAD + "\n");
            assertThat(fs.viewerOf(thread).task()).isSameAs(t);
        } else {
            assertThat(read(attachPath(t))).isEmpty();
            assertThat(fs.viewerOf(thread).task()).isSameAs(before);
        }
    }

    @ParameterizedTest(name = "{0} detaches {1}: {2}")
    @CsvSource({
        "user, user, EPERM",             // leaving its binding would make it the operator
        "userKeptCr, userKeptCr, EPERM",
        "userAdmin, userAdmin, 0",       // CAP_SYS_ADMIN
        "root, root, 0",
        "user, user2, 0",                // another task it may ptrace
        "user, init, EPERM",
        "operator, user, 0",
    })
    void detachNeedsPtraceAndLeavingNeedsCapSysAdmin(String caller, String target, String expected) {
        Task t = tasks.get(target);
        assertThat(write(OPERATOR, attachPath(t), String.valueOf(OTHER))).isEqualTo("0");
        Caller c = callerAs(caller);
        Task before = fs.viewerOf(c).task();
        String wasBound = read(attachPath(t));
        assertThat(write(c, attachPath(t), "detach")).isEqualTo(expected);
        if (expected.equals("0")) {
            assertThat(read(attachPath(t))).isEmpty();
            assertThat(fs.viewerOf(c).isOperator()).isEqualTo(before == null || before == t);
        } else {
            assertThat(read(attachPath(t))).isEqualTo(wasBound);
            assertThat(fs.viewerOf(c).task()).isSameAs(before);
        }
    }

    @ParameterizedTest(name = "an attached {0} cannot dodge the rule with {1}")
    @CsvSource({"user, ' detach\n'", "user, 1", "user, junk"})
    void otherWritesBadInputStaysRefused(String caller, String text) {
        Caller c = callerAs(caller);
        Task self = tasks.get(caller);
        String r = write(c, attachPath(self), text);
        assertThat(r).isIn(Errno.EPERM.name(), Errno.EINVAL.name());
        assertThat(fs.viewerOf(c).task()).isSameAs(self);
    }

    @Test
    void aBindingToAReapedTaskFallsBackToTheAncestorsNotToTheOperator() {
        Task user = tasks.get("user");
        Caller shell = callerAs("user");
        Caller child = new Caller(CHILD, 0, 0);
        assertThat(fs.viewerOf(child).task()).isSameAs(user);
        Task y = child(user, "fork");
        assertThat(write(child, attachPath(y), String.valueOf(CHILD))).isEqualTo("0");
        assertThat(fs.viewerOf(child).task()).isSameAs(y);
        run(y, "exit 0");
        assertThat(fs.viewerOf(child).task()).as("a zombie is still itself").isSameAs(y);
        run(user, "wait4");
        assertThat(fs.viewerOf(child).task()).isSameAs(user);
        assertThat(fs.viewerOf(shell).task()).isSameAs(user);
    }

    /** Every write a caller with no live sim thread may try, and the text. */
    private static final String WRITES = "/1/task/1/syscall, clone3 set_tid=777";

    /**
     * A task that has exited makes no more syscalls (kernel/exit.c do_exit ends in do_task_dead,
     * never returning to user space): a caller acting as a zombie or a reaped task writes nothing.
     */
    @ParameterizedTest(name = "as a zombie, then as a reaped task: {0} <- {1}: ESRCH")
    @CsvSource({
        WRITES,
        "/sys/kernel/ns_last_pid, 700",
        "/1/comm, x",
        "/1/task/1/next_syscall_data, LONG1 5",
        "/1/task/1/attach, " + SHELL,
        "/1/task/1/attach, detach",
    })
    void aCallerWhoseTaskExitedWritesNothing(String path, String text) {
        Task user = tasks.get("user");
        Task a = child(user, "fork");
        assertThat(write(OPERATOR, attachPath(a), String.valueOf(SHELL))).isEqualTo("0");
        Caller shell = new Caller(SHELL, 0, 0);
        run(a, "exit 0");
        assertThat(write(shell, path, text)).as("zombie").isEqualTo("ESRCH");
        assertThat(write(shell, attachPath(user), String.valueOf(SHELL))).isEqualTo("ESRCH");
        run(user, "wait4");
        assertThat(fs.viewerOf(shell).isOperator()).as("reaped: not the operator").isFalse();
        assertThat(fs.viewerOf(shell).isPowerless()).isTrue();
        assertThat(write(shell, path, text)).as("reaped").isEqualTo("ESRCH");
        assertThat(read("/1/task/1/attach")).isEmpty();
        assertThat(read("/1/comm")).isEqualTo("init\n");
        assertThat(kernel.read(() -> kernel.tasks().lookup(kernel.tasks().rootPidNs(), 777))).isNull();
        assertThat(write(OPERATOR, attachPath(user), String.valueOf(SHELL))).as("the operator rebinds it").isEqualTo("0");
        assertThat(fs.viewerOf(shell).task()).isSameAs(user);
    }

    /**
     * A double fork reparents a grandchild of an attached shell to host init, out of the bound
     * ancestor's subtree but in its session (setsid(2): only setsid makes a new session; fork
     * copies it, kernel/fork.c copy_process attaches the child to the parent's PIDTYPE_SID). An
     * unbound caller outside its session leader's subtree whose session holds a binding is
     * powerless; a child of the leader (the operator's own commands) and another session
     * (setsid, the documented escape) are the operator.
     */
    @ParameterizedTest(name = "host process {0}: {1}")
    @CsvSource({
        ESCAPED + ", powerless",
        SIBLING + ", operator",
        LEADER + ", operator",
        NEW_SESSION + ", operator",
        BOUND + ", user",
    })
    void aDoubleForkedCallerOfABoundSessionIsPowerless(int real, String expected) {
        Caller c = new Caller(real, 0, 0);
        assertThat(fs.viewerOf(c).isOperator()).as("nothing bound").isTrue();
        assertThat(write(OPERATOR, attachPath(tasks.get("user")), String.valueOf(BOUND))).isEqualTo("0");
        Viewer v = fs.viewerOf(c);
        String is = v.isOperator() ? "operator" : v.isPowerless() ? "powerless"
                : tasks.entrySet().stream().filter(e -> e.getValue() == v.task()).findFirst().orElseThrow().getKey();
        assertThat(is).isEqualTo(expected);
        String r = write(c, "/1/task/1/syscall", "clone3 set_tid=555");
        assertThat(r).isEqualTo(expected.equals("operator") ? "0" : expected.equals("powerless") ? "ESRCH" : "EPERM");
        host.exit(BOUND);
        assertThat(fs.viewerOf(new Caller(ESCAPED, 0, 0)).isOperator()).as("no binding left in the session").isTrue();
    }

    /**
     * A process reparented out of its leader's subtree (its shell exited) whose own other thread
     * is bound (a restore's JVM, which binds a thread of its own) stays the operator: that thread
     * is no ancestor it could have left. Another process of its session bound makes it powerless.
     */
    @Test
    void aReparentedCallerWhoseOwnThreadIsBoundIsTheOperator() {
        host.process(510, 1, LEADER).thread(511, 510);
        host.session.put(511, LEADER);
        assertThat(write(OPERATOR, attachPath(tasks.get("user")), "511")).isEqualTo("0");
        assertThat(fs.viewerOf(new Caller(510, 0, 0)).isOperator()).isTrue();
        assertThat(write(OPERATOR, attachPath(tasks.get("user")), String.valueOf(BOUND))).isEqualTo("0");
        assertThat(fs.viewerOf(new Caller(510, 0, 0)).isPowerless()).as("another process of its session bound").isTrue();
    }

    /** Session 0 (its leader outside the pid namespace), host init's, a gone leader's: no subtree to leave. */
    @ParameterizedTest(name = "session {0}: an unbound caller reparented to host init is the operator")
    @CsvSource({"0", "1", "999"})
    void aSessionWithoutALiveLeaderBelowInitIsNotChecked(int sid) {
        host.process(510, 1, sid).process(511, 1, sid);
        assertThat(write(OPERATOR, attachPath(tasks.get("user")), "511")).isEqualTo("0");
        assertThat(fs.viewerOf(new Caller(510, 0, 0)).isOperator()).isTrue();
    }
}
