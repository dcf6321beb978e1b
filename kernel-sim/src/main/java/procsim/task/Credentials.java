package procsim.task;

import static procsim.abi.Capability.isSubset;

import java.util.function.BooleanSupplier;

import procsim.abi.Capability;
import procsim.abi.Errno;

/**
 * A task's credentials ({@code struct cred}): real, effective, saved and fs uids and gids, the
 * five capability sets and the securebits. Immutable: a change makes a new one (commit_creds).
 * The rules are security/commoncap.c's (capset, the setuid fix-ups, execve without file caps).
 * Deviation: one user namespace; "capable in the namespace's owning user ns" is "capable".
 */
public record Credentials(int uid, int euid, int suid, int fsuid,
                          int gid, int egid, int sgid, int fsgid,
                          long capInheritable, long capPermitted, long capEffective,
                          long capBounding, long capAmbient, int securebits) {

    /** init_cred (kernel/cred.c): ids 0, permitted, effective and bounding full, the rest empty. */
    public static Credentials root() {
        return new Credentials(0, 0, 0, 0, 0, 0, 0, 0, 0, Capability.ALL, Capability.ALL, Capability.ALL, 0, 0);
    }

    /**
     * cap_capable: {@code cap} is in the effective set. Does not mark the task as having used a
     * privilege; {@link Task#capable} (ns_capable) does.
     */
    public boolean capable(int cap) {
        return (capEffective & Capability.bit(cap)) != 0;
    }

    public boolean keepCaps() {
        return (securebits & Capability.SECBIT_KEEP_CAPS) != 0;
    }

    /**
     * setuid(2) (kernel/sys.c {@code __sys_setuid}): with CAP_SETUID ({@code privileged}) real,
     * effective, saved and fs uids change; otherwise only euid and fsuid, and only to the real or
     * saved uid, else EPERM. Then the capability sets follow the uids (cap_emulate_setxuid).
     */
    public Credentials setuid(int newUid, boolean privileged) {
        Credentials c;
        if (privileged) {
            c = withUids(newUid, newUid, newUid, newUid);
        } else if (newUid == uid || newUid == suid) {
            c = withUids(uid, newUid, suid, newUid);
        } else {
            throw Errno.EPERM.error();
        }
        return c.emulateSetxuid(this);
    }

    /**
     * setresuid(2) (kernel/sys.c {@code __sys_setresuid}), -1 leaving an id as it is: nothing to
     * do returns at once; an id that is none of the current real, effective and saved uids needs
     * CAP_SETUID ({@code privileged}, asked only then), else EPERM. fsuid follows euid; the
     * capability sets follow the uids (cap_emulate_setxuid).
     */
    public Credentials setresuid(int r, int e, int s, BooleanSupplier privileged) {
        if ((r == -1 || r == uid) && (e == -1 || (e == euid && e == fsuid)) && (s == -1 || s == suid)) return this;
        boolean fresh = isNew(r) || isNew(e) || isNew(s);
        if (fresh && !privileged.getAsBoolean()) throw Errno.EPERM.error();
        int ne = e == -1 ? euid : e;
        return withUids(r == -1 ? uid : r, ne, s == -1 ? suid : s, ne).emulateSetxuid(this);
    }

    private boolean isNew(int id) {
        return id != -1 && id != uid && id != euid && id != suid;
    }

    /**
     * cap_emulate_setxuid (security/commoncap.c): when no uid is 0 any more, permitted and
     * effective are cleared (unless SECURE_KEEP_CAPS) and ambient too; when euid leaves 0,
     * effective is cleared; when euid becomes 0, effective becomes permitted.
     */
    private Credentials emulateSetxuid(Credentials old) {
        long prm = capPermitted, eff = capEffective, amb = capAmbient;
        boolean oldRoot = old.uid == 0 || old.euid == 0 || old.suid == 0;
        boolean newRoot = uid == 0 || euid == 0 || suid == 0;
        if (oldRoot && !newRoot) {
            if (!old.keepCaps()) {
                prm = 0;
                eff = 0;
            }
            amb = 0;
        }
        if (old.euid == 0 && euid != 0) eff = 0;
        if (old.euid != 0 && euid == 0) eff = prm;
        return withCaps(capInheritable, prm, eff, amb);
    }

    /**
     * setgid(2) (kernel/sys.c {@code __sys_setgid}): with CAP_SETGID all four gids change;
     * otherwise egid and fsgid, only to the real or saved gid, else EPERM. No capability changes.
     */
    public Credentials setgid(int newGid, boolean privileged) {
        if (privileged) return withGids(newGid, newGid, newGid, newGid);
        if (newGid == gid || newGid == sgid) return withGids(gid, newGid, sgid, newGid);
        throw Errno.EPERM.error();
    }

    /**
     * capset(2) as cap_capset checks it, EPERM for: a new inheritable capability outside old
     * inheritable|permitted without CAP_SETPCAP, or outside old inheritable|bounding at all; a
     * permitted capability not in the old permitted set; an effective one not in the new
     * permitted set. Ambient keeps only what is both permitted and inheritable.
     */
    public Credentials capset(long effective, long permitted, long inheritable) {
        if (!capable(Capability.CAP_SETPCAP) && !isSubset(inheritable, capInheritable | capPermitted)) {
            throw Errno.EPERM.error();
        }
        if (!isSubset(inheritable, capInheritable | capBounding)) throw Errno.EPERM.error();
        if (!isSubset(permitted, capPermitted)) throw Errno.EPERM.error();
        if (!isSubset(effective, permitted)) throw Errno.EPERM.error();
        return withCaps(inheritable, permitted, effective, capAmbient & permitted & inheritable);
    }

    /** prctl(PR_SET_KEEPCAPS) (cap_task_prctl): sets or clears SECURE_KEEP_CAPS. */
    public Credentials withKeepCaps(boolean keep) {
        int bits = keep ? securebits | Capability.SECBIT_KEEP_CAPS : securebits & ~Capability.SECBIT_KEEP_CAPS;
        return new Credentials(uid, euid, suid, fsuid, gid, egid, sgid, fsgid,
                capInheritable, capPermitted, capEffective, capBounding, capAmbient, bits);
    }

    /**
     * execve of a file without file capabilities or set-id bits (cap_bprm_creds_from_file): a
     * task with uid or euid 0 gets permitted = bounding | inheritable, effective too if euid is
     * 0; any other gets only its ambient set in both. Saved ids become the effective ones;
     * SECURE_KEEP_CAPS is cleared.
     */
    public Credentials execve() {
        long prm = uid == 0 || euid == 0 ? capBounding | capInheritable : 0;
        prm |= capAmbient;
        long eff = euid == 0 ? prm : capAmbient;
        return new Credentials(uid, euid, euid, euid, gid, egid, egid, egid,
                capInheritable, prm, eff, capBounding, capAmbient, securebits & ~Capability.SECBIT_KEEP_CAPS);
    }

    private Credentials withUids(int u, int e, int s, int f) {
        return new Credentials(u, e, s, f, gid, egid, sgid, fsgid,
                capInheritable, capPermitted, capEffective, capBounding, capAmbient, securebits);
    }

    private Credentials withGids(int g, int e, int s, int f) {
        return new Credentials(uid, euid, suid, fsuid, g, e, s, f,
                capInheritable, capPermitted, capEffective, capBounding, capAmbient, securebits);
    }

    private Credentials withCaps(long inh, long prm, long eff, long amb) {
        return new Credentials(uid, euid, suid, fsuid, gid, egid, sgid, fsgid, inh, prm, eff, capBounding, amb, securebits);
    }
}
