package procsim.procfs;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import procsim.abi.Errno;
import procsim.attach.HostProcesses;

/** TEMPORARY STUB until the real proc tree lands: serves "/" and "/version". */
public final class ProcFs implements ProcTree {
    public static ProcFs boot(int pidMax, HostProcesses host) {
        return new ProcFs();
    }

    @Override
    public FileAttr getattr(Caller caller, String path) {
        return switch (path) {
            case "/" -> FileAttr.dir(0555);
            case "/version" -> FileAttr.file(0644);
            default -> Errno.ENOENT.fail();
        };
    }

    @Override
    public List<String> readdir(Caller caller, String path) {
        if (!path.equals("/")) return Errno.ENOTDIR.fail();
        return List.of("version");
    }

    @Override
    public String readlink(Caller caller, String path) {
        return Errno.EINVAL.fail();
    }

    @Override
    public ProcHandle open(Caller caller, String path, int flags) {
        getattr(caller, path);
        return new ProcHandle() {
            @Override
            public byte[] read(Caller c, long offset, int size) {
                byte[] all = ("procsim stub, caller " + c.hostTid() + "\n").getBytes(StandardCharsets.UTF_8);
                if (offset >= all.length) return new byte[0];
                return Arrays.copyOfRange(all, (int) offset, (int) Math.min(all.length, offset + size));
            }

            @Override
            public int write(Caller c, byte[] data, long offset) {
                if (data.length > 0 && data[0] == 'x') return Errno.EINVAL.fail();
                return data.length;
            }
        };
    }

    @Override
    public void truncate(Caller caller, String path) {
        getattr(caller, path);
    }
}
