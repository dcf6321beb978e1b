package procsim.attach;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The host's /proc/TID/syscall (fs/proc/base.c proc_pid_syscall): the number of the syscall the
 * thread is blocked in and its six arguments, {@code -1 sp pc} when it is blocked outside a
 * syscall, {@code running} when it is not blocked (task_current_syscall gives -EAGAIN).
 */
class LinuxHostSyscallsTest {
    @TempDir
    Path root;

    private void fake(int tid, String content) throws IOException {
        Path dir = Files.createDirectories(root.resolve(Integer.toString(tid)));
        Files.writeString(dir.resolve("syscall"), content);
    }

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', value = {
        "89 0x7ffc1 0x5581 0x1000 0x0 0x0 0x0 0x7ffc0 0x7f12|true",
        "267 0xffffff9c 0x7ffc1 0x5581 0x1000 0x0 0x0 0x7ffc0 0x7f12|true",
        "257 0xffffff9c 0x7ffc1 0x0 0x0 0x0 0x0 0x7ffc0 0x7f12|false",
        "2 0x7ffc1 0x0 0x0 0x0 0x0 0x0 0x7ffc0 0x7f12|false",
        "280 0xffffff9c 0x7ffc1 0x0 0x0 0x0 0x0 0x7ffc0 0x7f12|false",
        "-1 0x7ffc0 0x7f12|false",
        "running|false",
        "''|false",
        "890 0x0|false",
        "8 0x0|false",
    })
    void onlyReadlinkAndReadlinkatCount(String content, boolean readlink) throws IOException {
        fake(700, content + "\n");
        assertThat(new LinuxHostSyscalls(root.toString(), 89, 267).inReadlink(700)).isEqualTo(readlink);
    }

    @Test
    void aMissingThreadOrAnUnknownArchitectureIsNotAReadlink() throws IOException {
        assertThat(new LinuxHostSyscalls(root.toString(), 89, 267).inReadlink(701)).isFalse();
        assertThat(new LinuxHostSyscalls(root.toString(), 89, 267).inReadlink(0)).isFalse();
        fake(702, "89 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0\n");
        assertThat(new LinuxHostSyscalls(root.toString()).inReadlink(702)).isFalse();
    }

    @Test
    void theNumbersOfThisMachinesArchitecture() {
        assertThat(LinuxHostSyscalls.readlinkNumbers("amd64")).containsExactly(89, 267);
        assertThat(LinuxHostSyscalls.readlinkNumbers("aarch64")).containsExactly(78);
        assertThat(LinuxHostSyscalls.readlinkNumbers("riscv64")).isEmpty();
    }

    @Test
    void thisThreadReadingItsOwnFileIsInRead() {
        // A thread reading its own /proc/thread-self/syscall is in read(2), not readlink.
        LinuxHostSyscalls host = new LinuxHostSyscalls();
        int tid = (int) ProcessHandle.current().pid(); // the main thread's tid is the pid
        assertThat(host.inReadlink(tid)).isFalse();
    }
}
