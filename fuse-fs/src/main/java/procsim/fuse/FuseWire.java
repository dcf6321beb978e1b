package procsim.fuse;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import procsim.procfs.FileAttr;

/**
 * The FUSE kernel protocol's byte layouts (include/uapi/linux/fuse.h), as the daemon speaks it on
 * /dev/fuse: one request per read(2), a {@code fuse_in_header} then the op's struct; one reply per
 * write(2), a {@code fuse_out_header} then the op's struct. Protocol 7.19, what libfuse2 2.9
 * answers FUSE_INIT with: the kernel then uses the 7.19 layouts (fs/fuse/inode.c
 * process_init_reply() keeps the lower minor).
 *
 * <p>Reads and writes native-order {@link ByteBuffer}s at absolute offsets; no state.
 */
final class FuseWire {
    private FuseWire() {
    }

    static final int KERNEL_VERSION = 7, KERNEL_MINOR_VERSION = 19;
    static final long ROOT_ID = 1;

    // enum fuse_opcode
    static final int LOOKUP = 1, FORGET = 2, GETATTR = 3, SETATTR = 4, READLINK = 5, SYMLINK = 6, MKNOD = 8,
            MKDIR = 9, UNLINK = 10, RMDIR = 11, RENAME = 12, LINK = 13, OPEN = 14, READ = 15, WRITE = 16,
            STATFS = 17, RELEASE = 18, FLUSH = 25, INIT = 26, OPENDIR = 27, READDIR = 28, RELEASEDIR = 29,
            CREATE = 35, INTERRUPT = 36, DESTROY = 38, IOCTL = 39, BATCH_FORGET = 42;

    // fuse_init_in/out flags
    static final int ASYNC_READ = 1, ATOMIC_O_TRUNC = 1 << 3, EXPORT_SUPPORT = 1 << 4, BIG_WRITES = 1 << 5;
    /** fuse_open_out.open_flags */
    static final int FOPEN_DIRECT_IO = 1;
    /** fuse_setattr_in.valid */
    static final int FATTR_MODE = 1, FATTR_UID = 1 << 1, FATTR_GID = 1 << 2, FATTR_SIZE = 1 << 3,
            FATTR_ATIME = 1 << 4, FATTR_MTIME = 1 << 5;
    /** fuse_ioctl_in.flags */
    static final int IOCTL_UNRESTRICTED = 1 << 1, IOCTL_DIR = 1 << 4;
    static final int NOTIFY_INVAL_ENTRY = 3;

    /** sizeof: fuse_in_header, fuse_out_header, fuse_attr, fuse_entry_out, fuse_attr_out, ... */
    static final int IN_HEADER = 40, OUT_HEADER = 16, ATTR = 88, ENTRY_OUT = 40 + ATTR, ATTR_OUT = 16 + ATTR,
            OPEN_OUT = 16, WRITE_OUT = 8, KSTATFS = 80, INIT_OUT = 24, IOCTL_OUT = 16, INVAL_ENTRY_OUT = 16;
    /** The op structs before a name or data: fuse_write_in, fuse_mknod_in, fuse_mkdir_in, fuse_create_in, fuse_ioctl_in. */
    static final int WRITE_IN = 40, MKNOD_IN = 16, MKDIR_IN = 8, CREATE_IN = 16, IOCTL_IN = 32;
    /** libfuse's FUSE_UNKNOWN_INO: the d_ino of each readdir entry of its high-level API (lib/fuse.c fill_dir). */
    static final long UNKNOWN_INO = 0xffffffffL;

    /** A request's {@code fuse_in_header}. */
    record InHeader(int len, int opcode, long unique, long nodeid, int uid, int gid, int pid) {
        static InHeader of(ByteBuffer in) {
            return new InHeader(in.getInt(0), in.getInt(4), in.getLong(8), in.getLong(16), in.getInt(24),
                    in.getInt(28), in.getInt(32));
        }
    }

    /** Writes a request's {@code fuse_in_header} as the kernel would (uid, gid 0): for the warm-up and tests. */
    static void request(ByteBuffer in, int len, int opcode, long unique, long nodeid, int pid) {
        in.putInt(0, len).putInt(4, opcode).putLong(8, unique).putLong(16, nodeid)
                .putInt(24, 0).putInt(28, 0).putInt(32, pid).putInt(36, 0);
    }

    static ByteBuffer buffer(int capacity) {
        return ByteBuffer.allocateDirect(capacity).order(ByteOrder.nativeOrder());
    }

    /** The NUL-terminated name at {@code at} (not past {@code end}). */
    static String name(ByteBuffer in, int at, int end) {
        int i = at;
        while (i < end && in.get(i) != 0) i++;
        byte[] b = new byte[i - at];
        in.get(at, b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Where the name after the NUL-terminated one at {@code at} starts. */
    static int afterName(ByteBuffer in, int at, int end) {
        int i = at;
        while (i < end && in.get(i) != 0) i++;
        return i + 1;
    }

    /** Writes a {@code fuse_out_header}; returns {@code len}. */
    static int header(ByteBuffer out, int len, int error, long unique) {
        out.putInt(0, len).putInt(4, error).putLong(8, unique);
        return len;
    }

    /** An error reply ({@code errno} positive). */
    static int error(ByteBuffer out, long unique, int errno) {
        return header(out, OUT_HEADER, -errno, unique);
    }

    /** A reply of {@code size} bytes already put after the header. */
    static int ok(ByteBuffer out, long unique, int size) {
        return header(out, OUT_HEADER + size, 0, unique);
    }

    /** libfuse's calc_timeout_sec/nsec. */
    static long seconds(double t) {
        return t > (double) Long.MAX_VALUE ? Long.MAX_VALUE : t < 0 ? 0 : (long) t;
    }

    static int nanos(double t) {
        if (t < 0) return 0;
        double f = t - (double) seconds(t);
        return f < 0 ? 0 : f >= 0.999999999 ? 999999999 : (int) (f * 1.0e9);
    }

    /**
     * A {@code struct fuse_attr} at {@code at}: what libfuse's convert_stat() makes of the
     * {@code struct stat} the filesystem filled (with use_ino, st_ino is the tree's), blksize 1024,
     * all three times the mount's start.
     */
    static void attr(ByteBuffer out, int at, FileAttr a, long time) {
        int type = switch (a.kind()) {
            case DIR -> 0040000;
            case REG -> 0100000;
            case LNK -> 0120000;
        };
        out.putLong(at, a.ino()).putLong(at + 8, a.size()).putLong(at + 16, 0) // ino, size, blocks
                .putLong(at + 24, time).putLong(at + 32, time).putLong(at + 40, time) // atime, mtime, ctime
                .putInt(at + 48, 0).putInt(at + 52, 0).putInt(at + 56, 0) // their nsecs
                .putInt(at + 60, type | (a.permissions() & 07777)).putInt(at + 64, (int) a.nlink())
                .putInt(at + 68, a.uid()).putInt(at + 72, a.gid()).putInt(at + 76, 0) // rdev
                .putInt(at + 80, 1024).putInt(at + 84, 0); // blksize, flags
    }

    /** A {@code fuse_entry_out} reply; nodeid 0 is a negative entry. */
    static int entry(ByteBuffer out, long unique, long nodeid, double entryTimeout, double attrTimeout, FileAttr a, long time) {
        int at = OUT_HEADER;
        out.putLong(at, nodeid).putLong(at + 8, 0) // generation
                .putLong(at + 16, seconds(entryTimeout)).putLong(at + 24, seconds(attrTimeout))
                .putInt(at + 32, nanos(entryTimeout)).putInt(at + 36, nanos(attrTimeout));
        if (a == null) {
            for (int i = 0; i < ATTR; i += 8) out.putLong(at + 40 + i, 0);
        } else {
            attr(out, at + 40, a, time);
        }
        return ok(out, unique, ENTRY_OUT);
    }

    /** A {@code fuse_attr_out} reply. */
    static int attrOut(ByteBuffer out, long unique, double attrTimeout, FileAttr a, long time) {
        out.putLong(OUT_HEADER, seconds(attrTimeout)).putInt(OUT_HEADER + 8, nanos(attrTimeout)).putInt(OUT_HEADER + 12, 0);
        attr(out, OUT_HEADER + 16, a, time);
        return ok(out, unique, ATTR_OUT);
    }

    /** A {@code fuse_open_out} reply. */
    static int open(ByteBuffer out, long unique, long fh, int openFlags) {
        out.putLong(OUT_HEADER, fh).putInt(OUT_HEADER + 8, openFlags).putInt(OUT_HEADER + 12, 0);
        return ok(out, unique, OPEN_OUT);
    }

    /** A {@code fuse_write_out} reply. */
    static int written(ByteBuffer out, long unique, int size) {
        out.putInt(OUT_HEADER, size).putInt(OUT_HEADER + 4, 0);
        return ok(out, unique, WRITE_OUT);
    }

    /**
     * A {@code fuse_statfs_out} reply for a filesystem without a statfs operation: libfuse2's
     * fuse_fs_statfs() then answers f_namemax 255, f_bsize 512 and zero for the rest.
     */
    static int statfs(ByteBuffer out, long unique) {
        for (int i = 0; i < KSTATFS; i += 8) out.putLong(OUT_HEADER + i, 0);
        out.putInt(OUT_HEADER + 40, 512).putInt(OUT_HEADER + 44, 255); // bsize, namelen
        return ok(out, unique, KSTATFS);
    }

    /**
     * The {@code fuse_init_out} reply to {@code fuse_init_in} at {@code in}'s op offset: protocol
     * 7.19, {@code want} of the kernel's flags, max_readahead as the kernel offers, max_write
     * {@code maxWrite}, no background limits (libfuse2 2.9 lib/fuse_lowlevel.c do_init()).
     */
    static int init(ByteBuffer out, long unique, ByteBuffer in, int want, int maxWrite) {
        int kernelFlags = in.getInt(IN_HEADER + 12);
        out.putInt(OUT_HEADER, KERNEL_VERSION).putInt(OUT_HEADER + 4, KERNEL_MINOR_VERSION)
                .putInt(OUT_HEADER + 8, in.getInt(IN_HEADER + 8)).putInt(OUT_HEADER + 12, want & kernelFlags)
                .putShort(OUT_HEADER + 16, (short) 0).putShort(OUT_HEADER + 18, (short) 0)
                .putInt(OUT_HEADER + 20, maxWrite);
        return ok(out, unique, INIT_OUT);
    }

    /** A {@code fuse_ioctl_out} reply with {@code result}, then the {@code outSize} bytes of data already put after it. */
    static int ioctl(ByteBuffer out, long unique, int result, int outSize) {
        out.putInt(OUT_HEADER, result).putInt(OUT_HEADER + 4, 0).putLong(OUT_HEADER + 8, 0);
        return ok(out, unique, IOCTL_OUT + outSize);
    }

    /** Size of the {@code fuse_dirent} of a {@code nameLength}-byte name: 24 + name, 8-aligned. */
    static int direntSize(int nameLength) {
        return (24 + nameLength + 7) & ~7;
    }

    /**
     * A {@code fuse_dirent} at {@code at} of {@code b}: ino, off (the next entry's offset), namelen,
     * type, the name, zero padding. Returns the offset after it.
     */
    static int dirent(ByteBuffer b, int at, long ino, int type, byte[] name) {
        int size = direntSize(name.length);
        b.putLong(at, ino).putLong(at + 8, at + size).putInt(at + 16, name.length).putInt(at + 20, type);
        b.put(at + 24, name);
        for (int i = at + 24 + name.length; i < at + size; i++) b.put(i, (byte) 0);
        return at + size;
    }

    /**
     * The FUSE_NOTIFY_INVAL_ENTRY message (fs/fuse/dev.c fuse_notify_inval_entry()): a
     * {@code fuse_out_header} with unique 0 and the notify code as its error, then
     * {@code fuse_notify_inval_entry_out} {parent, namelen, flags}, the name and a NUL.
     */
    static byte[] invalEntry(long parent, String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(OUT_HEADER + INVAL_ENTRY_OUT + n.length + 1).order(ByteOrder.nativeOrder());
        b.putInt(b.capacity()).putInt(NOTIFY_INVAL_ENTRY).putLong(0);
        b.putLong(parent).putInt(n.length).putInt(0);
        b.put(n).put((byte) 0);
        return b.array();
    }
}
