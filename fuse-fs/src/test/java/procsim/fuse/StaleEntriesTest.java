package procsim.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;

import procsim.abi.Errno;
import procsim.attach.AttachTable;
import procsim.attach.HostProcesses;
import procsim.procfs.Caller;
import procsim.procfs.FileAttr;
import procsim.procfs.ProcFs;

/**
 * The mount's counterpart of proc_flush_pid() (fs/proc/base.c: a reaped task's /proc/<pid>
 * dentries are dropped at release_task()): pid directories the kernel looked up are handed back
 * for invalidation once gone, each once; others, and live ones, are kept.
 */
class StaleEntriesTest {
    private static final Caller ROOT = new Caller(4242, 0, 0);

    private final FakeTree tree = new FakeTree();
    private final FuseOps ops = new FuseOps(tree);
    private final List<String> invalidated = new ArrayList<>();

    private void lookup(String path) {
        ops.getattr(ROOT, path, a -> { });
    }

    @Test
    void aPidDirectoryLookedUpIsHandedBackOnceItsTaskIsGone() {
        tree.nodes.put("/2", FileAttr.dir(0555));
        tree.nodes.put("/2/status", FileAttr.file(0444));
        lookup("/2/status");
        lookup("/1/task/1/syscall");

        assertThat(ops.forgetGone(invalidated::add)).isZero();
        tree.nodes.remove("/2/status");
        tree.nodes.remove("/2");

        assertThat(ops.forgetGone(invalidated::add)).isEqualTo(1);
        assertThat(invalidated).containsExactly("/2");
        assertThat(ops.forgetGone(invalidated::add)).isZero();
        assertThat(invalidated).containsExactly("/2");
    }

    /**
     * The fixed views' pid directories too: procsim shell binds one on /proc, where ps looks up
     * every pid; the kernel's node of {@code .../proc} names their parent ({@link KernelDentries}).
     */
    @Test
    void aFixedViewsPidDirectoryIsHandedBackToo() {
        String view = "/procsim/pidns/4026531840/proc";
        tree.nodes.put(view + "/5", FileAttr.dir(0555));
        tree.nodes.put(view + "/5/stat", FileAttr.file(0444));
        tree.nodes.put(view + "/6", FileAttr.dir(0555));
        lookup(view + "/5/stat");
        lookup(view + "/6");
        lookup(view);
        lookup(view + "/sys/kernel/pid_max");
        lookup("/procsim/pidns/x/proc/7");
        tree.nodes.remove(view + "/5/stat");
        tree.nodes.remove(view + "/5");

        assertThat(ops.forgetGone(invalidated::add)).isEqualTo(1);
        assertThat(invalidated).containsExactly(view + "/5");
    }

    @Test
    void thePidDirectoryOfAPath() {
        assertThat(StaleEntries.pidDirectory("/5/stat")).isEqualTo("/5");
        assertThat(StaleEntries.pidDirectory("/procsim/pidns/4026531840/proc/5/task/5")).isEqualTo("/procsim/pidns/4026531840/proc/5");
        assertThat(StaleEntries.pidDirectory("/procsim/pidns/4026531840/proc/self")).isNull();
        assertThat(StaleEntries.pidDirectory("/procsim/pidns/4026531840/proc")).isNull();
        assertThat(StaleEntries.pidDirectory("/procsim/pidns/x/proc/5")).isNull();
        assertThat(StaleEntries.pidDirectory("/procsim/pidns/4026531840/sys/5")).isNull();
        assertThat(StaleEntries.pidDirectory("/sys/kernel")).isNull();
    }

    @Test
    void onlyPidDirectoriesThatWereFoundAreRemembered() {
        lookup("/sys/kernel/pid_max");
        lookup("/self");
        lookup("/7"); // ENOENT: the kernel keeps no dentry to forget
        lookup("/01");
        StaleEntries entries = new StaleEntries();
        entries.lookedUp(ROOT, "/sys/kernel/pid_max");
        entries.lookedUp(ROOT, "/");
        entries.lookedUp(null, "/1");

        assertThat(entries.size()).isZero();
        tree.nodes.clear();
        assertThat(ops.forgetGone(invalidated::add)).isZero();
    }

    /** A host of processes 1 <- 500 <- 700 that counts the caller resolutions (host thread -> process). */
    private static final class CountingHost implements HostProcesses {
        final AtomicInteger walks = new AtomicInteger();

        @Override
        public OptionalInt tgidOf(int tid) {
            walks.incrementAndGet();
            return OptionalInt.of(tid);
        }

        @Override
        public OptionalInt parentOf(int pid) {
            return OptionalInt.of(pid == 700 ? 500 : 1);
        }

        @Override
        public OptionalLong startTimeOf(int pid) {
            return OptionalLong.of(pid);
        }
    }

    /** With a binding in place each caller's view is a host-tree walk: a sweep takes it once per caller, not per name. */
    @Test
    void aSweepResolvesEachCallerOnce() {
        CountingHost host = new CountingHost();
        ProcFs fs = new ProcFs(procsim.kernel.Kernel.boot(), new AttachTable(host));
        FuseOps real = new FuseOps(fs);
        for (int i = 0; i < 3; i++) fs.open(ROOT, "/1/task/1/syscall", 2).write(ROOT, "fork".getBytes(), 0);
        fs.open(ROOT, "/1/task/1/attach", 1).write(ROOT, "500".getBytes(), 0);
        Caller reader = new Caller(700, 0, 0);
        for (String p : List.of("/2", "/3/status", "/4")) real.getattr(reader, p, a -> { });
        host.walks.set(0);

        assertThat(real.forgetGone(invalidated::add)).isZero();
        assertThat(host.walks.get()).isEqualTo(1);
    }

    @Test
    void aTreeThatFailsOtherwiseKeepsTheName() {
        tree.nodes.put("/3", FileAttr.dir(0555));
        lookup("/3");
        tree.bug = new IllegalStateException("a bug in the tree");
        var log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(FuseReply.class);
        log.setLevel(ch.qos.logback.classic.Level.OFF); // the EIO logs on purpose
        try {
            assertThat(ops.forgetGone(invalidated::add)).isEqualTo(-Errno.EIO.number());
        } finally {
            log.setLevel(null);
        }
        assertThat(invalidated).isEmpty();
    }
}
