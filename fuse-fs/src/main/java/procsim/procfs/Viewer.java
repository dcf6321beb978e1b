package procsim.procfs;

import procsim.pid.PidNamespace;
import procsim.task.Credentials;
import procsim.task.Task;

/**
 * Who is looking: an attached caller's sim thread (its pid namespace gives the numbers, like a
 * container's own /proc), the operator (root namespace, root credentials, no task), or a
 * powerless caller (no sim thread, not the operator: it reads, every write is ESRCH). In a fixed
 * view {@code ns} is the view's namespace and {@code task} still the reader's own;
 * {@code selfInView} says whether that namespace sees it ({@code self} exists).
 */
public record Viewer(PidNamespace ns, Task task, Credentials creds, boolean operator, boolean selfInView) {
    /** overflowuid/overflowgid (kernel/sys.c): the ids shown for a caller with no sim identity. */
    private static final int OVERFLOW_ID = 65534;

    public static Viewer operator(PidNamespace root) {
        return new Viewer(root, null, Credentials.root(), true, false);
    }

    public static Viewer of(Task task) {
        return new Viewer(task.activePidNs(), task, task.creds(), false, true);
    }

    /** A caller that lost its sim thread or escaped its binding: reads {@code ns}, may do nothing. */
    public static Viewer powerless(PidNamespace ns) {
        int n = OVERFLOW_ID;
        return new Viewer(ns, null, new Credentials(n, n, n, n, n, n, n, n, 0, 0, 0, 0, 0, 0), false, false);
    }

    /** The same reader, looking at namespace {@code view} (a fixed view): {@code self} only if it sees the reader. */
    public Viewer in(PidNamespace view, boolean seen) {
        return new Viewer(view, task, creds, operator, seen);
    }

    public boolean isOperator() {
        return operator;
    }

    public boolean isPowerless() {
        return task == null && !operator;
    }

    /** The reader's task as {@code self} and {@code thread-self} name it, or null when they do not exist. */
    public Task self() {
        return selfInView ? task : null;
    }
}
