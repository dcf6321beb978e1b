package procsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one-daemon-per-mountpoint lock, in one process (a second holder is another process: the
 * bats suite starts two daemons on one mountpoint).
 */
class MountLockTest {
    @TempDir
    Path tmp;

    @AfterEach
    void release() {
        MountLock.release();
    }

    @Test
    void theLockFileHoldsThePidAndTheMountpointAndGoesOnRelease() throws IOException {
        Path dir = tmp.resolve("locks");
        Path m = Path.of("/tmp/some where/m");
        assertThat(MountLock.acquire(dir, m)).isInstanceOf(MountLock.Acquired.class);
        Path file = dir.resolve(MountLock.name(m));
        assertThat(Files.readString(file)).isEqualTo(ProcessHandle.current().pid() + "\n" + m + "\n");
        assertThat(Files.getPosixFilePermissions(dir)).hasSize(3); // rwx for the owner only
        MountLock.release();
        assertThat(file).doesNotExist();
    }

    @Test
    void eachMountpointHasItsOwnFile() {
        assertThat(MountLock.name(Path.of("/a/m"))).isNotEqualTo(MountLock.name(Path.of("/a/n")))
                .matches("mount-[0-9a-f]{24}\\.lock");
    }

    @Test
    void aLockDirectoryOfAnotherUserIsNotUsed() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("theirs"));
        UserPrincipal nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(dir, nobody);
        assertThat(MountLock.acquire(dir, Path.of("/tmp/m"))).isInstanceOf(MountLock.Unavailable.class);
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aSymlinkInPlaceOfTheLockFileIsNotFollowed() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("locks"));
        Path victim = Files.writeString(tmp.resolve("victim"), "keep");
        Files.createSymbolicLink(dir.resolve(MountLock.name(Path.of("/tmp/m"))), victim);
        assertThat(MountLock.acquire(dir, Path.of("/tmp/m"))).isInstanceOf(MountLock.Unavailable.class);
        assertThat(Files.readString(victim)).isEqualTo("keep");
    }
}
