package procsim.bench;

import java.lang.management.ManagementFactory;
import java.util.List;

import javax.management.ObjectName;

import procsim.kernel.Kernel;
import procsim.task.Task;

/**
 * (c) Heap used by live tasks: boots a kernel (pid_max 4194304), measures the used heap after
 * GC, forks N processes (default 1,000,000) through the model API as children of one process,
 * and measures again.
 *
 * <pre>
 * java -Xmx1g -cp kernel-sim/target/benchmarks.jar procsim.bench.HeapFootprint [N] [--histogram]
 * </pre>
 * With -Xmx1g the run itself shows whether N tasks fit in 1 GiB (OutOfMemoryError if not).
 * {@code --histogram} prints the top classes of the live heap (jcmd GC.class_histogram).
 */
public final class HeapFootprint {
    private HeapFootprint() {
    }

    public static void main(String[] args) throws Exception {
        int n = 1_000_000;
        boolean histogram = false;
        for (String a : args) {
            if (a.equals("--histogram")) histogram = true;
            else n = Integer.parseInt(a.replace("_", ""));
        }
        Kernel kernel = Population.boot();
        Task holder = Population.fork(kernel, kernel.tasks().init());
        long before = Population.usedHeapAfterGc();

        long t0 = System.nanoTime();
        List<Task> tasks = Population.spawn(kernel, holder, n);
        long forkNanos = System.nanoTime() - t0;
        long after = Population.usedHeapAfterGc();

        // the list the benchmark keeps is not the kernel's: take it out of the figure
        long listBytes = 16L + 24 + 16 + 4L * n; // ArrayList, its array header and compressed refs
        long used = after - before - listBytes;
        int live = kernel.read(() -> kernel.tasks().rootPidNs().allocatedCount());
        System.out.printf("live tasks (root namespace):  %,d%n", live);
        System.out.printf("heap used before / after:     %.1f MiB / %.1f MiB (max heap %.0f MiB)%n",
                mib(before), mib(after), mib(Runtime.getRuntime().maxMemory()));
        System.out.printf("heap for %,d tasks:         %.1f MiB (%,d bytes per task)%n", n, mib(used), used / n);
        System.out.printf("forking them took:            %.0f ms (%.0f ns per fork)%n", forkNanos / 1e6,
                (double) forkNanos / n);
        if (histogram) {
            Object text = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            String[] lines = text.toString().split("\n");
            for (int i = 0; i < Math.min(lines.length, 22); i++) System.out.println(lines[i]);
        }
        if (tasks.size() != n) throw new IllegalStateException();
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
