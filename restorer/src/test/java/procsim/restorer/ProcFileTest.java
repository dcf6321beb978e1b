package procsim.restorer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Positional writes and reads, syscall replies and errno names. */
class ProcFileTest {
    @Test
    void repliesParseAsTheSyscallFileWritesThem() {
        assertThat(Reply.parse("1000", null)).isEqualTo(new Reply(1000, null, "1000"));
        assertThat(Reply.parse("1000 status=0x0009", null).value()).isEqualTo(1000);
        Reply r = Reply.parse("-1 EEXIST", "EEXIST");
        assertThat(r.failed()).isTrue();
        assertThat(r.errno()).isEqualTo("EEXIST");
        assertThat(Reply.parse("7", "EBUSY").errno()).isEqualTo("EBUSY");
        assertThat(Reply.parse("junk", null).errno()).isEqualTo("EIO");
    }

    @Test
    void aFailedWritesMessageMapsBackToItsErrnoName() {
        assertThat(ProcFile.errnoName(new IOException("File exists"))).isEqualTo("EEXIST");
        assertThat(ProcFile.errnoName(new IOException("/m/1/syscall: Device or resource busy"))).isEqualTo("EBUSY");
        assertThat(ProcFile.errnoName(new IOException("something else"))).isEqualTo("something else");
    }

    @Test
    void writesAndReadsAtOffsetZero(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("f");
        Files.writeString(f, "");
        try (ProcFile p = ProcFile.open(f)) {
            assertThat(p.write("first\n")).isNull();
            assertThat(p.write("2nd\n")).isNull();
            assertThat(p.read()).startsWith("2nd\n");
        }
    }
}
