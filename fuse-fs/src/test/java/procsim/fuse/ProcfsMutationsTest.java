package procsim.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import procsim.fuse.ProcfsMutations.Place;

class ProcfsMutationsTest {
    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "/,                     OTHER",
        "/version,              OTHER",
        "/self,                 OTHER",
        "/sysvipc,              OTHER",
        "/sysvipc/msg,          OTHER",
        "/system,               OTHER",
        "/12a,                  OTHER",
        "/sys,                  SYSCTL",
        "/sys/kernel/pid_max,   SYSCTL",
        "/1,                    PID_DIR",
        "/32767,                PID_DIR",
        "/1/task/1,             PID_DIR",
        "/1/task/305,           PID_DIR",
        "/1/task,               IN_PID_DIR",
        "/1/task/1/syscall,     IN_PID_DIR",
        "/1/task/1x,            IN_PID_DIR",
        "/1/status,             IN_PID_DIR",
        "/1/fd/0,               IN_PID_DIR",
    })
    void placeOf(String path, Place want) {
        assertThat(ProcfsMutations.placeOf(path)).isEqualTo(want);
    }
}
