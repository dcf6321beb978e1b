package procsim.restorer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The records whose equals a restore calls in its loops, written out, mean what a record's would. */
class ImageTest {
    @Test
    void anFdEqualsAnotherWithTheSameFieldsOnly() {
        Image.Fd f = new Image.Fd(7, "02100002", 42, "/var/f");
        List<Image.Fd> others = List.of(new Image.Fd(8, "02100002", 42, "/var/f"), new Image.Fd(7, "0100002", 42, "/var/f"),
                new Image.Fd(7, "02100002", 43, "/var/f"), new Image.Fd(7, "02100002", 42, "/var/g"),
                new Image.Fd(7, null, 42, "/var/f"), new Image.Fd(7, "02100002", 42, null));
        assertThat(f).isEqualTo(new Image.Fd(7, "02100002", 42, "/var/f")).hasSameHashCodeAs(new Image.Fd(7, "02100002", 42, "/var/f"));
        for (Image.Fd o : others) assertThat(f).isNotEqualTo(o);
        assertThat(new Image.Fd(7, null, 42, null)).isEqualTo(new Image.Fd(7, null, 42, null));
        assertThat(f).isNotEqualTo(new Image.ShmAttach(7, 42, "rw"));
    }

    @Test
    void anAttachEqualsAnotherWithTheSameFieldsOnly() {
        Image.ShmAttach a = new Image.ShmAttach(0x7f0000000000L, 3, "rw");
        assertThat(a).isEqualTo(new Image.ShmAttach(0x7f0000000000L, 3, "rw")).hasSameHashCodeAs(new Image.ShmAttach(0x7f0000000000L, 3, "rw"));
        for (Image.ShmAttach o : List.of(new Image.ShmAttach(0x7f0000001000L, 3, "rw"), new Image.ShmAttach(0x7f0000000000L, 4, "rw"),
                new Image.ShmAttach(0x7f0000000000L, 3, "ro"), new Image.ShmAttach(0x7f0000000000L, 3, null))) {
            assertThat(a).isNotEqualTo(o);
        }
        assertThat(new Image.ShmAttach(1, 2, null)).isEqualTo(new Image.ShmAttach(1, 2, null));
    }
}
