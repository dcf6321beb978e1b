package procsim.fd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import procsim.abi.Errno;
import procsim.kernel.Sim;

/** fs/file.c rules (linux-facts §6). */
class FdTableTest {
    private final FdTable t = new FdTable();

    private static OpenFile file(String path) {
        return new OpenFile(path, 2, true);
    }


    @Test
    void lowestFreeFdAndReuseAfterClose() {
        assertThat(t.install(file("/a"), false)).isZero();
        assertThat(t.install(file("/b"), false)).isEqualTo(1);
        t.close(0);
        assertThat(t.install(file("/c"), false)).isZero();
        assertThat(Sim.errno(() -> t.close(7))).isEqualTo(Errno.EBADF);
    }

    @Test
    void emfileAtTheLimitAndFdSizeGrowsInSteps() {
        for (int i = 0; i < FdTable.RLIMIT_NOFILE; i++) t.install(file("/f" + i), false);
        assertThat(Sim.errno(() -> t.install(file("/x"), false))).isEqualTo(Errno.EMFILE);
        assertThat(t.maxFds()).isEqualTo(1024);
        FdTable small = new FdTable();
        assertThat(small.maxFds()).isEqualTo(64);
        small.installExact(64, file("/y"), false);
        assertThat(small.maxFds()).isEqualTo(128);
        small.installExact(200, file("/z"), false);
        assertThat(small.maxFds()).isEqualTo(256);
        small.close(200);
        assertThat(small.maxFds()).isEqualTo(256);
    }

    @Test
    void dup2Rules() {
        t.install(file("/a"), true);
        assertThat(t.dup2(0, 0)).isZero();
        assertThat(t.closeOnExec(0)).isTrue();
        assertThat(t.dup2(0, 5)).isEqualTo(5);
        assertThat(t.closeOnExec(5)).isFalse();
        assertThat(t.get(5)).isSameAs(t.get(0));
        assertThat(Sim.errno(() -> t.dup2(3, 4))).isEqualTo(Errno.EBADF);
        assertThat(Sim.errno(() -> t.dup2(0, 1024))).isEqualTo(Errno.EBADF);
    }

    @Test
    void exactInstallIsEbusyWhenTaken() {
        t.installExact(7, file("/a"), false);
        assertThat(Sim.errno(() -> t.installExact(7, file("/b"), false))).isEqualTo(Errno.EBUSY);
        assertThat(t.get(7).path()).isEqualTo("/a");
    }

    @Test
    void copySharesOpenFilesAndCloseOnExecClosesOnlyMarked() {
        t.install(file("/keep"), false);
        t.install(file("/drop"), true);
        FdTable c = t.copy();
        c.get(0).setOffset(42);
        assertThat(t.get(0).offset()).isEqualTo(42);
        c.closeOnExecAll();
        assertThat(c.get(1)).isNull();
        assertThat(t.get(1)).isNotNull();
        assertThat(c.nextOpen(0)).isZero();
        assertThat(c.nextOpen(1)).isEqualTo(-1);
    }
}
