package procsim.cli;

import java.util.Locale;
import java.util.Set;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;

/**
 * Log levels of the {@code procsim.*} loggers: INFO by default (logback.xml), the environment's
 * {@code PROCSIM_LOG} (error, warn, info, debug, trace) over that, {@code --debug} over both.
 * Everything goes to stderr.
 */
public final class Logging {
    static final String ENV = "PROCSIM_LOG";
    private static final Set<String> LEVELS = Set.of("error", "warn", "info", "debug", "trace");

    private Logging() {
    }

    /** Applies {@code PROCSIM_LOG} and then {@code debug}. */
    public static void configure(boolean debug) {
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            String want = env.strip().toLowerCase(Locale.ROOT);
            if (LEVELS.contains(want)) {
                setLevel(Level.toLevel(want));
            } else {
                LoggerFactory.getLogger(Logging.class)
                        .warn("{}={} is not one of error, warn, info, debug, trace: ignored", ENV, env);
            }
        }
        if (debug) {
            setLevel(Level.DEBUG);
        }
    }

    private static void setLevel(Level level) {
        org.slf4j.Logger l = LoggerFactory.getLogger("procsim");
        if (l instanceof Logger logback) {
            logback.setLevel(level);
        }
    }
}
