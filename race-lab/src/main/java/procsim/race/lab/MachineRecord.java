package procsim.race.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The machine a race-lab result was measured on: CPUs available to the JVM, the host's load
 * average (the three numbers of /proc/loadavg) before and after the sweep, the kernel release
 * (/proc/sys/kernel/osrelease, what {@code uname -r} prints), the JVM and the procsim version.
 * Rates from threads racing on shared CPUs mean little without it.
 */
public record MachineRecord(int cpus, double[] loadBefore, double[] loadAfter, String kernel, String jvm,
                            String procsim) {
    /** The host's record now, with {@code loadAfter} still unknown (null). */
    public static MachineRecord probe(String procsimVersion) {
        return new MachineRecord(Runtime.getRuntime().availableProcessors(), loadavg(LOADAVG), null,
                readLine(OSRELEASE), System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                procsimVersion);
    }

    static final Path LOADAVG = Path.of("/proc/loadavg");
    static final Path OSRELEASE = Path.of("/proc/sys/kernel/osrelease");

    /** The same record with the load average after the sweep read now. */
    public MachineRecord after() {
        return withLoadAfter(loadavg(LOADAVG));
    }

    public MachineRecord withLoadAfter(double[] load) {
        return new MachineRecord(cpus, loadBefore, load, kernel, jvm, procsim);
    }

    /** The 1, 5 and 15 minute load averages of a /proc/loadavg file; null if unreadable. */
    static double[] loadavg(Path file) {
        try {
            String[] f = Files.readString(file).strip().split("\\s+");
            return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String readLine(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * A warning when the 1-minute load average before or after exceeds the CPUs (other work then
     * competes with the racing threads and moves the rates), else null.
     */
    public String warning() {
        double worst = Math.max(loadBefore == null ? 0 : loadBefore[0], loadAfter == null ? 0 : loadAfter[0]);
        if (worst <= cpus) return null;
        return String.format(Locale.ROOT, "WARNING: load average %.2f exceeds the %d CPUs: other work competes with "
                + "the racing threads, the rates are not comparable with a quiet machine's", worst, cpus);
    }

    /** {@code 1.02 0.88 0.70}, or {@code unknown}. */
    public static String loadText(double[] load) {
        if (load == null) return "unknown";
        return String.format(Locale.ROOT, "%.2f %.2f %.2f", load[0], load[1], load[2]);
    }

    /** The record before the sweep, one line without the load after. */
    public String headerLine() {
        return "# machine: cpus=" + cpus + " kernel=" + kernel + " jvm=" + jvm + " procsim=" + procsim
                + " loadavg_before=" + loadText(loadBefore).replace(' ', ',');
    }

    /** The load after, one line. */
    public String afterLine() {
        return "# machine: loadavg_after=" + loadText(loadAfter).replace(' ', ',');
    }
}
