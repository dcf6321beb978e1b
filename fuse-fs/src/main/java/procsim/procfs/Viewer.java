package procsim.procfs;

import procsim.pid.PidNamespace;
import procsim.task.Credentials;
import procsim.task.Task;

/**
 * Who is looking: an attached caller's sim thread (its pid namespace gives the numbers, like a
 * container's own /proc) or the operator (root namespace, root credentials, no task). In a fixed
 * view {@code ns} is the view's namespace and {@code task} still the reader's own;
 * {@code selfInView} says whether that namespace sees it ({@code self} exists).
 */
public record Viewer(PidNamespace ns, Task task, Credentials creds, boolean selfInView) {
    public static Viewer operator(PidNamespace root) {
        return new Viewer(root, null, Credentials.root(), false);
    }

    public static Viewer of(Task task) {
        return new Viewer(task.activePidNs(), task, task.creds(), true);
    }

    public boolean isOperator() {
        return task == null;
    }

    /** The reader's task as {@code self} and {@code thread-self} name it, or null when they do not exist. */
    public Task self() {
        return selfInView ? task : null;
    }
}
