package procsim.procfs;

import java.util.List;
import java.util.function.Predicate;

import procsim.abi.SysError;

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

    /**
     * Whether paths resolve for {@code caller}; a tree may take the caller's view once for every
     * path tested (a sweep over many names).
     */
    default Predicate<String> resolver(Caller caller) {
        return path -> resolves(() -> getattr(caller, path));
    }

    /** True if {@code lookup} succeeds, false if it fails with an errno. */
    static boolean resolves(Runnable lookup) {
        try {
            lookup.run();
            return true;
        } catch (SysError e) {
            return false;
        }
    }

    /** bash's {@code >} arrives as truncate(path) before the write: procfs accepts and ignores it. */
    void truncate(Caller caller, String path);

    /**
     * How many tasks have been released (reaped) so far: a path that resolved can stop resolving
     * only after this moves, so a sweep for gone pid directories is needed only then.
     */
    long releases();
}
