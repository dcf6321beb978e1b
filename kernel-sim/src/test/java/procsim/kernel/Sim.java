package procsim.kernel;

import procsim.abi.Errno;
import procsim.abi.SysError;
import procsim.pid.PidNamespace;
import procsim.syscall.SyscallResult;
import procsim.task.Task;

/** Test fixture: a booted kernel and syscall lines run as a thread ({@code sim.as(1).run("fork")}). */
public final class Sim {
    public final Kernel kernel;

    public Sim() {
        this(KernelConfig.defaults().withPidMax(32768));
    }

    public Sim(KernelConfig config) {
        this.kernel = Kernel.boot(new KernelConfig(config.pidMax(), () -> 1_700_000_000L));
    }

    public static Sim withPidMax(int pidMax) {
        return new Sim(KernelConfig.defaults().withPidMax(pidMax));
    }

    /** The errno {@code r} fails with; an AssertionError if it succeeds. */
    public static Errno errno(Runnable r) {
        try {
            r.run();
        } catch (SysError e) {
            return e.errno();
        }
        throw new AssertionError("no error");
    }

    public PidNamespace root() {
        return kernel.tasks().rootPidNs();
    }

    /** The thread with root-namespace number {@code tid}. */
    public Task task(int tid) {
        Task t = kernel.read(() -> kernel.tasks().lookup(root(), tid));
        if (t == null) throw new AssertionError("no task " + tid);
        return t;
    }

    /**
     * Runs {@code line} as {@code task} on a thread of its own, its reply into {@code reply};
     * returns once the call sleeps in the kernel's wait for a change (TIMED_WAITING).
     */
    public Thread blocked(Task task, String line, java.util.concurrent.atomic.AtomicReference<String> reply) {
        Thread th = new Thread(() -> reply.set(as(task).run(line)));
        th.start();
        while (th.getState() != Thread.State.TIMED_WAITING) {
            if (!th.isAlive()) throw new AssertionError("did not block: " + reply.get());
            Thread.onSpinWait();
        }
        return th;
    }

    public Runner as(int tid) {
        return as(task(tid));
    }

    public Runner as(Task t) {
        return new Runner(t);
    }

    public final class Runner {
        public final Task task;

        Runner(Task task) {
            this.task = task;
        }

        public String run(String line) {
            return kernel.syscall(task, line).text();
        }

        public SyscallResult result(String line) {
            return kernel.syscall(task, line);
        }

        /** Runs a line that must succeed and returns its value. */
        public int ok(String line) {
            SyscallResult r = kernel.syscall(task, line);
            if (r.failed()) throw new AssertionError(line + " -> " + r.text());
            return (int) r.value();
        }

        /** The task of the child a successful fork-like line created, by the caller's numbering. */
        public Task child(String line) {
            int nr = ok(line);
            Task t = kernel.read(() -> kernel.tasks().lookup(task.activePidNs(), nr));
            if (t == null) throw new AssertionError("no child " + nr);
            return t;
        }
    }
}
