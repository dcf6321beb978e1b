package procsim.abi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import procsim.kernel.Sim;

/** simple_strtol(s, &end, 0) over a whole word (lib/vsprintf.c, lib/kstrtox.c: ASCII digits only). */
class StrtolTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"500, 500", "0x1f4, 500", "0764, 500", "-12, -12", "0, 0"})
    void parses(String word, long value) {
        assertThat(Strtol.parse(word)).isEqualTo(value);
    }

    /** The kernel's isdigit/isxdigit are ASCII: Arabic-Indic or fullwidth digits are junk. */
    @ParameterizedTest(name = "[{0}] -> EINVAL")
    @CsvSource({"'\u0661\u0662'", "'\uff11\uff12'", "'0x\uff11'", "12x", "''", "-", "9223372036854775808"})
    void refuses(String word) {
        assertThat(Sim.errno(() -> Strtol.parse(word))).isEqualTo(Errno.EINVAL);
    }
}
