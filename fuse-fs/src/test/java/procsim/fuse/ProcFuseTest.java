package procsim.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The requests of the FUSE kernel protocol as the kernel writes them (include/uapi/linux/fuse.h),
 * served without a mount: each answer as libfuse2 2.9's high-level API gives it (lib/fuse.c,
 * lib/fuse_lowlevel.c) over the same {@link FuseOps}.
 */
class ProcFuseTest {
    private static final int TID = 4242;

    private FakeTree tree;
    private ProcFuse fs;
    private final AtomicInteger inits = new AtomicInteger();
    private final ByteBuffer out = FuseWire.buffer(1 << 17);
    private long unique = 100;

    @BeforeEach
    void setUp() {
        tree = new FakeTree();
        fs = new ProcFuse(tree, inits::incrementAndGet);
        init();
    }

    /** A request: fuse_in_header (len, opcode, unique, nodeid, uid, gid, pid) then {@code body}. */
    private int send(int opcode, long nodeid, byte[] body) {
        ByteBuffer in = FuseWire.buffer(40 + body.length);
        unique += 2;
        FuseWire.request(in, 40 + body.length, opcode, unique, nodeid, TID);
        in.put(40, body);
        return fs.serve(in, 40 + body.length, out);
    }

    private static byte[] body(int size, Object... longsAndInts) {
        ByteBuffer b = FuseWire.buffer(size);
        int at = 0;
        for (Object o : longsAndInts) {
            if (o instanceof Long l) {
                b.putLong(at, l);
                at += 8;
            } else if (o instanceof Integer i) {
                b.putInt(at, i);
                at += 4;
            } else if (o instanceof String s) {
                byte[] n = (s + "\0").getBytes(StandardCharsets.UTF_8);
                b.put(at, n);
                at += n.length;
            }
        }
        byte[] a = new byte[size];
        b.get(0, a);
        return a;
    }

    private static byte[] name(String s) {
        return (s + "\0").getBytes(StandardCharsets.UTF_8);
    }

    private int error() {
        return -out.getInt(4);
    }

    private void init() {
        ByteBuffer in = FuseWire.buffer(104);
        in.putInt(0, 104).putInt(4, FuseWire.INIT).putLong(8, 2).putInt(40, 7).putInt(44, 45).putInt(48, 0x20000).putInt(52, 0x73fffffb);
        assertThat(fs.serve(in, 104, out)).isEqualTo(40);
    }

    private long lookup(long parent, String n) {
        assertThat(send(FuseWire.LOOKUP, parent, name(n))).isEqualTo(144);
        assertThat(error()).isZero();
        return out.getLong(16);
    }

    private long open(long node, int flags) {
        assertThat(send(FuseWire.OPEN, node, body(8, flags, 0))).isEqualTo(32);
        return out.getLong(16);
    }

    @Test
    void initRunsOnceAndASecondInitIsEio() {
        assertThat(inits.get()).isEqualTo(1);
        ByteBuffer in = FuseWire.buffer(104);
        in.putInt(0, 104).putInt(4, FuseWire.INIT).putLong(8, 4).putInt(40, 7).putInt(44, 45);
        assertThat(fs.serve(in, 104, out)).isEqualTo(16);
        assertThat(error()).isEqualTo(5);
        assertThat(inits.get()).isEqualTo(1);
    }

    @Test
    void beforeInitEveryRequestIsEio() {
        ProcFuse fresh = new ProcFuse(tree, () -> { });
        ByteBuffer in = FuseWire.buffer(40);
        in.putInt(0, 40).putInt(4, FuseWire.GETATTR).putLong(8, 6).putLong(16, 1);
        assertThat(fresh.serve(in, 40, out)).isEqualTo(16);
        assertThat(error()).isEqualTo(5);
    }

    /** LOOKUP gives the tree's attributes under a node id; the same name, the same id; a missing one ENOENT (negative_timeout 0). */
    @Test
    void lookupHandsOutNodeIds() {
        long one = lookup(1, "1");
        assertThat(one).isEqualTo(2);
        assertThat(out.getInt(16 + 40 + 60)).isEqualTo(040555);
        long status = lookup(one, "status");
        assertThat(status).isEqualTo(3);
        assertThat(out.getInt(16 + 40 + 60)).isEqualTo(0100444);
        assertThat(lookup(1, "1")).isEqualTo(one);

        assertThat(send(FuseWire.LOOKUP, 1, name("nope"))).isEqualTo(16);
        assertThat(error()).isEqualTo(2);
    }

    @Test
    void getattrOfANodeAndOfAGoneOne() {
        long one = lookup(1, "1");
        assertThat(send(FuseWire.GETATTR, one, body(16, 0, 0, 0L))).isEqualTo(120);
        assertThat(out.getInt(16 + 16 + 60)).isEqualTo(040555);
        send(FuseWire.FORGET, one, body(8, 2L));
        assertThat(send(FuseWire.FORGET, one, body(8, 1L))).as("FORGET takes no reply").isZero();
        assertThat(send(FuseWire.GETATTR, one, body(16, 0, 0, 0L))).isEqualTo(16);
        assertThat(error()).isEqualTo(2);
    }

    /** OPEN (direct_io), READ, WRITE and RELEASE reach the open file the tree made, as the caller of the header. */
    @Test
    void openReadWriteRelease() {
        long file = lookup(lookup(1, "1"), "status");
        long fh = open(file, 0);
        assertThat(out.getInt(24)).isEqualTo(FuseWire.FOPEN_DIRECT_IO);
        assertThat(tree.calls).contains("open /1/status by " + TID);

        int len = send(FuseWire.READ, file, body(40, fh, 0L, 4096, 0, 0L, 0, 0));
        assertThat(new String(bytes(16, len), StandardCharsets.UTF_8)).isEqualTo("content of /1/status\n");
        send(FuseWire.READ, file, body(40, fh, 3L, 4, 0, 0L, 0, 0));
        assertThat(new String(bytes(16, 20), StandardCharsets.UTF_8)).isEqualTo("tent");

        byte[] write = body(44, fh, 0L, 4, 0, 0L, 0, 0, "abc");
        assertThat(send(FuseWire.WRITE, file, write)).isEqualTo(24);
        assertThat(out.getInt(16)).isEqualTo(4);
        write[40] = 'x'; // FakeTree refuses data starting with x
        assertThat(send(FuseWire.WRITE, file, write)).isEqualTo(16);
        assertThat(error()).isEqualTo(22);

        assertThat(send(FuseWire.RELEASE, file, body(24, fh, 0, 0, 0L))).isEqualTo(16);
        assertThat(error()).isZero();
        assertThat(tree.calls).contains("release /1/status");
        assertThat(send(FuseWire.READ, file, body(40, fh, 0L, 4096, 0, 0L, 0, 0))).isEqualTo(16);
        assertThat(error()).isEqualTo(9);
    }

    private byte[] bytes(int from, int to) {
        byte[] b = new byte[to - from];
        out.get(from, b);
        return b;
    }

    /** Each write runs the after-write hooks (the view's reap-time invalidation), failed or not. */
    @Test
    void aWriteRunsTheAfterWriteHooks() {
        AtomicInteger ran = new AtomicInteger();
        fs.afterWrite(ran::incrementAndGet);
        long file = lookup(1, "version");
        long fh = open(file, 1);
        send(FuseWire.WRITE, file, body(44, fh, 0L, 2, 0, 0L, 0, 0, "x"));
        send(FuseWire.WRITE, file, body(44, fh, 0L, 2, 0, 0L, 0, 0, "y"));
        assertThat(ran.get()).isEqualTo(2);
    }

    /** OPENDIR, then READDIR in slices of the listing libfuse would make: ".", "..", the names, each d_ino FUSE_UNKNOWN_INO. */
    @Test
    void readdirServesTheListingInSlices() {
        long dir = lookup(1, "sys");
        assertThat(send(FuseWire.OPENDIR, dir, body(8, 0, 0))).isEqualTo(32);
        long fh = out.getLong(16);
        int len = send(FuseWire.READDIR, dir, body(40, fh, 0L, 4096, 0, 0L, 0, 0));
        assertThat(names(16, len)).isEqualTo(List.of(".", "..", "kernel"));
        long second = out.getLong(16 + 8); // the first entry's off: where the second starts
        len = send(FuseWire.READDIR, dir, body(40, fh, second, 4096, 0, 0L, 0, 0));
        assertThat(names(16, len)).isEqualTo(List.of("..", "kernel"));
        len = send(FuseWire.READDIR, dir, body(40, fh, 4096L, 4096, 0, 0L, 0, 0));
        assertThat(len).as("past the end: empty").isEqualTo(16);
        assertThat(send(FuseWire.RELEASEDIR, dir, body(24, fh, 0, 0, 0L))).isEqualTo(16);
        assertThat(send(FuseWire.READDIR, dir, body(40, fh, 0L, 4096, 0, 0L, 0, 0))).isEqualTo(16);
        assertThat(error()).isEqualTo(9);
    }

    private List<String> names(int from, int to) {
        List<String> names = new java.util.ArrayList<>();
        for (int at = from; at < to; ) {
            assertThat(out.getLong(at)).isEqualTo(0xffffffffL);
            int n = out.getInt(at + 16);
            names.add(new String(bytes(at + 24, at + 24 + n), StandardCharsets.UTF_8));
            at += FuseWire.direntSize(n);
        }
        return names;
    }

    /** A bug below a request (the tree throws) or in its decoding is EIO for that request alone; the next is served. */
    @Test
    void aBugIsEioAndTheNextRequestIsServed() {
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(FuseReply.class);
        log.setLevel(ch.qos.logback.classic.Level.OFF);
        try {
            tree.bug = new IllegalStateException("a bug in the tree");
            assertThat(send(FuseWire.LOOKUP, 1, name("1"))).isEqualTo(16);
            assertThat(error()).isEqualTo(5);
            tree.bug = null;
            long file = lookup(1, "version");
            assertThat(send(FuseWire.READ, file, new byte[0])).as("a READ without its fuse_read_in").isEqualTo(16);
            assertThat(error()).isEqualTo(5);
            assertThat(lookup(1, "1")).isEqualTo(3);
        } finally {
            log.setLevel(null);
        }
    }

    /** A request cut short (a WRITE whose size runs past what was read) takes only the bytes there. */
    @Test
    void aShortWriteTakesTheBytesThere() {
        long file = lookup(1, "version");
        long fh = open(file, 1);
        assertThat(send(FuseWire.WRITE, file, body(44, fh, 0L, 1000, 0, 0L, 0, 0, "abc"))).isEqualTo(24);
        assertThat(out.getInt(16)).isEqualTo(4);
    }

    @Test
    void readlinkRepliesTheTargetWithoutItsNul() {
        long self = lookup(1, "self");
        assertThat(send(FuseWire.READLINK, self, new byte[0])).isEqualTo(17);
        assertThat(out.get(16)).isEqualTo((byte) '1');
    }

    /** SETATTR with a size is truncate; then the attributes. */
    @Test
    void setattrSizeTruncates() {
        long file = lookup(1, "version");
        byte[] b = body(88, FuseWire.FATTR_SIZE, 0, 0L, 0L);
        assertThat(send(FuseWire.SETATTR, file, b)).isEqualTo(120);
        assertThat(tree.calls).contains("truncate /version");
    }

    /**
     * What the mount does not serve answers ENOSYS, as libfuse2 does with no callback set; the
     * kernel then stops sending FLUSH (fc->no_flush), ACCESS (no_access), xattrs (no_xattr), FSYNC.
     */
    @ParameterizedTest(name = "opcode {0}: ENOSYS")
    @CsvSource({"25", "34", "20", "21", "22", "23", "24", "30", "31", "32", "37", "40", "43", "44", "46", "47", "999"})
    void unservedOperationsAreEnosys(int opcode) {
        long file = lookup(1, "version");
        assertThat(send(opcode, file, new byte[64])).isEqualTo(16);
        assertThat(error()).isEqualTo(38);
    }

    /** Names are never made or removed on procfs: each such request gets procfs' errno, none succeeds. */
    @ParameterizedTest(name = "opcode {0} of {1}: errno {2}")
    @CsvSource({
        "9, x, 2", // MKDIR of a new name: ENOENT
        "9, version, 17", // MKDIR of an existing name: EEXIST
        "11, 1, 1", // RMDIR /1: EPERM
        "11, version, 20", // RMDIR of a file: ENOTDIR
        "10, version, 1", // UNLINK /version: EPERM
        "10, nope, 2", // UNLINK of a missing name: ENOENT
    })
    void mutationsGetProcfsErrnos(int opcode, String n, int errno) {
        int lead = opcode == FuseWire.MKDIR ? FuseWire.MKDIR_IN : 0;
        byte[] b = new byte[lead + n.length() + 1];
        System.arraycopy(name(n), 0, b, lead, n.length() + 1);
        assertThat(send(opcode, 1, b)).isEqualTo(16);
        assertThat(error()).isEqualTo(errno);
    }

    /**
     * An ioctl of a directory (FUSE_IOCTL_DIR) is ENOTTY, as libfuse2's do_ioctl() answers without
     * FUSE_CAP_IOCTL_DIR and as procfs' directories have no ioctl (fs/ioctl.c vfs_ioctl()); never
     * the file handle of the same number.
     */
    @Test
    void anIoctlOfADirectoryIsEnotty() {
        long file = lookup(1, "version");
        long fh = open(file, 0); // file handle 1
        long dir = lookup(1, "sys");
        send(FuseWire.OPENDIR, dir, body(8, 0, 0));
        long dirFh = out.getLong(16);
        assertThat(dirFh).isEqualTo(fh);
        assertThat(send(FuseWire.IOCTL, dir, body(32, dirFh, 1 << 4, 0xb703, 0L, 0, 0))).isEqualTo(16);
        assertThat(error()).isEqualTo(25);
        assertThat(send(FuseWire.IOCTL, file, body(32, fh, 0, 0x5401, 0L, 0, 0))).isEqualTo(32);
        assertThat(error()).isZero();
    }

    /**
     * A restricted ioctl with data (fs/fuse/ioctl.c fuse_do_ioctl(): in_size bytes follow
     * fuse_ioctl_in; up to out_size come back after fuse_ioctl_out): the handle gets the bytes in and
     * its bytes go back, cut to out_size; after an error, the errno in the result and no bytes, so
     * the caller's buffer stays as it was.
     */
    @Test
    void anIoctlCarriesItsDataInAndBack() {
        long file = lookup(1, "version");
        long fh = open(file, 2);
        byte[] req = new byte[32 + 4];
        System.arraycopy(body(32, fh, 0, 1, 0L, 4, 3), 0, req, 0, 32);
        System.arraycopy("abcd".getBytes(StandardCharsets.UTF_8), 0, req, 32, 4);
        assertThat(send(FuseWire.IOCTL, file, req)).isEqualTo(16 + 16 + 3);
        assertThat(out.getInt(16)).isEqualTo(4);
        assertThat(new String(new byte[] {out.get(32), out.get(33), out.get(34)}, StandardCharsets.UTF_8)).isEqualTo("dcb");
        System.arraycopy(body(32, fh, 0, 2, 0L, 4, 4), 0, req, 0, 32);
        assertThat(send(FuseWire.IOCTL, file, req)).isEqualTo(32);
        assertThat(out.getInt(16)).isEqualTo(-22);
    }

    @Test
    void statfsAnswersLibfusesDefault() {
        assertThat(send(FuseWire.STATFS, 1, new byte[0])).isEqualTo(96);
        assertThat(out.getInt(16 + 40)).isEqualTo(512);
        assertThat(out.getInt(16 + 44)).isEqualTo(255);
    }

    /** An INTERRUPT that came before its request was registered still reaches it (the caller sees it). */
    @Test
    void anEarlyInterruptReachesItsRequest() {
        long file = lookup(1, "version");
        long fh = open(file, 0);
        long next = unique + 4; // after the INTERRUPT's own unique
        assertThat(send(FuseWire.INTERRUPT, 0, body(8, next))).as("INTERRUPT takes no reply").isZero();
        send(FuseWire.READ, file, body(40, fh, 0L, 4096, 0, 0L, 0, 0));
        assertThat(tree.readerInterrupted).isTrue();
        send(FuseWire.READ, file, body(40, fh, 0L, 4096, 0, 0L, 0, 0));
        assertThat(tree.readerInterrupted).isFalse();
    }

    /** An OPEN whose reply the kernel refused (interrupted meanwhile) is released again. */
    @Test
    void anUnansweredOpenIsReleased() {
        long file = lookup(1, "version");
        ByteBuffer in = FuseWire.buffer(48);
        in.putInt(0, 48).putInt(4, FuseWire.OPEN).putLong(8, 900).putLong(16, file).putInt(32, TID);
        fs.serve(in, 48, out);
        assertThat(fs.openFiles()).isEqualTo(1);
        fs.unanswered(in, out);
        assertThat(fs.openFiles()).isZero();
        assertThat(tree.calls).contains("release /version");
    }

    /** A LOOKUP whose reply the kernel refused counts nothing (lib/fuse.c reply_entry(): forget_node). */
    @Test
    void anUnansweredLookupIsForgotten() {
        int before = fs.nodeCount();
        ByteBuffer in = FuseWire.buffer(64);
        byte[] name = "version\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        in.putInt(0, 40 + name.length).putInt(4, FuseWire.LOOKUP).putLong(8, 901).putLong(16, 1).putInt(32, TID);
        in.put(40, name);
        fs.serve(in, 40 + name.length, out);
        assertThat(fs.nodeCount()).isEqualTo(before + 1);
        fs.unanswered(in, out);
        assertThat(fs.nodeCount()).isEqualTo(before);
    }

    /** direct_io sets FOPEN_DIRECT_IO on each open; atomic_o_trunc and big_writes are asked for at FUSE_INIT only when given. */
    @ParameterizedTest(name = "-o {0}: open_flags {1}, init flags {2}")
    @CsvSource({
        "'direct_io,atomic_o_trunc,big_writes', 1, 57", // ASYNC_READ | ATOMIC_O_TRUNC | EXPORT_SUPPORT | BIG_WRITES
        "'atomic_o_trunc', 0, 25",
        "'fsname=procsim', 0, 17",
    })
    void theMountOptionsFlags(String options, int openFlags, int initFlags) {
        fs = new ProcFuse(tree, () -> { });
        fs.configure(options);
        init();
        assertThat(out.getInt(28)).isEqualTo(initFlags);
        assertThat(open(lookup(1, "version"), 0)).isPositive();
        assertThat(out.getInt(24)).isEqualTo(openFlags);
    }

    @Test
    void theMountOptionsTimeouts() {
        assertThat(ProcFuse.option(FuseMount.OPTIONS, "entry_timeout", 9)).isZero();
        assertThat(ProcFuse.option(FuseMount.VIEW_OPTIONS, "attr_timeout", 9)).isEqualTo(1);
        assertThat(ProcFuse.option("fsname=x", "negative_timeout", 0)).isZero();
    }
}
