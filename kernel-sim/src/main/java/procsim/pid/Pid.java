package procsim.pid;

/**
 * One task's pid: a number at every level from the root pid namespace down to the task's own
 * namespace. Mirrors {@code struct pid} with its {@code numbers[0..level]} (include/linux/pid.h).
 */
public final class Pid {
    private final PidNamespace[] namespaces;
    private final int[] numbers;
    /**
     * Its task's link (PIDTYPE_PID, until release_task) and one per process whose process group or
     * session it names (PIDTYPE_PGID, PIDTYPE_SID): free_pid comes when the last goes, so a
     * process group outlives its leader's number. Guarded by the kernel lock.
     */
    private int links = 1;
    /** The processes not yet reaped in the process group it names (pid->tasks[PIDTYPE_PGID]), and their session. */
    private int groupMembers;
    private Pid groupSession;

    Pid(PidNamespace[] namespaces, int[] numbers) {
        this.namespaces = namespaces;
        this.numbers = numbers;
    }

    /** The level of the innermost namespace: 0 for a task of the root namespace. */
    public int level() {
        return numbers.length - 1;
    }

    /** The innermost namespace: the task's active pid namespace. */
    public PidNamespace namespace() {
        return namespaces[numbers.length - 1];
    }

    /** The number in the innermost namespace, as the task itself sees it. */
    public int innermost() {
        return numbers[numbers.length - 1];
    }

    /** The number at absolute level {@code level} (0 is the root namespace). */
    public int numberAtLevel(int level) {
        return numbers[level];
    }

    /** {@code pid_nr_ns}: the number {@code ns} sees, or 0 if this pid is not visible there. */
    public int nr(PidNamespace ns) {
        int l = ns.level();
        return l < numbers.length && namespaces[l] == ns ? numbers[l] : 0;
    }

    public boolean visibleIn(PidNamespace ns) {
        return nr(ns) != 0;
    }

    public PidNamespace namespaceAtLevel(int level) {
        return namespaces[level];
    }

    /** The numbers as the viewer sees them, outermost visible first (the NSpid line). */
    public int[] numbersFrom(PidNamespace viewer) {
        int from = viewer.level();
        if (nr(viewer) == 0) return new int[0];
        int[] out = new int[numbers.length - from];
        System.arraycopy(numbers, from, out, 0, out.length);
        return out;
    }

    /** attach_pid of another process to this pid as its process group or session. */
    public void link() {
        links++;
    }

    /** detach_pid of one link: true when none is left and the numbers are to be freed. */
    public boolean unlink() {
        return --links == 0;
    }

    /** attach_pid(PIDTYPE_PGID): one more process in the group this pid names; the first gives its session. */
    public void addGroupMember(Pid session) {
        if (groupMembers++ == 0) groupSession = session;
        link();
    }

    /** detach_pid(PIDTYPE_PGID): as {@link #unlink}. */
    public boolean removeGroupMember() {
        if (--groupMembers == 0) groupSession = null;
        return unlink();
    }

    /** pid_task(pid, PIDTYPE_PGID) != NULL: a process not yet reaped is in the group this pid names. */
    public boolean namesProcessGroup() {
        return groupMembers > 0;
    }

    /** The session of the group this pid names (every member's), or null if it names none. */
    public Pid groupSession() {
        return groupSession;
    }

    @Override
    public String toString() {
        return java.util.Arrays.toString(numbers);
    }
}
