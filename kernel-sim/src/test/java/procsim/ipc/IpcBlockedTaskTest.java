package procsim.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import procsim.kernel.Sim;
import procsim.task.Task;

/**
 * A task killed while blocked in msgrcv, msgsnd or semop (ipc/msg.c do_msgrcv, do_msgsnd,
 * ipc/sem.c do_semtimedop): the fatal signal wakes it and the call ends (signal_pending), so it
 * takes no message that arrives later, sends none when room is made later and applies no
 * semaphore operation; qnum, cbytes and semval count only what living tasks did.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IpcBlockedTaskTest {
    private final Sim sim = new Sim();
    private final Sim.Runner init = sim.as(1);

    private Thread blocked(Task task, String line, AtomicReference<String> reply) {
        return sim.blocked(task, line, reply);
    }

    private String qnumCbytes(int id) {
        String st = init.run("msgctl " + id + " IPC_STAT");
        return st.replaceAll(".* cbytes=(\\d+) qnum=(\\d+) .*", "qnum=$2 cbytes=$1");
    }

    /** Forks a child, blocks it in {@code line} on a thread of its own, then kills it with {@code signal}. */
    private Thread killedWhileBlockedIn(String line, String signal, AtomicReference<String> reply)
            throws InterruptedException {
        Task child = init.child("fork");
        Thread th = blocked(child, line, reply);
        init.ok("kill " + child.pid().nr(sim.root()) + " " + signal);
        return th;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"SIGKILL", "SIGTERM"})
    void aKilledReceiverTakesNothingSentLater(String signal) throws InterruptedException {
        int id = init.ok("msgget IPC_PRIVATE 0600");
        AtomicReference<String> reply = new AtomicReference<>();
        Thread th = killedWhileBlockedIn("msgrcv " + id + " 0", signal, reply);
        init.ok("msgsnd " + id + " 1 hello");
        th.join();
        assertThat(qnumCbytes(id)).isEqualTo("qnum=1 cbytes=5");
        assertThat(reply.get()).isEqualTo("-1 EINTR");
        assertThat(init.run("msgrcv " + id + " 0 IPC_NOWAIT")).isEqualTo("5 mtype=1 text=hello");
    }

    @Test
    void aKilledSenderSendsNothingWhenRoomIsMadeLater() throws InterruptedException {
        int id = init.ok("msgget IPC_PRIVATE 0600");
        init.ok("msgctl " + id + " IPC_SET qbytes=10");
        init.ok("msgsnd " + id + " 1 0123456789");
        AtomicReference<String> reply = new AtomicReference<>();
        Thread th = killedWhileBlockedIn("msgsnd " + id + " 2 ghost", "SIGKILL", reply);
        assertThat(init.run("msgrcv " + id + " 0 IPC_NOWAIT")).isEqualTo("10 mtype=1 text=0123456789");
        th.join();
        assertThat(qnumCbytes(id)).isEqualTo("qnum=0 cbytes=0");
        assertThat(reply.get()).isEqualTo("-1 EINTR");
    }

    @Test
    void aKilledSemopAppliesNothingLater() throws InterruptedException {
        int id = init.ok("semget IPC_PRIVATE 1 0600");
        AtomicReference<String> reply = new AtomicReference<>();
        Thread th = killedWhileBlockedIn("semop " + id + " 0:-1", "SIGKILL", reply);
        init.ok("semop " + id + " 0:1");
        th.join();
        assertThat(init.run("semctl " + id + " 0 GETVAL")).isEqualTo("1");
        assertThat(reply.get()).isEqualTo("-1 EINTR");
    }
}
