package procsim.syscall;

import static procsim.abi.OpenFlags.*;

import procsim.abi.Errno;
import procsim.fd.FdTable;
import procsim.fd.OpenFile;
import procsim.restore.NextSyscallData;

/**
 * File descriptor syscalls: open, close, dup, dup2, lseek (fs/open.c, fs/file.c, fs/read_write.c).
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

    private static boolean seekable(String path) {
        return !(path.equals("/dev/console") || path.startsWith("/dev/tty") || path.startsWith("/dev/pts/"));
    }
}
