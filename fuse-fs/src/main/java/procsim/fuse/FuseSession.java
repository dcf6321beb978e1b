package procsim.fuse;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;

/**
 * One mount's FUSE session: libfuse2 mounts ({@code fuse_mount()}: the mount(2), or fusermount for
 * a user, and the /dev/fuse fd) and unmounts ({@code fuse_unmount()}); in between, Java threads
 * ({@link Workers}) speak the kernel protocol on the fd themselves: each reads one request with
 * read(2) into a buffer of its own, has {@link ProcFuse} serve it, and writes the reply with one
 * write(2). libfuse2's own loop instead calls back from C into Java for each request (a JNI upcall,
 * and libfuse's per-request allocations and locks), which cost the daemon about three times the
 * user CPU of a C filesystem per request.
 *
 * <p>No signal handlers are installed (libfuse's fuse_set_signal_handlers() remembers one session
 * in a static): the daemon's own SIGINT/SIGTERM handlers unmount.
 */
final class FuseSession {
    /** The libfuse2 calls needed. Public: jnr-ffi implements it from a class loader of its own. */
    public interface Lib {
        Pointer fuse_mount(String mountpoint, Pointer args);

        void fuse_unmount(String mountpoint, Pointer channel);

        void fuse_opt_free_args(Pointer args);

        int fuse_chan_fd(Pointer channel);

        long fuse_chan_bufsize(Pointer channel);
    }

    /** read(2) and write(2) of the fd, straight from and into a direct buffer. */
    public interface LibC {
        long read(int fd, @Out ByteBuffer buf, @size_t long count);

        long write(int fd, @In ByteBuffer buf, @size_t long count);
    }

    private static final class Holder {
        static final Lib LIB = FuseLibrary.load(Lib.class);
        static final LibC LIBC = jnr.ffi.LibraryLoader.create(LibC.class).failImmediately().load("c");
    }

    /** The header libfuse2 reserves in its buffer beyond max_write (lib/fuse_lowlevel.c: bufsize - 4096). */
    private static final int HEADER_ROOM = 4096;

    private FuseSession() {
    }

    /** The libfuse2 binding, for {@link FuseLibrary#loadError}. */
    static Class<Lib> api() {
        return Lib.class;
    }

    /**
     * Mounts {@code fs} at {@code mountPoint} with {@code -o options} and serves it (multithreaded)
     * until it is unmounted; then unmounts and closes the fd.
     */
    static void serve(ProcFuse fs, Path mountPoint, String options) throws IOException {
        Lib lib = Holder.LIB;
        Runtime rt = Runtime.getSystemRuntime();
        Pointer[] argv = {string(rt, ProcFuse.FS_NAME), string(rt, "-o"), string(rt, options)};
        Pointer argvArray = Memory.allocateDirect(rt, (argv.length + 1) * rt.addressSize(), true);
        for (int i = 0; i < argv.length; i++) argvArray.putPointer((long) i * rt.addressSize(), argv[i]);
        // struct fuse_args { int argc; char **argv; int allocated; } (fuse_opt.h): FUSE_ARGS_INIT
        Pointer args = Memory.allocateDirect(rt, 3 * rt.addressSize(), true);
        args.putInt(0, argv.length);
        args.putPointer(rt.addressSize(), argvArray);
        String at = mountPoint.toString();
        Pointer channel = lib.fuse_mount(at, args);
        lib.fuse_opt_free_args(args);
        Reference.reachabilityFence(argv); // libfuse read them during the call: not freed by a GC before
        Reference.reachabilityFence(argvArray);
        if (channel == null) {
            throw new IOException("libfuse could not mount " + at + " (its own message, if any, is above)");
        }
        try {
            int bufSize = (int) Math.min(lib.fuse_chan_bufsize(channel), 1 << 24);
            int fd = lib.fuse_chan_fd(channel);
            fs.connected(fd, bufSize - HEADER_ROOM);
            new Workers(Holder.LIBC, rt, fd, bufSize, fs).serve();
        } finally {
            lib.fuse_unmount(at, channel);
        }
    }

    /**
     * lib/fuse_loop_mt.c's pool in Java: one worker waits for a request while the others serve
     * theirs (a request may block, a wait4 for one); a worker that takes the last idle place starts
     * another, one that finds more than ten idle ends. FORGETs, answered at once, count for neither
     * ("so that zillions of threads are not created on a burst of FORGET messages"). The session
     * ends when a read fails with ENODEV (the mount is gone) or an unexpected error.
     */
    static final class Workers {
        private static final Logger log = LoggerFactory.getLogger(FuseSession.class);
        private static final int MAX_IDLE = 10, EINTR = 4, EAGAIN = 11, ENOENT = 2, ENODEV = 19,
                ECONNABORTED = 103;

        private final LibC libc;
        private final Runtime rt;
        private final int fd;
        private final int bufSize;
        private final ProcFuse fs;
        private final IntFunction<ByteBuffer> buffers;
        private final AtomicInteger idle = new AtomicInteger();
        private final AtomicInteger started = new AtomicInteger();
        private volatile boolean exited;
        private int live; // guarded by this

        Workers(LibC libc, Runtime rt, int fd, int bufSize, ProcFuse fs) {
            this(libc, rt, fd, bufSize, fs, FuseWire::buffer);
        }

        /** With {@code buffers} allocating each worker's two buffers (tests make one fail). */
        Workers(LibC libc, Runtime rt, int fd, int bufSize, ProcFuse fs, IntFunction<ByteBuffer> buffers) {
            this.buffers = buffers;
            this.libc = libc;
            this.rt = rt;
            this.fd = fd;
            this.bufSize = bufSize;
            this.fs = fs;
        }

        /** Serves until the session ends (the mount is gone); then every worker has ended. */
        void serve() {
            if (!start()) return;
            synchronized (this) {
                while (live > 0) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt(); // the workers end with the mount
                    }
                }
            }
        }

        /**
         * Starts one more worker, its buffers allocated first; false, logged, when the JVM cannot
         * give it a thread or its buffers: the caller serves on, as fuse_loop_mt does ("fuse: error
         * creating thread"), rather than counting a reader that never reads.
         */
        private boolean start() {
            Thread t;
            try {
                ByteBuffer in = buffers.apply(bufSize);
                ByteBuffer out = buffers.apply(bufSize);
                t = new Thread(() -> work(in, out), "fuse-worker-" + started.incrementAndGet());
                t.setDaemon(true);
            } catch (Throwable e) {
                log.error("cannot start another FUSE worker: {}", e.toString());
                return false;
            }
            idle.incrementAndGet();
            synchronized (this) {
                live++;
            }
            try {
                t.start();
                return true;
            } catch (Throwable e) {
                idle.decrementAndGet();
                ended();
                log.error("cannot start another FUSE worker: {}", e.toString());
                return false;
            }
        }

        private synchronized void ended() {
            live--;
            notifyAll();
        }

        private void work(ByteBuffer in, ByteBuffer out) {
            try {
                while (!exited) {
                    long n = libc.read(fd, in, bufSize);
                    if (n < 0) {
                        int err = rt.getLastError();
                        if (err == EINTR || err == EAGAIN || err == ENOENT) continue;
                        // ECONNABORTED: the connection was aborted (fusectl's abort), an end as ENODEV is
                        if (err != ENODEV && err != ECONNABORTED) log.error("reading the FUSE device: errno {}", err);
                        exited = true;
                        return;
                    }
                    if (n < FuseWire.IN_HEADER) {
                        log.error("short read on the FUSE device: {} bytes", n);
                        exited = true;
                        return;
                    }
                    boolean atOnce = ProcFuse.isForget(in.getInt(4));
                    if (!atOnce && idle.decrementAndGet() == 0) start();
                    int len = fs.serve(in, (int) n, out);
                    if (len > 0 && libc.write(fd, out, len) < 0) {
                        int err = rt.getLastError();
                        if (err == ENOENT) fs.unanswered(in, out); // interrupted meanwhile: the kernel took no reply
                        else log.error("the kernel refused the reply to opcode {} ({} bytes): errno {}", in.getInt(4), len, err);
                    }
                    if (!atOnce && idle.incrementAndGet() > MAX_IDLE) {
                        idle.decrementAndGet();
                        return;
                    }
                }
            } finally {
                ended();
            }
        }
    }

    private static Pointer string(Runtime rt, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        Pointer p = Memory.allocateDirect(rt, b.length + 1, true);
        p.put(0, b, 0, b.length);
        return p;
    }
}
