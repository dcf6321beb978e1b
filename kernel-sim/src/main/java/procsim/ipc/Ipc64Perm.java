package procsim.ipc;

/**
 * {@code struct ipc64_perm} as IPC_STAT copies it out (include/uapi/asm-generic/ipcbuf.h: key,
 * uid, gid, cuid, cgid, mode), with the object's id, which /proc/sysvipc and the *_STAT commands
 * show too.
 */
public record Ipc64Perm(int key, int id, int uid, int gid, int cuid, int cgid, int mode) {
    static Ipc64Perm of(KernIpcPerm p) {
        return new Ipc64Perm(p.key, p.id, p.uid, p.gid, p.cuid, p.cgid, p.mode);
    }
}
