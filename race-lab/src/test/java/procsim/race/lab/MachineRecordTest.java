package procsim.race.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The machine record's reads of the host. */
class MachineRecordTest {
    @Test
    void theLoadAverageIsTheFirstThreeFieldsOfLoadavg(@TempDir Path dir) throws IOException {
        // proc(5): "0.50 0.25 0.10 1/123 4567": three averages, runnable/total entities, last pid.
        Path f = Files.writeString(dir.resolve("loadavg"), "0.50 0.25 0.10 1/123 4567\n");
        assertThat(MachineRecord.loadavg(f)).containsExactly(0.5, 0.25, 0.1);
        assertThat(MachineRecord.loadavg(dir.resolve("missing"))).isNull();
    }

    @Test
    void theProbeReadsThisHost() throws IOException {
        MachineRecord m = MachineRecord.probe("v").after();
        assertThat(m.cpus()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(m.kernel()).isEqualTo(Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip());
        assertThat(m.loadBefore()).hasSize(3);
        assertThat(m.loadAfter()).hasSize(3);
        assertThat(m.jvm()).contains(System.getProperty("java.runtime.version"));
        assertThat(m.headerLine()).contains("cpus=", "kernel=", "jvm=", "procsim=v", "loadavg_before=");
    }
}
