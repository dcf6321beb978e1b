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
 * The pid directories of the root, {@code M/<n>}, and of the fixed views,
 * {@code M/procsim/pidns/<inum>/proc/<n>}, the kernel has looked up, and who looked each up, so
 * that those whose task is gone can be dropped from the kernel's dentry cache ({@link KernelDentries}).
 *
 * <p>Linux's procfs drops a reaped task's dentries itself (proc_flush_pid() from release_task(),
 * fs/proc/base.c). Over FUSE the kernel keeps every dentry it looked up until memory pressure,
 * zero entry timeout or not, and the daemon keeps a node and its name for each until the kernel's
 * FORGET ({@link NodeTable}): after 200,000 fork/exit/wait4 cycles the daemon held ~60 MiB more.
 * The mount tells the kernel to invalidate the stale ones (FUSE_NOTIFY_INVAL_ENTRY); it then
 * forgets them, and their subtrees, and the nodes are freed.
 *
 * <p>Deviation: Linux drops them at the reap; the mount within a second of it (each sweep). A pid
 * made again before the sweep, with no lookup of the gone one in between (a failed lookup drops
 * the dentry at once), keeps the old task's kernel inode (though not its st_ino: ProcFs#getattr).
 */
final class StaleEntries {
    private static final String VIEWS = "/procsim/pidns/", VIEW_PROC = "/proc/";

    /** The pid directory's path to the caller that looked it up. */
    private final Map<String, Caller> seen = new ConcurrentHashMap<>();

    /** After a successful lookup of {@code path} by {@code caller}: remembers its pid directory. */
    void lookedUp(Caller caller, String path) {
        if (caller == null) return;
        String dir = pidDirectory(path);
        if (dir != null && !seen.containsKey(dir)) {
            // without the request's interrupt check, which only a FUSE worker thread can make
            seen.put(dir, new Caller(caller.hostTid(), caller.uid(), caller.gid()));
        }
    }

    /**
     * The pid directory {@code path} is or is in, of the root ({@code /<n>}) or of a fixed view
     * ({@code /procsim/pidns/<inum>/proc/<n>}), else null.
     */
    static String pidDirectory(String path) {
        if (path.startsWith(VIEWS)) {
            int end = path.indexOf('/', VIEWS.length()); // of the namespace's inum
            String inum = end < 0 ? "" : path.substring(VIEWS.length(), end);
            if (inum.isEmpty() || !inum.chars().allMatch(Character::isDigit) || !path.startsWith(VIEW_PROC, end)) return null;
            int proc = end + VIEW_PROC.length() - 1; // where its view's root ends
            String inView = pidDirectory(path.substring(proc));
            return inView == null ? null : path.substring(0, proc) + inView;
        }
        if (path.length() < 2 || path.charAt(0) != '/') return null;
        int end = path.indexOf('/', 1);
        if (end < 0) end = path.length();
        return ProcFs.parsePid(path.substring(1, end)) > 0 ? path.substring(0, end) : null;
    }

    /**
     * Hands each remembered pid directory that {@code tree} no longer resolves for the caller that
     * looked it up to {@code invalidate}, and forgets it; each caller's view is taken once. Returns how many went.
     */
    int sweep(ProcTree tree, Consumer<String> invalidate) {
        int gone = 0;
        Map<Caller, Predicate<String>> views = new HashMap<>();
        for (Map.Entry<String, Caller> e : seen.entrySet()) {
            String dir = e.getKey();
            if (!views.computeIfAbsent(e.getValue(), tree::resolver).test(dir)) {
                seen.remove(dir, e.getValue());
                invalidate.accept(dir);
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
