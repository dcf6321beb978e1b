package procsim.task;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import procsim.kernel.Sim;

/**
 * The argv /proc/PID/cmdline shows: the mm's arg area, written by execve (fs/exec.c
 * copy_strings), copied by fork with the mm (kernel/fork.c dup_mm), shared by threads.
 */
class ArgvTest {
    private final Sim sim = new Sim();

    /** init/main.c run_init_process: argv_init[0] = "/sbin/init", the file it executes. */
    @Test
    void initIsSbinInit() {
        assertThat(sim.task(1).group().argv()).containsExactly("/sbin/init");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
        "execve /bin/sh; /bin/sh",
        "execve /bin/sh sh; sh",
        "execve /bin/sh -sh -c true; -sh|-c|true",
        "execve /usr/bin/sleep sleep 1000; sleep|1000",
        "execve /x a=b LONG1; a=b|LONG1",
    })
    void execveArgs(String line, String argv) {
        Task c = sim.as(1).child("fork");
        sim.as(c).ok(line);
        assertThat(c.group().argv()).containsExactly(argv.split("\\|"));
    }

    @Test
    void forkCopiesTheParentsArgvAndAThreadSharesIt() {
        Task c = sim.as(1).child("fork");
        sim.as(c).ok("execve /bin/bash bash -i");
        Task grandchild = sim.as(c).child("fork");
        Task thread = sim.as(c).child("clone CLONE_THREAD|CLONE_SIGHAND|CLONE_VM");
        assertThat(grandchild.group().argv()).containsExactly("bash", "-i");
        assertThat(thread.group().argv()).containsExactly("bash", "-i");
        sim.as(grandchild).ok("execve /bin/cat cat");
        assertThat(c.group().argv()).as("the parent keeps its own").containsExactly("bash", "-i");
        assertThat(sim.as(1).child("fork").group().argv()).containsExactly("/sbin/init");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
        "execve; -1 EINVAL",
    })
    void aBadExecveChangesNothing(String line, String result) {
        Task c = sim.as(1).child("fork");
        sim.as(c).ok("execve /bin/sh sh");
        assertThat(sim.as(c).run(line)).isEqualTo(result);
        assertThat(c.group().argv()).containsExactly("sh");
        assertThat(c.comm()).isEqualTo("sh");
    }
}
