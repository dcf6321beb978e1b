package procsim.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.OptionalLong;

import procsim.fuse.FuseMount;

/**
 * One procsim daemon per mountpoint: a record lock (fcntl, released by the kernel when the daemon
 * dies, even by SIGKILL) on a file named after the mountpoint, holding the daemon's pid. Taken
 * before the mountpoint is checked and kept for the daemon's life, so a second daemon started while
 * the first is still booting is refused by name instead of reaching libfuse (which would say
 * "mountpoint is not empty" and suggest the unsafe 'nonempty' option, or stack a second mount).
 */
final class MountLock {
    /** Root's lock directory; other users get one of their own under java.io.tmpdir. */
    private static final Path ROOT_DIR = Path.of("/run/procsim");

    private final FileChannel channel;
    private final Path file;

    private MountLock(FileChannel channel, Path file) {
        this.channel = channel;
        this.file = file;
    }

    /** Held (kept reachable: an unreachable channel is closed by its cleaner, dropping the lock). */
    private static MountLock held;

    /** What {@link #acquire} found. */
    sealed interface Result permits Acquired, Busy, Unavailable {
    }

    record Acquired() implements Result {
    }

    /** Another daemon holds {@code m}; its pid if it wrote one. */
    record Busy(OptionalLong pid) implements Result {
    }

    /** No lock could be made (say, a read-only /run): the mount goes on without one. */
    record Unavailable(String why) implements Result {
    }

    /** Locks {@code m} (absolute, normalized) for this process's life. */
    static Result acquire(Path m) {
        return acquire(lockDir(), m);
    }

    static synchronized Result acquire(Path dir, Path m) {
        FileChannel ch = null;
        try {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir.getParent());
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            if (!Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName().equals(System.getProperty("user.name"))) {
                return new Unavailable(dir + " belongs to another user");
            }
            release(); // one mount per process (tests mount several in one JVM)
            Path file = dir.resolve(name(m));
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
            if (ch.tryLock() == null) {
                OptionalLong pid = readPid(ch);
                // The holder writes its pid just after it locks: a reader that came in between
                // (two daemons started together) sees none yet, so look again briefly.
                for (int i = 0; pid.isEmpty() && i < 40; i++) {
                    Thread.sleep(5);
                    pid = readPid(ch);
                }
                ch.close();
                return new Busy(pid);
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n" + m + "\n").getBytes(StandardCharsets.UTF_8)));
            held = new MountLock(ch, file);
            return new Acquired();
        } catch (IOException | RuntimeException | InterruptedException e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
            return new Unavailable(e.toString());
        }
    }

    /**
     * Removes and unlocks the file, when the daemon ends or gives up before mounting, so lock files
     * do not pile up (only a killed daemon leaves one, unlocked). A daemon that opened the file just
     * before the unlink may then lock the unlinked file while a third makes a new one: no worse
     * than having no lock.
     */
    static synchronized void release() {
        if (held == null) {
            return;
        }
        try {
            Files.deleteIfExists(held.file);
            held.channel.close();
        } catch (IOException e) {
            // the process is ending or failing already; the kernel drops the lock at exit
        }
        held = null;
    }

    private static Path lockDir() {
        if (Preflight.effectiveUid() == 0) {
            return ROOT_DIR;
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "procsim-" + Preflight.effectiveUid());
    }

    /** The lock file's name: a digest of the path, which may hold any byte but '/' and NUL. */
    static String name(Path m) {
        return "mount-" + FuseMount.pathDigest(m) + ".lock";
    }

    private static OptionalLong readPid(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(64);
        ch.read(b, 0);
        String s = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
        int nl = s.indexOf('\n');
        try {
            return nl > 0 ? OptionalLong.of(Long.parseLong(s.substring(0, nl))) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
