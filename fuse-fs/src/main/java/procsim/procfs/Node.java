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

    /** A symlink whose target is computed when read. */
    record Link(FileAttr attr, Supplier<String> target) implements Node {
    }
}
