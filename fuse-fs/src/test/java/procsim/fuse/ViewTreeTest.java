package procsim.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import procsim.abi.SysError;
import procsim.procfs.Caller;
import procsim.procfs.ProcFs;

/**
 * A pid namespace's fixed view as a tree of its own, what the view's own FUSE mount serves: the
 * paths of {@code M/procsim/pidns/<inum>/proc} from its root. Its pid directories are the root's
 * children there, so a reaped task's one can be named to the kernel and dropped, as Linux's
 * proc_flush_pid() drops it at release_task() (fs/proc/base.c).
 */
class ViewTreeTest {
    private static final Caller OPERATOR = new Caller(0, 0, 0);

    private final ProcFs fs = ProcFs.boot(32768, new procsim.attach.LinuxHostProcesses());
    private final String root = ViewTree.rootOf(FuseMount.rootPidNamespace(fs));
    private final ViewTree view = new ViewTree(fs, root);

    private void syscall(String path, String line) {
        fs.open(OPERATOR, path, 2).write(OPERATOR, (line + "\n").getBytes(StandardCharsets.UTF_8), 0);
    }

    @Test
    void theViewsRootIsTheNamespacesProcfs() {
        assertThat(root).matches("/procsim/pidns/\\d+/proc");
        syscall("/1/task/1/syscall", "fork");
        assertThat(view.readdir(OPERATOR, "/")).isEqualTo(fs.readdir(OPERATOR, root)).contains("1", "2");
        assertThat(view.getattr(OPERATOR, "/2/status").ino()).isEqualTo(fs.getattr(OPERATOR, root + "/2/status").ino());
        assertThat(view.getattr(OPERATOR, "/").ino()).isEqualTo(fs.getattr(OPERATOR, root).ino());
        assertThat(view.readlink(OPERATOR, "/1/ns/pid")).isEqualTo(fs.readlink(OPERATOR, "/1/ns/pid"));
        assertThatThrownBy(() -> view.getattr(OPERATOR, "/3")).isInstanceOf(SysError.class);
    }

    @Test
    void aReapedTasksPidDirectoryIsHandedBackForInvalidation() {
        FuseOps ops = new FuseOps(view);
        List<String> invalidated = new ArrayList<>();
        syscall("/1/task/1/syscall", "fork");
        assertThat(ops.getattr(OPERATOR, "/2/stat", a -> { })).isZero();
        assertThat(ops.getattr(OPERATOR, "/1/status", a -> { })).isZero();

        syscall("/2/task/2/syscall", "exit 0");
        assertThat(ops.forgetGone(invalidated::add)).as("a zombie still has its directory").isZero();
        syscall("/1/task/1/syscall", "wait4 2");
        assertThat(ops.forgetGone(invalidated::add)).isEqualTo(1);
        assertThat(invalidated).containsExactly("/2");
    }

    /** After a write, the sweep runs only once a task was released (the reap), not after every write. */
    @Test
    void aWriteSweepsOnlyAfterATaskWasReleased() {
        FuseOps ops = new FuseOps(view);
        List<String> invalidated = new ArrayList<>();
        syscall("/1/task/1/syscall", "fork");
        assertThat(ops.getattr(OPERATOR, "/2/stat", a -> { })).isZero();
        long before = view.releases();
        ops.forgetGoneIfReleased(invalidated::add); // the first call sweeps: nothing is gone

        syscall("/2/task/2/syscall", "exit 0");
        assertThat(view.releases()).as("a zombie is not released").isEqualTo(before);
        syscall("/1/task/1/syscall", "wait4 2");
        assertThat(view.releases()).isEqualTo(before + 1);
        assertThat(ops.forgetGoneIfReleased(invalidated::add)).isEqualTo(1);
        assertThat(invalidated).containsExactly("/2");
        assertThat(ops.forgetGoneIfReleased(invalidated::add)).as("nothing released since").isZero();
    }
}
