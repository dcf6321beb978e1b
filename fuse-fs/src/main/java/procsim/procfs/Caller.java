package procsim.procfs;

/** Who made a filesystem request: the real (host) thread id and credentials FUSE reports. */
public record Caller(int hostTid, int uid, int gid) {
}
