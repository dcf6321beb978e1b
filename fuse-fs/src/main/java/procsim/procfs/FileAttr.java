package procsim.procfs;

/** What stat(2) shows of a node. Procfs files report size 0; the mount serves them with direct_io. */
public record FileAttr(Kind kind, int permissions, int uid, int gid, long size, int nlink) {
    public enum Kind { DIR, REG, LNK }

    public static FileAttr dir(int permissions) {
        return new FileAttr(Kind.DIR, permissions, 0, 0, 0, 2);
    }

    public static FileAttr file(int permissions) {
        return new FileAttr(Kind.REG, permissions, 0, 0, 0, 1);
    }

    public static FileAttr link(int permissions) {
        return new FileAttr(Kind.LNK, permissions, 0, 0, 0, 1);
    }
}
