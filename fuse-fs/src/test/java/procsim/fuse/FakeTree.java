package procsim.fuse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import procsim.abi.Errno;
import procsim.procfs.Caller;
import procsim.procfs.FileAttr;
import procsim.procfs.ProcHandle;
import procsim.procfs.ProcTree;

/** A small proc-shaped tree for adapter tests: a few dirs, files and a link; records calls. */
final class FakeTree implements ProcTree {
    final Map<String, FileAttr> nodes = new LinkedHashMap<>();
    final List<String> calls = new ArrayList<>();
    RuntimeException bug; // thrown by every call when set

    FakeTree() {
        nodes.put("/", FileAttr.dir(0555));
        nodes.put("/1", FileAttr.dir(0555));
        nodes.put("/1/status", FileAttr.file(0444));
        nodes.put("/1/task", FileAttr.dir(0555));
        nodes.put("/1/task/1", FileAttr.dir(0555));
        nodes.put("/1/task/1/syscall", FileAttr.file(0666));
        nodes.put("/self", FileAttr.link(0777));
        nodes.put("/sys", FileAttr.dir(0555));
        nodes.put("/sys/kernel", FileAttr.dir(0555));
        nodes.put("/sys/kernel/pid_max", FileAttr.file(0644));
        nodes.put("/sys/kernel/ns_last_pid", FileAttr.file(0666));
        nodes.put("/sysvipc", FileAttr.dir(0555));
        nodes.put("/sysvipc/msg", FileAttr.file(0444));
        nodes.put("/version", FileAttr.file(0644));
    }

    private void check() {
        if (bug != null) {
            throw bug;
        }
    }

    @Override
    public FileAttr getattr(Caller caller, String path) {
        check();
        FileAttr a = nodes.get(path);
        return a != null ? a : Errno.ENOENT.fail();
    }

    @Override
    public List<String> readdir(Caller caller, String path) {
        check();
        if (getattr(caller, path).kind() != FileAttr.Kind.DIR) {
            return Errno.ENOTDIR.fail();
        }
        String prefix = path.equals("/") ? "/" : path + "/";
        List<String> out = new ArrayList<>();
        for (String p : nodes.keySet()) {
            if (p.startsWith(prefix) && p.length() > prefix.length() && p.indexOf('/', prefix.length()) < 0) {
                out.add(p.substring(prefix.length()));
            }
        }
        return out;
    }

    @Override
    public String readlink(Caller caller, String path) {
        check();
        return path.equals("/self") ? "1" : Errno.EINVAL.fail();
    }

    @Override
    public ProcHandle open(Caller caller, String path, int flags) {
        check();
        if (getattr(caller, path).kind() == FileAttr.Kind.DIR) {
            return Errno.EISDIR.fail();
        }
        calls.add("open " + path + " by " + caller.hostTid());
        return new ProcHandle() {
            byte[] content = ("content of " + path + "\n").getBytes(StandardCharsets.UTF_8);

            @Override
            public byte[] read(Caller c, long offset, int size) {
                readerInterrupted = c.interrupted().getAsBoolean();
                if (offset >= content.length) {
                    return new byte[0];
                }
                return Arrays.copyOfRange(content, (int) offset, (int) Math.min(content.length, offset + size));
            }

            @Override
            public int write(Caller c, byte[] data, long offset) {
                if (data.length > 0 && data[0] == 'x') {
                    return Errno.EINVAL.fail();
                }
                if (data.length > 0 && data[0] == '!') {
                    throw new IllegalStateException("a bug in the tree");
                }
                content = data.clone();
                return data.length;
            }

            /** Command 1 gives back its argument reversed, its length the result; 2 fails with EINVAL. */
            @Override
            public IoctlReply ioctl(Caller c, int cmd, byte[] arg) {
                if (cmd != 1) return cmd == 2 ? Errno.EINVAL.fail() : ProcHandle.super.ioctl(c, cmd, arg);
                byte[] back = new byte[arg.length];
                for (int i = 0; i < arg.length; i++) back[i] = arg[arg.length - 1 - i];
                return new IoctlReply(arg.length, back);
            }

            @Override
            public void release() {
                calls.add("release " + path);
            }
        };
    }

    @Override
    public void truncate(Caller caller, String path) {
        check();
        getattr(caller, path);
        calls.add("truncate " + path);
    }

    long releases; // the test moves it when a node goes
    volatile boolean readerInterrupted; // whether the last read's caller was interrupted

    @Override
    public long releases() {
        return releases;
    }
}
