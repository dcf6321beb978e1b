package procsim.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ProcFuseTest {
    /**
     * jnr-fuse registers only the operations a subclass overrides. With neither flush nor lock,
     * libfuse answers the first FUSE_FLUSH with ENOSYS and the kernel stops sending them
     * (fuse_flush sets fc->no_flush): a close(2), and each of bash's {@code >&FD} redirections,
     * then costs no round trip to the daemon.
     */
    @Test
    void closeCostsNoRoundTrip() {
        assertThat(Arrays.stream(ProcFuse.class.getDeclaredMethods()).map(Method::getName))
                .doesNotContain("flush", "lock");
    }
}
