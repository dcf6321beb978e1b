package procsim.task;

import procsim.abi.Signals;

/**
 * A process's signal actions, Linux's {@code struct sighand_struct} (its {@code action[]}): per
 * signal SIG_DFL, SIG_IGN or a handler's address, and its sa_flags. Shared by the threads of a
 * process and by processes cloned with CLONE_SIGHAND; fork copies it (copy_sighand).
 * Deviation: no sa_mask or sa_restorer (the sim runs no handler, see TaskSignals).
 */
public final class SignalHandlers {
    public static final long SIG_DFL = 0, SIG_IGN = 1;

    /** One signal's action as rt_sigaction reads it back. */
    public record Action(long handler, long flags) {
    }

    // guarded by the kernel lock; null while every action is SIG_DFL with no flags
    private long[] handler;
    private long[] flags;

    SignalHandlers copy() {
        SignalHandlers c = new SignalHandlers();
        if (handler != null) {
            c.handler = handler.clone();
            c.flags = flags.clone();
        }
        return c;
    }

    public long handler(int sig) {
        return handler == null ? SIG_DFL : handler[sig - 1];
    }

    public long flags(int sig) {
        return flags == null ? 0 : flags[sig - 1];
    }

    void set(int sig, long h, long f) {
        if (handler == null) {
            if (h == SIG_DFL && f == 0) return;
            handler = new long[Signals.NSIG];
            flags = new long[Signals.NSIG];
        }
        handler[sig - 1] = h;
        flags[sig - 1] = f;
    }

    /**
     * flush_signal_handlers(t, 0), as execve and CLONE_CLEAR_SIGHAND do: a caught signal goes back
     * to SIG_DFL, an ignored one stays ignored, every sa_flags is 0.
     */
    void flushHandlers() {
        if (handler == null) return;
        for (int i = 0; i < Signals.NSIG; i++) {
            if (handler[i] != SIG_IGN) handler[i] = SIG_DFL;
            flags[i] = 0;
        }
    }

    /** sig_handler_ignored: explicitly (SIG_IGN) or implicitly (SIG_DFL of an ignore-by-default signal). */
    boolean ignores(int sig) {
        long h = handler(sig);
        return h == SIG_IGN || (h == SIG_DFL && Signals.ignoredByDefault(sig));
    }

    /** collect_sigign_sigcatch's sigign: bit sig-1 for each SIG_IGN. */
    public long ignored() {
        return mask(true);
    }

    /** collect_sigign_sigcatch's sigcatch: bit sig-1 for each handler. */
    public long caught() {
        return mask(false);
    }

    private long mask(boolean ignored) {
        long m = 0;
        if (handler == null) return m;
        for (int i = 0; i < Signals.NSIG; i++) {
            long h = handler[i];
            if (ignored ? h == SIG_IGN : h != SIG_IGN && h != SIG_DFL) m |= 1L << i;
        }
        return m;
    }
}
