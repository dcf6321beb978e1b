package procsim.fd;

/**
 * An open file description ({@code struct file}): the path it names, its status flags and the
 * file offset that every fd and every process sharing it moves together.
 * Deviation: the sim has no file contents; every regular file is empty, so SEEK_END is from 0.
 */
public final class OpenFile {
    private final String path;
    private final int flags;
    private final boolean seekable;
    private long offset;

    public OpenFile(String path, int flags, boolean seekable) {
        this.path = path;
        this.flags = flags;
        this.seekable = seekable;
    }

    /** The /proc/PID/fd/N link text. */
    public String path() {
        return path;
    }

    /** open(2) status flags as given (O_ACCMODE bits and the rest). */
    public int flags() {
        return flags;
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
