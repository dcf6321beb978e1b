package procsim.race.live;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import procsim.race.RaceEvidence;
import procsim.race.RaceLogFormat;
import procsim.race.RacePlan;
import procsim.race.RaceRow;
import procsim.race.RaceTally;
import procsim.race.RaceTask;
import procsim.restorer.ProcFile;
import procsim.restorer.Reply;

/**
 * One live race run through a mount, with real threads: the operator (this thread, which must be
 * unattached) has init clone a fresh pid namespace ({@code clone CLONE_NEWPID|SIGCHLD} on
 * {@code M/1/task/1/syscall}); that namespace's init forks the restorers and the interference
 * tasks; one {@link RaceWorker} thread attaches to each; they start together and race; the
 * operator then reads the namespace's race evidence ({@code M/procsim/pidns/<inum>/}), matches
 * every miss to its {@code elsewhere} line, and kills the namespace's init (which takes the
 * namespace down) and reaps it.
 */
public final class LiveRace {
    /** A run's row, the race log lines to keep (empty unless asked for), and problems worth a warning. */
    public record Result(RaceRow row, List<String> log, List<String> warnings) {
    }

    private final Path mount;

    /** {@code mount}: the root of a live procsim mount. */
    public LiveRace(Path mount) {
        this.mount = mount;
    }

    /** Fails unless this process is the operator of the mount (attached callers would act as their sim thread). */
    public void checkOperator() throws IOException {
        if (!Files.isDirectory(mount.resolve("1/task/1"))) {
            throw new IOException(mount + " does not look like a procsim mount (no 1/task/1)");
        }
        String self;
        try {
            self = Files.readSymbolicLink(mount.resolve("self")).toString();
        } catch (NoSuchFileException e) {
            return; // M/self is ENOENT for the operator only
        }
        throw new IOException("this process is attached to sim task " + self + " of " + mount
                + ": run the race from an unattached shell (the operator)");
    }

    /** Runs {@code plan}; {@code keepLog} adds the namespace's writes, allocations and stolen files to the result. */
    public Result run(RacePlan plan, boolean keepLog) throws IOException, InterruptedException {
        List<String> warnings = new ArrayList<>();
        int nsInit;
        try (ProcFile init = ProcFile.open(mount.resolve("1/task/1/syscall"))) {
            Reply r = init.call("clone CLONE_NEWPID|SIGCHLD");
            if (r.failed()) throw new IOException("init could not clone a pid namespace: " + r.text());
            nsInit = (int) r.value();
        }
        try {
            return race(plan, nsInit, keepLog, warnings);
        } finally {
            try (ProcFile init = ProcFile.open(mount.resolve("1/task/1/syscall"))) {
                String e = init.write("kill " + nsInit + " SIGKILL\n");
                if (e == null) e = init.write("wait4 " + nsInit + "\n");
                if (e != null) warnings.add("cleanup: killing and reaping the namespace's init " + nsInit + ": " + e);
            }
        }
    }

    private Result race(RacePlan plan, int nsInit, boolean keepLog, List<String> warnings)
            throws IOException, InterruptedException {
        long inum = parseInum(Files.readSymbolicLink(mount.resolve(nsInit + "/ns/pid")).toString());
        int tasks = plan.workers() + plan.interference();
        List<Integer> nsTids = new ArrayList<>();
        try (ProcFile f = ProcFile.open(mount.resolve(nsInit + "/task/" + nsInit + "/syscall"))) {
            for (int i = 0; i < tasks; i++) {
                Reply r = f.call("fork");
                if (r.failed()) throw new IOException("the namespace's init could not fork: " + r.text());
                nsTids.add((int) r.value());
            }
        }
        Map<Integer, Integer> rootOf = rootTids(nsInit);
        RaceEvidenceFiles evidence = new RaceEvidenceFiles(mount, inum);
        RaceLogFormat.Summary before = evidence.summary();

        CountDownLatch ready = new CountDownLatch(tasks);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch restorersDone = new CountDownLatch(plan.workers());
        AtomicBoolean abort = new AtomicBoolean();
        List<RaceWorker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            boolean restorer = i < plan.workers();
            int nsTid = nsTids.get(i);
            Integer rootTid = rootOf.get(nsTid);
            if (rootTid == null) throw new IOException("no root tid for pid " + nsTid + " of namespace " + inum);
            RaceWorker w = new RaceWorker(mount, plan, restorer ? i : i - plan.workers(), restorer, rootTid, nsTid, nsInit,
                    ready, go, () -> restorersDone.getCount() == 0, abort::get);
            workers.add(w);
            Thread t = new Thread(() -> {
                try {
                    w.run();
                } finally {
                    if (restorer) restorersDone.countDown();
                }
            }, "race-" + w.name());
            t.setDaemon(true);
            threads.add(t);
        }
        for (Thread t : threads) t.start();
        ready.await();
        for (RaceWorker w : workers) {
            if (w.failure != null) abort.set(true);
        }
        long start = System.nanoTime();
        go.countDown();
        restorersDone.await();
        long end = start;
        for (RaceWorker w : workers.subList(0, plan.workers())) end = Math.max(end, w.finishedNanos);
        for (Thread t : threads) t.join();

        RaceTally tally = new RaceTally();
        List<RaceTask.Miss> misses = new ArrayList<>();
        for (RaceWorker w : workers) {
            if (w.failure != null) {
                throw new IOException("race worker " + w.name() + " (host tid " + w.hostTid + "): " + w.failure,
                        w.failure);
            }
            tally.add(w.task.tally());
            misses.addAll(w.task.misses());
            w.task.cleanupErrors().forEach((k, v) -> warnings.add(w.name() + ": " + v + " x " + k));
        }
        RaceLogFormat.Summary after = evidence.summary();
        String allocations = evidence.read("allocations");
        RaceEvidence ev = RaceEvidence.check(after.minus(before), RaceLogFormat.parseElsewhere(allocations), misses);
        List<String> log = new ArrayList<>();
        if (keepLog) {
            for (String file : RaceLogFormat.FILES) {
                String text = file.equals("allocations") ? allocations : evidence.read(file);
                for (String line : text.split("\n")) {
                    if (!line.isBlank()) log.add(file + ": " + line);
                }
            }
        }
        double seconds = (end - start) / 1e9;
        return new Result(new RaceRow("live", plan, tally, ev, seconds), log, warnings);
    }

    /** ns tid -> root tid of the children of the namespace's init, from their status NSpid lines. */
    private Map<Integer, Integer> rootTids(int nsInit) throws IOException {
        Map<Integer, Integer> map = new HashMap<>();
        String children = Files.readString(mount.resolve(nsInit + "/task/" + nsInit + "/children")).strip();
        if (children.isEmpty()) return map;
        for (String w : children.split("\\s+")) {
            int root = Integer.parseInt(w);
            for (String line : Files.readAllLines(mount.resolve(root + "/status"))) {
                if (line.startsWith("NSpid:")) {
                    String[] ids = line.substring(6).strip().split("\\s+");
                    map.put(Integer.parseInt(ids[ids.length - 1]), root);
                }
            }
        }
        return map;
    }

    /** {@code pid:[4026531840]} gives 4026531840. */
    static long parseInum(String link) {
        int a = link.indexOf('[');
        int b = link.indexOf(']');
        if (!link.startsWith("pid:") || a < 0 || b < a) throw new IllegalArgumentException("not a pid ns link: " + link);
        return Long.parseLong(link.substring(a + 1, b));
    }
}
