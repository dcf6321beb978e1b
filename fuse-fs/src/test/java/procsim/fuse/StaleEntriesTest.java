package procsim.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import procsim.abi.Errno;
import procsim.procfs.Caller;
import procsim.procfs.FileAttr;

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
        assertThat(invalidated).containsExactly("2");
        assertThat(ops.forgetGone(invalidated::add)).isZero();
        assertThat(invalidated).containsExactly("2");
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
