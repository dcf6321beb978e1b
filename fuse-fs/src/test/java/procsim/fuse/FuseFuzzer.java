package procsim.fuse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;

import procsim.abi.CloneFlags;
import procsim.abi.Errno;
import procsim.abi.IpcFlags;
import procsim.abi.OpenFlags;
import procsim.attach.HostProcesses;
import procsim.procfs.Caller;
import procsim.procfs.ProcFs;

/**
 * A seeded fuzzer of the FUSE operations ({@link FuseOps}) on a real {@link ProcFs}, without a
 * mount: malformed and random writes to every writable file kind (syscall lines, random and
 * mutated from valid ones; next_syscall_data; attach; the five sysctls; comm; and the read-only
 * files), plus create, rename, chmod, chown, utimens, unlink, rmdir and truncate attempts and
 * reads of whatever the writes made. It counts writes and their outcomes by errno, EIO replies and
 * ERROR log lines; the property held is 0 EIO and 0 ERROR lines. The same seed makes the same
 * requests and gets the same outcomes ({@link Report#digest()}).
 *
 * <p>Every caller is "interrupted" (a signal pending, as far as the sim can tell): a syscall that
 * would block (wait4, msgrcv, msgsnd, semop) ends at once with EINTR instead of hanging the fuzzer.
 *
 * <p>{@code make bench-fuzz} runs {@link #main} with 100,000 writes; FuseFuzzTest runs 2,000.
 */
public final class FuseFuzzer {
    /** The writable (and some read-only) file kinds a write goes to. */
    enum Kind { SYSCALL, NEXT_SYSCALL_DATA, ATTACH, SYSCTL, COMM, READ_ONLY }

    /** One EIO reply, for the report: what was written where. */
    record Eio(String op, String path, String data) {
    }

    /** What a run did and got. */
    record Report(long seed, int writes, Map<Kind, Integer> writesByKind, Map<String, Integer> writeOutcomes,
            Map<Kind, Map<String, Integer>> outcomesByKind, Map<String, Integer> otherOps,
            Map<String, Integer> otherOutcomes, List<Eio> eio, int errorLines, List<String> firstErrorLines,
            long digest, long millis) {

        int eioCount() {
            return eio.size();
        }
    }

    private static final int OPERATOR_TID = 100;
    private static final int FIRST_HOST = OPERATOR_TID, HOSTS = 10;
    private static final int O_WRONLY = 1, O_RDWR = 2;
    private static final String[] SYSCTLS = {"ns_last_pid", "pid_max", "msg_next_id", "sem_next_id", "shm_next_id"};
    private static final String[] READ_ONLY = {"status", "stat", "maps", "fd/0", "fdinfo/0", "ns/pid"};
    private static final String[] SYSCALL_NAMES = {"fork", "vfork", "clone", "clone3", "eclone", "execve", "exit",
        "exit_group", "wait4", "kill", "unshare", "setuid", "getpid", "gettid", "getppid", "prctl", "msgget", "msgsnd",
        "msgrcv", "msgctl", "semget", "semop", "semctl", "shmget", "shmat", "shmdt", "shmctl", "open", "dup", "dup2",
        "close", "lseek", "fcntl", "capset", "ptrace", "FORK", "", "fork2"};
    private static final String[] NUMBERS = {"0", "1", "2", "3", "-1", "-2", "17", "255", "256", "300", "1000",
        "4096", "32767", "32768", "32769", "65535", "4194304", "4194305", "2147483647", "2147483648", "-2147483648",
        "-2147483649", "4294967295", "4294967296", "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "-9223372036854775809", "18446744073709551615", "18446744073709551616",
        "99999999999999999999999999", "0x1f4", "0X20", "0x", "0x7fffffff", "0xffffffffffffffff", "0x1g", "0777",
        "08", "0", "-0", "+5", "1e3", "1.5", " 5", "5 ", "", "\t7", "0b101", "１２", "5\u0000"};
    private static final String[] WORDS = {"IPC_PRIVATE", "IPC_CREAT", "IPC_EXCL", "IPC_NOWAIT", "IPC_RMID", "IPC_SET",
        "IPC_STAT", "IPC_INFO", "MSG_NOERROR", "MSG_EXCEPT", "SETVAL", "GETVAL", "GETALL", "SETALL", "GETPID",
        "GETNCNT", "GETZCNT", "SHM_RDONLY", "SHM_RND", "WNOHANG", "__WALL", "__WCLONE", "WUNTRACED", "PR_SET_NAME",
        "PR_GET_NAME", "PR_SET_DUMPABLE", "SEEK_SET", "SEEK_CUR", "SEEK_END", "SEEK_DATA", "F_GETFD", "F_SETFD",
        "F_DUPFD", "F_GETFL", "F_SETFL", "FD_CLOEXEC", "/dev/console", "/tmp/x", "/", "", "a", "x=y", "=", "==",
        "set_tid=", "pids=", "flags=", "exit_signal=", "addr=", "mode=", "uid=", "gid=", "qbytes=", "key=",
        "0:1", "0:-1", "0:0:IPC_NOWAIT", "1:1:SEM_UNDO", "::", "a,b", ",", "1,,2", "|", "IPC_CREAT|", "|0600",
        "CLONE_NEWPID|CLONE_NEWPID", "SIGKILL", "SIGSTOP", "SIGCHLD", "SIG0", "65", "-9"};
    private static final String[] FLAG_NAMES = sortedNames(CloneFlags.NAMES, IpcFlags.NAMES, OpenFlags.NAMES);
    private static final String[] EXISTING = {"/", "/1", "/1/status", "/1/stat", "/1/comm", "/1/syscall", "/1/task",
        "/1/task/1", "/1/task/1/attach", "/1/task/1/next_syscall_data", "/1/fd", "/1/fd/0", "/1/fdinfo/1", "/1/ns",
        "/1/ns/pid", "/1/maps", "/self", "/thread-self", "/sys", "/sys/kernel", "/sys/kernel/pid_max",
        "/sys/kernel/ns_last_pid", "/sys/kernel/msg_next_id", "/sysvipc", "/sysvipc/msg", "/sysvipc/sem",
        "/sysvipc/shm", "/procsim", "/procsim/pidns"};
    private static final String[] NEW_NAMES = {"new", "x", "1", "0", "01", "4194305", "self", "...", " ", "a b",
        "é", "\u00ff\u00fe", "-", "sys", "task", "status.bak", "9".repeat(255)};

    private final SplittableRandom rnd;
    private final long seed;
    private final FuseOps ops;
    private final AtomicLong fh = new AtomicLong();
    private final List<Integer> pids = new ArrayList<>(List.of(1));
    private final List<String> ipcIds = new ArrayList<>(List.of("0"));
    private final List<String> addrs = new ArrayList<>(List.of("0x7f0000000000"));

    // tallies
    private int writes;
    private final Map<Kind, Integer> writesByKind = new TreeMap<>();
    private final Map<String, Integer> writeOutcomes = new TreeMap<>();
    private final Map<Kind, Map<String, Integer>> outcomesByKind = new TreeMap<>();
    private final Map<String, Integer> otherOps = new TreeMap<>();
    private final Map<String, Integer> otherOutcomes = new TreeMap<>();
    private final List<Eio> eio = new ArrayList<>();
    private long digest = 1125899906842597L;

    private FuseFuzzer(long seed) {
        this.seed = seed;
        this.rnd = new SplittableRandom(seed);
        this.ops = new FuseOps(ProcFs.boot(32768, new Host()));
    }

    /** {@code FuseFuzzer [WRITES [SEED]]}: prints the report; exit status 1 on any EIO or ERROR line. */
    public static void main(String[] args) {
        int writes = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        Report r = run(seed, writes);
        System.out.print(format(r));
        System.exit(r.eioCount() == 0 && r.errorLines() == 0 ? 0 : 1);
    }

    /** Makes {@code writes} writes (and the other operations between them) from {@code seed}. */
    static Report run(long seed, int writes) {
        ErrorCounter errors = new ErrorCounter();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger procsim = (Logger) LoggerFactory.getLogger("procsim");
        Level before = procsim.getLevel();
        procsim.setLevel(Level.INFO); // what the daemon logs by default; DEBUG would log every refused write
        errors.setContext(root.getLoggerContext());
        errors.start();
        List<Appender<ILoggingEvent>> console = new ArrayList<>(); // the report shows the ERROR lines
        root.iteratorForAppenders().forEachRemaining(console::add);
        console.forEach(root::detachAppender);
        root.addAppender(errors);
        long t0 = System.nanoTime();
        try {
            FuseFuzzer f = new FuseFuzzer(seed);
            while (f.writes < writes) {
                f.step();
            }
            return new Report(seed, f.writes, f.writesByKind, f.writeOutcomes, f.outcomesByKind, f.otherOps,
                    f.otherOutcomes, f.eio, errors.count, errors.first, f.digest, (System.nanoTime() - t0) / 1_000_000);
        } finally {
            root.detachAppender(errors);
            console.forEach(root::addAppender);
            errors.stop();
            procsim.setLevel(before);
        }
    }

    // ------------------------------------------------------------ one step

    private void step() {
        int p = rnd.nextInt(100);
        if (p < 8) {
            mutation();
        } else if (p < 12) {
            readSomething();
        } else if (p < 50) {
            write(Kind.SYSCALL);
        } else if (p < 62) {
            write(Kind.NEXT_SYSCALL_DATA);
        } else if (p < 68) {
            write(Kind.ATTACH);
        } else if (p < 82) {
            write(Kind.SYSCTL);
        } else if (p < 94) {
            write(Kind.COMM);
        } else {
            write(Kind.READ_ONLY);
        }
    }

    /** Mostly the operator; sometimes another host process (attached or not, as the fuzz made it). */
    private Caller caller() {
        int tid = rnd.nextInt(100) < 85 ? OPERATOR_TID : otherHost();
        return new Caller(tid, 0, 0, () -> true);
    }

    private String taskDir(boolean thread) {
        int pid = pids.get(rnd.nextInt(pids.size()));
        return thread ? "/" + pid + "/task/" + pid : "/" + pid;
    }

    private void write(Kind kind) {
        String path;
        byte[] data;
        switch (kind) {
            case SYSCALL -> {
                path = taskDir(rnd.nextBoolean()) + "/syscall";
                data = bytes(syscallLine());
            }
            case NEXT_SYSCALL_DATA -> {
                path = taskDir(true) + "/next_syscall_data";
                data = bytes(nextSyscallData());
            }
            case ATTACH -> {
                path = taskDir(true) + "/attach";
                data = bytes(attach());
            }
            case SYSCTL -> {
                path = "/sys/kernel/" + pick(SYSCTLS);
                data = bytes(mutate(pick(NUMBERS)));
            }
            case COMM -> {
                path = taskDir(rnd.nextBoolean()) + "/comm";
                data = bytes(comm());
            }
            default -> {
                path = rnd.nextInt(4) == 0 ? "/sysvipc/" + pick(new String[] {"msg", "sem", "shm"})
                        : taskDir(rnd.nextBoolean()) + "/" + pick(READ_ONLY);
                data = bytes(syscallLine());
            }
        }
        if (rnd.nextInt(20) == 0) {
            data = randomBytes();
        }
        Caller c = caller();
        int rc = ops.open(c, path, rnd.nextBoolean() ? O_WRONLY : O_RDWR, fh::set);
        if (rc < 0) { // the task is gone, say: not a write
            other("open", path, rc, null);
            if (rc == -Errno.ENOENT.number()) forget(path);
            return;
        }
        long h = fh.get();
        long offset = rnd.nextInt(10) == 0 ? 1 + rnd.nextInt(rnd.nextBoolean() ? 8 : Integer.MAX_VALUE) : 0;
        rc = ops.write(c, path, h, data, offset);
        countWrite(kind, path, data, rc);
        if (kind == Kind.SYSCALL && rc >= 0) {
            learn(readReply(c, path, h, data.length));
        }
        other("release", path, ops.release(path, h), null);
    }

    private String readReply(Caller c, String path, long h, long offset) {
        AtomicReference<String> out = new AtomicReference<>("");
        other("read", path, ops.read(c, path, h, offset, 4096,
                (d, n) -> out.set(new String(d, 0, n, StandardCharsets.UTF_8))), null);
        return out.get();
    }

    /** Remembers the ids a successful syscall returned (pids, IPC ids, shm addresses) for later lines. */
    private void learn(String reply) {
        String first = reply.strip().split(" ", 2)[0];
        if (first.startsWith("0x")) {
            addrs.add(first);
        } else if (first.matches("[1-9][0-9]{0,9}")) {
            ipcIds.add(first);
            long v = Long.parseLong(first);
            if (v <= 4194304) pids.add((int) v);
        }
        trim(pids);
        trim(ipcIds);
        trim(addrs);
    }

    private static <T> void trim(List<T> l) {
        if (l.size() > 64) l.subList(1, l.size() - 48).clear(); // keep init (or the first) and the latest
    }

    private void forget(String path) {
        String[] parts = path.split("/");
        if (parts.length > 1 && parts[1].matches("[0-9]+")) {
            Integer pid = Integer.valueOf(parts[1]);
            if (pid != 1) pids.remove(pid);
        }
    }

    // ------------------------------------------------------------ what is written

    private String syscallLine() {
        int p = rnd.nextInt(10);
        String line;
        if (p < 4) {
            line = mutate(validLine());
        } else if (p < 7) {
            line = validLine();
        } else {
            StringBuilder b = new StringBuilder(pick(SYSCALL_NAMES));
            int n = rnd.nextInt(6);
            for (int i = 0; i < n; i++) b.append(' ').append(word());
            line = b.toString();
        }
        return rnd.nextInt(8) == 0 ? line : line + "\n";
    }

    /** A syscall line the table accepts, with ids the fuzz has seen. */
    private String validLine() {
        String id = pick(ipcIds), pid = Integer.toString(pick(pids)), n = pick(NUMBERS);
        return switch (rnd.nextInt(38)) {
            case 0 -> "fork";
            case 1 -> "vfork";
            case 2 -> "clone " + flags();
            case 3 -> "clone3 set_tid=" + n;
            case 4 -> "clone3 flags=CLONE_NEWPID exit_signal=SIGCHLD set_tid=" + n + "," + pid;
            case 5 -> "eclone CLONE_NEWPID|SIGCHLD pids=0," + n;
            case 6 -> "execve /bin/" + n;
            case 7 -> "exit " + n;
            case 8 -> "exit_group " + n;
            case 9 -> "wait4 -1 WNOHANG";
            case 10 -> "wait4 " + pid;
            case 11 -> "kill " + pid + " " + pick(new String[] {"9", "SIGTERM", "0", "SIGSTOP", "SIGCHLD", "64"});
            case 12 -> "unshare " + pick(new String[] {"CLONE_NEWPID", "CLONE_NEWIPC", "CLONE_NEWUSER", "0"});
            case 13 -> "setuid " + pick(new String[] {"0", "1000", "-1", n});
            case 14 -> pick(new String[] {"getpid", "gettid", "getppid"});
            case 15 -> "prctl PR_SET_NAME " + comm().strip().replace(' ', '_');
            case 16 -> "prctl PR_GET_NAME";
            case 17 -> "msgget " + pick(new String[] {"IPC_PRIVATE", "1000", n}) + " IPC_CREAT|0600";
            case 18 -> "msgsnd " + id + " " + pick(new String[] {"1", "0", "-1", n}) + " hello" + " IPC_NOWAIT";
            case 19 -> "msgrcv " + id + " " + pick(new String[] {"0", "1", "-5", n}) + " IPC_NOWAIT";
            case 20 -> "msgctl " + id + " " + pick(new String[] {"IPC_STAT", "IPC_RMID", "IPC_INFO"});
            case 21 -> "msgctl " + id + " IPC_SET qbytes=" + n + " mode=0600 uid=" + n;
            case 22 -> "semget IPC_PRIVATE " + pick(new String[] {"1", "3", "0", n}) + " IPC_CREAT|0600";
            case 23 -> "semop " + id + " 0:1,1:-1:IPC_NOWAIT";
            case 24 -> "semctl " + id + " 0 " + pick(new String[] {"SETVAL " + n, "GETVAL", "GETALL", "GETPID",
                "SETALL 1,2,3", "IPC_RMID", "IPC_STAT", "IPC_SET mode=0" + n});
            case 25 -> "shmget IPC_PRIVATE " + pick(new String[] {"4096", "1", "0", n}) + " IPC_CREAT|0600";
            case 26 -> "shmat " + id + " " + pick(new String[] {"0", "SHM_RDONLY", "SHM_RND addr=" + n});
            case 27 -> "shmdt " + pick(addrs);
            case 28 -> "shmctl " + id + " " + pick(new String[] {"IPC_STAT", "IPC_RMID", "IPC_SET atime=" + n});
            case 29 -> "open /tmp/" + n + " " + pick(new String[] {"O_RDWR|O_CREAT 0644", "O_WRONLY", "0", n});
            case 30 -> "dup " + n;
            case 31 -> "dup2 " + pick(new String[] {"0", "1", "2"}) + " " + n;
            case 32 -> "close " + n;
            case 33 -> "lseek " + pick(new String[] {"0", "3", n}) + " " + n + " " + pick(new String[] {"SEEK_SET",
                "SEEK_CUR", "SEEK_END", "0", "3"});
            case 34 -> "fcntl " + pick(new String[] {"0", "3"}) + " " + pick(new String[] {"F_GETFD", "F_SETFD 1",
                "F_DUPFD " + n, "F_GETFL", "F_SETFL O_APPEND"});
            case 35 -> "clone3 exit_signal=" + n;
            case 36 -> "eclone " + flags() + " pids=" + n;
            default -> "msgctl " + id + " IPC_SET stime=" + n + " lspid=" + pid;
        };
    }

    private String flags() {
        StringBuilder b = new StringBuilder(pick(FLAG_NAMES));
        while (rnd.nextInt(3) == 0) b.append('|').append(rnd.nextBoolean() ? pick(FLAG_NAMES) : pick(NUMBERS));
        return b.toString();
    }

    private String word() {
        return switch (rnd.nextInt(5)) {
            case 0 -> pick(NUMBERS);
            case 1 -> pick(WORDS);
            case 2 -> flags();
            case 3 -> pick(WORDS) + pick(NUMBERS);
            default -> randomText(1 + rnd.nextInt(12));
        };
    }

    private String nextSyscallData() {
        return switch (rnd.nextInt(6)) {
            case 0 -> "RESET";
            case 1, 2 -> {
                int n = pick(new int[] {1, 1, 2, 3, 32, 33, 0, -1});
                int k = rnd.nextInt(4) == 0 ? rnd.nextInt(34) : Math.max(0, n);
                StringBuilder b = new StringBuilder("LONG").append(n);
                for (int i = 0; i < k; i++) b.append(' ').append(rnd.nextBoolean() ? pick(NUMBERS) : pick(pids));
                yield b + "\n";
            }
            case 3 -> mutate("LONG1 " + pick(NUMBERS) + "\n");
            case 4 -> mutate("LONG2 " + pick(NUMBERS) + " " + pick(pids));
            default -> word();
        };
    }

    private String attach() {
        return switch (rnd.nextInt(6)) {
            case 0 -> "detach\n";
            case 1, 2 -> otherHost() + "\n";
            case 3 -> pick(NUMBERS) + "\n";
            default -> mutate(rnd.nextBoolean() ? "detach\n" : otherHost() + "\n");
        };
    }

    /** A host process other than the operator's: binding the operator would end most of the fuzz's reach. */
    private int otherHost() {
        return OPERATOR_TID + 1 + rnd.nextInt(HOSTS - 1);
    }

    private String comm() {
        return switch (rnd.nextInt(4)) {
            case 0 -> "init\n";
            case 1 -> randomText(rnd.nextInt(40)) + "\n";
            case 2 -> mutate("t" + rnd.nextInt(1000) + "\n");
            default -> randomText(rnd.nextInt(20));
        };
    }

    /** One to three edits of {@code s}: a character changed, inserted, dropped or doubled, words swapped, cut. */
    private String mutate(String s) {
        StringBuilder b = new StringBuilder(s);
        int edits = 1 + rnd.nextInt(3);
        for (int e = 0; e < edits; e++) {
            int at = b.length() == 0 ? 0 : rnd.nextInt(b.length() + 1);
            switch (rnd.nextInt(8)) {
                case 0 -> b.insert(at, randomChar());
                case 1 -> { if (at < b.length()) b.setCharAt(at, randomChar()); }
                case 2 -> { if (at < b.length()) b.deleteCharAt(at); }
                case 3 -> b.insert(at, ' ' + word() + ' ');
                case 4 -> b.setLength(at);
                case 5 -> b.append(b.length() < 200 ? b.toString() : "");
                case 6 -> b.insert(at, pick(new String[] {"\n", "\u0000", "\t", "\r", "  ", "\n\n", "é", "\uD83D\uDE00"}));
                default -> {
                    String[] w = b.toString().split(" ");
                    if (w.length > 1) {
                        int i = rnd.nextInt(w.length), j = rnd.nextInt(w.length);
                        String t = w[i];
                        w[i] = w[j];
                        w[j] = t;
                        b.setLength(0);
                        b.append(String.join(" ", w));
                    }
                }
            }
        }
        return b.toString();
    }

    private char randomChar() {
        return switch (rnd.nextInt(4)) {
            case 0 -> (char) (0x20 + rnd.nextInt(0x5f));
            case 1 -> (char) rnd.nextInt(0x20);
            case 2 -> "0123456789-x,=|:".charAt(rnd.nextInt(16));
            default -> (char) (0x80 + rnd.nextInt(0x800));
        };
    }

    private String randomText(int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) b.append(randomChar());
        return b.toString();
    }

    private byte[] randomBytes() {
        byte[] b = new byte[rnd.nextInt(rnd.nextInt(8) == 0 ? 5000 : 64)];
        for (int i = 0; i < b.length; i++) b[i] = (byte) rnd.nextInt(256);
        return b;
    }

    // ------------------------------------------------------------ the other operations

    /** create, rename, chmod, chown, utimens, unlink, rmdir, truncate of existing and new names. */
    private void mutation() {
        Caller c = caller();
        String path = somePath(), other = somePath();
        switch (rnd.nextInt(11)) {
            case 0 -> other("create", path, ops.makeName("create", c, path), null);
            case 1 -> other("mkdir", path, ops.makeName("mkdir", c, path), null);
            case 2 -> other("mknod", path, ops.makeName("mknod", c, path), null);
            case 3 -> other("symlink", path, ops.makeName("symlink", c, path), null);
            case 4 -> other("link", path, ops.makeName("link", c, path), null);
            case 5 -> other("rename", path + " -> " + other, ops.rename(c, path, other), null);
            case 6 -> other("chmod", path, ops.chmod(c, path), null);
            case 7 -> other("chown", path, ops.chown(c, path), null);
            case 8 -> other("utimens", path, ops.utimens(c, path), null);
            case 9 -> other(rnd.nextBoolean() ? "unlink" : "rmdir", path,
                    rnd.nextBoolean() ? ops.unlink(c, path) : ops.rmdir(c, path), null);
            default -> other("truncate", path, ops.truncate(c, path), null);
        }
    }

    /** Lookups, listings, links and reads of what the fuzz made (renders of odd comms, say). */
    private void readSomething() {
        Caller c = caller();
        String path = somePath();
        switch (rnd.nextInt(4)) {
            case 0 -> other("getattr", path, ops.getattr(c, path, a -> { }), null);
            case 1 -> other("readdir", path, ops.readdir(c, path, n -> false), null);
            case 2 -> other("readlink", path, ops.readlink(c, path, t -> { }), null);
            default -> {
                int rc = ops.open(c, path, 0, fh::set);
                other("open", path, rc, null);
                if (rc == 0) {
                    other("read", path, ops.read(c, path, fh.get(), 0, 4096, (d, n) -> { }), null);
                    other("release", path, ops.release(path, fh.get()), null);
                }
            }
        }
    }

    private String somePath() {
        return switch (rnd.nextInt(4)) {
            case 0 -> pick(EXISTING);
            case 1 -> taskDir(rnd.nextBoolean()) + "/" + pick(new String[] {"status", "stat", "comm", "syscall",
                "children", "maps", "fd", "fd/0", "fdinfo/2", "fdinfo/3", "ns/ipc", "ns/pid_for_children", "attach",
                "next_syscall_data", "task", "fd/" + pick(NUMBERS)});
            case 2 -> pick(EXISTING) + "/" + pick(NEW_NAMES);
            default -> "/" + pick(NEW_NAMES) + (rnd.nextBoolean() ? "/" + pick(NEW_NAMES) : "");
        };
    }

    // ------------------------------------------------------------ tallies

    private void countWrite(Kind kind, String path, byte[] data, int rc) {
        writes++;
        writesByKind.merge(kind, 1, Integer::sum);
        String outcome = outcome(rc);
        writeOutcomes.merge(outcome, 1, Integer::sum);
        outcomesByKind.computeIfAbsent(kind, k -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
        if (rc == -FuseReply.EIO) eio.add(new Eio("write", path, FuseReply.quote(data)));
        digest = digest * 31 + kind.ordinal() * 1_000_003L + rc;
    }

    private void other(String op, String path, int rc, byte[] data) {
        otherOps.merge(op, 1, Integer::sum);
        otherOutcomes.merge(outcome(rc), 1, Integer::sum);
        if (rc == -FuseReply.EIO) eio.add(new Eio(op, path, data == null ? "" : FuseReply.quote(data)));
        digest = digest * 31 + op.hashCode() + (rc < 0 ? rc : 0);
    }

    private static String outcome(int rc) {
        if (rc >= 0) return "ok";
        for (Errno e : Errno.values()) {
            if (e.number() == -rc) return e.name();
        }
        return "errno " + -rc;
    }

    private <T> T pick(T[] a) {
        return a[rnd.nextInt(a.length)];
    }

    private int pick(int[] a) {
        return a[rnd.nextInt(a.length)];
    }

    private <T> T pick(List<T> l) {
        return l.get(rnd.nextInt(l.size()));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @SafeVarargs
    private static String[] sortedNames(Map<String, Long>... maps) {
        TreeSet<String> names = new TreeSet<>(); // Map.of's order changes from run to run
        for (Map<String, Long> m : maps) names.addAll(m.keySet());
        return names.toArray(String[]::new);
    }

    // ------------------------------------------------------------ the report

    static String format(Report r) {
        StringBuilder b = new StringBuilder();
        b.append("# FUSE operations fuzz: seed ").append(r.seed()).append(", ").append(r.writes()).append(" writes, ")
                .append(r.millis()).append(" ms\n\n");
        b.append("| file kind | writes | outcomes |\n|---|---:|---|\n");
        r.writesByKind().forEach((k, n) -> b.append("| ").append(k.name().toLowerCase()).append(" | ").append(n)
                .append(" | ").append(outcomes(r.outcomesByKind().get(k))).append(" |\n"));
        b.append("| all | ").append(r.writes()).append(" | ").append(outcomes(r.writeOutcomes())).append(" |\n\n");
        b.append("Other operations: ").append(r.otherOps()).append("\nTheir outcomes: ")
                .append(outcomes(r.otherOutcomes())).append("\n\n");
        b.append("EIO: ").append(r.eioCount()).append(", ERROR log lines: ").append(r.errorLines())
                .append(", digest: ").append(Long.toHexString(r.digest())).append('\n');
        r.eio().stream().limit(10).forEach(e -> b.append("  EIO ").append(e.op()).append(' ').append(e.path())
                .append(' ').append(e.data()).append('\n'));
        r.firstErrorLines().forEach(l -> b.append("  ERROR ").append(l).append('\n'));
        return b.toString();
    }

    private static String outcomes(Map<String, Integer> m) {
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
        return b.toString();
    }

    /** Counts the ERROR events logged anywhere while the fuzz runs. */
    private static final class ErrorCounter extends AppenderBase<ILoggingEvent> {
        int count;
        final List<String> first = new ArrayList<>();

        @Override
        protected void append(ILoggingEvent e) {
            if (e.getLevel().isGreaterOrEqual(Level.ERROR)) {
                if (count++ < 5) first.add(e.getFormattedMessage());
            }
        }
    }

    /** Host processes 100..109, children of host init, none of them ever exiting. */
    private static final class Host implements HostProcesses {
        private static boolean known(int id) {
            return id >= FIRST_HOST && id < FIRST_HOST + HOSTS;
        }

        @Override
        public OptionalInt tgidOf(int tid) {
            return known(tid) ? OptionalInt.of(tid) : OptionalInt.empty();
        }

        @Override
        public OptionalInt parentOf(int pid) {
            return known(pid) ? OptionalInt.of(1) : pid == 1 ? OptionalInt.of(0) : OptionalInt.empty();
        }

        @Override
        public OptionalLong startTimeOf(int pid) {
            return known(pid) || pid == 1 ? OptionalLong.of(1000L + pid) : OptionalLong.empty();
        }
    }
}
