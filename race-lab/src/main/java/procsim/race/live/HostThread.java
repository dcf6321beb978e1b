package procsim.race.live;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The calling Java thread's host thread id, as the host kernel numbers it (gettid(2)): the last
 * component of the {@code /proc/thread-self} link ({@code <tgid>/task/<tid>}), which procfs
 * resolves for whichever thread reads it. This is the id every FUSE request of the thread carries,
 * so it is what a race worker writes to its sim thread's {@code attach} file.
 */
public final class HostThread {
    private static final Path THREAD_SELF = Path.of("/proc/thread-self");

    private HostThread() {
    }

    /** gettid() of the calling thread. */
    public static int tid() {
        try {
            return parse(Files.readSymbolicLink(THREAD_SELF).toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/thread-self", e);
        }
    }

    /** The tid in a {@code thread-self} link target: {@code 1234/task/1240} gives 1240. */
    static int parse(String target) {
        int slash = target.lastIndexOf('/');
        String last = target.substring(slash + 1);
        int tid = Integer.parseInt(last);
        if (tid <= 0 || !target.contains("/task/")) {
            throw new IllegalArgumentException("not a thread-self link: " + target);
        }
        return tid;
    }
}
