package procsim.procfs;

import java.util.ArrayList;
import java.util.List;

import procsim.abi.Errno;
import procsim.procfs.render.CpuinfoFile;
import procsim.procfs.render.KernelStatFile;
import procsim.procfs.render.LoadavgFile;
import procsim.procfs.render.MeminfoFile;
import procsim.procfs.render.TtyDriversFile;
import procsim.procfs.render.UptimeFile;
import procsim.procfs.render.VersionFile;
import procsim.task.Task;

/**
 * The root of the tree (fs/proc/root.c): the fixed entries first, then one directory per thread
 * group visible in the viewer's namespace. {@code self} and {@code thread-self} resolve to the
 * viewer's sim thread; for the operator, who has none, and in a fixed view whose namespace does not see the reader, they are absent (ENOENT).
 */
public final class RootEntries {
    private RootEntries() {
    }

    static final List<Entry<ViewDir>> FIXED = List.of(
            new Entry<>("self", d -> new Node.Link(FileAttr.link(0777), () -> self(d, false))),
            new Entry<>("thread-self", d -> new Node.Link(FileAttr.link(0777), () -> self(d, true))),
            new Entry<>("sys", d -> new Node.Dir(FileAttr.dir(0555), () -> List.of("kernel"),
                    n -> n.equals("kernel") ? new Node.Dir(FileAttr.dir(0555),
                            () -> Entry.names(SysKernelEntries.TABLE),
                            k -> Entry.lookup(SysKernelEntries.TABLE, k, d.reader())) : null)),
            new Entry<>("sysvipc", d -> new Node.Dir(FileAttr.dir(0555), () -> Entry.names(SysvipcEntries.TABLE),
                    n -> Entry.lookup(SysvipcEntries.TABLE, n, d.reader()))),
            new Entry<>("stat", d -> rendered(() -> KernelStatFile.render(d.fs().system(d.viewer())))),
            new Entry<>("cpuinfo", d -> rendered(CpuinfoFile::render)),
            new Entry<>("uptime", d -> rendered(() -> UptimeFile.render(d.fs().system(d.viewer())))),
            new Entry<>("loadavg", d -> rendered(() -> LoadavgFile.render(d.fs().system(d.reader().viewer())))),
            new Entry<>("meminfo", d -> rendered(MeminfoFile::render)),
            new Entry<>("version", d -> rendered(VersionFile::render)),
            new Entry<>("tty", d -> new Node.Dir(FileAttr.dir(0555), () -> List.of("drivers"),
                    n -> n.equals("drivers") ? rendered(TtyDriversFile::render) : null)),
            new Entry<>("procsim", ExtensionEntries::root));

    private static Node rendered(java.util.function.Supplier<String> render) {
        return new Node.File(FileAttr.file(0444), () -> new RenderedHandle(render, null));
    }

    /**
     * The operator has no sim thread, so for it these names do not exist at all (ENOENT), rather
     * than dangling links that make {@code ls -l M} fail.
     */
    private static final List<String> SELF_LINKS = List.of("self", "thread-self");

    static Node root(ViewDir d) {
        return new Node.Dir(FileAttr.dir(0555), () -> {
            List<String> names = new ArrayList<>(Entry.names(FIXED));
            if (d.viewer().self() == null) names.removeAll(SELF_LINKS);
            names.addAll(d.fs().tgids(d.viewer().ns()));
            return names;
        }, name -> lookup(d, name));
    }

    private static Node lookup(ViewDir d, String name) {
        int nr = ProcFs.parsePid(name);
        if (nr < 0) return d.viewer().self() == null && SELF_LINKS.contains(name) ? null : Entry.lookup(FIXED, name, d);
        Task t = d.fs().task(d.viewer(), nr);
        if (t == null && d.fixedView()) t = ownProcess(d, nr);
        if (t == null) return null;
        TaskDir td = new TaskDir(d.fs(), d.viewer(), t, false);
        return new Node.Dir(FileAttr.dir(0555).withIno(ProcFs.taskIno(t, false)), () -> Entry.names(TgidEntries.TGID),
                n -> Entry.lookup(TgidEntries.TGID, n, td));
    }

    /**
     * ps looks itself up as /proc/getpid(), its real pid in its own real pid namespace (procps-ng
     * library/pids.c fatal_proc_unmounted). In a fixed view, a number no sim task of the view has
     * is, when it is the reader's own real pid there, the process of the sim task it acts as.
     * Deviation: Linux has no such alias; a real process there is its own task.
     */
    private static Task ownProcess(ViewDir d, int nr) {
        Task self = d.viewer().self();
        if (self == null || d.fs().tgidVnr(d.caller()) != nr) return null;
        return d.fs().kernel().read(() -> self.group().isReaped() ? null : self.group().leader());
    }

    private static String self(ViewDir d, boolean thread) {
        Task t = d.viewer().self();
        if (t == null) throw Errno.ENOENT.error();
        return d.fs().kernel().read(() -> {
            int tgid = t.group().tgid(d.viewer().ns());
            return thread ? tgid + "/task/" + t.pid().nr(d.viewer().ns()) : Integer.toString(tgid);
        });
    }
}
