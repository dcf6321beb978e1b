package procsim.procfs;

import java.util.List;

/**
 * The proc tree as a filesystem sees it: the one surface the FUSE adapter calls. Paths are
 * absolute within the mount ("/", "/1/status", "/sys/kernel/ns_last_pid"). Every method throws
 * {@link procsim.abi.SysError} with the errno real procfs would give.
 */
public interface ProcTree {
    FileAttr getattr(Caller caller, String path);

    /** Entry names of a directory, without "." and "..", in Linux's order. */
    List<String> readdir(Caller caller, String path);

    String readlink(Caller caller, String path);

    /** Opens a file; {@code flags} are the open(2) flags (O_ACCMODE bits matter). */
    ProcHandle open(Caller caller, String path, int flags);

    /** bash's {@code >} arrives as truncate(path) before the write: procfs accepts and ignores it. */
    void truncate(Caller caller, String path);
}
