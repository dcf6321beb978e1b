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
import procsim.kernel.KernelConfig;
import procsim.pid.PidNamespace;
import procsim.procfs.SystemSnapshot;
import procsim.task.Task;

/**
 * The root-level files against this machine's real ones, through one parser each (the shapes
 * procps-ng and psmisc parse), and their values against the sim's own clock and counts.
 */
class RootFilesTest {
    private final Kernel kernel = Kernel.boot(new KernelConfig(32768, () -> 1_700_000_000L));

    private static String real(String path) throws IOException {
        return Files.readString(Path.of(path));
    }

    private SystemSnapshot snapshot(PidNamespace viewer) {
        return kernel.read(() -> SystemSnapshot.of(kernel, viewer));
    }

    private Task child(Task parent, String line) {
        int nr = (int) kernel.syscall(parent, line).value();
        return kernel.read(() -> kernel.tasks().lookup(parent.activePidNs(), nr));
    }

    @Test
    void procStatHasLinuxsLinesInLinuxsOrderAndWidths() throws IOException {
        LinkedHashMap<String, List<String>> real = ProcFormat.keyed(real("/proc/stat"));
        String text = KernelStatFile.render(snapshot(kernel.tasks().rootPidNs()));
        LinkedHashMap<String, List<String>> ours = ProcFormat.keyed(text);
        assertThat(ours.keySet()).containsExactly("cpu", "cpu0", "intr", "ctxt", "btime", "processes",
                "procs_running", "procs_blocked", "softirq");
        List<String> realOrder = new ArrayList<>(real.keySet());
        realOrder.retainAll(ours.keySet());
        assertThat(realOrder).containsExactlyElementsOf(ours.keySet());
        for (String key : List.of("cpu", "cpu0", "softirq", "ctxt", "btime", "processes", "procs_running", "procs_blocked")) {
            assertThat(ours.get(key)).as(key).hasSameSizeAs(real.get(key));
        }
        assertThat(real("/proc/stat")).startsWith("cpu  ");
        assertThat(text).startsWith("cpu  ");
    }

    @Test
    void procStatCountsFromTheSimClockAndForks() {
        Task init = kernel.tasks().init();
        Task c = child(init, "fork");
        kernel.syscall(c, "clone CLONE_VM|CLONE_THREAD|CLONE_SIGHAND");
        kernel.syscall(c, "exit_group 0");
        LinkedHashMap<String, List<String>> f = ProcFormat.keyed(KernelStatFile.render(snapshot(init.activePidNs())));
        assertThat(f.get("btime")).containsExactly("1700000000");
        assertThat(f.get("processes")).containsExactly("3");
        assertThat(f.get("procs_running")).containsExactly("0");
        long idle = Long.parseLong(f.get("cpu").get(3));
        assertThat(f.get("cpu0")).isEqualTo(f.get("cpu"));
        assertThat(idle).isBetween(0L, kernel.ticks());
        assertThat(c.startTime()).isBetween(0L, idle + 1);
    }

    @Test
    void uptimeAndLoadavgHaveLinuxsShape() throws IOException {
        String uptime = "\\d+\\.\\d\\d \\d+\\.\\d\\d\n";
        String loadavg = "\\d+\\.\\d\\d \\d+\\.\\d\\d \\d+\\.\\d\\d \\d+/\\d+ -?\\d+\n";
        SystemSnapshot s = snapshot(kernel.tasks().rootPidNs());
        assertThat(real("/proc/uptime")).matches(uptime);
        assertThat(UptimeFile.render(s)).matches(uptime);
        assertThat(real("/proc/loadavg")).matches(loadavg);
        assertThat(LoadavgFile.render(s)).matches(loadavg);
    }

    @Test
    void uptimeIsTicksAsSecondsWithTwoDecimals() {
        assertThat(UptimeFile.render(new SystemSnapshot(0, 12345, 1, 1, 0, 1))).isEqualTo("123.45 123.45\n");
        assertThat(UptimeFile.render(new SystemSnapshot(0, 7, 1, 1, 0, 1))).isEqualTo("0.07 0.07\n");
    }

    /** fs/proc/loadavg.c: the last field is task_active_pid_ns(current)'s last pid; nr_threads counts zombies. */
    @Test
    void loadavgShowsTheViewersNamespacesLastPid() {
        Task init = kernel.tasks().init();
        Task nsInit = child(init, "clone CLONE_NEWPID|SIGCHLD");
        child(nsInit, "fork");
        Task zombie = child(init, "fork");
        kernel.syscall(zombie, "exit 0");
        int rootLast = kernel.read(() -> init.activePidNs().lastPid());
        assertThat(LoadavgFile.render(snapshot(init.activePidNs()))).isEqualTo("0.00 0.00 0.00 0/4 " + rootLast + "\n");
        assertThat(LoadavgFile.render(snapshot(nsInit.activePidNs()))).isEqualTo("0.00 0.00 0.00 0/4 2\n");
    }

    @Test
    void meminfoLinesAreLinuxsInLinuxsOrder() throws IOException {
        LinkedHashMap<String, Long> real = ProcFormat.meminfo(real("/proc/meminfo"));
        LinkedHashMap<String, Long> ours = ProcFormat.meminfo(MeminfoFile.render());
        assertThat(ours.keySet()).contains("MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached", "SwapTotal",
                "SwapFree", "Shmem", "SReclaimable");
        List<String> realOrder = new ArrayList<>(real.keySet());
        realOrder.retainAll(ours.keySet());
        assertThat(realOrder).containsExactlyElementsOf(ours.keySet());
        assertThat(ours.get("MemFree")).isLessThanOrEqualTo(ours.get("MemTotal"));
        assertThat(ours.get("MemAvailable")).isLessThanOrEqualTo(ours.get("MemTotal"));
    }

    @Test
    void versionAndTtyDriversHaveLinuxsShape() throws IOException {
        String version = "Linux version \\S+ \\(\\S+@\\S+\\) \\(.+\\) #\\d+ .+\n";
        assertThat(real("/proc/version")).matches(version);
        assertThat(VersionFile.render()).matches(version);
        String row = "\\S.{19} /dev/\\S.{7} +\\d+ +\\d+(-\\d+)? (system(:\\S+)?|pty:(slave|master)|serial|console)";
        List<String> realRows = Files.readAllLines(Path.of("/proc/tty/drivers"));
        List<String> ours = List.of(TtyDriversFile.render().split("\n"));
        for (String l : realRows) assertThat(l).matches(row);
        for (String l : ours) assertThat(l).matches(row);
        assertThat(ours.subList(0, 3)).containsExactlyElementsOf(realRows.subList(0, 3));
        assertThat(ours).contains(realRows.stream().filter(l -> l.startsWith("pty_slave")).findFirst().orElseThrow());
    }

    /**
     * procps-ng's /proc/stat reader (library/stat.c stat_cores_verify) fails without /proc/cpuinfo
     * and scans it for "processor : N" and "core id : N" in blank-line-ended blocks.
     */
    @Test
    void cpuinfoHasLinuxsKeysTabsAndBlocks() throws IOException {
        List<LinkedHashMap<String, String>> real = ProcFormat.cpuinfo(real("/proc/cpuinfo"));
        List<LinkedHashMap<String, String>> ours = ProcFormat.cpuinfo(CpuinfoFile.render());
        assertThat(ours).hasSize(1);
        assertThat(ours.get(0)).containsEntry("processor\t", "0").containsEntry("core id\t\t", "0")
                .containsEntry("physical id\t", "0");
        List<String> realKeys = new ArrayList<>(real.get(0).keySet());
        realKeys.retainAll(ours.get(0).keySet());
        assertThat(realKeys).containsExactlyElementsOf(ours.get(0).keySet());
    }
}
