package procsim.race.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What a live run reads of the mount itself. */
class LiveRaceTest {
    @Test
    void theNamespaceInodeComesFromTheLink() {
        assertThat(LiveRace.parseInum("pid:[4026531840]")).isEqualTo(4026531840L);
        assertThatThrownBy(() -> LiveRace.parseInum("ipc:[1]")).isInstanceOf(IllegalArgumentException.class);
    }
}
