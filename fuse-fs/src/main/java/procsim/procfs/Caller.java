package procsim.procfs;

import java.util.function.BooleanSupplier;

/**
 * Who made a filesystem request: the real (host) thread id and credentials FUSE reports, and
 * whether the request has been interrupted (the caller got a signal while a syscall it wrote
 * was blocked), so that a blocked sim syscall can end with EINTR.
 */
public record Caller(int hostTid, int uid, int gid, BooleanSupplier interrupted) {
    private static final BooleanSupplier NEVER = () -> false;

    /** A caller whose requests are never interrupted (tests, in-process users). */
    public Caller(int hostTid, int uid, int gid) {
        this(hostTid, uid, gid, NEVER);
    }
}
