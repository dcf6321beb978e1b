package procsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import picocli.CommandLine;

/**
 * {@code --pid-max N} parses as a write to /proc/sys/kernel/pid_max does (kernel/sysctl.c
 * proc_dointvec_minmax over [301, 4194304]): base 0, blanks around, a trailing newline.
 */
class PidMaxConverterTest {
    @ParameterizedTest(name = "--pid-max [{0}] -> {1}")
    @CsvSource(delimiter = '|', value = {
        "4096|4096",
        "0x1000|4096",
        "0X1000|4096",
        "010000|4096",
        "' 4096\n'|4096",
        "301|301",
        "4194304|4194304",
    })
    void accepted(String arg, int pidMax) {
        CommandLine.ParseResult parsed = ProcsimCommand.commandLine().parseArgs("mount", "/tmp/x", "--pid-max", arg);
        MountCommand mount = (MountCommand) parsed.subcommand().commandSpec().userObject();
        assertThat(mount.pidMax).isEqualTo(pidMax);
    }

    @ParameterizedTest(name = "--pid-max [{0}] -> usage error: {1}")
    @CsvSource(delimiter = '|', value = {
        "abc|'abc' is not an int",
        "''|'' is not an int",
        "+4096|'+4096' is not an int",
        "4096x|'4096x' is not an int",
        "0x|'0x' is not an int",
        "9223372036854775808|'9223372036854775808' is not an int",
        "4294967296|'4294967296' is not an int",
        "'4096 5'|'4096 5' is not one number",
        "300|300 is outside Linux's range 301..4194304",
        "-1|-1 is outside Linux's range 301..4194304",
        "0x400001|4194305 is outside Linux's range 301..4194304",
    })
    void refused(String arg, String message) {
        CommandRun cli = new CommandRun();
        assertThat(cli.run("mount", "/tmp/x", "--pid-max", arg)).isEqualTo(2);
        assertThat(cli.err.toString()).contains("Invalid value for option '--pid-max': " + message);
    }
}
