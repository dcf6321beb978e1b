package procsim.fuse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import procsim.attach.HostProcesses;
import procsim.pid.PidNamespace;
import procsim.procfs.Caller;
import procsim.procfs.ProcFs;
import procsim.procfs.ProcTree;
import procsim.procfs.write.SyscallIoctl;

/**
 * Runs the common request paths (lookups, syscall files at both levels, what ps reads of a process,
 * a listing, a link) and every kind of write a restore makes (restorer's RestoreMethod and Restore:
 * the child made by clone3, eclone, nsd's next_syscall_data + fork, ns_last_pid + clone with another
 * exit signal, in turn; then its execve, prctl, setsid or setpgid, rt_sigaction, rt_sigprocmask,
 * a signal sent to itself by kill and by tkill, setgid, setresuid, capset, a kill SIGSTOP and
 * SIGCONT, its exit and wait4, every other round by the PROCSIM_SYSCALL ioctl, as libprocsim waits)
 * and what it reads of init first, as FUSE requests through
 * {@link ProcFuse} down to the tree, on a scratch tree of its own before the mount goes live, so the
 * JIT has compiled them when the first burst comes. Not warmed: a nested namespace's ns_last_pid
 * (written by a host thread attached to that namespace's init; the warm-up has no host thread), the
 * fd lines (open, dup2, lseek, fcntl) and IPC.
 */
public final class Warmup {
    public static final int DEFAULT_ROUNDS = 300;
    /** An in-process caller that acts as the operator (no host thread). */
    static final Caller OPERATOR = new Caller(0, 0, 0);
    private static final int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, TCGETS = 0x5401;
    /** What ps reads of each process (procps-ng), besides comm. */
    private static final String[] PS_FILES = {"comm", "stat", "status", "cmdline", "environ", "statm"};

    private final ProcFuse fs;
    private final ByteBuffer in = FuseWire.buffer(1 << 12);
    private final ByteBuffer out = FuseWire.buffer(1 << 17);
    private final List<Long> looked = new ArrayList<>();
    /** "FILE <- TEXT" of each write, "read|list|readlink PATH" of the others, and the paths looked up, when asked for (tests). */
    private List<String> requests;
    private final Map<Long, String> paths = new HashMap<>();
    private long unique;

    private Warmup(ProcTree scratch) {
        this.fs = new ProcFuse(scratch, () -> { });
        FuseWire.request(in, FuseWire.IN_HEADER + 64, FuseWire.INIT, ++unique, 0, 0);
        in.putInt(FuseWire.IN_HEADER, FuseWire.KERNEL_VERSION).putInt(FuseWire.IN_HEADER + 4, FuseWire.KERNEL_MINOR_VERSION);
        serve("init", FuseWire.IN_HEADER + 64);
    }

    /** Throws IllegalStateException if a step fails: the warm-up would then miss the paths it is for. */
    public static void run(int rounds, HostProcesses host) {
        Warmup w = new Warmup(ProcFs.boot(PidNamespace.PID_MAX_DEFAULT, host));
        for (int i = 0; i < rounds; i++) w.round(i);
    }

    /** A capset as a restore writes it for a uid-1000 task that kept CAP_SETGID and CAP_SETUID. */
    private static final String CAPSET = "capset effective=0x0000000000000000 permitted=0x00000000000000c0 "
            + "inheritable=0x0000000000000000";

    private void round(int i) {
        int pid = 1000 + i % 30000; // each round's child is reaped, so its pid can come again
        String child = Integer.toString(pid);
        long one = lookup(FuseWire.ROOT_ID, "1");
        long initTask = lookup(lookup(one, "task"), "1");
        long kernel = lookup(lookup(FuseWire.ROOT_ID, "sys"), "kernel");
        String make = switch (i % 4) {
            case 0 -> "clone3 exit_signal=SIGCHLD set_tid=" + pid;
            case 1 -> "eclone SIGCHLD pids=" + pid;
            case 2 -> {
                write(initTask, "next_syscall_data", "LONG1 " + pid);
                yield "fork";
            }
            default -> {
                write(kernel, "ns_last_pid", Integer.toString(pid - 1));
                yield "clone 10";
            }
        };
        if (i % 4 == 0) readInit(one);
        syscalls(one, "syscall", make, "prctl PR_SET_NAME warm", "getpid");
        long dir = lookup(FuseWire.ROOT_ID, child);
        syscalls(dir, "syscall", "execve /usr/bin/warm", "prctl PR_SET_CHILD_SUBREAPER 1",
                i % 2 == 0 ? "setsid" : "setpgid 0 " + pid, "rt_sigaction 10 SIG_IGN 0x0",
                "rt_sigprocmask SIG_SETMASK 0x200", "kill " + pid + " 10", "tkill " + pid + " 10",
                "rt_sigprocmask SIG_SETMASK 0x0", "setgid 100",
                "prctl PR_SET_KEEPCAPS 1", "setresuid 1000 1000 1000", CAPSET, "prctl PR_SET_KEEPCAPS 0");
        getattr(dir);
        for (String file : PS_FILES) read(dir, file);
        list(FuseWire.ROOT_ID);
        readlink(lookup(lookup(one, "ns"), "pid"));
        request(FuseWire.STATFS, FuseWire.ROOT_ID, 0, "statfs");
        syscalls(one, "syscall", "kill " + pid + " SIGSTOP", "kill " + pid + " SIGCONT");
        syscalls(lookup(lookup(dir, "task"), child), "syscall", "exit 0");
        if (i % 2 == 0) syscallByIoctl(initTask, "syscall", "wait4 " + pid + " __WALL"); // as the shim waits
        else syscalls(initTask, "syscall", "wait4 " + pid + " __WALL");
        syscalls(initTask, "syscall", "prctl PR_SET_NAME init");
        write(kernel, "ns_last_pid", "300");
        forgetAll();
    }

    /** What a restore reads of init before its first write (restorer's MountPort): status, fd/ and fdinfo/, maps, cmdline. */
    private void readInit(long one) {
        read(one, "status");
        list(lookup(one, "fd")); // not its links' readlink: EACCES for a caller with no host process (Security)
        read(lookup(one, "fdinfo"), "0");
        read(one, "maps");
        read(one, "cmdline");
    }

    private long lookup(long parent, String name) {
        byte[] n = (name + "\0").getBytes(StandardCharsets.UTF_8);
        in.put(FuseWire.IN_HEADER, n);
        request(FuseWire.LOOKUP, parent, n.length, "lookup " + name);
        long id = out.getLong(FuseWire.OUT_HEADER);
        looked.add(id);
        if (requests != null) paths.put(id, (parent == FuseWire.ROOT_ID ? "" : paths.get(parent) + "/") + name);
        return id;
    }

    private void getattr(long node) {
        in.putLong(FuseWire.IN_HEADER, 0).putLong(FuseWire.IN_HEADER + 8, 0);
        request(FuseWire.GETATTR, node, 16, "getattr");
    }

    private long open(long node, int flags) {
        in.putInt(FuseWire.IN_HEADER, flags).putInt(FuseWire.IN_HEADER + 4, 0);
        request(FuseWire.OPEN, node, 8, "open");
        return out.getLong(FuseWire.OUT_HEADER);
    }

    private void syscalls(long dir, String file, String... lines) {
        long node = lookup(dir, file);
        long fh = open(node, O_RDWR);
        for (String line : lines) {
            writeAt(node, fh, line);
            readAt(node, fh);
        }
        release(node, fh);
    }

    /** A line and its reply in one request: the syscall files' PROCSIM_SYSCALL ioctl (libprocsim's way). */
    private void syscallByIoctl(long dir, String file, String line) {
        long node = lookup(dir, file);
        long fh = open(node, O_RDWR);
        ioctl(node, fh, SyscallIoctl.PROCSIM_SYSCALL, Arrays.copyOf(line.getBytes(StandardCharsets.UTF_8), SyscallIoctl.SIZE), line);
        if (out.getInt(FuseWire.OUT_HEADER) < 0) throw new IllegalStateException("warm-up: " + line + " failed with " + out.getInt(FuseWire.OUT_HEADER));
        release(node, fh);
    }

    private void read(long dir, String file) {
        long node = lookup(dir, file);
        long fh = open(node, O_RDONLY);
        readAt(node, fh);
        ioctl(node, fh, TCGETS, new byte[0], "ioctl"); // bash asks a redirected file whether it is a terminal
        release(node, fh);
    }

    /** An IOCTL of {@code cmd} whose argument carries {@code arg} in and as many bytes back (fuse_ioctl_in, then arg). */
    private void ioctl(long node, long fh, int cmd, byte[] arg, String what) {
        in.putLong(FuseWire.IN_HEADER, fh).putInt(FuseWire.IN_HEADER + 8, 0).putInt(FuseWire.IN_HEADER + 12, cmd)
                .putLong(FuseWire.IN_HEADER + 16, 0).putInt(FuseWire.IN_HEADER + 24, arg.length).putInt(FuseWire.IN_HEADER + 28, arg.length);
        in.put(FuseWire.IN_HEADER + FuseWire.IOCTL_IN, arg);
        request(FuseWire.IOCTL, node, FuseWire.IOCTL_IN + arg.length, what);
    }

    /** OPENDIR, READDIR from offset 0 and RELEASEDIR, as ls and ps list a directory. */
    private void list(long dir) {
        record("list", dir);
        in.putInt(FuseWire.IN_HEADER, O_RDONLY).putInt(FuseWire.IN_HEADER + 4, 0);
        request(FuseWire.OPENDIR, dir, 8, "opendir");
        long fh = out.getLong(FuseWire.OUT_HEADER);
        in.putLong(FuseWire.IN_HEADER, fh).putLong(FuseWire.IN_HEADER + 8, 0).putInt(FuseWire.IN_HEADER + 16, 4096);
        request(FuseWire.READDIR, dir, 40, "readdir");
        in.putLong(FuseWire.IN_HEADER, fh).putLong(FuseWire.IN_HEADER + 8, 0).putLong(FuseWire.IN_HEADER + 16, 0);
        request(FuseWire.RELEASEDIR, dir, 24, "releasedir");
    }

    private void readlink(long node) {
        record("readlink", node);
        request(FuseWire.READLINK, node, 0, "readlink");
    }

    private void write(long dir, String file, String text) {
        long node = lookup(dir, file);
        long fh = open(node, O_WRONLY);
        writeAt(node, fh, text);
        release(node, fh);
    }

    private void readAt(long node, long fh) {
        record("read", node);
        in.putLong(FuseWire.IN_HEADER, fh).putLong(FuseWire.IN_HEADER + 8, 0).putInt(FuseWire.IN_HEADER + 16, 4096);
        request(FuseWire.READ, node, 40, "read");
    }

    private void writeAt(long node, long fh, String text) {
        if (requests != null) requests.add(paths.get(node).substring(paths.get(node).lastIndexOf('/') + 1) + " <- " + text);
        byte[] data = (text + "\n").getBytes(StandardCharsets.UTF_8);
        in.putLong(FuseWire.IN_HEADER, fh).putLong(FuseWire.IN_HEADER + 8, 0).putInt(FuseWire.IN_HEADER + 16, data.length);
        in.put(FuseWire.IN_HEADER + FuseWire.WRITE_IN, data);
        request(FuseWire.WRITE, node, FuseWire.WRITE_IN + data.length, text);
    }

    private void release(long node, long fh) {
        in.putLong(FuseWire.IN_HEADER, fh).putLong(FuseWire.IN_HEADER + 8, 0).putLong(FuseWire.IN_HEADER + 16, 0);
        request(FuseWire.RELEASE, node, 24, "release");
    }

    /** BATCH_FORGET of every lookup of the round, as the kernel sends when it drops the dentries. */
    private void forgetAll() {
        in.putInt(FuseWire.IN_HEADER, looked.size()).putInt(FuseWire.IN_HEADER + 4, 0);
        int at = FuseWire.IN_HEADER + 8;
        for (long id : looked) {
            in.putLong(at, id).putLong(at + 8, 1);
            at += 16;
        }
        FuseWire.request(in, at, FuseWire.BATCH_FORGET, ++unique, 0, 0);
        fs.serve(in, at, out);
        looked.clear();
    }

    private void request(int opcode, long node, int bodySize, String what) {
        FuseWire.request(in, FuseWire.IN_HEADER + bodySize, opcode, ++unique, node, 0);
        serve(what, FuseWire.IN_HEADER + bodySize);
    }

    private void serve(String what, int len) {
        fs.serve(in, len, out);
        int error = out.getInt(4);
        if (error != 0) throw new IllegalStateException("warm-up: " + what + " failed with " + error);
    }

    /** Nodes the warm-up's table holds after its rounds (for tests: the root alone). */
    static int nodesAfter(int rounds, HostProcesses host) {
        Warmup w = new Warmup(ProcFs.boot(PidNamespace.PID_MAX_DEFAULT, host));
        for (int i = 0; i < rounds; i++) w.round(i);
        return w.fs.nodeCount();
    }

    /**
     * The requests of the rounds (for tests): "FILE <- TEXT" of every write, FILE the written file's
     * name; "read PATH", "list PATH", "readlink PATH" of the others, PATH from the mount's root.
     */
    static List<String> requestsOf(int rounds, HostProcesses host) {
        Warmup w = new Warmup(ProcFs.boot(PidNamespace.PID_MAX_DEFAULT, host));
        w.requests = new ArrayList<>();
        w.paths.put(FuseWire.ROOT_ID, "");
        for (int i = 0; i < rounds; i++) w.round(i);
        return w.requests;
    }

    private void record(String what, long node) {
        if (requests != null) requests.add(what + " " + paths.get(node));
    }
}
