package procsim.bench;

import java.util.ArrayList;
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
 * (b, cross-check) fork alone: each measured iteration is one batch of {@value #BATCH} forks
 * (single shot, so the clock is read once per batch, not per fork); between iterations, untimed,
 * the batch exits and is reaped, so the population only ever grows by {@value #BATCH} over
 * {@code liveTasks}. Report the score divided by {@value #BATCH} as the cost of one fork.
 *
 * <p>Run it on its own with many short iterations, e.g.
 * {@code java -jar benchmarks.jar ForkOnly -wi 300 -i 300}: its annotations say so, and the
 * -wi/-i of a run of the other benchmarks would override them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 300, batchSize = ForkOnlyBenchmark.BATCH)
@Measurement(iterations = 300, batchSize = ForkOnlyBenchmark.BATCH)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ForkOnlyBenchmark {
    static final int BATCH = 1000;

    @Param({"1000", "1000000"})
    public int liveTasks;

    private Kernel kernel;
    private TaskSet tasks;
    private Task parent;
    private final List<Task> batch = new ArrayList<>(BATCH);

    @Setup(Level.Trial)
    public void populate() {
        kernel = Population.boot();
        tasks = kernel.tasks();
        Task holder = Population.fork(kernel, tasks.init());
        Population.spawn(kernel, holder, liveTasks);
        parent = Population.fork(kernel, tasks.init());
        System.gc();
    }

    @TearDown(Level.Iteration)
    public void reapBatch() {
        Population.endAndReap(kernel, parent, batch);
    }

    @Benchmark
    public Task fork() {
        Task child = kernel.write(() -> tasks.clone(parent, Population.FORK));
        batch.add(child);
        return child;
    }
}
