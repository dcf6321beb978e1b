package procsim.task;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import procsim.abi.Capability;
import procsim.abi.Errno;
import procsim.kernel.Sim;

/**
 * Capability sets and id changes (security/commoncap.c cap_capset, cap_emulate_setxuid,
 * cap_task_prctl, cap_bprm_creds_from_file; kernel/sys.c __sys_setuid, __sys_setresuid,
 * __sys_setgid), run as syscall lines by a child of init (uid 0, every capability).
 */
class CredentialsTest {
    private static final String ALL = "0x1ffffffffff";
    private final Sim sim = new Sim();

    /** A fresh child of init that has run {@code setup} (lines separated by ';'). */
    private Task childAfter(String setup) {
        Task c = sim.as(1).child("fork");
        if (!setup.isBlank()) {
            for (String line : setup.split(";")) sim.as(c).ok(line.strip());
        }
        return c;
    }

    /**
     * One line after a setup, its result, and no change on failure: cap_capset's rules in its
     * order (inheritable, bounding, permitted, effective); setuid, setresuid, setgid and prctl
     * PR_SET_KEEPCAPS errnos.
     */
    @ParameterizedTest(name = "{0} then {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        // root may lower every set, and set inheritable anywhere within bounding (CAP_SETPCAP)
        "                                              | capset effective=0 permitted=0x10000000000 inheritable=0 | 0",
        "                                              | capset effective=" + ALL + " permitted=" + ALL + " inheritable=" + ALL + " | 0",
        // bits above CAP_LAST_CAP are ignored (mk_kernel_cap & CAP_VALID_MASK)
        "                                              | capset effective=-1 permitted=-1 inheritable=0 | 0",
        // permitted may only shrink
        "capset effective=0 permitted=0x80 inheritable=0 | capset effective=0 permitted=0xc0 inheritable=0 | -1 EPERM",
        // effective must lie within the new permitted set
        "                                              | capset effective=0x100 permitted=0x80 inheritable=0 | -1 EPERM",
        // without CAP_SETPCAP, new inheritable within old inheritable | permitted
        "capset effective=0x80 permitted=0x80 inheritable=0 | capset effective=0x80 permitted=0x80 inheritable=0x80 | 0",
        "capset effective=0x80 permitted=0x80 inheritable=0 | capset effective=0x80 permitted=0x80 inheritable=0x40 | -1 EPERM",
        // CAP_SETPCAP only in permitted is not enough (cap_capable looks at effective)
        "capset effective=0 permitted=0x100 inheritable=0 | capset effective=0 permitted=0x100 inheritable=0x40 | -1 EPERM",
        "capset effective=0x100 permitted=0x100 inheritable=0 | capset effective=0 permitted=0x100 inheritable=0x40 | 0",
        // the line: all three sets, numbers
        "                                              | capset effective=0 permitted=0 | -1 EINVAL",
        "                                              | capset effective=0 permitted=0 inheritable=x | -1 EINVAL",
        "                                              | capset effective=0 permitted=0 inheritable=0 pid=1 | -1 EINVAL",
        // setuid, setresuid, setgid: EPERM without CAP_SETUID/CAP_SETGID, EINVAL for (uid_t) -1 or beyond
        "setuid 1000                          | setuid 0              | -1 EPERM",
        "setuid 1000                          | setuid -1             | -1 EINVAL",
        "setuid 1000                          | setuid 0x100000000    | -1 EINVAL",
        "prctl PR_SET_KEEPCAPS 1; setuid 1000 | setresuid -1 0 -1     | -1 EPERM",
        "setuid 1000                          | setresuid 1000 1000 1000 | 0",
        "setuid 1000                          | setresuid -1 -1 -1    | 0",
        "setuid 1000                          | setresuid -2 -1 -1    | -1 EINVAL",
        "setuid 1000                          | setresuid 1 2         | -1 EINVAL",
        "setuid 1000                          | setgid 5              | -1 EPERM",
        "setuid 1000                          | setgid 0              | 0",
        "                                     | setgid -1             | -1 EINVAL",
        "                                     | prctl PR_SET_KEEPCAPS 2  | -1 EINVAL",
        "                                     | prctl PR_SET_KEEPCAPS -1 | -1 EINVAL",
        "                                     | prctl PR_SET_KEEPCAPS    | -1 EINVAL",
        "                                     | prctl PR_GET_KEEPCAPS 1  | -1 EINVAL",
    })
    void lineAfterSetup(String setup, String line, String expected) {
        Task c = childAfter(setup == null ? "" : setup);
        Credentials before = c.creds();
        assertThat(sim.as(c).run(line)).isEqualTo(expected);
        if (!expected.equals("0")) assertThat(c.creds()).isEqualTo(before);
    }

    @Test
    void capsetKeepsNewInheritableWithinBoundingEvenWithCapSetpcap() {
        // no line lowers the bounding set (no PR_CAPBSET_DROP), so this row runs on the record
        Credentials lowBounding = new Credentials(0, 0, 0, 0, 0, 0, 0, 0, 0, Capability.ALL, Capability.ALL, 0xff, 0, 0);
        assertThat(Sim.errno(() -> lowBounding.capset(0, 0, 0x100))).isEqualTo(Errno.EPERM);
        assertThat(lowBounding.capset(0, 0, 0xff).capInheritable()).isEqualTo(0xff);
        Credentials withAmbient = new Credentials(0, 0, 0, 0, 0, 0, 0, 0, 0x3, 0x3, 0x3, Capability.ALL, 0x3, 0);
        assertThat(withAmbient.capset(0x1, 0x1, 0x3).capAmbient()).as("ambient within permitted & inheritable").isEqualTo(0x1);
    }

    @Test
    void capgetShowsTheSetsOfSelfOrAnotherTask() {
        Task c = childAfter("capset effective=0x80 permitted=0x10000000080 inheritable=0x80");
        assertThat(sim.as(c).run("capget")).isEqualTo("0 effective=0x80 permitted=0x10000000080 inheritable=0x80");
        assertThat(sim.as(c).run("capget 1")).isEqualTo("0 effective=" + ALL + " permitted=" + ALL + " inheritable=0x0");
        assertThat(sim.as(c).run("capget 999")).isEqualTo("-1 ESRCH");
        assertThat(sim.as(c).run("capget -1")).isEqualTo("-1 EINVAL");
    }

    /** Uids after the lines, then permitted and effective (cap_emulate_setxuid). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // every uid leaves 0: permitted and effective cleared
        "setuid 1000                                             | 1000 1000 1000 | 0x0 | 0x0",
        // ... unless PR_SET_KEEPCAPS; effective is still cleared as euid leaves 0
        "prctl PR_SET_KEEPCAPS 1; setuid 1000                    | 1000 1000 1000 | " + ALL + " | 0x0",
        "setresuid 1000 1000 1000                                | 1000 1000 1000 | 0x0 | 0x0",
        // a root uid left: permitted stays; euid leaving 0 clears effective; returning restores it
        "setresuid -1 1000 -1                                    | 0 1000 0 | " + ALL + " | 0x0",
        "setresuid -1 1000 -1; setresuid -1 0 -1                 | 0 0 0 | " + ALL + " | " + ALL,
        "setresuid 1000 1000 0; setresuid -1 0 -1                | 1000 0 0 | " + ALL + " | " + ALL,
        "capset effective=0x80 permitted=0x80 inheritable=0; setresuid -1 1000 -1; setresuid -1 0 -1 | 0 0 0 | 0x80 | 0x80",
        // kept caps made effective again give setuid back
        "prctl PR_SET_KEEPCAPS 1; setuid 1000; capset effective=0x80 permitted=" + ALL + " inheritable=0; setuid 0 | 0 0 0 | " + ALL + " | " + ALL,
        // unprivileged: only euid, only to the real or saved uid
        "setresuid 1000 1000 0; capset effective=0 permitted=0 inheritable=0; setuid 0 | 1000 0 0 | 0x0 | 0x0",
    })
    void idChangesMoveTheCapabilitySets(String lines, String uids, String permitted, String effective) {
        Task c = childAfter(lines);
        Credentials cr = c.creds();
        assertThat(cr.uid() + " " + cr.euid() + " " + cr.suid()).isEqualTo(uids);
        assertThat(cr.fsuid()).isEqualTo(cr.euid());
        assertThat("0x" + Long.toHexString(cr.capPermitted())).isEqualTo(permitted);
        assertThat("0x" + Long.toHexString(cr.capEffective())).isEqualTo(effective);
        assertThat(cr.capAmbient()).isZero();
    }

    @Test
    void setgidWithCapSetgidChangesEveryGidAndNoCapability() {
        Task c = childAfter("setgid 65534");
        Credentials cr = c.creds();
        assertThat(new int[] {cr.gid(), cr.egid(), cr.sgid(), cr.fsgid()}).containsOnly(65534);
        assertThat(cr.capEffective()).isEqualTo(Capability.ALL);
        Task d = childAfter("setresuid 1000 1000 1000");
        assertThat(sim.as(d).run("setgid 0")).isEqualTo("0"); // its own gid: allowed unprivileged
    }

    @Test
    void keepcapsIsReadBackInheritedByForkAndClearedByExecve() {
        Task c = childAfter("prctl PR_SET_KEEPCAPS 1");
        assertThat(sim.as(c).run("prctl PR_GET_KEEPCAPS")).isEqualTo("1");
        Task grandchild = sim.as(c).child("fork");
        assertThat(sim.as(grandchild).run("prctl PR_GET_KEEPCAPS")).isEqualTo("1");
        sim.as(c).ok("execve /bin/restorer");
        assertThat(sim.as(c).run("prctl PR_GET_KEEPCAPS")).isEqualTo("0");
        sim.as(c).ok("prctl PR_SET_KEEPCAPS 0");
        assertThat(sim.as(grandchild).run("prctl PR_SET_KEEPCAPS 0")).isEqualTo("0");
        assertThat(sim.as(grandchild).run("prctl PR_GET_KEEPCAPS")).isEqualTo("0");
    }

    /** cap_bprm_creds_from_file for a file without capabilities or set-id bits. */
    @Test
    void execveGivesRootItsBoundingSetAndOthersOnlyAmbient() {
        Task root = childAfter("capset effective=0 permitted=0x80 inheritable=0");
        sim.as(root).ok("execve /bin/sh");
        assertThat(root.creds().capPermitted()).isEqualTo(Capability.ALL);
        assertThat(root.creds().capEffective()).isEqualTo(Capability.ALL);
        Task user = childAfter("prctl PR_SET_KEEPCAPS 1; setuid 1000; capset effective=0x10000000000 permitted=0x10000000000 inheritable=0");
        assertThat(user.checkpointRestoreCapable()).isTrue();
        sim.as(user).ok("execve /bin/sh");
        assertThat(user.creds().capPermitted()).isZero();
        assertThat(user.creds().capEffective()).isZero();
        Task saved = childAfter("setresuid 1000 1000 0");
        sim.as(saved).ok("execve /bin/sh");
        assertThat(saved.creds().suid()).as("the saved uid becomes the effective one").isEqualTo(1000);
        assertThat(saved.creds().capPermitted()).isZero();
    }

    /**
     * tools/testing/selftests/clone3/clone3_cap_checkpoint_restore.c as syscall lines: a task
     * that keeps only CAP_SETUID, CAP_SETGID and CAP_CHECKPOINT_RESTORE becomes 65534, fails
     * clone3 set_tid with EPERM, makes CAP_CHECKPOINT_RESTORE effective again, then succeeds.
     */
    @Test
    void clone3CapCheckpointRestoreSelftest() {
        Task t = childAfter("");
        int pid = sim.as(t).ok("fork");
        sim.as(sim.task(pid)).ok("exit 0");
        assertThat(sim.as(t).run("wait4 " + pid)).startsWith(pid + " ");
        String sets = "effective=0x100000000c0 permitted=0x100000000c0 inheritable=0";
        sim.as(t).ok("capset " + sets);
        sim.as(t).ok("prctl PR_SET_KEEPCAPS 1");
        sim.as(t).ok("setgid 65534");
        sim.as(t).ok("setuid 65534");
        assertThat(sim.as(t).run("clone3 exit_signal=SIGCHLD set_tid=" + pid)).isEqualTo("-1 EPERM");
        sim.as(t).ok("capset " + sets);
        assertThat(sim.as(t).run("clone3 exit_signal=SIGCHLD set_tid=" + pid)).isEqualTo(String.valueOf(pid));
        assertThat(sim.task(pid).creds().uid()).isEqualTo(65534);
    }

    @Test
    void nsLastPidNeedsCheckpointRestoreOrSysAdmin() {
        Task t = childAfter("prctl PR_SET_KEEPCAPS 1; setuid 1000");
        assertThat(Sim.errno(() -> sim.kernel.writeNsLastPid(t, sim.root(), "500"))).isEqualTo(Errno.EPERM);
        sim.as(t).ok("capset effective=0x10000000000 permitted=0x10000000000 inheritable=0");
        sim.kernel.writeNsLastPid(t, sim.root(), "500");
        assertThat(sim.as(t).ok("fork")).isEqualTo(501);
    }

    /** The seed patch asks only that the writer be current: no capability, unlike set_tid. */
    @Test
    void nextSyscallDataNeedsNoCapability() {
        Task t = childAfter("setuid 1000");
        assertThat(t.creds().capEffective() | t.creds().capPermitted()).isZero();
        sim.kernel.writeNextSyscallData(t, t, "LONG1 600", 0);
        assertThat(sim.as(t).ok("fork")).isEqualTo(600);
        assertThat(sim.as(t).run("clone3 set_tid=601")).isEqualTo("-1 EPERM");
    }
}
