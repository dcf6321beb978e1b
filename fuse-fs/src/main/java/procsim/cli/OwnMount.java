package procsim.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import procsim.attach.LinuxHostProcesses;
import procsim.fuse.FuseMount;
import procsim.fuse.PidfdHostProcesses;
import procsim.procfs.ProcFs;
import procsim.race.lab.OwnMountPort;

/**
 * The race harness's own mount, served in-process: a fresh sim kernel ({@link ProcFs#boot}) on a
 * FUSE mount ({@link FuseMount}, as {@code procsim mount} does) at a new temporary directory, for
 * the duration of one {@code procsim race}. {@link #close} unmounts it and removes the directory;
 * a shutdown hook does the same if the JVM is stopped first (SIGTERM, Ctrl-C).
 */
final class OwnMount implements OwnMountPort.Mounted {
    private final Path dir;
    private final FuseMount mount;
    private final Thread hook;

    private OwnMount(Path dir, FuseMount mount) {
        this.dir = dir;
        this.mount = mount;
        this.hook = new Thread(this::unmount, "procsim-race-unmount");
    }

    /** Boots a kernel with {@code pidMax} and mounts it at a new directory under the system's temp dir. */
    static OwnMount start(int pidMax) throws IOException {
        if (!Files.exists(Path.of("/dev/fuse"))) {
            throw new IOException("/dev/fuse is missing: this machine (or container) has no FUSE; "
                    + "try 'procsim race --replay'");
        }
        Path dir = Files.createTempDirectory("procsim-race-").toRealPath();
        FuseMount m = new FuseMount(ProcFs.boot(pidMax, PidfdHostProcesses.over(new LinuxHostProcesses())), dir);
        OwnMount own = new OwnMount(dir, m);
        Runtime.getRuntime().addShutdownHook(own.hook);
        try {
            m.start(Duration.ofSeconds(30));
        } catch (IOException e) {
            own.close();
            throw e;
        }
        return own;
    }

    @Override
    public Path path() {
        return dir;
    }

    private void unmount() {
        mount.unmount(Duration.ofSeconds(5));
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // still mounted (busy): left for the user; the warning is in the log
        }
    }

    @Override
    public void close() {
        unmount();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs anyway
        }
    }
}
