package procsim.fd;

import java.util.Arrays;
import java.util.BitSet;

import procsim.abi.Errno;

/**
 * A file descriptor table ({@code struct files_struct}, fs/file.c): the lowest free fd, install
 * at a given fd, dup2, per-fd close-on-exec, and {@code max_fds} (status's FDSize), which starts
 * at 64 and grows like {@code alloc_fdtable} without ever shrinking. Shared with CLONE_FILES.
 */
public final class FdTable {
    /** NR_OPEN_DEFAULT = BITS_PER_LONG */
    public static final int NR_OPEN_DEFAULT = 64;
    /** RLIMIT_NOFILE soft default. */
    public static final int RLIMIT_NOFILE = 1024;

    /** Sized to the highest fd in use, not to max_fds: most tables hold three fds. */
    // guarded by the kernel lock
    private OpenFile[] files = new OpenFile[4];
    private final BitSet closeOnExec = new BitSet();
    private int maxFds = NR_OPEN_DEFAULT;
    private int limit = RLIMIT_NOFILE;

    public FdTable() {
    }

    /** {@code dup_fd}: the same open files (shared offsets), the same close-on-exec bits. */
    public FdTable copy() {
        FdTable t = new FdTable();
        int top = files.length;
        while (top > 0 && files[top - 1] == null) top--;
        t.files = Arrays.copyOf(files, Math.max(top, 1));
        t.closeOnExec.or(closeOnExec);
        t.maxFds = maxFds;
        t.limit = limit;
        return t;
    }

    public int maxFds() {
        return maxFds;
    }

    public int limit() {
        return limit;
    }

    public OpenFile get(int fd) {
        return fd >= 0 && fd < files.length ? files[fd] : null;
    }

    public OpenFile getOrEbadf(int fd) {
        OpenFile f = get(fd);
        if (f == null) throw Errno.EBADF.error();
        return f;
    }

    public boolean closeOnExec(int fd) {
        return closeOnExec.get(fd);
    }

    /** Next open fd {@code >= from}, or -1. */
    public int nextOpen(int from) {
        for (int fd = Math.max(from, 0); fd < files.length; fd++) {
            if (files[fd] != null) return fd;
        }
        return -1;
    }

    /** {@code get_unused_fd_flags} + {@code fd_install}: the lowest free fd; EMFILE at the limit. */
    public int install(OpenFile file, boolean cloexec) {
        return installFrom(0, file, cloexec);
    }

    /**
     * fcntl F_DUPFD / F_DUPFD_CLOEXEC ({@code f_dupfd}): the lowest free fd {@code >= from}, taken
     * as an unsigned int; EINVAL if that is at or beyond RLIMIT_NOFILE, EMFILE if none is free below it.
     */
    public int dupFrom(int from, OpenFile file, boolean cloexec) {
        if (Integer.compareUnsigned(from, limit) >= 0) throw Errno.EINVAL.error();
        return installFrom(from, file, cloexec);
    }

    private int installFrom(int from, OpenFile file, boolean cloexec) {
        int fd = from;
        while (fd < files.length && files[fd] != null) fd++;
        if (fd >= limit) throw Errno.EMFILE.error();
        installAt(fd, file, cloexec);
        return fd;
    }

    /** fcntl F_SETFD: the fd's close-on-exec bit. */
    public void setCloseOnExec(int fd, boolean cloexec) {
        getOrEbadf(fd);
        closeOnExec.set(fd, cloexec);
    }

    /**
     * Installs at exactly {@code fd} (next_syscall_data's open): EBUSY if it is in use, EMFILE
     * beyond the limit as for any fd.
     */
    public int installExact(int fd, OpenFile file, boolean cloexec) {
        if (fd < 0) throw Errno.EINVAL.error();
        if (fd >= limit) throw Errno.EMFILE.error();
        if (get(fd) != null) throw Errno.EBUSY.error();
        installAt(fd, file, cloexec);
        return fd;
    }

    /** dup2: EBADF for a bad old or new beyond the limit; old == new returns new untouched. */
    public int dup2(int oldFd, int newFd) {
        OpenFile f = getOrEbadf(oldFd);
        if (newFd < 0 || newFd >= limit) throw Errno.EBADF.error();
        if (oldFd == newFd) return newFd;
        installAt(newFd, f, false);
        return newFd;
    }

    public OpenFile close(int fd) {
        OpenFile f = getOrEbadf(fd);
        files[fd] = null;
        closeOnExec.clear(fd);
        return f;
    }

    /** {@code do_close_on_exec}. */
    public void closeOnExecAll() {
        for (int fd = closeOnExec.nextSetBit(0); fd >= 0; fd = closeOnExec.nextSetBit(fd + 1)) {
            files[fd] = null;
        }
        closeOnExec.clear();
    }

    public void closeAll() {
        Arrays.fill(files, null);
        closeOnExec.clear();
    }

    private void installAt(int fd, OpenFile file, boolean cloexec) {
        if (fd >= maxFds) expand(fd);
        if (fd >= files.length) files = Arrays.copyOf(files, Math.min(Math.max(files.length * 2, fd + 1), maxFds));
        files[fd] = file;
        if (cloexec) closeOnExec.set(fd);
        else closeOnExec.clear(fd);
    }

    /** {@code alloc_fdtable}: nr = roundup_pow_of_two(fd / 128 + 1) * 128 (1024 / sizeof(ptr)). */
    private void expand(int fd) {
        int nr = Integer.highestOneBit(fd / 128 + 1);
        if (nr < fd / 128 + 1) nr <<= 1;
        maxFds = nr * 128;
    }
}
