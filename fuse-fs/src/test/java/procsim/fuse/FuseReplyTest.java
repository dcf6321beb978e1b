package procsim.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import procsim.abi.Errno;
import procsim.abi.SysError;

class FuseReplyTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger(FuseReply.class);
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();
    private Level before;

    @BeforeEach
    void capture() {
        before = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        logger.setAdditive(false); // keep the expected errors out of the build's console
        events.start();
        logger.addAppender(events);
    }

    @AfterEach
    void release() {
        logger.detachAppender(events);
        logger.setAdditive(true);
        logger.setLevel(before);
    }

    @Test
    void successPassesTheResultThrough() {
        assertThat(FuseReply.of("read", "/x", () -> 17)).isEqualTo(17);
        assertThat(events.list).isEmpty();
    }

    @Test
    void aFailedWriteIsOneDebugLineWithPathAndErrno() {
        int r = FuseReply.ofWrite("/1/task/1/syscall", "frk\n".getBytes(StandardCharsets.UTF_8),
                () -> Errno.EINVAL.fail());
        assertThat(r).isEqualTo(-22);
        assertThat(events.list).hasSize(1);
        ILoggingEvent e = events.list.get(0);
        assertThat(e.getLevel()).isEqualTo(Level.DEBUG);
        assertThat(e.getFormattedMessage()).startsWith("write /1/task/1/syscall: EINVAL").contains("\"frk\\n\"");
    }

    @Test
    void aDetailedSysErrorKeepsItsDetail() {
        FuseReply.of("open", "/1/status", () -> {
            throw new SysError(Errno.EACCES, "not the owner");
        });
        assertThat(events.list.get(0).getFormattedMessage()).isEqualTo("open /1/status: EACCES: not the owner");
    }

    @Test
    void aLookupMissIsNotLoggedAtDebug() {
        assertThat(FuseReply.of("getattr", "/nope", () -> Errno.ENOENT.fail())).isEqualTo(-2);
        assertThat(events.list).isEmpty();
    }

    @Test
    void aBugIsEioWithOneErrorLine() {
        int r = FuseReply.of("read", "/1/status", () -> {
            throw new IllegalStateException("broken");
        });
        assertThat(r).isEqualTo(-5);
        assertThat(events.list).filteredOn(e -> e.getLevel() == Level.ERROR).hasSize(1)
                .first().satisfies(e -> assertThat(e.getFormattedMessage())
                        .startsWith("read /1/status: EIO, unexpected java.lang.IllegalStateException: broken"));
    }

    @Test
    void quoteShowsControlBytesAndCutsLongData() {
        assertThat(FuseReply.quote("a\tb\n\u0001".getBytes(StandardCharsets.UTF_8))).isEqualTo("\"a\\tb\\n\\x01\"");
        assertThat(FuseReply.quote(new byte[100])).endsWith("...(100 bytes)");
    }
}
