package procsim.procfs;

import java.util.List;

import procsim.ipc.IpcNamespace;
import procsim.procfs.render.SysvipcTable;

/** {@code /proc/sysvipc/} (ipc/util.c ipc_init_proc_interface): 0444 tables of the reader's IPC namespace. */
public final class SysvipcEntries {
    private SysvipcEntries() {
    }

    static final List<Entry<ViewDir>> TABLE = List.of(
            new Entry<>("msg", d -> table(d, () -> {
                IpcNamespace ns = d.fs().ipcNs(d.viewer());
                return SysvipcTable.msg(d.fs().kernel().read(() -> SysvipcTable.msgRows(ns, d.viewer().ns())));
            })),
            new Entry<>("sem", d -> table(d, () -> {
                IpcNamespace ns = d.fs().ipcNs(d.viewer());
                return SysvipcTable.sem(d.fs().kernel().read(() -> SysvipcTable.semRows(ns)));
            })),
            new Entry<>("shm", d -> table(d, () -> {
                IpcNamespace ns = d.fs().ipcNs(d.viewer());
                return SysvipcTable.shm(d.fs().kernel().read(() -> SysvipcTable.shmRows(ns, d.viewer().ns())));
            })));

    private static Node table(ViewDir d, java.util.function.Supplier<String> render) {
        return new Node.File(FileAttr.file(0444), () -> new RenderedHandle(render, null));
    }
}
