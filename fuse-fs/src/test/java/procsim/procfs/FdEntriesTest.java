package procsim.procfs;

import static org.assertj.core.api.Assertions.assertThat;
import static procsim.procfs.ProcFsTest.OPERATOR;

import org.junit.jupiter.api.Test;

import procsim.abi.Errno;

/**
 * fd/ and fdinfo/ (fs/proc/fd.c): fdinfo's flags are f_flags plus O_CLOEXEC (02000000) when the
 * fd's close-on-exec bit is set (seq_show), so fcntl's F_SETFD and F_SETFL show there. An fd link's
 * target is a path the task named, which the host resolves on its own filesystem: readlink gives
 * it exactly, a path walk that would follow it is EACCES (as Linux refuses to follow an fd link
 * to a caller without ptrace access: fs/proc/base.c proc_pid_get_link).
 */
class FdEntriesTest {
    private final ProcFsTest t = new ProcFsTest();

    private String flags(int fd) {
        String info = t.read(OPERATOR, "/1/fdinfo/" + fd);
        return info.substring(info.indexOf("flags:\t") + 7, info.indexOf("\nmnt_id"));
    }

    @Test
    void anFdLinkIsReadByReadlinkButNeverFollowed() {
        Caller readlink = new Caller(100, 0, 0, () -> false, () -> true);
        Caller follow = new Caller(100, 0, 0, () -> false, () -> false);
        t.syscall(OPERATOR, "/1/syscall", "open /etc/passwd O_RDWR");
        assertThat(t.fs.readlink(readlink, "/1/fd/3")).isEqualTo("/etc/passwd");
        assertThat(t.fs.readlink(readlink, "/1/task/1/fd/0")).isEqualTo("/dev/console");
        assertThat(ProcFsTest.errno(() -> t.fs.readlink(follow, "/1/fd/3"))).isEqualTo(Errno.EACCES);
        assertThat(ProcFsTest.errno(() -> t.fs.readlink(follow, "/1/task/1/fd/0"))).isEqualTo(Errno.EACCES);
        assertThat(t.fs.getattr(follow, "/1/fd/3").kind()).isEqualTo(FileAttr.Kind.LNK);
        // links that name places inside the tree, or nothing a host path walk can reach, are followed
        assertThat(t.fs.readlink(follow, "/1/ns/pid")).isEqualTo("pid:[4026531836]");
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
