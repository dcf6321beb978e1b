package procsim.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import procsim.attach.HostProcesses;
import procsim.attach.LinuxHostProcesses;

/**
 * A pidfd pin holds the task, not its number: alive while the process runs and while it is a
 * zombie (pidfd_send_signal of signal 0 finds the task until release_task), dead once reaped, and
 * cheap to find dead (no exception). Gone ids and closed pins are never alive.
 */
class PidfdHostProcessesTest {
    private final HostProcesses host = PidfdHostProcesses.over(new LinuxHostProcesses());

    @Test
    void thisMachineHasPidfdPins() {
        assertThat(host).isInstanceOf(PidfdHostProcesses.class);
        HostProcesses.Pin self = host.pin((int) ProcessHandle.current().pid());
        assertThat(self.failsCheaply()).isTrue();
        assertThat(self.alive()).isTrue();
        self.close();
        assertThat(self.alive()).as("closed").isFalse();
        assertThat(host.pin(Integer.MAX_VALUE)).as("no such process").isNull();
    }

    /** As LinuxHostProcessesTest's comm pin, with its python parent that never waits. */
    @Test
    @Timeout(20)
    void aPinLivesWithItsProcessAZombieIncluded() throws Exception {
        procsim.attach.ZombieParent zp = new procsim.attach.ZombieParent();
        Process parent = zp.parent;
        try {
            int zombie = zp.zombie;
            HostProcesses.Pin pinned = host.pin(zombie);
            while (!Files.readString(Path.of("/proc/" + zombie + "/stat")).contains(") Z ")) Thread.onSpinWait();
            assertThat(pinned.alive()).as("a zombie").isTrue();
            HostProcesses.Pin p = host.pin((int) parent.pid());
            assertThat(p.alive()).isTrue();
            parent.destroy();
            parent.waitFor(); // reaped by the JVM, and its zombie child by init
            assertThat(p.alive()).as("reaped").isFalse();
            p.close();
            pinned.close();
        } finally {
            parent.destroyForcibly();
        }
    }

    /**
     * A child found by the pid its parent's own namespace gives it (NS_GET_PID_FROM_PIDNS), pinned
     * by pidfd: bash, pid 1 of a new pid namespace, and its child sleep, pid 2 there.
     */
    @Test
    @Timeout(20)
    void aChildIsFoundByThePidItsParentsNamespaceGivesIt() throws Exception {
        try (Namespace ns = Namespace.start()) {
            HostProcesses.PinnedChild pinned = host.pinChild((int) ns.bash.pid(), 2);
            assertThat(pinned.pid()).isEqualTo((int) ns.sleep.pid());
            assertThat(pinned.pin().failsCheaply()).isTrue();
            assertThat(pinned.pin().alive()).isTrue();
            pinned.pin().close();
            assertThat(host.pinChild((int) ns.bash.pid(), (int) ns.sleep.pid())).as("the host's number").isNull();
            assertThat(host.pinChild((int) ns.unshare.pid(), (int) ns.bash.pid())).as("in the host's namespace")
                    .extracting(HostProcesses.PinnedChild::pid).isEqualTo((int) ns.bash.pid());
            assertThat(host.pinChild((int) ns.sleep.pid(), 1)).as("no child").isNull();
        }
    }

    /** Where the kernel cannot translate, the children lists find the same child, pinned by a pidfd too. */
    @Test
    @Timeout(20)
    void withoutTheTranslationTheChildrenListsFindTheChildPinnedByPidfd() throws Exception {
        try (Namespace ns = Namespace.start()) {
            HostProcesses.PinnedChild pinned = ((PidfdHostProcesses) host).pinChildByChildren((int) ns.bash.pid(), 2);
            assertThat(pinned.pid()).isEqualTo((int) ns.sleep.pid());
            assertThat(pinned.pin().failsCheaply()).as("a pidfd, not a comm file").isTrue();
            pinned.pin().close();
        }
    }

    /**
     * The caller's pid namespace file is kept open while the caller lives (two descriptors: the
     * file and the caller's pidfd), not one more a call; once the caller is gone its entry goes.
     */
    @Test
    @Timeout(20)
    void aCallersNamespaceFileIsKeptWhileItLives() throws Exception {
        try (Namespace ns = Namespace.start()) {
            int caller = (int) ns.bash.pid();
            long fds = openFds();
            for (int i = 0; i < 100; i++) {
                HostProcesses.PinnedChild pinned = host.pinChild(caller, 2);
                assertThat(pinned.pid()).isEqualTo((int) ns.sleep.pid());
                pinned.pin().close();
            }
            assertThat(openFds() - fds).as("the kept file and pidfd of the caller").isBetween(0L, 2L);
            ns.bash.destroyForcibly(); // its namespace's init: its sleep goes too, and unshare reaps it
            while (ns.bash.isAlive()) Thread.onSpinWait();
            assertThat(host.pinChild(caller, 2)).as("the caller is gone").isNull();
        }
    }

    /**
     * bash as pid 1 of a new pid namespace, its child sleep pid 2 there; closing kills unshare, and
     * with it (--kill-child) the namespace's init and so all of it.
     */
    private record Namespace(Process unshare, ProcessHandle bash, ProcessHandle sleep) implements AutoCloseable {
        static Namespace start() throws java.io.IOException {
            Process unshare = new ProcessBuilder("unshare", "--pid", "--fork", "--kill-child", "bash", "-c", "sleep 30 & wait").start();
            ProcessHandle bash = child(unshare.toHandle());
            return new Namespace(unshare, bash, child(bash));
        }

        @Override
        public void close() {
            unshare.destroyForcibly();
        }
    }

    /** The first child of {@code p}, once it has one. */
    private static ProcessHandle child(ProcessHandle p) {
        while (true) {
            ProcessHandle c = p.children().findFirst().orElse(null);
            if (c != null) return c;
            Thread.onSpinWait();
        }
    }

    /** The calling thread's host id (/proc/thread-self is /proc/PID/task/TID). */
    private static int ownTid() throws java.io.IOException {
        String self = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString();
        return Integer.parseInt(self.substring(self.lastIndexOf('/') + 1));
    }

    private static long openFds() throws java.io.IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /**
     * A child is its parent process's, as getppid and wait see it: one a thread forked is found by
     * another thread of the process (the kernel's translation and PIDFD_GET_INFO's ppid, and the
     * children lists of every thread where the translation is missing), and by no other process.
     */
    @Test
    @Timeout(20)
    void aChildOfOneThreadIsTheProcesssFoundByAnother() throws Exception {
        int[] forker = new int[1];
        Process[] sleep = new Process[1];
        java.util.concurrent.CountDownLatch forked = new java.util.concurrent.CountDownLatch(1), done = new java.util.concurrent.CountDownLatch(1);
        Thread t = new Thread(() -> { // alive through the lookups: the child stays in its own children list
            try {
                forker[0] = ownTid();
                sleep[0] = new ProcessBuilder("sleep", "30").start();
                forked.countDown();
                done.await();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        forked.await();
        int caller = ownTid(), child = (int) sleep[0].pid();
        try {
            assertThat(forker[0]).as("another thread forked it").isNotEqualTo(caller).isNotZero();
            assertThat(Files.readString(Path.of("/proc/" + forker[0] + "/task/" + forker[0] + "/children"))).contains(child + " ");
            HostProcesses.PinnedChild pinned = host.pinChild(caller, child);
            assertThat(pinned).isNotNull().extracting(HostProcesses.PinnedChild::pid).isEqualTo(child);
            pinned.pin().close();
            pinned = ((PidfdHostProcesses) host).pinChildByChildren(caller, child);
            assertThat(pinned).as("by the children lists").isNotNull().extracting(HostProcesses.PinnedChild::pid).isEqualTo(child);
            pinned.pin().close();
            try (Namespace ns = Namespace.start()) {
                // unshare is in our namespace: the number translates, and the parent check refuses
                assertThat(host.pinChild((int) ns.unshare.pid(), child)).as("another process's caller").isNull();
                assertThat(((PidfdHostProcesses) host).pinChildByChildren((int) ns.unshare.pid(), child)).isNull();
            }
        } finally {
            done.countDown();
            t.join();
            sleep[0].destroyForcibly().waitFor();
        }
    }

    /**
     * The fallbacks, the libc's calls made to fail as they would: a caller's pid namespace file that
     * cannot be opened (an unprivileged daemon, a non-dumpable caller) sends the lookup to the
     * children lists, not to ESRCH; without PIDFD_GET_INFO (Linux 6.11-6.12) the child's and the
     * caller's ids come from status. Each finds the child, and refuses another process's caller.
     */
    @Test
    @Timeout(20)
    void withoutTheNamespaceFileOrPidfdInfoTheChildIsStillFound() throws Exception {
        HostProcesses noNsFile = PidfdHostProcesses.over(new LinuxHostProcesses(), real -> new Wrapped(real) {
            @Override
            public int open(String path, int flags) {
                return path.endsWith("/ns/pid") ? -1 : real.open(path, flags);
            }
        });
        HostProcesses noInfo = PidfdHostProcesses.over(new LinuxHostProcesses(), real -> new Wrapped(real) {
            @Override
            public int ioctl(int fd, long request, long arg) {
                return request == 0xc040ff0bL ? -1 : real.ioctl(fd, request, arg); // PIDFD_GET_INFO
            }
        });
        Process sleep = new ProcessBuilder("sleep", "30").start();
        try (Namespace ns = Namespace.start()) {
            int caller = ownTid(), child = (int) sleep.pid();
            for (HostProcesses h : java.util.List.of(noNsFile, noInfo)) {
                HostProcesses.PinnedChild pinned = h.pinChild(caller, child);
                assertThat(pinned).isNotNull().extracting(HostProcesses.PinnedChild::pid).isEqualTo(child);
                pinned.pin().close();
                assertThat(h.pinChild((int) ns.unshare.pid(), child)).as("another process's caller").isNull();
                assertThat(h.pinChild((int) ns.bash.pid(), 2)).as("in a nested namespace").isNotNull()
                        .extracting(HostProcesses.PinnedChild::pid).isEqualTo((int) ns.sleep.pid());
            }
        } finally {
            sleep.destroyForcibly().waitFor();
        }
    }

    /** A libc whose calls go to {@code real}; a test overrides the one it makes fail. */
    private static class Wrapped implements PidfdHostProcesses.LibC {
        final PidfdHostProcesses.LibC real;

        Wrapped(PidfdHostProcesses.LibC real) {
            this.real = real;
        }

        @Override
        public long syscall(long number, long a1, long a2, long a3, long a4) {
            return real.syscall(number, a1, a2, a3, a4);
        }

        @Override
        public int open(String path, int flags) {
            return real.open(path, flags);
        }

        @Override
        public int ioctl(int fd, long request, long arg) {
            return real.ioctl(fd, request, arg);
        }

        @Override
        public int close(int fd) {
            return real.close(fd);
        }
    }

    /** A thread's id names no child: a child process is found by its pid only, by either way. */
    @Test
    @Timeout(20)
    void aChildsThreadIdIsNoChild() throws Exception {
        Process py = new ProcessBuilder("python3", "-c",
                "import threading, time\nthreading.Thread(target=time.sleep, args=(30,), daemon=True).start()\nprint(flush=True)\ntime.sleep(30)")
                .start();
        try {
            assertThat(py.getInputStream().read()).as("its second thread started").isEqualTo('\n');
            int pid = (int) py.pid(), caller = ownTid();
            int thread;
            try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                thread = tasks.mapToInt(p -> Integer.parseInt(p.getFileName().toString())).filter(x -> x != pid).findFirst().orElseThrow();
            }
            HostProcesses.PinnedChild pinned = host.pinChild(caller, pid);
            assertThat(pinned).isNotNull();
            pinned.pin().close();
            assertThat(host.pinChild(caller, thread)).as("its thread, by the translation").isNull();
            assertThat(((PidfdHostProcesses) host).pinChildByChildren(caller, thread)).as("by the children lists").isNull();
        } finally {
            py.destroyForcibly().waitFor();
        }
    }

    /**
     * A thread's child: its parent (PIDFD_GET_INFO's ppid) is the process, not the thread, and it is
     * in the thread's own children list (copy_process makes current, the thread, its real_parent).
     */
    @Test
    @Timeout(20)
    void aThreadsChildIsFoundInTheThreadsChildren() throws Exception {
        int[] found = new int[3];
        Thread t = new Thread(() -> {
            try {
                int tid = ownTid();
                Process sleep = new ProcessBuilder("sleep", "30").start();
                try {
                    HostProcesses.PinnedChild pinned = host.pinChild(tid, (int) sleep.pid());
                    found[0] = pinned == null ? -1 : pinned.pid();
                    found[1] = (int) sleep.pid();
                    found[2] = tid;
                    if (pinned != null) pinned.pin().close();
                } finally {
                    sleep.destroyForcibly();
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        t.start();
        t.join();
        assertThat(found[2]).as("a thread, not the process").isNotEqualTo((int) ProcessHandle.current().pid());
        assertThat(found[0]).isEqualTo(found[1]);
    }

    @Test
    void aThreadCanBePinned() throws Exception {
        HostProcesses.Pin pin = host.pin(ownTid());
        assertThat(pin.failsCheaply()).as("a pidfd, PIDFD_THREAD").isTrue();
        assertThat(pin.alive()).isTrue();
        pin.close();
    }
}
