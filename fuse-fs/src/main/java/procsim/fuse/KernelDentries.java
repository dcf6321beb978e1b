package procsim.fuse;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;

/**
 * Tells the kernel to drop a dentry of the mount: a FUSE_NOTIFY_INVAL_ENTRY message
 * (fs/fuse/dev.c fuse_notify_inval_entry(); the layout of include/uapi/linux/fuse.h: a
 * {@code fuse_out_header} with unique 0 and the notify code as its error, then
 * {@code fuse_notify_inval_entry_out} {parent, namelen, flags}, then the name and a NUL) written
 * to the mount's /dev/fuse connection, as libfuse's fuse_lowlevel_notify_inval_entry() does.
 *
 * <p>It writes to its own dup() of the connection's fd, taken at FUSE_INIT, so that it never
 * touches libfuse's channel, which libfuse frees at unmount: once the mount is gone a write just
 * fails. The kernel takes the directory's lock to invalidate, and a lookup holding it may be
 * waiting for a worker: from a FUSE worker this is safe only while another worker can serve that
 * lookup, as {@link FuseSession}'s loop ensures (it starts a reader whenever none is idle).
 *
 * <p>The message names the parent directory by its FUSE node id, which libfuse2's high-level API
 * does not hand to the filesystem; without {@code use_ino} libfuse would report it as st_ino
 * (lib/fuse.c set_stat), but the mount runs with use_ino (an ns file's st_ino is the namespace's
 * inum), so only the root's children (node id 1) can be named: the pid directories of M and of a
 * view's own mount ({@link ViewTree}). Deviation: those of the fixed views under M
 * ({@code M/procsim/pidns/<inum>/proc/<n>}) stay cached until memory pressure.
 */
final class KernelDentries implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KernelDentries.class);
    private static final int FUSE_NOTIFY_INVAL_ENTRY = 3;
    private static final long FUSE_ROOT_ID = 1;
    private static final int HEADER = 16, INVAL_ENTRY_OUT = 16;

    /** libfuse2's way from {@code fuse_get_context()->fuse} to the connection's fd. */
    public interface LibFuseChannel {
        Pointer fuse_get_session(Pointer fuse);

        Pointer fuse_session_next_chan(Pointer session, Pointer after);

        int fuse_chan_fd(Pointer channel);
    }

    /** The libc calls needed. */
    public interface LibC {
        int dup(int fd);

        long write(int fd, @In byte[] buf, long count);

        int close(int fd);
    }

    private final LibC libc;
    private final int fd;
    /** A directory's path within the mount to its node id, or 0 if it does not resolve. */

    KernelDentries(LibC libc, int fd) {
        this.libc = libc;
        this.fd = fd;
    }

    /**
     * Opens the notifier for the mount whose {@code struct fuse *} is {@code fuse} (call it in
     * init(), where libfuse has set the context). Null, with a warning, if that cannot be done: the
     * mount then works as before, only without dropping stale dentries.
     */
    static KernelDentries open(Pointer fuse) {
        try {
            LibFuseChannel lib = LibraryLoader.create(LibFuseChannel.class).failImmediately().load("fuse");
            LibC libc = LibraryLoader.create(LibC.class).failImmediately().load("c");
            Pointer channel = lib.fuse_session_next_chan(lib.fuse_get_session(fuse), null);
            int fd = channel == null ? -1 : libc.dup(lib.fuse_chan_fd(channel));
            if (fd < 0) throw new IllegalStateException("no /dev/fuse fd");
            return new KernelDentries(libc, fd);
        } catch (Throwable t) {
            LOG.warn("cannot notify the kernel of gone pid directories ({}): their dentries stay cached", t.toString());
            return null;
        }
    }

    /** The message that invalidates {@code name} in the directory whose node id is {@code parent}. */
    static byte[] invalEntry(long parent, String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(HEADER + INVAL_ENTRY_OUT + n.length + 1).order(ByteOrder.nativeOrder());
        b.putInt(b.capacity()).putInt(FUSE_NOTIFY_INVAL_ENTRY).putLong(0); // len, error = code, unique = 0
        b.putLong(parent).putInt(n.length).putInt(0); // parent, namelen, flags
        b.put(n).put((byte) 0);
        return b.array();
    }

    /** Invalidates {@code path}, a root entry ({@code /2}); false if the kernel refused (not cached: ENOENT; unmounted) or {@code path} is deeper. */
    boolean invalidate(String path) {
        if (path.lastIndexOf('/') != 0) return false; // no node id for a deeper parent (use_ino)
        byte[] msg = invalEntry(FUSE_ROOT_ID, path.substring(1));
        return libc.write(fd, msg, msg.length) == msg.length;
    }

    @Override
    public void close() {
        libc.close(fd);
    }
}
