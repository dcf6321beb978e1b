package procsim.procfs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;

import procsim.attach.HostProcesses;

/** A host process table for tests: tid -> tgid, pid -> parent, pid -> start time. */
final class FakeHost implements HostProcesses {
    final Map<Integer, Integer> tgid = new HashMap<>();
    final Map<Integer, Integer> parent = new HashMap<>();
    final Map<Integer, Long> start = new HashMap<>();
    final Map<Integer, Integer> session = new HashMap<>();
    final Map<Integer, Integer> tgidVnr = new HashMap<>();
    /** Processes in the order they were made: a parent's newest child is its last. */
    final List<Integer> made = new ArrayList<>();

    /** A process {@code pid} (its main thread has the same id) whose parent is {@code ppid}. */
    FakeHost process(int pid, int ppid) {
        tgid.put(pid, pid);
        parent.put(pid, ppid);
        start.put(pid, 1000L + pid);
        made.remove((Integer) pid);
        made.add(pid);
        return this;
    }

    /** A process {@code pid} of session {@code sid} (the session leader's pid). */
    FakeHost process(int pid, int ppid, int sid) {
        session.put(pid, sid);
        return process(pid, ppid);
    }

    FakeHost thread(int tid, int pid) {
        tgid.put(tid, pid);
        start.put(tid, 5000L + tid);
        return this;
    }

    void exit(int pid) {
        tgid.remove(pid);
        parent.remove(pid);
        start.remove(pid);
        session.remove(pid);
    }

    /** Reads of a host /proc file other than a pin's (status, stat): what the daemon's host I/O costs. */
    int reads;

    @Override
    public OptionalInt tgidOf(int tid) {
        reads++;
        Integer v = tgid.get(tid);
        return v == null ? OptionalInt.empty() : OptionalInt.of(v);
    }

    @Override
    public OptionalInt parentOf(int pid) {
        reads++;
        Integer v = parent.get(pid);
        return v == null ? OptionalInt.empty() : OptionalInt.of(v);
    }

    @Override
    public OptionalInt sessionOf(int pid) {
        reads++;
        Integer v = session.get(pid);
        return v == null ? OptionalInt.empty() : OptionalInt.of(v);
    }

    /** The processes whose parent is {@code tid}'s process, oldest first. */
    @Override
    public int[] childrenOf(int tid) {
        reads++;
        Integer g = tgid.get(tid);
        return g == null ? null : made.stream().filter(pid -> g.equals(parent.get(pid))).mapToInt(Integer::intValue).toArray();
    }

    /** The host's pid, then (if set in tgidVnr) the one of a namespace of its own. */
    @Override
    public int[] nsTgidsOf(int tid) {
        reads++;
        Integer g = tgid.get(tid), own = tgidVnr.get(tid);
        return g == null ? null : own == null ? new int[] {g} : new int[] {g, own};
    }

    @Override
    public OptionalInt tgidVnrOf(int tid) {
        reads++;
        Integer v = tgidVnr.get(tid);
        return v == null ? OptionalInt.empty() : OptionalInt.of(v);
    }

    /** Pins made and not closed yet. */
    int openPins;
    /** Each host id's pin's reads (alive checks). */
    final Map<Integer, Integer> pinReads = new HashMap<>();

    @Override
    public boolean exists(int id) {
        return tgid.containsKey(id);
    }

    /** One read of status gives both, as {@link procsim.attach.LinuxHostProcesses#idsOf}. */
    @Override
    public Ids idsOf(int tid) {
        reads++;
        Integer g = tgid.get(tid);
        return g == null ? null : new Ids(g, parent.getOrDefault(g, 0));
    }

    @Override
    public Pin pin(int id) {
        Long then = start.get(id);
        if (then == null) return null;
        openPins++;
        return new Pin() {
            private boolean closed;

            @Override
            public boolean alive() {
                pinReads.merge(id, 1, Integer::sum);
                return !closed && then.equals(start.get(id));
            }

            @Override
            public void close() {
                if (!closed) openPins--;
                closed = true;
            }
        };
    }

    @Override
    public OptionalLong startTimeOf(int pid) {
        reads++;
        Long v = start.get(pid);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }
}
