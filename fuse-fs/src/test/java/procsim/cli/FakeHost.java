package procsim.cli;

import java.nio.file.Path;
import java.util.Optional;

/** A machine for {@link Preflight}'s probes: each field is one probe's answer. */
record FakeHost(boolean device, String open, String libfuse, String fusermount, boolean root, boolean children)
        implements Preflight.Host {
    /** A machine where a mount works. */
    static final FakeHost GOOD = new FakeHost(true, null, null, "/usr/bin/fusermount", true);

    FakeHost(boolean device, String open, String libfuse, String fusermount, boolean root) {
        this(device, open, libfuse, fusermount, root, true);
    }

    FakeHost withChildren(boolean c) {
        return new FakeHost(device, open, libfuse, fusermount, root, c);
    }

    @Override
    public boolean findsChildren() {
        return children;
    }

    FakeHost withDevice(boolean d) {
        return new FakeHost(d, open, libfuse, fusermount, root);
    }

    FakeHost withOpenError(String e) {
        return new FakeHost(device, e, libfuse, fusermount, root);
    }

    FakeHost withLibfuseError(String e) {
        return new FakeHost(device, open, e, fusermount, root);
    }

    FakeHost withFusermount(String f) {
        return new FakeHost(device, open, libfuse, f, root);
    }

    FakeHost withRoot(boolean r) {
        return new FakeHost(device, open, libfuse, fusermount, r);
    }

    @Override
    public boolean exists(Path p) {
        return device;
    }

    @Override
    public Optional<String> openError(Path p) {
        return Optional.ofNullable(open);
    }

    @Override
    public Optional<String> libfuseError() {
        return Optional.ofNullable(libfuse);
    }

    @Override
    public Optional<Path> find(String command) {
        return Optional.ofNullable(fusermount).map(Path::of);
    }
}
