package procsim.procfs.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import procsim.ipc.Ipc64Perm;
import procsim.ipc.MsqidDs;
import procsim.ipc.SemidDs;
import procsim.ipc.ShmidDs;

/** /proc/sysvipc formats: headers byte for byte as this machine's, rows as Linux prints them. */
class SysvipcTableTest {
    @ParameterizedTest
    @ValueSource(strings = {"msg", "sem", "shm"})
    void headersEqualThisMachinesRealOnes(String table) throws IOException {
        String real = Files.readAllLines(Path.of("/proc/sysvipc/" + table)).get(0) + "\n";
        String ours = switch (table) {
            case "msg" -> SysvipcTable.MSG_HEADER;
            case "sem" -> SysvipcTable.SEM_HEADER;
            default -> SysvipcTable.SHM_HEADER;
        };
        assertThat(ours).isEqualTo(real);
    }

    @Test
    void rowsAsLinuxPrintsThem() {
        // the examples of linux-facts §5.1, captured on 6.18
        assertThat(SysvipcTable.msg(List.of(
                new MsqidDs(new Ipc64Perm(0, 1, 1234, 0, 0, 0, 0640), 1795343052, 1795343052, 1795343052, 5, 1, 16384, 1, 1),
                new MsqidDs(new Ipc64Perm(4660, 2, 0, 0, 0, 0, 0644), 0, 0, 1795343052, 0, 0, 16384, 0, 0)))).isEqualTo(
                SysvipcTable.MSG_HEADER
                + "         0          1   640           5          1     1     1  1234     0     0     0 1795343052 1795343052 1795343052\n"
                + "      4660          2   644           0          0     0     0     0     0     0     0          0          0 1795343052\n");
        assertThat(SysvipcTable.sem(List.of(
                new SemidDs(new Ipc64Perm(0, 0, 0, 0, 0, 0, 0600), 1795343052, 1795343052, 3),
                new SemidDs(new Ipc64Perm(85, 1, 0, 0, 0, 0, 0666), 0, 1795343052, 2)))).isEqualTo(
                SysvipcTable.SEM_HEADER
                + "         0          0   600          3     0     0     0     0 1795343052 1795343052\n"
                + "        85          1   666          2     0     0     0     0          0 1795343052\n");
        assertThat(SysvipcTable.shm(List.of(
                new ShmidDs(new Ipc64Perm(0, 0, 0, 0, 0, 0, 0600), 4096, 1795343052, 0, 1795343052, 1, 1, 1),
                new ShmidDs(new Ipc64Perm(119, 1, 0, 0, 0, 0, 0644), 10000, 0, 0, 1795343052, 1, 0, 0)))).isEqualTo(
                SysvipcTable.SHM_HEADER
                + "         0          0   600                  4096     1     1      1     0     0     0     0 1795343052          0 1795343052                     0                     0\n"
                + "       119          1   644                 10000     1     0      0     0     0     0     0          0          0 1795343052                     0                     0\n");
    }

    @Test
    void negativeKeysAndHighModeBits() {
        assertThat(SysvipcTable.shm(List.of(new ShmidDs(new Ipc64Perm(0xdeadbeef, 5, 0, 0, 0, 0, 01600), 1, 0, 0, 0, 0, 0, 1))))
                .contains("-559038737          5  1600 ");
    }
}
