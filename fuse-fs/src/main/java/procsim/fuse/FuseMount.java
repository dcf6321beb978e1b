package procsim.fuse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import procsim.procfs.ProcTree;

/**
 * One mount of a {@link ProcTree}: libfuse2's {@code fuse_main} runs (blocking) on a thread of its
 * own; the mount counts as ready when the kernel's FUSE_INIT reaches {@code init()}; it ends when
 * the filesystem is unmounted, by {@link #unmount} or by anyone's {@code umount M}, after which
 * {@code fuse_main} returns.
 *
 * <p>Why not jnr-fuse's {@code mount(..., blocking=false)}: it always blocks for 2 s and cannot
 * report readiness. Why not its shutdown hook: it starts {@code fusermount -u -z} without waiting.
 */
public final class FuseMount {
    private static final Logger log = LoggerFactory.getLogger(FuseMount.class);

    /**
     * libfuse options. Zero timeouts: the kernel asks again on every lookup, so a task that exits
     * vanishes at once. direct_io: procfs files report size 0 and must be read to EOF anyway.
     * atomic_o_trunc: bash's {@code >} arrives as open(O_TRUNC), not as a separate truncate.
     * big_writes: one write(2) of up to 128 KiB arrives as one FUSE write, not cut into 4 KiB pieces
     * at growing offsets (which a proc file would refuse as writes at a nonzero offset).
     * use_ino: st_ino is the tree's (a namespace file's is the namespace's inum), not libfuse's.
     */
    public static final String OPTIONS = "entry_timeout=0,attr_timeout=0,negative_timeout=0,direct_io,"
            + "atomic_o_trunc,big_writes,use_ino,fsname=" + ProcFuse.FS_NAME;

    private final Path mountPoint;
    private final ProcFuse fs;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CompletableFuture<Throwable> ended = new CompletableFuture<>();
    private volatile boolean started;
    private volatile boolean detachedLazily;

    /** {@code mountPoint}: absolute and normalized, an existing empty directory. */
    public FuseMount(ProcTree tree, Path mountPoint) {
        this.mountPoint = mountPoint;
        this.fs = new ProcFuse(tree, () -> ready.complete(null));
    }

    public Path mountPoint() {
        return mountPoint;
    }

    /** Starts {@code fuse_main} on its own thread and waits until the mount is live. */
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
    }

    private void serve() {
        Throwable failure = null;
        try {
            fs.mount(mountPoint, true, false, new String[] {"-o", OPTIONS});
        } catch (Throwable t) {
            failure = t;
        } finally {
            fs.markUnmounted();
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
