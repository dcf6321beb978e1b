package procsim.procfs;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;

import procsim.abi.Errno;

/**
 * An open procfs file served like a seq_file: a read at offset 0 renders the content fresh and
 * keeps it for the reads that follow at higher offsets (so one {@code cat} sees one consistent
 * text); a write goes to the file's {@link FileWriter}, or is EINVAL for a read-only file.
 */
public final class RenderedHandle implements ProcHandle {
    private final Supplier<String> render;
    private final FileWriter writer;
    private final boolean onlyAtZero;
    private byte[] content;

    public RenderedHandle(Supplier<String> render, FileWriter writer) {
        this(render, writer, false);
    }

    /** {@code onlyAtZero}: a read at a nonzero offset is EOF, as for a sysctl (proc_sys_read). */
    public RenderedHandle(Supplier<String> render, FileWriter writer, boolean onlyAtZero) {
        this.render = render;
        this.writer = writer;
        this.onlyAtZero = onlyAtZero;
    }

    @Override
    public synchronized byte[] read(Caller caller, long offset, int size) {
        if (onlyAtZero && offset != 0) return new byte[0];
        if (offset == 0 || content == null) content = render.get().getBytes(StandardCharsets.UTF_8);
        return slice(content, offset, size);
    }

    @Override
    public int write(Caller caller, byte[] data, long offset) {
        if (writer == null) throw Errno.EINVAL.error();
        return writer.write(caller, new String(data, StandardCharsets.UTF_8), offset);
    }

    /** Up to {@code size} bytes of {@code all} from {@code offset}; empty past its end. */
    public static byte[] slice(byte[] all, long offset, int size) {
        if (offset >= all.length || offset < 0) return new byte[0];
        return Arrays.copyOfRange(all, (int) offset, (int) Math.min(all.length, offset + size));
    }
}
