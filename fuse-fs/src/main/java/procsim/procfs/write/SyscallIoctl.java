package procsim.procfs.write;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import procsim.abi.Errno;
import procsim.procfs.ProcHandle.IoctlReply;

/**
 * PROCSIM_SYSCALL, the ioctl of the syscall files ({@code task/<tid>/syscall},
 * {@code procsim/syscall}): one line in, its reply out, in one FUSE request where a write and a
 * read take two. {@code _IOWR('P', 0xe0, struct procsim_syscall { char line[256]; })}: the line
 * NUL-terminated in; back, the reply as a read gives it (newline included), NUL-terminated and cut
 * to 255 bytes; the result is the whole reply's length, and a read at offset 0 gives it whole, as
 * after a write. A line that fails fails the ioctl with the write's errno; a line with no NUL in
 * the buffer is EINVAL; any other command ENOTTY.
 * Deviation: no Linux file has it: procsim's own, for a client (libprocsim) that pays per request.
 */
public final class SyscallIoctl {
    public static final int SIZE = 256;
    /** _IOWR('P', 0xe0, char[256]): _IOC_READ|_IOC_WRITE in bits 30-31, the size in 16-29. */
    public static final int PROCSIM_SYSCALL = (3 << 30) | (SIZE << 16) | ('P' << 8) | 0xe0;

    private SyscallIoctl() {
    }

    /** The line an ioctl {@code cmd} with argument {@code arg} carries. */
    static byte[] line(int cmd, byte[] arg) {
        if (cmd != PROCSIM_SYSCALL) throw Errno.ENOTTY.error();
        for (int n = 0; n < arg.length; n++) {
            if (arg[n] == 0) return Arrays.copyOf(arg, n);
        }
        throw Errno.EINVAL.error();
    }

    /** The ioctl's answer for a call whose reply is {@code text}. */
    static IoctlReply reply(String text) {
        byte[] whole = (text + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf(whole, Math.min(whole.length, SIZE - 1) + 1);
        out[out.length - 1] = 0;
        return new IoctlReply(whole.length, out);
    }
}
