package procsim.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import procsim.abi.Errno;

/**
 * ns/ links that stat(2) resolves: each ns/ directory serves, unlisted, a file named as each of
 * its links' targets, whose inode number is the namespace's (fs/nsfs.c: S_IFREG 0444, i_ino the
 * inum), with nsfs's ioctls.
 */
class NsFilesTest {
    private static final Caller OPERATOR = ProcFsTest.OPERATOR;
    private final ProcFsTest tree = new ProcFsTest();
    private final ProcFs fs = tree.fs;

    @Test
    void theLinksTargetsAreFilesWithTheNamespacesInodeNumbers() {
        String child = tree.syscall(OPERATOR, "/1/syscall", "clone CLONE_NEWPID|CLONE_NEWIPC|SIGCHLD\n").strip();
        for (String dir : new String[] {"/1/ns/", "/" + child + "/ns/", "/" + child + "/task/" + child + "/ns/"}) {
            for (String link : new String[] {"ipc", "pid", "pid_for_children"}) {
                String target = fs.readlink(OPERATOR, dir + link);
                FileAttr a = fs.getattr(OPERATOR, dir + target);
                assertThat(a.kind()).isEqualTo(FileAttr.Kind.REG);
                assertThat(a.permissions()).isEqualTo(0444);
                assertThat(a.ino()).as(dir + link).isEqualTo(Long.parseLong(target.replaceAll("\\D", "")));
            }
            assertThat(fs.readdir(OPERATOR, dir)).containsExactly("ipc", "pid", "pid_for_children");
        }
        assertThat(fs.getattr(OPERATOR, "/1/ns/pid:[4026531836]").ino()).isEqualTo(4026531836L);
        assertThat(fs.getattr(OPERATOR, "/" + child + "/ns/pid:[4026531840]").ino()).isEqualTo(4026531840L);
        assertThat(Long.compareUnsigned(fs.getattr(OPERATOR, "/1/ns/pid").ino(), ProcFs.INO_FLOOR))
                .as("the link itself: the mount numbers it").isGreaterThanOrEqualTo(0);
    }

    /** Only the targets of this directory's links: another namespace's name, or junk, is ENOENT. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "/1/ns/pid:[4026531839]", // ipc's number under pid
        "/1/ns/pid:[4026531840]", // a child namespace's, not init's
        "/1/ns/ipc:[4026531836]",
        "/1/ns/pid:[]",
        "/1/ns/pid:[x]",
        "/1/ns/mnt:[4026531841]",
        "/1/ns/]",
    })
    void otherNamesAreEnoent(String path) {
        tree.syscall(OPERATOR, "/1/syscall", "clone CLONE_NEWPID|SIGCHLD\n");
        assertThat(ProcFsTest.errno(() -> fs.getattr(OPERATOR, path))).isEqualTo(Errno.ENOENT);
    }

    /** fs/nsfs.c ns_ioctl; read and write of an ns file are EINVAL (no such file operations). */
    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        "pid, 0xb703, 536870912",   // NS_GET_NSTYPE: CLONE_NEWPID
        "ipc, 0xb703, 134217728",   // CLONE_NEWIPC
        "pid, 0xb702, EPERM",       // NS_GET_PARENT (Deviation: no fd through FUSE)
        "pid, 0xb701, EPERM",       // NS_GET_USERNS
        "pid, 0xb704, EINVAL",      // NS_GET_OWNER_UID: user namespaces only
        "ipc, 0x5401, ENOTTY",      // TCGETS
        "pid, 0, ENOTTY",
    })
    void ioctls(String link, String cmd, String result) {
        String path = "/1/ns/" + fs.readlink(OPERATOR, "/1/ns/" + link);
        ProcHandle h = fs.open(OPERATOR, path, 0);
        int c = Integer.decode(cmd);
        String got;
        try {
            got = Integer.toString(h.ioctl(OPERATOR, c));
        } catch (procsim.abi.SysError e) {
            got = e.errno().name();
        }
        assertThat(got).isEqualTo(result);
        assertThat(ProcFsTest.errno(() -> h.read(OPERATOR, 0, 100))).isEqualTo(Errno.EINVAL);
        assertThat(ProcFsTest.errno(() -> h.write(OPERATOR, new byte[1], 0))).isEqualTo(Errno.EINVAL);
        assertThat(ProcFsTest.errno(() -> fs.open(OPERATOR, "/1/status", 0).ioctl(OPERATOR, c))).isEqualTo(Errno.ENOTTY);
    }

    /** st_ino under use_ino: at least 2^32 (never an inum, never 0), one per path, new for a new task. */
    @Test
    void everyOtherNodeHasAStableNumberThatANewTaskChanges() {
        long status = fs.getattr(OPERATOR, "/1/status").ino();
        assertThat(fs.getattr(OPERATOR, "/1/status").ino()).isEqualTo(status);
        for (String p : new String[] {"/", "/1", "/1/status", "/1/ns/pid", "/1/task/1", "/sys/kernel/ns_last_pid"}) {
            assertThat(Long.compareUnsigned(fs.getattr(OPERATOR, p).ino(), ProcFs.INO_FLOOR)).as(p).isGreaterThanOrEqualTo(0);
        }
        assertThat(fs.getattr(OPERATOR, "/1/stat").ino()).isNotEqualTo(status);
        assertThat(fs.getattr(OPERATOR, "/1/task/1").ino()).isNotEqualTo(fs.getattr(OPERATOR, "/1").ino());
        assertThat(fs.getattr(OPERATOR, "/1/task/1/status").ino()).isNotEqualTo(status);
        String pid = tree.syscall(OPERATOR, "/1/syscall", "fork\n").strip();
        long first = fs.getattr(OPERATOR, "/" + pid + "/status").ino();
        tree.syscall(OPERATOR, "/" + pid + "/syscall", "exit 0\n");
        tree.syscall(OPERATOR, "/1/syscall", "wait4\n");
        tree.write(OPERATOR, "/sys/kernel/ns_last_pid", (Integer.parseInt(pid) - 1) + "\n");
        assertThat(tree.syscall(OPERATOR, "/1/syscall", "fork\n").strip()).isEqualTo(pid);
        assertThat(fs.getattr(OPERATOR, "/" + pid + "/status").ino()).as("a pid used again").isNotEqualTo(first);
    }
}
