package procsim.pid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import procsim.abi.Errno;
import procsim.abi.SysError;
import procsim.kernel.Sim;

/** kernel/pid.c allocation rules (linux-facts §1.3, §1.4, §2.1). */
class PidNamespaceTest {
    private static int alloc(PidNamespace ns) {
        return PidNamespace.alloc(ns, PidRequest.none()).innermost();
    }


    @Test
    void newNamespaceStartsAtOneAndCountsUp() {
        PidNamespace ns = PidNamespace.root(32768);
        assertThat(ns.lastPid()).isEqualTo(-1);
        assertThat(alloc(ns)).isEqualTo(1);
        assertThat(alloc(ns)).isEqualTo(2);
        assertThat(ns.lastPid()).isEqualTo(2);
    }

    /** fs/proc/stat.c "processes" is total_forks: every pid ever made, freed or not. */
    @Test
    void totalAllocatedCountsEveryPidSinceBootFreedOrNot() {
        PidNamespace ns = PidNamespace.root(32768);
        alloc(ns);
        Pid two = PidNamespace.alloc(ns, PidRequest.none());
        PidNamespace.free(two);
        alloc(ns);
        assertThat(ns.totalAllocated()).isEqualTo(3);
        assertThat(ns.allocatedCount()).isEqualTo(2);
    }

    @Test
    void wrapRestartsAt300Not301() {
        PidNamespace ns = PidNamespace.root(301);
        alloc(ns);
        ns.setLastPid(301);
        assertThat(alloc(ns)).isEqualTo(300);
    }

    @Test
    void exhaustionIsEagainAndPidMaxIsExclusive() {
        PidNamespace ns = PidNamespace.root(301);
        alloc(ns);
        ns.setLastPid(299);
        assertThat(alloc(ns)).isEqualTo(300);
        assertThat(Sim.errno(() -> alloc(ns))).isEqualTo(Errno.EAGAIN);
    }

    @ParameterizedTest(name = "ns_last_pid={0} -> next fork {1}")
    @CsvSource({"100, 101", "0, 2", "5000, 5001", "32767, 300"})
    void lastPidWriteMovesTheCursor(int written, int next) {
        PidNamespace ns = PidNamespace.root(32768);
        alloc(ns);
        ns.setLastPid(written);
        assertThat(alloc(ns)).isEqualTo(next);
    }

    @Test
    void lowCursorWrapsToOne() {
        PidNamespace ns = PidNamespace.root(32768);
        Pid init = PidNamespace.alloc(ns, PidRequest.none());
        for (int i = 2; i < 32768; i++) alloc(ns);
        PidNamespace.free(init);
        ns.setLastPid(5);
        assertThat(alloc(ns)).isEqualTo(1);
    }

    @ParameterizedTest(name = "ns_last_pid write {0} with pid_max 301 -> {1}")
    @CsvSource({"-1, EINVAL", "0, OK", "301, OK", "302, EINVAL"})
    void lastPidRangeIsZeroToPidMaxInclusive(long value, String outcome) {
        PidNamespace ns = PidNamespace.root(301);
        if (outcome.equals("OK")) {
            ns.setLastPid(value);
            assertThat(ns.lastPid()).isEqualTo(value);
        } else {
            assertThat(Sim.errno(() -> ns.setLastPid(value))).isEqualTo(Errno.valueOf(outcome));
        }
    }

    @ParameterizedTest(name = "pid_max {0} -> {1}")
    @CsvSource({"300, EINVAL", "301, OK", "4194304, OK", "4194305, EINVAL"})
    void pidMaxRange(int value, String outcome) {
        PidNamespace ns = PidNamespace.root(32768);
        if (outcome.equals("OK")) {
            ns.setPidMax(value);
            assertThat(ns.pidMax()).isEqualTo(value);
        } else {
            assertThat(Sim.errno(() -> ns.setPidMax(value))).isEqualTo(Errno.EINVAL);
        }
    }

    @Test
    void childNamespaceGetsPidMaxLimitNotAParentCopy() {
        PidNamespace root = PidNamespace.root(32768);
        assertThat(root.createChild(1).pidMax()).isEqualTo(PidNamespace.PID_MAX_LIMIT);
    }

    @Test
    void level33IsEnospc() {
        PidNamespace ns = PidNamespace.root(32768);
        for (int i = 0; i < 32; i++) ns = ns.createChild(i);
        assertThat(ns.level()).isEqualTo(32);
        PidNamespace deepest = ns;
        assertThat(Sim.errno(() -> deepest.createChild(99))).isEqualTo(Errno.ENOSPC);
    }

    @Test
    void exactAllocationDoesNotMoveTheCursorAndTakenIsStyleErrno() {
        PidNamespace ns = PidNamespace.root(32768);
        alloc(ns);
        ns.setHasChildReaper();
        PidRequest setTid = PidRequest.of(PidRequest.Style.SET_TID, new int[] {5000}, n -> { });
        assertThat(PidNamespace.alloc(ns, setTid).innermost()).isEqualTo(5000);
        assertThat(ns.lastPid()).isEqualTo(1);
        assertThat(Sim.errno(() -> PidNamespace.alloc(ns, setTid))).isEqualTo(Errno.EEXIST);
        PidRequest nsd = PidRequest.of(PidRequest.Style.NEXT_SYSCALL_DATA, new int[] {5000}, n -> { });
        assertThat(Sim.errno(() -> PidNamespace.alloc(ns, nsd))).isEqualTo(Errno.EBUSY);
    }

    @Test
    void failureAtAnOuterLevelReleasesTheInnerNumbers() {
        PidNamespace root = PidNamespace.root(32768);
        alloc(root);
        root.setHasChildReaper();
        PidNamespace child = root.createChild(1);
        PidNamespace.alloc(child, PidRequest.of(PidRequest.Style.SET_TID, new int[] {0, 1}, n -> { }));
        child.setHasChildReaper();
        PidRequest bad = PidRequest.of(PidRequest.Style.SET_TID, new int[] {1, 7}, n -> { });
        assertThat(Sim.errno(() -> PidNamespace.alloc(child, bad))).isEqualTo(Errno.EEXIST);
        assertThat(child.allocatedCount()).isEqualTo(1);
        assertThat(child.lookup(2)).isNull();
        assertThat(alloc(child)).isEqualTo(2);
    }

    @Test
    void aNamespaceWithoutInitTakesOnlyPidOne() {
        PidNamespace ns = PidNamespace.root(32768);
        PidRequest two = PidRequest.of(PidRequest.Style.SET_TID, new int[] {2}, n -> { });
        assertThat(Sim.errno(() -> PidNamespace.alloc(ns, two))).isEqualTo(Errno.EINVAL);
        PidRequest one = PidRequest.of(PidRequest.Style.SET_TID, new int[] {1}, n -> { });
        assertThat(PidNamespace.alloc(ns, one).innermost()).isEqualTo(1);
    }

    @Test
    void numbersFromAViewer() {
        PidNamespace root = PidNamespace.root(32768);
        alloc(root);
        PidNamespace l1 = root.createChild(1);
        Pid p = PidNamespace.alloc(l1, PidRequest.none());
        assertThat(p.numbersFrom(root)).containsExactly(p.numberAtLevel(0), 1);
        assertThat(p.numbersFrom(l1)).containsExactly(1);
        assertThat(p.nr(root.createChild(2))).isZero();
    }

    @Test
    void notThrowingForFreedPidLookups() {
        PidNamespace ns = PidNamespace.root(32768);
        Pid p = PidNamespace.alloc(ns, PidRequest.none());
        PidNamespace.free(p);
        assertThat(ns.lookup(1)).isNull();
        assertThat(ns.nextAllocated(1)).isEqualTo(-1);
        assertThatThrownBy(() -> ns.setLastPid(40000)).isInstanceOf(SysError.class);
    }
}
