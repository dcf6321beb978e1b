package procsim.ipc;

/** {@code struct shmid64_ds} (include/uapi/asm-generic/shmbuf.h), its pids as one namespace sees them. */
public record ShmidDs(Ipc64Perm perm, long segsz, long atime, long dtime, long ctime, int cpid, int lpid,
                      long nattch) {
}
