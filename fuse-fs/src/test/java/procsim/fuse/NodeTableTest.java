package procsim.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * libfuse2's node table (lib/fuse.c find_node(), forget_node(), unref_node()): a name keeps its
 * node id while the kernel holds lookups of it; FORGET takes them off; a node goes when it has
 * none and no child; ids are not reused.
 */
class NodeTableTest {
    private final NodeTable t = new NodeTable();

    @Test
    void theRootIsNodeOneAndStays() {
        assertThat(t.path(1)).isEqualTo("/");
        t.forget(1, 5);
        assertThat(t.path(1)).isEqualTo("/");
        assertThat(t.size()).isEqualTo(1);
    }

    @Test
    void aNameLookedUpTwiceKeepsItsIdAndCountsTwice() {
        long a = t.lookedUp(1, "1");
        long b = t.lookedUp(1, "1");
        assertThat(a).isEqualTo(b).isEqualTo(2);
        assertThat(t.lookups(a)).isEqualTo(2);
        assertThat(t.path(a)).isEqualTo("/1");
        assertThat(t.childPath(a, "status")).isEqualTo("/1/status");
        assertThat(t.id("/1")).isEqualTo(a);
    }

    @Test
    void forgetTakesTheCountOffAndFreesAtZero() {
        long a = t.lookedUp(1, "1");
        t.lookedUp(1, "1");
        t.forget(a, 1);
        assertThat(t.path(a)).isEqualTo("/1");
        t.forget(a, 1);
        assertThat(t.path(a)).isNull();
        assertThat(t.id("/1")).isZero();
        assertThat(t.lookedUp(1, "1")).as("a new id, never a reused one").isEqualTo(3);
    }

    @Test
    void aChildKeepsItsParentUntilItGoes() {
        long dir = t.lookedUp(1, "1");
        long file = t.lookedUp(dir, "status");
        assertThat(t.path(file)).isEqualTo("/1/status");
        t.forget(dir, 1);
        assertThat(t.path(dir)).isEqualTo("/1");
        t.forget(file, 1);
        assertThat(t.path(file)).isNull();
        assertThat(t.path(dir)).isNull();
        assertThat(t.size()).isEqualTo(1);
    }

    @Test
    void anUnknownParentOrNodeIsNoPath() {
        assertThat(t.lookedUp(99, "x")).isZero();
        assertThat(t.childPath(99, "x")).isNull();
        assertThat(t.path(99)).isNull();
        t.forget(99, 1); // ignored
        assertThat(t.size()).isEqualTo(1);
    }

    @Test
    void aForgetOfMoreThanWasLookedUpFreesWithoutGoingNegative() {
        long a = t.lookedUp(1, "1");
        t.forget(a, 7);
        assertThat(t.path(a)).isNull();
        assertThat(t.lookups(a)).isZero();
    }
}
