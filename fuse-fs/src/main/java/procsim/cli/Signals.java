package procsim.cli;

import java.util.function.Consumer;

import org.slf4j.LoggerFactory;

/**
 * SIGINT and SIGTERM as a clean stop rather than the JVM's default exit (status 130/143 after the
 * shutdown hooks): the handler unmounts, the daemon then exits 0.
 *
 * <p>A signal that was ignored when the JVM started stays ignored (HotSpot does not take it over):
 * so a background job of a non-interactive shell, which starts with SIGINT ignored, is stopped with
 * SIGTERM or umount, like any daemon.
 */
final class Signals {
    private Signals() {
    }

    /** Calls {@code onStop} with "SIGINT" or "SIGTERM" on a thread of the JVM's, once per signal. */
    static void onStop(Consumer<String> onStop) {
        for (String name : new String[] {"INT", "TERM"}) handle(name, () -> onStop.accept("SIG" + name));
    }

    /**
     * As system(3) does while its command runs: Ctrl-C reaches the child (same process group),
     * which decides; the JVM waiting for it neither dies nor leaves it behind. HotSpot refuses a
     * SIGQUIT handler (it prints a thread dump instead), so bin/procsim runs {@code procsim shell}'s
     * helper without a waiting JVM ({@link SimView#PLAN_ENV}).
     */
    static void ignoreWhileChildRuns() {
        handle("INT", () -> { });
    }

    @SuppressWarnings("removal")
    private static void handle(String name, Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(name), s -> action.run());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LoggerFactory.getLogger(Signals.class).debug("cannot handle SIG{}: {}", name, e.toString());
        }
    }
}
