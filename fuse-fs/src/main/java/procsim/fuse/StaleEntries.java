package procsim.fuse;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

import procsim.procfs.Caller;
import procsim.procfs.ProcFs;
import procsim.procfs.ProcTree;

/**
 * The pid directories ({@code M/<n>}) the kernel has looked up, and who looked each up, so that
 * those whose task is gone can be dropped from the kernel's dentry cache.
 *
 * <p>Linux's procfs drops a reaped task's dentries itself (proc_flush_pid() from release_task(),
 * fs/proc/base.c). Over FUSE the kernel keeps every dentry it looked up until memory pressure,
 * zero entry timeout or not, and libfuse2's high-level API keeps a node and its name for each until
 * the kernel's FORGET: after 200,000 fork/exit/wait4 cycles the daemon held ~60 MiB more. The
 * mount tells the kernel to invalidate the stale ones (FUSE_NOTIFY_INVAL_ENTRY); it then forgets
 * them, and their subtrees, and libfuse frees the nodes.
 *
 * <p>Deviation: Linux drops them at the reap; the mount within a second of it (each sweep). A pid
 * made again before the sweep, with no lookup of the gone one in between (a failed lookup drops
 * the dentry at once), keeps the old task's inode number.
 */
final class StaleEntries {
    private final Map<String, Caller> seen = new ConcurrentHashMap<>();

    /** After a successful lookup of {@code path} by {@code caller}: remembers its pid directory. */
    void lookedUp(Caller caller, String path) {
        if (caller == null || path.length() < 2 || path.charAt(0) != '/') return;
        int end = path.indexOf('/', 1);
        String name = end < 0 ? path.substring(1) : path.substring(1, end);
        if (ProcFs.parsePid(name) > 0 && !seen.containsKey(name)) {
            // without the request's interrupt check, which only a FUSE worker thread can make
            seen.put(name, new Caller(caller.hostTid(), caller.uid(), caller.gid()));
        }
    }

    /**
     * Hands each remembered name that {@code tree} no longer resolves for the caller that looked it
     * up to {@code invalidate}, and forgets it; each caller's view is taken once. Returns how many went.
     */
    int sweep(ProcTree tree, Consumer<String> invalidate) {
        int gone = 0;
        Map<Caller, Predicate<String>> views = new HashMap<>();
        for (Map.Entry<String, Caller> e : seen.entrySet()) {
            String name = e.getKey();
            if (!views.computeIfAbsent(e.getValue(), tree::resolver).test("/" + name)) {
                seen.remove(name, e.getValue());
                invalidate.accept(name);
                gone++;
            }
        }
        return gone;
    }

    /** Names remembered now (for tests). */
    int size() {
        return seen.size();
    }
}
