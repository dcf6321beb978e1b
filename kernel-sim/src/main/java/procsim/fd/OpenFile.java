package procsim.fd;

import static procsim.abi.OpenFlags.*;

import procsim.abi.Errno;

/**
 * An open file description ({@code struct file}): the path it names, its status flags
 * ({@code f_flags}) and the file offset that every fd and every process sharing it move together.
 * Deviation: the sim has no file contents; every regular file is empty, so SEEK_END is from 0.
 */
public final class OpenFile {
    /** fs/fcntl.c: what F_SETFL may change (O_NDELAY is O_NONBLOCK on x86-64). */
    public static final int SETFL_MASK = O_APPEND | O_NONBLOCK | O_DIRECT | O_NOATIME;

    private final String path;
    private final boolean seekable;
    // guarded by the kernel lock
    private int flags;
    private long offset;

    /** {@code flags} as open(2) keeps them; O_LARGEFILE is added as on 64-bit (force_o_largefile). */
    public OpenFile(String path, int flags, boolean seekable) {
        this.path = path;
        this.flags = flags | O_LARGEFILE;
        this.seekable = seekable;
    }

    /** The /proc/PID/fd/N link text. */
    public String path() {
        return path;
    }

    /** {@code f_flags}: the O_ACCMODE bits and the status flags, what F_GETFL returns. */
    public int flags() {
        return flags;
    }

    /**
     * F_SETFL (fs/fcntl.c setfl): only SETFL_MASK changes. O_DIRECT on a file without direct I/O
     * (a terminal here) is EINVAL.
     * Deviation: sim files have no owner; the opener counts as the owner, so O_NOATIME is never EPERM.
     * Deviation: FASYNC is ignored (no file here has an fasync operation; Linux's terminals do).
     */
    public void setfl(int arg) {
        if ((arg & O_DIRECT) != 0 && !seekable) throw Errno.EINVAL.error();
        flags = (arg & SETFL_MASK) | (flags & ~SETFL_MASK);
    }

    public boolean seekable() {
        return seekable;
    }

    public long offset() {
        return offset;
    }

    public void setOffset(long offset) {
        this.offset = offset;
    }
}
