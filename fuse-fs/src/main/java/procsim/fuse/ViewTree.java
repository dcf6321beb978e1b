package procsim.fuse;

import java.util.List;
import java.util.function.Predicate;

import procsim.procfs.Caller;
import procsim.procfs.FileAttr;
import procsim.procfs.ProcHandle;
import procsim.procfs.ProcTree;

/**
 * The subtree of a pid namespace's fixed view, {@code /procsim/pidns/<inum>/proc}, as a tree of
 * its own rooted there: what a view's own FUSE mount ({@link FuseMount#startView}) serves, as a
 * procfs mounted in that namespace shows it (fs/proc/root.c: a procfs superblock belongs to one pid
 * namespace). Every path is the tree's below {@code root}.
 */
record ViewTree(ProcTree tree, String root) implements ProcTree {
    /** The tree path of the fixed view of pid namespace {@code inum}. */
    static String rootOf(long inum) {
        return "/procsim/pidns/" + inum + "/proc";
    }

    private String at(String path) {
        return path.equals("/") ? root : root + path;
    }

    @Override
    public FileAttr getattr(Caller caller, String path) {
        return tree.getattr(caller, at(path));
    }

    @Override
    public List<String> readdir(Caller caller, String path) {
        return tree.readdir(caller, at(path));
    }

    @Override
    public String readlink(Caller caller, String path) {
        return tree.readlink(caller, at(path));
    }

    @Override
    public ProcHandle open(Caller caller, String path, int flags) {
        return tree.open(caller, at(path), flags);
    }

    @Override
    public Predicate<String> resolver(Caller caller) {
        Predicate<String> resolves = tree.resolver(caller);
        return path -> resolves.test(at(path));
    }

    @Override
    public void truncate(Caller caller, String path) {
        tree.truncate(caller, at(path));
    }

    @Override
    public long releases() {
        return tree.releases();
    }
}
