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

    /** A 64-bit word (a sigset_t's): unsigned to 2^64-1, a negative one its two's complement. */
    @ParameterizedTest(name = "word {0} -> {1}")
    @CsvSource({"0x8000000000000000, 8000000000000000", "0xffffffffffffffff, ffffffffffffffff",
            "18446744073709551615, ffffffffffffffff", "-1, ffffffffffffffff", "01777777777777777777777, ffffffffffffffff",
            "0x4200, 4200"})
    void parsesWords(String word, String hex) {
        assertThat(Strtol.parseWord(word)).isEqualTo(Long.parseUnsignedLong(hex, 16));
    }

    @ParameterizedTest(name = "word [{0}] -> EINVAL")
    @CsvSource({"0x10000000000000000", "18446744073709551616", "02000000000000000000000", "+5", "0x", "''"})
    void refusesWords(String word) {
        assertThat(Sim.errno(() -> Strtol.parseWord(word))).isEqualTo(Errno.EINVAL);
    }
}
