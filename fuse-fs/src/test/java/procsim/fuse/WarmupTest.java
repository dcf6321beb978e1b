package procsim.fuse;

import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.OptionalInt;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import procsim.attach.HostProcesses;

class WarmupTest {
    private static final HostProcesses NO_HOST = new HostProcesses() {
        @Override
        public OptionalInt tgidOf(int tid) {
            return OptionalInt.empty();
        }

        @Override
        public OptionalInt parentOf(int pid) {
            return OptionalInt.empty();
        }

        @Override
        public OptionalLong startTimeOf(int pid) {
            return OptionalLong.empty();
        }
    };

    /** Every step must succeed: a failing one would warm an error path instead of the real one. */
    @Test
    void everyStepOfManyRoundsSucceeds() {
        assertThatCode(() -> Warmup.run(50, NO_HOST)).doesNotThrowAnyException();
    }

    /** Each round forgets what it looked up, as the kernel does: the node table is back to the root. */
    @Test
    void theRoundsLeaveNoNodes() {
        org.assertj.core.api.Assertions.assertThat(Warmup.nodesAfter(20, NO_HOST)).isEqualTo(1);
    }
}
