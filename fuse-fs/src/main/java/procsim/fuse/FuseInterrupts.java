package procsim.fuse;

import java.util.function.BooleanSupplier;

import jnr.ffi.LibraryLoader;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libfuse2's {@code fuse_interrupted()}: whether the request the calling FUSE worker thread is
 * serving has been interrupted (the kernel sends FUSE_INTERRUPT when the real caller gets a
 * signal). jnr-fuse does not expose it, so it is bound here; if it cannot be, requests are
 * never seen as interrupted and a blocked syscall waits for its event, as before.
 */
final class FuseInterrupts {
    private static final Logger LOG = LoggerFactory.getLogger(FuseInterrupts.class);

    /** The one libfuse2 function needed. */
    public interface LibFuseInterrupted {
        int fuse_interrupted();
    }

    private static final LibFuseInterrupted LIB = load();

    /** Checks the current FUSE request; call it on the FUSE worker thread serving it. */
    static final BooleanSupplier CURRENT_REQUEST = () -> LIB != null && LIB.fuse_interrupted() != 0;

    private FuseInterrupts() {
    }

    private static LibFuseInterrupted load() {
        try {
            return LibraryLoader.create(LibFuseInterrupted.class).failImmediately().load("fuse");
        } catch (Throwable e) {
            LOG.warn("fuse_interrupted() unavailable ({}): blocked syscalls cannot be interrupted", e.toString());
            return null;
        }
    }
}
