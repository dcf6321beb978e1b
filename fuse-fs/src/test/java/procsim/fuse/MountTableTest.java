package procsim.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class MountTableTest {
    @Test
    void parsesMountinfoLines() {
        List<MountTable.Entry> entries = MountTable.parse(List.of(
                "22 1 0:21 / /proc rw,relatime shared:12 - proc proc rw",
                "36 35 98:0 /mnt1 /mnt/with\\040space rw,noatime master:1 - ext3 /dev/root rw,errors=continue",
                "90 22 0:45 / /tmp/tmp.abc rw,nosuid,nodev,relatime - fuse procsim rw,user_id=0,group_id=0",
                "91 22 0:46 / /tmp/x rw - fuse.sshfs host:/ rw",
                "garbage"));
        assertThat(entries).containsExactly(
                new MountTable.Entry("/proc", "proc", "proc"),
                new MountTable.Entry("/mnt/with space", "ext3", "/dev/root"),
                new MountTable.Entry("/tmp/tmp.abc", "fuse", "procsim"),
                new MountTable.Entry("/tmp/x", "fuse.sshfs", "host:/"));
        assertThat(entries.get(2).isFuse()).isTrue();
        assertThat(entries.get(3).isFuse()).isTrue();
        assertThat(entries.get(0).isFuse()).isFalse();
    }

    @Test
    void unescapesOctal() {
        assertThat(MountTable.unescape("a\\040b\\011c\\134d\\012")).isEqualTo("a b\tc\\d\n");
        assertThat(MountTable.unescape("plain")).isEqualTo("plain");
        assertThat(MountTable.unescape("trailing\\04")).isEqualTo("trailing\\04");
    }

    @Test
    void findsTheRealProcMount() {
        assertThat(MountTable.find(Path.of("/proc"))).hasValueSatisfying(e -> assertThat(e.fsType()).isEqualTo("proc"));
        assertThat(MountTable.find(Path.of("/surely/not/mounted"))).isEmpty();
    }

    @Test
    void aPathThatIsNoMountIsNotStale() {
        assertThat(FuseMount.clearStale(Path.of("/surely/not/mounted"))).isEqualTo(FuseMount.Prior.NOT_MOUNTED);
    }
}
