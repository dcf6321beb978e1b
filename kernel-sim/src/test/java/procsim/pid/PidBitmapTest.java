package procsim.pid;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The allocator's bitmap agrees with java.util.BitSet on random operations. */
class PidBitmapTest {
    @Test
    void agreesWithBitSet() {
        PidBitmap b = new PidBitmap();
        BitSet ref = new BitSet();
        Random r = new Random(42);
        for (int i = 0; i < 200_000; i++) {
            int nr = r.nextInt(5000);
            switch (r.nextInt(4)) {
                case 0, 1 -> {
                    b.set(nr);
                    ref.set(nr);
                }
                case 2 -> {
                    b.clear(nr);
                    ref.clear(nr);
                }
                default -> {
                    assertThat(b.get(nr)).isEqualTo(ref.get(nr));
                    assertThat(b.nextSetBit(nr)).isEqualTo(ref.nextSetBit(nr));
                    assertThat(b.nextClearBit(nr)).isEqualTo(ref.nextClearBit(nr));
                }
            }
        }
        assertThat(b.nextClearBit(1 << 20)).isEqualTo(1 << 20);
        assertThat(b.nextSetBit(1 << 20)).isEqualTo(-1);
    }
}
