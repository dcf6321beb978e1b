package procsim.fuse;

import jnr.ffi.Pointer;

/**
 * The caller of the request this thread serves, read straight from libfuse2's
 * {@code fuse_get_context()}: {@code struct fuse_context} (fuse.h) starts with
 * {@code struct fuse *fuse; uid_t uid; gid_t gid; pid_t pid;}. jnr-fuse's {@code getContext()}
 * builds a whole {@code FuseContext} struct (an object per field) for each request; these three
 * ints are all the mount asks of it.
 */
record RequestContext(int pid, int uid, int gid) {
    /** The one libfuse2 call needed. Public: jnr-ffi implements it from a class loader of its own. */
    public interface Lib {
        Pointer fuse_get_context();
    }

    /** Loaded on first use, from a FUSE request: libfuse2 is loaded by then. */
    private static final class Holder {
        static final Lib LIB = FuseLibrary.load(Lib.class);
    }

    /** The context of the request this thread serves. */
    static RequestContext current() {
        return at(Holder.LIB.fuse_get_context());
    }

    /** Reads the context at {@code ctx}, laid out as {@code struct fuse_context}. */
    static RequestContext at(Pointer ctx) {
        int uid = ctx.getRuntime().addressSize(); // after the struct fuse pointer
        return new RequestContext(ctx.getInt(uid + 8), ctx.getInt(uid), ctx.getInt(uid + 4));
    }
}
