package procsim.ipc;

/** One shmat: a segment mapped at {@code start} for its size rounded up to pages. */
public record ShmMapping(long start, ShmSegment segment, boolean readOnly) {
    public long end() {
        return start + pages(segment.size);
    }

    static long pages(long size) {
        long p = IpcNamespace.PAGE_SIZE;
        return (size + p - 1) / p * p;
    }
}
