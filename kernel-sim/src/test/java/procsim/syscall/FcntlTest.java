package procsim.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import procsim.kernel.Sim;

/**
 * fcntl (fs/fcntl.c do_fcntl, f_dupfd, setfl): a bad fd is EBADF before anything else; F_DUPFD
 * with arg >= RLIMIT_NOFILE (arg taken as an unsigned int) is EINVAL; F_SETFD keeps only
 * FD_CLOEXEC; F_SETFL changes only SETFL_MASK (O_APPEND|O_NONBLOCK|O_NDELAY|O_DIRECT|O_NOATIME),
 * O_DIRECT on a file that cannot do direct I/O (a terminal) is EINVAL; an unknown cmd is EINVAL.
 * f_flags carry O_LARGEFILE on 64-bit (force_o_largefile), not O_CLOEXEC.
 */
class FcntlTest {
    private Sim sim;

    @BeforeEach
    void boot() {
        sim = new Sim();
        assertThat(sim.as(1).ok("open /tmp/a O_RDWR")).isEqualTo(3);
        assertThat(sim.as(1).ok("open /tmp/b O_RDONLY|O_CLOEXEC")).isEqualTo(4);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
            "fcntl 3 F_GETFD                  ; 0",
            "fcntl 4 F_GETFD                  ; 1",
            "fcntl 3 F_GETFL                  ; 32770",
            "fcntl 4 F_GETFL                  ; 32768",
            "fcntl 0 F_GETFL                  ; 32770",
            "fcntl 3 3                        ; 32770",
            "fcntl 9 F_GETFD                  ; -1 EBADF",
            "fcntl 9 F_DUPFD 0                ; -1 EBADF",
            "fcntl -1 F_GETFL                 ; -1 EBADF",
            "fcntl 3 F_DUPFD                  ; 5",
            "fcntl 3 F_DUPFD 10               ; 10",
            "fcntl 3 F_DUPFD 1023             ; 1023",
            "fcntl 3 F_DUPFD 1024             ; -1 EINVAL",
            "fcntl 3 F_DUPFD -1               ; -1 EINVAL",
            "fcntl 3 F_DUPFD 0x100000000      ; 5",
            "fcntl 3 F_DUPFD_CLOEXEC 7        ; 7",
            "fcntl 3 F_DUPFD_CLOEXEC 1024     ; -1 EINVAL",
            "fcntl 3 F_SETFD FD_CLOEXEC       ; 0",
            "fcntl 3 F_SETFL O_APPEND         ; 0",
            "fcntl 0 F_SETFL O_DIRECT         ; -1 EINVAL",
            "fcntl 3 12345                    ; -1 EINVAL",
            "fcntl 9 12345                    ; -1 EBADF",
            "fcntl 3 F_NOPE                   ; -1 EINVAL",
            "fcntl 3                          ; -1 EINVAL",
            "fcntl x F_GETFL                  ; -1 EINVAL",
            "fcntl 3 F_GETFL 0 1              ; -1 EINVAL",
    })
    void rules(String line, String expected) {
        assertThat(sim.as(1).run(line)).isEqualTo(expected);
    }

    @Test
    void setfdKeepsOnlyFdCloexecAndExecveClosesIt() {
        sim.as(1).ok("fcntl 3 F_SETFD 3");
        assertThat(sim.as(1).run("fcntl 3 F_GETFD")).isEqualTo("1");
        sim.as(1).ok("fcntl 4 F_SETFD 2");
        assertThat(sim.as(1).run("fcntl 4 F_GETFD")).isEqualTo("0");
        sim.as(1).ok("execve /bin/true");
        assertThat(sim.as(1).run("fcntl 3 F_GETFD")).isEqualTo("-1 EBADF");
        assertThat(sim.as(1).run("fcntl 4 F_GETFD")).isEqualTo("0");
    }

    @Test
    void dupfdTakesTheLowestFreeFdAtOrAboveArgWithItsCloexecBit() {
        sim.as(1).ok("dup2 3 10");
        assertThat(sim.as(1).run("fcntl 4 F_DUPFD 10")).isEqualTo("11");
        assertThat(sim.as(1).run("fcntl 11 F_GETFD")).isEqualTo("0");
        assertThat(sim.as(1).run("fcntl 3 F_DUPFD_CLOEXEC 10")).isEqualTo("12");
        assertThat(sim.as(1).run("fcntl 12 F_GETFD")).isEqualTo("1");
        for (int fd = 1000; fd < 1024; fd++) sim.as(1).ok("dup2 3 " + fd);
        assertThat(sim.as(1).run("fcntl 3 F_DUPFD 1000")).isEqualTo("-1 EMFILE");
    }

    @Test
    void setflChangesOnlySetflMaskOnTheOpenFileEveryFdShares() {
        sim.as(1).ok("dup 3");
        int child = sim.as(1).ok("fork");
        assertThat(sim.as(1).run("fcntl 3 F_SETFL O_WRONLY|O_APPEND|O_NONBLOCK|O_DIRECT|O_NOATIME|O_SYNC|O_CREAT|O_TRUNC|O_CLOEXEC"))
                .isEqualTo("0");
        // O_RDWR|O_LARGEFILE kept; O_APPEND|O_NONBLOCK|O_DIRECT|O_NOATIME set; the rest ignored
        String flags = Integer.toString(02 | 0100000 | 02000 | 04000 | 040000 | 01000000);
        assertThat(sim.as(1).run("fcntl 3 F_GETFL")).isEqualTo(flags);
        assertThat(sim.as(1).run("fcntl 5 F_GETFL")).isEqualTo(flags);
        assertThat(sim.as(child).run("fcntl 3 F_GETFL")).isEqualTo(flags);
        assertThat(sim.as(1).run("fcntl 3 F_GETFD")).isEqualTo("0");
        sim.as(1).ok("fcntl 5 F_SETFL 0");
        assertThat(sim.as(1).run("fcntl 3 F_GETFL")).isEqualTo("32770");
        assertThat(sim.as(1).run("fcntl 4 F_GETFL")).isEqualTo("32768");
    }
}
