package procsim.procfs;

import procsim.pid.PidNamespace;
import procsim.task.Credentials;
import procsim.task.Task;

/**
 * Who is looking: an attached caller's sim thread (its pid namespace gives the numbers, like a
 * container's own /proc), the operator (root namespace, root credentials, no self), or a
 * powerless caller (no sim thread, not the operator: it reads, every write is ESRCH).
 */
public record Viewer(PidNamespace ns, Task task, Credentials creds, boolean operator) {
    /** overflowuid/overflowgid (kernel/sys.c): the ids shown for a caller with no sim identity. */
    private static final int OVERFLOW_ID = 65534;

    public Viewer(PidNamespace ns, Task task, Credentials creds) {
        this(ns, task, creds, task == null);
    }

    public static Viewer operator(PidNamespace root) {
        return new Viewer(root, null, Credentials.root(), true);
    }

    public static Viewer of(Task task) {
        return new Viewer(task.activePidNs(), task, task.creds(), false);
    }

    /** A caller that lost its sim thread or escaped its binding: reads {@code ns}, may do nothing. */
    public static Viewer powerless(PidNamespace ns) {
        int n = OVERFLOW_ID;
        return new Viewer(ns, null, new Credentials(n, n, n, n, n, n, n, n, 0, 0, 0, 0, 0, 0), false);
    }

    public boolean isOperator() {
        return operator;
    }

    public boolean isPowerless() {
        return task == null && !operator;
    }
}
