package procsim.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import procsim.kernel.Sim;
import procsim.task.Task;

/**
 * One message queue under load from real threads, each a sim task of its own making syscall
 * lines: ipc/msg.c's accounting must hold at every step. Every IPC_STAT and every snapshot taken
 * under the kernel's read lock (as /proc/sysvipc/msg renders) must show qnum = the messages on the
 * queue, cbytes = the sum of their sizes, both within msg_qbytes (msg_fits_inqueue); at each
 * quiescent point qnum = sent - received and cbytes likewise; and in the end every message sent was
 * received exactly once. Only invariants are asserted: the interleaving differs from run to run.
 */
class MsgQueueLoadTest {
    private static final int SENDERS = 4;
    private static final int RECEIVERS = 4;
    private static final int PER_SENDER = 3_000;
    /** Small, so that senders block on a full queue and receivers on an empty one. */
    private static final int QBYTES = 200;

    private final Sim sim = new Sim();
    private final Sim.Runner init = sim.as(1);
    private final int id = init.ok("msgget IPC_PRIVATE 0600");
    private final MsgQueue queue = IpcUtil.list(sim.task(1).ipcNs().msg()).get(0);
    private final Map<String, LongAdder> received = new ConcurrentHashMap<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile CyclicBarrier barrier;

    /** A task of its own for each thread, as each shell is attached to its own. */
    private Sim.Runner newTask() {
        Task t = init.child("fork");
        return sim.as(t);
    }

    private static String text(int sender, int seq) {
        return "s" + sender + "-" + seq + "x".repeat(seq % 7);
    }

    private static int size(int seq, int sender) {
        return text(sender, seq).length();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void blockingSendersAndReceiversKeepQnumAndCbytesExact() throws Exception {
        init.ok("msgctl " + id + " IPC_SET qbytes=" + QBYTES);
        AtomicInteger toReceive = new AtomicInteger(SENDERS * PER_SENDER);
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            int sender = s;
            Sim.Runner task = newTask();
            threads.add(thread(() -> {
                for (int seq = 0; seq < PER_SENDER; seq++) {
                    expect(task.run("msgsnd " + id + " " + (1 + seq % 3) + " " + text(sender, seq)), "0");
                }
            }));
        }
        for (int r = 0; r < RECEIVERS; r++) {
            String mtype = r % 2 == 0 ? "0" : "-3";
            Sim.Runner task = newTask();
            threads.add(thread(() -> {
                while (toReceive.getAndDecrement() > 0) receive(task.run("msgrcv " + id + " " + mtype));
            }));
        }
        Sim.Runner statter = newTask();
        Thread monitor = thread(() -> {
            while (running.get()) {
                checkSnapshot();
                checkStat(statter.run("msgctl " + id + " IPC_STAT"));
            }
        });
        for (Thread t : threads) t.start();
        monitor.start();
        for (Thread t : threads) t.join();
        running.set(false);
        monitor.join();
        if (failure.get() != null) throw new AssertionError(failure.get());

        assertEveryMessageReceivedOnce();
        assertThat(stat(init.run("msgctl " + id + " IPC_STAT"))).containsEntry("qnum", 0L).containsEntry("cbytes", 0L);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void nonBlockingRoundsMatchSentMinusReceivedAtEveryQuiescentPoint() throws Exception {
        int rounds = 50;
        int perRound = 60;
        LongAdder sent = new LongAdder();
        LongAdder sentBytes = new LongAdder();
        LongAdder got = new LongAdder();
        LongAdder gotBytes = new LongAdder();
        barrier = new CyclicBarrier(SENDERS + RECEIVERS, () -> {
            Map<String, Long> st = stat(init.run("msgctl " + id + " IPC_STAT"));
            if (st.get("qnum") != sent.sum() - got.sum() || st.get("cbytes") != sentBytes.sum() - gotBytes.sum()) {
                AssertionError e = new AssertionError("at a quiescent point " + st + " but sent " + sent.sum() + " ("
                        + sentBytes.sum() + " bytes), received " + got.sum() + " (" + gotBytes.sum() + " bytes)");
                failure.compareAndSet(null, e); // before the waiters see the barrier broken
                throw e;
            }
        });
        init.ok("msgctl " + id + " IPC_SET qbytes=" + QBYTES * 10);
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            int sender = s;
            Sim.Runner task = newTask();
            threads.add(thread(() -> {
                int seq = 0;
                for (int round = 0; round < rounds; round++) {
                    for (int i = 0; i < perRound; i++, seq++) {
                        String r = task.run("msgsnd " + id + " 1 " + text(sender, seq) + " IPC_NOWAIT");
                        if (r.equals("0")) {
                            sent.increment();
                            sentBytes.add(size(seq, sender));
                        } else {
                            expect(r, "-1 EAGAIN");
                            seq--;
                        }
                    }
                    barrier.await();
                }
            }));
        }
        for (int r = 0; r < RECEIVERS; r++) {
            Sim.Runner task = newTask();
            threads.add(thread(() -> {
                for (int round = 0; round < rounds; round++) {
                    for (int i = 0; i < perRound; i++) {
                        String reply = task.run("msgrcv " + id + " 0 IPC_NOWAIT");
                        if (!reply.equals("-1 ENOMSG")) {
                            String text = receive(reply);
                            got.increment();
                            gotBytes.add(text.length());
                        }
                    }
                    checkSnapshot();
                    barrier.await();
                }
            }));
        }
        for (Thread t : threads) t.start();
        for (Thread t : threads) t.join();
        if (failure.get() != null) throw new AssertionError(failure.get());
        while (!init.run("msgrcv " + id + " 0 IPC_NOWAIT").equals("-1 ENOMSG")) got.increment();
        assertThat(got.sum()).isEqualTo(sent.sum());
    }

    private Thread thread(ThrowingRunnable body) {
        return new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                if (failure.compareAndSet(null, e)) abort();
            }
        });
    }

    /** After a failure: removing the queue wakes every blocked call (EIDRM), breaking the barrier every waiter. */
    private void abort() {
        init.run("msgctl " + id + " IPC_RMID");
        if (barrier != null) barrier.reset();
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static void expect(String reply, String wanted) {
        if (!reply.equals(wanted)) throw new AssertionError("got " + reply + ", want " + wanted);
    }

    /** Records a msgrcv reply {@code <len> mtype=N text=T}; returns T. */
    private String receive(String reply) {
        int at = reply.indexOf(" text=");
        if (at < 0) throw new AssertionError("msgrcv: " + reply);
        String text = reply.substring(at + 6);
        if (Integer.parseInt(reply.substring(0, reply.indexOf(' '))) != text.length()) {
            throw new AssertionError("length and text disagree: " + reply);
        }
        received.computeIfAbsent(text, k -> new LongAdder()).increment();
        return text;
    }

    /** As /proc/sysvipc/msg reads it: under the read lock, every field from one state. */
    private void checkSnapshot() {
        long[] s = sim.kernel.read(() -> {
            long bytes = 0;
            for (MsgQueue.Message m : queue.messages()) bytes += m.size();
            return new long[] {queue.qnum(), queue.cbytes(), queue.messages().size(), bytes, queue.qbytes()};
        });
        if (s[0] != s[2] || s[1] != s[3] || s[1] > s[4] || s[0] > s[4]) {
            throw new AssertionError("qnum " + s[0] + " cbytes " + s[1] + " but " + s[2] + " messages of "
                    + s[3] + " bytes queued, qbytes " + s[4]);
        }
    }

    private static void checkStat(String reply) {
        Map<String, Long> st = stat(reply);
        if (st.get("cbytes") > st.get("qbytes") || st.get("qnum") > st.get("qbytes") || st.get("qnum") < 0
                || st.get("cbytes") < 0 || (st.get("qnum") == 0) != (st.get("cbytes") == 0)) {
            throw new AssertionError("IPC_STAT " + st);
        }
    }

    private static Map<String, Long> stat(String reply) {
        if (!reply.startsWith("0 ")) throw new AssertionError("IPC_STAT: " + reply);
        Map<String, Long> m = new java.util.HashMap<>();
        for (String kv : reply.substring(2).split(" ")) {
            int eq = kv.indexOf('=');
            m.put(kv.substring(0, eq), Long.parseLong(kv.substring(eq + 1)));
        }
        return m;
    }

    private void assertEveryMessageReceivedOnce() {
        Collection<String> wrong = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            for (int seq = 0; seq < PER_SENDER; seq++) {
                LongAdder n = received.get(text(s, seq));
                if (n == null || n.sum() != 1) wrong.add(text(s, seq) + " x" + (n == null ? 0 : n.sum()));
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(received).hasSize(SENDERS * PER_SENDER);
    }
}
