package procsim.task;

import java.util.ArrayList;
import java.util.List;

import procsim.abi.Errno;
import procsim.abi.Signals;
import procsim.abi.TaskFlags;
import procsim.pid.Pid;

/**
 * execve(2) (fs/exec.c): de_thread, the new arg area, close-on-exec, the new comm and credentials.
 * Callers hold the kernel's write lock.
 */
final class TaskExec {
    private final TaskSet tasks;

    TaskExec(TaskSet tasks) {
        this.tasks = tasks;
    }

    /**
     * execve: de_thread (other threads gone; a non-leader takes over the leader's pid), the fd
     * table unshared and close-on-exec fds closed, comm from the path's basename,
     * next_syscall_data cleared, {@code argv} the new arg area, the signal actions unshared and
     * their handlers back to SIG_DFL (flush_signal_handlers: SIG_IGN stays), self_exec_id + 1.
     * Deviation: the sim has no filesystem; any non-empty path executes.
     */
    void execve(Task t, String path, List<String> argv) {
        if (path.isEmpty()) throw Errno.ENOENT.error();
        ThreadGroup g = t.group;
        for (Task th : new ArrayList<>(g.threads)) {
            if (th != t && !th.exited) tasks.exit.doExit(th, 0); // de_thread's zap_other_threads: group_exec_task, code 0
        }
        if (!t.isLeader()) {
            g.exitSignal = Signals.SIGCHLD; // de_thread: tsk->exit_signal = SIGCHLD
            Task old = g.leader;
            Pid leaderPid = old.pid;
            Pid mine = t.pid;
            t.pid = leaderPid;
            tasks.attach(leaderPid, t);
            old.pid = mine;
            tasks.attach(mine, old);
            g.leader = t;
            g.threads.remove(t);
            g.threads.add(0, t);
            tasks.exit.releaseThread(old);
        }
        for (ThreadGroup c = g.firstChild; c != null; c = c.nextSibling) c.parentThread = t; // the only thread left
        tasks.exit.releaseMm(g, t);
        t.files = t.files.copy();
        t.files.closeOnExecAll();
        t.comm = TaskCreds.commOf(path.substring(path.lastIndexOf('/') + 1));
        g.argv = List.copyOf(argv);
        t.nextSyscallData = null;
        t.flags &= ~TaskFlags.PF_FORKNOEXEC; // begin_new_exec
        t.creds = t.creds.execve();
        g.sighand = g.sighand.copy(); // de_thread's unshare_sighand, whether or not it is shared
        g.sighand.flushHandlers();
        t.selfExecId++;
        tasks.wake.run();
    }
}
