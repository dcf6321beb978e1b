package procsim.restorer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A fake port for unit tests: records every write as {@code what: line} and answers from a
 * rule ({@code fail}: the line to fail with which errno, else success with the expected value).
 */
final class RecordingPort implements RestorerPort {
    final List<String> writes = java.util.Collections.synchronizedList(new ArrayList<>());
    final Map<Integer, TaskInfo> tasks = new HashMap<>();
    /** The lines whose reply was read ({@link #call}). */
    final List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());
    /** The pids whose status was read ({@link #task}), in order. */
    final List<Integer> statusReads = java.util.Collections.synchronizedList(new ArrayList<>());
    Function<String, String> fail = line -> null;
    /** What {@code call} answers when it does not fail: the expected value unless set. */
    Function<String, Long> value = line -> null;
    /** A whole reply, when set for the line (else the value alone); rt_sigaction: SIG_DFL with no flags. */
    Function<String, String> reply = line -> line.contains(": rt_sigaction ") ? "0 handler=SIG_DFL flags=0x0" : null;
    boolean closed;

    private Reply answer(String w, long expect) {
        writes.add(w);
        String errno = fail.apply(w);
        if (errno != null) return Reply.error(errno);
        String whole = reply.apply(w);
        if (whole != null) return Reply.parse(whole, null);
        Long v = value.apply(w);
        return Reply.of(v == null ? expect : v);
    }

    @Override
    public Reply call(int pid, int tid, String line, long expect) {
        calls.add(pid + "/" + tid + ": " + line);
        return answer(pid + "/" + tid + ": " + line, expect);
    }

    @Override
    public Reply send(int pid, int tid, String line) {
        Reply r = answer(pid + "/" + tid + ": " + line, 0);
        return r.failed() ? r : Reply.DONE;
    }

    @Override
    public Reply writeNextSyscallData(int pid, int tid, String text) {
        return answer(pid + "/" + tid + " next_syscall_data: " + text, 0);
    }

    @Override
    public Reply writeNsLastPid(int nsInit, long value) {
        return answer("ns_last_pid of init " + nsInit + ": " + value, 0);
    }

    @Override
    public void nsLastPidHolds(int nsInit, long value) {
        writes.add("ns_last_pid of init " + nsInit + " holds " + value);
    }

    @Override
    public Reply writeNextId(String kind, long id) {
        return answer(kind + "_next_id: " + id, 0);
    }

    @Override
    public TaskInfo task(int pid) {
        statusReads.add(pid);
        return tasks.get(pid);
    }

    /** Who uses a pid as a process group or session id ({@link #groupUser}); a key -1 makes that read fail. */
    final Map<Integer, GroupUser> groupUsers = new HashMap<>();

    @Override
    public GroupUser groupUser(int pid) {
        if (groupUsers.containsKey(-1)) throw new java.io.UncheckedIOException(new java.io.IOException("Input/output error"));
        return groupUsers.get(pid);
    }

    @Override
    public List<Image.Fd> fds(int pid) {
        return List.of(new Image.Fd(0, "0100002", 0, "/dev/console"), new Image.Fd(1, "0100002", 0, "/dev/console"),
                new Image.Fd(2, "0100002", 0, "/dev/console"));
    }

    @Override
    public List<Image.ShmAttach> shmAttaches(int pid) {
        return List.of();
    }

    @Override
    public List<String> argv(int pid) {
        return List.of("/sbin/init");
    }

    @Override
    public void close() {
        closed = true;
    }
}
