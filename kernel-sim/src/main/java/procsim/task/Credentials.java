package procsim.task;

import procsim.abi.Capability;

/**
 * A task's credentials: real, effective, saved and fs ids and the effective capability set.
 * Mirrors the parts of {@code struct cred} procsim checks. Immutable: a change makes a new one
 * (commit_creds).
 * Deviation: one user namespace; "capable in the namespace's owning user ns" is "capable".
 */
public record Credentials(int uid, int euid, int suid, int fsuid,
                          int gid, int egid, int sgid, int fsgid, long capEffective) {

    public static Credentials root() {
        return new Credentials(0, 0, 0, 0, 0, 0, 0, 0, Capability.ALL);
    }

    public boolean capable(int cap) {
        return (capEffective & (1L << cap)) != 0;
    }

    /** {@code checkpoint_restore_ns_capable}: CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN. */
    public boolean checkpointRestoreCapable() {
        return capable(Capability.CAP_CHECKPOINT_RESTORE) || capable(Capability.CAP_SYS_ADMIN);
    }

    /**
     * setuid(2) (kernel/sys.c {@code __sys_setuid}): with CAP_SETUID all four uids change;
     * otherwise only euid/fsuid, and only to the real or saved uid. Capabilities follow
     * {@code cap_emulate_setxuid}: a nonzero euid drops the effective set.
     * Deviation: no permitted set is kept, so a later return to euid 0 does not bring them back.
     */
    public Credentials setuid(int newUid) {
        Credentials c;
        if (capable(Capability.CAP_SETUID)) {
            c = new Credentials(newUid, newUid, newUid, newUid, gid, egid, sgid, fsgid, capEffective);
        } else if (newUid == uid || newUid == suid) {
            c = new Credentials(uid, newUid, suid, newUid, gid, egid, sgid, fsgid, capEffective);
        } else {
            throw procsim.abi.Errno.EPERM.error();
        }
        return c.euid != 0 ? c.withCaps(0) : c;
    }

    public Credentials withCaps(long caps) {
        return new Credentials(uid, euid, suid, fsuid, gid, egid, sgid, fsgid, caps);
    }
}
