package procsim.restorer;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * One open file of the mount, written and read at offset 0 as a shell's {@code exec 3<> F}: a
 * write is one pwrite(2) (one line, one FUSE write; next_syscall_data refuses a write at another
 * offset), a read one pread(2) from 0 to EOF. On a syscall file a write and the read after it are
 * one syscall and its reply. Public for the race lab's workers, which use the same files.
 */
public final class ProcFile implements Closeable {
    /** glibc's strerror texts of the errnos a mount's write gives, to name a failed write. */
    private static final Map<String, String> ERRNOS = Map.ofEntries(
            Map.entry("Operation not permitted", "EPERM"), Map.entry("No such file or directory", "ENOENT"),
            Map.entry("No such process", "ESRCH"), Map.entry("Interrupted system call", "EINTR"),
            Map.entry("Input/output error", "EIO"), Map.entry("Argument list too long", "E2BIG"),
            Map.entry("Bad file descriptor", "EBADF"), Map.entry("No child processes", "ECHILD"),
            Map.entry("Resource temporarily unavailable", "EAGAIN"), Map.entry("Cannot allocate memory", "ENOMEM"),
            Map.entry("Permission denied", "EACCES"), Map.entry("Device or resource busy", "EBUSY"),
            Map.entry("File exists", "EEXIST"), Map.entry("Invalid argument", "EINVAL"),
            Map.entry("Too many open files", "EMFILE"), Map.entry("No space left on device", "ENOSPC"),
            Map.entry("Numerical result out of range", "ERANGE"), Map.entry("Function not implemented", "ENOSYS"),
            Map.entry("Identifier removed", "EIDRM"), Map.entry("No message of desired type", "ENOMSG"));

    private final Path path;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(8192);

    private ProcFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** Opens {@code path} read-write; IOException names the path. */
    public static ProcFile open(Path path) throws IOException {
        return new ProcFile(path, FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE));
    }

    public Path path() {
        return path;
    }

    /** Writes {@code text} at offset 0: null on success, else the errno's name. */
    public String write(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        try {
            int n = channel.write(ByteBuffer.wrap(b), 0);
            return n == b.length ? null : "EIO";
        } catch (IOException e) {
            return errnoName(e);
        }
    }

    /** The whole content from offset 0. */
    public String read() throws IOException {
        return read(false);
    }

    /** The content from offset 0; a {@code reply} ends at a short read that ends its line ({@link #wholeReply}). */
    private String read(boolean reply) throws IOException {
        StringBuilder b = new StringBuilder();
        long pos = 0;
        while (true) {
            buffer.clear();
            int n = channel.read(buffer, pos);
            if (n <= 0) break;
            b.append(new String(buffer.array(), 0, n, StandardCharsets.UTF_8));
            pos += n;
            if (reply && wholeReply(buffer.array(), n, buffer.capacity())) break;
        }
        return b.toString();
    }

    /**
     * A syscall file's reply is one line the mount renders whole for each read: a read shorter than
     * asked that ends the line is all of it (no second read, one more FUSE request, to find the end).
     */
    static boolean wholeReply(byte[] b, int n, int capacity) {
        return n > 0 && n < capacity && b[n - 1] == '\n';
    }

    /** A syscall: writes {@code line} and reads the reply on this open file. */
    public Reply call(String line) throws IOException {
        String failed = write(line + "\n");
        return Reply.parse(read(true), failed);
    }

    /** A syscall whose success needs no reply: the reply is read only when the write fails. */
    public Reply send(String line) throws IOException {
        String failed = write(line + "\n");
        return failed == null ? Reply.DONE : Reply.parse(read(true), failed);
    }

    public static String errnoName(IOException e) {
        String m = e.getMessage() == null ? "" : e.getMessage().strip();
        for (Map.Entry<String, String> x : ERRNOS.entrySet()) {
            if (m.equals(x.getKey()) || m.endsWith(": " + x.getKey()) || m.endsWith("(" + x.getKey() + ")")) return x.getValue();
        }
        return m.isEmpty() ? e.getClass().getSimpleName() : m;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
