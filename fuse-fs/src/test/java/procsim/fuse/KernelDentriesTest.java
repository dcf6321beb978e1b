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
        byte[] msg = KernelDentries.invalEntry("4242");
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
}
