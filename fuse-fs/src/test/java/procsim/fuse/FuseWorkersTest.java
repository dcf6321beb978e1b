package procsim.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import procsim.procfs.Caller;
import procsim.procfs.FileAttr;
import procsim.procfs.ProcHandle;
import procsim.procfs.ProcTree;

/** The worker pool on a fake /dev/fuse: requests go on being read whatever a worker's start costs. */
class FuseWorkersTest {
    private static final int BUF = 1 << 18;

    /** A tree whose getattr of /1 blocks until /version is looked up (a wait4 waiting on another caller). */
    private static final class Blocking implements ProcTree {
        final FakeTree t = new FakeTree();
        final CountDownLatch release = new CountDownLatch(1);

        public FileAttr getattr(Caller c, String p) {
            if (p.equals("/version")) release.countDown();
            if (p.equals("/1")) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return t.getattr(c, p);
        }

        public List<String> readdir(Caller c, String p) { return t.readdir(c, p); }

        public String readlink(Caller c, String p) { return t.readlink(c, p); }

        public ProcHandle open(Caller c, String p, int f) { return t.open(c, p, f); }

        public void truncate(Caller c, String p) { t.truncate(c, p); }

        public long releases() { return t.releases(); }
    }

    /** /dev/fuse: a queue of requests to read, the uniques of the replies written. */
    private static final class FakeDevice implements FuseSession.LibC {
        final BlockingQueue<byte[]> requests = new LinkedBlockingQueue<>();
        final BlockingQueue<Long> replies = new LinkedBlockingQueue<>();

        public long read(int fd, ByteBuffer buf, long count) {
            try {
                byte[] r = requests.take();
                buf.put(0, r);
                return r.length;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        public long write(int fd, ByteBuffer buf, long count) {
            replies.add(buf.getLong(8));
            return count;
        }
    }

    private static byte[] request(int opcode, long unique, long nodeid, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(40 + body.length).order(ByteOrder.nativeOrder());
        b.putInt(0, 40 + body.length).putInt(4, opcode).putLong(8, unique).putLong(16, nodeid).putInt(32, 77);
        b.put(40, body);
        return b.array();
    }

    /**
     * A worker the JVM cannot give buffers to (direct memory is capped) is not counted as a reader:
     * the one that tried reads on once its own request is done, as fuse_loop_mt goes on when
     * pthread_create fails. Before, the pool counted it idle and nobody read /dev/fuse again.
     */
    @Test
    void aWorkerThatCannotStartLeavesTheOthersReading() throws Exception {
        Blocking tree = new Blocking();
        ProcFuse fs = new ProcFuse(tree, () -> { });
        FakeDevice dev = new FakeDevice();
        AtomicInteger allocations = new AtomicInteger();
        FuseSession.Workers workers = new FuseSession.Workers(dev, jnr.ffi.Runtime.getSystemRuntime(), -1, BUF, fs, size -> {
            // the first worker's two buffers; at INIT the second worker's second one fails
            if (allocations.incrementAndGet() == 4) throw new OutOfMemoryError("Cannot reserve direct buffer memory");
            return FuseWire.buffer(size);
        });
        Thread serving = new Thread(workers::serve);
        serving.setDaemon(true);
        serving.start();
        ByteBuffer init = ByteBuffer.allocate(64).order(ByteOrder.nativeOrder());
        init.putInt(0, 7).putInt(4, 19).putInt(8, 0x20000).putInt(12, 0x39);
        dev.requests.add(request(FuseWire.INIT, 2, 0, init.array()));
        assertThat(dev.replies.poll(5, TimeUnit.SECONDS)).isEqualTo(2L);
        // INIT's worker could not start a second: it reads on. This LOOKUP blocks it, after it has
        // started another (counted idle before: the phantom reader kept it from starting one)
        dev.requests.add(request(FuseWire.LOOKUP, 4, 1, "1\0".getBytes(StandardCharsets.UTF_8)));
        dev.requests.add(request(FuseWire.LOOKUP, 6, 1, "version\0".getBytes(StandardCharsets.UTF_8)));
        assertThat(dev.replies.poll(10, TimeUnit.SECONDS)).as("some reply comes").isNotNull();
        assertThat(dev.replies.poll(10, TimeUnit.SECONDS)).as("both LOOKUPs answered").isNotNull();
    }
}
