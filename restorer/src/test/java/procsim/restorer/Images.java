package procsim.restorer;

import java.util.List;

/** Small images for tests. */
final class Images {
    static final String FULL = "000001ffffffffff";
    static final String NONE = "0000000000000000";
    static final String NO_SIGNALS = Image.SigAction.NO_SIGNALS;
    static final Image.Creds ROOT = new Image.Creds(List.of(0L, 0L, 0L, 0L), List.of(0L, 0L, 0L, 0L),
            new Image.Caps(NONE, FULL, FULL, FULL, NONE), false);
    static final List<Image.Fd> CONSOLE = List.of(new Image.Fd(0, "0100002", 0, "/dev/console"),
            new Image.Fd(1, "0100002", 0, "/dev/console"), new Image.Fd(2, "0100002", 0, "/dev/console"));

    private Images() {
    }

    /** A task already in the target, with a fresh mount's init's credentials. */
    static RestorerPort.TaskInfo task(String comm, int ppid, List<Integer> nspid) {
        return new RestorerPort.TaskInfo(comm, ppid, nspid, ROOT.uid(), ROOT.gid(), ROOT.caps(), NO_SIGNALS, NO_SIGNALS, NO_SIGNALS,
                NO_SIGNALS);
    }

    static Image.Process proc(int pid, int ppid, List<Integer> nspid, String comm) {
        return new Image.Process(pid, ppid, nspid, "root", comm, 17, "S", false, List.of("/sbin/init"), ROOT, List.of(), CONSOLE,
                List.of(), List.of(), List.of(), List.of());
    }

    /** {@code p} with signal mask {@code sigmask} and signals {@code sigpending} pending. */
    static Image.Process signals(Image.Process p, List<Integer> sigmask, List<Integer> sigpending) {
        return new Image.Process(p.pid(), p.ppid(), p.nspid(), p.pidns(), p.comm(), p.exitSignal(), p.state(), p.subreaper(), p.argv(),
                p.creds(), p.threads(), p.fds(), p.shmAttaches(), p.sigactions(), sigmask, sigpending, p.ownSigpending(), p.pgid(), p.sid());
    }

    /** {@code p} in process group {@code pgid} and session {@code sid}. */
    static Image.Process session(Image.Process p, int pgid, int sid) {
        return new Image.Process(p.pid(), p.ppid(), p.nspid(), p.pidns(), p.comm(), p.exitSignal(), p.state(), p.subreaper(), p.argv(),
                p.creds(), p.threads(), p.fds(), p.shmAttaches(), p.sigactions(), p.sigmask(), p.sigpending(), p.ownSigpending(), pgid, sid);
    }

    static Image of(Image.Process... procs) {
        return new Image(Image.FORMAT, Image.VERSION, List.of(procs), List.of(), List.of(), List.of());
    }

    /**
     * init's child 5 starts a pid namespace (5 is its 1) and makes 6 (6,2) and thread 7 (7,3);
     * 8 is init's child named w8 that exec'd /usr/bin/w8; one message queue with a message. 5
     * blocks SIGUSR2, which is pending for the process and for its main thread alone, and its
     * thread 7 SIGHUP and SIGUSR2, SIGHUP pending for it alone; the stopped 6 blocks SIGUSR1 and
     * SIGRTMAX and has SIGTERM pending. 5 leads a session (its setsid), and 6 a group of it; 8 is
     * in init's group and session.
     */
    static Image sample() {
        Image.Process ns = new Image.Process(5, 1, List.of(5, 1), "init:5", "init", 17, "S", false, List.of("/sbin/init"), ROOT,
                List.of(new Image.Thread(7, List.of(7, 3), "t7", ROOT, List.of(1, 12), List.of(1))), CONSOLE, List.of(),
                List.of(new Image.SigAction(17, "SIG_IGN", "0x4000000"), new Image.SigAction(10, "0x401000", "0x14000000")),
                List.of(12), List.of(12), List.of(12), 5, 5);
        Image.Process child = new Image.Process(6, 5, List.of(6, 2), "init:5", "init", 10, "T", true, List.of("/sbin/init"),
                new Image.Creds(List.of(1000L, 1000L, 1000L, 1000L), List.of(100L, 100L, 100L, 100L),
                        new Image.Caps(NONE, NONE, NONE, FULL, NONE), false),
                List.of(), List.of(new Image.Fd(0, "0100002", 0, "/dev/console"), new Image.Fd(7, "02100002", 42, "/var/f")),
                List.of(), List.of(), List.of(10, 64), List.of(15), List.of(), 6, 5);
        Image.Process exec = new Image.Process(8, 1, List.of(8), "root", "w8", 17, "S", false, List.of("/usr/bin/w8", "-x"), ROOT,
                List.of(), CONSOLE, List.of(), List.of(), List.of(), List.of());
        return new Image(Image.FORMAT, Image.VERSION, List.of(ns, child, exec),
                List.of(new Image.MsgQueue(0, 1000, "0640", 0, 0, 0, 0, 16384, List.of(new Image.Message(1, "hello")),
                        new Image.MsgTimes(11, 12, 13, 1, 0))),
                List.of(), List.of());
    }
}
