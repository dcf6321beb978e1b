package procsim.procfs.render;

/**
 * /proc/cpuinfo (arch/x86/kernel/cpu/proc.c show_cpuinfo, show_cpuinfo_core): one block per
 * CPU, {@code key<tabs>: value} lines and a blank line. procps-ng's /proc/stat reader needs it
 * (library/stat.c stat_cores_verify: "processor" and "core id").
 * Deviation: the sim's one CPU, with the identification lines only (no flags, caches, MHz).
 */
public final class CpuinfoFile {
    private CpuinfoFile() {
    }

    public static String render() {
        return "processor\t: 0\n"
                + "vendor_id\t: procsim\n"
                + "cpu family\t: 0\n"
                + "model\t\t: 0\n"
                + "model name\t: procsim simulated CPU\n"
                + "stepping\t: 0\n"
                + "physical id\t: 0\n"
                + "siblings\t: 1\n"
                + "core id\t\t: 0\n"
                + "cpu cores\t: 1\n"
                + "\n";
    }
}
