package procsim.procfs.render;

/**
 * /proc/version (fs/proc/version.c, init/version.c linux_proc_banner): {@code "%s version %s
 * (BY@HOST) (COMPILER) %s\n"} of utsname's sysname, release and version, which are also
 * /proc/sys/kernel/ostype, osrelease and version.
 * Deviation: the sim's release names the Linux whose rules it follows (6.14: per-namespace pid_max).
 */
public final class VersionFile {
    public static final String SYSNAME = "Linux";
    public static final String RELEASE = "6.14.0-procsim";
    public static final String VERSION = "#1 SMP PREEMPT_DYNAMIC procsim";

    private VersionFile() {
    }

    public static String render() {
        return SYSNAME + " version " + RELEASE + " (procsim@procsim) (javac 17) " + VERSION + "\n";
    }
}
