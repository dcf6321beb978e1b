package procsim.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A host thread's getpid() in its own pid namespace: NStgid's last field (fs/proc/array.c task_state). */
class HostTgidVnrTest {
    @Test
    void theLastNstgidFieldOrZero(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("700"));
        Files.writeString(root.resolve("700/status"), "Name:\tps\nTgid:\t690\nNStgid:\t690\t7\nNSpid:\t700\t9\n");
        Files.createDirectories(root.resolve("800"));
        Files.writeString(root.resolve("800/status"), "Name:\tbash\nNStgid:\t800\n");
        Files.createDirectories(root.resolve("900"));
        Files.writeString(root.resolve("900/status"), "Name:\told kernel\n");
        HostTgidVnr vnr = new HostTgidVnr(root.toString());
        assertThat(vnr.applyAsInt(700)).isEqualTo(7);
        assertThat(vnr.applyAsInt(800)).isEqualTo(800);
        assertThat(vnr.applyAsInt(900)).isZero();
        assertThat(vnr.applyAsInt(1234)).isZero();
    }

    @Test
    void thisProcessIsItsOwnInTheHostsNamespace() {
        assertThat(new HostTgidVnr().applyAsInt((int) ProcessHandle.current().pid())).isEqualTo(ProcessHandle.current().pid());
    }
}
