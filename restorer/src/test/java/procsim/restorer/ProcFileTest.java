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
        // a failed write whose file still reads the reply before it: that reply is not this call's
        assertThat(Reply.parse("465", "EIO").text()).isEqualTo("-1 EIO (the last reply: 465)");
        assertThat(Reply.parse("", "EIO").text()).isEqualTo("-1 EIO");
        assertThat(Reply.parse("junk", null).errno()).isEqualTo("EIO");
    }

    @Test
    void aFailedWritesMessageMapsBackToItsErrnoName() {
        assertThat(ProcFile.errnoName(new IOException("File exists"))).isEqualTo("EEXIST");
        assertThat(ProcFile.errnoName(new IOException("/m/1/syscall: Device or resource busy"))).isEqualTo("EBUSY");
        assertThat(ProcFile.errnoName(new IOException("something else"))).isEqualTo("something else");
    }

    /**
     * A reply is one line that the mount renders whole for one read, so a read shorter than asked
     * that ends the line is all of it: no second read (one more FUSE request) to find the end.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = ';', value = {
        "'7\n';         8192; true",
        "'0 subreaper=1\n'; 8192; true",
        "'7';           8192; false",  // no newline: read on
        "'12345678\n'; 9;    false",  // the buffer full: maybe more
        "'';            8192; false",
    })
    void aShortReadThatEndsTheLineIsTheWholeReply(String text, int capacity, boolean whole) {
        byte[] b = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(ProcFile.wholeReply(b, b.length, capacity)).isEqualTo(whole);
    }

    @Test
    void aCallReadsTheReplyAfterItsWrite(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("syscall");
        Files.writeString(f, "");
        try (ProcFile p = ProcFile.open(f)) {
            assertThat(p.call("42").value()).isEqualTo(42); // a plain file reads back the line written
        }
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
