package procsim.bench;

import java.util.ArrayList;
import java.util.List;

import procsim.abi.Signals;
import procsim.kernel.Kernel;
import procsim.kernel.KernelConfig;
import procsim.task.CloneArgs;
import procsim.task.Task;
import procsim.task.TaskSet;
import procsim.task.TaskWait;

/** Shared set-up for the benchmarks: a kernel with pid_max 4194304 and model-API helpers. */
final class Population {
    static final int PID_MAX = 4_194_304;
    static final CloneArgs FORK = CloneArgs.of(0, Signals.SIGCHLD);

    private Population() {
    }

    static Kernel boot() {
        return Kernel.boot(KernelConfig.defaults().withPidMax(PID_MAX));
    }

    /** fork(2) as {@code parent}, through the model API. */
    static Task fork(Kernel kernel, Task parent) {
        return kernel.write(() -> kernel.tasks().clone(parent, FORK));
    }

    /**
     * {@code count} live processes, all children of {@code parent}, forked through the model API.
     * Returned so the caller can end them.
     */
    static List<Task> spawn(Kernel kernel, Task parent, int count) {
        List<Task> out = new ArrayList<>(count);
        kernel.write(() -> {
            TaskSet tasks = kernel.tasks();
            for (int i = 0; i < count; i++) out.add(tasks.clone(parent, FORK));
            return null;
        });
        return out;
    }

    /** Ends every task of {@code children} and reaps them as {@code parent}. */
    static void endAndReap(Kernel kernel, Task parent, List<Task> children) {
        kernel.write(() -> {
            TaskSet tasks = kernel.tasks();
            for (Task t : children) tasks.exitThread(t, 0);
            for (int i = 0; i < children.size(); i++) wait4(tasks, parent, -1);
            return null;
        });
        children.clear();
    }

    /** wait4(pid, WNOHANG) under a lock the caller holds; the reaped pid. */
    static int wait4(TaskSet tasks, Task parent, int pid) {
        try {
            return tasks.wait4(parent, pid, TaskWait.WNOHANG).pid();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static long usedHeapAfterGc() {
        var memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) { // until it settles: finalization, soft refs, humongous regions
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            long now = memory.getHeapMemoryUsage().getUsed();
            if (now >= used) return Math.min(now, used);
            used = now;
        }
        return used;
    }
}
