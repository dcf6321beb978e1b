package procsim.ipc;

/** {@code struct msqid64_ds} (include/uapi/asm-generic/msgbuf.h), its pids as one namespace sees them. */
public record MsqidDs(Ipc64Perm perm, long stime, long rtime, long ctime, long cbytes, long qnum, long qbytes,
                      int lspid, int lrpid) {
}
