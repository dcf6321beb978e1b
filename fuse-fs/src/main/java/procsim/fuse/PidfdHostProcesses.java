package procsim.fuse;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import java.util.OptionalLong;

import jnr.ffi.LibraryLoader;

import procsim.attach.HostProcesses;

/**
 * {@link HostProcesses} whose pins are pidfds: {@code pidfd_open(2)} of the id (PIDFD_THREAD, since
 * Linux 6.9, so a thread's id as well as a process's), alive while {@code pidfd_send_signal(2)} of
 * signal 0 succeeds: it finds the task until it is released (kernel/signal.c
 * kill_pid_info_type: pid_task), a zombie too, and never the task of a later holder of the number
 * (the pidfd holds the struct pid). One syscall a check, no /proc file read and no exception when
 * the task is gone. Everything else is {@code host}'s, and so is a pin where no pidfd can be had
 * (an older kernel, or an id that is gone: then {@code host} says so).
 */
public final class PidfdHostProcesses implements HostProcesses {
    /** arch/x86/entry/syscalls/syscall_64.tbl; asm-generic's numbers are the same for these two. */
    private static final long SYS_PIDFD_SEND_SIGNAL = 424, SYS_PIDFD_OPEN = 434;
    /** include/uapi/linux/pidfd.h: PIDFD_THREAD is O_EXCL. */
    private static final long PIDFD_THREAD = 0x80;

    /** The libc calls a pidfd pin needs. */
    public interface LibC {
        long syscall(long number, long a1, long a2, long a3, long a4);

        int close(int fd);
    }

    private static final ThreadLocal<byte[]> FDINFO = ThreadLocal.withInitial(() -> new byte[256]);
    private final HostProcesses host;
    private final LibC libc;

    private PidfdHostProcesses(HostProcesses host, LibC libc) {
        this.host = host;
        this.libc = libc;
    }

    /** {@code host} with pidfd pins, or {@code host} itself where this machine has no pidfd for a thread. */
    public static HostProcesses over(HostProcesses host) {
        LibC libc;
        try {
            libc = LibraryLoader.create(LibC.class).failImmediately().load("c");
        } catch (RuntimeException | LinkageError e) {
            return host;
        }
        int self = (int) libc.syscall(SYS_PIDFD_OPEN, ProcessHandle.current().pid(), PIDFD_THREAD, 0, 0);
        if (self < 0) return host;
        libc.close(self);
        return new PidfdHostProcesses(host, libc);
    }

    @Override
    public Pin pin(int id) {
        int fd = id <= 0 ? -1 : (int) libc.syscall(SYS_PIDFD_OPEN, id, PIDFD_THREAD, 0, 0);
        return fd < 0 ? host.pin(id) : pidfdPin(fd);
    }

    private Pin pidfdPin(int fd) {
        return new Pin() {
            private boolean closed;

            @Override
            public synchronized boolean alive() {
                return !closed && libc.syscall(SYS_PIDFD_SEND_SIGNAL, fd, 0, 0, 0) == 0;
            }

            @Override
            public boolean failsCheaply() {
                return true;
            }

            @Override
            public synchronized void close() {
                if (closed) return;
                closed = true;
                libc.close(fd);
            }
        };
    }

    @Override
    public OptionalInt tgidOf(int tid) {
        return host.tgidOf(tid);
    }

    @Override
    public OptionalInt parentOf(int pid) {
        return host.parentOf(pid);
    }

    @Override
    public boolean exists(int id) {
        return host.exists(id);
    }

    @Override
    public Ids idsOf(int tid) {
        return host.idsOf(tid);
    }

    @Override
    public OptionalLong startTimeOf(int pid) {
        return host.startTimeOf(pid);
    }

    @Override
    public OptionalInt sessionOf(int pid) {
        return host.sessionOf(pid);
    }

    @Override
    public OptionalInt tgidVnrOf(int tid) {
        return host.tgidVnrOf(tid);
    }

    @Override
    public OptionalInt newestChildOf(int tid) {
        return host.newestChildOf(tid);
    }

    /**
     * The newest child's pidfd, then its pid in its own namespace from the pidfd's fdinfo
     * (kernel/pid.c, fs/pidfs.c pidfd_show_fdinfo: "NSpid:" from the reader's namespace down), a
     * far shorter render than its status.
     */
    @Override
    public PinnedChild pinNewestChild(int tid) {
        OptionalInt child = host.newestChildOf(tid);
        if (child.isEmpty()) return null;
        int pid = child.getAsInt();
        int fd = (int) libc.syscall(SYS_PIDFD_OPEN, pid, PIDFD_THREAD, 0, 0);
        if (fd < 0) return host.pinNewestChild(tid);
        Pin pin = pidfdPin(fd);
        int vnr = lastNspid(fd);
        if (vnr > 0) return new PinnedChild(pid, vnr, pin);
        pin.close();
        return null;
    }

    /** The last number of the NSpid line of our pidfd {@code fd}'s fdinfo; -1 if it cannot be read. */
    private static int lastNspid(int fd) {
        byte[] buf = FDINFO.get();
        int n;
        try (FileInputStream in = new FileInputStream("/proc/self/fdinfo/" + fd)) {
            n = in.readNBytes(buf, 0, buf.length);
        } catch (IOException e) {
            return -1;
        }
        String text = new String(buf, 0, n, StandardCharsets.US_ASCII);
        int at = text.indexOf("\nNSpid:");
        int end = at < 0 ? -1 : text.indexOf('\n', at + 1);
        if (end < 0) return -1;
        String line = text.substring(at + 7, end).strip();
        try {
            return Integer.parseInt(line.substring(line.lastIndexOf('\t') + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
