package procsim.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import procsim.procfs.FileAttr;

/**
 * The reply layouts of include/uapi/linux/fuse.h (protocol 7.19, what libfuse2 2.9 speaks), field
 * by field at their offsets, and the bytes libfuse2 2.9.9 itself wrote for the same replies
 * (strace of the jnr-fuse daemon on /dev/fuse).
 */
class FuseWireTest {
    private final ByteBuffer out = FuseWire.buffer(8192);

    private static final FileAttr DIR = new FileAttr(FileAttr.Kind.DIR, 0555, 0, 0, 0, 2, 0xcbf29ce584222325L);

    private String hex(int from, int to) {
        byte[] b = new byte[to - from];
        out.get(from, b);
        return HexFormat.of().formatHex(b);
    }

    /** fuse_out_header: len u32, error i32 (minus errno), unique u64. */
    @Test
    void anErrorIsAHeaderAlone() {
        assertThat(FuseWire.error(out, 0x1234, 38)).isEqualTo(16);
        assertThat(out.getInt(0)).isEqualTo(16);
        assertThat(out.getInt(4)).isEqualTo(-38);
        assertThat(out.getLong(8)).isEqualTo(0x1234);
    }

    /**
     * fuse_attr_out {attr_valid u64, attr_valid_nsec u32, dummy u32, fuse_attr}; fuse_attr {ino, size,
     * blocks, atime, mtime, ctime u64; atimensec, mtimensec, ctimensec, mode, nlink, uid, gid, rdev,
     * blksize, flags u32}: libfuse2's reply to GETATTR of the root, byte for byte.
     */
    @Test
    void attrOutOfTheRootIsWhatLibfuseWrote() {
        int len = FuseWire.attrOut(out, 12, 0, DIR, 0x6b0f8903L);
        assertThat(len).isEqualTo(120);
        assertThat(hex(0, 16)).isEqualTo("78000000000000000c00000000000000");
        assertThat(hex(16, len)).isEqualTo("00000000000000000000000000000000" + "25232284e59cf2cb"
                + "0000000000000000" + "0000000000000000" + "03890f6b00000000" + "03890f6b00000000" + "03890f6b00000000"
                + "000000000000000000000000" + "6d410000" + "02000000" + "00000000" + "00000000" + "00000000"
                + "00040000" + "00000000");
    }

    /** fuse_entry_out {nodeid, generation, entry_valid, attr_valid u64; entry_valid_nsec, attr_valid_nsec u32; fuse_attr}. */
    @Test
    void entryOutOfALookup() {
        int len = FuseWire.entry(out, 20, 2, 0, 0, DIR, 0x6b0f8903L);
        assertThat(len).isEqualTo(16 + 128);
        assertThat(out.getLong(16)).isEqualTo(2);
        assertThat(out.getLong(24)).isZero();
        assertThat(out.getLong(56)).isEqualTo(0xcbf29ce584222325L); // attr.ino after 40 bytes
        assertThat(out.getInt(56 + 60)).isEqualTo(040555);
    }

    /** libfuse's calc_timeout_sec/nsec: whole seconds and the nanoseconds left. */
    @ParameterizedTest
    @CsvSource({"0, 0, 0", "1, 1, 0", "1.5, 1, 500000000", "0.25, 0, 250000000"})
    void timeoutsSplitIntoSecondsAndNanoseconds(double t, long sec, int nsec) {
        FuseWire.entry(out, 1, 2, t, t, DIR, 0);
        assertThat(out.getLong(32)).isEqualTo(sec);
        assertThat(out.getLong(40)).isEqualTo(sec);
        assertThat(out.getInt(48)).isEqualTo(nsec);
        assertThat(out.getInt(52)).isEqualTo(nsec);
    }

    /** A negative entry: nodeid 0 and zero attributes, cached for the entry timeout. */
    @Test
    void negativeEntryHasNodeIdZero() {
        out.putLong(56, -1);
        FuseWire.entry(out, 1, 0, 2, 0, null, 0);
        assertThat(out.getLong(16)).isZero();
        assertThat(out.getLong(32)).isEqualTo(2);
        assertThat(out.getLong(56)).isZero();
    }

    /** fuse_open_out {fh u64, open_flags u32, padding}: the reply libfuse2 wrote for a direct_io open. */
    @Test
    void openOutWithDirectIo() {
        assertThat(FuseWire.open(out, 42, 1, FuseWire.FOPEN_DIRECT_IO)).isEqualTo(32);
        assertThat(hex(16, 32)).isEqualTo("01000000000000000100000000000000");
    }

    /** fuse_write_out {size u32, padding u32}. */
    @Test
    void writeOut() {
        assertThat(FuseWire.written(out, 62, 4)).isEqualTo(24);
        assertThat(hex(16, 24)).isEqualTo("0400000000000000");
    }

    /** fuse_kstatfs {blocks, bfree, bavail, files, ffree u64; bsize, namelen, frsize, padding, spare[6] u32}: libfuse2's bytes. */
    @Test
    void statfsIsLibfusesDefault() {
        assertThat(FuseWire.statfs(out, 6)).isEqualTo(96);
        assertThat(hex(16, 96)).isEqualTo("00".repeat(40) + "00020000" + "ff000000" + "00".repeat(32));
    }

    /**
     * fuse_init_out {major, minor, max_readahead, flags u32; max_background, congestion_threshold
     * u16; max_write u32}, 24 bytes (FUSE_COMPAT_22_INIT_OUT_SIZE): libfuse2's reply to this
     * kernel's FUSE_INIT (7.45, flags 0x73fffffb), byte for byte.
     */
    @Test
    void initReplyIsWhatLibfuseWrote() {
        ByteBuffer in = FuseWire.buffer(104);
        in.put(0, HexFormat.of().parseHex("68000000" + "1a000000" + "0200000000000000" + "00".repeat(24)
                + "070000002d00000000000200fbffff73fd050000" + "00".repeat(44)));
        int len = FuseWire.init(out, 2, in, ProcFuse.WANT, 0x20000);
        assertThat(len).isEqualTo(40);
        assertThat(hex(0, 40)).isEqualTo("2800000000000000" + "0200000000000000" + "070000001300000000000200390000000000000000000200");
    }

    /** fuse_ioctl_out {result i32, flags, in_iovs, out_iovs u32}: an errno is a result, not the header's error. */
    @Test
    void ioctlResultCarriesTheErrno() {
        assertThat(FuseWire.ioctl(out, 46, -25, 0)).isEqualTo(32);
        assertThat(out.getInt(4)).isZero();
        assertThat(hex(16, 32)).isEqualTo("e7ffffff000000000000000000000000");
        assertThat(FuseWire.ioctl(out, 46, 0, 8)).isEqualTo(40);
    }

    /** fuse_dirent {ino, off u64; namelen, type u32; name} padded to 8: libfuse2's first two entries of a listing. */
    @Test
    void direntsAsLibfuseLaysThemOut() {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.nativeOrder());
        int at = FuseWire.dirent(b, 0, FuseWire.UNKNOWN_INO, 0, ".".getBytes(StandardCharsets.UTF_8));
        at = FuseWire.dirent(b, at, FuseWire.UNKNOWN_INO, 0, "..".getBytes(StandardCharsets.UTF_8));
        assertThat(at).isEqualTo(64);
        assertThat(HexFormat.of().formatHex(b.array())).isEqualTo(
                "ffffffff00000000200000000000000001000000000000002e00000000000000"
                + "ffffffff00000000400000000000000002000000000000002e2e000000000000");
        assertThat(FuseWire.direntSize(8)).isEqualTo(32);
        assertThat(FuseWire.direntSize(9)).isEqualTo(40);
    }

    /**
     * The FUSE_NOTIFY_INVAL_ENTRY message as fs/fuse/dev.c fuse_notify_inval_entry() reads it: a
     * fuse_out_header {len, error = FUSE_NOTIFY_INVAL_ENTRY (3), unique = 0}, then
     * fuse_notify_inval_entry_out {parent, namelen, flags}, then the name and a NUL, the size
     * exactly header + 16 + namelen + 1 (else EINVAL).
     */
    @Test
    void invalEntryOfARootEntry() {
        byte[] msg = FuseWire.invalEntry(1, "4242");
        ByteBuffer b = ByteBuffer.wrap(msg).order(ByteOrder.nativeOrder());

        assertThat(msg).hasSize(16 + 16 + 4 + 1);
        assertThat(b.getInt(0)).isEqualTo(msg.length);
        assertThat(b.getInt(4)).isEqualTo(3);
        assertThat(b.getLong(8)).isZero();
        assertThat(b.getLong(16)).isEqualTo(1); // FUSE_ROOT_ID
        assertThat(b.getInt(24)).isEqualTo(4);
        assertThat(b.getInt(28)).isZero();
        assertThat(new String(msg, 32, 4, StandardCharsets.US_ASCII)).isEqualTo("4242");
        assertThat(msg[36]).isZero();
    }

    /** fuse_in_header {len, opcode u32; unique, nodeid u64; uid, gid, pid u32; ...}. */
    @Test
    void inHeaderDecodes() {
        ByteBuffer in = FuseWire.buffer(40);
        in.putInt(0, 56).putInt(4, 3).putLong(8, 12).putLong(16, 1).putInt(24, 1000).putInt(28, 100).putInt(32, 9180);
        assertThat(FuseWire.InHeader.of(in)).isEqualTo(new FuseWire.InHeader(56, 3, 12, 1, 1000, 100, 9180));
    }
}
