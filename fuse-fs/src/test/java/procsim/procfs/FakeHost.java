package procsim.procfs;

import java.util.HashMap;
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

    /** A process {@code pid} (its main thread has the same id) whose parent is {@code ppid}. */
    FakeHost process(int pid, int ppid) {
        tgid.put(pid, pid);
        parent.put(pid, ppid);
        start.put(pid, 1000L + pid);
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

    @Override
    public OptionalInt tgidOf(int tid) {
        Integer v = tgid.get(tid);
        return v == null ? OptionalInt.empty() : OptionalInt.of(v);
    }

    @Override
    public OptionalInt parentOf(int pid) {
        Integer v = parent.get(pid);
        return v == null ? OptionalInt.empty() : OptionalInt.of(v);
    }

    @Override
    public OptionalInt sessionOf(int pid) {
        Integer v = session.get(pid);
        return v == null ? OptionalInt.empty() : OptionalInt.of(v);
    }

    @Override
    public OptionalInt tgidVnrOf(int tid) {
        Integer v = tgidVnr.get(tid);
        return v == null ? OptionalInt.empty() : OptionalInt.of(v);
    }

    /** Pins made and not closed yet. */
    int openPins;

    @Override
    public Pin pin(int id) {
        Pin by = HostProcesses.super.pin(id);
        if (by == null) return null;
        openPins++;
        return new Pin() {
            private boolean closed;

            @Override
            public boolean alive() {
                return !closed && by.alive();
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
        Long v = start.get(pid);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }
}
