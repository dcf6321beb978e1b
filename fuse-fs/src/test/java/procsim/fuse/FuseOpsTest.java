package procsim.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import procsim.abi.Errno;
import procsim.procfs.Caller;
import procsim.procfs.FileAttr;

class FuseOpsTest {
    private static final Caller ROOT = new Caller(4242, 0, 0);

    private FakeTree tree;
    private FuseOps ops;

    private final ch.qos.logback.classic.Logger replyLog =
            (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(FuseReply.class);

    @BeforeEach
    void setUp() {
        tree = new FakeTree();
        ops = new FuseOps(tree);
        replyLog.setLevel(ch.qos.logback.classic.Level.OFF); // the EIO cases log on purpose
    }

    @org.junit.jupiter.api.AfterEach
    void tearDown() {
        replyLog.setLevel(null);
    }

    private static int neg(Errno e) {
        return -e.number();
    }

    @Test
    void getattrPassesTheAttributesOn() {
        AtomicReference<FileAttr> got = new AtomicReference<>();
        assertThat(ops.getattr(ROOT, "/1/status", got::set)).isZero();
        assertThat(got.get()).isEqualTo(FileAttr.file(0444));
    }

    @Test
    void aSysErrorBecomesItsNegativeErrno() {
        assertThat(ops.getattr(ROOT, "/nope", a -> { })).isEqualTo(neg(Errno.ENOENT)).isEqualTo(-2);
        assertThat(ops.readdir(ROOT, "/version", n -> false)).isEqualTo(neg(Errno.ENOTDIR));
        assertThat(ops.readlink(ROOT, "/version", t -> { })).isEqualTo(neg(Errno.EINVAL));
        assertThat(ops.open(ROOT, "/1", 0, fh -> { })).isEqualTo(neg(Errno.EISDIR));
    }

    @Test
    void anyOtherExceptionBecomesEioAndNeverEscapes() {
        tree.bug = new NullPointerException("boom");
        assertThat(ops.getattr(ROOT, "/1/status", a -> { })).isEqualTo(neg(Errno.EIO));
        assertThat(ops.readdir(ROOT, "/", n -> false)).isEqualTo(neg(Errno.EIO));
        assertThat(ops.open(ROOT, "/version", 0, fh -> { })).isEqualTo(neg(Errno.EIO));
        assertThat(ops.truncate(ROOT, "/version")).isEqualTo(neg(Errno.EIO));
        assertThat(ops.getattr(ROOT, "/1/status", a -> {
            throw new StackOverflowError();
        })).isEqualTo(neg(Errno.EIO));
    }

    @Test
    void readdirListsDotAndDotDotFirst() {
        List<String> names = new ArrayList<>();
        assertThat(ops.readdir(ROOT, "/", n -> !names.add(n))).isZero();
        assertThat(names).containsExactly(".", "..", "1", "self", "sys", "sysvipc", "version");
    }

    @Test
    void readdirStopsWhenTheBufferIsFull() {
        List<String> names = new ArrayList<>();
        assertThat(ops.readdir(ROOT, "/", n -> {
            names.add(n);
            return names.size() == 3;
        })).isZero();
        assertThat(names).containsExactly(".", "..", "1");
    }

    @Test
    void readlinkGivesTheTarget() {
        AtomicReference<String> got = new AtomicReference<>();
        assertThat(ops.readlink(ROOT, "/self", got::set)).isZero();
        assertThat(got.get()).isEqualTo("1");
    }

    @Test
    void openReadWriteFlushReleaseGoThroughOneHandle() {
        AtomicLong fh = new AtomicLong();
        assertThat(ops.open(ROOT, "/version", 2, fh::set)).isZero();
        assertThat(fh.get()).isPositive();

        byte[] line = "hello\n".getBytes(StandardCharsets.UTF_8);
        assertThat(ops.write(ROOT, "/version", fh.get(), line, 0)).isEqualTo(line.length);

        List<String> chunks = new ArrayList<>();
        assertThat(ops.read(ROOT, "/version", fh.get(), 0, 4096,
                (data, n) -> chunks.add(new String(data, 0, n, StandardCharsets.UTF_8)))).isEqualTo(6);
        assertThat(chunks).containsExactly("hello\n");
        assertThat(ops.read(ROOT, "/version", fh.get(), 2, 2,
                (data, n) -> chunks.add(new String(data, 0, n, StandardCharsets.UTF_8)))).isEqualTo(2);
        assertThat(chunks).last().isEqualTo("ll");
        assertThat(ops.read(ROOT, "/version", fh.get(), 100, 10, (d, n) -> chunks.add("?"))).isZero();

        assertThat(ops.release("/version", fh.get())).isZero();
        assertThat(tree.calls).containsExactly("open /version by 4242", "release /version");
        assertThat(ops.openFiles()).isZero();
    }

    @Test
    void eachOpenGetsItsOwnHandleNumber() {
        AtomicLong a = new AtomicLong();
        AtomicLong b = new AtomicLong();
        ops.open(ROOT, "/version", 0, a::set);
        ops.open(ROOT, "/version", 0, b::set);
        assertThat(a.get()).isNotEqualTo(b.get());
        assertThat(ops.openFiles()).isEqualTo(2);
    }

    @Test
    void aFailedWriteGivesItsErrnoAndTheFileStaysUsable() {
        AtomicLong fh = new AtomicLong();
        ops.open(ROOT, "/version", 1, fh::set);
        assertThat(ops.write(ROOT, "/version", fh.get(), "x\n".getBytes(StandardCharsets.UTF_8), 0))
                .isEqualTo(neg(Errno.EINVAL));
        assertThat(ops.write(ROOT, "/version", fh.get(), "!\n".getBytes(StandardCharsets.UTF_8), 0))
                .isEqualTo(neg(Errno.EIO));
        assertThat(ops.write(ROOT, "/version", fh.get(), "ok\n".getBytes(StandardCharsets.UTF_8), 0))
                .isEqualTo(3);
    }

    @Test
    void anUnknownHandleIsEbadfAndAStrayReleaseIsHarmless() {
        assertThat(ops.read(ROOT, "/version", 99, 0, 10, (d, n) -> { })).isEqualTo(neg(Errno.EBADF));
        assertThat(ops.write(ROOT, "/version", 99, new byte[1], 0)).isEqualTo(neg(Errno.EBADF));
        assertThat(ops.release("/version", 99)).isZero();
    }

    @Test
    void truncateIsHandedToTheTree() {
        assertThat(ops.truncate(ROOT, "/sys/kernel/ns_last_pid")).isZero();
        assertThat(tree.calls).containsExactly("truncate /sys/kernel/ns_last_pid");
        assertThat(ops.truncate(ROOT, "/nope")).isEqualTo(neg(Errno.ENOENT));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        // new names: ENOENT like procfs' lookup, EEXIST if the name is there
        "create,  /x,                   ENOENT",
        "create,  /1/x,                 ENOENT",
        "mkdir,   /sys/kernel/x,        ENOENT",
        "mkdir,   /1,                   EEXIST",
        "symlink, /version,             EEXIST",
        "link,    /sysvipc/x,           ENOENT",
        "mknod,   /y,                   ENOENT",
    })
    void newNamesAreRefusedLikeProcfs(String op, String path, Errno want) {
        assertThat(ops.makeName(op, ROOT, path)).isEqualTo(neg(want));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        "unlink,  /version,             EPERM",
        "unlink,  /1/status,            EPERM",
        "unlink,  /self,                EPERM",
        "unlink,  /sysvipc/msg,         EPERM",
        "unlink,  /sys/kernel/pid_max,  EACCES",
        "unlink,  /nope,                ENOENT",
        "rmdir,   /1,                   EPERM",
        "rmdir,   /1/task/1,            EPERM",
        "rmdir,   /sys,                 EPERM",
        "rmdir,   /sys/kernel,          EACCES",
        "rmdir,   /sysvipc,             EPERM",
        "rmdir,   /1/status,            ENOTDIR",
        "chmod,   /1/status,            EPERM",
        "chmod,   /1/task,              EPERM",
        "chmod,   /sys/kernel/pid_max,  EPERM",
        "chmod,   /nope,                ENOENT",
        "chown,   /1,                   EPERM",
        "chown,   /1/task/1,            EPERM",
        "chown,   /sys,                 EPERM",
        "chown,   /sys/kernel/pid_max,  EPERM",
        "utimens, /1,                   EPERM",
        "utimens, /nope,                ENOENT",
    })
    void changesAreRefusedLikeProcfs(String op, String path, Errno want) {
        assertThat(change(op, path)).isEqualTo(neg(want));
    }

    @ParameterizedTest(name = "{0} {1} succeeds")
    @CsvSource({
        "chown,   /1/status",
        "chown,   /1/task",
        "chown,   /1/task/1/syscall",
        "chown,   /sysvipc/msg",
        "chown,   /version",
        "chown,   /self",
        "utimens, /1/status",
        "utimens, /sys/kernel/pid_max",
        "utimens, /sysvipc/msg",
        "utimens, /version",
    })
    void harmlessChangesSucceedAndChangeNothing(String op, String path) {
        FileAttr before = tree.nodes.get(path);
        assertThat(change(op, path)).isZero();
        assertThat(tree.nodes.get(path)).isEqualTo(before);
    }

    private int change(String op, String path) {
        return switch (op) {
            case "unlink" -> ops.unlink(ROOT, path);
            case "rmdir" -> ops.rmdir(ROOT, path);
            case "chmod" -> ops.chmod(ROOT, path);
            case "chown" -> ops.chown(ROOT, path);
            case "utimens" -> ops.utimens(ROOT, path);
            default -> throw new IllegalArgumentException(op);
        };
    }

    @ParameterizedTest(name = "rename {0} -> {1}: {2}")
    @CsvSource({
        "/version,            /v2,                      ENOENT",
        "/1/status,           /1/s2,                    ENOENT",
        "/version,            /sysvipc/msg,             EPERM",
        "/1/status,           /version,                 EPERM",
        "/sys/kernel/pid_max, /sys/kernel/ns_last_pid,  EACCES",
        "/nope,               /version,                 ENOENT",
    })
    void renameIsRefusedLikeProcfs(String from, String to, Errno want) {
        assertThat(ops.rename(ROOT, from, to)).isEqualTo(neg(want));
    }
}
