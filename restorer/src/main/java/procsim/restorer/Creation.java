package procsim.restorer;

import java.util.List;

/**
 * One task a restore creates: its parent (the task that makes it, root pids), its pid at every
 * namespace level (outermost first, as status's NSpid), the parent's level, and for each level the
 * root pid of that namespace's init (1 for the root namespace), which ns_last_pid's restorer acts
 * as. A task one level deeper than its parent is its new namespace's init ({@code nspid} ends in 1).
 * The outermost levels above the parent's may be {@link #ANY}: the kernel chooses the task's pid
 * there (the race lab's restorers ask for a pid in their own namespace only).
 *
 * @param thread     a thread of the parent's thread group rather than a process
 * @param exitSignal the signal the parent gets at the child's exit (17 SIGCHLD); 0 for a thread
 */
public record Creation(int parentPid, int parentTid, List<Integer> nspid, int parentLevel,
                       List<Integer> nsInits, boolean thread, int exitSignal) {
    /** A level's pid left to the kernel (eclone's 0). */
    public static final int ANY = 0;

    public Creation {
        nspid = List.copyOf(nspid);
        nsInits = List.copyOf(nsInits);
        int level = nspid.size() - 1; // (the fields are not set yet)
        if (level != parentLevel && level != parentLevel + 1) {
            throw new IllegalArgumentException("a task of level " + level + " cannot be made by one of level " + parentLevel);
        }
        if (thread && level != parentLevel) throw new IllegalArgumentException("a thread cannot start a pid namespace");
        for (int l = 0; l <= level; l++) {
            int p = nspid.get(l);
            if (p < 0) throw new IllegalArgumentException("pid " + p + " at level " + l);
            if (p == ANY && (l >= parentLevel || l > 0 && nspid.get(l - 1) != ANY)) {
                throw new IllegalArgumentException("any pid (0) at level " + l + ": only the outermost levels, above the parent's ("
                        + parentLevel + "), can be left to the kernel");
            }
        }
    }

    /** The first level whose pid is given: 0 unless the outermost are {@link #ANY}. */
    public int firstGiven() {
        int l = 0;
        while (nspid.get(l) == ANY) l++;
        return l;
    }

    /** The given pids, outermost first: {@code nspid} without the {@link #ANY} levels. */
    public List<Integer> given() {
        return nspid.subList(firstGiven(), nspid.size());
    }

    /** The task's own level: 0 in the root namespace. */
    public int level() {
        return nspid.size() - 1;
    }

    /** The task is the init of a new pid namespace (made with CLONE_NEWPID). */
    public boolean newNamespace() {
        return level() == parentLevel + 1;
    }

    /** The task's pid as the parent's namespace numbers it: what fork returns to the parent. */
    public int pidInParent() {
        return nspid.get(parentLevel);
    }

    /** The task's root pid ({@link #ANY} if the kernel chooses it). */
    public int rootPid() {
        return nspid.get(0);
    }

    /** The pid chain as a comma list, outermost first ({@code 7,3,1}). */
    public String chain() {
        return join(nspid);
    }

    static String join(List<Integer> l) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < l.size(); i++) b.append(i == 0 ? "" : ",").append(l.get(i));
        return b.toString();
    }
}
