package procsim.restorer;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@link RestorerPort} through a mount's files, as the operator: a thread's syscalls through
 * {@code M/<pid>/syscall} (the leader's) or {@code M/<pid>/task/<tid>/syscall}, each opened once and
 * kept; {@code M/<pid>/task/<tid>/next_syscall_data}; {@code M/sys/kernel/*_next_id}; and the root
 * namespace's {@code M/sys/kernel/ns_last_pid}. A nested namespace's ns_last_pid is the file as a
 * task of that namespace sees it, so the port keeps one Java thread per such namespace attached
 * to its init ({@code M/<init>/task/<init>/attach}) that writes it.
 *
 * <p>Threads may make calls at once for different tasks (the maps of open files are concurrent).
 * In a dry run ({@code dryRun} not null) every write is printed there as {@code FILE <- TEXT},
 * in order, and not made, and an ns_last_pid write left out as {@code FILE == VALUE}; the replies
 * are the ones the restore expects. Reads are made.
 */
public final class MountPort implements RestorerPort {
    private final Path mount;
    private final PrintWriter dryRun;
    private final Map<Long, ProcFile> syscallFiles = new ConcurrentHashMap<>();
    private final Map<Long, ProcFile> nsdFiles = new ConcurrentHashMap<>();
    private final Map<String, ProcFile> sysctls = new HashMap<>();
    private final Map<Integer, NamespaceRestorer> restorers = new HashMap<>();

    public MountPort(Path mount, PrintWriter dryRun) {
        this.mount = mount;
        this.dryRun = dryRun;
    }

    public Path mount() {
        return mount;
    }

    /**
     * A (pid, tid) key whose hash is the tid: Long.hashCode folds the halves, so {@code pid << 32 | tid}
     * hashed to pid ^ tid, 0 for every leader, all in one bin of the map.
     */
    static long key(int pid, int tid) {
        return (long) pid << 32 | (tid ^ pid) & 0xffffffffL;
    }

    private Path syscallPath(int pid, int tid) {
        return pid == tid ? mount.resolve(pid + "/syscall") : mount.resolve(pid + "/task/" + tid + "/syscall");
    }

    /** The open file of {@code path} in {@code files}, opened on first use (one task's files are used by one thread at a time). */
    private static ProcFile kept(Map<Long, ProcFile> files, long key, Path path) throws IOException {
        ProcFile f = files.get(key);
        if (f == null) {
            f = ProcFile.open(path);
            files.put(key, f);
        }
        return f;
    }

    private ProcFile syscallFile(int pid, int tid) throws IOException {
        return kept(syscallFiles, key(pid, tid), syscallPath(pid, tid));
    }

    private void print(Path file, String text) {
        dryRun.println(file + " <- " + text);
    }

    @Override
    public Reply call(int pid, int tid, String line, long expect) {
        if (dryRun != null) {
            print(syscallPath(pid, tid), line);
            return Reply.of(expect);
        }
        try {
            return syscallFile(pid, tid).call(line);
        } catch (IOException e) {
            return Reply.error(ProcFile.errnoName(e));
        }
    }

    @Override
    public Reply send(int pid, int tid, String line) {
        if (dryRun != null) {
            print(syscallPath(pid, tid), line);
            return Reply.DONE;
        }
        try {
            return syscallFile(pid, tid).send(line);
        } catch (IOException e) {
            return Reply.error(ProcFile.errnoName(e));
        }
    }

    @Override
    public Reply writeNextSyscallData(int pid, int tid, String text) {
        Path p = mount.resolve(pid + "/task/" + tid + "/next_syscall_data");
        if (dryRun != null) {
            print(p, text);
            return Reply.DONE;
        }
        try {
            return Reply.written(kept(nsdFiles, key(pid, tid), p).write(text + "\n"));
        } catch (IOException e) {
            return Reply.error(ProcFile.errnoName(e));
        }
    }

    private Reply writeSysctl(String name, String text) {
        Path p = mount.resolve("sys/kernel/" + name);
        if (dryRun != null) {
            print(p, text);
            return Reply.DONE;
        }
        try {
            ProcFile f = sysctls.get(name);
            if (f == null) {
                f = ProcFile.open(p);
                sysctls.put(name, f);
            }
            return Reply.written(f.write(text + "\n"));
        } catch (IOException e) {
            return Reply.error(ProcFile.errnoName(e));
        }
    }

    @Override
    public Reply writeNsLastPid(int nsInit, long value) {
        if (nsInit == 1) return writeSysctl("ns_last_pid", Long.toString(value));
        if (dryRun != null) {
            dryRun.println(mount.resolve("sys/kernel/ns_last_pid") + " <- " + value + "   (by a restorer attached as "
                    + nsInit + ": " + mount.resolve(nsInit + "/task/" + nsInit + "/attach") + ")");
            return Reply.DONE;
        }
        return restorers.computeIfAbsent(nsInit, NamespaceRestorer::new).write(Long.toString(value));
    }

    @Override
    public void nsLastPidHolds(int nsInit, long value) {
        if (dryRun == null) return;
        dryRun.println(mount.resolve("sys/kernel/ns_last_pid") + " == " + value + "   (" + (nsInit == 1 ? "" : "in " + nsInit + "'s namespace, ")
                + "the last fork there gave it: not written)");
    }

    @Override
    public Reply writeNextId(String kind, long id) {
        return writeSysctl(kind + "_next_id", Long.toString(id));
    }

    /** A read of process {@code pid}'s directory. */
    private interface DirRead<T> {
        T read(Path dir) throws IOException;
    }

    private <T> T read(int pid, DirRead<T> r) {
        try {
            return r.read(mount.resolve(Integer.toString(pid)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public TaskInfo task(int pid) {
        MountFiles.Status s = read(pid, MountFiles::status);
        return s == null ? null : new TaskInfo(s.get("Name"), Integer.parseInt(s.get("PPid").strip()), s.ints("NSpid"), s.numbers("Uid"),
                s.numbers("Gid"), new Image.Caps(s.get("CapInh"), s.get("CapPrm"), s.get("CapEff"), s.get("CapBnd"), s.get("CapAmb")),
                s.get("SigIgn"), s.get("SigCgt"), s.get("SigBlk"), s.get("ShdPnd"));
    }

    @Override
    public GroupUser groupUser(int pid) {
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(mount, "[0-9]*")) {
            for (Path dir : procs) {
                MountFiles.Status s = MountFiles.status(dir); // NSpgid and NSsid: the root namespace's number first
                if (s == null) continue; // reaped meanwhile
                int p = Integer.parseInt(dir.getFileName().toString());
                if (s.ints("NSpgid").get(0) == pid) return new GroupUser(p, false);
                if (s.ints("NSsid").get(0) == pid) return new GroupUser(p, true);
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<Image.Fd> fds(int pid) {
        return read(pid, MountFiles::fds);
    }

    @Override
    public List<Image.ShmAttach> shmAttaches(int pid) {
        return read(pid, MountFiles::shmAttaches);
    }

    @Override
    public List<String> argv(int pid) {
        return read(pid, MountFiles::argv);
    }

    @Override
    public void close() {
        for (NamespaceRestorer r : restorers.values()) r.close();
        restorers.clear();
        for (Map<?, ProcFile> m : List.of(syscallFiles, nsdFiles, sysctls)) {
            for (ProcFile f : m.values()) {
                try {
                    f.close();
                } catch (IOException ignored) {
                    // a close of a procfs-like file reports nothing we could act on
                }
            }
            m.clear();
        }
    }

    /**
     * A Java thread attached as a namespace's init, which writes that namespace's ns_last_pid (the
     * file is the writer's namespace's, kernel/pid_namespace.c). It attaches on its first write
     * (its host tid, read from {@code /proc/thread-self}, to the init's attach file) and detaches
     * at close.
     */
    private final class NamespaceRestorer {
        private final int init;
        private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ns-restorer");
            t.setDaemon(true);
            return t;
        });
        private ProcFile nsLastPid;

        NamespaceRestorer(int init) {
            this.init = init;
        }

        Reply write(String text) {
            Future<Reply> f = thread.submit(() -> {
                if (nsLastPid == null) {
                    String tid = Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
                    String err = null;
                    try (ProcFile attach = ProcFile.open(mount.resolve(init + "/task/" + init + "/attach"))) {
                        err = attach.write(tid + "\n");
                    }
                    if (err != null) return Reply.error(err);
                    nsLastPid = ProcFile.open(mount.resolve("sys/kernel/ns_last_pid"));
                }
                return Reply.written(nsLastPid.write(text + "\n"));
            });
            try {
                return f.get();
            } catch (ExecutionException e) {
                return Reply.error(e.getCause() instanceof IOException io ? ProcFile.errnoName(io) : String.valueOf(e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Reply.error("EINTR");
            }
        }

        void close() {
            thread.submit(() -> {
                if (nsLastPid == null) return null;
                nsLastPid.close();
                try (ProcFile self = ProcFile.open(mount.resolve("thread-self/attach"))) {
                    self.write("detach\n");
                }
                return null;
            });
            thread.shutdown();
            try {
                thread.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
