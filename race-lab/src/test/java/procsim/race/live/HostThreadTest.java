package procsim.race.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** The calling thread's host tid, from /proc/thread-self. */
class HostThreadTest {
    @Test
    void theTidIsTheLinksLastComponent() {
        assertThat(HostThread.parse("4242/task/4250")).isEqualTo(4250);
        assertThatThrownBy(() -> HostThread.parse("4242")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eachThreadHasItsOwn() throws InterruptedException {
        int mine = HostThread.tid();
        AtomicInteger other = new AtomicInteger();
        Thread t = new Thread(() -> other.set(HostThread.tid()));
        t.start();
        t.join();
        assertThat(mine).isPositive();
        assertThat(other.get()).isPositive().isNotEqualTo(mine);
    }
}
