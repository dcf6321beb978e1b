package procsim.restorer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * An image checked for a restore and put in creation order, before anything is made: every
 * problem is an {@link ImageException} naming the record. The order: parents first (by depth in
 * the image's tree), a parent's children together, those named as their parent first, then by
 * name (fewer renames), then by pid. ns_last_pid's order ({@link #pidOrder}): the lowest pid whose
 * parent is made, next; a tree forked in pid order is then made in it, and each fork takes the pid
 * after the one before without a write of the cursor.
 */
final class Plan {

    final Image image;
    final Map<Integer, Image.Process> procs = new HashMap<>();
    final List<Image.Process> order = new ArrayList<>();
    /** Parents first, else by root pid. */
    final List<Image.Process> pidOrder = new ArrayList<>();
    /** Each parent's children (root pid -> processes; 1 for init's), in {@link #order}. */
    final Map<Integer, List<Image.Process>> children = new HashMap<>();
    /** Per process: the root pid of its namespace's init at each level (1 for the root). */
    final Map<Integer, List<Integer>> nsInits = new HashMap<>();
    /**
     * Per process (root pid; 1 for init): the process group it is in once made, before any setpgid:
     * its parent's then (fork inherits it), its own pid after its setsid.
     */
    final Map<Integer, Integer> madeGroup = new HashMap<>();
    /**
     * The setpgid calls once every task is made: group leaders first (a leader that moved to another
     * group afterwards too, making the group it left), then members, then those moved leaders' moves.
     */
    final List<Regroup> regroups = new ArrayList<>();
    /** The groups whose leader moved to another group afterwards (root pids), as their members come in {@link #order}. */
    private final Set<Integer> left = new java.util.LinkedHashSet<>();

    /** Process {@code pid} writes {@code setpgid 0 GROUP}: {@code group} as its own pid namespace numbers the group. */
    record Regroup(int pid, int group) {
    }

    Plan(Image image, String initComm) throws ImageException {
        this.image = image;
        Set<Integer> seen = new HashSet<>();
        for (Image.Process p : image.processes()) {
            task(p.pid(), seen);
            procs.put(p.pid(), p);
            chain(p.pid(), p.nspid());
            comm(p.pid(), p.comm());
            if (!p.state().equals("S") && !p.state().equals("T")) {
                throw new ImageException("state '" + p.state() + "' of " + p.pid() + ": a restore makes S (sleeping) or T (stopped)");
            }
            if (p.exitSignal() < 0 || p.exitSignal() > 64) throw new ImageException("exit signal " + p.exitSignal() + " of " + p.pid());
            if (p.argv().isEmpty()) throw new ImageException("argv of " + p.pid() + " is empty");
            for (String a : p.argv()) {
                if (a.isEmpty() || hasBlank(a)) throw new ImageException("argv of " + p.pid() + ": a blank or an empty word");
            }
            creds(p.pid(), p.creds());
            for (Image.Thread t : p.threads()) {
                task(t.tid(), seen);
                chain(t.tid(), t.nspid());
                comm(t.tid(), t.comm());
                creds(t.tid(), t.creds());
                if (t.nspid().size() != p.nspid().size()) {
                    throw new ImageException("thread " + t.tid() + " (level " + (t.nspid().size() - 1) + ") is not at the level of its leader " + p.pid());
                }
            }
            for (Image.Fd f : p.fds()) {
                if (f.fd() < 0 || f.pos() < 0) throw new ImageException("fd " + f.fd() + " of " + p.pid() + " at " + f.pos());
                if (!octal(f.flags())) throw new ImageException("not an fd's flags: 'flags=" + f.flags() + "' of fd " + f.fd() + " of " + p.pid());
                if (f.path().isEmpty() || hasBlank(f.path())) throw new ImageException("fd " + f.fd() + " of " + p.pid() + ": a blank in the path");
            }
            for (Image.ShmAttach a : p.shmAttaches()) {
                if (!a.mode().equals("rw") && !a.mode().equals("ro")) throw new ImageException("not an attach mode: 'mode=" + a.mode() + "' of " + p.pid());
            }
            sigactions(p);
            sigsets(p);
        }
        for (Image.MsgQueue q : image.msg()) {
            perms("msg", q.id(), q.perms());
            for (Image.Message x : q.messages()) {
                if (x.text().isEmpty() || hasBlank(x.text())) throw new ImageException("a message of msg " + q.id() + " has a blank or no text");
            }
        }
        for (Image.SemSet s : image.sem()) {
            perms("sem", s.id(), s.perms());
            if (s.values().size() != s.nsems()) throw new ImageException("sem " + s.id() + " has " + s.values().size() + " values for " + s.nsems() + " semaphores");
        }
        for (Image.ShmSegment s : image.shm()) perms("shm", s.id(), s.perms());
        // parents, levels, depth
        Map<Integer, Integer> depth = new HashMap<>();
        for (Image.Process p : image.processes()) { // every parent first: the depth walk climbs them
            if (p.ppid() != 1 && !procs.containsKey(p.ppid())) {
                throw new ImageException("the parent " + p.ppid() + " of " + p.pid() + " is not in the image");
            }
        }
        for (Image.Process p : image.processes()) {
            int d = 0;
            for (int x = p.pid(); procs.get(x).ppid() != 1; x = procs.get(x).ppid()) {
                if (++d > procs.size()) throw new ImageException("the image's parents of " + p.pid() + " make a loop");
            }
            depth.put(p.pid(), d);
            int level = p.nspid().size() - 1;
            int plevel = p.ppid() == 1 ? 0 : procs.get(p.ppid()).nspid().size() - 1;
            if (level != plevel && level != plevel + 1) {
                throw new ImageException("task " + p.pid() + " (level " + level + ") cannot be a child of " + p.ppid() + " (level " + plevel + ")");
            }
            if (level == plevel + 1 && p.nspid().get(level) != 1) {
                throw new ImageException("task " + p.pid() + " starts a pid namespace but is not its init (NSpid " + Creation.join(p.nspid()) + ")");
            }
        }
        Map<Integer, String> comms = new HashMap<>();
        comms.put(1, initComm);
        for (Image.Process p : image.processes()) comms.put(p.pid(), p.comm());
        order.addAll(image.processes());
        // one compare method, not a chain of comparing/thenComparing lambdas, which a client's fresh JVM ran interpreted
        order.sort((a, b) -> {
            int c = Integer.compare(depth.get(a.pid()), depth.get(b.pid()));
            if (c == 0) c = Integer.compare(a.ppid(), b.ppid());
            if (c == 0) c = Boolean.compare(!a.comm().equals(comms.get(a.ppid())), !b.comm().equals(comms.get(b.ppid())));
            if (c == 0) c = a.comm().compareTo(b.comm());
            return c != 0 ? c : Integer.compare(a.pid(), b.pid());
        });
        for (Image.Process p : order) children.computeIfAbsent(p.ppid(), k -> new ArrayList<>()).add(p);
        PriorityQueue<Image.Process> ready = new PriorityQueue<>(Comparator.comparingInt(Image.Process::pid));
        ready.addAll(children.getOrDefault(1, List.of()));
        while (!ready.isEmpty()) {
            Image.Process p = ready.poll();
            pidOrder.add(p);
            ready.addAll(children.getOrDefault(p.pid(), List.of()));
        }
        nsInits.put(1, List.of(1));
        for (Image.Process p : order) {
            List<Integer> inits = new ArrayList<>(nsInits.get(p.ppid()));
            if (p.nspid().size() > inits.size()) inits.add(p.pid());
            nsInits.put(p.pid(), inits);
        }
        groups();
    }

    /** Whether {@code p} leads its session: a restore makes it by {@code setsid} as soon as {@code p} is made. */
    static boolean leadsSession(Image.Process p) {
        return p.sid() == p.pid();
    }

    /** Whether {@code p} leads its group but not a session (its group is its setpgid 0 0). */
    static boolean leadsGroup(Image.Process p) {
        return p.pgid() == p.pid() && !leadsSession(p);
    }

    /**
     * The group leaders that make their group as soon as they are made, so that their children are
     * made in it (a shell job's leader that forks a pid namespace's init, which could not name the
     * group from inside): each one none of whose children wants the group it would have inherited
     * (that child would have to go back to it); the others make theirs once every task is made.
     */
    final java.util.Set<Integer> groupsAsMade = new java.util.HashSet<>();
    /**
     * The session leaders that call setsid once every task is made: each one whose children all
     * stay in the session it had before (it forked them, then called setsid); the others call it
     * as they are made, before their children, who inherit the new session.
     */
    final java.util.Set<Integer> sessionsLate = new java.util.HashSet<>();

    /**
     * Sessions and process groups as setsid and setpgid alone can make them (kernel/sys.c): a session
     * is its leader's setsid, right after the leader is made, and its children inherit it (so a
     * process's session is its parent's or its own); a session leader stays its group's leader; a
     * group is its leader's setpgid (right after the leader is made, its children inheriting it,
     * when none of them wants the group the leader had: {@link #groupsAsMade}; else once every task
     * is made), then each other member's, which names it in the member's own pid namespace, within
     * one session; a session leader all of whose children stay in the session it had calls setsid
     * once every task is made ({@link #sessionsLate}). A group whose leader moved to another group
     * afterwards: the leader makes it with the other leaders, its members join it, then the leader
     * moves, last ({@link #ordered}: chains too). Refused: a session a process did not get from its
     * parent (that parent is gone: CRIU makes a helper task for it), a leader with children from
     * before and after its setsid, and a group with no leader in the image (reaped).
     * Fills {@link #madeGroup}, {@link #regroups}, {@link #left} and the two sets.
     */
    private void groups() throws ImageException {
        madeGroup.put(1, Image.INIT_GROUP);
        Map<Integer, Integer> madeSession = new HashMap<>(); // as madeGroup: what a process's children inherit
        madeSession.put(1, Image.INIT_GROUP);
        List<Regroup> members = new ArrayList<>();
        for (Image.Process p : order) { // parents first
            if (p.pgid() < 1 || p.sid() < 1) throw new ImageException("pgid " + p.pgid() + " and sid " + p.sid() + " of " + p.pid());
            int parentSid = madeSession.get(p.ppid());
            if (leadsSession(p)) {
                List<Image.Process> kids = children.getOrDefault(p.pid(), List.of());
                boolean before = kids.stream().anyMatch(c -> !leadsSession(c) && c.sid() == parentSid);
                if (before && kids.stream().anyMatch(c -> !leadsSession(c) && c.sid() == p.pid())) {
                    throw new ImageException(p.pid() + " leads session " + p.sid() + " but some of its children stay in session " + parentSid
                            + ": it forked them before its setsid and others after, which a restore does not order");
                }
                if (before) sessionsLate.add(p.pid());
            }
            madeSession.put(p.pid(), leadsSession(p) && !sessionsLate.contains(p.pid()) ? p.pid() : parentSid);
            if (!leadsSession(p) && p.sid() != parentSid) {
                throw new ImageException("session " + p.sid() + " of " + p.pid() + " is neither its parent's (" + parentSid + ") nor its own: "
                        + "the parent it got its session from is gone (CRIU makes a helper task for such a process)");
            }
            if (leadsSession(p) && p.pgid() != p.pid()) {
                throw new ImageException(p.pid() + " leads session " + p.sid() + " but is in group " + p.pgid()
                        + ": a session leader leads its group (setpgid cannot move it)");
            }
            Image.Process leader = procs.get(p.pgid());
            int groupSid = p.pgid() == Image.INIT_GROUP ? Image.INIT_GROUP : leader != null ? leader.sid() : 0;
            if (leaderMoved(p.pgid())) left.add(p.pgid()); // its leader moved to another group of its session afterwards
            if (groupSid == 0) {
                throw new ImageException("group " + p.pgid() + " of " + p.pid() + " has no leader in the image (no process " + p.pgid()
                        + " in group " + p.pgid() + "): a restore makes a group by its leader's setpgid; this one needs a helper task (as CRIU makes)");
            }
            if (groupSid != p.sid()) {
                throw new ImageException("group " + p.pgid() + " of " + p.pid() + " is in session " + groupSid + ", " + p.pid()
                        + " in session " + p.sid() + ": a group lies within one session");
            }
            int inherited = madeGroup.get(p.ppid());
            if (leadsGroup(p) && children.getOrDefault(p.pid(), List.of()).stream()
                    .noneMatch(c -> c.pgid() == inherited && !leadsSession(c) && !leadsGroup(c))) {
                groupsAsMade.add(p.pid());
            }
            int made = leadsSession(p) && !sessionsLate.contains(p.pid()) || groupsAsMade.contains(p.pid()) ? p.pid() : inherited;
            madeGroup.put(p.pid(), made);
            if (made == p.pgid() || leadsSession(p)) continue; // a session leader's setsid makes its group
            int nr = groupNr(p, p.pgid());
            if (nr == 0) {
                throw new ImageException("group " + p.pgid() + " of " + p.pid() + " is not in the pid namespace of " + p.pid()
                        + ", where it would inherit group " + made + ": its setpgid cannot name it there");
            }
            (p.pgid() == p.pid() ? regroups : members).add(new Regroup(p.pid(), nr));
        }
        // a group whose leader moved on: the leader makes it with the other leaders, its members
        // join it, then the leader moves to its own group, last (a group lives while it has members)
        List<Regroup> moves = new ArrayList<>();
        for (int g : left) {
            Image.Process leader = procs.get(g);
            int to = groupNr(leader, leader.pgid());
            if (to == 0) {
                throw new ImageException("group " + leader.pgid() + " of " + g + " is not in the pid namespace of " + g
                        + ", which leaves its own group for it: its setpgid cannot name it there");
            }
            regroups.add(new Regroup(g, groupNr(leader, g)));
            members.removeIf(r -> r.pid() == g);
            moves.add(new Regroup(g, to));
        }
        regroups.addAll(members);
        regroups.addAll(ordered(moves));
    }

    /**
     * The moved leaders' moves in an order setpgid takes: each into a group that has a member then
     * (kernel/sys.c: the group to join must exist in the caller's session), and none that empties a
     * group another move still joins: a leader that moved into a group whose own leader moved on
     * (a chain, or two leaders that swapped groups while a member held one) goes before that leader.
     * Only a leader's own move empties a group, so taking any move that fits first never blocks
     * another. Refused: moves no order makes, which setpgid could not have made either. Groups are
     * counted by root pid (a Regroup's group is as the mover's namespace numbers it).
     */
    private List<Regroup> ordered(List<Regroup> moves) throws ImageException {
        if (moves.isEmpty()) return moves; // most trees: no count of every group's members
        Map<Integer, Integer> members = new HashMap<>(); // root pid of a group -> its members before the moves
        for (Image.Process p : image.processes()) {
            int g = left.contains(p.pid()) ? p.pid() : p.pgid();
            members.merge(g, 1, Integer::sum);
        }
        List<Regroup> pending = new ArrayList<>(moves);
        List<Regroup> out = new ArrayList<>();
        while (!pending.isEmpty()) {
            Regroup next = null;
            for (Regroup m : pending) {
                int to = procs.get(m.pid()).pgid();
                boolean joined = false; // another pending move joins the group m leaves
                for (Regroup o : pending) joined |= o != m && procs.get(o.pid()).pgid() == m.pid();
                if ((to == Image.INIT_GROUP || members.getOrDefault(to, 0) > 0) && (members.get(m.pid()) > 1 || !joined)) {
                    next = m;
                    break;
                }
            }
            if (next == null) {
                throw new ImageException("group leaders " + pending.stream().map(m -> m.pid() + " (to group " + procs.get(m.pid()).pgid() + ")")
                        .collect(java.util.stream.Collectors.joining(", ")) + " moved to each other's groups in no order setpgid can make: "
                        + "each would leave a group empty that another must join");
            }
            members.merge(next.pid(), -1, Integer::sum);
            members.merge(procs.get(next.pid()).pgid(), 1, Integer::sum);
            pending.remove(next);
            out.add(next);
        }
        return out;
    }

    /** Whether group {@code g}'s leader is in the image but in another group. */
    private boolean leaderMoved(int g) {
        Image.Process leader = procs.get(g);
        return g != Image.INIT_GROUP && leader != null && leader.pgid() != g;
    }

    /** Group {@code g} (a leader's root pid, or init's 1) as the pid namespace of {@code p} numbers it; 0 where it is not in it. */
    private int groupNr(Image.Process p, int g) {
        int level = p.nspid().size() - 1;
        if (g == Image.INIT_GROUP) return level == 0 ? Image.INIT_GROUP : 0;
        List<Integer> inits = nsInits.get(g);
        return inits.size() > level && inits.get(level).equals(nsInits.get(p.pid()).get(level)) ? procs.get(g).nspid().get(level) : 0;
    }

    /**
     * Whether {@code s} holds a blank: regex {@code \s}, space, tab, newline, vertical tab, form
     * feed, carriage return. Loops, not regexes: the plan checks every word of a 1,000-process image
     * before the first write, and a regex per word cost the start ~10 ms.
     */
    static boolean hasBlank(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ' ' || c >= '\t' && c <= '\r') return true;
        }
        return false;
    }

    /**
     * A process's signal actions, as rt_sigaction reads them back: each signal once, 1-64 but
     * SIGKILL and SIGSTOP (no action can be set for them), the handler SIG_IGN, SIG_DFL (with
     * flags, else it is no entry) or a hex address, the flags hex.
     */
    private static void sigactions(Image.Process p) throws ImageException {
        long seen = 0;
        for (Image.SigAction a : p.sigactions()) {
            String what = "sigaction " + a.sig() + " of " + p.pid();
            if (!Image.SigAction.settable(a.sig())) throw new ImageException(what + ": no such action");
            if ((seen & 1L << (a.sig() - 1)) != 0) throw new ImageException(what + " twice in the image");
            seen |= 1L << (a.sig() - 1);
            boolean dfl = a.handler().equals("SIG_DFL");
            if (!dfl && !a.handler().equals("SIG_IGN") && !hex(a.handler())) {
                throw new ImageException(what + ": not a handler: 'handler=" + a.handler() + "'");
            }
            if (!hex(a.flags())) throw new ImageException(what + ": not sa_flags: 'flags=" + a.flags() + "'");
            if (dfl && Long.parseUnsignedLong(a.flags().substring(2), 16) == 0) throw new ImageException(what + ": SIG_DFL with no flags is no entry");
        }
    }

    /**
     * A process's signal masks (its main thread's, its threads') and its pending signals (its own,
     * each thread's own), as status's SigBlk, ShdPnd and SigPnd name them: each signal once, no mask with SIGKILL or SIGSTOP
     * (sigprocmask takes them out), SIGKILL never pending (it is taken even by a stopped process);
     * and nothing pending that the restore's kill would have a thread take: each must be blocked by
     * every thread (a thread's own, by that thread), or the process stopped, and a stopped one has
     * no SIGCONT pending (its kill would continue it).
     */
    private static void sigsets(Image.Process p) throws ImageException {
        boolean stopped = p.state().equals("T");
        long mask = signalSet("sigmask of ", p.pid(), p.sigmask(), true);
        held(p, "ownSigpending of ", p.pid(), p.ownSigpending(), mask, null, "it", stopped);
        long every = mask;
        for (Image.Thread t : p.threads()) {
            long m = signalSet("sigmask of ", t.tid(), t.sigmask(), true);
            held(p, "ownSigpending of ", t.tid(), t.ownSigpending(), m, null, "it", stopped);
            every &= m;
        }
        held(p, "sigpending of ", p.pid(), p.sigpending(), every, "every thread", "a thread", stopped);
    }

    /**
     * Pending signals {@code sigs} (the {@code what} of task {@code id}) held as they were: blocked
     * ({@code blocked}, by {@code by}, else by task {@code id}) unless stopped, no SIGCONT then. The
     * messages are built only on a failure: the plan checks every process before the first write.
     */
    private static void held(Image.Process p, String what, int id, List<Integer> sigs, long blocked, String by, String taker,
                             boolean stopped) throws ImageException {
        long pending = signalSet(what, id, sigs, false);
        long unheld = Image.SigAction.unheld(pending, blocked, stopped);
        if (unheld != 0) {
            throw new ImageException(what + id + ": signal " + Image.SigAction.lowest(unheld) + " is not blocked by "
                    + (by == null ? String.valueOf(id) : by) + " and " + p.pid() + " is not stopped: " + taker + " would take it");
        }
        if (stopped && (pending & 1L << (Image.SigAction.SIGCONT - 1)) != 0) {
            throw new ImageException(what + id + ": SIGCONT would continue the stopped " + p.pid());
        }
    }

    /** The set of {@code sigs} (the {@code what} of task {@code id}), each 1-64 once: a mask's not SIGKILL nor SIGSTOP, a pending one's not SIGKILL. */
    private static long signalSet(String what, int id, List<Integer> sigs, boolean mask) throws ImageException {
        long set = 0;
        for (int sig : sigs) {
            if (mask ? !Image.SigAction.settable(sig) : sig < 1 || sig > 64 || sig == Image.SigAction.SIGKILL) {
                throw new ImageException(what + id + ": signal " + sig + (mask ? " cannot be blocked" : " cannot be pending"));
            }
            if ((set & 1L << (sig - 1)) != 0) throw new ImageException(what + id + ": signal " + sig + " twice in the image");
            set |= 1L << (sig - 1);
        }
        return set;
    }

    /** {@code 0x[0-9a-f]{1,16}}: a handler's address or sa_flags as rt_sigaction's reply prints them. */
    static boolean hex(String s) {
        if (s.length() < 3 || s.length() > 18 || !s.startsWith("0x")) return false;
        for (int i = 2; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) return false;
        }
        return true;
    }

    /** {@code 0[0-7]*}: an octal number as fdinfo and sysvipc print one. */
    static boolean octal(String s) {
        if (s.isEmpty() || s.charAt(0) != '0') return false;
        for (int i = 1; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '7') return false;
        }
        return true;
    }

    /** {@code [0-9a-f]{16}}: a capability set as status prints it. */
    static boolean hex64(String s) {
        if (s.length() != 16) return false;
        for (int i = 0; i < 16; i++) {
            char c = s.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) return false;
        }
        return true;
    }

    private static void task(int id, Set<Integer> seen) throws ImageException {
        if (id == 1) throw new ImageException("task 1 is init, which a restore does not make");
        if (id < 1) throw new ImageException("task id " + id);
        if (!seen.add(id)) throw new ImageException("task " + id + " twice in the image");
    }

    private static void chain(int id, List<Integer> nspid) throws ImageException {
        if (nspid.isEmpty() || nspid.get(0) != id) throw new ImageException("the NSpid of " + id + " does not begin with " + id);
        for (int n : nspid) {
            if (n < 1) throw new ImageException("pid " + n + " in the NSpid of " + id);
        }
    }

    private static void comm(int id, String comm) throws ImageException {
        if (comm.isEmpty() || hasBlank(comm)) throw new ImageException("comm of " + id + " is empty or has a blank");
    }

    private static void creds(int id, Image.Creds c) throws ImageException {
        if (c.uid().size() != 4 || c.gid().size() != 4) throw new ImageException("uid and gid of " + id + " want 4 numbers each (real, effective, saved, fs)");
        for (long x : c.uid()) {
            if (x < 0 || x > 4294967294L) throw new ImageException("uid " + x + " of " + id);
        }
        for (long x : c.gid()) {
            if (x != c.gid().get(0)) throw new ImageException("gids of " + id + " differ (" + ImageText.longs(c.gid()) + "): the sim has only setgid");
            if (x < 0 || x > 4294967294L) throw new ImageException("gid " + x + " of " + id);
        }
        if (!c.uid().get(3).equals(c.uid().get(1))) throw new ImageException("fsuid of " + id + " is not its euid: setresuid cannot make it");
        Image.Caps k = c.caps();
        for (String s : List.of(k.inheritable(), k.permitted(), k.effective(), k.bounding(), k.ambient())) {
            if (!hex64(s)) throw new ImageException("not a capability set: '" + s + "' of " + id);
        }
    }

    private static void perms(String kind, int id, String perms) throws ImageException {
        if (id < 0) throw new ImageException(kind + " id " + id);
        if (perms == null || !octal(perms) || perms.length() > 5) throw new ImageException("not a mode: 'perms=" + perms + "' of " + kind + " " + id);
    }
}
