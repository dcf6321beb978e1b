package procsim.procfs;

import procsim.pid.PidNamespace;
import procsim.task.Credentials;
import procsim.task.Task;

/**
 * Who is looking: an attached caller's sim thread (its pid namespace gives the numbers, like a
 * container's own /proc) or the operator (root namespace, root credentials, no self).
 */
public record Viewer(PidNamespace ns, Task task, Credentials creds) {
    public static Viewer operator(PidNamespace root) {
        return new Viewer(root, null, Credentials.root());
    }

    public static Viewer of(Task task) {
        return new Viewer(task.activePidNs(), task, task.creds());
    }

    public boolean isOperator() {
        return task == null;
    }
}
