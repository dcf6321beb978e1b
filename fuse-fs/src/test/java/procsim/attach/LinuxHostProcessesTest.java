package procsim.attach;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinuxHostProcessesTest {
    private static final String STATUS = """
            Name:\tbash
            Umask:\t0022
            State:\tS (sleeping)
            Tgid:\t%d
            Ngid:\t0
            Pid:\t%d
            PPid:\t%d
            TracerPid:\t0
            """;

    private static void fakeTask(Path root, int tid, int tgid, int ppid, String comm, long start) throws IOException {
        Path dir = Files.createDirectories(root.resolve(Integer.toString(tid)));
        Files.writeString(dir.resolve("status"), STATUS.formatted(tgid, tid, ppid));
        // pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime
        // cutime cstime priority nice num_threads itrealvalue starttime vsize ...
        Files.writeString(dir.resolve("stat"), tid + " (" + comm + ") S " + ppid
                + " 100 100 34816 100 4194304 1 2 3 4 5 6 7 8 20 0 1 0 " + start + " 8945664 1000 0\n");
    }

    @Test
    void readsAFakeProc(@TempDir Path root) throws IOException {
        fakeTask(root, 700, 690, 1, "bash", 123456789L);
        fakeTask(root, 701, 701, 700, "odd ) name (x", 42L);
        LinuxHostProcesses host = new LinuxHostProcesses(root.toString());

        assertThat(host.tgidOf(700)).isEqualTo(OptionalInt.of(690));
        assertThat(host.parentOf(700)).isEqualTo(OptionalInt.of(1));
        assertThat(host.startTimeOf(700)).isEqualTo(OptionalLong.of(123456789L));
        assertThat(host.sessionOf(700)).isEqualTo(OptionalInt.of(100));
        // a comm with spaces and ')' is skipped by splitting at the last ')'
        assertThat(host.parentOf(701)).isEqualTo(OptionalInt.of(700));
        assertThat(host.startTimeOf(701)).isEqualTo(OptionalLong.of(42L));
        assertThat(host.idsOf(700)).isEqualTo(new HostProcesses.Ids(690, 1));
        assertThat(host.idsOf(701)).isEqualTo(new HostProcesses.Ids(701, 700));
    }

    @Test
    void aMissingOrBrokenTaskIsEmpty(@TempDir Path root) throws IOException {
        LinuxHostProcesses host = new LinuxHostProcesses(root.toString());
        assertThat(host.tgidOf(5)).isEmpty();
        assertThat(host.parentOf(5)).isEmpty();
        assertThat(host.startTimeOf(5)).isEmpty();
        assertThat(host.sessionOf(5)).isEmpty();
        assertThat(host.tgidOf(0)).isEmpty();
        assertThat(host.parentOf(-1)).isEmpty();
        assertThat(host.idsOf(5)).isNull();
        assertThat(host.idsOf(0)).isNull();

        Path dir = Files.createDirectories(root.resolve("9"));
        Files.writeString(dir.resolve("status"), "Name:\tx\nTgid:\tabc\n");
        Files.writeString(dir.resolve("stat"), "9 (x) S 12");
        assertThat(host.tgidOf(9)).isEmpty();
        assertThat(host.parentOf(9)).isEmpty(); // cut off: no terminator after the number
        assertThat(host.startTimeOf(9)).isEmpty();
        assertThat(host.idsOf(9)).isNull();
        Files.writeString(dir.resolve("status"), "Name:\tx\nTgid:\t9\nPid:\t9\n");
        assertThat(host.idsOf(9)).as("no PPid line: no parent known").isEqualTo(new HostProcesses.Ids(9, 0));
    }

    /** getpid() in the thread's own pid namespace: NStgid's last field (fs/proc/array.c task_state). */
    @Test
    void tgidVnrIsTheLastNstgidField(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("700"));
        Files.writeString(root.resolve("700/status"), "Name:\tps\nTgid:\t690\nNStgid:\t690\t7\nNSpid:\t700\t9\n");
        Files.createDirectories(root.resolve("800"));
        Files.writeString(root.resolve("800/status"), "Name:\tbash\nNStgid:\t800\n");
        Files.createDirectories(root.resolve("900"));
        Files.writeString(root.resolve("900/status"), "Name:\told kernel\n");
        Files.createDirectories(root.resolve("901"));
        Files.writeString(root.resolve("901/status"), "Name:\tcut\nNStgid:\t901\t3");
        LinuxHostProcesses host = new LinuxHostProcesses(root.toString());
        assertThat(host.tgidVnrOf(700)).isEqualTo(OptionalInt.of(7));
        assertThat(host.tgidVnrOf(800)).isEqualTo(OptionalInt.of(800));
        assertThat(host.tgidVnrOf(900)).isEmpty();
        assertThat(host.tgidVnrOf(901)).isEmpty();
        assertThat(host.tgidVnrOf(1234)).isEmpty();
    }

    /**
     * A thread's children file, every entry (more than one read holds); a child found by the pid
     * its parent's namespace gives it: its NStgid at the parent's level, wherever it is in the list.
     */
    @Test
    void aChildIsFoundByThePidItsParentsNamespaceGivesIt(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("50/task/50"));
        Files.writeString(root.resolve("50/status"), "Name:\tbash\nTgid:\t50\nNStgid:\t50\t1\n");
        StringBuilder many = new StringBuilder();
        for (int pid = 1000; pid < 1400; pid++) many.append(pid).append(' '); // longer than one read
        many.append("4321 4400 ");
        Files.writeString(root.resolve("50/task/50/children"), many);
        Files.createDirectories(root.resolve("4321"));
        Files.writeString(root.resolve("4321/status"), "Name:\tx\nTgid:\t4321\nNStgid:\t4321\t12\n");
        Files.writeString(root.resolve("4321/comm"), "x\n");
        Files.createDirectories(root.resolve("4400")); // an orphan handed to 50, after 4321
        Files.writeString(root.resolve("4400/status"), "Name:\ty\nTgid:\t4400\nNStgid:\t4400\t13\t1\n");
        Files.writeString(root.resolve("4400/comm"), "y\n");
        Files.createDirectories(root.resolve("60/task/60"));
        Files.writeString(root.resolve("60/task/60/children"), "");
        LinuxHostProcesses host = new LinuxHostProcesses(root.toString());
        int[] children = host.childrenOf(50);
        assertThat(children).hasSize(402).startsWith(1000, 1001).endsWith(4321, 4400);
        assertThat(host.childrenOf(60)).isEmpty();
        assertThat(host.childrenOf(80)).as("no such thread").isNull();
        assertThat(host.nsTgidsOf(4400)).containsExactly(4400, 13, 1);
        HostProcesses.PinnedChild pinned = host.pinChild(50, 12);
        assertThat(pinned.pid()).isEqualTo(4321);
        assertThat(pinned.pin().alive()).isTrue();
        pinned.pin().close();
        assertThat(host.pinChild(50, 13)).as("4400's pid at 50's level").isNotNull().extracting(HostProcesses.PinnedChild::pid).isEqualTo(4400);
        assertThat(host.pinChild(50, 4321)).as("the host's number, not the namespace's").isNull();
        assertThat(host.pinChild(60, 12)).as("no child").isNull();
        // a child of 50's other thread 51 is 50's process's too (getppid, wait): found from either thread
        Files.createDirectories(root.resolve("50/task/51")); // listed under its process; its files under /proc/<tid> too
        Files.createDirectories(root.resolve("51/task/51"));
        Files.writeString(root.resolve("51/task/51/children"), "5000 ");
        Files.createDirectories(root.resolve("5000"));
        Files.writeString(root.resolve("5000/status"), "Name:\tz\nTgid:\t5000\nNStgid:\t5000\t14\n");
        Files.writeString(root.resolve("5000/comm"), "z\n");
        assertThat(host.threadsOf(50)).containsExactlyInAnyOrder(50, 51);
        assertThat(host.threadsOf(80)).as("no such thread").isNull();
        assertThat(host.pinChild(50, 14)).as("its sibling thread's child").isNotNull().extracting(HostProcesses.PinnedChild::pid)
                .isEqualTo(5000);
        assertThat(host.pinChild(60, 14)).as("another process's").isNull();
    }

    /**
     * The children lists' way reads again once the child is pinned: a child gone from the list by
     * then (its number, pinned, may be another process's) is not found; one still there is.
     */
    @Test
    void aChildNoLongerListedOncePinnedIsNotFound() {
        int[] reads = {0};
        boolean[] leaves = {true};
        HostProcesses host = new HostProcesses() {
            @Override
            public OptionalInt tgidOf(int tid) {
                return OptionalInt.of(tid);
            }

            @Override
            public OptionalInt parentOf(int pid) {
                return OptionalInt.empty();
            }

            @Override
            public java.util.OptionalLong startTimeOf(int pid) {
                return java.util.OptionalLong.of(1);
            }

            @Override
            public int[] childrenOf(int tid) {
                return tid == 50 && (reads[0]++ == 0 || !leaves[0]) ? new int[] {500} : new int[0];
            }

            @Override
            public int[] nsTgidsOf(int tid) {
                return tid == 500 ? new int[] {500, 12} : new int[] {50, 1};
            }
        };
        assertThat(host.pinChild(50, 12)).as("gone from the list once pinned").isNull();
        leaves[0] = false;
        assertThat(host.pinChild(50, 12)).as("still listed").isNotNull().extracting(HostProcesses.PinnedChild::pid).isEqualTo(500);
    }

    @Test
    void readsTheRealProcForThisProcessAndThread() throws IOException {
        LinuxHostProcesses host = new LinuxHostProcesses();
        int pid = (int) ProcessHandle.current().pid();
        // /proc/thread-self -> "<pid>/task/<tid>"
        String self = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString();
        int tid = Integer.parseInt(self.substring(self.lastIndexOf('/') + 1));

        assertThat(host.tgidOf(tid)).isEqualTo(OptionalInt.of(pid));
        assertThat(host.tgidOf(pid)).isEqualTo(OptionalInt.of(pid));
        int parent = (int) ProcessHandle.current().parent().orElseThrow().pid();
        assertThat(host.parentOf(pid)).isEqualTo(OptionalInt.of(parent));
        assertThat(host.startTimeOf(pid).orElseThrow()).isPositive();
        assertThat(host.startTimeOf(pid)).isEqualTo(host.startTimeOf(pid));
        assertThat(host.tgidOf(Integer.MAX_VALUE)).isEmpty();
        assertThat(host.tgidVnrOf(tid)).isEqualTo(OptionalInt.of(pid)); // the host's namespace is our own
        // a thread's PPid is its process's parent: copy_process gives a CLONE_THREAD child
        // current->real_parent (kernel/fork.c), and task_state prints real_parent's tgid (fs/proc/array.c)
        assertThat(host.idsOf(tid)).isEqualTo(new HostProcesses.Ids(pid, parent));
        assertThat(host.idsOf(Integer.MAX_VALUE)).isNull();
        assertThat(host.exists(tid)).as("a thread's /proc/<tid>, not listed, is there").isTrue();
        assertThat(host.exists(Integer.MAX_VALUE)).isFalse();
        assertThat(host.threadsOf(tid)).as("the process's threads, by a thread's id").contains(pid, tid);
    }

    /**
     * A pin holds the process, not its number: an open /proc/<pid>/comm keeps the task's struct pid
     * (fs/proc/internal.h get_proc_task: get_pid_task(proc_pid(inode), PIDTYPE_PID)), so a read
     * after the task was reaped fails with ESRCH (fs/proc/base.c comm_show) whatever process has
     * the number by then; a zombie still has its task, and reads.
     */
    @Test
    void aPinLivesWithItsProcessAZombieIncluded() throws Exception {
        LinuxHostProcesses host = new LinuxHostProcesses();
        ZombieParent zp = new ZombieParent();
        Process parent = zp.parent;
        try {
            int zombie = zp.zombie;
            HostProcesses.Pin pinned = host.pin(zombie);
            assertThat(pinned).isNotNull();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!Files.readString(Path.of("/proc/" + zombie + "/stat")).contains(") Z ")) {
                assertThat(System.nanoTime()).as("a zombie within 10 s").isLessThan(deadline);
                Thread.onSpinWait();
            }
            assertThat(pinned.alive()).as("a zombie").isTrue();

            HostProcesses.Pin p = host.pin((int) parent.pid());
            assertThat(p.alive()).isTrue();
            parent.destroy();
            parent.waitFor(); // reaped by the JVM
            assertThat(p.alive()).as("reaped").isFalse();
            p.close();
            pinned.close();
            assertThat(pinned.alive()).as("closed").isFalse();
        } finally {
            parent.destroyForcibly();
        }
        assertThat(host.pin(Integer.MAX_VALUE)).isNull();
        assertThat(host.pin(0)).isNull();
    }
}
