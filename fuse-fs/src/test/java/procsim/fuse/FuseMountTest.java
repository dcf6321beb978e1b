package procsim.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * The two kinds of mount: M, whose root shows each caller its own view, answered afresh on every
 * lookup; a fixed view's own mount, the same to every caller, whose lookups the kernel may keep
 * (fs/fuse/dir.c fuse_dentry_revalidate() asks the daemon again only once entry_timeout is over).
 */
class FuseMountTest {
    private static Map<String, String> options(String o) {
        return Arrays.stream(o.split(",")).map(kv -> kv.split("=", 2))
                .collect(Collectors.toMap(kv -> kv[0], kv -> kv.length > 1 ? kv[1] : ""));
    }

    @Test
    void theOperatorMountCachesNothing() {
        Map<String, String> m = options(FuseMount.OPTIONS);
        assertThat(m).containsEntry("entry_timeout", "0").containsEntry("attr_timeout", "0")
                .containsEntry("negative_timeout", "0").containsKeys("direct_io", "use_ino");
    }

    @Test
    void aFixedViewsMountKeepsWhatItFoundButNotWhatItMissed() {
        Map<String, String> v = options(FuseMount.VIEW_OPTIONS);
        assertThat(Double.parseDouble(v.get("entry_timeout"))).isPositive();
        assertThat(Double.parseDouble(v.get("attr_timeout"))).isPositive();
        assertThat(v).as("a task made since shows at once").containsEntry("negative_timeout", "0");
        Map<String, String> rest = options(FuseMount.OPTIONS);
        rest.keySet().removeAll(java.util.List.of("entry_timeout", "attr_timeout"));
        assertThat(v).containsAllEntriesOf(rest);
    }

    @Test
    void eachDaemonHasItsOwnPlaceForItsViews() {
        Path a = FuseMount.viewMountPoint(Path.of("/tmp/a"), 4026531836L);
        assertThat(a.toString()).matches("/run/procsim/views/[0-9a-f]{24}/4026531836");
        assertThat(FuseMount.viewMountPoint(Path.of("/tmp/a"), 4026531836L)).isEqualTo(a);
        assertThat(FuseMount.viewMountPoint(Path.of("/tmp/b"), 4026531836L).getParent()).isNotEqualTo(a.getParent());
    }

    @Test
    void withoutItsOwnMountAViewIsMsDirectory() {
        Path m = Path.of("/nonexistent/procsim-mount");
        assertThat(FuseMount.viewOf(m, 4026531836L)).isEqualTo(Path.of("/nonexistent/procsim-mount/procsim/pidns/4026531836/proc"));
    }
}
