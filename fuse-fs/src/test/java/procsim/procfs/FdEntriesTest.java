package procsim.procfs;

import static org.assertj.core.api.Assertions.assertThat;
import static procsim.procfs.ProcFsTest.OPERATOR;

import org.junit.jupiter.api.Test;

/**
 * fd/ and fdinfo/ (fs/proc/fd.c): fdinfo's flags are f_flags plus O_CLOEXEC (02000000) when the
 * fd's close-on-exec bit is set (seq_show), so fcntl's F_SETFD and F_SETFL show there.
 */
class FdEntriesTest {
    private final ProcFsTest t = new ProcFsTest();

    private String flags(int fd) {
        String info = t.read(OPERATOR, "/1/fdinfo/" + fd);
        return info.substring(info.indexOf("flags:\t") + 7, info.indexOf("\nmnt_id"));
    }

    @Test
    void fdinfoFlagsFollowFcntl() {
        assertThat(t.syscall(OPERATOR, "/1/syscall", "open /tmp/a O_RDWR")).isEqualTo("3\n");
        assertThat(flags(3)).isEqualTo("0100002");
        t.syscall(OPERATOR, "/1/syscall", "fcntl 3 F_SETFD FD_CLOEXEC");
        assertThat(flags(3)).isEqualTo("02100002");
        t.syscall(OPERATOR, "/1/syscall", "fcntl 3 F_SETFL O_APPEND|O_NONBLOCK");
        assertThat(flags(3)).isEqualTo("02106002");
        assertThat(t.syscall(OPERATOR, "/1/syscall", "fcntl 3 F_DUPFD 9")).isEqualTo("9\n");
        assertThat(flags(9)).isEqualTo("0106002");
        assertThat(t.syscall(OPERATOR, "/1/syscall", "fcntl 9 F_DUPFD_CLOEXEC 5")).isEqualTo("5\n");
        assertThat(flags(5)).isEqualTo("02106002");
        t.syscall(OPERATOR, "/1/syscall", "fcntl 3 F_SETFD 0");
        assertThat(flags(3)).isEqualTo("0106002");
    }
}
