package procsim.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Supplier;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import procsim.attach.AttachTable;
import procsim.kernel.Kernel;

/**
 * Every render reads the model under the kernel's read lock, as fs/proc does under tasklist_lock
 * or RCU (kernel/pid_namespace.c pidns_for_children_get reads child_reaper under
 * read_lock(&tasklist_lock)): while a syscall holds the write lock, a render waits for it. The
 * render runs on a thread of its own; it either parks on the lock (it waits) or ends (it read
 * unlocked).
 */
class RenderLockTest {
    private final FakeHost host = new FakeHost().process(100, 1);
    private final Kernel kernel = Kernel.boot();
    private final ProcFs fs = new ProcFs(kernel, new AttachTable(host));
    private final Viewer operator = fs.viewerOf(ProcFsTest.OPERATOR);

    @ParameterizedTest
    @ValueSource(strings = {"/1/ns/ipc", "/1/ns/pid", "/1/ns/pid_for_children", "the operator's IPC namespace"})
    void aRenderWaitsForTheKernelLock(String render) throws InterruptedException {
        Supplier<?> r = render.startsWith("/") ? ((Node.Link) fs.resolve(operator, render)).target()
                : () -> fs.ipcNs(operator);
        Thread reader = new Thread(r::get);
        boolean waited = kernel.write(() -> {
            reader.start();
            while (reader.isAlive() && reader.getState() != Thread.State.WAITING) Thread.onSpinWait();
            return reader.isAlive();
        });
        reader.join();
        assertThat(waited).as("%s waits while the write lock is held", render).isTrue();
    }
}
