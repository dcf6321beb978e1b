package procsim.fuse;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import procsim.procfs.ProcHandle;

/**
 * The open files of the mount: FUSE file handle number ({@code fuse_file_info.fh}) to
 * {@link ProcHandle}. Numbers start at 1 and are never reused, so a late {@code release} cannot hit
 * a newer file. Mirrors the role of fs/file.c's fd table, one level down: one entry per open(2).
 */
final class OpenFiles {
    private final ConcurrentHashMap<Long, ProcHandle> handles = new ConcurrentHashMap<>();
    private final AtomicLong next = new AtomicLong();

    long add(ProcHandle handle) {
        long fh = next.incrementAndGet();
        handles.put(fh, handle);
        return fh;
    }

    /** The handle of {@code fh}, or null if it is not open. */
    ProcHandle get(long fh) {
        return handles.get(fh);
    }

    /** Forgets {@code fh}; returns its handle, or null if it was not open. */
    ProcHandle remove(long fh) {
        return handles.remove(fh);
    }

    int size() {
        return handles.size();
    }
}
