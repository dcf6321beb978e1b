package procsim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.BiConsumer;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import procsim.abi.Errno;

/**
 * An int sysctl write as kernel/sysctl.c parses it: {@code __do_proc_dointvec} skips leading
 * isspace() blanks, {@code proc_get_long} takes one '-' (no '+'), needs a digit, parses with
 * {@code strtoul_lenient(p, &p, 0)} (base 0: 0x hex, leading-0 octal; overflow of an unsigned
 * long is EINVAL), refuses a number of 21 characters or more (TMPBUFLEN - 1), and accepts only
 * ' ', '\t' or '\n' after it; {@code do_proc_dointvec_conv} refuses what does not fit an int.
 * The blanks after the first number are consumed, the rest is left (write returns less).
 */
class SysctlIntTest {
    @ParameterizedTest(name = "[{0}] -> {1} (consumed {2})")
    @CsvSource(delimiter = '|', value = {
        "42|42|2",
        "'  42 \n'|42|6",
        "'42\n'|42|3",
        "'0x20\n'|32|5",
        "0X1f|31|4",
        "020|16|3",
        "0|0|1",
        "-0|0|2",
        "-5|-5|2",
        "-0x10|-16|5",
        "'\r\u000b\f5\n'|5|5",
        "'44 45'|44|3",
        "'44\t45\n'|44|3",
        "'5 x'|5|2",
        "2147483647|2147483647|10",
        "-2147483648|-2147483648|11",
        "0x7fffffff|2147483647|10",
        "00000000000000000042|34|20",
    })
    void accepted(String text, int value, int consumed) {
        assertThat(SysctlInt.parse(text)).isEqualTo(new SysctlInt(value, consumed));
    }

    @ParameterizedTest(name = "[{0}] -> EINVAL")
    @CsvSource(delimiter = '|', value = {
        "''",
        "' '",
        "'\n'",
        "abc",
        "43x",
        "+5",
        "-",
        "'-\n'",
        "'- 5'",
        "--5",
        "1.5",
        "08",
        "0x",
        "0xg",
        "'5\r'",
        "'5,6'",
        "2147483648",
        "-2147483649",
        "4294967296",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775809",
        "18446744073709551615",
        "18446744073709551616",
        "99999999999999999999999",
        "000000000000000000042",
        "\u0661\u0662",
    })
    void refused(String text) {
        assertThat(Sim.errno(() -> SysctlInt.parse(text))).isEqualTo(Errno.EINVAL);
    }

    @Test
    void onlyThe4095BytesProcSysTakesAreParsed() {
        assertThat(Sim.errno(() -> SysctlInt.parse(" ".repeat(4095) + "7"))).isEqualTo(Errno.EINVAL);
        assertThat(SysctlInt.parse(" ".repeat(4094) + "7").value()).isEqualTo(7);
    }

    @Test
    void hexNsLastPidThenForkGets33() {
        Sim sim = new Sim();
        assertThat(sim.kernel.writeNsLastPid(null, sim.root(), "0x20\n")).isEqualTo(5);
        assertThat(sim.as(1).ok("fork")).isEqualTo(33);
    }

    /** Every one of the five sysctls: an int-overflowing or 64-bit-overflowing write is EINVAL and changes nothing. */
    @ParameterizedTest(name = "{0} [{1}] -> EINVAL, unchanged")
    @CsvSource({
        "ns_last_pid, 9223372036854775808",
        "ns_last_pid, 4294967296",
        "ns_last_pid, 18446744073709551617",
        "pid_max, 9223372036854775808",
        "pid_max, 4294971392",
        "msg_next_id, 9223372036854775808",
        "msg_next_id, 4294967296",
        "sem_next_id, 99999999999999999999",
        "shm_next_id, -9223372036854775809",
    })
    void outOfRangeIsEinvalInEverySysctl(String sysctl, String text) {
        Sim sim = new Sim();
        Function<Sim, Integer> value = value(sysctl);
        int before = value.apply(sim);
        assertThat(Sim.errno(() -> writer(sysctl).accept(sim, text + "\n"))).isEqualTo(Errno.EINVAL);
        assertThat(value.apply(sim)).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0} [0x1f4] -> 500")
    @CsvSource({"ns_last_pid", "pid_max", "msg_next_id", "sem_next_id", "shm_next_id"})
    void baseZeroInEverySysctl(String sysctl) {
        Sim sim = new Sim();
        writer(sysctl).accept(sim, "0x1f4\n");
        assertThat(value(sysctl).apply(sim)).isEqualTo(500);
        writer(sysctl).accept(sim, " 0764\n");
        assertThat(value(sysctl).apply(sim)).isEqualTo(500);
    }

    private static BiConsumer<Sim, String> writer(String sysctl) {
        return switch (sysctl) { // a null writer is the operator
            case "ns_last_pid" -> (s, t) -> s.kernel.writeNsLastPid(null, s.root(), t);
            case "pid_max" -> (s, t) -> s.kernel.writePidMax(null, s.root(), t);
            case "msg_next_id" -> (s, t) -> s.kernel.writeIpcNextId(null, s.kernel.tasks().init().ipcNs().msg(), t);
            case "sem_next_id" -> (s, t) -> s.kernel.writeIpcNextId(null, s.kernel.tasks().init().ipcNs().sem(), t);
            case "shm_next_id" -> (s, t) -> s.kernel.writeIpcNextId(null, s.kernel.tasks().init().ipcNs().shm(), t);
            default -> throw new IllegalArgumentException(sysctl);
        };
    }

    private static Function<Sim, Integer> value(String sysctl) {
        return switch (sysctl) {
            case "ns_last_pid" -> s -> s.kernel.nsLastPid(s.root());
            case "pid_max" -> s -> s.kernel.pidMax(s.root());
            case "msg_next_id" -> s -> s.kernel.ipcNextId(s.kernel.tasks().init().ipcNs().msg());
            case "sem_next_id" -> s -> s.kernel.ipcNextId(s.kernel.tasks().init().ipcNs().sem());
            case "shm_next_id" -> s -> s.kernel.ipcNextId(s.kernel.tasks().init().ipcNs().shm());
            default -> throw new IllegalArgumentException(sysctl);
        };
    }
}
