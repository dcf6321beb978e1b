package procsim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The kernel's clock: boot time and uptime, which /proc/stat, /proc/uptime and stat's start_time share. */
class KernelTest {
    /** fs/proc/stat.c btime: getboottime64, the wall-clock time at which uptime was 0. */
    @Test
    void bootTimeIsTheWallClockAtBootAndStaysPut() {
        long[] wall = {1_700_000_000L};
        Kernel k = Kernel.boot(new KernelConfig(32768, () -> wall[0]));
        wall[0] += 3600;
        assertThat(k.bootTime()).isEqualTo(1_700_000_000L);
        assertThat(k.ticks()).isGreaterThanOrEqualTo(0);
    }
}
