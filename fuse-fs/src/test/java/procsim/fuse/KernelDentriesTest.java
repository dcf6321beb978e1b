package procsim.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * FUSE_NOTIFY_INVAL_ENTRY names the parent by the node id the kernel holds for it (fs/fuse/dev.c
 * fuse_notify_inval_entry(): fuse_reverse_inval_entry() looks the parent inode up by node id): the
 * root is 1, a deeper directory the id its LOOKUP was given.
 */
class KernelDentriesTest {
    /** A libc whose writes are kept, as the kernel would read them. */
    private static final class Writes implements KernelDentries.LibC {
        final List<byte[]> msgs = new ArrayList<>();

        @Override
        public int dup(int fd) {
            return fd;
        }

        @Override
        public long write(int fd, byte[] buf, long count) {
            msgs.add(Arrays.copyOf(buf, (int) count));
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
        return new String(msg, 32, msg.length - 33, StandardCharsets.UTF_8);
    }

    @Test
    void theParentIsNamedByItsNodeId() {
        Writes libc = new Writes();
        NodeTable nodes = new NodeTable();
        long procsim = nodes.lookedUp(1, "procsim");
        long pidns = nodes.lookedUp(procsim, "pidns");
        long ns = nodes.lookedUp(pidns, "4026531836");
        long proc = nodes.lookedUp(ns, "proc");
        KernelDentries d = new KernelDentries(libc, 9, nodes);

        assertThat(d.invalidate("/2")).isTrue();
        assertThat(d.invalidate("/procsim/pidns/4026531836/proc/5")).isTrue();

        assertThat(libc.msgs).extracting(KernelDentriesTest::parentOf).containsExactly(1L, proc);
        assertThat(libc.msgs).extracting(KernelDentriesTest::nameOf).containsExactly("2", "5");
    }

    /** A parent the kernel holds no node of has nothing cached below it: nothing is written. */
    @Test
    void aParentWithoutANodeIsNotWrittenFor() {
        Writes libc = new Writes();
        KernelDentries d = new KernelDentries(libc, 9, new NodeTable());

        assertThat(d.invalidate("/procsim/pidns/4026531840/proc/5")).isFalse();
        assertThat(d.invalidate("/")).isFalse();
        assertThat(libc.msgs).isEmpty();
    }
}
