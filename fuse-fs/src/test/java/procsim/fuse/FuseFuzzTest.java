package procsim.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fuzz bench's property, held in CI on a smaller run: fuzzed writes to every writable file
 * kind, and create/rename/chmod/truncate attempts, get an errno or succeed; none is EIO (a bug
 * caught by the adapter) and nothing is logged at ERROR.
 */
class FuseFuzzTest {
    static final int WRITES = 2_000;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void fuzzedWritesGetAnErrnoNeverEio(long seed) {
        FuseFuzzer.Report r = FuseFuzzer.run(seed, WRITES);

        assertThat(r.writes()).isEqualTo(WRITES);
        assertThat(r.writesByKind()).containsOnlyKeys(FuseFuzzer.Kind.values());
        assertThat(r.eio()).as(FuseFuzzer.format(r)).isEmpty();
        assertThat(r.errorLines()).as(FuseFuzzer.format(r)).isZero();
        // the fuzz reaches past the parser: some syscalls succeed, and the refusals are errnos
        assertThat(r.outcomesByKind().get(FuseFuzzer.Kind.SYSCALL)).containsKeys("ok", "EINVAL", "ESRCH");
        assertThat(r.otherOps()).containsKeys("create", "rename", "chmod", "truncate");
    }

    @Test
    void theSameSeedMakesTheSameRequestsAndGetsTheSameOutcomes() {
        FuseFuzzer.Report a = FuseFuzzer.run(7, 500), b = FuseFuzzer.run(7, 500), c = FuseFuzzer.run(8, 500);

        assertThat(a.digest()).isEqualTo(b.digest()).isNotEqualTo(c.digest());
        assertThat(a.writeOutcomes()).isEqualTo(b.writeOutcomes());
    }
}
