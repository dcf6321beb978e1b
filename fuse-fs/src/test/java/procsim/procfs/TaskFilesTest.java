package procsim.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import procsim.abi.Errno;

/**
 * cmdline, environ and statm of {@code /proc/<pid>/} and {@code task/<tid>/}, and one memory model
 * read alike by status, stat and statm.
 */
class TaskFilesTest {
    private static final Caller OPERATOR = ProcFsTest.OPERATOR;
    private final ProcFsTest tree = new ProcFsTest();
    private final ProcFs fs = tree.fs;

    private String read(Caller c, String path) {
        return tree.read(c, path);
    }

    /** The result's value, the line's first word. */
    private String syscall(Caller c, String path, String line) {
        return tree.syscall(c, path, line + "\n").strip().split(" ")[0];
    }

    private String sys(String line) {
        return syscall(OPERATOR, "/1/task/1/syscall", line);
    }

    /** fs/proc/base.c get_mm_cmdline: the arg area, every argument NUL-terminated. */
    @Test
    void cmdlineIsTheLastExecvesArgvInEveryTaskDirectory() {
        assertThat(read(OPERATOR, "/1/cmdline")).isEqualTo("/sbin/init\0");
        String child = sys("fork");
        String pre = "/" + child + "/";
        assertThat(read(OPERATOR, pre + "cmdline")).as("fork copies the arg area").isEqualTo("/sbin/init\0");
        syscall(OPERATOR, pre + "task/" + child + "/syscall", "execve /bin/sleep sleep 1000");
        String thread = syscall(OPERATOR, pre + "task/" + child + "/syscall", "clone CLONE_THREAD|CLONE_SIGHAND|CLONE_VM");
        for (String dir : new String[] {pre, pre + "task/" + child + "/", pre + "task/" + thread + "/"}) {
            assertThat(read(OPERATOR, dir + "cmdline")).as(dir).isEqualTo("sleep\0" + "1000\0");
            assertThat(read(OPERATOR, dir + "environ")).as(dir).isEmpty();
            assertThat(fs.getattr(OPERATOR, dir + "environ").permissions()).isEqualTo(0400);
            assertThat(read(OPERATOR, dir + "statm")).as(dir).isEqualTo("510 439 411 5 0 123 0\n");
        }
        syscall(OPERATOR, pre + "task/" + child + "/syscall", "exit_group 0");
        assertThat(read(OPERATOR, pre + "cmdline")).as("a zombie has no mm").isEmpty();
        assertThat(read(OPERATOR, pre + "statm")).isEqualTo("0 0 0 0 0 0 0\n");
        sys("wait4");
        assertThat(ProcFsTest.errno(() -> read(OPERATOR, pre + "cmdline"))).isEqualTo(Errno.ENOENT);
    }

    /** statm (pages), stat's vsize (bytes) and rss (pages), status's kB: one mm, shm attach included. */
    @Test
    void statusStatAndStatmAgree() {
        String id = sys("shmget IPC_PRIVATE 20000 IPC_CREAT|0600");
        sys("shmat " + id);
        String status = read(OPERATOR, "/1/status");
        String[] stat = read(OPERATOR, "/1/stat").split(" ");
        long[] statm = Arrays.stream(read(OPERATOR, "/1/statm").strip().split(" ")).mapToLong(Long::parseLong).toArray();
        assertThat(kb(status, "RssShmem")).isEqualTo(20);
        assertThat(statm[0] * 4).isEqualTo(kb(status, "VmSize"));
        assertThat(Long.parseLong(stat[22])).isEqualTo(kb(status, "VmSize") * 1024);
        assertThat(statm[1] * 4).isEqualTo(kb(status, "VmRSS"));
        assertThat(Long.parseLong(stat[23]) * 4).isEqualTo(kb(status, "VmRSS"));
        assertThat(statm[2] * 4).isEqualTo(kb(status, "RssFile") + kb(status, "RssShmem"));
        assertThat(statm[3] * 4).isEqualTo(kb(status, "VmExe"));
        assertThat(statm[5] * 4).isEqualTo(kb(status, "VmData") + kb(status, "VmStk"));
    }

    private static long kb(String status, String key) {
        for (String line : status.split("\n")) {
            if (line.startsWith(key + ":\t")) return Long.parseLong(line.substring(key.length() + 2, line.length() - 3).strip());
        }
        throw new AssertionError("no " + key);
    }

    /**
     * fs/proc/array.c task_sig (collect_sigign_sigcatch, render_sigset_t: 16 hex digits) and
     * do_task_stat's fields 31-34 (each set's first word & 0x7fffffff: a realtime signal shows
     * only in status): the process's ignored and caught signals, in every thread's files, and each
     * thread's own blocked set (SigBlk, field 32) and pending set (SigPnd, field 31: tkill's); what
     * waits in a stopped process is ShdPnd.
     */
    @Test
    void statusAndStatShowIgnoredCaughtBlockedAndPendingSignals() {
        String child = sys("fork");
        String file = "/" + child + "/task/" + child + "/syscall";
        syscall(OPERATOR, file, "rt_sigaction SIGINT SIG_IGN");
        syscall(OPERATOR, file, "rt_sigaction SIGUSR1 0x401000");
        syscall(OPERATOR, file, "rt_sigaction 40 0x401000");
        syscall(OPERATOR, file, "rt_sigaction SIGCHLD SIG_DFL SA_NOCLDWAIT");
        syscall(OPERATOR, file, "rt_sigprocmask SIG_BLOCK SIGTERM");
        String thread = syscall(OPERATOR, file, "clone CLONE_THREAD|CLONE_SIGHAND|CLONE_VM");
        syscall(OPERATOR, "/" + child + "/task/" + thread + "/syscall", "rt_sigprocmask SIG_BLOCK SIGHUP|0x8000000000");
        sys("kill " + child + " SIGSTOP");
        sys("kill " + child + " SIGUSR1");
        sys("tkill " + thread + " SIGHUP");
        String[][] expected = {{"/" + child + "/", "0000000000000000", "0", "0000000000004000", "16384"},
                {"/" + child + "/task/" + thread + "/", "0000000000000001", "1", "0000008000004001", "16385"}};
        for (String[] e : expected) {
            String dir = e[0];
            String status = read(OPERATOR, dir + "status");
            assertThat(status).as(dir).contains("SigPnd:\t" + e[1] + "\nShdPnd:\t0000000000000200\n"
                    + "SigBlk:\t" + e[3] + "\nSigIgn:\t0000000000000002\nSigCgt:\t0000008000000200\n");
            String[] stat = read(OPERATOR, dir + "stat").split(" ");
            assertThat(Arrays.copyOfRange(stat, 30, 34)).as(dir).containsExactly(e[2], e[4], "2", "512");
        }
    }
}
