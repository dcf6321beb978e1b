package procsim.restorer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mount port's reads and its dry run, on a directory laid out as a mount's init (no mount needed). */
class MountPortTest {
    @TempDir
    Path m;

    /** The fd link points outside the temp dir: removed here, so JUnit's cleanup has nothing to warn of. */
    @AfterEach
    void removeLink() throws Exception {
        Files.deleteIfExists(m.resolve("1/fd/0"));
    }

    private void fakeInit() throws Exception {
        Path init = Files.createDirectories(m.resolve("1"));
        Files.writeString(init.resolve("status"), "Name:\tinit\nState:\tS (sleeping)\nPPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nNSpid:\t1\n"
                + "ShdPnd:\t0000000000000000\nSigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\nSigCgt:\t0000000000000000\n"
                + "CapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\nCapEff:\t000001ffffffffff\nCapBnd:\t000001ffffffffff\n"
                + "CapAmb:\t0000000000000000\n");
        Files.writeString(init.resolve("cmdline"), "/sbin/init\0");
        Files.writeString(init.resolve("maps"), "7f0000000000-7f0000001000 rw-s 00000000 00:01 3                          /SYSVdeadbeef (deleted)\n");
        Files.createDirectories(init.resolve("fd"));
        Files.createDirectories(init.resolve("fdinfo"));
        Files.createSymbolicLink(init.resolve("fd/0"), Path.of("/dev/console"));
        Files.writeString(init.resolve("fdinfo/0"), "pos:\t5\nflags:\t0100002\nmnt_id:\t1\n");
    }

    /**
     * The open files are found by (pid, tid) in a hash map: a key whose hash is pid ^ tid put every
     * leader's file (pid == tid) in one bin, searched by compareTo.
     */
    @Test
    void theOpenFilesKeysSpreadOverTheMap() {
        java.util.Set<Integer> hashes = new java.util.HashSet<>();
        for (int pid = 1; pid <= 1000; pid++) {
            hashes.add(Long.hashCode(MountPort.key(pid, pid))); // leaders
            hashes.add(Long.hashCode(MountPort.key(pid, 1000 + pid))); // a thread each (a tid is no other task's)
        }
        assertThat(hashes).hasSize(2000);
        assertThat(MountPort.key(5, 7)).isNotEqualTo(MountPort.key(7, 5));
        assertThat(MountPort.key(4194304, 1)).isNotEqualTo(MountPort.key(4194303, 4194304 + 1));
    }

    @Test
    void readsInitAsProcfsShowsIt() throws Exception {
        fakeInit();
        try (MountPort port = new MountPort(m, null)) {
            assertThat(port.task(1)).isEqualTo(Images.task("init", 0, List.of(1)));
            assertThat(port.task(2)).isNull();
            assertThat(port.argv(1)).containsExactly("/sbin/init");
            assertThat(port.fds(1)).containsExactly(new Image.Fd(0, "0100002", 5, "/dev/console"));
            assertThat(port.shmAttaches(1)).containsExactly(new Image.ShmAttach(0x7f0000000000L, 3, "rw"));
        }
        // the mask and the pending signals, as status names them (SigBlk, ShdPnd), each its own
        Path status = m.resolve("1/status");
        Files.writeString(status, Files.readString(status).replace("ShdPnd:\t0000000000000000", "ShdPnd:\t0000000000000800")
                .replace("SigBlk:\t0000000000000000", "SigBlk:\t0000000000000a00"));
        try (MountPort port = new MountPort(m, null)) {
            assertThat(port.task(1).shdPnd()).isEqualTo("0000000000000800");
            assertThat(port.task(1).sigBlk()).isEqualTo("0000000000000a00");
        }
    }

    /** The lines of an ns_last_pid dry run of {@code procs} into the fake mount. */
    private List<String> nsLastPidDryRun(Image.Process... procs) throws Exception {
        fakeInit();
        StringWriter out = new StringWriter();
        try (MountPort port = new MountPort(m, new PrintWriter(out, true))) {
            Restore.run(Images.of(procs), RestoreMethod.NS_LAST_PID, port, true);
        }
        return out.toString().lines().toList();
    }

    /** ns_last_pid's writes left out, as a dry run shows them: the value, and whose namespace. */
    @Test
    void aDryRunSaysWhichNsLastPidWritesItLeavesOut() throws Exception {
        assertThat(nsLastPidDryRun(Images.proc(5, 1, List.of(5, 1), "init"), Images.proc(6, 5, List.of(6, 2), "init"))).containsSubsequence(
                m + "/sys/kernel/ns_last_pid <- 4",
                m + "/1/syscall <- clone CLONE_NEWPID|SIGCHLD",
                m + "/sys/kernel/ns_last_pid == 5   (the last fork there gave it: not written)",
                m + "/sys/kernel/ns_last_pid == 1   (in 5's namespace, the last fork there gave it: not written)",
                m + "/5/syscall <- fork");
    }

    /** A mask is written by its own task, the leader's on M/PID/syscall, a thread's on its task's; a pending signal by its process. */
    @Test
    void aDryRunPrintsTheMasksAndPendingSignalsOnEachTasksOwnFile() throws Exception {
        fakeInit();
        StringWriter out = new StringWriter();
        try (MountPort port = new MountPort(m, new PrintWriter(out, true))) {
            Restore.run(Images.sample(), RestoreMethod.ECLONE, port, true);
        }
        assertThat(out.toString().lines().toList()).containsSubsequence(
                m + "/5/syscall <- rt_sigaction 10 0x401000 0x14000000",
                m + "/5/syscall <- rt_sigprocmask SIG_SETMASK 0x800",
                m + "/5/task/7/syscall <- rt_sigprocmask SIG_SETMASK 0x801",
                m + "/6/syscall <- rt_sigprocmask SIG_SETMASK 0x8000000000000200",
                m + "/1/syscall <- kill 6 SIGSTOP",
                m + "/5/syscall <- kill 1 12",
                m + "/6/syscall <- kill 2 15");
    }

    @Test
    void aDryRunPrintsEachFileAndLineInOrderAndWritesNothing() throws Exception {
        assertThat(nsLastPidDryRun(Images.proc(5, 1, List.of(5, 1), "init"), Images.proc(7, 5, List.of(7, 3), "init"))).containsExactly(
                m + "/1/syscall <- prctl PR_GET_KEEPCAPS", // printed, not asked
                m + "/1/syscall <- rt_sigaction SIGCHLD", // printed, not asked
                m + "/sys/kernel/ns_last_pid <- 4",
                m + "/1/syscall <- clone CLONE_NEWPID|SIGCHLD",
                m + "/5/syscall <- close 0",
                // init's fd 0 is at offset 5, the image's at 0: closed and opened again; 1 and 2 are
                // the lowest free fds when opened, so no dup2
                m + "/5/syscall <- open /dev/console 02",
                m + "/5/syscall <- open /dev/console 02",
                m + "/5/syscall <- open /dev/console 02",
                m + "/5/syscall <- shmdt 139637976727552",
                m + "/sys/kernel/ns_last_pid <- 6",
                m + "/sys/kernel/ns_last_pid <- 2   (by a restorer attached as 5: " + m + "/5/task/5/attach)",
                m + "/5/syscall <- fork");
        try (var files = Files.walk(m)) {
            assertThat(files.filter(p -> p.getFileName().toString().matches("syscall|ns_last_pid|attach"))).isEmpty();
        }
    }
}
