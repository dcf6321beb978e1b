package procsim.task;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import procsim.kernel.Sim;

/**
 * Process groups and sessions, checked against Linux 6.18's kernel/sys.c (ksys_setsid, setpgid,
 * do_getpgid, getsid), kernel/pid.c (a pid stays allocated while a process group or session
 * uses it: free_pid runs when no task links it for any type) and kernel/fork.c (init_task_pid
 * copies both; copy_signal clears signal->leader).
 */
class SessionTest {
    private final Sim sim = new Sim();

    private String ids(Task t) {
        return sim.as(t).run("getpgid 0") + "/" + sim.as(t).run("getsid 0");
    }

    @Test
    void forkInheritsInitsGroupAndSession() {
        Task c = sim.as(1).child("fork");
        assertThat(ids(sim.task(1))).isEqualTo("1/1");
        assertThat(ids(c)).isEqualTo("1/1");
        assertThat(sim.as(c).run("getpgrp")).isEqualTo("1");
        assertThat(sim.as(c).run("getpgid 1")).isEqualTo("1");
        assertThat(sim.as(c).run("getsid 9999")).isEqualTo("-1 ESRCH");
        assertThat(sim.as(c).run("getpgid -1")).isEqualTo("-1 ESRCH");
    }

    /** ksys_setsid: a new session and group named after the process's pid, returned; a leader's second call is EPERM. */
    @Test
    void setsidLeadsANewSessionAndGroup() {
        Task c = sim.as(1).child("fork");
        Task th = sim.as(c).child("clone CLONE_VM|CLONE_SIGHAND|CLONE_THREAD");
        int pid = c.tid();
        assertThat(sim.as(th).run("setsid")).as("a thread acts for its process").isEqualTo(Integer.toString(pid));
        assertThat(ids(c)).isEqualTo(pid + "/" + pid);
        assertThat(sim.as(th).run("getsid " + th.tid())).isEqualTo(Integer.toString(pid));
        assertThat(sim.as(c).run("setsid")).isEqualTo("-1 EPERM");
        assertThat(sim.as(c).run("setpgid 0 0")).as("a session leader cannot move").isEqualTo("-1 EPERM");
        Task gc = sim.as(c).child("fork");
        assertThat(ids(gc)).isEqualTo(pid + "/" + pid);
        assertThat(sim.as(1).run("setsid")).as("init leads its session").isEqualTo("-1 EPERM");
    }

    /** ksys_setsid's other EPERM: a process group named after the caller's pid, even one it left. */
    @Test
    void setsidRefusesWhileAGroupIsNamedAfterTheCaller() {
        Task p = sim.as(1).child("fork");
        sim.as(p).ok("setpgid 0 0");
        assertThat(sim.as(p).run("setsid")).as("a group leader").isEqualTo("-1 EPERM");
        Task c = sim.as(p).child("fork");
        sim.as(p).ok("setpgid 0 1");
        assertThat(sim.as(p).run("getpgid 0")).isEqualTo("1");
        assertThat(sim.as(p).run("setsid")).as("its child is still in group " + p.tid()).isEqualTo("-1 EPERM");
        sim.as(c).ok("exit 0");
        sim.as(p).ok("wait4 " + c.tid() + " WNOHANG");
        assertThat(sim.as(p).run("setsid")).isEqualTo(Integer.toString(p.tid()));
    }

    /** setpgid's checks in the kernel's order. */
    @Test
    void setpgidChecksInTheKernelsOrder() {
        Task sh = sim.as(1).child("fork");
        Task a = sim.as(sh).child("fork");
        Task b = sim.as(sh).child("fork");
        Task th = sim.as(a).child("clone CLONE_VM|CLONE_SIGHAND|CLONE_THREAD");
        Task grand = sim.as(a).child("fork");
        assertThat(sim.as(sh).run("setpgid 0 -1")).isEqualTo("-1 EINVAL");
        assertThat(sim.as(sh).run("setpgid 4242 0")).isEqualTo("-1 ESRCH");
        assertThat(sim.as(sh).run("setpgid -3 0")).as("pgid 0 is pid: negative").isEqualTo("-1 EINVAL");
        assertThat(sim.as(sh).run("setpgid -3 5")).isEqualTo("-1 ESRCH");
        assertThat(sim.as(sh).run("setpgid " + th.tid() + " 0")).as("not a leader").isEqualTo("-1 EINVAL");
        assertThat(sim.as(sh).run("setpgid " + grand.tid() + " 0")).as("a grandchild").isEqualTo("-1 ESRCH");
        assertThat(sim.as(sh).run("setpgid 1 1")).as("its parent").isEqualTo("-1 ESRCH");
        assertThat(sim.as(sh).run("setpgid " + a.tid() + " 4242")).as("no such group").isEqualTo("-1 EPERM");
        // a shell's pipeline: the first child leads a group, the second joins it
        sim.as(sh).ok("setpgid " + a.tid() + " 0");
        sim.as(sh).ok("setpgid " + b.tid() + " " + a.tid());
        assertThat(ids(a)).isEqualTo(a.tid() + "/1");
        assertThat(ids(b)).isEqualTo(a.tid() + "/1");
        assertThat(ids(grand)).as("forked before: keeps its group").isEqualTo("1/1");
        sim.as(a).ok("execve /bin/cat");
        assertThat(sim.as(sh).run("setpgid " + a.tid() + " 1")).as("exec'd").isEqualTo("-1 EACCES");
        assertThat(sim.as(a).run("setpgid 0 1")).as("but it may move itself").isEqualTo("0");
        sim.as(b).ok("setsid");
        assertThat(sim.as(sh).run("setpgid " + b.tid() + " 0")).as("another session, checked before exec").isEqualTo("-1 EPERM");
        assertThat(sim.as(sh).run("setpgid 0 " + b.tid())).as("a group of another session").isEqualTo("-1 EPERM");
    }

    /** A child of init's that made a group, forked into it and was reaped: its child, the group's one member. */
    private Task memberOfAReapedLeadersGroup() {
        Task leader = sim.as(1).child("fork");
        sim.as(leader).ok("setpgid 0 0");
        Task member = sim.as(leader).child("fork");
        sim.as(leader).ok("exit 0");
        sim.as(1).ok("wait4 " + leader.tid() + " WNOHANG");
        return member;
    }

    /** A group outlives its reaped leader: its number stays taken (no fork or set_tid gets it) until the last member goes. */
    @Test
    void aProcessGroupKeepsItsLeadersNumber() {
        Task member = memberOfAReapedLeadersGroup();
        int nr = member.group().pgrp().numberAtLevel(0);
        assertThat(sim.kernel.read(() -> sim.kernel.tasks().lookup(sim.root(), nr))).as("the task is gone").isNull();
        assertThat(sim.as(member).run("getpgid 0")).isEqualTo(Integer.toString(nr));
        assertThat(sim.as(1).run("clone3 set_tid=" + nr)).isEqualTo("-1 EEXIST");
        assertThat(sim.as(1).run("kill " + nr + " 0")).isEqualTo("-1 ESRCH");
        assertThat(sim.as(1).run("setpgid 0 " + nr)).as("init leads its session").isEqualTo("-1 EPERM");
        sim.as(1).ok("kill -" + nr + " SIGKILL");
        assertThat(sim.as(1).run("wait4 " + member.tid() + " WNOHANG")).startsWith(member.tid() + " status=");
        assertThat(sim.as(1).run("clone3 set_tid=" + nr)).isEqualTo(Integer.toString(nr));
    }

    /** A group whose leader is reaped can still be joined from its session; a zombie member still names it (setsid EPERM); nr_threads counts tasks, not numbers. */
    @Test
    void aLeaderlessGroupCanBeJoinedAndAZombieStillNamesIt() {
        Task member = memberOfAReapedLeadersGroup();
        int nr = member.group().pgrp().numberAtLevel(0);
        assertThat(sim.kernel.read(() -> sim.kernel.tasks().liveTasks())).as("init and the member").isEqualTo(2);
        assertThat(sim.root().allocatedCount()).as("and the group's number").isEqualTo(3);
        Task joiner = sim.as(1).child("fork");
        assertThat(sim.as(joiner).run("setpgid 0 " + nr)).isEqualTo("0");
        assertThat(sim.as(joiner).run("getpgrp")).isEqualTo(Integer.toString(nr));
        Task p = sim.as(1).child("fork");
        sim.as(p).ok("setpgid 0 0");
        Task zombie = sim.as(p).child("fork");
        sim.as(p).ok("setpgid 0 1");
        sim.as(zombie).ok("exit 0");
        assertThat(sim.as(p).run("setsid")).as("its zombie child is still in group " + p.tid()).isEqualTo("-1 EPERM");
        sim.as(p).ok("wait4 " + zombie.tid() + " WNOHANG");
        assertThat(sim.as(p).run("setsid")).isEqualTo(Integer.toString(p.tid()));
    }

    /** kill 0 and wait4 0 go to the caller's own group, wait4 -PGRP to that group's children. */
    @Test
    void killAndWaitFollowTheGroups() {
        Task sh = sim.as(1).child("fork");
        Task a = sim.as(sh).child("fork");
        Task b = sim.as(sh).child("fork");
        sim.as(sh).ok("setpgid " + a.tid() + " 0");
        sim.as(b).ok("exit 3");
        assertThat(sim.as(sh).run("wait4 -" + a.tid() + " WNOHANG")).as("b is not in a's group").isEqualTo("0");
        assertThat(sim.as(sh).run("wait4 0 WNOHANG")).startsWith(b.tid() + " status=");
        sim.as(a).ok("kill 0 SIGKILL");
        assertThat(sh.group().zombie).isFalse();
        assertThat(sim.as(sh).run("wait4 -" + a.tid() + " WNOHANG")).startsWith(a.tid() + " status=");
    }

    /** is_current_pgrp_orphaned: a group with a parent in another group of its session takes SIGTSTP (do_signal_stop). */
    @Test
    void aGroupWithAParentInItsSessionIsNotOrphaned() {
        Task sh = sim.as(1).child("fork");
        Task job = sim.as(sh).child("fork");
        sim.as(1).ok("kill " + job.tid() + " SIGTSTP");
        assertThat(job.group().stopped).as("init's group is orphaned").isFalse();
        sim.as(sh).ok("setpgid " + job.tid() + " 0");
        sim.as(1).ok("kill " + job.tid() + " SIGTSTP");
        assertThat(job.group().stopped).isTrue();
    }

    /**
     * kill_orphaned_pgrp (kernel/exit.c, POSIX 3.2.2.2), as reparent_leader calls it: a shell that
     * exits leaves its stopped job's group orphaned (its member's new parent, init, does not count),
     * so the job gets SIGHUP and SIGCONT: SIGHUP's default ends it; one that catches it runs on.
     */
    @Test
    void aStoppedJobOrphanedByItsShellsExitIsHungUpAndContinued() {
        for (boolean catches : new boolean[] {false, true}) {
            Task sh = sim.as(1).child("fork");
            sim.as(sh).ok("setsid");
            Task job = sim.as(sh).child("fork");
            Task running = sim.as(sh).child("fork");
            sim.as(sh).ok("setpgid " + job.tid() + " 0");
            sim.as(sh).ok("setpgid " + running.tid() + " 0");
            if (catches) sim.as(job).ok("rt_sigaction SIGHUP 0x1000");
            sim.as(sh).ok("kill " + job.tid() + " SIGSTOP");
            assertThat(job.group().stopped).isTrue();
            sim.as(sh).ok("exit_group 0");
            assertThat(sim.as(1).run("wait4 " + sh.tid() + " WNOHANG")).isEqualTo(sh.tid() + " status=0x0000");
            assertThat(running.group().zombie).as("a group with none stopped is left alone").isFalse();
            if (catches) {
                assertThat(job.group().zombie).isFalse();
                assertThat(job.group().stopped).as("continued").isFalse();
            } else {
                assertThat(sim.as(1).run("wait4 " + job.tid() + " WNOHANG")).isEqualTo(job.tid() + " status=0x0001");
            }
        }
    }

    /** kill_orphaned_pgrp as exit_notify calls it: the group's leader was its last link to the session's other group. */
    @Test
    void aGroupsLastLinkExitingHangsUpItsStoppedMembers() {
        Task sh = sim.as(1).child("fork");
        sim.as(sh).ok("setsid");
        Task leader = sim.as(sh).child("fork");
        sim.as(sh).ok("setpgid " + leader.tid() + " 0");
        Task member = sim.as(leader).child("fork");
        sim.as(leader).ok("kill " + member.tid() + " SIGSTOP");
        sim.as(leader).ok("exit 3"); // its last thread: no SIGNAL_GROUP_EXIT
        assertThat(sim.as(sh).run("wait4 " + leader.tid() + " WNOHANG")).as("its own status stays").isEqualTo(leader.tid() + " status=0x0300");
        assertThat(sim.as(1).run("wait4 " + member.tid() + " WNOHANG")).isEqualTo(member.tid() + " status=0x0001");
    }

    /** A new pid namespace's init inherits a group and session it cannot see: 0, until its own setsid. */
    @Test
    void aNamespaceInitSeesNoOuterGroup() {
        Task a = sim.as(1).child("fork");
        Task init = sim.as(a).child("clone CLONE_NEWPID|SIGCHLD");
        assertThat(ids(init)).isEqualTo("0/0");
        assertThat(sim.as(init).run("setsid")).isEqualTo("1");
        assertThat(ids(init)).isEqualTo("1/1");
        assertThat(sim.as(a).run("getsid " + init.tid())).isEqualTo(Integer.toString(init.tid()));
    }
}
