package procsim.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ru.serce.jnrfuse.struct.FuseContext;

class RequestContextTest {
    /**
     * The request's caller read straight from libfuse2's {@code struct fuse_context} (fuse.h:
     * {@code struct fuse *fuse; uid_t uid; gid_t gid; pid_t pid; ...}) gives what jnr-fuse's
     * {@link FuseContext} struct reads from the same memory, without building that struct.
     */
    @ParameterizedTest
    @CsvSource({"4242, 0, 0", "1, 1000, 1000", "2147483647, 65534, 65534", "7, 0, 5"})
    void readsWhatJnrFusesStructReads(int pid, int uid, int gid) {
        Pointer mem = Memory.allocateDirect(Runtime.getSystemRuntime(), 64, true);
        FuseContext struct = FuseContext.of(mem);
        struct.pid.set(pid);
        struct.uid.set(uid);
        struct.gid.set(gid);

        RequestContext ctx = RequestContext.at(mem);

        assertThat(ctx.pid()).isEqualTo(struct.pid.get()).isEqualTo(pid);
        assertThat(ctx.uid()).isEqualTo((int) struct.uid.get()).isEqualTo(uid);
        assertThat(ctx.gid()).isEqualTo((int) struct.gid.get()).isEqualTo(gid);
    }

    /** jnr-ffi binds the call from a class loader of its own: the interface must be reachable from there. */
    @Test
    void bindsToLibfuse2() {
        // CI (PROCSIM_REQUIRE_FUSE=1) has libfuse2: there a missing library fails, it never skips
        if (!"1".equals(System.getenv("PROCSIM_REQUIRE_FUSE"))) {
            assumeTrue(FuseLibrary.loadError().isEmpty(), "libfuse2 is not installed");
        }
        assertThat(FuseLibrary.load(RequestContext.Lib.class)).isNotNull();
    }
}
