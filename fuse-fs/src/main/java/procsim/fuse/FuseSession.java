package procsim.fuse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import com.kenai.jffi.Function;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.Type;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;
import ru.serce.jnrfuse.struct.FuseOperations;

/**
 * libfuse2's fuse_main() in its steps (lib/helper.c fuse_setup_common()/fuse_teardown(): mount,
 * new, loop, unmount, destroy), with two changes:
 *
 * <ul>
 *   <li>No signal handlers: fuse_set_signal_handlers() remembers one session in a static, so the
 *       daemon's second mount would leave a "fuse: fuse_remove_signal_handlers: unknown session"
 *       line on stderr (the JVM's own SIGINT/SIGTERM handlers, installed first, keep libfuse's from
 *       being installed anyway).</li>
 *   <li>The requests are read and dispatched by Java threads ({@link Workers}) instead of
 *       fuse_loop_mt()'s native ones: jffi attaches a native thread to the JVM and detaches it
 *       again around each callback for the thread's first 1,000 callbacks (jffi ClosureMagazine.c,
 *       THREAD_ATTACH_THRESHOLD), each time making a java.lang.Thread, and libfuse ends a worker
 *       when more than ten are idle, so fresh ones kept paying it; a Java thread is attached
 *       already.</li>
 * </ul>
 */
final class FuseSession {
    /** The libfuse2 calls needed. Public: jnr-ffi implements it from a class loader of its own. */
    public interface Lib {
        Pointer fuse_mount(String mountpoint, Pointer args);

        void fuse_unmount(String mountpoint, Pointer channel);

        void fuse_destroy(Pointer fuse);

        void fuse_opt_free_args(Pointer args);

        Pointer fuse_get_session(Pointer fuse);

        Pointer fuse_session_next_chan(Pointer session, Pointer after);

        long fuse_chan_bufsize(Pointer channel);

        int fuse_session_receive_buf(Pointer session, Pointer buf, Pointer channelOut);

        void fuse_session_process_buf(Pointer session, Pointer buf, Pointer channel);

        void fuse_session_exit(Pointer session);

        int fuse_session_exited(Pointer session);
    }

    /** dlvsym(3): the one way to a symbol of a given version. */
    public interface Dl {
        Pointer dlopen(String file, int mode);

        Pointer dlvsym(Pointer handle, String symbol, String version);
    }

    private static final class Holder {
        static final Lib LIB = FuseLibrary.load(Lib.class);
        static final long FUSE_NEW = fuseNew();
    }

    /**
     * fuse_new() as FUSE_2.6 defines it (ch, args, op, op_size, user_data). By its bare name the
     * dynamic loader hands out the unversioned compat one (lib/fuse.c fuse_new_compat2: fd, opts,
     * op, op_size), which reads the args struct as an options string ("fuse: unknown option").
     */
    private static long fuseNew() {
        Dl dl = jnr.ffi.LibraryLoader.create(Dl.class).failImmediately().load("c");
        int rtldNowNoload = 0x2 | 0x4;
        Pointer handle = dl.dlopen("libfuse.so.2", rtldNowNoload);
        if (handle == null) handle = dl.dlopen("libfuse.so", rtldNowNoload);
        Pointer f = handle == null ? null : dl.dlvsym(handle, "fuse_new", "FUSE_2.6");
        if (f == null) throw new IllegalStateException("no fuse_new@FUSE_2.6 in the loaded libfuse");
        return f.address();
    }

    private static long fuseNew(Pointer channel, Pointer args, Pointer ops, long opSize) {
        Type p = Type.POINTER;
        Function f = new Function(Holder.FUSE_NEW, p, p, p, p, Type.UINT64, p);
        return Invoker.getInstance().invokeN5(f.getCallContext(), f.getFunctionAddress(),
                channel.address(), args.address(), ops.address(), opSize, 0L);
    }

    private FuseSession() {
    }

    /**
     * Mounts {@code ops} at {@code mountPoint} with {@code -o options} and serves it (multithreaded)
     * until it is unmounted; then frees the session.
     */
    static void serve(FuseOperations ops, Path mountPoint, String options) throws IOException {
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
        if (channel == null) {
            lib.fuse_opt_free_args(args);
            throw new IOException("libfuse could not mount " + at + " (its own message, if any, is above)");
        }
        // fuse_new copies the operations (lib/fuse.c fuse_fs_new): a direct copy of jnr-fuse's struct
        int size = Struct.size(ops);
        byte[] table = new byte[size];
        Struct.getMemory(ops).get(0, table, 0, size);
        Pointer direct = Memory.allocateDirect(rt, size, true);
        direct.put(0, table, 0, size);
        long fuseAddress = fuseNew(channel, args, direct, size);
        lib.fuse_opt_free_args(args);
        Pointer fuse = fuseAddress == 0 ? null : Pointer.wrap(rt, fuseAddress);
        if (fuse == null) {
            lib.fuse_unmount(at, channel);
            throw new IOException("libfuse refused the options " + options);
        }
        try {
            new Workers(lib, fuse).serve();
        } finally {
            lib.fuse_unmount(at, channel);
            lib.fuse_destroy(fuse);
        }
    }

    /**
     * lib/fuse_loop_mt.c's pool in Java: one worker waits for a request while the others serve
     * theirs (a request may block, a wait4 for one); a worker that takes the last idle place starts
     * another, one that finds more than ten idle ends. FORGETs, answered at once, count for neither
     * ("so that zillions of threads are not created on a burst of FORGET messages").
     */
    private static final class Workers {
        private static final int MAX_IDLE = 10, EINTR = 4, FUSE_FORGET = 2, FUSE_BATCH_FORGET = 42;
        /** struct fuse_buf (fuse_common.h): size, flags, mem, fd, pos. */
        private static final int BUF_SIZE = 0, BUF_FLAGS = 8, BUF_MEM = 16, FUSE_BUF_SIZE = 40, FUSE_BUF_IS_FD = 1 << 1;

        private final Lib lib;
        private final Runtime rt = Runtime.getSystemRuntime();
        private final Pointer session;
        private final Pointer channel;
        private final long bufSize;
        private final AtomicInteger idle = new AtomicInteger();
        private final AtomicInteger started = new AtomicInteger();
        private int live; // guarded by this

        Workers(Lib lib, Pointer fuse) {
            this.lib = lib;
            this.session = lib.fuse_get_session(fuse);
            this.channel = lib.fuse_session_next_chan(session, null);
            this.bufSize = lib.fuse_chan_bufsize(channel);
        }

        /** Serves until the session ends (the mount is gone); then every worker has ended. */
        void serve() {
            start();
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

        private void start() {
            idle.incrementAndGet();
            synchronized (this) {
                live++;
            }
            Thread t = new Thread(this::work, "fuse-worker-" + started.incrementAndGet());
            t.setDaemon(true);
            t.start();
        }

        private void work() {
            try {
                Pointer mem = Memory.allocateDirect(rt, bufSize);
                Pointer buf = Memory.allocateDirect(rt, FUSE_BUF_SIZE, true);
                Pointer chp = Memory.allocateDirect(rt, rt.addressSize(), true);
                while (lib.fuse_session_exited(session) == 0) {
                    buf.putLong(BUF_SIZE, bufSize);
                    buf.putInt(BUF_FLAGS, 0);
                    buf.putPointer(BUF_MEM, mem);
                    chp.putPointer(0, channel);
                    int res = lib.fuse_session_receive_buf(session, buf, chp);
                    if (res == -EINTR) continue;
                    if (res <= 0) {
                        if (res < 0) lib.fuse_session_exit(session);
                        return;
                    }
                    // fuse_in_header: len, opcode
                    int opcode = (buf.getInt(BUF_FLAGS) & FUSE_BUF_IS_FD) != 0 ? -1 : mem.getInt(4);
                    boolean forget = opcode == FUSE_FORGET || opcode == FUSE_BATCH_FORGET;
                    if (!forget && idle.decrementAndGet() == 0) start();
                    lib.fuse_session_process_buf(session, buf, chp.getPointer(0));
                    if (!forget && idle.incrementAndGet() > MAX_IDLE) {
                        idle.decrementAndGet();
                        return;
                    }
                }
            } finally {
                synchronized (this) {
                    live--;
                    notifyAll();
                }
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
