package procsim.procfs;

/**
 * The context of a directory that is not a task's: the tree, who is looking, and who made the
 * request ({@code caller}, null for in-process readers). {@code fixedView}: the tree under
 * {@code procsim/pidns/<inum>/proc}, a pid namespace's view whoever reads it, as a procfs mount.
 */
public record ViewDir(ProcFs fs, Viewer viewer, Caller caller, boolean fixedView) {
    public ViewDir(ProcFs fs, Viewer viewer) {
        this(fs, viewer, null, false);
    }

    /**
     * Whose namespace the reader-relative files show (loadavg's last pid, /proc/sys: Linux's
     * task_active_pid_ns(current)): the caller's own, even in a fixed view.
     */
    public ViewDir reader() {
        return fixedView && caller != null ? new ViewDir(fs, fs.viewerOf(caller), caller, false) : this;
    }
}
