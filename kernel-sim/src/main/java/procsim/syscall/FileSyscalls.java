package procsim.syscall;

import static procsim.abi.OpenFlags.*;

import java.util.HashMap;
import java.util.Map;

import procsim.abi.Errno;
import procsim.fd.FdTable;
import procsim.fd.OpenFile;
import procsim.restore.NextSyscallData;

/**
 * File descriptor syscalls: open, close, dup, dup2, lseek, fcntl (fs/open.c, fs/file.c,
 * fs/read_write.c, fs/fcntl.c).
 * Deviation: the sim has no filesystem. Any non-empty path opens as an empty file (relative
 * paths are taken from "/"); terminals (/dev/console, /dev/tty*, /dev/pts/*) are not seekable.
 */
final class FileSyscalls {
    private FileSyscalls() {
    }

    static void register(SyscallTable t) {
        t.register("open", a -> {
            a.positional();
            String path = a.word(0);
            long flags = a.flags(1, NAMES, O_RDONLY);
            a.num(2, 0);
            a.done();
            String abs = path.startsWith("/") ? path : "/" + path;
            return (k, c) -> {
                NextSyscallData nsd = c.takeNextSyscallData();
                if (nsd != null && nsd.count() != 1) throw Errno.EINVAL.error();
                // do_dentry_open: the creation-time flags are not kept in f_flags
                OpenFile f = new OpenFile(abs, (int) flags & ~(O_CLOEXEC | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC),
                        seekable(abs));
                boolean cloexec = (flags & O_CLOEXEC) != 0;
                FdTable files = c.files();
                long want = nsd == null ? -1 : nsd.value(0);
                if (want > Integer.MAX_VALUE) throw Errno.EINVAL.error();
                int fd = nsd == null ? files.install(f, cloexec) : files.installExact((int) want, f, cloexec);
                return SyscallResult.ok(fd);
            };
        });
        t.register("close", a -> {
            int fd = a.positional().intNum(0);
            a.done();
            return (k, c) -> {
                c.files().close(fd);
                return SyscallResult.ok(0);
            };
        });
        t.register("dup", a -> {
            int fd = a.positional().intNum(0);
            a.done();
            return (k, c) -> SyscallResult.ok(c.files().install(c.files().getOrEbadf(fd), false));
        });
        t.register("dup2", a -> {
            a.positional();
            int oldFd = a.intNum(0);
            int newFd = a.intNum(1);
            a.done();
            return (k, c) -> SyscallResult.ok(c.files().dup2(oldFd, newFd));
        });
        t.register("fcntl", a -> {
            a.positional();
            int fd = a.intNum(0);
            long cmd = a.flags(1, FCNTL_CMDS);
            long arg = a.flags(2, FCNTL_ARGS, 0);
            a.done();
            return (k, c) -> fcntl(c.files(), fd, (int) cmd, (int) arg);
        });
        t.register("lseek", a -> {
            a.positional();
            int fd = a.intNum(0);
            long offset = a.num(1);
            long whence = a.flags(2, WHENCE);
            a.done();
            return (k, c) -> {
                OpenFile f = c.files().getOrEbadf(fd);
                if (!f.seekable()) throw Errno.ESPIPE.error();
                long base = switch ((int) whence) {
                    case SEEK_SET -> 0;
                    case SEEK_CUR -> f.offset();
                    case SEEK_END -> 0; // every sim file is empty
                    default -> throw Errno.EINVAL.error();
                };
                long pos = base + offset;
                if (pos < 0) throw Errno.EINVAL.error();
                f.setOffset(pos);
                return SyscallResult.ok(pos);
            };
        });
    }

    /** include/uapi/asm-generic/fcntl.h: the commands procsim models. */
    static final int F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_DUPFD_CLOEXEC = 1030;
    static final int FD_CLOEXEC = 1;
    private static final Map<String, Long> FCNTL_CMDS = Map.of("F_DUPFD", (long) F_DUPFD, "F_GETFD", (long) F_GETFD,
            "F_SETFD", (long) F_SETFD, "F_GETFL", (long) F_GETFL, "F_SETFL", (long) F_SETFL,
            "F_DUPFD_CLOEXEC", (long) F_DUPFD_CLOEXEC);
    /** fcntl's ARG: a number, open flags (F_SETFL) or FD_CLOEXEC (F_SETFD). */
    private static final Map<String, Long> FCNTL_ARGS = withFdCloexec();

    private static Map<String, Long> withFdCloexec() {
        Map<String, Long> m = new HashMap<>(NAMES);
        m.put("FD_CLOEXEC", (long) FD_CLOEXEC);
        return Map.copyOf(m);
    }

    /**
     * fcntl (fs/fcntl.c do_fcntl): a bad fd is EBADF before the command is looked at; an unknown
     * command is EINVAL. arg is the int the kernel takes of the unsigned long.
     * Deviation: only the commands above; the others (locks, owners, leases, seals, pipe sizes) are EINVAL.
     */
    private static SyscallResult fcntl(FdTable files, int fd, int cmd, int arg) {
        OpenFile f = files.getOrEbadf(fd);
        return SyscallResult.ok(switch (cmd) {
            case F_DUPFD -> files.dupFrom(arg, f, false);
            case F_DUPFD_CLOEXEC -> files.dupFrom(arg, f, true);
            case F_GETFD -> files.closeOnExec(fd) ? FD_CLOEXEC : 0;
            case F_SETFD -> {
                files.setCloseOnExec(fd, (arg & FD_CLOEXEC) != 0);
                yield 0;
            }
            case F_GETFL -> f.flags();
            case F_SETFL -> {
                f.setfl(arg);
                yield 0;
            }
            default -> throw Errno.EINVAL.error();
        });
    }

    private static boolean seekable(String path) {
        return !(path.equals("/dev/console") || path.startsWith("/dev/tty") || path.startsWith("/dev/pts/"));
    }
}
