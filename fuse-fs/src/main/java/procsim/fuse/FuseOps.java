package procsim.fuse;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Predicate;

import procsim.abi.Errno;
import procsim.abi.SysError;
import procsim.procfs.Caller;
import procsim.procfs.FileAttr;
import procsim.procfs.ProcHandle;
import procsim.procfs.ProcTree;

/**
 * The FUSE operations of the mount, in plain Java, as libfuse2's high-level API has them: each
 * takes the {@link Caller}, a path and plain values, asks the {@link ProcTree}, and returns 0, a
 * count, or {@code -errno} through {@link FuseReply}. {@link ProcFuse} only decodes requests into
 * these calls and encodes their replies, so everything here is testable without a mount.
 *
 * <p>Operations procfs refuses (create, mkdir, unlink, ...) answer with procfs' own errnos
 * ({@link ProcfsMutations}) rather than ENOSYS.
 */
public final class FuseOps {
    private final ProcTree tree;
    private final OpenFiles files = new OpenFiles();
    private final StaleEntries lookups = new StaleEntries();
    private volatile long sweptAtReleases = -1;

    public FuseOps(ProcTree tree) {
        this.tree = tree;
    }

    public int getattr(Caller caller, String path, Consumer<FileAttr> out) {
        return FuseReply.of("getattr", path, () -> {
            out.accept(tree.getattr(caller, path));
            lookups.lookedUp(caller, path);
            return 0;
        });
    }

    /**
     * Hands the path of each pid directory looked up since whose task is gone now to
     * {@code invalidate}, once ({@link StaleEntries}); returns how many.
     */
    public int forgetGone(Consumer<String> invalidate) {
        return FuseReply.of("forget", "/", () -> lookups.sweep(tree, invalidate));
    }

    /**
     * The same, only if a task was released since the last such call: after each write, most of
     * which reap nothing, without walking every remembered pid directory.
     */
    public int forgetGoneIfReleased(Consumer<String> invalidate) {
        long now = tree.releases();
        if (now == sweptAtReleases) return 0;
        sweptAtReleases = now; // read first: a release after it makes the next call sweep again
        return forgetGone(invalidate);
    }

    /**
     * Lists a directory: ".", "..", then the tree's entries. {@code filler} takes one name and
     * returns true when the reply buffer is full (libfuse's filler returning 1).
     */
    public int readdir(Caller caller, String path, Predicate<String> filler) {
        return FuseReply.of("readdir", path, () -> {
            List<String> names = tree.readdir(caller, path);
            if (filler.test(".") || filler.test("..")) {
                return 0;
            }
            for (String name : names) {
                if (filler.test(name)) {
                    break;
                }
            }
            return 0;
        });
    }

    public int readlink(Caller caller, String path, Consumer<String> out) {
        return FuseReply.of("readlink", path, () -> {
            out.accept(tree.readlink(caller, path));
            return 0;
        });
    }

    /** Opens a file; on success hands the new FUSE file handle number to {@code fhOut}. */
    public int open(Caller caller, String path, int flags, LongConsumer fhOut) {
        return FuseReply.of("open", path, () -> {
            ProcHandle handle = tree.open(caller, path, flags);
            if (handle == null) {
                throw new IllegalStateException("ProcTree.open returned null");
            }
            fhOut.accept(files.add(handle));
            return 0;
        });
    }

    /** A sink for read data: copies {@code data[0, length)} into the reply buffer. */
    @FunctionalInterface
    public interface ByteSink {
        void put(byte[] data, int length);
    }

    /** Reads up to {@code size} bytes at {@code offset}; returns the count put into {@code out}. */
    public int read(Caller caller, String path, long fh, long offset, int size, ByteSink out) {
        return FuseReply.of("read", path, () -> {
            byte[] data = handle(fh).read(caller, offset, size);
            int n = data == null ? 0 : Math.min(data.length, size);
            if (n > 0) {
                out.put(data, n);
            }
            return n;
        });
    }

    /** Writes {@code data} at {@code offset}; returns the count the file took. */
    public int write(Caller caller, String path, long fh, byte[] data, long offset) {
        return FuseReply.ofWrite(path, data, () -> {
            int n = handle(fh).write(caller, data, offset);
            if (n < 0 || n > data.length) {
                throw new IllegalStateException("ProcHandle.write returned " + n + " for " + data.length + " bytes");
            }
            return n;
        });
    }

    /**
     * ioctl(2) of an open file: {@code arg} the bytes the command carries in (empty if none); the
     * bytes it gives back go to {@code out}. Returns its result.
     */
    public int ioctl(Caller caller, String path, long fh, int cmd, byte[] arg, ByteSink out) {
        return FuseReply.of("ioctl", path, () -> {
            ProcHandle.IoctlReply r = handle(fh).ioctl(caller, cmd, arg);
            if (r.data().length > 0) {
                out.put(r.data(), r.data().length);
            }
            return r.result();
        });
    }

    /** The last close of an open file; comes late and without a caller (pid 0). */
    public int release(String path, long fh) {
        return FuseReply.of("release", path, () -> {
            ProcHandle h = files.remove(fh);
            if (h != null) {
                h.release();
            }
            return 0;
        });
    }

    /** truncate(2), ftruncate(2), and bash's {@code >} without atomic_o_trunc. The size is ignored, as on procfs. */
    public int truncate(Caller caller, String path) {
        return FuseReply.of("truncate", path, () -> {
            tree.truncate(caller, path);
            return 0;
        });
    }

    /** create, mknod, mkdir, symlink and link all make a new name: procfs makes none. */
    public int makeName(String op, Caller caller, String path) {
        return FuseReply.of(op, path, () -> ProcfsMutations.createName(exists(caller, path)).fail());
    }

    public int unlink(Caller caller, String path) {
        return FuseReply.of("unlink", path, () -> {
            tree.getattr(caller, path);
            return ProcfsMutations.remove(path).fail();
        });
    }

    public int rmdir(Caller caller, String path) {
        return FuseReply.of("rmdir", path, () -> {
            FileAttr attr = tree.getattr(caller, path);
            if (attr.kind() != FileAttr.Kind.DIR) {
                return Errno.ENOTDIR.fail();
            }
            return ProcfsMutations.remove(path).fail();
        });
    }

    public int rename(Caller caller, String from, String to) {
        return FuseReply.of("rename", from + " -> " + to, () -> {
            tree.getattr(caller, from);
            return ProcfsMutations.rename(from, exists(caller, to)).fail();
        });
    }

    public int chmod(Caller caller, String path) {
        return FuseReply.of("chmod", path, () -> {
            tree.getattr(caller, path);
            return ProcfsMutations.chmod(path).fail();
        });
    }

    public int chown(Caller caller, String path) {
        return FuseReply.of("chown", path, () -> {
            tree.getattr(caller, path);
            return orFail(ProcfsMutations.chown(path));
        });
    }

    public int utimens(Caller caller, String path) {
        return FuseReply.of("utimens", path, () -> {
            tree.getattr(caller, path);
            return orFail(ProcfsMutations.utimens(path));
        });
    }

    /** Open files right now (for tests and diagnostics). */
    int openFiles() {
        return files.size();
    }

    private ProcHandle handle(long fh) {
        ProcHandle h = files.get(fh);
        if (h == null) {
            return Errno.EBADF.fail();
        }
        return h;
    }

    private boolean exists(Caller caller, String path) {
        try {
            tree.getattr(caller, path);
            return true;
        } catch (SysError e) {
            return false;
        }
    }

    private static int orFail(Errno errno) {
        return errno == null ? 0 : errno.fail();
    }
}
