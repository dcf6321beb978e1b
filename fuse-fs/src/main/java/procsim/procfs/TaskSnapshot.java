package procsim.procfs;

import java.util.List;

import procsim.kernel.Kernel;
import procsim.pid.Pid;
import procsim.pid.PidNamespace;
import procsim.task.Credentials;
import procsim.task.Task;
import procsim.task.TaskState;
import procsim.task.ThreadGroup;

/**
 * What status and stat show of one task, copied under the kernel's read lock and numbered as
 * the viewer's namespace sees it. The NS* arrays run from the viewer's level down to the task's
 * own (fs/proc/array.c task_state): an id with no number at a level shows 0 there. A task
 * without an mm (exited) has no memory and an empty argv. shdPnd, sigIgn and sigCgt are the
 * process's pending, ignored and caught signals, sigPnd and sigBlk the task's own pending and
 * blocked ones (bit sig-1).
 */
public record TaskSnapshot(String comm, TaskState state, int tgid, int pid, int ppid, int pgrp, int session,
                           int[] nstgid, int[] nspid, int[] nspgid, int[] nssid, Credentials creds,
                           int fdSize, int threads, long startTime, int exitSignal, int exitCode, int flags,
                           ProcessMemory mm, List<String> argv, long sigPnd, long shdPnd, long sigBlk, long sigIgn, long sigCgt) {

    /**
     * Callers hold the kernel's read lock; {@code whole} for /proc/PID, not task/TID. An exited
     * task has no mm (exit_mm), as a zombie.
     */
    public static TaskSnapshot of(Kernel k, Task t, PidNamespace viewer, boolean whole) {
        ThreadGroup g = t.group();
        Pid pid = t.pid();
        ThreadGroup parent = g.parent();
        int ppid = parent == null ? 0 : parent.tgid(viewer);
        int exitSignal = t.isLeader() ? g.exitSignal() : -1;
        int exitCode = t.statExitCode(whole);
        int fdSize = t.files() == null ? 0 : t.files().maxFds();
        return new TaskSnapshot(t.comm(), t.state(), g.tgid(viewer), pid.nr(viewer), ppid,
                g.pgrp().nr(viewer), g.session().nr(viewer),
                levels(g.tgidPid(), pid, viewer), levels(pid, pid, viewer),
                levels(g.pgrp(), pid, viewer), levels(g.session(), pid, viewer),
                t.creds(), fdSize, g.threads().size(), t.startTime(), exitSignal, exitCode, t.flags(),
                t.exited() ? null : ProcessMemory.of(g.shmMappings()), t.exited() ? List.of() : g.argv(),
                t.pendingSignals(), g.pendingSignals(), t.blockedShown(), g.sighand().ignored(), g.sighand().caught());
    }

    private static int[] levels(Pid id, Pid task, PidNamespace viewer) {
        int from = viewer.level();
        int to = task.level();
        if (to < from) return new int[0];
        int[] out = new int[to - from + 1];
        for (int l = from; l <= to; l++) out[l - from] = id.nr(task.namespaceAtLevel(l));
        return out;
    }
}
