package procsim.procfs.render;

import procsim.procfs.TaskSnapshot;
import procsim.task.Credentials;

/**
 * /proc/PID/status (fs/proc/array.c proc_pid_status, task_state): Linux's field names, order
 * and tabs, for the fields procsim models.
 * Deviation: Umask, Kthread, the Vm and Rss lines, signal masks, NoNewPrivs, seccomp, cpus and
 * context switches are not shown (the sim has none of them).
 */
public final class StatusFile {
    private StatusFile() {
    }

    public static String render(TaskSnapshot s) {
        StringBuilder b = new StringBuilder(320);
        b.append("Name:\t").append(escape(s.comm())).append('\n');
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
        b.append("Threads:\t").append(s.threads()).append('\n');
        // task_cap: after task_sig's Threads and Sig* lines, each set as %016llx
        cap(b, "CapInh:\t", c.capInheritable());
        cap(b, "CapPrm:\t", c.capPermitted());
        cap(b, "CapEff:\t", c.capEffective());
        cap(b, "CapBnd:\t", c.capBounding());
        cap(b, "CapAmb:\t", c.capAmbient());
        return b.toString();
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
