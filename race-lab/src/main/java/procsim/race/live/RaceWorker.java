package procsim.race.live;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;

import procsim.race.RaceMethod;
import procsim.race.RacePlan;
import procsim.race.RaceTally;

/**
 * One real thread of a live race run, acting through the mount as one sim task: a restorer
 * (attempts to create children with its targets by the plan's method) or an interference task
 * (forks without a target until told to stop). It attaches itself: it writes its own host tid
 * ({@link HostThread#tid()}) to {@code M/<pid>/task/<pid>/attach} while still the operator, and
 * from then on every FUSE request it makes acts as that sim thread and sees that thread's pid
 * namespace, where it writes {@code M/sys/kernel/ns_last_pid},
 * {@code M/self/task/<tid>/next_syscall_data} and its own {@code syscall} file. Each child is
 * killed ({@code kill CHILD SIGKILL}) and reaped ({@code wait4 CHILD}) by the worker itself, on its
 * own syscall file: an attached thread may not write another thread's syscall file (EPERM).
 * {@code stop} ends an interference task's loop; {@code abort} ends anyone's (a sibling failed).
 */
final class RaceWorker implements Runnable {
    /** A restorer's wrong pid: it wanted {@code wanted} and got {@code got} (numbers in its namespace). */
    record Miss(int rootTid, int got, int wanted) {
    }

    private final Path mount;
    private final RacePlan plan;
    private final int index;
    private final boolean restorer;
    private final int rootTid;
    private final int nsTid;
    private final CountDownLatch ready;
    private final CountDownLatch go;
    private final BooleanSupplier stop;
    private final BooleanSupplier abort;

    final RaceTally tally = new RaceTally();
    final List<Miss> misses = new ArrayList<>();
    final Map<String, Long> cleanupErrors = new TreeMap<>();
    volatile Throwable failure;
    volatile long finishedNanos;
    volatile int hostTid;

    /**
     * @param rootTid the sim task's tid in the root namespace (where the operator attaches it)
     * @param nsTid   the same task's tid in the race namespace (how it sees itself once attached)
     */
    RaceWorker(Path mount, RacePlan plan, int index, boolean restorer, int rootTid, int nsTid,
               CountDownLatch ready, CountDownLatch go, BooleanSupplier stop, BooleanSupplier abort) {
        this.mount = mount;
        this.plan = plan;
        this.index = index;
        this.restorer = restorer;
        this.rootTid = rootTid;
        this.nsTid = nsTid;
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
                ready.countDown();
                counted = true;
                go.await();
                if (restorer) restore(syscall, nsLastPid, nsd);
                else interfere(syscall);
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

    private void restore(ProcFile syscall, ProcFile nsLastPid, ProcFile nsd) throws IOException {
        RaceMethod m = plan.method();
        for (int i = 0; i < plan.iterations() && !abort.getAsBoolean(); i++) {
            int target = plan.target(index, i);
            String err = null;
            if (m.writesNsLastPid()) err = nsLastPid.write(RaceMethod.nsLastPidText(target));
            else if (m.writesNextSyscallData()) err = nsd.write(RaceMethod.nextSyscallDataText(target));
            if (err != null) {
                tally.error(err);
                continue;
            }
            ProcFile.Reply r = syscall.call(m.cloneLine(target));
            if (r.failed()) {
                tally.error(r.errno());
                continue;
            }
            int got = (int) r.value();
            if (got == target) {
                tally.hit();
            } else {
                tally.miss();
                misses.add(new Miss(rootTid, got, target));
            }
            if (!plan.keepsChildren()) reap(syscall, got);
        }
    }

    private void interfere(ProcFile syscall) throws IOException {
        while (!stop.getAsBoolean() && !abort.getAsBoolean()) {
            ProcFile.Reply r = syscall.call("fork");
            if (r.failed()) {
                cleanupErrors.merge("fork " + r.errno(), 1L, Long::sum);
                continue;
            }
            reap(syscall, (int) r.value());
        }
    }

    private void reap(ProcFile syscall, int child) {
        String e = syscall.write("kill " + child + " SIGKILL\n");
        if (e != null) cleanupErrors.merge("kill " + e, 1L, Long::sum);
        e = syscall.write("wait4 " + child + "\n");
        if (e != null) cleanupErrors.merge("wait4 " + e, 1L, Long::sum);
    }
}
