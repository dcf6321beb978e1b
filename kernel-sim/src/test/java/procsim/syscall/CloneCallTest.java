package procsim.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import procsim.kernel.Sim;

/**
 * A decoded fork-family line tells, before it runs, whether it will make a child process: the
 * caller's own (no CLONE_PARENT, kernel/fork.c copy_process: the parent is current's real_parent
 * then) and a new thread group (no CLONE_THREAD). Other lines are no CloneCall.
 */
class CloneCallTest {
    private final Sim sim = new Sim();

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = ';', value = {
        "fork                                              ; child process",
        "vfork                                             ; child process",
        "clone SIGCHLD                                     ; child process",
        "clone CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD ; no child process",
        "clone CLONE_PARENT                                ; no child process",
        "clone3 flags=CLONE_NEWPID exit_signal=SIGCHLD set_tid=1,500 ; child process",
        "clone3 flags=65536                                ; no child process",
        "eclone SIGCHLD pids=0,7                           ; child process",
        "eclone CLONE_PARENT                               ; no child process",
        "getpid                                            ; not a clone",
        "exit_group 0                                      ; not a clone",
    })
    void knowsBeforeItRuns(String line, String expected) {
        Call call = sim.kernel.decode(line);
        String got = !(call instanceof CloneCall c) ? "not a clone" : c.makesChildProcess() ? "child process" : "no child process";
        assertThat(got).isEqualTo(expected);
    }
}
