package procsim.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import procsim.kernel.Kernel;
import procsim.task.Task;
import procsim.task.TaskSet;

/**
 * (b) The cost of a fork with {@code liveTasks} processes already present. Each operation is a
 * fork, the child's exit and its reaping, so the population stays exactly {@code liveTasks} + 3
 * for the whole run (a fork-only loop would add a million tasks a second and measure a
 * population that is not the one asked for; see {@link ForkOnlyBenchmark} for fork alone in
 * short batches). The live tasks are children of one "holder" process.
 *
 * <ul>
 * <li>{@link #loneParent}: the forking process has no other children (the usual case).
 * <li>{@link #crowdedParent}: the holder itself forks and reaps with wait4(-1): its children
 *     set and zombie index hold {@code liveTasks} entries.
 * <li>{@link #crowdedParentWaitPid}: the same, reaping with wait4(child's pid), as a shell or
 *     a restorer waiting for one child does.
 * <li>{@link #loneParentSetsid}: the lone parent's child calls setsid before it exits: a process
 *     group and session made and ended, which must not cost more with more tasks (no scan).
 * </ul>
 * Target: at 1,000,000 live tasks a fork costs at most 2x what it costs at 1,000.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ForkAtScaleBenchmark {
    @Param({"1000", "1000000"})
    public int liveTasks;

    private Kernel kernel;
    private TaskSet tasks;
    private Task lone;
    private Task holder;
    private List<Task> population;

    @Setup(Level.Trial)
    public void populate() {
        kernel = Population.boot();
        tasks = kernel.tasks();
        holder = Population.fork(kernel, tasks.init());
        population = Population.spawn(kernel, holder, liveTasks);
        lone = Population.fork(kernel, tasks.init());
        System.gc();
    }

    @TearDown(Level.Trial)
    public void check() {
        int expected = liveTasks + 3; // init, holder, lone
        int actual = kernel.read(() -> tasks.rootPidNs().allocatedCount());
        if (actual != expected) throw new IllegalStateException("population drifted: " + actual + " != " + expected);
    }

    @Benchmark
    public int loneParent() {
        return kernel.write(() -> {
            Task child = tasks.clone(lone, Population.FORK);
            tasks.exitThread(child, 0);
            return Population.wait4(tasks, lone, -1);
        });
    }

    @Benchmark
    public int loneParentSetsid() {
        return kernel.write(() -> {
            Task child = tasks.clone(lone, Population.FORK);
            tasks.setsid(child);
            tasks.exitThread(child, 0);
            return Population.wait4(tasks, lone, -1);
        });
    }

    @Benchmark
    public int crowdedParent() {
        return kernel.write(() -> {
            Task child = tasks.clone(holder, Population.FORK);
            tasks.exitThread(child, 0);
            return Population.wait4(tasks, holder, -1);
        });
    }

    @Benchmark
    public int crowdedParentWaitPid() {
        return kernel.write(() -> {
            Task child = tasks.clone(holder, Population.FORK);
            tasks.exitThread(child, 0);
            return Population.wait4(tasks, holder, child.tid());
        });
    }
}
