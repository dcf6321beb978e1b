package procsim.procfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import procsim.abi.Errno;
import procsim.abi.SysError;
import procsim.attach.AttachTable;
import procsim.kernel.Kernel;
import procsim.task.Task;

/** The proc tree without a mount: listings, views, attach, the writable files. */
class ProcFsTest {
    static final Caller OPERATOR = new Caller(100, 0, 0);

    final FakeHost host = new FakeHost().process(100, 1).process(200, 1).process(201, 200).thread(202, 200)
            .process(300, 1);
    final Kernel kernel = Kernel.boot();
    final ProcFs fs = new ProcFs(kernel, new AttachTable(host));

    static Errno errno(Runnable r) {
        try {
            r.run();
        } catch (SysError e) {
            return e.errno();
        }
        throw new AssertionError("no error");
    }

    String read(Caller c, String path) {
        ProcHandle h = fs.open(c, path, 0);
        StringBuilder sb = new StringBuilder();
        long off = 0;
        while (true) {
            byte[] b = h.read(c, off, 7);
            if (b.length == 0) return sb.toString();
            sb.append(new String(b, StandardCharsets.UTF_8));
            off += b.length;
        }
    }

    /** One read of up to 4 KiB at offset 0: how a sysctl is read (a read past offset 0 is EOF). */
    String readOnce(Caller c, String path) {
        return new String(fs.open(c, path, 0).read(c, 0, 4096), StandardCharsets.UTF_8);
    }

    int write(Caller c, String path, String text) {
        return fs.open(c, path, 1).write(c, text.getBytes(StandardCharsets.UTF_8), 0);
    }

    String syscall(Caller c, String path, String line) {
        ProcHandle h = fs.open(c, path, 2);
        h.write(c, line.getBytes(StandardCharsets.UTF_8), 0);
        return new String(h.read(c, line.length(), 4096), StandardCharsets.UTF_8);
    }

    @Test
    void bootStateAsTheOperatorSees() {
        assertThat(fs.readdir(OPERATOR, "/")).containsExactly("sys", "sysvipc", "stat", "cpuinfo", "uptime", "loadavg", "meminfo", "version", "tty", "procsim", "1");
        assertThat(read(OPERATOR, "/1/comm")).isEqualTo("init\n");
        assertThat(fs.readdir(OPERATOR, "/1/fd")).containsExactly("0", "1", "2");
        assertThat(fs.readlink(OPERATOR, "/1/fd/2")).isEqualTo("/dev/console");
        assertThat(fs.getattr(OPERATOR, "/1/fd/0").permissions()).isEqualTo(0700);
        assertThat(fs.readlink(OPERATOR, "/1/ns/pid")).isEqualTo("pid:[4026531836]");
        assertThat(fs.readlink(OPERATOR, "/1/ns/pid_for_children")).isEqualTo("pid:[4026531836]");
        assertThat(read(OPERATOR, "/sys/kernel/ns_last_pid")).isEqualTo("1\n");
        assertThat(read(OPERATOR, "/sys/kernel/pid_max")).isEqualTo("32768\n");
        assertThat(errno(() -> fs.readlink(OPERATOR, "/self"))).isEqualTo(Errno.ENOENT);
        assertThat(errno(() -> fs.getattr(OPERATOR, "/self/status"))).isEqualTo(Errno.ENOENT);
        assertThat(errno(() -> fs.getattr(OPERATOR, "/2"))).isEqualTo(Errno.ENOENT);
        assertThat(errno(() -> fs.getattr(OPERATOR, "/01"))).isEqualTo(Errno.ENOENT);
    }

    /** The root files procps-ng and psmisc read; loadavg's last pid is the reader's namespace's. */
    @Test
    void rootFilesAndSysctlsTheToolsRead() {
        syscall(OPERATOR, "/1/task/1/syscall", "clone CLONE_NEWPID|SIGCHLD");
        int outer = 2;
        write(OPERATOR, "/" + outer + "/task/" + outer + "/attach", "200");
        Caller shell = new Caller(200, 0, 0);
        assertThat(read(OPERATOR, "/loadavg")).isEqualTo("0.00 0.00 0.00 0/2 2\n");
        assertThat(read(shell, "/loadavg")).isEqualTo("0.00 0.00 0.00 0/2 1\n");
        assertThat(read(shell, "/stat")).contains("\nprocesses 2\n", "\nbtime " + kernel.bootTime() + "\n");
        assertThat(read(OPERATOR, "/uptime")).matches("\\d+\\.\\d\\d \\d+\\.\\d\\d\n");
        assertThat(read(OPERATOR, "/meminfo")).startsWith("MemTotal:");
        assertThat(read(OPERATOR, "/version")).startsWith("Linux version 6.14.0-procsim ");
        assertThat(fs.readdir(OPERATOR, "/tty")).containsExactly("drivers");
        assertThat(read(OPERATOR, "/tty/drivers")).startsWith("/dev/tty ");
        assertThat(readOnce(shell, "/sys/kernel/osrelease")).isEqualTo("6.14.0-procsim\n");
        assertThat(readOnce(shell, "/sys/kernel/sem")).isEqualTo("32000\t1024000000\t500\t32000\n");
        assertThat(readOnce(shell, "/sys/kernel/shmall")).isEqualTo("18446744073692774399\n");
        assertThat(readOnce(shell, "/sys/kernel/msgmnb")).isEqualTo("16384\n");
        assertThat(errno(() -> write(OPERATOR, "/sys/kernel/msgmnb", "1"))).isEqualTo(Errno.EINVAL);
        assertThat(errno(() -> write(OPERATOR, "/loadavg", "1"))).isEqualTo(Errno.EINVAL);
        assertThat(readOnce(shell, "/sys/kernel/msgmnb")).isEqualTo("16384\n");
    }

    /**
     * procsim/pidns/INUM/proc: the tree as a procfs mounted in that pid namespace shows it, whoever
     * reads (fs/proc/root.c: the mount's pid_ns); self is the reader's task when the namespace
     * sees it (proc_self_get_link: ENOENT when task_tgid_nr_ns is 0).
     */
    @Test
    void aPidNamespacesFixedViewShowsThatNamespaceWhoeverReads() {
        syscall(OPERATOR, "/1/task/1/syscall", "clone CLONE_NEWPID|SIGCHLD");
        syscall(OPERATOR, "/2/task/2/syscall", "fork");
        String link = fs.readlink(OPERATOR, "/2/ns/pid");
        String view = "/procsim/pidns/" + link.substring(5, link.length() - 1) + "/proc";
        assertThat(fs.readdir(OPERATOR, view)).containsExactly("sys", "sysvipc", "stat", "cpuinfo", "uptime", "loadavg", "meminfo",
                "version", "tty", "procsim", "1", "2");
        assertThat(read(OPERATOR, view + "/2/status")).contains("Pid:\t2\n", "PPid:\t1\n", "NSpid:\t2\n");
        assertThat(errno(() -> fs.readlink(OPERATOR, view + "/self"))).isEqualTo(Errno.ENOENT);
        // loadavg and /proc/sys are the reader's namespace's (task_active_pid_ns(current)), not the mount's
        assertThat(read(OPERATOR, view + "/loadavg")).endsWith(" 3\n");
        assertThat(read(OPERATOR, view + "/sys/kernel/ns_last_pid")).isEqualTo("3\n");

        write(OPERATOR, "/3/task/3/attach", "200");
        Caller inside = new Caller(200, 0, 0);
        assertThat(fs.readlink(inside, view + "/self")).isEqualTo("2");
        assertThat(read(inside, view + "/self/status")).contains("NSpid:\t2\n");
        assertThat(read(inside, view + "/loadavg")).endsWith(" 2\n");
        assertThat(read(inside, view + "/sys/kernel/ns_last_pid")).isEqualTo("2\n");
        write(OPERATOR, "/1/task/1/attach", "300");
        Caller outside = new Caller(300, 0, 0);
        assertThat(fs.readdir(outside, view)).doesNotContain("self").contains("1", "2");
        assertThat(errno(() -> fs.readlink(outside, view + "/self"))).isEqualTo(Errno.ENOENT);
        // an ancestor's procfs mounted where a nested task looks (procsim exec's /proc, the task then
        // cloned with CLONE_NEWPID) shows that ancestor's tree, self its pid there; the race files
        // and the pidns/ listing stay the reader's namespaces'
        String root = "/procsim/pidns/4026531836";
        assertThat(fs.readlink(inside, root + "/proc/self")).isEqualTo("3");
        assertThat(read(inside, root + "/proc/self/status")).contains("NSpid:\t3\t2\n");
        assertThat(fs.readdir(inside, root)).doesNotContain("summary", "writes", "allocations", "stolen");
        assertThat(errno(() -> read(inside, root + "/summary"))).isEqualTo(Errno.ENOENT);
        assertThat(fs.readdir(inside, "/procsim/pidns")).doesNotContain("4026531836");
    }

    /**
     * sysvipc in a fixed view is the reader's, not the mount's: ipc/util.c sysvipc_proc_open takes
     * current->nsproxy->ipc_ns and task_active_pid_ns(current) for the pids, whoever mounted it.
     */
    @Test
    void sysvipcInAFixedViewIsTheReadersIpcAndPidNamespace() {
        syscall(OPERATOR, "/1/task/1/syscall", "msgget 4242 IPC_CREAT|0600");
        syscall(OPERATOR, "/1/task/1/syscall", "fork");
        syscall(OPERATOR, "/2/task/2/syscall", "unshare CLONE_NEWIPC");
        String id = syscall(OPERATOR, "/2/task/2/syscall", "msgget 99 IPC_CREAT|0600").strip();
        syscall(OPERATOR, "/2/task/2/syscall", "msgsnd " + id + " 1 hello IPC_NOWAIT");
        String child = syscall(OPERATOR, "/2/task/2/syscall", "clone CLONE_NEWPID|SIGCHLD").strip();
        String link = fs.readlink(OPERATOR, "/" + child + "/ns/pid");
        String view = "/procsim/pidns/" + link.substring(5, link.length() - 1) + "/proc";
        write(OPERATOR, "/2/task/2/attach", "200");
        Caller x = new Caller(200, 0, 0);
        String row = "\n +99 +" + id + " +600 +\\d+ +1 +2 +0 .*";
        assertThat(read(x, view + "/sysvipc/msg")).as("task 2 is not seen in its child namespace")
                .matches("(?s)[^\n]*" + row + "\n").doesNotContain(" 4242 ");
        write(OPERATOR, "/" + child + "/task/" + child + "/attach", "300");
        Caller inside = new Caller(300, 0, 0);
        assertThat(read(inside, view + "/sysvipc/msg")).as("task 2 has no pid in the child namespace")
                .matches("(?s)[^\n]*\n +99 +" + id + " +600 +\\d+ +1 +0 +0 .*\n");
    }

    /**
     * ps finds itself as /proc/getpid(), its real pid in its own real pid namespace: in a fixed
     * view, a number no sim task there has, when it is the reader's own, is the task it acts as.
     */
    @Test
    void theFixedViewAnswersTheCallersOwnRealPidWithItsTask() {
        host.tgidVnr.put(200, 7);
        host.tgidVnr.put(300, 1);
        ProcFs fs = new ProcFs(kernel, new AttachTable(host));
        String view = "/procsim/pidns/4026531836/proc";
        syscall(OPERATOR, "/1/task/1/syscall", "fork");
        fs.writeAttach(OPERATOR, kernel.read(() -> kernel.tasks().lookup(kernel.tasks().rootPidNs(), 2)), "200");
        Caller ps = new Caller(200, 0, 0);
        assertThat(new String(fs.open(ps, view + "/7/stat", 0).read(ps, 0, 100))).startsWith("2 (init) S 1 ");
        assertThat(fs.readdir(ps, view)).doesNotContain("7");
        assertThat(errno(() -> fs.getattr(ps, view + "/8"))).isEqualTo(Errno.ENOENT);
        assertThat(errno(() -> fs.getattr(ps, "/7"))).as("the operator mount's per-caller view").isEqualTo(Errno.ENOENT);
        assertThat(errno(() -> fs.getattr(OPERATOR, view + "/7"))).isEqualTo(Errno.ENOENT);
        fs.writeAttach(OPERATOR, kernel.tasks().init(), "300");
        Caller one = new Caller(300, 0, 0);
        assertThat(new String(fs.open(one, view + "/1/stat", 0).read(one, 0, 100))).startsWith("1 (init)");
        assertThat(new String(fs.open(ps, view + "/1/stat", 0).read(ps, 0, 100))).as("a sim task's number stays its own")
                .startsWith("1 (init)");
    }

    @Test
    void statusOfInit() {
        assertThat(read(OPERATOR, "/1/status")).isEqualTo("""
                Name:\tinit
                Umask:\t0022
                State:\tS (sleeping)
                Tgid:\t1
                Ngid:\t0
                Pid:\t1
                PPid:\t0
                TracerPid:\t0
                Uid:\t0\t0\t0\t0
                Gid:\t0\t0\t0\t0
                FDSize:\t64
                Groups:\t\s
                NStgid:\t1
                NSpid:\t1
                NSpgid:\t1
                NSsid:\t1
                Kthread:\t0
                VmPeak:\t    2040 kB
                VmSize:\t    2040 kB
                VmLck:\t       0 kB
                VmPin:\t       0 kB
                VmHWM:\t    1756 kB
                VmRSS:\t    1756 kB
                RssAnon:\t     112 kB
                RssFile:\t    1644 kB
                RssShmem:\t       0 kB
                VmData:\t     360 kB
                VmStk:\t     132 kB
                VmExe:\t      20 kB
                VmLib:\t    1528 kB
                VmPTE:\t      40 kB
                VmSwap:\t       0 kB
                HugetlbPages:\t       0 kB
                CoreDumping:\t0
                THP_enabled:\t1
                untag_mask:\t0xffffffffffffffff
                Threads:\t1
                SigQ:\t0/4096
                SigPnd:\t0000000000000000
                ShdPnd:\t0000000000000000
                SigBlk:\t0000000000000000
                SigIgn:\t0000000000000000
                SigCgt:\t0000000000000000
                CapInh:\t0000000000000000
                CapPrm:\t000001ffffffffff
                CapEff:\t000001ffffffffff
                CapBnd:\t000001ffffffffff
                CapAmb:\t0000000000000000
                NoNewPrivs:\t0
                Seccomp:\t0
                Seccomp_filters:\t0
                Speculation_Store_Bypass:\tnot vulnerable
                SpeculationIndirectBranch:\tnot affected
                Cpus_allowed:\t1
                Cpus_allowed_list:\t0
                Mems_allowed:\t%s00000001
                Mems_allowed_list:\t0
                voluntary_ctxt_switches:\t0
                nonvoluntary_ctxt_switches:\t0
                """.formatted("00000000,".repeat(31)));
    }

    /**
     * An open with no reply of its own reads the thread's last reply: none yet in init, fork's 0 in
     * a child; a line that does not decode is only that file's reply. The procfs layer keeps those
     * replies (not the model) and drops one when its thread is reaped.
     */
    @Test
    void aFreshOpenOfTheSyscallFileReadsTheThreadsLastReply() {
        assertThat(read(OPERATOR, "/1/task/1/syscall")).isEqualTo("\n");
        syscall(OPERATOR, "/1/task/1/syscall", "fork");
        assertThat(read(OPERATOR, "/2/task/2/syscall")).isEqualTo("0\n");
        assertThat(read(OPERATOR, "/1/task/1/syscall")).isEqualTo("2\n");
        assertThat(errno(() -> write(OPERATOR, "/1/task/1/syscall", "frob"))).isEqualTo(Errno.EINVAL);
        assertThat(read(OPERATOR, "/1/task/1/syscall")).isEqualTo("2\n");
        syscall(OPERATOR, "/2/task/2/syscall", "getpid");
        assertThat(fs.lastReplies().held()).isEqualTo(2);
        syscall(OPERATOR, "/2/task/2/syscall", "clone CLONE_THREAD|CLONE_SIGHAND|CLONE_VM");
        syscall(OPERATOR, "/2/task/3/syscall", "gettid");
        assertThat(fs.lastReplies().held()).isEqualTo(3);
        syscall(OPERATOR, "/2/task/2/syscall", "exit_group 0");
        assertThat(fs.lastReplies().held()).as("the thread is reaped at its exit").isEqualTo(2);
        syscall(OPERATOR, "/1/task/1/syscall", "wait4");
        assertThat(fs.lastReplies().held()).as("the child is reaped by wait4").isEqualTo(1);
    }

    @Test
    void syscallFileServesTheReplyWhateverTheOffset() {
        assertThat(syscall(OPERATOR, "/1/task/1/syscall", "fork\n")).isEqualTo("2\n");
        assertThat(read(OPERATOR, "/1/task/1/syscall")).isEqualTo("2\n");
        assertThat(fs.readdir(OPERATOR, "/")).containsExactly("sys", "sysvipc", "stat", "cpuinfo", "uptime", "loadavg", "meminfo", "version", "tty", "procsim", "1", "2");
        ProcHandle h = fs.open(OPERATOR, "/1/task/1/syscall", 2);
        assertThat(errno(() -> h.write(OPERATOR, "clone3 set_tid=2\n".getBytes(), 0))).isEqualTo(Errno.EEXIST);
        assertThat(new String(h.read(OPERATOR, 17, 100))).isEqualTo("-1 EEXIST\n");
        assertThat(h.read(OPERATOR, 27, 100)).isEmpty();
        assertThat(errno(() -> h.write(OPERATOR, "bogus\n".getBytes(), 0))).isEqualTo(Errno.EINVAL);
    }

    @Test
    void thePidDirectorysSyscallFileIsThatTasks() {
        assertThat(syscall(OPERATOR, "/1/syscall", "clone CLONE_THREAD|CLONE_SIGHAND|CLONE_VM\n")).isEqualTo("2\n");
        assertThat(syscall(OPERATOR, "/1/syscall", "gettid\n")).isEqualTo("1\n");
        assertThat(syscall(OPERATOR, "/1/task/2/syscall", "gettid\n")).isEqualTo("2\n");
        assertThat(syscall(OPERATOR, "/2/syscall", "gettid\n")).as("a thread's hidden /proc/<tid>").isEqualTo("2\n");
        assertThat(fs.readdir(OPERATOR, "/1")).contains("syscall");
        assertThat(fs.readdir(OPERATOR, "/1/task/1")).contains("syscall");
    }

    @Test
    void anAttachedCallerSeesItsOwnNamespace() {
        int outer = Integer.parseInt(syscall(OPERATOR, "/1/task/1/syscall", "clone CLONE_NEWPID|SIGCHLD").strip());
        syscall(OPERATOR, "/" + outer + "/task/" + outer + "/syscall", "fork");
        write(OPERATOR, "/" + outer + "/task/" + outer + "/attach", "200\n");
        assertThat(read(OPERATOR, "/" + outer + "/task/" + outer + "/attach")).isEqualTo("200\n");

        Caller shell = new Caller(200, 0, 0);
        Caller catChild = new Caller(201, 0, 0);
        Caller sibling = new Caller(300, 0, 0);
        assertThat(fs.readdir(shell, "/")).containsExactly("self", "thread-self", "sys", "sysvipc", "stat", "cpuinfo", "uptime", "loadavg", "meminfo", "version", "tty", "procsim", "1", "2");
        assertThat(fs.readdir(catChild, "/")).containsExactly("self", "thread-self", "sys", "sysvipc", "stat", "cpuinfo", "uptime", "loadavg", "meminfo", "version", "tty", "procsim", "1", "2");
        assertThat(fs.readlink(new Caller(202, 0, 0), "/self")).isEqualTo("1");
        assertThat(fs.readdir(sibling, "/")).contains(String.valueOf(outer));
        assertThat(fs.readlink(shell, "/self")).isEqualTo("1");
        assertThat(fs.readlink(shell, "/thread-self")).isEqualTo("1/task/1");
        assertThat(read(shell, "/self/status")).contains("NSpid:\t1\n", "PPid:\t0\n");
        assertThat(read(OPERATOR, "/" + outer + "/status")).contains("NSpid:\t" + outer + "\t1\n");
        assertThat(read(shell, "/sys/kernel/ns_last_pid")).isEqualTo("2\n");
        assertThat(readOnce(shell, "/sys/kernel/pid_max")).isEqualTo("4194304\n");
        assertThat(fs.open(shell, "/sys/kernel/pid_max", 0).read(shell, 1, 100)).isEmpty();

        host.exit(201);
        host.exit(200);
        assertThat(fs.readdir(shell, "/")).contains(String.valueOf(outer));
        assertThat(read(OPERATOR, "/" + outer + "/task/" + outer + "/attach")).isEmpty();
    }

    @Test
    void nextSyscallDataOfAnotherThreadIsEpermForAnAttachedCaller() {
        syscall(OPERATOR, "/1/task/1/syscall", "fork");
        write(OPERATOR, "/2/task/2/attach", "200");
        Caller shell = new Caller(200, 0, 0);
        assertThat(errno(() -> write(shell, "/1/task/1/next_syscall_data", "LONG1 500"))).isEqualTo(Errno.EPERM);
        assertThat(errno(() -> write(shell, "/1/task/1/syscall", "fork"))).isEqualTo(Errno.EPERM);
        write(shell, "/self/task/2/next_syscall_data", "LONG1 500\n");
        assertThat(read(shell, "/2/task/2/next_syscall_data")).isEqualTo("LONG1 500\n");
        assertThat(syscall(shell, "/self/task/2/syscall", "fork")).isEqualTo("500\n");
        assertThat(read(shell, "/2/task/2/next_syscall_data")).isEqualTo("UNSET\n");
        assertThat(errno(() -> write(shell, "/self/task/2/next_syscall_data", "junk"))).isEqualTo(Errno.EINVAL);
        write(OPERATOR, "/1/task/1/next_syscall_data", "LONG1 600");
        assertThat(read(OPERATOR, "/1/task/1/next_syscall_data")).isEqualTo("LONG1 600\n");
    }

    @Test
    void nsLastPidWritesAndPermission() {
        assertThat(write(OPERATOR, "/sys/kernel/ns_last_pid", "499\n")).isEqualTo(4);
        assertThat(syscall(OPERATOR, "/1/task/1/syscall", "fork")).isEqualTo("500\n");
        assertThat(errno(() -> write(OPERATOR, "/sys/kernel/ns_last_pid", "32769\n"))).isEqualTo(Errno.EINVAL);
        assertThat(errno(() -> write(OPERATOR, "/sys/kernel/ns_last_pid", "abc\n"))).isEqualTo(Errno.EINVAL);
        assertThat(write(OPERATOR, "/sys/kernel/ns_last_pid", "44 45")).isEqualTo(3);
        assertThat(read(OPERATOR, "/sys/kernel/ns_last_pid")).isEqualTo("44\n");
        ProcHandle h = fs.open(OPERATOR, "/sys/kernel/ns_last_pid", 1);
        assertThat(h.write(OPERATOR, "7".getBytes(), 3)).isEqualTo(1);
        assertThat(read(OPERATOR, "/sys/kernel/ns_last_pid")).isEqualTo("44\n");

        syscall(OPERATOR, "/1/task/1/syscall", "fork");
        syscall(OPERATOR, "/45/task/45/syscall", "setuid 1000");
        write(OPERATOR, "/45/task/45/attach", "200");
        Caller user = new Caller(200, 0, 0);
        assertThat(errno(() -> write(user, "/sys/kernel/ns_last_pid", "100"))).isEqualTo(Errno.EPERM);
        assertThat(errno(() -> write(user, "/sys/kernel/pid_max", "5000"))).isEqualTo(Errno.EACCES);
    }

    @Test
    void anExitedTaskVanishesAtOnce() {
        syscall(OPERATOR, "/1/task/1/syscall", "fork");
        ProcHandle status = fs.open(OPERATOR, "/2/status", 0);
        syscall(OPERATOR, "/2/task/2/syscall", "exit 3");
        assertThat(read(OPERATOR, "/2/status")).contains("State:\tZ (zombie)");
        assertThat(read(OPERATOR, "/2/task/2/syscall")).isEqualTo("0\n");
        assertThat(syscall(OPERATOR, "/1/task/1/syscall", "wait4")).isEqualTo("2 status=0x0300\n");
        assertThat(fs.readdir(OPERATOR, "/")).doesNotContain("2");
        assertThat(errno(() -> fs.getattr(OPERATOR, "/2"))).isEqualTo(Errno.ENOENT);
        assertThat(errno(() -> status.read(OPERATOR, 0, 100))).isEqualTo(Errno.ESRCH);
    }

    /**
     * stat's last field (fs/proc/array.c do_task_stat): task/TID/stat shows the task's own
     * exit_code; PID/stat (whole) the group's once the group has exited. Leader 2 exits 5, then
     * its thread 3 exits 3.
     */
    @Test
    void statsExitCodeIsTheTasksOwnUnderTaskAndTheGroupsUnderPid() {
        syscall(OPERATOR, "/1/task/1/syscall", "fork");
        syscall(OPERATOR, "/2/task/2/syscall", "clone CLONE_VM|CLONE_THREAD|CLONE_SIGHAND");
        syscall(OPERATOR, "/2/task/2/syscall", "exit 5");
        assertThat(read(OPERATOR, "/2/stat")).endsWith(" 1280\n");
        syscall(OPERATOR, "/2/task/3/syscall", "exit 3");
        assertThat(read(OPERATOR, "/2/task/2/stat")).endsWith(" 1280\n");
        assertThat(read(OPERATOR, "/2/stat")).endsWith(" 768\n");
    }

    @Test
    void threadsAreListedUnderTaskButNotAtTheRoot() {
        syscall(OPERATOR, "/1/task/1/syscall", "clone CLONE_THREAD|CLONE_SIGHAND|CLONE_VM");
        assertThat(fs.readdir(OPERATOR, "/")).containsExactly("sys", "sysvipc", "stat", "cpuinfo", "uptime", "loadavg", "meminfo", "version", "tty", "procsim", "1");
        assertThat(fs.readdir(OPERATOR, "/1/task")).containsExactly("1", "2");
        assertThat(read(OPERATOR, "/2/status")).contains("Tgid:\t1\n", "Pid:\t2\n");
        assertThat(read(OPERATOR, "/1/status")).contains("Threads:\t2\n");
        assertThat(errno(() -> fs.getattr(OPERATOR, "/1/task/3"))).isEqualTo(Errno.ENOENT);
    }

    @Test
    void commWritesKeepTheNewlineAndAreEinvalFromAnotherProcess() {
        write(OPERATOR, "/1/comm", "foobar\n");
        assertThat(read(OPERATOR, "/1/comm")).isEqualTo("foobar\n\n");
        assertThat(read(OPERATOR, "/1/status")).startsWith("Name:\tfoobar\\n\n");
        syscall(OPERATOR, "/1/task/1/syscall", "fork");
        write(OPERATOR, "/2/task/2/attach", "200");
        assertThat(errno(() -> write(new Caller(200, 0, 0), "/1/comm", "x"))).isEqualTo(Errno.EINVAL);
    }

    @Test
    void pidForChildrenIsEnoentUntilInitExists() {
        syscall(OPERATOR, "/1/task/1/syscall", "fork");
        syscall(OPERATOR, "/2/task/2/syscall", "unshare CLONE_NEWPID");
        assertThat(errno(() -> fs.readlink(OPERATOR, "/2/ns/pid_for_children"))).isEqualTo(Errno.ENOENT);
        syscall(OPERATOR, "/2/task/2/syscall", "fork");
        assertThat(fs.readlink(OPERATOR, "/2/ns/pid_for_children")).isEqualTo("pid:[4026531840]");
        assertThat(fs.readlink(OPERATOR, "/3/ns/pid")).isEqualTo("pid:[4026531840]");
        assertThat(fs.readlink(OPERATOR, "/2/ns/pid")).isEqualTo("pid:[4026531836]");
    }

    @Test
    void attachOfAMissingHostProcessIsEsrchAndJunkIsEinval() {
        assertThat(errno(() -> write(OPERATOR, "/1/task/1/attach", "999999"))).isEqualTo(Errno.ESRCH);
        assertThat(errno(() -> write(OPERATOR, "/1/task/1/attach", "me"))).isEqualTo(Errno.EINVAL);
        write(OPERATOR, "/1/task/1/attach", "300");
        write(OPERATOR, "/1/task/1/attach", "detach");
        assertThat(read(OPERATOR, "/1/task/1/attach")).isEmpty();
    }

    @Test
    void ipcThroughTheTree() {
        assertThat(read(OPERATOR, "/sys/kernel/msg_next_id")).isEqualTo("-1\n");
        assertThat(fs.getattr(OPERATOR, "/sys/kernel/msg_next_id").permissions()).isEqualTo(0444);
        write(OPERATOR, "/sys/kernel/msg_next_id", "229476\n");
        assertThat(syscall(OPERATOR, "/1/task/1/syscall", "msgget 4660 IPC_CREAT|0644")).isEqualTo("229476\n");
        assertThat(read(OPERATOR, "/sys/kernel/msg_next_id")).isEqualTo("-1\n");
        assertThat(errno(() -> write(OPERATOR, "/sys/kernel/sem_next_id", "-1"))).isEqualTo(Errno.EINVAL);
        write(OPERATOR, "/1/task/1/next_syscall_data", "LONG1 1");
        syscall(OPERATOR, "/1/task/1/syscall", "msgctl 229476 IPC_SET stime=100 rtime=200 lspid=1 lrpid=1");
        assertThat(read(OPERATOR, "/sysvipc/msg")).contains(
                "\n      4660     229476   644           0          0     1     1     0     0     0     0        100        200 ");
        assertThat(fs.readdir(OPERATOR, "/sysvipc")).containsExactly("msg", "sem", "shm");

        syscall(OPERATOR, "/1/task/1/syscall", "fork");
        syscall(OPERATOR, "/2/task/2/syscall", "setuid 1000");
        write(OPERATOR, "/2/task/2/attach", "200");
        assertThat(errno(() -> write(new Caller(200, 0, 0), "/sys/kernel/shm_next_id", "5"))).isEqualTo(Errno.EACCES);
    }

    @Test
    void openLandsOnTheFdAskedFor() {
        write(OPERATOR, "/1/task/1/next_syscall_data", "LONG1 7");
        assertThat(syscall(OPERATOR, "/1/task/1/syscall", "open /tmp/data O_RDWR")).isEqualTo("7\n");
        assertThat(fs.readdir(OPERATOR, "/1/fd")).containsExactly("0", "1", "2", "7");
        assertThat(fs.readlink(OPERATOR, "/1/fd/7")).isEqualTo("/tmp/data");
        write(OPERATOR, "/1/task/1/next_syscall_data", "LONG1 7");
        assertThat(errno(() -> syscall(OPERATOR, "/1/task/1/syscall", "open /tmp/other"))).isEqualTo(Errno.EBUSY);
        assertThat(syscall(OPERATOR, "/1/task/1/syscall", "open /tmp/other O_WRONLY|O_CREAT|O_TRUNC")).isEqualTo("3\n");
        assertThat(readOnce(OPERATOR, "/1/fdinfo/3")).startsWith("pos:\t0\nflags:\t0100001\n");
        assertThat(fs.getattr(OPERATOR, "/1/fd/3").permissions()).isEqualTo(0300);
        syscall(OPERATOR, "/1/task/1/syscall", "lseek 7 4096 SEEK_SET");
        assertThat(read(OPERATOR, "/1/fdinfo/7")).isEqualTo("pos:\t4096\nflags:\t0100002\nmnt_id:\t1\nino:\t0\n");
        assertThat(fs.readdir(OPERATOR, "/1/fdinfo")).containsExactly("0", "1", "2", "3", "7");
    }

    @Test
    void raceEvidenceInTheExtensionDirectory() {
        syscall(OPERATOR, "/1/task/1/syscall", "fork");
        write(OPERATOR, "/2/task/2/attach", "200");
        Caller a = new Caller(200, 0, 0);
        write(a, "/sys/kernel/ns_last_pid", "99");
        write(OPERATOR, "/sys/kernel/ns_last_pid", "199");
        assertThat(syscall(a, "/2/task/2/syscall", "fork")).isEqualTo("200\n");
        String ns = "/procsim/pidns/4026531836/";
        assertThat(fs.readdir(OPERATOR, "/procsim/pidns")).containsExactly("4026531836");
        assertThat(read(OPERATOR, ns + "writes")).isEqualTo("1 tid=2 value=99\n2 tid=operator value=199\n");
        assertThat(read(OPERATOR, ns + "allocations"))
                .isEqualTo("4 tid=2 pid=200 elsewhere wanted=100 cause=overwritten by=operator\n");
        assertThat(read(OPERATOR, ns + "stolen")).isEqualTo("3 pid=200 asked_by=operator taken_by=2\n");
        assertThat(read(OPERATOR, ns + "summary")).isEqualTo("writes 2\nlanded 0\nelsewhere 1\nstolen 1\n");
        assertThat(fs.getattr(OPERATOR, ns + "summary").permissions()).isEqualTo(0444);
    }

    @Test
    void directoriesAndFilesErrnos() {
        assertThat(errno(() -> fs.open(OPERATOR, "/1", 0))).isEqualTo(Errno.EISDIR);
        assertThat(errno(() -> fs.readdir(OPERATOR, "/1/status"))).isEqualTo(Errno.ENOTDIR);
        assertThat(errno(() -> fs.getattr(OPERATOR, "/1/status/x"))).isEqualTo(Errno.ENOTDIR);
        assertThat(errno(() -> write(OPERATOR, "/1/status", "x"))).isEqualTo(Errno.EINVAL);
        assertThatThrownBy(() -> fs.readlink(OPERATOR, "/1/status")).isInstanceOf(SysError.class);
    }
}
