package procsim.race.live;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import procsim.race.RaceLogFormat;

/**
 * procsim's race evidence for one pid namespace as the mount serves it, read by the operator:
 * {@code M/procsim/pidns/<inum>/summary} (counters since boot) and the event files
 * ({@code allocations} and the others, {@link RaceLogFormat}), tids as the root namespace numbers
 * them.
 */
final class RaceEvidenceFiles {
    private final Path dir;

    /** The evidence directory of the pid namespace with nsfs inode {@code inum}. */
    RaceEvidenceFiles(Path mount, long inum) {
        this.dir = mount.resolve("procsim/pidns/" + inum);
    }

    RaceLogFormat.Summary summary() throws IOException {
        return RaceLogFormat.Summary.parse(Files.readString(dir.resolve("summary")));
    }

    String read(String file) throws IOException {
        return Files.readString(dir.resolve(file));
    }
}
