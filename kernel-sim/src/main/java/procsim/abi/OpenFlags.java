package procsim.abi;

import java.util.Map;

/** include/uapi/asm-generic/fcntl.h open flags (x86-64 values) and lseek whence names. */
public final class OpenFlags {
    public static final int O_ACCMODE = 3, O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2;
    public static final int O_CREAT = 0100, O_EXCL = 0200, O_NOCTTY = 0400, O_TRUNC = 01000,
            O_APPEND = 02000, O_NONBLOCK = 04000, O_DSYNC = 010000, O_DIRECT = 040000,
            O_LARGEFILE = 0100000, O_DIRECTORY = 0200000, O_NOFOLLOW = 0400000,
            O_NOATIME = 01000000, O_CLOEXEC = 02000000, O_SYNC = 04010000, O_PATH = 010000000;

    public static final Map<String, Long> NAMES = Map.ofEntries(
            Map.entry("O_RDONLY", (long) O_RDONLY), Map.entry("O_WRONLY", (long) O_WRONLY),
            Map.entry("O_RDWR", (long) O_RDWR), Map.entry("O_CREAT", (long) O_CREAT),
            Map.entry("O_EXCL", (long) O_EXCL), Map.entry("O_NOCTTY", (long) O_NOCTTY),
            Map.entry("O_TRUNC", (long) O_TRUNC), Map.entry("O_APPEND", (long) O_APPEND),
            Map.entry("O_NONBLOCK", (long) O_NONBLOCK), Map.entry("O_DSYNC", (long) O_DSYNC),
            Map.entry("O_DIRECT", (long) O_DIRECT), Map.entry("O_LARGEFILE", (long) O_LARGEFILE),
            Map.entry("O_DIRECTORY", (long) O_DIRECTORY), Map.entry("O_NOFOLLOW", (long) O_NOFOLLOW),
            Map.entry("O_NOATIME", (long) O_NOATIME), Map.entry("O_CLOEXEC", (long) O_CLOEXEC),
            Map.entry("O_SYNC", (long) O_SYNC), Map.entry("O_PATH", (long) O_PATH));

    public static final int SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2;
    public static final Map<String, Long> WHENCE = Map.of(
            "SEEK_SET", 0L, "SEEK_CUR", 1L, "SEEK_END", 2L, "SEEK_DATA", 3L, "SEEK_HOLE", 4L);

    private OpenFlags() {
    }
}
