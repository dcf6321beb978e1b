package procsim.fuse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.In;

/**
 * Tells the kernel to drop a dentry of the mount: a FUSE_NOTIFY_INVAL_ENTRY message
 * (fs/fuse/dev.c fuse_notify_inval_entry(); {@link FuseWire#invalEntry}) written to the mount's
 * /dev/fuse connection, as libfuse's fuse_lowlevel_notify_inval_entry() does, naming the parent
 * directory by the node id the kernel holds for it ({@link NodeTable}).
 *
 * <p>It writes to its own dup() of the connection's fd, so that a write after the session closed
 * its fd just fails. The kernel takes the directory's lock to invalidate, and a lookup holding it
 * may be waiting for a worker: from a FUSE worker this is safe only while another worker can serve
 * that lookup, as {@link FuseSession}'s loop ensures (it starts a reader whenever none is idle).
 */
final class KernelDentries implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KernelDentries.class);

    /** The libc calls needed. */
    public interface LibC {
        int dup(int fd);

        long write(int fd, @In byte[] buf, long count);

        int close(int fd);
    }

    private final LibC libc;
    private final int fd;
    private final NodeTable nodes;

    KernelDentries(LibC libc, int fd, NodeTable nodes) {
        this.libc = libc;
        this.fd = fd;
        this.nodes = nodes;
    }

    /**
     * Opens the notifier on a dup() of the session's {@code deviceFd}. Null, with a warning, if that
     * cannot be done: the mount then works as before, only without dropping stale dentries.
     */
    static KernelDentries open(int deviceFd, NodeTable nodes) {
        try {
            LibC libc = LibraryLoader.create(LibC.class).failImmediately().load("c");
            int fd = deviceFd < 0 ? -1 : libc.dup(deviceFd);
            if (fd < 0) throw new IllegalStateException("no /dev/fuse fd");
            return new KernelDentries(libc, fd, nodes);
        } catch (Throwable t) {
            LOG.warn("cannot notify the kernel of gone pid directories ({}): their dentries stay cached", t.toString());
            return null;
        }
    }

    /**
     * Invalidates {@code path} ({@code /2}, {@code /procsim/pidns/N/proc/5}); false if its parent has
     * no node in the kernel (nothing of it is cached) or the kernel refused (not cached: ENOENT;
     * unmounted).
     */
    boolean invalidate(String path) {
        int slash = path.lastIndexOf('/');
        if (slash < 0 || slash == path.length() - 1) return false;
        long parent = nodes.id(slash == 0 ? "/" : path.substring(0, slash));
        if (parent == 0) return false;
        byte[] msg = FuseWire.invalEntry(parent, path.substring(slash + 1));
        return libc.write(fd, msg, msg.length) == msg.length;
    }

    @Override
    public void close() {
        libc.close(fd);
    }
}
