package procsim.restorer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * How a restorer creates a task with given pids, one interface each (README "One id, four
 * interfaces"):
 * <ul>
 * <li>{@code clone3}: Linux 5.5's {@code clone3} with {@code set_tid}, innermost level first
 *     (kernel/fork.c copy_process: {@code set_tid[0]} is the child's own namespace), every level;
 *     a taken pid is EEXIST (kernel/pid.c alloc_pid).</li>
 * <li>{@code eclone}: the 2009-10 seeds' eclone pids, outermost first, the levels the parent
 *     sees (a new namespace's init is 1 by itself); taken: EBUSY.</li>
 * <li>{@code nsd}: the 2008 seed patch: {@code LONGn} with every level, outermost first, to the
 *     parent's next_syscall_data, then fork or clone; taken: EBUSY.</li>
 * <li>{@code ns_last_pid}: Linux's {@code /proc/sys/kernel/ns_last_pid} = pid - 1 in the namespace
 *     of every level (kernel/pid_namespace.c pid_ns_ctl_handler; alloc_pid takes the next free
 *     number after it), then fork: a taken pid silently gives another, so the caller checks.</li>
 * </ul>
 * Only the syscall lines and the order of the writes are here; where they go is the port's. The
 * race lab's restorer (one target pid in its own namespace) is
 * {@code create(port, new Creation(self, self, List.of(target), 0, List.of(1), false, SIGCHLD))}
 * with a port that acts as that restorer.
 */
public enum RestoreMethod {
    NSD("nsd"),
    NS_LAST_PID("ns_last_pid"),
    CLONE3("clone3"),
    ECLONE("eclone");

    /** Linux's SIGCHLD: fork's exit signal. */
    public static final int SIGCHLD = 17;
    static final String THREAD_FLAGS = "CLONE_THREAD|CLONE_SIGHAND|CLONE_VM";

    private final String label;

    RestoreMethod(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }

    /** The method named {@code s} (case-insensitive); IllegalArgumentException otherwise. */
    public static RestoreMethod parse(String s) {
        String w = s.strip().toLowerCase(Locale.ROOT);
        for (RestoreMethod m : values()) {
            if (m.label.equals(w)) return m;
        }
        throw new IllegalArgumentException("unknown method '" + s + "' (one of nsd, ns_last_pid, clone3, eclone)");
    }

    /** True if the method gives exactly the pids asked for or fails; ns_last_pid's result must be checked. */
    public boolean exact() {
        return this != NS_LAST_PID;
    }

    /** The syscall line the parent makes. */
    public String cloneLine(Creation c) {
        String sig = c.thread() ? "" : Integer.toString(c.exitSignal());
        String flags = c.thread() ? THREAD_FLAGS : c.newNamespace() ? "CLONE_NEWPID" : "";
        String cflags = c.thread() ? THREAD_FLAGS : c.newNamespace() ? "CLONE_NEWPID|" + sig : sig;
        return switch (this) {
            case CLONE3 -> {
                List<Integer> innermostFirst = new ArrayList<>(c.nspid());
                Collections.reverse(innermostFirst);
                yield "clone3" + (flags.isEmpty() ? "" : " flags=" + flags) + (sig.isEmpty() ? "" : " exit_signal=" + sig)
                        + " set_tid=" + Creation.join(innermostFirst);
            }
            case ECLONE -> "eclone " + cflags + " pids=" + Creation.join(c.nspid().subList(0, c.parentLevel() + 1));
            case NSD, NS_LAST_PID -> flags.isEmpty() && c.exitSignal() == SIGCHLD ? "fork" : "clone " + cflags;
        };
    }

    /** nsd's next_syscall_data: {@code LONGn} and every level's pid, outermost first. */
    public static String nextSyscallData(Creation c) {
        StringBuilder b = new StringBuilder("LONG").append(c.nspid().size());
        for (int p : c.nspid()) b.append(' ').append(p);
        return b.toString();
    }

    /**
     * Creates the task: the writes before the syscall (nsd's next_syscall_data, ns_last_pid's
     * cursor at every level but a new namespace's own), then the parent's syscall. The reply's
     * value is the child's pid in the parent's namespace; for an exact method a success is not
     * read ({@link Reply#DONE}).
     */
    public Reply create(RestorerPort port, Creation c) {
        switch (this) {
            case NSD -> {
                Reply r = port.writeNextSyscallData(c.parentPid(), c.parentTid(), nextSyscallData(c));
                if (r.failed()) return r;
            }
            case NS_LAST_PID -> {
                for (int level = 0; level <= c.level(); level++) {
                    if (c.newNamespace() && level == c.level()) continue; // a new namespace's init is 1
                    Reply r = port.writeNsLastPid(c.nsInits().get(level), c.nspid().get(level) - 1L);
                    if (r.failed()) return r;
                }
                return port.call(c.parentPid(), c.parentTid(), cloneLine(c), c.pidInParent());
            }
            default -> {
            }
        }
        return port.send(c.parentPid(), c.parentTid(), cloneLine(c));
    }
}
