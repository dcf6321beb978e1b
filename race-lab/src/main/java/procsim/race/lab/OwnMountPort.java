package procsim.race.lab;

import java.io.IOException;
import java.nio.file.Path;

/**
 * How a live run without {@code --mount} gets a mount of its own: fuse-fs serves one in-process
 * (a fresh kernel on a temporary directory). The lab knows no FUSE; it only races through the
 * mount's files.
 */
@FunctionalInterface
public interface OwnMountPort {
    /** Boots a kernel with {@code pidMax} and mounts it; {@link Mounted#close} unmounts it. */
    Mounted start(int pidMax) throws IOException;

    /** A mount held for one run. */
    interface Mounted extends AutoCloseable {
        /** The mountpoint. */
        Path path();

        /** Unmounts and removes the mountpoint. */
        @Override
        void close();
    }
}
