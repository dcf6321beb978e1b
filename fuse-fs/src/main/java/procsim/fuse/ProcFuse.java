package procsim.fuse;

import static procsim.fuse.FuseWire.IN_HEADER;
import static procsim.fuse.FuseWire.OUT_HEADER;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import procsim.abi.Errno;
import procsim.attach.HostSyscalls;
import procsim.attach.LinuxHostSyscalls;
import procsim.procfs.Caller;
import procsim.procfs.ProcTree;

/**
 * The filesystem side of the FUSE kernel protocol, as libfuse2 2.9's high-level API serves it
 * (lib/fuse.c, lib/fuse_lowlevel.c): decodes each request ({@link FuseWire}), turns its node id into
 * a path ({@link NodeTable}), calls the {@link FuseOps} method libfuse's callback would have called
 * with the same arguments, and encodes the reply. Nothing here throws into the session loop: every
 * operation goes through {@link FuseReply}.
 *
 * <p>The caller of each request is the {@code fuse_in_header}'s pid, uid, gid (libfuse2's
 * {@code fuse_get_context()} gives the same): the calling host <em>thread</em> id and its
 * fsuid/fsgid. Operations the mount does not serve (xattrs, access, flush, fsync, locks) answer
 * ENOSYS, which the kernel turns into what procfs gives (EOPNOTSUPP for xattrs, success for access
 * and fsync, local locks) and then stops sending: a close(2), and each of bash's {@code >&FD}
 * redirections, costs no round trip (fs/fuse/file.c fuse_flush() sets fc->no_flush).
 */
public final class ProcFuse {
    /** The name shown as the source in /proc/mounts; the type is {@code fuse.procsim}. */
    public static final String FS_NAME = "procsim";

    /** Tells readlink(2) from a path walk following a link: only the former gets an fd link's target. */
    private static final HostSyscalls HOST_SYSCALLS = new LinuxHostSyscalls();
    private static final int PATH_MAX = 4096, MAX_PENDING_INTERRUPTS = 64, EPROTO = 71;
    /** What libfuse2's high-level API asks for at FUSE_INIT with the mount's options ({@link FuseMount#OPTIONS}). */
    static final int WANT = FuseWire.ASYNC_READ | FuseWire.ATOMIC_O_TRUNC | FuseWire.EXPORT_SUPPORT | FuseWire.BIG_WRITES;

    private final FuseOps ops;
    private final Runnable onInit;
    private final NodeTable nodes = new NodeTable();
    private final ConcurrentHashMap<Long, DirHandle> dirs = new ConcurrentHashMap<>();
    private final AtomicLong nextDir = new AtomicLong();
    private final ConcurrentHashMap<Long, Request> inFlight = new ConcurrentHashMap<>();
    private final Set<Long> earlyInterrupts = new LinkedHashSet<>(); // guarded by itself
    private final long bootSeconds = System.currentTimeMillis() / 1000;
    private volatile double entryTimeout, attrTimeout, negativeTimeout;
    private volatile int want = WANT, openFlags = FuseWire.FOPEN_DIRECT_IO;
    private volatile int maxWrite = 0x20000;
    private volatile boolean initialized;
    private volatile int fd = -1;
    private volatile ScheduledExecutorService forgetter;
    private volatile KernelDentries dentries;
    private volatile Runnable afterWrite = () -> { };

    /** One request being served: whether the kernel has sent FUSE_INTERRUPT for it. */
    static final class Request {
        final long unique;
        volatile boolean interrupted;

        Request(long unique) {
            this.unique = unique;
        }
    }

    /** An open directory: its listing, made at offset 0 and served in slices (lib/fuse.c fuse_lib_readdir()). */
    private static final class DirHandle {
        ByteBuffer contents = ByteBuffer.allocate(0).order(ByteOrder.nativeOrder());
        int length;
        boolean filled;
    }

    /** {@code onInit} runs when the kernel's FUSE_INIT arrives, i.e. once the mount is live. */
    public ProcFuse(ProcTree tree, Runnable onInit) {
        this.ops = new FuseOps(tree);
        this.onInit = onInit;
    }

    /**
     * Mounts at {@code mountPoint} and serves until unmounted ({@link FuseSession}), with libfuse2's
     * high-level options as it reads them: entry_timeout, attr_timeout (default 1 s) and
     * negative_timeout (default 0) for every reply; direct_io for every open; atomic_o_trunc and
     * big_writes asked for at FUSE_INIT. st_ino is always the tree's (use_ino).
     */
    void serveOwn(Path mountPoint, String options) throws IOException {
        configure(options);
        FuseSession.serve(this, mountPoint, options);
    }

    void configure(String options) {
        entryTimeout = option(options, "entry_timeout", 1.0);
        attrTimeout = option(options, "attr_timeout", 1.0);
        negativeTimeout = option(options, "negative_timeout", 0.0);
        List<String> flags = List.of(options.split(","));
        want = WANT & ~(flags.contains("atomic_o_trunc") ? 0 : FuseWire.ATOMIC_O_TRUNC)
                & ~(flags.contains("big_writes") ? 0 : FuseWire.BIG_WRITES);
        openFlags = flags.contains("direct_io") ? FuseWire.FOPEN_DIRECT_IO : 0;
    }

    /** A {@code name=seconds} option of a comma-separated list, else {@code otherwise}. */
    static double option(String options, String name, double otherwise) {
        for (String o : options.split(",")) {
            if (o.startsWith(name + "=")) return Double.parseDouble(o.substring(name.length() + 1));
        }
        return otherwise;
    }

    /** The session's /dev/fuse fd and the largest write it reads in one request; before the first request. */
    void connected(int deviceFd, int maxWriteBytes) {
        this.fd = deviceFd;
        this.maxWrite = maxWriteBytes;
    }

    /** Stops dropping stale dentries once the FUSE loop has ended. */
    void markUnmounted() {
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
        if (fd < 0) return; // no session (the warm-up's)
        KernelDentries d = KernelDentries.open(fd, nodes);
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

    /** Whether a request of this opcode is answered at once and never blocks (libfuse's pool does not count them). */
    static boolean isForget(int opcode) {
        return opcode == FuseWire.FORGET || opcode == FuseWire.BATCH_FORGET;
    }

    /**
     * Serves the request of {@code length} bytes in {@code in}; puts the reply in {@code out} and
     * returns its length, or 0 when the request takes no reply (FORGET, BATCH_FORGET, INTERRUPT).
     */
    int serve(ByteBuffer in, int length, ByteBuffer out) {
        try {
            return serveOrThrow(in, length, out);
        } catch (Throwable t) { // a bug here: the request is still answered, the worker lives on
            FuseReply.logUnexpected("opcode " + in.getInt(4), "?", t);
            return FuseWire.error(out, in.getLong(8), FuseReply.EIO);
        }
    }

    private int serveOrThrow(ByteBuffer in, int length, ByteBuffer out) {
        FuseWire.InHeader h = FuseWire.InHeader.of(in);
        int end = Math.min(length, Math.max(h.len(), IN_HEADER));
        if (h.opcode() == FuseWire.INIT) return init(in, out, h);
        if (!initialized) return FuseWire.error(out, h.unique(), Errno.EIO.number());
        switch (h.opcode()) {
            case FuseWire.FORGET -> {
                nodes.forget(h.nodeid(), in.getLong(IN_HEADER));
                return 0;
            }
            case FuseWire.BATCH_FORGET -> {
                int count = in.getInt(IN_HEADER);
                for (int i = 0, at = IN_HEADER + 8; i < count && at + 16 <= end; i++, at += 16) {
                    nodes.forget(in.getLong(at), in.getLong(at + 8));
                }
                return 0;
            }
            case FuseWire.INTERRUPT -> {
                interrupt(in.getLong(IN_HEADER));
                return 0;
            }
            case FuseWire.DESTROY -> {
                return FuseWire.ok(out, h.unique(), 0);
            }
            default -> {
                Request r = new Request(h.unique());
                inFlight.put(r.unique, r);
                synchronized (earlyInterrupts) {
                    if (!earlyInterrupts.isEmpty() && earlyInterrupts.remove(r.unique)) r.interrupted = true;
                }
                try {
                    return dispatch(in, end, out, h, r);
                } finally {
                    inFlight.remove(r.unique);
                }
            }
        }
    }

    /**
     * FUSE_INTERRUPT for {@code unique}: marks it if it is being served, else keeps it for the request
     * about to be registered (a worker may have read it, not yet registered it); the last
     * {@value #MAX_PENDING_INTERRUPTS} such are kept (one for a request already answered is dropped
     * in time). libfuse2 (do_interrupt(), check_interrupt()) does the same with its lists.
     */
    private void interrupt(long unique) {
        Request r = inFlight.get(unique);
        if (r != null) {
            r.interrupted = true;
            return;
        }
        synchronized (earlyInterrupts) {
            earlyInterrupts.add(unique);
            if (earlyInterrupts.size() > MAX_PENDING_INTERRUPTS) {
                Iterator<Long> oldest = earlyInterrupts.iterator();
                oldest.next();
                oldest.remove();
            }
        }
        r = inFlight.get(unique);
        if (r != null) r.interrupted = true;
    }

    private int init(ByteBuffer in, ByteBuffer out, FuseWire.InHeader h) {
        if (initialized) return FuseWire.error(out, h.unique(), Errno.EIO.number());
        if (in.getInt(IN_HEADER) < FuseWire.KERNEL_VERSION) return FuseWire.error(out, h.unique(), EPROTO);
        initialized = true;
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
        return FuseWire.init(out, h.unique(), in, want, maxWrite);
    }

    private Caller caller(FuseWire.InHeader h, Request r) {
        int tid = h.pid();
        return new Caller(tid, h.uid(), h.gid(), () -> r.interrupted, () -> HOST_SYSCALLS.inReadlink(tid));
    }

    private int dispatch(ByteBuffer in, int end, ByteBuffer out, FuseWire.InHeader h, Request r) {
        long unique = h.unique();
        int op = h.opcode();
        if (!isPathOp(op)) return FuseWire.error(out, unique, Errno.ENOSYS.number());
        String path = nodes.path(h.nodeid());
        if (path == null) return FuseWire.error(out, unique, Errno.ENOENT.number());
        Caller caller = caller(h, r);
        int at = IN_HEADER;
        int rc;
        switch (op) {
            case FuseWire.LOOKUP -> {
                return lookup(out, h, caller, FuseWire.name(in, at, end));
            }
            case FuseWire.GETATTR -> {
                return attrReply(out, unique, caller, path);
            }
            case FuseWire.SETATTR -> {
                return setattr(in, out, unique, caller, path);
            }
            case FuseWire.READLINK -> {
                byte[][] target = new byte[1][];
                rc = ops.readlink(caller, path, t -> target[0] = t.getBytes(StandardCharsets.UTF_8));
                if (rc < 0) return FuseWire.error(out, unique, -rc);
                int n = Math.min(target[0].length, PATH_MAX);
                out.put(OUT_HEADER, target[0], 0, n);
                return FuseWire.ok(out, unique, n);
            }
            case FuseWire.OPEN -> {
                long[] fh = new long[1];
                rc = ops.open(caller, path, in.getInt(at), f -> fh[0] = f);
                if (rc < 0) return FuseWire.error(out, unique, -rc);
                return FuseWire.open(out, unique, fh[0], openFlags);
            }
            case FuseWire.READ -> {
                int size = Math.min(in.getInt(at + 16), out.capacity() - OUT_HEADER);
                rc = ops.read(caller, path, in.getLong(at), in.getLong(at + 8), size, (data, n) -> out.put(OUT_HEADER, data, 0, n));
                if (rc < 0) return FuseWire.error(out, unique, -rc);
                return FuseWire.ok(out, unique, rc);
            }
            case FuseWire.WRITE -> {
                return write(in, end, out, unique, caller, path);
            }
            case FuseWire.STATFS -> {
                return FuseWire.statfs(out, unique);
            }
            case FuseWire.RELEASE -> {
                ops.release(path, in.getLong(at));
                return FuseWire.ok(out, unique, 0);
            }
            case FuseWire.OPENDIR -> {
                long fh = nextDir.incrementAndGet();
                dirs.put(fh, new DirHandle());
                return FuseWire.open(out, unique, fh, 0);
            }
            case FuseWire.READDIR -> {
                return readdir(in, out, unique, caller, path);
            }
            case FuseWire.RELEASEDIR -> {
                dirs.remove(in.getLong(at));
                return FuseWire.ok(out, unique, 0);
            }
            case FuseWire.IOCTL -> {
                return ioctl(in, end, out, unique, caller, path);
            }
            default -> {
                return mutation(in, end, out, h, caller, path);
            }
        }
    }

    /** The operations served; every other answers ENOSYS (lib/fuse.c has no callback for it set). */
    private static boolean isPathOp(int op) {
        return switch (op) {
            case FuseWire.LOOKUP, FuseWire.GETATTR, FuseWire.SETATTR, FuseWire.READLINK, FuseWire.SYMLINK,
                    FuseWire.MKNOD, FuseWire.MKDIR, FuseWire.UNLINK, FuseWire.RMDIR, FuseWire.RENAME, FuseWire.LINK,
                    FuseWire.OPEN, FuseWire.READ, FuseWire.WRITE, FuseWire.STATFS, FuseWire.RELEASE,
                    FuseWire.OPENDIR, FuseWire.READDIR, FuseWire.RELEASEDIR, FuseWire.CREATE, FuseWire.IOCTL -> true;
            default -> false;
        };
    }

    /**
     * LOOKUP: getattr of the child's path; on success its node id, counted (lib/fuse.c
     * lookup_path()); a missing name is ENOENT, or a negative entry with a nonzero negative_timeout.
     */
    private int lookup(ByteBuffer out, FuseWire.InHeader h, Caller caller, String name) {
        long parent = h.nodeid();
        // Deviation: libfuse resolves them; the kernel sends them only to an NFS-exported mount.
        if (name.equals(".") || name.equals("..")) return FuseWire.error(out, h.unique(), Errno.ENOENT.number());
        String path = nodes.childPath(parent, name);
        FileAttrBox box = new FileAttrBox();
        int rc = ops.getattr(caller, path, a -> box.attr = a);
        if (rc == 0) {
            long id = nodes.lookedUp(parent, name);
            return FuseWire.entry(out, h.unique(), id, entryTimeout, attrTimeout, box.attr, bootSeconds);
        }
        if (rc == -Errno.ENOENT.number() && negativeTimeout > 0) {
            return FuseWire.entry(out, h.unique(), 0, negativeTimeout, 0, null, bootSeconds);
        }
        return FuseWire.error(out, h.unique(), -rc);
    }

    private static final class FileAttrBox {
        procsim.procfs.FileAttr attr;
    }

    private int attrReply(ByteBuffer out, long unique, Caller caller, String path) {
        FileAttrBox box = new FileAttrBox();
        int rc = ops.getattr(caller, path, a -> box.attr = a);
        if (rc < 0) return FuseWire.error(out, unique, -rc);
        return FuseWire.attrOut(out, unique, attrTimeout, box.attr, bootSeconds);
    }

    /**
     * SETATTR as lib/fuse.c fuse_lib_setattr(): chmod, chown, truncate, then utimens (only with both
     * times: the filesystem is not utime_omit_ok), stopping at the first error; then the attributes.
     */
    private int setattr(ByteBuffer in, ByteBuffer out, long unique, Caller caller, String path) {
        int valid = in.getInt(IN_HEADER);
        int rc = 0;
        if ((valid & FuseWire.FATTR_MODE) != 0) rc = ops.chmod(caller, path);
        if (rc == 0 && (valid & (FuseWire.FATTR_UID | FuseWire.FATTR_GID)) != 0) rc = ops.chown(caller, path);
        if (rc == 0 && (valid & FuseWire.FATTR_SIZE) != 0) rc = ops.truncate(caller, path);
        int times = FuseWire.FATTR_ATIME | FuseWire.FATTR_MTIME;
        if (rc == 0 && (valid & times) == times) rc = ops.utimens(caller, path);
        if (rc < 0) return FuseWire.error(out, unique, -rc);
        return attrReply(out, unique, caller, path);
    }

    private int write(ByteBuffer in, int end, ByteBuffer out, long unique, Caller caller, String path) {
        int at = IN_HEADER;
        long fh = in.getLong(at);
        long offset = in.getLong(at + 8);
        int size = Math.max(0, Math.min(in.getInt(at + 16), end - at - FuseWire.WRITE_IN));
        byte[] data = new byte[size];
        in.get(at + FuseWire.WRITE_IN, data);
        int rc;
        try {
            rc = ops.write(caller, path, fh, data, offset);
        } finally {
            try {
                afterWrite.run();
            } catch (Throwable t) {
                FuseReply.logUnexpected("write", path, t);
            }
        }
        if (rc < 0) return FuseWire.error(out, unique, -rc);
        return FuseWire.written(out, unique, rc);
    }

    /**
     * READDIR as lib/fuse.c fuse_lib_readdir(): offset 0 (re)lists the directory into the handle,
     * each entry with d_ino FUSE_UNKNOWN_INO and type DT_UNKNOWN (use_ino, a filler given no stat);
     * the reply is the listing's bytes from the offset, at most the size asked.
     */
    private int readdir(ByteBuffer in, ByteBuffer out, long unique, Caller caller, String path) {
        DirHandle d = dirs.get(in.getLong(IN_HEADER));
        if (d == null) return FuseWire.error(out, unique, Errno.EBADF.number());
        long offset = in.getLong(IN_HEADER + 8);
        int size = Math.min(in.getInt(IN_HEADER + 16), out.capacity() - OUT_HEADER);
        synchronized (d) {
            if (offset == 0) d.filled = false;
            if (!d.filled) {
                d.length = 0;
                int rc = ops.readdir(caller, path, name -> {
                    add(d, name);
                    return false;
                });
                if (rc < 0) return FuseWire.error(out, unique, -rc);
                d.filled = true;
            }
            int n = offset < d.length ? (int) Math.min(size, d.length - offset) : 0;
            if (n > 0) out.put(OUT_HEADER, d.contents, (int) offset, n);
            return FuseWire.ok(out, unique, n);
        }
    }

    private static void add(DirHandle d, String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        int size = FuseWire.direntSize(b.length);
        if (d.length + size > d.contents.capacity()) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(4096, 2 * (d.length + size))).order(d.contents.order());
            bigger.put(0, d.contents, 0, d.length);
            d.contents = bigger;
        }
        d.length = FuseWire.dirent(d.contents, d.length, FuseWire.UNKNOWN_INO, 0, b);
    }

    /**
     * IOCTL, restricted (the kernel copies _IOC_SIZE(cmd) bytes in for _IOC_WRITE and takes up to
     * that many back for _IOC_READ: fs/fuse/ioctl.c fuse_do_ioctl()). The result, an errno too, goes in
     * {@code fuse_ioctl_out} (lib/fuse.c fuse_lib_ioctl(), fuse_reply_ioctl()), then the data the
     * handle gave back: none after an error, so the caller's buffer is left as it was (libfuse2 sends
     * the input back). FUSE_IOCTL_UNRESTRICTED (CUSE only) is EPERM; a directory's (FUSE_IOCTL_DIR)
     * ENOTTY, as libfuse2's do_ioctl() answers without FUSE_CAP_IOCTL_DIR and as a procfs directory has no ioctl.
     */
    private int ioctl(ByteBuffer in, int end, ByteBuffer out, long unique, Caller caller, String path) {
        int flags = in.getInt(IN_HEADER + 8);
        if ((flags & FuseWire.IOCTL_UNRESTRICTED) != 0) return FuseWire.error(out, unique, Errno.EPERM.number());
        if ((flags & FuseWire.IOCTL_DIR) != 0) return FuseWire.error(out, unique, Errno.ENOTTY.number());
        int at = IN_HEADER + FuseWire.IOCTL_IN;
        byte[] arg = new byte[Math.max(0, Math.min(in.getInt(IN_HEADER + 24), end - at))];
        in.get(at, arg);
        int room = Math.max(0, Math.min(in.getInt(IN_HEADER + 28), out.capacity() - OUT_HEADER - FuseWire.IOCTL_OUT));
        int[] given = {0};
        int result = ops.ioctl(caller, path, in.getLong(IN_HEADER), in.getInt(IN_HEADER + 12), arg, (data, length) -> {
            given[0] = Math.min(length, room);
            out.put(OUT_HEADER + FuseWire.IOCTL_OUT, data, 0, given[0]);
        });
        return FuseWire.ioctl(out, unique, result, result < 0 ? 0 : given[0]);
    }

    /** The operations that would make, remove or rename a name: procfs refuses each ({@link ProcfsMutations}). */
    private int mutation(ByteBuffer in, int end, ByteBuffer out, FuseWire.InHeader h, Caller caller, String dir) {
        long parent = h.nodeid();
        int at = IN_HEADER;
        int rc = switch (h.opcode()) {
            case FuseWire.MKNOD -> ops.makeName("mknod", caller, nodes.childPath(parent, FuseWire.name(in, at + FuseWire.MKNOD_IN, end)));
            case FuseWire.MKDIR -> ops.makeName("mkdir", caller, nodes.childPath(parent, FuseWire.name(in, at + FuseWire.MKDIR_IN, end)));
            case FuseWire.CREATE -> ops.makeName("create", caller, nodes.childPath(parent, FuseWire.name(in, at + FuseWire.CREATE_IN, end)));
            case FuseWire.SYMLINK -> ops.makeName("symlink", caller,
                    nodes.childPath(parent, FuseWire.name(in, at, end)));
            case FuseWire.LINK -> {
                String from = nodes.path(in.getLong(at));
                yield from == null ? -Errno.ENOENT.number()
                        : ops.makeName("link", caller, nodes.childPath(parent, FuseWire.name(in, at + 8, end)));
            }
            case FuseWire.UNLINK -> ops.unlink(caller, nodes.childPath(parent, FuseWire.name(in, at, end)));
            case FuseWire.RMDIR -> ops.rmdir(caller, nodes.childPath(parent, FuseWire.name(in, at, end)));
            case FuseWire.RENAME -> {
                String to = nodes.path(in.getLong(at));
                int oldName = at + 8;
                yield to == null ? -Errno.ENOENT.number()
                        : ops.rename(caller, nodes.childPath(parent, FuseWire.name(in, oldName, end)),
                                nodes.childPath(in.getLong(at), FuseWire.name(in, FuseWire.afterName(in, oldName, end), end)));
            }
            default -> -Errno.ENOSYS.number();
        };
        // Deviation: none of these succeeds on procfs; were one to, there would be no entry to reply.
        return FuseWire.error(out, h.unique(), rc < 0 ? -rc : Errno.EIO.number());
    }

    /**
     * A reply the kernel did not take (the request was interrupted meanwhile, ENOENT): an OPEN's or
     * OPENDIR's handle is released again, as lib/fuse.c fuse_lib_open() does, and a LOOKUP's count
     * taken back, as its reply_entry() does.
     */
    void unanswered(ByteBuffer in, ByteBuffer out) {
        int op = in.getInt(4);
        if (out.getInt(4) != 0) return;
        long fh = out.getLong(OUT_HEADER);
        if (op == FuseWire.LOOKUP) {
            if (fh != 0) nodes.forget(fh, 1); // entry_out starts with the node id
        } else if (op == FuseWire.OPEN) {
            String path = nodes.path(in.getLong(16));
            ops.release(path == null ? "?" : path, fh);
        } else if (op == FuseWire.OPENDIR) {
            dirs.remove(fh);
        }
    }

    /** Nodes the kernel holds now, the root included (for tests). */
    int nodeCount() {
        return nodes.size();
    }

    /** Open files right now (for tests). */
    int openFiles() {
        return ops.openFiles() + dirs.size();
    }
}
