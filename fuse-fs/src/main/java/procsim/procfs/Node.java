package procsim.procfs;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/** A resolved node of the proc tree: a directory, a file or a symlink, built per request. */
public sealed interface Node {
    FileAttr attr();

    /** A directory: its names in order and a lookup of one name (null if absent). */
    record Dir(FileAttr attr, Supplier<List<String>> names, Function<String, Node> lookup) implements Node {
    }

    /** A file: opening it makes a handle (which renders fresh, or keeps per-open state). */
    record File(FileAttr attr, Supplier<ProcHandle> open) implements Node {
    }

    /**
     * A symlink whose target is computed when read. A {@code hostPath} link names a path of the
     * task's own (an fd's file): the host would resolve it on its own filesystem, so it is given
     * to readlink(2) only, never followed.
     */
    record Link(FileAttr attr, Supplier<String> target, boolean hostPath) implements Node {
        public Link(FileAttr attr, Supplier<String> target) {
            this(attr, target, false);
        }
    }
}
