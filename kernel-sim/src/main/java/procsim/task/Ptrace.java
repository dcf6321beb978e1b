package procsim.task;

import procsim.abi.Capability;

/**
 * ptrace_may_access with PTRACE_MODE_ATTACH_REALCREDS (kernel/ptrace.c __ptrace_may_access,
 * then security/commoncap.c cap_ptrace_access_check): may {@code tracer} attach to
 * {@code target}? Callers hold the kernel's write lock (a CAP_SYS_PTRACE used marks the tracer
 * PF_SUPERPRIV); a refusal is EPERM, as ptrace(PTRACE_ATTACH) gives.
 * Deviation: no dumpability; Linux also refuses a target that changed its ids (commit_creds
 * makes it non-dumpable with suid_dumpable 0) unless the tracer has CAP_SYS_PTRACE.
 */
public final class Ptrace {
    private Ptrace() {
    }

    public static boolean mayAttach(Task tracer, Task target) {
        if (tracer.group() == target.group()) return true; // same_thread_group: introspection
        Credentials c = tracer.creds();
        Credentials t = target.creds();
        // __ptrace_may_access: the caller's real ids against all of the target's, else CAP_SYS_PTRACE
        // (has_ns_capability: no PF_SUPERPRIV)
        boolean sameIds = c.uid() == t.uid() && c.uid() == t.euid() && c.uid() == t.suid()
                && c.gid() == t.gid() && c.gid() == t.egid() && c.gid() == t.sgid();
        if (!sameIds && !c.capable(Capability.CAP_SYS_PTRACE)) return false;
        // cap_ptrace_access_check: the target's permitted set within the caller's, else ns_capable
        return Capability.isSubset(t.capPermitted(), c.capPermitted()) || tracer.capable(Capability.CAP_SYS_PTRACE);
    }
}
