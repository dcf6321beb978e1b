package procsim.fuse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import procsim.procfs.ProcTree;

/**
 * One mount of a {@link ProcTree}: its FUSE session ({@link FuseSession}) runs (blocking) on a
 * thread of its own; the mount counts as ready when the kernel's FUSE_INIT reaches
 * {@link ProcFuse}; it ends when the filesystem is unmounted, by {@link #unmount} or by anyone's
 * {@code umount M}, after which the session returns.
 */
public final class FuseMount {
    private static final Logger log = LoggerFactory.getLogger(FuseMount.class);

    private static final String COMMON_OPTIONS = "direct_io,atomic_o_trunc,big_writes,use_ino,fsname=" + ProcFuse.FS_NAME;

    /**
     * libfuse2's options (its mount options to fuse_mount(), the rest as its high-level API reads
     * them, {@link ProcFuse#serveOwn}). Zero timeouts: the kernel asks again on every lookup, so a task that exits
     * vanishes at once, and a name one caller's view has is never served from the kernel's cache to
     * another caller whose view lacks it. direct_io: procfs files report size 0 and must be read to
     * EOF anyway. atomic_o_trunc: bash's {@code >} arrives as open(O_TRUNC), not as a separate
     * truncate. big_writes: one write(2) of up to 128 KiB arrives as one FUSE write, not cut into
     * 4 KiB pieces at growing offsets (which a proc file would refuse as writes at a nonzero offset).
     * use_ino: st_ino is the tree's (a namespace file's is the namespace's inum), not the node id.
     */
    public static final String OPTIONS = "entry_timeout=0,attr_timeout=0,negative_timeout=0," + COMMON_OPTIONS;

    /**
     * A fixed view's mount: it shows the same to every caller, so the kernel may keep what it looked
     * up for a second (libfuse2 applies one entry and attribute timeout to every reply, lib/fuse.c
     * do_lookup(): hence a mount of its own). A reaped task's pid directory is dropped at once
     * ({@link ProcFuse#forgetGoneNow}); failed lookups are not kept, so a new task shows at once.
     */
    public static final String VIEW_OPTIONS = "entry_timeout=1,attr_timeout=1,negative_timeout=0," + COMMON_OPTIONS;

    /** Where the daemons' fixed-view mounts go (root's: procsim shell needs root anyway). */
    private static final Path VIEWS_DIR = Path.of("/run/procsim/views");

    private final Path mountPoint;
    private final ProcTree tree;
    private final String options;
    private final ProcFuse fs;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CompletableFuture<Throwable> ended = new CompletableFuture<>();
    private volatile boolean started;
    private volatile boolean detachedLazily;
    /** The root pid namespace's fixed view, mounted of its own; null if it could not be. */
    private volatile FuseMount view;

    /** {@code mountPoint}: absolute and normalized, an existing empty directory. */
    public FuseMount(ProcTree tree, Path mountPoint) {
        this(tree, mountPoint, OPTIONS);
    }

    private FuseMount(ProcTree tree, Path mountPoint, String options) {
        this.mountPoint = mountPoint;
        this.tree = tree;
        this.options = options;
        this.fs = new ProcFuse(tree, () -> ready.complete(null));
    }

    public Path mountPoint() {
        return mountPoint;
    }

    /** Starts the session on its own thread and waits until the mount is live. */
    public void start(Duration timeout) throws IOException {
        Thread t = new Thread(this::serve, "fuse-main");
        started = true;
        t.start();
        try {
            CompletableFuture.anyOf(ready, ended).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            unmount(Duration.ofSeconds(2));
            throw new IOException("the mount did not come up within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while mounting");
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        }
        if (!ready.isDone()) {
            Throwable why = ended.join();
            throw new IOException("libfuse could not mount " + mountPoint
                    + (why == null ? "" : ": " + rootMessage(why)) + " (its own message, if any, is above)");
        }
        if (options.equals(OPTIONS)) startView(timeout);
    }

    /**
     * Mounts the root pid namespace's fixed view ({@code M/procsim/pidns/<inum>/proc}) of its own at
     * {@link #viewMountPoint}, with positive timeouts ({@link #VIEW_OPTIONS}): what {@code procsim
     * shell} binds on /proc when it is there. Each write through either mount then drops the view's
     * dentries of pid directories gone since. Without it (no /run/procsim, not root) the shell binds
     * the directory of M, which works, with a LOOKUP per path component.
     *
     * <p>Deviation: the views of nested pid namespaces are not mounted of their own: a shell
     * {@code --as} a task of one binds {@code M/procsim/pidns/<inum>/proc}, served uncached.
     */
    private void startView(Duration timeout) {
        long inum = rootPidNamespace(tree);
        Path at = viewMountPoint(mountPoint, inum);
        clearStaleViews();
        try {
            Prior prior = clearStale(at); // a killed daemon's, whose M was just cleared
            if (prior == Prior.LIVE || prior == Prior.STALE_LEFT) throw new IOException(at + " is mounted already");
            Files.createDirectories(at);
            FuseMount v = new FuseMount(new ViewTree(tree, ViewTree.rootOf(inum)), at, VIEW_OPTIONS);
            v.start(timeout);
            v.fs.afterWrite(v.fs::forgetGoneNow);
            fs.afterWrite(v.fs::forgetGoneNow);
            view = v;
            log.debug("the root pid namespace's view is mounted at {} with -o {}", at, VIEW_OPTIONS);
        } catch (IOException | RuntimeException e) {
            log.debug("no cached view for procsim shell ({}): it binds {} instead", e.getMessage(),
                    mountPoint.resolve(ViewTree.rootOf(inum).substring(1)));
        }
    }

    /**
     * Detaches the view mounts of killed daemons (whose M may be gone or unmounted by hand: nobody
     * else would look there) and removes their directories.
     */
    private static void clearStaleViews() {
        try (var daemons = Files.newDirectoryStream(VIEWS_DIR)) {
            for (Path daemon : daemons) {
                try (var views = Files.newDirectoryStream(daemon)) {
                    for (Path view : views) {
                        if (clearStale(view) == Prior.STALE_CLEARED) log.debug("detached the stale view mount {}", view);
                        Files.deleteIfExists(view); // fails (kept) while mounted
                    }
                } catch (IOException e) {
                    // a live view, or a directory that changed meanwhile: left as it is
                }
                try {
                    Files.deleteIfExists(daemon);
                } catch (IOException e) {
                    // not empty: a live daemon's
                }
            }
        } catch (IOException e) {
            // no views directory yet
        }
    }

    /** Removes a view's mount point, and the daemon's directory of them if that is empty now. */
    private void removeMountPoint() {
        try {
            Files.deleteIfExists(mountPoint);
            Files.deleteIfExists(mountPoint.getParent());
        } catch (IOException e) {
            log.debug("{} stays: {}", mountPoint, e.toString());
        }
    }

    /** The inode number of the root pid namespace ({@code pid:[inum]} of init's {@code ns/pid}). */
    static long rootPidNamespace(ProcTree tree) {
        return Long.parseLong(tree.readlink(Warmup.OPERATOR, "/1/ns/pid").replaceAll("\\D", ""));
    }

    /** Where the daemon of M mounts pid namespace {@code inum}'s fixed view. */
    public static Path viewMountPoint(Path m, long inum) {
        return VIEWS_DIR.resolve(pathDigest(m)).resolve(Long.toString(inum));
    }

    /** A name for the path {@code m}, which may hold any byte but '/' and NUL: 24 hex digits of its SHA-256. */
    public static String pathDigest(Path m) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(m.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The fixed view of pid namespace {@code inum} to bind on /proc: its own mount if the daemon of
     * {@code m} made one, else {@code m}'s directory of it.
     */
    public static Path viewOf(Path m, long inum) {
        Path own = viewMountPoint(m, inum);
        boolean live = MountTable.find(own).filter(e -> e.isFuse() && e.source().equals(ProcFuse.FS_NAME)).isPresent();
        return live ? own : m.resolve(ViewTree.rootOf(inum).substring(1));
    }

    private void serve() {
        Throwable failure = null;
        try {
            fs.serveOwn(mountPoint, options);
        } catch (Throwable t) {
            failure = t;
        } finally {
            fs.markUnmounted();
            FuseMount v = view;
            if (v != null && v.unmount(Duration.ofSeconds(2))) v.removeMountPoint();
            ended.complete(failure);
        }
    }

    /** True from the moment the mount is live until its FUSE loop ends. */
    public boolean isServing() {
        return ready.isDone() && !ended.isDone();
    }

    /** Blocks until the FUSE loop has ended (after any unmount); returns its failure, or null. */
    public Throwable awaitEnd() throws InterruptedException {
        try {
            return ended.get();
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /**
     * Unmounts (plain {@code umount}, falling back to a lazy one if the mount is busy) and waits up
     * to {@code wait} for the FUSE loop to end. A lazily detached mount still held open by some
     * process keeps its FUSE loop running until the last file closes, so then the wait is cut to a
     * second: the caller decides whether to exit anyway. Idempotent; safe from a signal handler or a
     * shutdown hook. Returns true if the loop has ended.
     */
    public synchronized boolean unmount(Duration wait) {
        FuseMount v = view;
        if (v != null) v.unmount(wait); // first: the view's lookups go through nothing of M, but its owner is M
        if (!started || ended.isDone()) {
            return true;
        }
        if (detachedLazily) {
            return false; // already tried: the loop ends when the last open file closes
        }
        boolean lazy = false;
        if (MountTable.find(mountPoint).map(MountTable.Entry::isFuse).orElse(false)) {
            if (!run(List.of("umount", mountPoint.toString()))) {
                if (MountTable.find(mountPoint).isPresent()) {
                    log.info("umount {} failed (busy?): detaching it lazily", mountPoint);
                    lazy = true;
                    if (!run(List.of("umount", "-l", mountPoint.toString()))) {
                        run(List.of("fusermount", "-u", "-z", mountPoint.toString()));
                    }
                }
            }
        }
        long millis = lazy ? Math.min(wait.toMillis(), 1000) : wait.toMillis();
        try {
            ended.get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            detachedLazily = lazy;
            log.warn("the FUSE loop for {} still runs {} ms after the unmount{}", mountPoint, millis,
                    lazy ? " (a process still has a file open in it)" : "");
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return true;
        }
    }

    /** Runs a short command; true if it exits 0. Its output goes to the log at DEBUG. */
    static boolean run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            // umount prints a line or two, far below a pipe's capacity: wait first, then read.
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                log.warn("{} did not finish within 10 s", String.join(" ", command));
                return false;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            int rc = p.exitValue();
            if (rc != 0 || !out.isEmpty()) {
                log.debug("{} -> exit {}{}", String.join(" ", command), rc, out.isEmpty() ? "" : ": " + out);
            }
            return rc == 0;
        } catch (IOException e) {
            log.debug("{}: {}", String.join(" ", command), e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** What {@link #clearStale} found at a mount point. */
    public enum Prior { NOT_MOUNTED, STALE_CLEARED, STALE_LEFT, LIVE }

    /**
     * Before mounting: if {@code mountPoint} is a FUSE mount whose daemon is gone (stat fails with
     * ENOTCONN, "Transport endpoint is not connected"), detaches it lazily ({@code umount -l}, as
     * many times as such mounts are stacked there). Reports what was there.
     */
    public static Prior clearStale(Path mountPoint) {
        boolean cleared = false;
        for (int i = 0; i < 8; i++) {
            MountTable.Entry top = MountTable.find(mountPoint).orElse(null);
            if (top == null) {
                return cleared ? Prior.STALE_CLEARED : Prior.NOT_MOUNTED;
            }
            if (!top.isFuse() || !isStale(mountPoint)) {
                return cleared ? Prior.STALE_CLEARED : Prior.LIVE;
            }
            if (!run(List.of("umount", "-l", mountPoint.toString()))
                    && !run(List.of("fusermount", "-u", "-z", mountPoint.toString()))) {
                return Prior.STALE_LEFT;
            }
            cleared = true;
        }
        return Prior.STALE_LEFT;
    }

    /** A FUSE mount point whose stat fails has lost its daemon (ENOTCONN). */
    private static boolean isStale(Path mountPoint) {
        try {
            java.nio.file.Files.readAttributes(mountPoint, java.nio.file.attribute.BasicFileAttributes.class);
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() != null ? c.getMessage() : c.toString();
    }
}
