package procsim.restorer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A checkpoint of a mounted sim: every task but init and every SysV IPC object, read through the
 * mount's files only, as the operator: {@code status}, {@code stat} (exit signal, process group and
 * session, in root namespace numbers), {@code cmdline}, {@code fd/},
 * {@code fdinfo/}, {@code maps}, {@code ns/}, {@code M/sysvipc/*}, and what no file shows through
 * the tasks' syscall files: IPC_STAT, MSG_COPY, GETALL through init's, PR_GET_CHILD_SUBREAPER,
 * PR_GET_KEEPCAPS and rt_sigaction through each task's (as CRIU asks a stopped task through
 * parasite code).
 *
 * <p>It refuses, with one line, what a restore could not make again: a zombie, a task in another
 * IPC namespace than init's, a pid namespace with no init among the tasks (made by unshare), a
 * signal pending that a thread would take (neither stopped nor blocked by every thread, or for a
 * thread alone, by that thread: a restore's kill or tkill would deliver it),
 * and a blank in a comm, argv word, path or message text (a syscall line splits on blanks).
 */
public final class Checkpoint {
    private final Path m;
    private final CreationPort port;

    private Checkpoint(Path mount, CreationPort port) {
        this.m = mount;
        this.port = port;
    }

    /** The image of the sim mounted at {@code mount}; ImageException says what it cannot checkpoint. */
    public static Image of(Path mount) throws IOException, ImageException {
        try (MountPort port = new MountPort(mount, null)) {
            return of(mount, port);
        }
    }

    /** The same, with the syscalls asked through {@code port} (tests: a directory laid out as a mount). */
    static Image of(Path mount, CreationPort port) throws IOException, ImageException {
        return new Checkpoint(mount, port).take();
    }

    private static ImageException refuse(String what) {
        return new ImageException("checkpoint: " + what + ": not supported");
    }

    private Image take() throws IOException, ImageException {
        TreeSet<Integer> pids = new TreeSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(m, "[0-9]*")) {
            for (Path p : ds) pids.add(Integer.parseInt(p.getFileName().toString()));
        }
        pids.remove(1);
        String ipc1 = link("1/ns/ipc");
        Map<String, String> nsNames = new HashMap<>();
        nsNames.put(link("1/ns/pid"), "root");
        Map<Integer, MountFiles.Status> status = new HashMap<>();
        Map<Integer, String> nsOf = new HashMap<>();
        for (int p : pids) {
            MountFiles.Status s = MountFiles.status(m.resolve(Integer.toString(p)));
            if (s == null) continue; // gone since the listing
            if (s.state().equals("Z")) throw refuse("task " + p + " is a zombie");
            if (s.get("Name").matches(".*\\s.*")) throw refuse("comm of " + p + " has a blank");
            if (!link(p + "/ns/ipc").equals(ipc1)) throw refuse("task " + p + " is in another IPC namespace");
            status.put(p, s);
            String ns = link(p + "/ns/pid");
            nsOf.put(p, ns);
            List<Integer> nspid = s.ints("NSpid");
            if (nspid.size() > 1 && nspid.get(nspid.size() - 1) == 1) nsNames.put(ns, "init:" + p);
        }
        List<Image.Process> procs = new ArrayList<>();
        for (int p : status.keySet().stream().sorted().toList()) {
            MountFiles.Status s = status.get(p);
            String pidns = nsNames.get(nsOf.get(p));
            if (pidns == null) throw refuse("the pid namespace of " + p + " has no init among the tasks (unshare?)");
            Path dir = m.resolve(Integer.toString(p));
            List<String> argv = MountFiles.argv(dir);
            for (String a : argv) {
                if (a.isEmpty() || a.matches(".*\\s.*")) throw refuse("argv of " + p + " has a blank or an empty word");
            }
            List<Image.Fd> fds = MountFiles.fds(dir);
            for (Image.Fd f : fds) {
                if (f.path().matches(".*\\s.*")) throw refuse("fd " + f.fd() + " of " + p + ": a blank in the path");
            }
            List<Image.Thread> threads = new ArrayList<>();
            TreeSet<Integer> tids = new TreeSet<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir.resolve("task"))) {
                for (Path t : ds) tids.add(Integer.parseInt(t.getFileName().toString()));
            }
            tids.remove(p);
            boolean stopped = s.state().equals("T");
            long mainBlocked = sigset(s, "SigBlk"); // status of /proc/PID: its main thread's
            long blockedByEvery = mainBlocked;
            long mainOwn = ownPending(p, p, s, stopped);
            for (int t : tids) {
                MountFiles.Status ts = MountFiles.status(dir.resolve("task/" + t));
                if (ts == null) continue;
                if (ts.get("Name").matches(".*\\s.*")) throw refuse("comm of thread " + t + " has a blank");
                long blocked = sigset(ts, "SigBlk");
                blockedByEvery &= blocked;
                threads.add(new Image.Thread(t, ts.ints("NSpid"), ts.get("Name"), creds(p, t, ts), Image.SigAction.signals(blocked),
                        Image.SigAction.signals(ownPending(p, t, ts, stopped))));
            }
            long pending = sigset(s, "ShdPnd");
            if (Image.SigAction.unheld(pending, blockedByEvery, stopped) != 0) {
                throw refuse("task " + p + " has signals pending (ShdPnd " + s.get("ShdPnd") + ") that a thread does not block"
                        + " and it is not stopped");
            }
            Reply sub = port.call(p, p, "prctl PR_GET_CHILD_SUBREAPER", 0);
            if (sub.failed()) throw new IOException("prctl PR_GET_CHILD_SUBREAPER in " + p + ": " + sub.errno());
            String[] stat = stat(dir);
            procs.add(new Image.Process(p, Integer.parseInt(s.get("PPid").strip()), s.ints("NSpid"), pidns, s.get("Name"),
                    Integer.parseInt(stat[38 - 3]), s.state(), sub.text().contains("subreaper=1"), argv, creds(p, p, s), threads, fds,
                    MountFiles.shmAttaches(dir), sigactions(p, s), Image.SigAction.signals(mainBlocked),
                    Image.SigAction.signals(pending), Image.SigAction.signals(mainOwn), Integer.parseInt(stat[5 - 3]),
                    Integer.parseInt(stat[6 - 3])));
        }
        return new Image(Image.FORMAT, Image.VERSION, procs, msg(), sem(), shm());
    }

    private String link(String rel) throws IOException {
        return Files.readSymbolicLink(m.resolve(rel)).toString();
    }

    /**
     * stat's fields from field 3 on (fs/proc/array.c do_task_stat; the fields after "comm) " start at
     * 3): field N is {@code [N - 3]}. The image takes 5 (pgrp), 6 (session) and 38 (exit_signal); the
     * operator at the mount's root reads root namespace numbers.
     */
    private static String[] stat(Path dir) throws IOException {
        String stat = Files.readString(dir.resolve("stat"), StandardCharsets.UTF_8);
        return stat.substring(stat.lastIndexOf(") ") + 2).strip().split(" ");
    }

    /**
     * A thread's signals pending for it alone (status's SigPnd: tkill, tgkill), refused where the
     * thread would take one at once (it does not block it and its process is not stopped).
     */
    private static long ownPending(int pid, int tid, MountFiles.Status s, boolean stopped) throws ImageException {
        long own = sigset(s, "SigPnd");
        if (Image.SigAction.unheld(own, sigset(s, "SigBlk"), stopped) != 0) {
            throw refuse("thread " + tid + " of " + pid + " has signals pending for it alone (SigPnd " + s.get("SigPnd")
                    + ") that it does not block and " + pid + " is not stopped");
        }
        return own;
    }

    /** A status signal set ({@code SigPnd}, {@code ShdPnd}, {@code SigBlk}: 16 hex digits) as its word. */
    private static long sigset(MountFiles.Status s, String key) {
        return Long.parseUnsignedLong(s.get(key), 16);
    }

    /**
     * Process {@code pid}'s signal actions other than SIG_DFL with no flags: rt_sigaction asked
     * for each signal status's SigIgn or SigCgt names, and for SIGCHLD, whose flags act under
     * SIG_DFL too (SA_NOCLDWAIT, SA_NOCLDSTOP). Another signal's flags under SIG_DFL, which change
     * nothing, are not saved: finding them would take 64 requests a process.
     */
    private List<Image.SigAction> sigactions(int pid, MountFiles.Status s) throws IOException {
        long set = sigset(s, "SigIgn") | sigset(s, "SigCgt") | 1L << (RestoreMethod.SIGCHLD - 1);
        List<Image.SigAction> out = new ArrayList<>();
        for (int sig = 1; sig <= 64; sig++) {
            if ((set & 1L << (sig - 1)) == 0) continue;
            Reply r = port.call(pid, pid, "rt_sigaction " + sig, 0);
            if (r.failed()) throw new IOException("rt_sigaction " + sig + " in " + pid + ": " + r.errno());
            Map<String, String> kv = pairs(r);
            String handler = kv.get("handler"), flags = kv.get("flags");
            if (handler == null || flags == null) throw new IOException("rt_sigaction " + sig + " in " + pid + ": " + r.text());
            if (!handler.equals("SIG_DFL") || !flags.equals("0x0")) out.add(new Image.SigAction(sig, handler, flags));
        }
        return out;
    }

    private Image.Creds creds(int pid, int tid, MountFiles.Status s) throws IOException {
        Reply keep = port.call(pid, tid, "prctl PR_GET_KEEPCAPS", 0);
        if (keep.failed()) throw new IOException("prctl PR_GET_KEEPCAPS in " + tid + ": " + keep.errno());
        return new Image.Creds(s.numbers("Uid"), s.numbers("Gid"), new Image.Caps(s.get("CapInh"), s.get("CapPrm"),
                s.get("CapEff"), s.get("CapBnd"), s.get("CapAmb")), keep.value() == 1);
    }

    /** The ids in the second column of {@code M/sysvipc/KIND} (ipc/util.c sysvipc_proc_show). */
    private List<Integer> ids(String kind) throws IOException {
        List<Integer> ids = new ArrayList<>();
        for (String l : Files.readAllLines(m.resolve("sysvipc/" + kind), StandardCharsets.UTF_8)) {
            String[] w = l.strip().split("\\s+");
            if (w.length > 1 && !w[0].equals("key")) ids.add(Integer.parseInt(w[1]));
        }
        return ids;
    }

    /** A syscall by init (it is in every object's IPC namespace); its key=value pairs. */
    private Map<String, String> init(String line) throws IOException {
        Reply r = port.call(1, 1, line, 0);
        if (r.failed()) throw new IOException(line + ": " + r.errno());
        return pairs(r);
    }

    /** A reply's key=value pairs. */
    private static Map<String, String> pairs(Reply r) {
        Map<String, String> kv = new HashMap<>();
        for (String w : r.rest().split(" ")) {
            int eq = w.indexOf('=');
            if (eq > 0) kv.put(w.substring(0, eq), w.substring(eq + 1));
        }
        return kv;
    }

    private static long n(Map<String, String> kv, String key) throws IOException {
        String v = kv.get(key);
        if (v == null) throw new IOException("IPC_STAT gave no " + key);
        return Long.parseLong(v);
    }

    private List<Image.MsgQueue> msg() throws IOException, ImageException {
        List<Image.MsgQueue> out = new ArrayList<>();
        for (int id : ids("msg")) {
            Map<String, String> kv = init("msgctl " + id + " IPC_STAT");
            List<Image.Message> msgs = new ArrayList<>();
            for (long i = 0; i < n(kv, "qnum"); i++) {
                Reply r = port.call(1, 1, "msgrcv " + id + " " + i + " MSG_COPY|IPC_NOWAIT", 0);
                if (r.failed()) throw new IOException("msgrcv " + id + " " + i + " MSG_COPY: " + r.errno());
                String rest = r.rest();
                int text = rest.indexOf(" text=");
                String body = rest.substring(text + 6);
                if (body.isEmpty() || body.matches(".*\\s.*")) throw refuse("message " + i + " of queue " + id + " has a blank or no text");
                msgs.add(new Image.Message(Long.parseLong(rest.substring(rest.indexOf("mtype=") + 6, text)), body));
            }
            out.add(new Image.MsgQueue(id, n(kv, "key"), kv.get("perms"), n(kv, "uid"), n(kv, "gid"), n(kv, "cuid"), n(kv, "cgid"),
                    n(kv, "qbytes"), msgs, new Image.MsgTimes(n(kv, "stime"), n(kv, "rtime"), n(kv, "ctime"), n(kv, "lspid"),
                    n(kv, "lrpid"))));
        }
        return out;
    }

    private List<Image.SemSet> sem() throws IOException {
        List<Image.SemSet> out = new ArrayList<>();
        for (int id : ids("sem")) {
            Map<String, String> kv = init("semctl " + id + " 0 IPC_STAT");
            List<Long> values = new ArrayList<>();
            for (String v : init("semctl " + id + " 0 GETALL").get("values").split(",")) values.add(Long.parseLong(v));
            out.add(new Image.SemSet(id, n(kv, "key"), kv.get("perms"), (int) n(kv, "nsems"), n(kv, "uid"), n(kv, "gid"),
                    n(kv, "cuid"), n(kv, "cgid"), values, new Image.SemTimes(n(kv, "otime"), n(kv, "ctime"))));
        }
        return out;
    }

    private List<Image.ShmSegment> shm() throws IOException {
        List<Image.ShmSegment> out = new ArrayList<>();
        for (int id : ids("shm")) {
            Map<String, String> kv = init("shmctl " + id + " IPC_STAT");
            out.add(new Image.ShmSegment(id, n(kv, "key"), kv.get("perms"), n(kv, "size"), n(kv, "uid"), n(kv, "gid"),
                    n(kv, "cuid"), n(kv, "cgid"), new Image.ShmTimes(n(kv, "atime"), n(kv, "dtime"), n(kv, "ctime"),
                    n(kv, "cpid"), n(kv, "lpid"))));
        }
        return out;
    }
}
