package procsim.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import procsim.abi.SysError;
import procsim.attach.AttachTable;
import procsim.kernel.Kernel;

/**
 * {@code M/procsim/syscall}: one file whose writes act as the writing real thread's own sim thread
 * (resolved per request, as {@code self} is) and whose reads give that thread's last reply, so a
 * forked child uses the file it inherited; and its {@code attach PID} line, which binds the calling
 * real process to PID only if PID is a child process of the caller's sim thread that no real
 * process was bound to yet.
 */
class OwnSyscallFileTest {
    private static final Caller OPERATOR = new Caller(100, 0, 0);
    /** Host processes: SHELL (bound to task 2), its forked CHILD and thread, OTHER (bound to task 3). */
    private static final int SHELL = 200, CHILD = 201, SHELLS_THREAD = 202, OTHER = 300;
    private final FakeHost host = new FakeHost().process(100, 1).process(SHELL, 1).process(CHILD, SHELL)
            .thread(SHELLS_THREAD, SHELL).process(OTHER, 1);
    private final Kernel kernel = Kernel.boot();
    private final ProcFs fs = new ProcFs(kernel, new AttachTable(host));
    private final Caller shell = new Caller(SHELL, 0, 0);
    private final Caller child = new Caller(CHILD, 0, 0);
    private final Caller other = new Caller(OTHER, 0, 0);
    /** One open file, shared by every caller (as a fork shares it). */
    private final ProcHandle own;

    OwnSyscallFileTest() {
        assertThat(lineOn("/1/task/1/syscall", OPERATOR, "fork")).isEqualTo("2");
        assertThat(lineOn("/1/task/1/syscall", OPERATOR, "fork")).isEqualTo("3");
        write(OPERATOR, "/2/task/2/attach", String.valueOf(SHELL));
        write(OPERATOR, "/3/task/3/attach", String.valueOf(OTHER));
        own = fs.open(shell, "/procsim/syscall", 2);
    }

    private void write(Caller c, String path, String text) {
        fs.open(c, path, 1).write(c, text.getBytes(StandardCharsets.UTF_8), 0);
    }

    private String lineOn(String path, Caller c, String line) {
        ProcHandle h = fs.open(c, path, 2);
        h.write(c, line.getBytes(StandardCharsets.UTF_8), 0);
        return new String(h.read(c, 0, 4096), StandardCharsets.UTF_8).strip();
    }

    /** A line on the shared file and the caller's reply read at offset 0 (the shim's pwrite, pread); the errno's name if it fails. */
    private String line(Caller c, String line) {
        try {
            own.write(c, line.getBytes(StandardCharsets.UTF_8), 0);
            return new String(own.read(c, 0, 4096), StandardCharsets.UTF_8).strip();
        } catch (SysError e) {
            return e.errno().name();
        }
    }

    private String attachOf(int nr) {
        return new String(fs.open(OPERATOR, "/" + nr + "/task/" + nr + "/attach", 0).read(OPERATOR, 0, 4096),
                StandardCharsets.UTF_8);
    }

    @Test
    void listedWithTheExtensionsAtTheRootAndInAFixedView() {
        assertThat(fs.readdir(OPERATOR, "/procsim")).containsExactly("pidns", "syscall");
        assertThat(fs.readdir(shell, "/procsim/pidns/4026531836/proc/procsim")).containsExactly("pidns", "syscall");
        assertThat(fs.getattr(OPERATOR, "/procsim/syscall").permissions()).isEqualTo(0666);
        ProcHandle inView = fs.open(shell, "/procsim/pidns/4026531836/proc/procsim/syscall", 2);
        inView.write(shell, "getpid".getBytes(), 0);
        assertThat(new String(inView.read(shell, 0, 100))).isEqualTo("2\n");
    }

    @Test
    void eachWriterActsAsItsOwnThreadAndReadsItsOwnReply() {
        assertThat(line(shell, "getpid")).isEqualTo("2");
        assertThat(line(other, "getpid")).isEqualTo("3");
        assertThat(new String(own.read(shell, 0, 100))).as("the shell's reply, not the last writer's").isEqualTo("2\n");
        assertThat(line(new Caller(SHELLS_THREAD, 0, 0), "gettid")).as("a thread of a bound process").isEqualTo("2");
        assertThat(lineOn("/procsim/syscall", other, "getppid")).isEqualTo("1");
    }

    /** bash's {@code echo LINE >&3; read -r r <&3}: the read comes at the offset where the write ended. */
    @Test
    void theReplyIsServedFromTheOffsetOfTheReadAfterTheWritersOwnWrite() {
        own.write(shell, "getpid\n".getBytes(), 0);
        assertThat(new String(own.read(shell, 7, 100))).isEqualTo("2\n");
        assertThat(own.read(shell, 9, 100)).isEmpty();
        assertThat(new String(own.read(other, 0, 100))).as("another thread's read starts at 0").isEqualTo("0\n");
    }

    @Test
    void aForkedChildActsAsItsParentUntilItsOneLineBindsIt() {
        assertThat(line(shell, "fork")).isEqualTo("4");
        assertThat(line(child, "getpid")).as("unbound: its host parent's task").isEqualTo("2");
        assertThat(line(child, "attach 4")).isEqualTo("0");
        assertThat(line(child, "getpid")).isEqualTo("4");
        assertThat(line(child, "getppid")).isEqualTo("2");
        assertThat(attachOf(4)).isEqualTo(CHILD + "\n");
        assertThat(line(shell, "getpid")).isEqualTo("2");
        assertThat(line(child, "exit_group 7")).isEqualTo("0");
        assertThat(line(shell, "wait4 4")).isEqualTo("4 status=0x0700");
    }

    /**
     * The child's line reads its host /proc once (status: its process and that process's parent,
     * whose binding it acts by until then) and pins its process: no second status read, no stat.
     */
    @Test
    void theChildsAttachLineReadsTheHostOnce() {
        assertThat(line(shell, "fork")).isEqualTo("4");
        int pins = host.openPins;
        host.reads = 0;
        own.write(child, "attach 4".getBytes(StandardCharsets.UTF_8), 0);
        assertThat(host.reads).isEqualTo(1);
        assertThat(host.openPins).isEqualTo(pins + 1);
        assertThat(new String(own.read(child, 0, 100))).isEqualTo("0\n");
        host.reads = 0;
        assertThat(line(child, "getppid")).isEqualTo("2");
        assertThat(host.reads).as("bound: its pin alone").isZero();
    }

    /**
     * A child's binding goes at the next request after its task is reaped, once its real process is
     * gone: the table stays the live bindings' size (and empty when none is left, where a request
     * needs no look at the host at all).
     */
    @Test
    void aReapedChildsBindingGoesWithItsProcess() {
        assertThat(fs.attachTable().size()).isEqualTo(2);
        assertThat(line(shell, "fork")).isEqualTo("4");
        assertThat(line(child, "attach 4")).isEqualTo("0");
        assertThat(line(child, "exit_group 0")).isEqualTo("0");
        host.exit(CHILD);
        assertThat(fs.attachTable().size()).isEqualTo(3);
        assertThat(line(shell, "wait4 4")).isEqualTo("4 status=0x0000");
        assertThat(fs.attachTable().size()).isEqualTo(2);
        assertThat(host.openPins).isEqualTo(2);
    }

    /**
     * When its task is reaped, a child's binding whose process is gone (no /proc/<pid> at all) is
     * dropped without a read of its pin: that read would fail (ESRCH), which costs the JVM an
     * exception, the dearest step of a shim cycle.
     */
    @Test
    void aGoneChildsBindingIsDroppedWithoutReadingItsPin() {
        assertThat(line(shell, "fork")).isEqualTo("4");
        assertThat(line(child, "attach 4")).isEqualTo("0");
        assertThat(line(child, "exit_group 0")).isEqualTo("0");
        host.exit(CHILD);
        int reads = host.pinReads.getOrDefault(CHILD, 0);
        assertThat(line(shell, "wait4 4")).isEqualTo("4 status=0x0000");
        assertThat(fs.attachTable().size()).isEqualTo(2);
        assertThat(host.pinReads.getOrDefault(CHILD, 0)).isEqualTo(reads);
    }

    /** A new real thread binds itself alone to the sim thread its process's clone line made. */
    @Test
    void aNewThreadBindsItselfAloneWithOneLine() {
        Caller thread = new Caller(SHELLS_THREAD, 0, 0);
        assertThat(line(shell, "clone CLONE_THREAD|CLONE_SIGHAND|CLONE_VM")).isEqualTo("4");
        assertThat(line(thread, "gettid")).as("unbound: its process's task").isEqualTo("2");
        assertThat(line(thread, "attach 4")).isEqualTo("0");
        assertThat(line(thread, "gettid")).isEqualTo("4");
        assertThat(line(thread, "getpid")).isEqualTo("2");
        assertThat(line(shell, "gettid")).isEqualTo("2");
        assertThat(line(child, "gettid")).as("the process's forked child: its host parent's task").isEqualTo("2");
        assertThat(new String(fs.open(OPERATOR, "/2/task/4/attach", 0).read(OPERATOR, 0, 100))).isEqualTo(SHELLS_THREAD + "\n");
        assertThat(line(shell, "attach 4")).as("bound already").isEqualTo("EBUSY");
        assertThat(line(shell, "exit_group 0")).isEqualTo("0");
        assertThat(line(thread, "attach 4")).as("exited").isEqualTo("ESRCH");
    }

    /**
     * A reused host pid does not inherit the binding (AttachTable keeps the start time); a task
     * whose real process is gone may be bound again by its parent's real child (which the parent
     * could bind through the task's attach file anyway).
     */
    @Test
    void aReusedHostPidDoesNotInheritTheChildsBinding() {
        line(shell, "fork");
        line(child, "attach 4");
        assertThat(line(child, "attach 4")).as("it is task 4 now, no child of its own").isEqualTo("EPERM");
        host.exit(CHILD);
        host.process(CHILD, SHELL);
        host.start.put(CHILD, 9999L);
        assertThat(line(child, "getpid")).isEqualTo("2");
        assertThat(line(child, "attach 4")).isEqualTo("0");
        assertThat(line(child, "getpid")).isEqualTo("4");
    }

    /**
     * Only the caller's own fresh child process or thread: ESRCH for no such task or one that has
     * exited, EPERM for any other (init, a sibling, a grandchild, another process's thread), EBUSY
     * for one a real process is bound to, EINVAL for a malformed line. Each changes nothing: the
     * child still acts as its parent.
     */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "attach 999, ESRCH",
        "attach 5, ESRCH",      // a zombie: killed in the sim
        "attach 1, EPERM",      // init
        "attach 3, EPERM",      // a sibling
        "attach 7, EPERM",      // a grandchild
        "attach 9, EPERM",      // a thread of another process
        "attach 6, EBUSY",      // bound to OTHER by the operator
        "attach, EINVAL",
        "attach x, EINVAL",
        "attach 4 4, EINVAL",
        "attach 0, EINVAL",
        "attach -4, EINVAL",
    })
    void attachErrnos(String attachLine, String errno) {
        assertThat(line(shell, "fork")).isEqualTo("4");
        assertThat(line(shell, "fork")).isEqualTo("5");
        assertThat(line(shell, "kill 5 SIGKILL")).isEqualTo("0");
        assertThat(line(shell, "fork")).isEqualTo("6");
        write(OPERATOR, "/6/task/6/attach", String.valueOf(OTHER));
        assertThat(lineOn("/4/task/4/syscall", OPERATOR, "fork")).isEqualTo("7");
        assertThat(line(shell, "clone CLONE_THREAD|CLONE_SIGHAND|CLONE_VM")).isEqualTo("8");
        assertThat(lineOn("/3/task/3/syscall", OPERATOR, "clone CLONE_THREAD|CLONE_SIGHAND|CLONE_VM")).isEqualTo("9");

        assertThat(line(child, attachLine)).isEqualTo(errno);
        assertThat(line(child, "getpid")).isEqualTo("2");
        assertThat(attachOf(4)).isEmpty();
        assertThat(attachOf(7)).isEmpty();
        assertThat(attachOf(6)).isEqualTo(OTHER + "\n");
    }

    /**
     * Only an unbound real process (or thread) binds itself by the line: one bound already, the
     * shell here, cannot move its own binding to its fresh child or to its fresh thread (for the
     * main thread that would rebind the whole process): EPERM, and it stays what it was.
     */
    @Test
    void aBoundCallerCannotRebindItselfByTheLine() {
        assertThat(line(shell, "fork")).isEqualTo("4");
        assertThat(line(shell, "clone CLONE_THREAD|CLONE_SIGHAND|CLONE_VM")).isEqualTo("5");
        assertThat(line(shell, "attach 4")).isEqualTo("EPERM");
        assertThat(line(shell, "attach 5")).isEqualTo("EPERM");
        assertThat(line(shell, "gettid")).isEqualTo("2");
        assertThat(attachOf(2)).isEqualTo(SHELL + "\n");
        assertThat(attachOf(4)).isEmpty();
        assertThat(line(child, "attach 4")).as("its own real child still may").isEqualTo("0");
    }

    /** The operator and a powerless caller have no sim thread to act as: ESRCH, and nothing runs. */
    @Test
    void noSimThreadNoCall() {
        assertThat(line(OPERATOR, "fork")).isEqualTo("ESRCH");
        assertThat(line(OPERATOR, "attach 2")).isEqualTo("ESRCH");
        lineOn("/1/task/1/syscall", OPERATOR, "kill 3 SIGKILL");
        assertThat(line(other, "getpid")).as("its task exited").isEqualTo("ESRCH");
        lineOn("/1/task/1/syscall", OPERATOR, "wait4 3");
        assertThat(line(other, "fork")).as("its task reaped: powerless").isEqualTo("ESRCH");
        assertThat(lineOn("/1/task/1/syscall", OPERATOR, "fork")).as("no fork ran").isEqualTo("4");
    }

    /**
     * The binding of a child whose real process ended without its sim task (a real SIGKILL the sim
     * never heard of) is never looked up again: the table sweeps such bindings (and closes their
     * pins) whenever it has doubled, so a long fork loop does not grow it.
     */
    @Test
    void goneChildrensBindingsAreSwept() {
        for (int i = 0; i < 300; i++) {
            int real = 1000 + i;
            host.process(real, SHELL);
            String pid = line(shell, "fork");
            assertThat(line(new Caller(real, 0, 0), "attach " + pid)).isEqualTo("0");
            host.exit(real);
        }
        AttachTable table = fs.attachTable();
        assertThat(table.size()).isLessThan(64);
        assertThat(host.openPins).isEqualTo(table.size());
        assertThat(line(shell, "getpid")).isEqualTo("2");
        assertThat(line(other, "getpid")).isEqualTo("3");
    }

    /**
     * {@code bind CHILD LINE}: the parent's fork line and its real child's binding in one request;
     * the child then acts as the new task from its first request, with no line of its own.
     */
    @Test
    void aParentsForkLineBindsItsRealChild() {
        assertThat(line(shell, "bind " + CHILD + " fork")).isEqualTo("4");
        assertThat(attachOf(4)).isEqualTo(CHILD + "\n");
        assertThat(line(child, "getpid")).isEqualTo("4");
        assertThat(line(child, "getppid")).isEqualTo("2");
        assertThat(line(child, "exit_group 3")).isEqualTo("0");
        assertThat(line(shell, "wait4 4")).isEqualTo("4 status=0x0300");
    }

    /**
     * Two binds of one child at once (two threads of its parent process, each may bind it): the
     * one that comes while the other is making its task is EPERM and makes nothing; the first binds.
     */
    @Test
    void aChildBeingBoundIsNotBoundTwice() {
        AttachTable table = fs.attachTable();
        String[] second = new String[2];
        procsim.task.Task three = kernel.read(() -> kernel.tasks().lookup(kernel.tasks().init().activePidNs(), 3));
        procsim.task.Task made = table.attachNew(CHILD, host.pin(CHILD), () -> {
            try {
                table.attachNew(CHILD, host.pin(CHILD), () -> {
                    throw new AssertionError("a second task made for one child");
                });
                second[0] = "bound";
            } catch (SysError e) {
                second[0] = e.errno().name();
            }
            try { // nor by an attach meanwhile, which the first bind's binding would have replaced
                table.attach(CHILD, three);
                second[1] = "bound";
            } catch (SysError e) {
                second[1] = e.errno().name();
            }
            return kernel.read(() -> kernel.tasks().lookup(kernel.tasks().init().activePidNs(), 2));
        });
        assertThat(second).containsExactly("EPERM", "EBUSY");
        assertThat(made).isNotNull();
        assertThat(table.boundTo(made)).as("the first bind's").contains(CHILD);
        assertThat(table.boundTo(three)).doesNotContain(CHILD);
        assertThat(host.openPins).as("the refused binds' pins closed").isEqualTo(3);
        assertThat(line(shell, "bind " + CHILD + " fork")).as("bound now").isEqualTo("EPERM");
    }

    /** The same by the ioctl, and for a clone3 with set_tid: the reply is the line's own. */
    @Test
    void bindTakesAnyForkLineThatMakesAChildProcess() {
        assertThat(line(shell, "bind " + CHILD + " clone3 flags=CLONE_NEWPID exit_signal=SIGCHLD set_tid=1,77")).isEqualTo("77");
        assertThat(line(child, "getpid")).as("pid 1 in its own namespace").isEqualTo("1");
        assertThat(attachOf(77)).isEqualTo(CHILD + "\n");
    }

    /**
     * Refusals come before the line runs and change nothing: no task made, nothing bound. A line
     * that runs and fails (EEXIST) gives its errno and binds nothing either.
     */
    @ParameterizedTest(name = "{0} by {1}: {2}")
    @CsvSource(delimiter = ';', value = {
        "bind 300 fork ; shell ; ESRCH",  // not a real child of the caller
        "bind 999 fork ; shell ; ESRCH",  // no such process
        "bind 201 getpid ; shell ; EINVAL", // makes no child
        "bind 201 clone CLONE_THREAD|CLONE_SIGHAND|CLONE_VM ; shell ; EINVAL", // a thread
        "bind 201 clone3 flags=CLONE_PARENT ; shell ; EINVAL", // a sibling
        "bind 201 nosuchcall ; shell ; EINVAL",
        "bind 201 ; shell ; EINVAL",
        "bind x fork ; shell ; EINVAL",
        "bind 0 fork ; shell ; EINVAL",
        "bind 201 fork ; operator ; ESRCH",  // no sim thread to fork
        "bind 201 clone3 exit_signal=SIGCHLD set_tid=3 ; shell ; EEXIST", // the line's own errno
    })
    void refusalsChangeNothing(String line, String who, String errno) {
        Caller c = who.equals("operator") ? OPERATOR : shell;
        assertThat(line(c, line.strip())).isEqualTo(errno);
        assertThat(fs.attachTable().size()).as("nothing bound, right after the line").isEqualTo(2);
        assertThat(fs.readdir(OPERATOR, "/")).doesNotContain("4");
        assertThat(line(child, "getpid")).as("still unbound: its parent's task").isEqualTo("2");
        assertThat(fs.attachTable().size()).isEqualTo(2);
        assertThat(host.openPins).isEqualTo(2);
    }

    /**
     * CHILD is the pid fork returned to the caller, in the caller's own pid namespace (procsim exec
     * runs programs in one of their own), matched against its newest child's NStgid.
     */
    @Test
    void theChildIsNamedAsTheCallersNamespaceNumbersIt() {
        host.tgidVnr.put(SHELL, 4);
        host.tgidVnr.put(CHILD, 5);
        assertThat(line(shell, "bind " + CHILD + " fork")).isEqualTo("ESRCH");
        assertThat(line(shell, "bind 5 fork")).isEqualTo("4");
        assertThat(attachOf(4)).isEqualTo(CHILD + "\n");
    }

    /**
     * Orphans handed to the caller come last in its children list (kernel/exit.c
     * forget_original_parent: list_splice_tail_init), after a child it forked before: CHILD is
     * found wherever it is in the list.
     */
    @Test
    void theChildIsFoundBehindOrphansReparentedToTheCaller() {
        host.process(250, SHELL).process(251, SHELL);
        assertThat(line(shell, "bind " + CHILD + " fork")).isEqualTo("4");
        assertThat(attachOf(4)).isEqualTo(CHILD + "\n");
        assertThat(fs.attachTable().size()).isEqualTo(3);
    }

    @Test
    void aBoundProcessCannotBeBoundAgain() {
        assertThat(line(shell, "bind " + CHILD + " fork")).isEqualTo("4");
        assertThat(line(shell, "bind " + CHILD + " fork")).isEqualTo("EPERM");
        assertThat(fs.readdir(OPERATOR, "/")).doesNotContain("5");
    }
}
