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
    private final FakeHost host = new FakeHost().process(100, 1).process(SHELL, 1).process(OTHER, 1)
            .process(CHILD, SHELL).thread(CHILDS_THREAD, CHILD);
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

    @ParameterizedTest(name = "{0} binds another real process to {1}: {2}")
    @CsvSource({"user, user2, 0", "user, root, EPERM", "operator, init, 0"})
    void bindingAnotherRealProcessFollowsTheSameRule(String caller, String target, String expected) {
        Caller c = callerAs(caller);
        Task t = tasks.get(target);
        assertThat(write(c, attachPath(t), String.valueOf(OTHER))).isEqualTo(expected);
        assertThat(fs.viewerOf(new Caller(OTHER, 0, 0)).task()).isSameAs(expected.equals("0") ? t : null);
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
}
