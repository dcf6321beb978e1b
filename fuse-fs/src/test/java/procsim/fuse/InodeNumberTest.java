package procsim.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import procsim.procfs.FileAttr;

/** st_ino under use_ino: a namespace file's inum as given; any other node a stable number of its path. */
class InodeNumberTest {
    @Test
    void aPathKeepsItsNumberAboveEveryInumAndANamespaceFileHasItsInum() {
        FileAttr f = FileAttr.file(0444);
        long status = ProcFuse.ino(f, "/1/status");
        assertThat(ProcFuse.ino(f, "/1/status")).isEqualTo(status);
        assertThat(ProcFuse.ino(f, "/1/stat")).isNotEqualTo(status);
        assertThat(ProcFuse.ino(FileAttr.dir(0555), "/")).isNotZero();
        for (String p : new String[] {"/", "/1", "/1/status", "/1/ns/pid", "/sys/kernel/ns_last_pid"}) {
            assertThat(Long.compareUnsigned(ProcFuse.ino(f, p), 1L << 32)).as(p).isGreaterThanOrEqualTo(0);
        }
        assertThat(ProcFuse.ino(f.withIno(4026531836L), "/1/ns/pid:[4026531836]")).isEqualTo(4026531836L);
    }
}
