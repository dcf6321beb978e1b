package procsim.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;

/**
 * The FUSE_NOTIFY_INVAL_ENTRY message as fs/fuse/dev.c fuse_notify_inval_entry() reads it: a
 * fuse_out_header {len, error = FUSE_NOTIFY_INVAL_ENTRY (3), unique = 0}, then
 * fuse_notify_inval_entry_out {parent, namelen, flags} (include/uapi/linux/fuse.h), then the name
 * and a NUL, the size exactly header + 16 + namelen + 1 (else EINVAL).
 */
class KernelDentriesTest {
    @Test
    void invalEntryOfARootEntry() {
        byte[] msg = KernelDentries.invalEntry(1, "4242");
        ByteBuffer b = ByteBuffer.wrap(msg).order(ByteOrder.nativeOrder());

        assertThat(msg).hasSize(16 + 16 + 4 + 1);
        assertThat(b.getInt(0)).isEqualTo(msg.length);
        assertThat(b.getInt(4)).isEqualTo(3);
        assertThat(b.getLong(8)).isZero();
        assertThat(b.getLong(16)).isEqualTo(1); // FUSE_ROOT_ID
        assertThat(b.getInt(24)).isEqualTo(4);
        assertThat(b.getInt(28)).isZero();
        assertThat(new String(msg, 32, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("4242");
        assertThat(msg[36]).isZero();
    }

    /** A libc whose writes are kept, as the kernel would read them. */
    private static final class Writes implements KernelDentries.LibC {
        final java.util.List<byte[]> msgs = new java.util.ArrayList<>();

        @Override
        public int dup(int fd) {
            return fd;
        }

        @Override
        public long write(int fd, byte[] buf, long count) {
            msgs.add(java.util.Arrays.copyOf(buf, (int) count));
            return count;
        }

        @Override
        public int close(int fd) {
            return 0;
        }
    }

    private static long parentOf(byte[] msg) {
        return ByteBuffer.wrap(msg).order(ByteOrder.nativeOrder()).getLong(16);
    }

    private static String nameOf(byte[] msg) {
        return new String(msg, 32, msg.length - 33, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Below the root a parent has no node id the mount can know (use_ino): nothing is written. */
    @Test
    void onlyARootEntryIsInvalidated() {
        Writes libc = new Writes();
        KernelDentries d = new KernelDentries(libc, 9);

        assertThat(d.invalidate("/2")).isTrue();
        assertThat(d.invalidate("/procsim/pidns/4026531840/proc/5")).isFalse();

        assertThat(libc.msgs).extracting(KernelDentriesTest::parentOf).containsExactly(1L);
        assertThat(libc.msgs).extracting(KernelDentriesTest::nameOf).containsExactly("2");
    }
}
