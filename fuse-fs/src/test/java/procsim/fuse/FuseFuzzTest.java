package procsim.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import java.util.regex.Pattern;

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

    /**
     * Issue 10, defect 1: a sysctl write of a number outside 64 bits is EIO on this branch (a
     * NumberFormatException); it is being fixed elsewhere (EINVAL). Tolerated here, and only that.
     * TODO once that fix is merged: drop this and let knownDefect() match nothing.
     */
    private static final Pattern DECIMAL = Pattern.compile("-?[0-9]+");

    static boolean knownDefect(FuseFuzzer.Eio e) {
        return e.op().equals("write") && e.path().startsWith("/sys/kernel/")
                && DECIMAL.matcher(e.data()).results().map(m -> new BigInteger(m.group()))
                        .anyMatch(n -> n.bitLength() > 63);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void fuzzedWritesGetAnErrnoNeverEio(long seed) {
        FuseFuzzer.Report r = FuseFuzzer.run(seed, WRITES);

        assertThat(r.writes()).isEqualTo(WRITES);
        assertThat(r.writesByKind()).containsOnlyKeys(FuseFuzzer.Kind.values());
        List<FuseFuzzer.Eio> unexpected = r.eio().stream().filter(e -> !knownDefect(e)).toList();
        assertThat(unexpected).as(FuseFuzzer.format(r)).isEmpty();
        assertThat(r.errorLines()).as(FuseFuzzer.format(r)).isEqualTo(r.eioCount());
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

    @Test
    void theKnownDefectMatchesOnlyNumbersOutside64Bits() {
        assertThat(knownDefect(new FuseFuzzer.Eio("write", "/sys/kernel/pid_max", "\"9223372036854775808\""))).isTrue();
        assertThat(knownDefect(new FuseFuzzer.Eio("write", "/sys/kernel/ns_last_pid", "\" -9223372036854775809\\n\"")))
                .isTrue();
        assertThat(knownDefect(new FuseFuzzer.Eio("write", "/sys/kernel/pid_max", "\"300\""))).isFalse();
        assertThat(knownDefect(new FuseFuzzer.Eio("write", "/sys/kernel/pid_max", "\"9223372036854775807\""))).isFalse();
        assertThat(knownDefect(new FuseFuzzer.Eio("write", "/1/comm", "\"9223372036854775808\""))).isFalse();
        assertThat(knownDefect(new FuseFuzzer.Eio("read", "/sys/kernel/pid_max", "\"9223372036854775808\""))).isFalse();
    }
}
