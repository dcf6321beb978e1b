package procsim.ipc;

/** {@code struct semid64_ds} (include/uapi/asm-generic/sembuf.h). */
public record SemidDs(Ipc64Perm perm, long otime, long ctime, long nsems) {
}
