package procsim.fuse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jnr.ffi.Pointer;
import jnr.ffi.types.dev_t;
import jnr.ffi.types.gid_t;
import jnr.ffi.types.mode_t;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.uid_t;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Timespec;

import procsim.attach.HostSyscalls;
import procsim.attach.LinuxHostSyscalls;
import procsim.procfs.Caller;
import procsim.procfs.FileAttr;
import procsim.procfs.ProcTree;

/**
 * The jnr-fuse filesystem: unpacks each libfuse2 callback (paths, {@code struct stat},
 * {@code fuse_file_info}, buffers) and hands it to {@link FuseOps}, which does the work and turns
 * errors into {@code -errno}. Nothing here throws: every callback goes through {@link FuseReply}.
 *
 * <p>The caller of each request is {@code fuse_get_context()}: the calling host <em>thread</em> id
 * and its fsuid/fsgid. Callbacks left out (xattrs, access, fsync, locks, statfs) answer ENOSYS, which
 * the kernel turns into what procfs gives (EOPNOTSUPP for xattrs, success for access and fsync,
 * local locks).
 */
public final class ProcFuse extends FuseStubFS {
    /** The name shown as the source in /proc/mounts; the type is {@code fuse.procsim}. */
    public static final String FS_NAME = "procsim";

    /** Tells readlink(2) from a path walk following a link: only the former gets an fd link's target. */
    private static final HostSyscalls HOST_SYSCALLS = new LinuxHostSyscalls();

    private final FuseOps ops;
    private final Runnable onInit;
    private final long bootSeconds = System.currentTimeMillis() / 1000;
    private volatile ScheduledExecutorService forgetter;
    private volatile KernelDentries dentries;
    private volatile Runnable afterWrite = () -> { };

    /**
     * One {@code struct stat} and one {@code fuse_file_info} wrapper per worker thread, pointed at
     * each request's memory: jnr-fuse builds new ones for every request (FileStat.of,
     * FuseFileInfo.of), each laying out its struct anew, field objects and all.
     */
    private static final ThreadLocal<FileStat> STAT = ThreadLocal.withInitial(() -> new FileStat(jnr.ffi.Runtime.getSystemRuntime()));
    private static final ThreadLocal<FuseFileInfo> FILE_INFO =
            ThreadLocal.withInitial(() -> new FuseFileInfo(jnr.ffi.Runtime.getSystemRuntime()) { });

    /** {@code onInit} runs when the kernel's FUSE_INIT arrives, i.e. once the mount is live. */
    public ProcFuse(ProcTree tree, Runnable onInit) {
        this.ops = new FuseOps(tree);
        this.onInit = onInit;
        fuseOperations.getattr.set((path, stbuf) -> getattr(path, at(STAT.get(), stbuf)));
        fuseOperations.open.set((path, fi) -> open(path, at(FILE_INFO.get(), fi)));
        fuseOperations.read.set((path, buf, size, offset, fi) -> read(path, buf, size, offset, at(FILE_INFO.get(), fi)));
        fuseOperations.write.set((path, buf, size, offset, fi) -> write(path, buf, size, offset, at(FILE_INFO.get(), fi)));
        fuseOperations.release.set((path, fi) -> release(path, at(FILE_INFO.get(), fi)));
    }

    private static <S extends jnr.ffi.Struct> S at(S struct, Pointer memory) {
        struct.useMemory(memory);
        return struct;
    }

    @Override
    protected String getFSName() {
        return FS_NAME;
    }

    /**
     * Mounts at {@code mountPoint} and serves until unmounted, as jnr-fuse's blocking mount() does,
     * but without libfuse's signal handling ({@link FuseSession}): for the daemon's second mount.
     */
    void serveOwn(Path mountPoint, String options) throws IOException {
        mounted.set(true);
        FuseSession.serve(fuseOperations, mountPoint, options);
    }

    /**
     * Drops jnr-fuse's "mounted" flag once the FUSE loop has ended, so its own shutdown hook does
     * nothing, and stops dropping stale dentries.
     */
    void markUnmounted() {
        mounted.set(false);
        ScheduledExecutorService s = forgetter;
        KernelDentries d = dentries;
        if (s != null && d != null) {
            s.shutdownNow();
            try {
                if (s.awaitTermination(2, TimeUnit.SECONDS)) d.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Each second, the kernel is told to drop the dentries of the pid directories (of M and of the
     * fixed views) gone since ({@link StaleEntries}), from a thread of its own ({@link KernelDentries}).
     */
    private void startForgetting() {
        KernelDentries d = KernelDentries.open(getContext().fuse.get());
        if (d == null) return;
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fuse-forget");
            t.setDaemon(true);
            return t;
        });
        dentries = d;
        forgetter = s;
        s.scheduleWithFixedDelay(() -> ops.forgetGone(d::invalidate), 1, 1, TimeUnit.SECONDS);
    }

    /** {@code then} runs after each write, before its reply: a write may reap a task. */
    void afterWrite(Runnable then) {
        Runnable before = afterWrite;
        afterWrite = () -> {
            before.run();
            then.run();
        };
    }

    /**
     * Drops at once the kernel's dentries of pid directories gone since they were looked up, as
     * Linux's release_task() does (proc_flush_pid(), fs/proc/base.c): for a view mount, whose
     * dentries the kernel keeps for its entry timeout; only after a task was released since the
     * last call. From a FUSE worker too: the invalidation waits only for lookups in this mount's
     * root, which its other workers serve ({@link FuseSession} starts a reader whenever none is
     * idle), and the write being served holds no lock of it.
     */
    void forgetGoneNow() {
        KernelDentries d = dentries;
        if (d != null) ops.forgetGoneIfReleased(d::invalidate);
    }

    private Caller caller() {
        RequestContext ctx = RequestContext.current();
        int tid = ctx.pid();
        return new Caller(tid, ctx.uid(), ctx.gid(), FuseInterrupts.CURRENT_REQUEST, () -> HOST_SYSCALLS.inReadlink(tid));
    }

    @Override
    public Pointer init(Pointer conn) {
        try {
            onInit.run();
        } catch (Throwable t) {
            FuseReply.logUnexpected("init", "/", t);
        }
        try {
            startForgetting();
        } catch (Throwable t) {
            FuseReply.logUnexpected("init", "/", t);
        }
        return null;
    }

    /** Only commands without data (_IO) are served: nsfs's that lsns sends. */
    @Override
    public int ioctl(String path, int cmd, Pointer arg, FuseFileInfo fi, long flags, Pointer data) {
        return ops.ioctl(callerOrNull(), path, fi.fh.get(), cmd);
    }

    @Override
    public int getattr(String path, FileStat stat) {
        return ops.getattr(callerOrNull(), path, attr -> fill(stat, attr));
    }

    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filter, @off_t long offset, FuseFileInfo fi) {
        return ops.readdir(callerOrNull(), path, name -> {
            // jnr-fuse's String overload passes the bytes without a terminating NUL: add it here.
            byte[] bytes = (name + '\0').getBytes(StandardCharsets.UTF_8);
            return filter.apply(buf, ByteBuffer.wrap(bytes), null, 0) != 0;
        });
    }

    @Override
    public int readlink(String path, Pointer buf, @size_t long size) {
        return ops.readlink(callerOrNull(), path, target -> {
            byte[] bytes = target.getBytes(StandardCharsets.UTF_8);
            int n = (int) Math.min(bytes.length, Math.max(0, size - 1));
            buf.put(0, bytes, 0, n);
            buf.putByte(n, (byte) 0);
        });
    }

    @Override
    public int open(String path, FuseFileInfo fi) {
        return ops.open(callerOrNull(), path, fi.flags.get(), fh -> fi.fh.set(fh));
    }

    @Override
    public int read(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        int max = (int) Math.min(size, Integer.MAX_VALUE);
        return ops.read(callerOrNull(), path, fi.fh.get(), offset, max, (data, n) -> buf.put(0, data, 0, n));
    }

    @Override
    public int write(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        return FuseReply.of("write", path, () -> {
            byte[] data = new byte[(int) size];
            buf.get(0, data, 0, data.length);
            try {
                return ops.write(caller(), path, fi.fh.get(), data, offset);
            } finally {
                afterWrite.run();
            }
        });
    }

    @Override
    public int release(String path, FuseFileInfo fi) {
        return ops.release(path, fi.fh.get());
    }

    @Override
    public int truncate(String path, @off_t long size) {
        return ops.truncate(callerOrNull(), path);
    }

    @Override
    public int ftruncate(String path, @off_t long size, FuseFileInfo fi) {
        return ops.truncate(callerOrNull(), path);
    }

    @Override
    public int create(String path, @mode_t long mode, FuseFileInfo fi) {
        return ops.makeName("create", callerOrNull(), path);
    }

    @Override
    public int mknod(String path, @mode_t long mode, @dev_t long rdev) {
        return ops.makeName("mknod", callerOrNull(), path);
    }

    @Override
    public int mkdir(String path, @mode_t long mode) {
        return ops.makeName("mkdir", callerOrNull(), path);
    }

    @Override
    public int symlink(String oldpath, String newpath) {
        return ops.makeName("symlink", callerOrNull(), newpath);
    }

    @Override
    public int link(String oldpath, String newpath) {
        return ops.makeName("link", callerOrNull(), newpath);
    }

    @Override
    public int unlink(String path) {
        return ops.unlink(callerOrNull(), path);
    }

    @Override
    public int rmdir(String path) {
        return ops.rmdir(callerOrNull(), path);
    }

    @Override
    public int rename(String oldpath, String newpath) {
        return ops.rename(callerOrNull(), oldpath, newpath);
    }

    @Override
    public int chmod(String path, @mode_t long mode) {
        return ops.chmod(callerOrNull(), path);
    }

    @Override
    public int chown(String path, @uid_t long uid, @gid_t long gid) {
        return ops.chown(callerOrNull(), path);
    }

    @Override
    public int utimens(String path, Timespec[] timespec) {
        return ops.utimens(callerOrNull(), path);
    }

    /**
     * The caller, or null if even fuse_get_context failed; the tree then fails with its own error,
     * which {@link FuseReply} turns into EIO with a log line instead of a lost exception.
     */
    private Caller callerOrNull() {
        try {
            return caller();
        } catch (Throwable t) {
            FuseReply.logUnexpected("fuse_get_context", "?", t);
            return null;
        }
    }

    /** The mount runs with use_ino: st_ino is the tree's ({@code ProcFs#getattr}), not libfuse's. */
    private void fill(FileStat stat, FileAttr attr) {
        stat.st_ino.set(attr.ino());
        int type = switch (attr.kind()) {
            case DIR -> FileStat.S_IFDIR;
            case REG -> FileStat.S_IFREG;
            case LNK -> FileStat.S_IFLNK;
        };
        stat.st_mode.set(type | (attr.permissions() & 07777));
        stat.st_uid.set(attr.uid());
        stat.st_gid.set(attr.gid());
        stat.st_size.set(attr.size());
        stat.st_nlink.set(attr.nlink());
        stat.st_blksize.set(1024);
        stat.st_atim.tv_sec.set(bootSeconds);
        stat.st_mtim.tv_sec.set(bootSeconds);
        stat.st_ctim.tv_sec.set(bootSeconds);
    }
}
