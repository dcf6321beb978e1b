package procsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;

/** The daemon's log lines look like its own messages ("procsim: mounted at M"): one style on stderr. */
class LoggingTest {
    private static String line(Level level, String msg) {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        var appender = (OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent>) root.getAppender("STDERR");
        Logger logger = (Logger) LoggerFactory.getLogger(MountCommand.class);
        LoggingEvent e = new LoggingEvent(Logger.class.getName(), logger, level, msg, null, null);
        return new String(appender.getEncoder().encode(e), StandardCharsets.UTF_8);
    }

    @Test
    void infoReadsLikeTheDaemonsOwnLines() {
        assertThat(line(Level.INFO, "SIGTERM: unmounting /tmp/m")).isEqualTo("procsim: SIGTERM: unmounting /tmp/m\n");
    }

    @Test
    void otherLevelsSayTheirLevel() {
        assertThat(line(Level.WARN, "the warm-up failed")).isEqualTo("procsim: WARN: the warm-up failed\n");
        assertThat(line(Level.ERROR, "write /x: EIO")).isEqualTo("procsim: ERROR: write /x: EIO\n");
        assertThat(line(Level.DEBUG, "write /1/task/1/syscall: EINVAL"))
                .isEqualTo("procsim: DEBUG: write /1/task/1/syscall: EINVAL\n");
    }
}
