package procsim.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import procsim.kernel.Kernel;
import procsim.pid.PidNamespace;
import procsim.syscall.Call;
import procsim.syscall.SyscallResult;
import procsim.task.Task;
import procsim.task.TaskSet;

/**
 * (a) fork + exit + wait4 cycles per second on one thread. The parent is a process forked from
 * init with no other children; every cycle leaves the kernel as it found it (apart from the pid
 * cursor, which walks the 4M pid space and wraps).
 *
 * <ul>
 * <li>{@link #modelApi}: TaskSet.clone / exitThread / wait4 under one {@code kernel.write}.
 * <li>{@link #syscallLayer}: three {@code kernel.syscall(task, call)} with pre-decoded Calls,
 *     each taking the kernel lock and recording the thread's last result, plus the child's
 *     lookup under the read lock (what a /proc client does with the number fork returned).
 * <li>{@link #syscallLines}: the same with lines decoded each time: what a write to a
 *     syscall file costs.
 * </ul>
 * Target: at least 1,000,000 cycles per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ForkExitWaitBenchmark {
    private Kernel kernel;
    private TaskSet tasks;
    private Task parent;
    private PidNamespace ns;
    private Call fork;
    private Call exit;
    private Call wait4;

    @Setup
    public void boot() {
        kernel = Population.boot();
        tasks = kernel.tasks();
        parent = Population.fork(kernel, tasks.init());
        ns = parent.activePidNs();
        fork = kernel.decode("fork");
        exit = kernel.decode("exit 0");
        wait4 = kernel.decode("wait4 -1 WNOHANG");
    }

    @Benchmark
    public int modelApi() {
        return kernel.write(() -> {
            Task child = tasks.clone(parent, Population.FORK);
            tasks.exitThread(child, 0);
            return Population.wait4(tasks, parent, -1);
        });
    }

    @Benchmark
    public SyscallResult syscallLayer() {
        SyscallResult r = kernel.syscall(parent, fork);
        int nr = (int) r.value();
        Task child = kernel.read(() -> tasks.lookup(ns, nr));
        kernel.syscall(child, exit);
        return kernel.syscall(parent, wait4);
    }

    @Benchmark
    public SyscallResult syscallLines() {
        SyscallResult r = kernel.syscall(parent, "fork");
        int nr = (int) r.value();
        Task child = kernel.read(() -> tasks.lookup(ns, nr));
        kernel.syscall(child, "exit 0");
        return kernel.syscall(parent, "wait4 -1 WNOHANG");
    }
}
