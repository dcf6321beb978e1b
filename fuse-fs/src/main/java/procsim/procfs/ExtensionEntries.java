package procsim.procfs;

import java.util.ArrayList;
import java.util.List;

import procsim.kernel.Kernel;
import procsim.pid.PidNamespace;
import procsim.procfs.write.OwnSyscallFile;
import procsim.race.RaceLog;
import procsim.race.RaceLogFormat;
import procsim.task.Task;

/**
 * {@code M/procsim/}: procsim's own extension directory, deliberately not a Linux name. It holds
 * the race evidence: {@code procsim/pidns/<inum>/} for every pid namespace the reader can see
 * ({@code <inum>} as in {@code ns/pid}'s {@code pid:[inum]}), with files {@code summary},
 * {@code writes}, {@code allocations} and {@code stolen} (see {@link RaceLogFormat}), and {@code proc/},
 * the whole tree as that namespace's own procfs mount shows it (what {@code procsim shell}
 * bind-mounts over /proc); and {@code syscall}, the caller's own sim thread's syscall file
 * ({@link OwnSyscallFile}).
 */
public final class ExtensionEntries {
    private ExtensionEntries() {
    }

    /**
     * Attaches the race lab's recorder to {@code kernel}'s root pid namespace, unless one is there:
     * every namespace made below gets its own, so each has its race files from its first fork.
     */
    static void recordRaces(Kernel kernel) {
        kernel.write(() -> {
            PidNamespace root = kernel.tasks().rootPidNs();
            if (root.listener(RaceLog.class) == null) root.addListener(RaceLog.everyNamespace());
            return null;
        });
    }

    /** The race log of {@code ns}; an empty one if none was attached (a namespace made before the mount). */
    private static RaceLog raceLog(PidNamespace ns) {
        RaceLog log = ns.listener(RaceLog.class);
        return log != null ? log : new RaceLog();
    }

    static Node root(ViewDir d) {
        return new Node.Dir(FileAttr.dir(0555), () -> List.of("pidns", "syscall"),
                n -> n.equals("pidns") ? pidnsDir(d)
                        : n.equals("syscall") ? new Node.File(FileAttr.file(0666), () -> new OwnSyscallFile(d.fs()))
                        : null);
    }

    private static Node pidnsDir(ViewDir d) {
        return new Node.Dir(FileAttr.dir(0555), () -> d.fs().kernel().read(() -> {
            List<String> names = new ArrayList<>();
            for (PidNamespace ns : d.fs().kernel().tasks().pidNamespaces()) {
                if (d.viewer().ns().isAncestorOf(ns)) names.add(Long.toString(ns.inum()));
            }
            return names;
        }), name -> {
            PidNamespace ns = d.fs().kernel().read(() -> {
                for (PidNamespace n : d.fs().kernel().tasks().pidNamespaces()) {
                    if (Long.toString(n.inum()).equals(name)) return n;
                }
                return null;
            });
            if (ns == null) return null;
            return d.viewer().ns().isAncestorOf(ns) ? nsDir(d, ns) : outerProcOnly(d, ns);
        });
    }

    /**
     * An outer namespace's procfs stays readable to a task that moved into a nested one (fs/proc/root.c:
     * the mount keeps its pid_ns, whoever reads; procsim exec's /proc is bound here by path, and a
     * CLONE_NEWPID child of its program reads through it), but only its {@code proc/}: the race files
     * and the {@code pidns/} listing are the reader's namespaces'.
     */
    private static Node outerProcOnly(ViewDir d, PidNamespace ns) {
        return new Node.Dir(FileAttr.dir(0555), List::of,
                n -> n.equals("proc") ? RootEntries.root(fixedView(d, ns)) : null);
    }

    private static Node nsDir(ViewDir d, PidNamespace ns) {
        RaceLog log = d.fs().kernel().read(() -> raceLog(ns));
        List<Entry<ViewDir>> table = new ArrayList<>();
        table.add(new Entry<>("summary", x -> file(x, () -> x.fs().kernel().read(() -> log.summary().text()))));
        for (String name : RaceLogFormat.FILES) {
            table.add(new Entry<>(name, x -> file(x, () -> x.fs().kernel().read(
                    () -> RaceLogFormat.file(name, log.events(), x.viewer().ns())))));
        }
        table.add(new Entry<>("proc", x -> RootEntries.root(fixedView(x, ns))));
        return new Node.Dir(FileAttr.dir(0555), () -> Entry.names(table), n -> Entry.lookup(table, n, d));
    }

    /**
     * The tree as a procfs mounted in {@code ns} shows it, whoever reads it (fs/proc/root.c: a
     * mount keeps its mounter's pid namespace): that namespace's tasks and numbers; {@code self}
     * is the reader's sim task when {@code ns} sees it (proc_self_get_link), else absent.
     */
    private static ViewDir fixedView(ViewDir d, PidNamespace ns) {
        Viewer reader = d.viewer();
        Task self = reader.task();
        boolean seen = self != null && d.fs().kernel().read(() -> self.pid().nr(ns) != 0);
        return new ViewDir(d.fs(), reader.in(ns, seen), d.caller(), true);
    }

    private static Node file(ViewDir d, java.util.function.Supplier<String> render) {
        return new Node.File(FileAttr.file(0444), () -> new RenderedHandle(render, null));
    }
}
