package procsim.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import procsim.abi.SysError;
import procsim.attach.AttachTable;
import procsim.kernel.Kernel;
import procsim.procfs.ProcHandle.IoctlReply;

/**
 * PROCSIM_SYSCALL, {@code _IOWR('P', 0xe0, char[256])} on a syscall file: the line in and its
 * reply out in one call, exactly what a write of the line and a read of its reply give; the
 * write's errno when the line fails, ENOTTY for any other command, EINVAL for a line with no NUL.
 */
class SyscallIoctlTest {
    static final int PROCSIM_SYSCALL = 0xc10050e0; // include/uapi/asm-generic/ioctl.h _IOWR
    private static final Caller OPERATOR = new Caller(100, 0, 0);
    private static final int SHELL = 200, CHILD = 201;
    private final FakeHost host = new FakeHost().process(100, 1).process(SHELL, 1).process(CHILD, SHELL);
    private final Kernel kernel = Kernel.boot();
    private final ProcFs fs = new ProcFs(kernel, new AttachTable(host));
    private final Caller shell = new Caller(SHELL, 0, 0);

    SyscallIoctlTest() {
        ProcHandle init = fs.open(OPERATOR, "/1/task/1/syscall", 2);
        init.write(OPERATOR, "fork".getBytes(StandardCharsets.UTF_8), 0);
        fs.open(OPERATOR, "/2/task/2/attach", 1).write(OPERATOR, String.valueOf(SHELL).getBytes(StandardCharsets.UTF_8), 0);
    }

    private static byte[] arg(String line) {
        return Arrays.copyOf(line.getBytes(StandardCharsets.UTF_8), 256);
    }

    /** The ioctl's result and the NUL-terminated text it gave back, or the errno's name. */
    private static String ioctl(ProcHandle h, Caller c, int cmd, byte[] arg) {
        try {
            IoctlReply r = h.ioctl(c, cmd, arg);
            assertThat(r.data()[r.data().length - 1]).as("NUL-terminated").isZero();
            return r.result() + " " + new String(r.data(), 0, r.data().length - 1, StandardCharsets.UTF_8).strip();
        } catch (SysError e) {
            return e.errno().name();
        }
    }

    @ParameterizedTest(name = "{0} on {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "getpid           | /2/task/2/syscall | 2 2",
        "getppid          | /procsim/syscall  | 2 1",
        "fork             | /2/task/2/syscall | 2 3",
        "fork             | /procsim/syscall  | 2 3",
        "wait4 77         | /procsim/syscall  | ECHILD",
        "nosuchcall       | /2/task/2/syscall | EINVAL",
        "attach 3         | /procsim/syscall  | ESRCH",
    })
    void aLineAndItsReplyInOneCall(String line, String file, String expected) {
        ProcHandle h = fs.open(shell, file, 2);
        assertThat(ioctl(h, shell, PROCSIM_SYSCALL, arg(line))).isEqualTo(expected);
    }

    @Test
    void theForkedChildBindsByTheIoctlToo() {
        ProcHandle own = fs.open(shell, "/procsim/syscall", 2);
        assertThat(ioctl(own, shell, PROCSIM_SYSCALL, arg("fork"))).isEqualTo("2 3");
        Caller child = new Caller(CHILD, 0, 0);
        assertThat(ioctl(own, child, PROCSIM_SYSCALL, arg("attach 3"))).isEqualTo("2 0");
        assertThat(ioctl(own, child, PROCSIM_SYSCALL, arg("getpid"))).isEqualTo("2 3");
    }

    @Test
    void aReadAfterwardsGivesTheReplyWholeAsAfterAWrite() {
        ProcHandle h = fs.open(shell, "/2/task/2/syscall", 2);
        assertThat(ioctl(h, shell, PROCSIM_SYSCALL, arg("fork"))).isEqualTo("2 3");
        assertThat(new String(h.read(shell, 0, 100), StandardCharsets.UTF_8)).isEqualTo("3\n");
    }

    @Test
    void aReplyLongerThanTheBufferIsCutAndItsWholeLengthReturned() {
        ProcHandle h = fs.open(shell, "/2/task/2/syscall", 2);
        assertThat(ioctl(h, shell, PROCSIM_SYSCALL, arg("msgget IPC_PRIVATE 0600"))).isEqualTo("2 0");
        String text = "m".repeat(400);
        h.write(shell, ("msgsnd 0 1 " + text).getBytes(StandardCharsets.UTF_8), 0);
        IoctlReply r = h.ioctl(shell, PROCSIM_SYSCALL, arg("msgrcv 0 1"));
        String whole = new String(h.read(shell, 0, 4096), StandardCharsets.UTF_8);
        assertThat(whole).contains(text).endsWith("\n");
        assertThat(r.result()).isEqualTo(whole.getBytes(StandardCharsets.UTF_8).length);
        assertThat(r.data()).hasSize(256);
        assertThat(new String(r.data(), 0, 255, StandardCharsets.UTF_8)).isEqualTo(whole.substring(0, 255));
    }

    /**
     * A buffer with no NUL in it is refused whole, even one that holds a line that would decode
     * ("fork" and blanks), and the file's reply stays the last one; another command, or this one
     * with another size, is ENOTTY.
     */
    @ParameterizedTest(name = "cmd {0}: {1}")
    @CsvSource({
        "21505, ENOTTY",      // TCGETS
        "-1056943904, EINVAL", // PROCSIM_SYSCALL itself, but the buffer holds no NUL
        "-1006612256, ENOTTY", // _IOWR('P', 0xe0) with another size (1024)
    })
    void otherCommandsAndABufferWithoutAnEndFailAndChangeNothing(int cmd, String errno) {
        ProcHandle h = fs.open(shell, "/2/task/2/syscall", 2);
        assertThat(ioctl(h, shell, PROCSIM_SYSCALL, arg("getpid"))).isEqualTo("2 2");
        byte[] full = new byte[256];
        Arrays.fill(full, (byte) ' ');
        System.arraycopy("fork".getBytes(StandardCharsets.UTF_8), 0, full, 0, 4);
        assertThat(ioctl(h, shell, cmd, full)).isEqualTo(errno);
        assertThat(fs.readdir(OPERATOR, "/")).doesNotContain("3");
        assertThat(new String(h.read(shell, 0, 100), StandardCharsets.UTF_8)).as("the reply before").isEqualTo("2\n");
    }
}
