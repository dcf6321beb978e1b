package procsim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * procsim exec's usage, its refusals that need no mount, and the static-binary check: an ELF file
 * is dynamically linked when a program header is PT_INTERP (3), the loader's path (elf(5); the
 * kernel's fs/binfmt_elf.c load_elf_binary looks for it the same way, in e_phnum headers of
 * e_phentsize bytes from e_phoff). The live cases are in exec.bats.
 */
class ExecCommandTest {
    private final CommandRun cli = new CommandRun();

    @Test
    void helpSaysWhatIsServedAndTheExitStatus() {
        assertThat(cli.run("exec", "--help")).isZero();
        assertThat(cli.out.toString()).contains("Usage: procsim exec", "--as", "LD_PRELOAD", "PT_INTERP",
                "Exit status:");
    }

    @Test
    void aDirectoryThatIsNoProcsimMountIsOneLineAndStatusOne(@TempDir Path dir) {
        assertThat(cli.run("exec", dir.toString(), "--", "true")).isEqualTo(1);
        assertThat(cli.err.toString()).isEqualTo("procsim: exec: no procsim mount at " + dir + "\n");
    }

    @Test
    void programIsRequiredAndAsMustBeAPid(@TempDir Path dir) {
        assertThat(cli.run("exec", dir.toString())).isEqualTo(2);
        assertThat(cli.run("exec", "--as", "0", dir.toString(), "--", "true")).isEqualTo(2);
        assertThat(cli.err.toString()).contains("--as", "0");
    }

    /** A minimal ELF header with program headers of the given types. */
    private static byte[] elf(boolean is64, boolean bigEndian, int... types) {
        int ehsize = is64 ? 64 : 52;
        int phentsize = is64 ? 56 : 32;
        ByteBuffer b = ByteBuffer.allocate(ehsize + types.length * phentsize)
                .order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', (byte) (is64 ? 2 : 1), (byte) (bigEndian ? 2 : 1), 1});
        if (is64) {
            b.putLong(0x20, ehsize).putShort(0x36, (short) phentsize).putShort(0x38, (short) types.length);
        } else {
            b.putInt(0x1c, ehsize).putShort(0x2a, (short) phentsize).putShort(0x2c, (short) types.length);
        }
        for (int i = 0; i < types.length; i++) b.putInt(ehsize + i * phentsize, types[i]);
        return b.array();
    }

    @ParameterizedTest(name = "64-bit {0}, big-endian {1}, PT_INTERP present: {2}")
    @CsvSource({"true, false, true", "true, false, false", "false, false, true", "false, true, false",
        "true, true, true"})
    void anElfIsDynamicWhenAProgramHeaderIsPtInterp(boolean is64, boolean bigEndian, boolean dynamic,
            @TempDir Path dir) throws Exception {
        Path f = dir.resolve("prog");
        Files.write(f, dynamic ? elf(is64, bigEndian, 6, 3, 1) : elf(is64, bigEndian, 1, 1, 2));
        assertThat(ExecCommand.hasInterp(f)).isEqualTo(dynamic);
    }

    @Test
    void aStaticProgramOrAScriptOfOneIsRefusedAndAMissingOneToo(@TempDir Path dir) throws Exception {
        Path stat = dir.resolve("static");
        Files.write(stat, elf(true, false, 1));
        Path script = dir.resolve("script");
        Files.writeString(script, "#!" + stat + " -x\necho hi\n");
        Path dyn = dir.resolve("dynamic");
        Files.write(dyn, elf(true, false, 3));
        Files.writeString(dir.resolve("dynscript"), "#!" + dyn + "\n");
        assertThatThrownBy(() -> ExecCommand.checkDynamic(stat.toString()))
                .hasMessage(stat + " is statically linked (no PT_INTERP): the shim cannot be preloaded into it");
        assertThatThrownBy(() -> ExecCommand.checkDynamic(script.toString())).hasMessageContaining("statically linked");
        assertThatThrownBy(() -> ExecCommand.checkDynamic(dir.resolve("nope").toString()))
                .hasMessage("no such program: " + dir.resolve("nope"));
        ExecCommand.checkDynamic(dyn.toString());
        ExecCommand.checkDynamic(dir.resolve("dynscript").toString());
    }
}
