package procsim.restorer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The image as sorted text lines, one record a line (what {@code procsim image show} prints, and
 * what the reference restorer in bash reads): two images of the same tree print the same lines,
 * so they diff cleanly. Records, in this order:
 * <pre>
 * procsim-image VERSION
 * process PID ppid=P nspid=N0,N1,.. pidns=NAME comm=C exit_signal=S state=S|T subreaper=0|1 argv=ARG ARG ...
 * thread PID TID nspid=N0,.. comm=C
 * session PID sid=S pgid=G
 * creds TID uid=R,E,S,F gid=R,E,S,F caps=INH/PRM/EFF/BND/AMB keepcaps=0|1     (TID: a leader's is its PID)
 * sigaction PID SIG handler=SIG_IGN|SIG_DFL|0xADDR flags=0xFLAGS
 * sigmask TID signals=SIG,SIG,..                                               (TID: a leader's is its PID)
 * sigpending PID signals=SIG,SIG,..
 * own-sigpending TID signals=SIG,SIG,..                                        (TID: a leader's is its PID)
 * fd PID FD flags=0OCTAL pos=POS path=PATH
 * shm-attach PID ADDR shmid=ID mode=rw|ro
 * msg ID key=K perms=0MODE uid=U gid=G cuid=U cgid=G qbytes=Q
 * msg-data ID N mtype=T text=TEXT
 * sem ID key=K perms=0MODE nsems=N uid=U gid=G cuid=U cgid=G values=V1,V2,..
 * shm ID key=K perms=0MODE size=S uid=U gid=G cuid=U cgid=G
 * msg-times ID stime=S rtime=R ctime=C lspid=P lrpid=P
 * sem-times ID otime=O ctime=C
 * shm-times ID atime=A dtime=D ctime=C cpid=P lpid=P
 * </pre>
 * A {@code session}, {@code sigaction}, {@code sigmask}, {@code sigpending} or {@code own-sigpending}
 * line is there only when it says something (not init's session and group 1, not SIG_DFL with no
 * flags, not empty). The {@code -times} records
 * come last: only nsd restores them.
 */
public final class ImageText {
    private ImageText() {
    }

    public static List<String> lines(Image image) {
        List<String> out = new ArrayList<>();
        out.add(Image.FORMAT + " " + image.version());
        List<Image.Process> procs = new ArrayList<>(image.processes());
        procs.sort(Comparator.comparingInt(Image.Process::pid));
        for (Image.Process p : procs) {
            out.add("process " + p.pid() + " ppid=" + p.ppid() + " nspid=" + Creation.join(p.nspid()) + " pidns=" + p.pidns()
                    + " comm=" + p.comm() + " exit_signal=" + p.exitSignal() + " state=" + p.state()
                    + " subreaper=" + (p.subreaper() ? 1 : 0) + " argv=" + String.join(" ", p.argv()));
        }
        for (Image.Process p : procs) {
            for (Image.Thread t : p.threads()) {
                out.add("thread " + p.pid() + " " + t.tid() + " nspid=" + Creation.join(t.nspid()) + " comm=" + t.comm());
            }
        }
        for (Image.Process p : procs) {
            if (p.sid() != Image.INIT_GROUP || p.pgid() != Image.INIT_GROUP) out.add("session " + p.pid() + " sid=" + p.sid() + " pgid=" + p.pgid());
        }
        for (Image.Process p : procs) {
            out.add(creds(p.pid(), p.creds()));
            for (Image.Thread t : p.threads()) out.add(creds(t.tid(), t.creds()));
        }
        for (Image.Process p : procs) {
            List<Image.SigAction> actions = new ArrayList<>(p.sigactions());
            actions.sort(Comparator.comparingInt(Image.SigAction::sig));
            for (Image.SigAction a : actions) {
                out.add("sigaction " + p.pid() + " " + a.sig() + " handler=" + a.handler() + " flags=" + a.flags());
            }
        }
        for (Image.Process p : procs) {
            signals(out, "sigmask " + p.pid(), p.sigmask());
            for (Image.Thread t : p.threads()) signals(out, "sigmask " + t.tid(), t.sigmask());
        }
        for (Image.Process p : procs) signals(out, "sigpending " + p.pid(), p.sigpending());
        for (Image.Process p : procs) {
            signals(out, "own-sigpending " + p.pid(), p.ownSigpending());
            for (Image.Thread t : p.threads()) signals(out, "own-sigpending " + t.tid(), t.ownSigpending());
        }
        for (Image.Process p : procs) {
            for (Image.Fd f : p.fds()) {
                out.add("fd " + p.pid() + " " + f.fd() + " flags=" + f.flags() + " pos=" + f.pos() + " path=" + f.path());
            }
            for (Image.ShmAttach a : p.shmAttaches()) {
                out.add("shm-attach " + p.pid() + " " + a.address() + " shmid=" + a.shmid() + " mode=" + a.mode());
            }
        }
        List<String> times = new ArrayList<>();
        for (Image.MsgQueue q : image.msg()) {
            out.add("msg " + q.id() + " key=" + q.key() + " perms=" + q.perms() + owners(q.uid(), q.gid(), q.cuid(), q.cgid())
                    + " qbytes=" + q.qbytes());
            for (int i = 0; i < q.messages().size(); i++) {
                out.add("msg-data " + q.id() + " " + i + " mtype=" + q.messages().get(i).mtype() + " text=" + q.messages().get(i).text());
            }
            Image.MsgTimes t = q.times();
            times.add("msg-times " + q.id() + " stime=" + t.stime() + " rtime=" + t.rtime() + " ctime=" + t.ctime()
                    + " lspid=" + t.lspid() + " lrpid=" + t.lrpid());
        }
        for (Image.SemSet s : image.sem()) {
            StringBuilder v = new StringBuilder();
            for (long x : s.values()) v.append(v.length() == 0 ? "" : ",").append(x);
            out.add("sem " + s.id() + " key=" + s.key() + " perms=" + s.perms() + " nsems=" + s.nsems()
                    + owners(s.uid(), s.gid(), s.cuid(), s.cgid()) + " values=" + v);
            times.add("sem-times " + s.id() + " otime=" + s.times().otime() + " ctime=" + s.times().ctime());
        }
        for (Image.ShmSegment s : image.shm()) {
            out.add("shm " + s.id() + " key=" + s.key() + " perms=" + s.perms() + " size=" + s.size()
                    + owners(s.uid(), s.gid(), s.cuid(), s.cgid()));
            Image.ShmTimes t = s.times();
            times.add("shm-times " + s.id() + " atime=" + t.atime() + " dtime=" + t.dtime() + " ctime=" + t.ctime()
                    + " cpid=" + t.cpid() + " lpid=" + t.lpid());
        }
        out.addAll(times);
        return out;
    }

    private static String creds(int tid, Image.Creds c) {
        Image.Caps k = c.caps();
        return "creds " + tid + " uid=" + longs(c.uid()) + " gid=" + longs(c.gid()) + " caps=" + k.inheritable() + "/"
                + k.permitted() + "/" + k.effective() + "/" + k.bounding() + "/" + k.ambient() + " keepcaps=" + (c.keepcaps() ? 1 : 0);
    }

    /** {@code record signals=S1,S2,..} (ascending), unless {@code sigs} is empty. */
    private static void signals(List<String> out, String record, List<Integer> sigs) {
        if (sigs.isEmpty()) return;
        List<Integer> sorted = new ArrayList<>(sigs);
        sorted.sort(null);
        out.add(record + " signals=" + Creation.join(sorted));
    }

    private static String owners(long uid, long gid, long cuid, long cgid) {
        return " uid=" + uid + " gid=" + gid + " cuid=" + cuid + " cgid=" + cgid;
    }

    static String longs(List<Long> l) {
        StringBuilder b = new StringBuilder();
        for (long x : l) b.append(b.length() == 0 ? "" : ",").append(x);
        return b.toString();
    }
}
