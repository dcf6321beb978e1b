package procsim.procfs.render;

import procsim.procfs.ProcessMemory;
import procsim.procfs.TaskSnapshot;
import procsim.task.Credentials;

/**
 * /proc/PID/status (fs/proc/array.c proc_pid_status: task_name, task_state, task_mem of
 * fs/proc/task_mmu.c, task_core_dumping, task_thp_status, task_untag_mask, task_sig, task_cap,
 * task_seccomp, task_cpus_allowed, cpuset_task_status_allowed, task_context_switch_counts):
 * every line of Linux 6.18's x86_64 status, in its order, names, tabs and widths.
 * Deviation: what the sim does not model shows a fixed plausible value: Umask 0022, no
 * seccomp, a machine of one CPU and one memory node that reports no speculation vulnerability,
 * no context switch counted; the Vm and Rss lines come from {@link ProcessMemory}.
 */
public final class StatusFile {
    /**
     * RLIMIT_SIGPENDING's default, max_threads / 2 (kernel/fork.c set_max_threads, fork_init):
     * 1 GiB of RAM / (THREAD_SIZE 16 KiB * 8) / 2.
     */
    static final long SIGPENDING_LIMIT = 4096;
    /** Mems_allowed: a nodemask of MAX_NUMNODES (1 << CONFIG_NODES_SHIFT 10) bits, node 0 set, as %*pb. */
    static final String MEMS_ALLOWED = "00000000,".repeat(31) + "00000001";

    private StatusFile() {
    }

    public static String render(TaskSnapshot s) {
        StringBuilder b = new StringBuilder(1600);
        ProcessMemory mm = s.mm();
        b.append("Name:\t").append(escape(s.comm())).append('\n');
        // get_task_umask: only while the task has its fs_struct (exit_fs clears it)
        if (mm != null) b.append("Umask:\t0022\n");
        b.append("State:\t").append(s.state().text()).append('\n');
        b.append("Tgid:\t").append(s.tgid()).append('\n');
        b.append("Ngid:\t0\n");
        b.append("Pid:\t").append(s.pid()).append('\n');
        b.append("PPid:\t").append(s.ppid()).append('\n');
        b.append("TracerPid:\t0\n");
        Credentials c = s.creds();
        b.append("Uid:\t").append(c.uid()).append('\t').append(c.euid()).append('\t')
                .append(c.suid()).append('\t').append(c.fsuid()).append('\n');
        b.append("Gid:\t").append(c.gid()).append('\t').append(c.egid()).append('\t')
                .append(c.sgid()).append('\t').append(c.fsgid()).append('\n');
        b.append("FDSize:\t").append(s.fdSize()).append('\n');
        b.append("Groups:\t \n");
        ns(b, "NStgid:", s.nstgid());
        ns(b, "NSpid:", s.nspid());
        ns(b, "NSpgid:", s.nspgid());
        ns(b, "NSsid:", s.nssid());
        b.append("Kthread:\t0\n"); // no sim task is a kernel thread
        if (mm != null) mem(b, mm);
        b.append("Threads:\t").append(s.threads()).append('\n');
        b.append("SigQ:\t0/").append(SIGPENDING_LIMIT).append('\n');
        sigset(b, "SigPnd:\t", s.sigPnd());
        sigset(b, "ShdPnd:\t", s.shdPnd());
        sigset(b, "SigBlk:\t", s.sigBlk());
        sigset(b, "SigIgn:\t", s.sigIgn());
        sigset(b, "SigCgt:\t", s.sigCgt());
        // task_cap: each set as %016llx
        cap(b, "CapInh:\t", c.capInheritable());
        cap(b, "CapPrm:\t", c.capPermitted());
        cap(b, "CapEff:\t", c.capEffective());
        cap(b, "CapBnd:\t", c.capBounding());
        cap(b, "CapAmb:\t", c.capAmbient());
        b.append("NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n");
        b.append("Speculation_Store_Bypass:\tnot vulnerable\nSpeculationIndirectBranch:\tnot affected\n");
        b.append("Cpus_allowed:\t1\nCpus_allowed_list:\t0\n");
        b.append("Mems_allowed:\t").append(MEMS_ALLOWED).append("\nMems_allowed_list:\t0\n");
        b.append("voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n");
        return b.toString();
    }

    /** render_sigset_t: 64 signals as 16 hex digits, the highest first. */
    private static void sigset(StringBuilder b, String name, long set) {
        String hex = Long.toHexString(set);
        b.append(name).append("0".repeat(16 - hex.length())).append(hex).append('\n');
    }

    /** task_mem (each value SEQ_PUT_DEC: kB, at least 8 wide), hugetlb_report_usage and the lines after. */
    private static void mem(StringBuilder b, ProcessMemory mm) {
        kb(b, "VmPeak", mm.vmSize());
        kb(b, "VmSize", mm.vmSize());
        kb(b, "VmLck", 0);
        kb(b, "VmPin", 0);
        kb(b, "VmHWM", mm.vmRss());
        kb(b, "VmRSS", mm.vmRss());
        kb(b, "RssAnon", ProcessMemory.ANON_KB);
        kb(b, "RssFile", ProcessMemory.FILE_KB);
        kb(b, "RssShmem", mm.rssShmem());
        kb(b, "VmData", ProcessMemory.DATA_KB);
        kb(b, "VmStk", ProcessMemory.STACK_KB);
        kb(b, "VmExe", ProcessMemory.EXE_KB);
        kb(b, "VmLib", ProcessMemory.LIB_KB);
        kb(b, "VmPTE", ProcessMemory.PTE_KB);
        kb(b, "VmSwap", 0);
        kb(b, "HugetlbPages", 0);
        b.append("CoreDumping:\t0\nTHP_enabled:\t1\nuntag_mask:\t0xffffffffffffffff\n");
    }

    private static void kb(StringBuilder b, String name, long kb) {
        String v = Long.toString(kb);
        b.append(name).append(":\t").append(" ".repeat(Math.max(0, 8 - v.length()))).append(v).append(" kB\n");
    }

    private static void cap(StringBuilder b, String name, long set) {
        String hex = Long.toHexString(set);
        b.append(name).append("0".repeat(16 - hex.length())).append(hex).append('\n');
    }

    private static void ns(StringBuilder b, String name, int[] numbers) {
        b.append(name);
        for (int n : numbers) b.append('\t').append(n);
        b.append('\n');
    }

    /** string_escape_mem with ESCAPE_SPACE | ESCAPE_SPECIAL: \n \t \\ and friends. */
    static String escape(String comm) {
        StringBuilder b = new StringBuilder(comm.length());
        for (char ch : comm.toCharArray()) {
            switch (ch) {
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\\' -> b.append("\\\\");
                case '\r' -> b.append("\\r");
                case '\f' -> b.append("\\f");
                case 0x0b -> b.append("\\v");
                case '\u001b' -> b.append("\\e");
                case '\u0007' -> b.append("\\a");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }
}
