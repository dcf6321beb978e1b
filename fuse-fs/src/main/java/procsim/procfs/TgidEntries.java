package procsim.procfs;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import procsim.abi.CloneFlags;
import procsim.abi.Errno;
import procsim.abi.SysError;
import procsim.fd.FdTable;
import procsim.fd.OpenFile;
import procsim.abi.OpenFlags;
import procsim.pid.PidNamespace;
import procsim.procfs.render.StatFile;
import procsim.procfs.render.StatmFile;
import procsim.procfs.render.StatusFile;
import procsim.procfs.write.SyscallFile;
import procsim.task.Task;

/**
 * The tables of {@code /proc/<pid>/} and {@code /proc/<pid>/task/<tid>/} (fs/proc/base.c
 * tgid_base_stuff and tid_base_stuff), in Linux's order, for the entries procsim models. The
 * per-thread table adds the seed patch's next_syscall_data and procsim's attach.
 */
public final class TgidEntries {
    private TgidEntries() {
    }

    // the entries both tables have
    private static final Entry<TaskDir> FD = new Entry<>("fd", TgidEntries::fdDir);
    private static final Entry<TaskDir> FDINFO = new Entry<>("fdinfo", TgidEntries::fdinfoDir);
    private static final Entry<TaskDir> NS = new Entry<>("ns", TgidEntries::nsDir);
    private static final Entry<TaskDir> STATUS = new Entry<>("status",
            d -> rendered(d, 0444, () -> StatusFile.render(d.fs().snapshot(d)), null));
    private static final Entry<TaskDir> COMM = new Entry<>("comm", d -> rendered(d, 0644,
            () -> d.fs().snapshot(d).comm() + "\n", (c, text, off) -> d.fs().writeComm(c, d.task(), text)));
    /** Linux's is read-only (the syscall being made); procsim's makes one. In tgid_base_stuff too: the leader's. */
    private static final Entry<TaskDir> SYSCALL = new Entry<>("syscall", d -> new Node.File(FileAttr.file(0666),
            () -> new SyscallFile(d.fs().kernel(), d.task(), d.fs()::writerOf, d.fs().lastReplies())));
    private static final Entry<TaskDir> STAT = new Entry<>("stat",
            d -> rendered(d, 0444, () -> StatFile.render(d.fs().snapshot(d)), null));
    /** get_mm_cmdline: each argument NUL-terminated; empty without an mm. */
    private static final Entry<TaskDir> CMDLINE = new Entry<>("cmdline", d -> rendered(d, 0444, () -> {
        StringBuilder b = new StringBuilder();
        for (String arg : d.fs().snapshot(d).argv()) b.append(arg).append('\0');
        return b.toString();
    }, null));
    /** Deviation: the sim keeps no environment; environ is empty. */
    private static final Entry<TaskDir> ENVIRON = new Entry<>("environ", d -> rendered(d, 0400, () -> {
        d.fs().snapshot(d);
        return "";
    }, null));
    private static final Entry<TaskDir> STATM = new Entry<>("statm",
            d -> rendered(d, 0444, () -> StatmFile.render(d.fs().snapshot(d).mm()), null));
    private static final Entry<TaskDir> MAPS = new Entry<>("maps", d -> rendered(d, 0444, () -> d.fs().maps(d), null));

    static final List<Entry<TaskDir>> TGID = List.of(
            new Entry<>("task", d -> new Node.Dir(FileAttr.dir(0555), () -> taskNames(d), n -> taskLookup(d, n))),
            FD, FDINFO, NS, ENVIRON, STATUS, COMM, SYSCALL, CMDLINE, STAT, STATM, MAPS);

    static final List<Entry<TaskDir>> TID = List.of(
            FD, FDINFO, NS, ENVIRON, STATUS, COMM, SYSCALL, CMDLINE, STAT, STATM, MAPS,
            new Entry<>("children", d -> rendered(d, 0444, () -> d.fs().children(d), null)),
            new Entry<>("next_syscall_data", d -> rendered(d, 0644,
                    () -> d.fs().kernel().readNextSyscallData(d.task()),
                    (c, text, off) -> d.fs().writeNextSyscallData(c, d.task(), text, off))),
            new Entry<>("attach", d -> rendered(d, 0644, () -> d.fs().readAttach(d.task()),
                    (c, text, off) -> d.fs().writeAttach(c, d.task(), text))));

    private static Node rendered(TaskDir d, int mode, Supplier<String> render, FileWriter writer) {
        return new Node.File(FileAttr.file(mode), () -> new RenderedHandle(render, writer));
    }

    private static List<String> taskNames(TaskDir d) {
        return d.fs().kernel().read(() -> {
            List<String> names = new ArrayList<>();
            for (Task t : d.task().group().threads()) {
                int nr = t.pid().nr(d.viewer().ns());
                if (nr != 0) names.add(Integer.toString(nr));
            }
            return names;
        });
    }

    private static Node taskLookup(TaskDir d, String name) {
        int nr = ProcFs.parsePid(name);
        if (nr < 0) return null;
        Task t = d.fs().kernel().read(() -> {
            Task found = d.fs().kernel().tasks().lookup(d.viewer().ns(), nr);
            return found != null && found.group() == d.task().group() ? found : null;
        });
        if (t == null) return null;
        TaskDir td = new TaskDir(d.fs(), d.viewer(), t, true);
        return new Node.Dir(FileAttr.dir(0555).withIno(ProcFs.taskIno(t, true)), () -> Entry.names(TID),
                n -> Entry.lookup(TID, n, td));
    }

    /** fd/ (fs/proc/fd.c): 0500, a link per open fd whose mode follows the open mode. */
    private static Node fdDir(TaskDir d) {
        return new Node.Dir(FileAttr.dir(0500), () -> d.fs().kernel().read(() -> {
            List<String> names = new ArrayList<>();
            FdTable files = d.task().files();
            if (files != null) {
                for (int fd = files.nextOpen(0); fd >= 0; fd = files.nextOpen(fd + 1)) names.add(Integer.toString(fd));
            }
            return names;
        }), name -> {
            int fd = ProcFs.parsePid(name);
            if (fd < 0) return null;
            return d.fs().kernel().read(() -> {
                OpenFile f = d.task().files() == null ? null : d.task().files().get(fd);
                if (f == null) return null;
                int acc = f.flags() & OpenFlags.O_ACCMODE;
                int mode = acc == OpenFlags.O_RDONLY ? 0500 : acc == OpenFlags.O_WRONLY ? 0300 : 0700;
                return new Node.Link(FileAttr.link(mode), f::path, true);
            });
        });
    }

    /**
     * fdinfo/ (fs/proc/fd.c seq_show): 0555, a file per open fd with {@code pos}, {@code flags}
     * (octal: f_flags, which carry O_LARGEFILE on 64-bit, plus O_CLOEXEC when the fd's
     * close-on-exec bit is set), {@code mnt_id}, {@code ino}.
     */
    private static Node fdinfoDir(TaskDir d) {
        Node.Dir fd = (Node.Dir) fdDir(d);
        return new Node.Dir(FileAttr.dir(0555), fd.names(), name -> fd.lookup().apply(name) == null ? null
                : rendered(d, 0444, () -> d.fs().kernel().read(() -> {
                    int n = Integer.parseInt(name);
                    FdTable files = d.task().files();
                    OpenFile f = files == null ? null : files.get(n);
                    if (f == null) throw Errno.ENOENT.error();
                    int flags = f.flags() | (files.closeOnExec(n) ? OpenFlags.O_CLOEXEC : 0);
                    return "pos:\t" + f.offset() + "\nflags:\t0" + Integer.toOctalString(flags)
                            + "\nmnt_id:\t1\nino:\t0\n";
                }), null));
    }

    /**
     * ns/ (fs/proc/namespaces.c): 0511; {@code <type>:[inum]}; pid_for_children ENOENT before init.
     * In Linux a link is "magic": stat(2) and open(2) follow it to the namespace's nsfs inode
     * (fs/nsfs.c: S_IFREG 0444, i_ino the inum). Through FUSE the kernel follows the text as a
     * path in this directory, so the directory also serves, unlisted, a file of each target's
     * name whose inode number is the namespace's: stat(2) of the link gives the inum, as lsns and
     * pstree need, and readlink stays exact.
     * Deviation: the file is on the mount's device, not nsfs's; its ioctls: {@link NsFileHandle}.
     */
    private static Node nsDir(TaskDir d) {
        List<Entry<TaskDir>> table = List.of(
                new Entry<>("ipc", x -> nsLink(x, () -> "ipc:[" + x.task().ipcNs().inum() + "]")),
                new Entry<>("pid", x -> nsLink(x, () -> "pid:[" + x.task().activePidNs().inum() + "]")),
                new Entry<>("pid_for_children", x -> nsLink(x, () -> {
                    PidNamespace ns = x.task().pidNsForChildren();
                    if (!ns.hasChildReaper()) throw Errno.ENOENT.error(); // pidns_for_children_get
                    return "pid:[" + ns.inum() + "]";
                })));
        return new Node.Dir(FileAttr.dir(0511), () -> Entry.names(table), n -> {
            Node named = Entry.lookup(table, n, d);
            return named != null || !n.endsWith("]") ? named : nsFile(table, n, d);
        });
    }

    /** A namespace link whose target is read from the model under the kernel's read lock. */
    private static Node nsLink(TaskDir d, Supplier<String> target) {
        return new Node.Link(FileAttr.link(0777), () -> d.fs().kernel().read(target));
    }

    /** The nsfs file a link of {@code table} points to, if {@code name} is one of their targets. */
    private static Node nsFile(List<Entry<TaskDir>> table, String name, TaskDir d) {
        for (Entry<TaskDir> e : table) {
            Node.Link link = (Node.Link) e.node().apply(d);
            String target;
            try {
                target = link.target().get();
            } catch (SysError absent) {
                continue;
            }
            if (!target.equals(name)) continue;
            long inum = Long.parseLong(name.substring(name.indexOf('[') + 1, name.length() - 1));
            long type = name.startsWith("pid:") ? CloneFlags.CLONE_NEWPID : CloneFlags.CLONE_NEWIPC;
            return new Node.File(FileAttr.file(0444).withIno(inum), () -> new NsFileHandle(type));
        }
        return null;
    }
}
