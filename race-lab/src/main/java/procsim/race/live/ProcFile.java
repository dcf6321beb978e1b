package procsim.race.live;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import procsim.abi.Errno;
import procsim.race.RestorerPort.Reply;

/**
 * One open file of the mount, read and written at offset 0 like a shell's {@code exec 3<> F}:
 * a write is one pwrite(2) (one line, one FUSE write), a read is pread(2) from offset 0 to EOF.
 * For a {@code syscall} file, {@link #call} writes a line and reads the reply on the same open
 * file, so the reply is this call's even when other threads use the same sim thread's file.
 *
 * <p>Not thread-safe: each race worker opens its own.
 */
public final class ProcFile implements Closeable {
    private final Path path;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(4096);

    private ProcFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** Opens {@code path} read-write (O_RDWR). */
    public static ProcFile open(Path path) throws IOException {
        return new ProcFile(path, FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE));
    }

    public Path path() {
        return path;
    }

    /** Writes {@code text} at offset 0; null on success, else the errno's name ({@code EBUSY}). */
    public String write(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        try {
            int n = channel.write(ByteBuffer.wrap(b), 0);
            return n == b.length ? null : "short write " + n + "/" + b.length;
        } catch (IOException e) {
            return errnoName(e);
        }
    }

    /** The whole content, read from offset 0 to EOF. */
    public String read() throws IOException {
        StringBuilder b = new StringBuilder();
        long pos = 0;
        while (true) {
            buffer.clear();
            int n = channel.read(buffer, pos);
            if (n <= 0) break;
            b.append(new String(buffer.array(), 0, n, StandardCharsets.UTF_8));
            pos += n;
        }
        return b.toString();
    }

    /**
     * One syscall: writes {@code line}, then reads the reply on this open file. A failed write's
     * errno is taken from the reply ({@code -1 EEXIST}), which names it exactly.
     */
    public Reply call(String line) throws IOException {
        String failed = write(line.endsWith("\n") ? line : line + "\n");
        String text = read().strip();
        return parseReply(text, failed);
    }

    static Reply parseReply(String text, String writeErrno) {
        if (text.startsWith("-1 ")) return new Reply(-1, text.substring(3).strip(), text);
        if (writeErrno != null) return new Reply(-1, writeErrno, text);
        int sp = text.indexOf(' ');
        String num = sp < 0 ? text : text.substring(0, sp);
        try {
            return new Reply(Long.parseLong(num), null, text);
        } catch (NumberFormatException e) {
            return new Reply(-1, "EIO", text);
        }
    }

    /** The errno name of a failed write or read: glibc's strerror text mapped back; else the message. */
    static String errnoName(IOException e) {
        String m = e.getMessage() == null ? "" : e.getMessage().strip();
        for (Errno errno : Errno.values()) {
            if (m.equals(errno.text()) || m.endsWith(": " + errno.text()) || m.endsWith("(" + errno.text() + ")")) {
                return errno.name();
            }
        }
        return m.isEmpty() ? e.getClass().getSimpleName() : m;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
