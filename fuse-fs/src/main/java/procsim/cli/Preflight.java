package procsim.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import procsim.fuse.FuseLibrary;
import procsim.fuse.PidfdHostProcesses;

/**
 * What a FUSE mount needs from this machine, probed one by one: {@code procsim check} reports every
 * problem, {@code procsim mount} refuses to start on those that block a mount. One actionable line
 * per problem.
 */
final class Preflight {
    /** The FUSE device libfuse2 opens (lib/mount.c {@code fuse_mount_sys}). */
    static final Path FUSE_DEVICE = Path.of("/dev/fuse");

    /** The host, behind an interface so tests can fake each probe. */
    interface Host {
        boolean exists(Path p);

        /** Empty when {@code p} opens read-write; else why not ("Permission denied"). */
        Optional<String> openError(Path p);

        /** Empty when libfuse2 loads as the daemon loads it (jnr-ffi, FuseLibrary); else the loader's message. */
        Optional<String> libfuseError();

        /** Where {@code command} is found, as libfuse2 looks for fusermount. */
        Optional<Path> find(String command);

        boolean root();

        /**
         * Whether a bound process's forked child can be found: the host's children lists
         * ({@code /proc/PID/task/TID/children}, CONFIG_PROC_CHILDREN) or NS_GET_PID_FROM_PIDNS (Linux 6.11).
         */
        boolean findsChildren();
    }

    /** One problem: the line to print, and whether a mount cannot work with it. */
    record Problem(String line, boolean blocksMount) {
    }

    /** What {@link #probe} found: the problems, and for a clean run what was found. */
    record Report(List<Problem> problems, String found) {
        boolean mountBlocked() {
            return problems.stream().anyMatch(Problem::blocksMount);
        }
    }

    private Preflight() {
    }

    static Report probe(Host host, Path device) {
        List<Problem> problems = new ArrayList<>();
        boolean root = host.root();
        if (!host.exists(device)) {
            problems.add(new Problem(device + " is missing: this machine (or container) has no FUSE "
                    + "(load the module: 'sudo modprobe fuse'; a container needs '--device /dev/fuse')", true));
        } else {
            Optional<String> why = host.openError(device);
            if (why.isPresent()) {
                problems.add(new Problem(root
                        ? device + " does not open read-write (" + why.get() + "): a container needs "
                                + "'--device /dev/fuse' and the right to use it"
                        : "needs root or read-write access to " + device + " (" + why.get() + "): run it with sudo",
                        true));
            }
        }
        Optional<String> lib = host.libfuseError();
        lib.ifPresent(why -> problems.add(new Problem(
                "libfuse2 missing (" + why + "): run 'sudo apt-get install libfuse2'", true)));
        Optional<Path> fusermount = host.find("fusermount");
        if (fusermount.isEmpty()) {
            // libfuse 2.9 lib/mount.c fuse_kern_mount: mount(2) first (root succeeds), fusermount
            // only when that fails with EPERM.
            problems.add(new Problem("fusermount missing: run 'sudo apt-get install fuse3'", !root));
        }
        if (!host.findsChildren()) {
            problems.add(new Problem("this kernel has neither /proc/PID/task/TID/children (CONFIG_PROC_CHILDREN) "
                    + "nor NS_GET_PID_FROM_PIDNS (Linux 6.11): a mount works, but 'procsim exec' cannot bind "
                    + "a program's forked children; use a kernel with either", false));
        }
        String found = device + " read-write, libfuse2, " + fusermount.map(Path::toString).orElse("no fusermount")
                + ", " + (root ? "root" : "not root");
        return new Report(List.copyOf(problems), found);
    }

    /** The real machine. */
    static final Host LINUX = new Host() {
        @Override
        public boolean exists(Path p) {
            return Files.exists(p);
        }

        @Override
        public Optional<String> openError(Path p) {
            try (FileChannel ignored = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                return Optional.empty();
            } catch (AccessDeniedException e) {
                return Optional.of("Permission denied");
            } catch (FileSystemException e) {
                return Optional.of(e.getReason() != null ? e.getReason() : e.getClass().getSimpleName());
            } catch (IOException | SecurityException e) {
                return Optional.of(String.valueOf(e.getMessage()));
            }
        }

        @Override
        public Optional<String> libfuseError() {
            return FuseLibrary.loadError();
        }

        @Override
        public Optional<Path> find(String command) {
            // libfuse 2.9 lib/mount.c: FUSERMOUNT_DIR "/fusermount" first, then execvp's PATH.
            List<String> dirs = new ArrayList<>(List.of("/usr/bin", "/bin"));
            String path = System.getenv("PATH");
            if (path != null) {
                dirs.addAll(List.of(path.split(":")));
            }
            for (String d : dirs) {
                if (d.isEmpty()) {
                    continue;
                }
                Path p = Path.of(d, command);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
            return Optional.empty();
        }

        @Override
        public boolean root() {
            return effectiveUid() == 0;
        }

        @Override
        public boolean findsChildren() {
            return Files.exists(Path.of("/proc/thread-self/children")) || PidfdHostProcesses.translatesPids();
        }
    };

    /** The effective uid, from the second field of /proc/self/status's {@code Uid:} line; -1 if unknown. */
    static long effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.substring(4).strip().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
