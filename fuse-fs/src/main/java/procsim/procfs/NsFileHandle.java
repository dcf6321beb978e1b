package procsim.procfs;

import procsim.abi.Errno;

/**
 * An open namespace file (fs/nsfs.c ns_file_operations: no read or write, ns_ioctl only).
 * NS_GET_NSTYPE gives the namespace's CLONE_NEW* flag; NS_GET_OWNER_UID is for user namespaces
 * only (EINVAL); other commands ENOTTY.
 * Deviation: NS_GET_USERNS and NS_GET_PARENT, which return a new file descriptor, fail with
 * EPERM, as for a relative outside the caller's scope: a FUSE ioctl cannot hand back an fd.
 */
record NsFileHandle(long cloneFlag) implements ProcHandle {
    /** include/uapi/linux/nsfs.h: _IO(NSIO 0xb7, n) */
    static final int NS_GET_USERNS = 0xb701;
    static final int NS_GET_PARENT = 0xb702;
    static final int NS_GET_NSTYPE = 0xb703;
    static final int NS_GET_OWNER_UID = 0xb704;

    @Override
    public byte[] read(Caller caller, long offset, int size) {
        throw Errno.EINVAL.error();
    }

    @Override
    public int write(Caller caller, byte[] data, long offset) {
        throw Errno.EINVAL.error();
    }

    @Override
    public int ioctl(Caller caller, int cmd) {
        return switch (cmd) {
            case NS_GET_NSTYPE -> (int) cloneFlag;
            case NS_GET_USERNS, NS_GET_PARENT -> throw Errno.EPERM.error();
            case NS_GET_OWNER_UID -> throw Errno.EINVAL.error();
            default -> throw Errno.ENOTTY.error();
        };
    }
}
