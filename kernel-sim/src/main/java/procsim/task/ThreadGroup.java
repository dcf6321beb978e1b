package procsim.task;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

import procsim.pid.Pid;
import procsim.pid.PidNamespace;

/**
 * A thread group, i.e. a process ({@code struct signal_struct} plus the leader's parent links):
 * its threads, its parent and children, process group and session, exit signal and status.
 * Deviation: children belong to the thread group, not to the thread that forked them; PPid and
 * wait4 (without __WNOTHREAD) see no difference.
 */
public final class ThreadGroup {
    private static int nextHash;
    /** Precomputed: children sets hash every fork, and the identity hash is slow to make. */
    private final int hash = nextHash++ * 0x61c88647;
    Task leader;
    final List<Task> threads = new ArrayList<>(1);
    int liveThreads;
    ThreadGroup parent;
    long seqInParent;
    final Set<ThreadGroup> children = new LinkedHashSet<>();
    /** Zombie children by their place in the children list, so wait4(-1) is O(log n). */
    final TreeMap<Long, ThreadGroup> zombieChildren = new TreeMap<>();
    Pid pgrp;
    Pid session;
    int exitSignal;
    int exitStatus;
    boolean zombie;
    boolean reaped;
    boolean exiting;

    public Task leader() {
        return leader;
    }

    /** The thread group id as {@code ns} sees it (0 if not visible). */
    public int tgid(PidNamespace ns) {
        return leader.pid.nr(ns);
    }

    public Pid tgidPid() {
        return leader.pid;
    }

    /** Threads in tid order of creation; the leader first (a zombie leader stays listed). */
    public List<Task> threads() {
        return Collections.unmodifiableList(threads);
    }

    public int liveThreads() {
        return liveThreads;
    }

    public ThreadGroup parent() {
        return parent;
    }

    public Set<ThreadGroup> children() {
        return Collections.unmodifiableSet(children);
    }

    public Pid pgrp() {
        return pgrp;
    }

    public Pid session() {
        return session;
    }

    public int exitSignal() {
        return exitSignal;
    }

    public boolean isZombie() {
        return zombie;
    }

    public boolean isReaped() {
        return reaped;
    }

    /** The wait status word: exit code in bits 8-15, or the killing signal in bits 0-6. */
    public int exitStatus() {
        return exitStatus;
    }

    public PidNamespace activePidNs() {
        return leader.pid.namespace();
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    /** True if this group is the child reaper (init) of its pid namespace. */
    public boolean isChildReaper() {
        return activePidNs().childReaper() == this;
    }
}
