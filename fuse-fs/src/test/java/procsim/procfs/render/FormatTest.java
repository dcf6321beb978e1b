package procsim.procfs.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

import org.junit.jupiter.api.Test;

import procsim.kernel.Kernel;
import procsim.pid.PidNamespace;
import procsim.procfs.TaskSnapshot;
import procsim.task.Task;

/**
 * procsim's status and stat against this machine's real /proc, through the same parser: the
 * fields procsim shows appear in Linux's order with Linux's separators, and stat has Linux's
 * 52 fields.
 */
class FormatTest {
    private final Kernel kernel = Kernel.boot();

    private Task child(Task parent, String line) {
        int nr = (int) kernel.syscall(parent, line).value();
        return kernel.tasks().lookup(parent.activePidNs(), nr);
    }

    private String status(Task t, PidNamespace viewer) {
        return kernel.read(() -> StatusFile.render(TaskSnapshot.of(kernel, t, viewer, true)));
    }

    private String stat(Task t, PidNamespace viewer) {
        return kernel.read(() -> StatFile.render(TaskSnapshot.of(kernel, t, viewer, true)));
    }

    @Test
    void statusFieldsAreLinuxsInLinuxsOrder() throws IOException {
        LinkedHashMap<String, String> real = ProcFormat.status(Files.readString(Path.of("/proc/self/status")));
        LinkedHashMap<String, String> ours = ProcFormat.status(status(kernel.tasks().init(), kernel.tasks().rootPidNs()));
        assertThat(new ArrayList<>(ours.keySet())).containsExactly("Name", "Umask", "State", "Tgid", "Ngid", "Pid",
                "PPid", "TracerPid", "Uid", "Gid", "FDSize", "Groups", "NStgid", "NSpid", "NSpgid", "NSsid", "Kthread",
                "VmPeak", "VmSize", "VmLck", "VmPin", "VmHWM", "VmRSS", "RssAnon", "RssFile", "RssShmem", "VmData",
                "VmStk", "VmExe", "VmLib", "VmPTE", "VmSwap", "HugetlbPages", "CoreDumping", "THP_enabled", "untag_mask",
                "Threads", "SigQ", "SigPnd", "ShdPnd", "SigBlk", "SigIgn", "SigCgt",
                "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp", "Seccomp_filters",
                "Speculation_Store_Bypass", "SpeculationIndirectBranch", "Cpus_allowed", "Cpus_allowed_list",
                "Mems_allowed", "Mems_allowed_list", "voluntary_ctxt_switches", "nonvoluntary_ctxt_switches");
        List<String> realOrder = new ArrayList<>(real.keySet());
        realOrder.retainAll(ours.keySet());
        assertThat(realOrder).containsExactlyElementsOf(ours.keySet());
        for (String key : List.of("Uid", "Gid")) {
            assertThat(ours.get(key).split("\t")).hasSameSizeAs(real.get(key).split("\t"));
        }
        // the same shapes on both sides: %8lu kB (SEQ_PUT_DEC), %016llx sigsets, Umask %#04o, SigQ n/limit
        for (String key : ours.keySet()) {
            if (!real.containsKey(key)) continue;
            String shape = shape(key);
            assertThat(ours.get(key)).as(key).matches(shape);
            assertThat(real.get(key)).as("real " + key).matches(shape);
            if (shape.endsWith("kB")) assertThat(ours.get(key)).as(key).hasSameSizeAs(real.get(key));
        }
        assertThat(ours.get("Mems_allowed").length()).isEqualTo(real.get("Mems_allowed").length());
        assertThat(ours.get("Groups")).isEqualTo(" ");
        assertThat(real.get("Groups")).endsWith(" ");
        assertThat(ours.get("State")).matches("[SZRX] \\([a-z ]+\\)");
        assertThat(real.get("State")).matches("[A-Za-z] \\([a-z ]+\\)");
    }

    /** The value's shape in Linux's format strings for each status key. */
    private static String shape(String key) {
        if (key.startsWith("Vm") || key.startsWith("Rss") || key.equals("HugetlbPages")) return " *\\d{1,8} kB";
        if (key.matches("Sig(Pnd|Blk|Ign|Cgt)|ShdPnd|Cap...")) return "[0-9a-f]{16}";
        return switch (key) {
            case "Umask" -> "0[0-7]{3}";
            case "SigQ" -> "\\d+/\\d+";
            case "untag_mask" -> "0x[0-9a-f]+";
            case "Cpus_allowed", "Mems_allowed" -> "[0-9a-f]+(,[0-9a-f]{8})*";
            case "Cpus_allowed_list", "Mems_allowed_list" -> "[0-9,-]+";
            case "Name", "State", "Speculation_Store_Bypass", "SpeculationIndirectBranch" -> ".+";
            default -> "[\\d\\t ]+";
        };
    }

    /** exit_mm and exit_fs: a zombie has no Umask, Vm*, Rss*, HugetlbPages, CoreDumping, THP or untag_mask line. */
    @Test
    void aZombieHasNoMemoryLines() {
        Task c = child(kernel.tasks().init(), "fork");
        kernel.syscall(c, "exit 3");
        LinkedHashMap<String, String> z = ProcFormat.status(status(c, kernel.tasks().rootPidNs()));
        assertThat(z.get("State")).isEqualTo("Z (zombie)");
        assertThat(z.keySet()).doesNotContain("Umask", "VmSize", "RssShmem", "HugetlbPages", "CoreDumping",
                "THP_enabled", "untag_mask").contains("Kthread", "Threads", "SigQ", "CapEff", "voluntary_ctxt_switches");
    }

    /** An shm attach of 3 pages adds 12 kB to VmSize, VmRSS and RssShmem, in every thread of the process. */
    @Test
    void shmAttachesCountInVmSizeAndRssShmem() {
        Task init = kernel.tasks().init();
        Task thread = child(init, "clone CLONE_VM|CLONE_SIGHAND|CLONE_THREAD");
        LinkedHashMap<String, String> before = ProcFormat.status(status(init, kernel.tasks().rootPidNs()));
        int id = (int) kernel.syscall(init, "shmget IPC_PRIVATE 10000 IPC_CREAT|0600").value();
        kernel.syscall(init, "shmat " + id);
        for (Task t : List.of(init, thread)) {
            LinkedHashMap<String, String> after = ProcFormat.status(status(t, kernel.tasks().rootPidNs()));
            for (String key : List.of("VmPeak", "VmSize", "VmHWM", "VmRSS", "RssShmem")) {
                assertThat(kb(after, key) - kb(before, key)).as(key).isEqualTo(12);
            }
            assertThat(kb(after, "VmRSS")).isEqualTo(kb(after, "RssAnon") + kb(after, "RssFile") + kb(after, "RssShmem"));
        }
    }

    /**
     * do_task_stat: vsize (23) is task_vsize in bytes, rss (24) get_mm_rss in pages, the two
     * status shows in kB; startcode and endcode (26, 27) are 1 to a reader not permitted to see
     * the layout, 0 without an mm; the other addresses, wchan, times and signals 0.
     */
    @Test
    void statMemoryFieldsAreStatusVmSizeAndVmRss() {
        Task init = kernel.tasks().init();
        int id = (int) kernel.syscall(init, "shmget IPC_PRIVATE 8192 IPC_CREAT|0600").value();
        kernel.syscall(init, "shmat " + id);
        Task c = child(init, "fork");
        for (Task t : List.of(init, c)) {
            LinkedHashMap<String, String> st = ProcFormat.status(status(t, kernel.tasks().rootPidNs()));
            List<String> f = ProcFormat.stat(stat(t, kernel.tasks().rootPidNs()));
            assertThat(Long.parseLong(f.get(22))).as("vsize").isEqualTo(kb(st, "VmSize") * 1024);
            assertThat(Long.parseLong(f.get(23))).as("rss").isEqualTo(kb(st, "VmRSS") / 4);
            assertThat(f.subList(25, 27)).as("startcode endcode").containsExactly("1", "1");
            assertThat(f.get(24)).as("rsslim").isEqualTo("18446744073709551615");
            assertThat(f.subList(13, 19)).as("utime stime cutime cstime priority nice").containsExactly("0", "0", "0", "0", "20", "0");
            assertThat(f.get(38)).as("processor").isEqualTo("0");
        }
        kernel.syscall(c, "exit 3");
        List<String> z = ProcFormat.stat(stat(c, kernel.tasks().rootPidNs()));
        assertThat(z.subList(22, 27)).as("no mm").containsExactly("0", "0", "18446744073709551615", "0", "0");
        assertThat(z.get(51)).as("exit_code, the wait status").isEqualTo("768");
    }

    private static long kb(LinkedHashMap<String, String> status, String key) {
        String v = status.get(key);
        return Long.parseLong(v.substring(0, v.length() - 3).strip());
    }

    @Test
    void statHasLinuxsFiftyTwoFields() throws IOException {
        List<String> real = ProcFormat.stat(Files.readString(Path.of("/proc/self/stat")));
        List<String> ours = ProcFormat.stat(stat(kernel.tasks().init(), kernel.tasks().rootPidNs()));
        assertThat(real).hasSize(52);
        assertThat(ours).hasSize(52);
        assertThat(ours.subList(0, 9)).containsExactly("1", "init", "S", "0", "1", "1", "0", "-1", "4194304");
        for (int i = 3; i < 52; i++) assertThat(ours.get(i)).as("field %d", i + 1).matches("-?\\d+");
        for (int i = 3; i < 52; i++) assertThat(real.get(i)).as("real field %d", i + 1).matches("-?\\d+");
    }

    /** Field 9: PF_RANDOMIZE, PF_FORKNOEXEC until execve, PF_SUPERPRIV once a privilege is used. */
    @Test
    void statFlagsShowForkWithoutExecAndAPrivilegeUsed() {
        Task c = child(kernel.tasks().init(), "fork");
        assertThat(ProcFormat.stat(stat(c, kernel.tasks().rootPidNs())).get(8)).isEqualTo(String.valueOf(0x400040));
        kernel.syscall(c, "setuid 0");
        assertThat(ProcFormat.stat(stat(c, kernel.tasks().rootPidNs())).get(8)).isEqualTo(String.valueOf(0x400140));
        kernel.syscall(c, "execve /bin/sh");
        assertThat(ProcFormat.stat(stat(c, kernel.tasks().rootPidNs())).get(8)).isEqualTo(String.valueOf(0x400100));
        kernel.syscall(c, "exit 0");
        assertThat(ProcFormat.stat(stat(c, kernel.tasks().rootPidNs())).get(8)).as("PF_EXITING")
                .isEqualTo(String.valueOf(0x400104));
    }

    @Test
    void commWithSpacesAndParensStaysParseable() {
        Task c = child(kernel.tasks().init(), "fork");
        kernel.syscall(c, "execve /bin/a)b");
        List<String> f = ProcFormat.stat(stat(c, kernel.tasks().rootPidNs()));
        assertThat(f.get(1)).isEqualTo("a)b");
        assertThat(f).hasSize(52);
    }

    @Test
    void nsLinesFromEveryLevelOfAThreeLevelTree() {
        Task init = kernel.tasks().init();
        Task a = child(init, "clone CLONE_NEWPID|SIGCHLD");
        Task b = child(a, "clone CLONE_NEWPID|SIGCHLD");
        Task leaf = child(b, "clone3 set_tid=7,42,3100");
        PidNamespace l0 = init.activePidNs();
        PidNamespace l1 = a.activePidNs();
        PidNamespace l2 = b.activePidNs();
        int bRoot = b.pid().numberAtLevel(0);
        int aRoot = a.pid().numberAtLevel(0);

        assertThat(status(leaf, l0)).contains("Tgid:\t3100\n", "Pid:\t3100\n", "PPid:\t" + bRoot + "\n",
                "NStgid:\t3100\t42\t7\n", "NSpid:\t3100\t42\t7\n", "NSpgid:\t1\t0\t0\n", "NSsid:\t1\t0\t0\n");
        assertThat(status(leaf, l1)).contains("Tgid:\t42\n", "Pid:\t42\n", "PPid:\t" + b.pid().numberAtLevel(1) + "\n",
                "NStgid:\t42\t7\n", "NSpid:\t42\t7\n", "NSpgid:\t0\t0\n");
        assertThat(status(leaf, l2)).contains("Tgid:\t7\n", "Pid:\t7\n", "PPid:\t1\n", "NStgid:\t7\n", "NSpid:\t7\n",
                "NSpgid:\t0\n", "NSsid:\t0\n");
        assertThat(status(b, l2)).contains("Pid:\t1\n", "PPid:\t0\n");
        assertThat(status(a, l0)).contains("Pid:\t" + aRoot + "\n", "NSpid:\t" + aRoot + "\t1\n");
        assertThat(stat(leaf, l2)).startsWith("7 (init) S 1 0 0 0 -1 ");
    }

    /** A namespace init's setsid: its session and group at every level it has a number; a child inherits them; stat's fields 5 and 6. */
    @Test
    void nsSidAndNsPgidAfterANamespaceInitsSetsid() {
        Task init = kernel.tasks().init();
        Task a = child(init, "clone CLONE_NEWPID|SIGCHLD");
        assertThat(kernel.syscall(a, "setsid").text()).isEqualTo("1");
        Task leaf = child(a, "fork");
        kernel.syscall(leaf, "setpgid 0 0");
        int aRoot = a.pid().numberAtLevel(0);
        int leafRoot = leaf.pid().numberAtLevel(0);
        int leafNs = leaf.pid().numberAtLevel(1);
        assertThat(status(leaf, init.activePidNs())).contains("NSpgid:\t" + leafRoot + "\t" + leafNs + "\n",
                "NSsid:\t" + aRoot + "\t1\n");
        assertThat(status(leaf, a.activePidNs())).contains("NSpgid:\t" + leafNs + "\n", "NSsid:\t1\n");
        assertThat(stat(leaf, init.activePidNs())).startsWith(leafRoot + " (init) S " + aRoot + " " + leafRoot + " " + aRoot + " 0 -1 ");
    }

    @Test
    void mapsLinesLineUpAsLinuxs() throws IOException {
        String real = Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains(" /")).findFirst().orElseThrow();
        Task init = kernel.tasks().init();
        int id = (int) kernel.syscall(init, "shmget 4660 8192 IPC_CREAT|0600").value();
        kernel.syscall(init, "shmat " + id);
        String ours = MapsFile.render(kernel.read(() -> init.group().shmMappings()));
        assertThat(ours).isEqualTo("7f0000000000-7f0000002000 rw-s 00000000 00:01 " + id
                + " ".repeat(72 - 46 - String.valueOf(id).length()) + " /SYSV00001234 (deleted)\n");
        String shape = "[0-9a-f]{8,}-[0-9a-f]{8,} [r-][w-][x-][sp] [0-9a-f]{8} [0-9a-f]{2}:[0-9a-f]{2} \\d+ +/.*";
        assertThat(real).matches(shape);
        assertThat(ours.strip()).matches(shape);
        assertThat(ours.indexOf('/')).isEqualTo(real.indexOf(" /") + 1);
    }
}
