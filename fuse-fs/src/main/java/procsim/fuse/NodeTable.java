package procsim.fuse;

import java.util.HashMap;
import java.util.Map;

/**
 * The kernel's node ids and the paths they stand for, as libfuse2's high-level API keeps them
 * (lib/fuse.c: find_node() on each successful LOOKUP hands out the name's node id, making one if
 * there is none, and counts the lookup; forget_node() takes FORGET's count off; a node whose count
 * is zero and that has no child left is freed). The root, node id 1, is never freed. Node ids are
 * never reused (libfuse's next_id() skips ids in use; a 64-bit counter does not wrap), so the
 * generation is always 0.
 */
final class NodeTable {
    private static final class Node {
        final long id;
        final Node parent;
        final String name;
        final String path;
        long lookups;
        int children;

        Node(long id, Node parent, String name, String path) {
            this.id = id;
            this.parent = parent;
            this.name = name;
            this.path = path;
        }
    }

    private record Key(long parent, String name) {
    }

    private final Map<Long, Node> byId = new HashMap<>();
    private final Map<Key, Node> byName = new HashMap<>();
    private final Map<String, Node> byPath = new HashMap<>();
    private long nextId = FuseWire.ROOT_ID + 1;

    NodeTable() {
        Node root = new Node(FuseWire.ROOT_ID, null, "", "/");
        byId.put(root.id, root);
        byPath.put(root.path, root);
    }

    /** The path of node {@code id}, or null if the kernel has no such node. */
    synchronized String path(long id) {
        Node n = byId.get(id);
        return n == null ? null : n.path;
    }

    /** The path of {@code name} in directory {@code parent}, or null if the parent is unknown. */
    synchronized String childPath(long parent, String name) {
        Node p = byId.get(parent);
        if (p == null) return null;
        return join(p, name);
    }

    private static String join(Node p, String name) {
        return p.id == FuseWire.ROOT_ID ? "/" + name : p.path + "/" + name;
    }

    /**
     * A successful LOOKUP of {@code name} in {@code parent}: its node id, counted once more; 0 if
     * the parent is unknown.
     */
    synchronized long lookedUp(long parent, String name) {
        Node p = byId.get(parent);
        if (p == null) return 0;
        Key key = new Key(parent, name);
        Node n = byName.get(key);
        if (n == null) {
            n = new Node(nextId++, p, name, join(p, name));
            byId.put(n.id, n);
            byName.put(key, n);
            byPath.put(n.path, n);
            p.children++;
        }
        n.lookups++;
        return n.id;
    }

    /** FORGET: the kernel dropped {@code count} lookups of node {@code id}. */
    synchronized void forget(long id, long count) {
        Node n = byId.get(id);
        if (n == null || n.id == FuseWire.ROOT_ID) return;
        n.lookups = Math.max(0, n.lookups - count);
        free(n);
    }

    private void free(Node n) {
        Node at = n;
        while (at != null && at.id != FuseWire.ROOT_ID && at.lookups == 0 && at.children == 0) {
            byId.remove(at.id);
            byName.remove(new Key(at.parent.id, at.name));
            byPath.remove(at.path);
            at.parent.children--;
            at = at.parent;
        }
    }

    /** The node id of the directory {@code path} names, or 0 if the kernel holds none. */
    synchronized long id(String path) {
        Node n = byPath.get(path);
        return n == null ? 0 : n.id;
    }

    /** The lookup count of node {@code id} (0 if it is gone): for tests. */
    synchronized long lookups(long id) {
        Node n = byId.get(id);
        return n == null ? 0 : n.lookups;
    }

    /** Nodes held, the root included: for tests. */
    synchronized int size() {
        return byId.size();
    }
}
