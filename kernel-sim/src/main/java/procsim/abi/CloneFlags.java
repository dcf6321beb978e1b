package procsim.abi;

import java.util.HashMap;
import java.util.Map;

/** include/uapi/linux/sched.h clone flags. */
public final class CloneFlags {
    public static final long CSIGNAL = 0xff;
    public static final long CLONE_NEWTIME = 0x80;
    public static final long CLONE_VM = 0x100;
    public static final long CLONE_FS = 0x200;
    public static final long CLONE_FILES = 0x400;
    public static final long CLONE_SIGHAND = 0x800;
    public static final long CLONE_PIDFD = 0x1000;
    public static final long CLONE_PTRACE = 0x2000;
    public static final long CLONE_VFORK = 0x4000;
    public static final long CLONE_PARENT = 0x8000;
    public static final long CLONE_THREAD = 0x10000;
    public static final long CLONE_NEWNS = 0x20000;
    public static final long CLONE_SYSVSEM = 0x40000;
    public static final long CLONE_SETTLS = 0x80000;
    public static final long CLONE_PARENT_SETTID = 0x100000;
    public static final long CLONE_CHILD_CLEARTID = 0x200000;
    public static final long CLONE_DETACHED = 0x400000;
    public static final long CLONE_UNTRACED = 0x800000;
    public static final long CLONE_CHILD_SETTID = 0x1000000;
    public static final long CLONE_NEWCGROUP = 0x2000000;
    public static final long CLONE_NEWUTS = 0x4000000;
    public static final long CLONE_NEWIPC = 0x8000000;
    public static final long CLONE_NEWUSER = 0x10000000;
    public static final long CLONE_NEWPID = 0x20000000;
    public static final long CLONE_NEWNET = 0x40000000;
    public static final long CLONE_IO = 0x80000000L;
    public static final long CLONE_CLEAR_SIGHAND = 0x100000000L;
    public static final long CLONE_INTO_CGROUP = 0x200000000L;

    /** Namespace flags copy_namespaces needs CAP_SYS_ADMIN for. */
    public static final long NS_FLAGS = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID
            | CLONE_NEWNET | CLONE_NEWCGROUP | CLONE_NEWTIME;

    /** Clone flag names plus signal names, so {@code CLONE_NEWPID|SIGCHLD} parses. */
    public static final Map<String, Long> NAMES;

    static {
        Map<String, Long> m = new HashMap<>(Signals.NAMES);
        m.put("CLONE_NEWTIME", CLONE_NEWTIME);
        m.put("CLONE_VM", CLONE_VM);
        m.put("CLONE_FS", CLONE_FS);
        m.put("CLONE_FILES", CLONE_FILES);
        m.put("CLONE_SIGHAND", CLONE_SIGHAND);
        m.put("CLONE_PIDFD", CLONE_PIDFD);
        m.put("CLONE_PTRACE", CLONE_PTRACE);
        m.put("CLONE_VFORK", CLONE_VFORK);
        m.put("CLONE_PARENT", CLONE_PARENT);
        m.put("CLONE_THREAD", CLONE_THREAD);
        m.put("CLONE_NEWNS", CLONE_NEWNS);
        m.put("CLONE_SYSVSEM", CLONE_SYSVSEM);
        m.put("CLONE_SETTLS", CLONE_SETTLS);
        m.put("CLONE_PARENT_SETTID", CLONE_PARENT_SETTID);
        m.put("CLONE_CHILD_CLEARTID", CLONE_CHILD_CLEARTID);
        m.put("CLONE_DETACHED", CLONE_DETACHED);
        m.put("CLONE_UNTRACED", CLONE_UNTRACED);
        m.put("CLONE_CHILD_SETTID", CLONE_CHILD_SETTID);
        m.put("CLONE_NEWCGROUP", CLONE_NEWCGROUP);
        m.put("CLONE_NEWUTS", CLONE_NEWUTS);
        m.put("CLONE_NEWIPC", CLONE_NEWIPC);
        m.put("CLONE_NEWUSER", CLONE_NEWUSER);
        m.put("CLONE_NEWPID", CLONE_NEWPID);
        m.put("CLONE_NEWNET", CLONE_NEWNET);
        m.put("CLONE_IO", CLONE_IO);
        m.put("CLONE_CLEAR_SIGHAND", CLONE_CLEAR_SIGHAND);
        m.put("CLONE_INTO_CGROUP", CLONE_INTO_CGROUP);
        NAMES = Map.copyOf(m);
    }

    private CloneFlags() {
    }
}
