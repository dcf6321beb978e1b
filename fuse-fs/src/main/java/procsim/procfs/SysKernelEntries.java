package procsim.procfs;

import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;

import procsim.ipc.IpcIds;
import procsim.ipc.IpcNamespace;
import procsim.procfs.render.VersionFile;

/**
 * {@code /proc/sys/kernel/}: the sysctls procsim models, each read as {@code "%d\n"} and each
 * resolved in the caller's own pid namespace (task_active_pid_ns(current)). A write at a nonzero
 * offset is ignored and reported as success (sysctl_writes_strict = 1).
 */
public final class SysKernelEntries {
    private SysKernelEntries() {
    }

    /** Sets a sysctl as the writing caller; returns the bytes consumed. */
    interface Setter {
        int set(ProcFs fs, Viewer writer, String text);
    }

    static final List<Entry<ViewDir>> TABLE = List.of(
            new Entry<>("ns_last_pid", d -> sysctl(d, 0666, v -> d.fs().kernel().nsLastPid(v.ns()),
                    (fs, w, text) -> fs.kernel().writeNsLastPid(w.task(), w.ns(), text))),
            new Entry<>("pid_max", d -> sysctl(d, 0644, v -> d.fs().kernel().pidMax(v.ns()),
                    (fs, w, text) -> fs.kernel().writePidMax(w.task(), w.ns(), text))),
            new Entry<>("msg_next_id", d -> nextId(d, ns -> ns.msg())),
            new Entry<>("sem_next_id", d -> nextId(d, ns -> ns.sem())),
            new Entry<>("shm_next_id", d -> nextId(d, ns -> ns.shm())),
            constant("osrelease", VersionFile.RELEASE),
            constant("ostype", VersionFile.SYSNAME),
            constant("version", VersionFile.VERSION),
            constant("msgmax", IpcNamespace.MSGMAX),
            constant("msgmnb", IpcNamespace.MSGMNB),
            constant("msgmni", IpcNamespace.MSGMNI),
            constant("sem", IpcNamespace.SEMMSL + "\t" + IpcNamespace.SEMMNS + "\t" + IpcNamespace.SEMOPM + "\t"
                    + IpcNamespace.SEMMNI),
            constant("shmall", Long.toUnsignedString(IpcNamespace.SHMMAX)),
            constant("shmmax", Long.toUnsignedString(IpcNamespace.SHMMAX)),
            constant("shmmni", IpcNamespace.SHMMNI));

    /**
     * A sysctl the sim reads but does not let change (kernel/sysctl.c, ipc/ipc_sysctl.c: the
     * utsname strings and the IPC limits, shmall as ULONG_MAX - 2^24 like shmmax).
     * Deviation: the IPC limits are 0644 in Linux and per IPC namespace; the sim's are fixed, 0444.
     */
    private static Entry<ViewDir> constant(String name, Object value) {
        String text = value + "\n";
        return new Entry<>(name, d -> new Node.File(FileAttr.file(0444), () -> new RenderedHandle(() -> text, null, true)));
    }

    /** ipc/ipc_sysctl.c: 0444, made writable at open for a checkpoint/restore-capable caller. */
    private static Node nextId(ViewDir d, Function<IpcNamespace, IpcIds<?>> ids) {
        return sysctl(d, 0444, v -> d.fs().kernel().ipcNextId(ids.apply(d.fs().ipcNs(v))),
                (fs, w, text) -> fs.kernel().writeIpcNextId(w.task(), ids.apply(fs.ipcNs(w)), text));
    }

    static Node sysctl(ViewDir d, int mode, ToLongFunction<Viewer> value, Setter setter) {
        return new Node.File(FileAttr.file(mode), () -> new RenderedHandle(
                () -> value.applyAsLong(d.viewer()) + "\n",
                (caller, text, offset) -> offset != 0 ? text.length()
                        : setter.set(d.fs(), d.fs().writerOf(caller), text), true));
    }
}
