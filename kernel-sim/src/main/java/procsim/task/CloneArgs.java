package procsim.task;

import java.util.function.Function;

import procsim.pid.PidNamespace;
import procsim.pid.PidRequest;

/**
 * What a fork/vfork/clone/clone3/eclone asks of {@code copy_process}, already validated by the
 * syscall layer: the flags without CSIGNAL, the exit signal, and how to build the pid request
 * once the child's namespace is known (it may be the one CLONE_NEWPID creates).
 */
public record CloneArgs(long flags, int exitSignal, Function<PidNamespace, PidRequest> pids) {
    public static CloneArgs of(long flags, int exitSignal) {
        return new CloneArgs(flags, exitSignal, ns -> PidRequest.none());
    }
}
