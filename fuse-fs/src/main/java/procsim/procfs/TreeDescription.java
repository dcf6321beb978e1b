package procsim.procfs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The tree's description, in columns (path, mode, what): its one home is {@code tree.txt}
 * beside this class. {@code procsim mount --help} opens its footer with it and the README quotes
 * it; TreeDescriptionTest holds it to the Entry tables and the README to it.
 */
public final class TreeDescription {
    private TreeDescription() {
    }

    /** The description's lines, heading first. */
    public static List<String> lines() {
        try (InputStream in = TreeDescription.class.getResourceAsStream("tree.txt")) {
            if (in == null) throw new IllegalStateException("tree.txt is missing beside " + TreeDescription.class.getName());
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
