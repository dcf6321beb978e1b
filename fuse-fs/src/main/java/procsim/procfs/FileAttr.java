package procsim.procfs;

/**
 * What stat(2) shows of a node. Procfs files report size 0; the mount serves them with direct_io.
 * {@code ino} 0 lets the mount number the node; a namespace file gives its namespace's inode.
 */
public record FileAttr(Kind kind, int permissions, int uid, int gid, long size, int nlink, long ino) {
    public enum Kind { DIR, REG, LNK }

    public static FileAttr dir(int permissions) {
        return new FileAttr(Kind.DIR, permissions, 0, 0, 0, 2, 0);
    }

    public static FileAttr file(int permissions) {
        return new FileAttr(Kind.REG, permissions, 0, 0, 0, 1, 0);
    }

    public static FileAttr link(int permissions) {
        return new FileAttr(Kind.LNK, permissions, 0, 0, 0, 1, 0);
    }

    public FileAttr withIno(long number) {
        return new FileAttr(kind, permissions, uid, gid, size, nlink, number);
    }
}
