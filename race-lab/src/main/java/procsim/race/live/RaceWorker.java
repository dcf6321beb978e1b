package procsim.race.live;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;

import procsim.race.RacePlan;
import procsim.race.RaceTask;
import procsim.restorer.ProcFile;

/**
 * One real thread of a live race run, acting through the mount as one sim task: it makes the
 * steps of its {@link RaceTask} (a restorer's attempts, or an interference task's forks until told
 * to stop) through an {@link AttachedPort}. It attaches itself: it writes its own host tid
 * ({@link HostThread#tid()}) to {@code M/<pid>/task/<pid>/attach} while still the operator, and
 * from then on every FUSE request it makes acts as that sim thread and sees that thread's pid
 * namespace, where it writes {@code M/sys/kernel/ns_last_pid},
 * {@code M/self/task/<tid>/next_syscall_data} and its own {@code syscall} file. Each child is
 * killed and reaped by the worker itself, on its own syscall file: an attached thread may not
 * write another thread's syscall file (EPERM). {@code stop} ends an interference task's loop;
 * {@code abort} ends anyone's (a sibling failed).
 */
final class RaceWorker implements Runnable {
    private final Path mount;
    private final RacePlan plan;
    private final int index;
    private final boolean restorer;
    private final int rootTid;
    private final int nsTid;
    private final int nsInit;
    private final CountDownLatch ready;
    private final CountDownLatch go;
    private final BooleanSupplier stop;
    private final BooleanSupplier abort;

    /** Its task, once attached; read after {@code join}. */
    volatile RaceTask task;
    volatile Throwable failure;
    volatile long finishedNanos;
    volatile int hostTid;

    /**
     * @param rootTid the sim task's tid in the root namespace (where the operator attaches it and
     *                reads the race evidence)
     * @param nsTid   the same task's tid in the race namespace (how it sees itself once attached)
     * @param nsInit  the root pid of the race namespace's init
     */
    RaceWorker(Path mount, RacePlan plan, int index, boolean restorer, int rootTid, int nsTid, int nsInit,
               CountDownLatch ready, CountDownLatch go, BooleanSupplier stop, BooleanSupplier abort) {
        this.mount = mount;
        this.plan = plan;
        this.index = index;
        this.restorer = restorer;
        this.rootTid = rootTid;
        this.nsTid = nsTid;
        this.nsInit = nsInit;
        this.ready = ready;
        this.go = go;
        this.stop = stop;
        this.abort = abort;
    }

    String name() {
        return (restorer ? "r" : "i") + index;
    }

    @Override
    public void run() {
        boolean attached = false;
        boolean counted = false;
        Path own = mount.resolve(nsTid + "/task/" + nsTid);
        try {
            hostTid = HostThread.tid();
            Path attach = mount.resolve(rootTid + "/task/" + rootTid + "/attach");
            Files.writeString(attach, hostTid + "\n");
            attached = true;
            String self = Files.readSymbolicLink(mount.resolve("thread-self")).toString();
            if (!self.equals(nsTid + "/task/" + nsTid)) {
                throw new IllegalStateException(name() + ": attached host thread " + hostTid + " to sim thread "
                        + rootTid + " but M/thread-self reads '" + self + "', not '" + nsTid + "/task/" + nsTid
                        + "' (is the mount served in another host pid namespace?)");
            }
            try (ProcFile syscall = ProcFile.open(own.resolve("syscall"));
                 ProcFile nsLastPid = ProcFile.open(mount.resolve("sys/kernel/ns_last_pid"));
                 ProcFile nsd = ProcFile.open(mount.resolve("self/task/" + nsTid + "/next_syscall_data"))) {
                RaceTask t = new RaceTask(plan, index, restorer, Integer.toString(rootTid),
                        new AttachedPort(rootTid, nsInit, syscall, nsLastPid, nsd));
                task = t;
                ready.countDown();
                counted = true;
                go.await();
                while (!t.done()) {
                    boolean quit = abort.getAsBoolean() || !restorer && stop.getAsBoolean();
                    if (quit && t.betweenAttempts()) break;
                    t.step();
                }
            }
        } catch (Throwable t) {
            failure = t;
        } finally {
            finishedNanos = System.nanoTime();
            if (!counted) ready.countDown();
            if (attached) {
                try {
                    Files.writeString(own.resolve("attach"), "detach\n");
                } catch (IOException e) {
                    if (failure == null) failure = e;
                }
            }
        }
    }
}
