package procsim.restorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Image read(String text) throws Exception {
        return ImageJson.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** The sample image with the field at {@code pointer} (its parent must be an object) set to {@code value} (JSON; "-" removes it). */
    static String mutated(String pointer, String value) throws Exception {
        JsonNode root = JSON.readTree(ImageJson.toJson(Images.sample()));
        int slash = pointer.lastIndexOf('/');
        JsonNode at = root.at(pointer.substring(0, slash));
        String field = pointer.substring(slash + 1);
        if (at instanceof ArrayNode array) {
            array.set(Integer.parseInt(field), JSON.readTree(value));
        } else if (value.equals("-")) {
            ((ObjectNode) at).remove(field);
        } else {
            ((ObjectNode) at).set(field, JSON.readTree(value));
        }
        return JSON.writeValueAsString(root);
    }

    @Test
    void anImageReadsBackEqual() throws Exception {
        Image img = Images.sample();
        assertThat(read(ImageJson.toJson(img))).isEqualTo(img);
        assertThat(ImageJson.toJson(img)).startsWith("{\n  \"format\" : \"procsim-image\",\n  \"version\" : 2,");
    }

    /**
     * A version 1 image (before signal actions) still reads: its processes have no sigactions
     * (every action was SIG_DFL then), and may not carry any.
     */
    @Test
    void aVersion1ImageReadsWithEveryActionDefault() throws Exception {
        String v2 = ImageJson.toJson(Images.sample());
        String v1 = v2.replace("\"version\" : 2,", "\"version\" : 1,").replaceAll(",\\s*\"sigactions\" : \\[[^\\]]*\\]", "");
        assertThat(v1).doesNotContain("sigactions");
        Image img = read(v1);
        assertThat(img.version()).isEqualTo(1);
        assertThat(img.processes()).allMatch(p -> p.sigactions().isEmpty());
        assertThatThrownBy(() -> read(v2.replace("\"version\" : 2,", "\"version\" : 1,"))).isInstanceOf(ImageException.class)
                .hasMessageContaining("Unrecognized field \"sigactions\"");
    }

    // Every damage is one line naming the field; nothing is guessed (no "5" for 5, no missing field).
    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "/format;                   \"tar\";          not a procsim image (no \"format\": \"procsim-image\")",
        "/format;                   -;                not a procsim image",
        "/version;                  3;                image version 3 is not supported (this procsim reads versions 1 to 2)",
        "/version;                  0;                image version 0 is not supported",
        "/version;                  \"2\";            image version \"2\" is not supported",
        "/processes/0/sigactions/1/flags; 7;          bad image: processes[0].sigactions[1].flags: not a string: 7",
        "/processes/1/sigactions;   -;                bad image: processes[1]: missing field \"sigactions\"",
        "/processes/0/pid;          \"5\";            bad image: processes[0].pid:",
        "/processes/0/pid;          5.5;              bad image: processes[0].pid:",
        "/processes/0/pid;          -;                bad image: processes[0]",
        "/processes/0/nspid;        \"$(touch x)\";   bad image: processes[0].nspid",
        "/processes/0/evil;         1;                bad image: processes[0].evil: Unrecognized field \"evil\"",
        "/processes/1/creds/uid;    null;             bad image: processes[1].creds",
        "/msg/0/messages/0/mtype;   true;             bad image: msg[0].messages[0].mtype",
        // whole messages, each naming the field where it is, down to an array's element
        "/processes/0/nspid/1;      \"x\";            bad image: processes[0].nspid[1]: not an integer: \"x\"",
        "/processes/1/creds/uid/2;  4294967296000000000000; bad image: processes[1].creds.uid[2]:",
        "/processes/0/exitSignal;   2147483648;       bad image: processes[0].exitSignal: 2147483648 is out of range",
        "/processes/2/argv/0;       7;                bad image: processes[2].argv[0]: not a string: 7",
        "/processes/1/creds/caps/ambient; -;          bad image: processes[1].creds.caps: missing field \"ambient\"",
        "/processes/1/fds/1/evil;   1;                bad image: processes[1].fds[1].evil: Unrecognized field \"evil\" (one of fd, flags, pos, path)",
        "/msg;                      -;                bad image: the image: missing field \"msg\"",
    })
    void damageIsNamed(String pointer, String value, String message) throws Exception {
        String text = mutated(pointer.strip(), value.strip());
        assertThatThrownBy(() -> read(text)).isInstanceOf(ImageException.class).hasMessageStartingWith(message.strip());
    }

    @Test
    void notJsonAtAll() {
        assertThatThrownBy(() -> read("procsim-image 1\nprocess 5 ppid=1")).hasMessageStartingWith("not a procsim image (not JSON: ");
        assertThatThrownBy(() -> read("")).hasMessageStartingWith("not a procsim image");
        assertThatThrownBy(() -> read("[1]")).hasMessageStartingWith("not a procsim image");
    }

    @Test
    void trailingTextAndDuplicateKeysAreRefused() throws Exception {
        String good = ImageJson.toJson(Images.sample());
        assertThatThrownBy(() -> read(good + "{}")).isInstanceOf(ImageException.class);
        assertThatThrownBy(() -> read(good.replaceFirst("\"version\" : 2,", "\"version\" : 2, \"version\" : 2,")))
                .isInstanceOf(ImageException.class);
    }

    @Test
    void theTextFormIsOneSortedRecordALine() {
        List<String> lines = ImageText.lines(Images.sample());
        assertThat(lines).containsExactly(
                "procsim-image 2",
                "process 5 ppid=1 nspid=5,1 pidns=init:5 comm=init exit_signal=17 state=S subreaper=0 argv=/sbin/init",
                "process 6 ppid=5 nspid=6,2 pidns=init:5 comm=init exit_signal=10 state=T subreaper=1 argv=/sbin/init",
                "process 8 ppid=1 nspid=8 pidns=root comm=w8 exit_signal=17 state=S subreaper=0 argv=/usr/bin/w8 -x",
                "thread 5 7 nspid=7,3 comm=t7",
                "creds 5 uid=0,0,0,0 gid=0,0,0,0 caps=0000000000000000/000001ffffffffff/000001ffffffffff/000001ffffffffff/0000000000000000 keepcaps=0",
                "creds 7 uid=0,0,0,0 gid=0,0,0,0 caps=0000000000000000/000001ffffffffff/000001ffffffffff/000001ffffffffff/0000000000000000 keepcaps=0",
                "creds 6 uid=1000,1000,1000,1000 gid=100,100,100,100 caps=0000000000000000/0000000000000000/0000000000000000/000001ffffffffff/0000000000000000 keepcaps=0",
                "creds 8 uid=0,0,0,0 gid=0,0,0,0 caps=0000000000000000/000001ffffffffff/000001ffffffffff/000001ffffffffff/0000000000000000 keepcaps=0",
                "sigaction 5 10 handler=0x401000 flags=0x14000000",
                "sigaction 5 17 handler=SIG_IGN flags=0x4000000",
                "fd 5 0 flags=0100002 pos=0 path=/dev/console",
                "fd 5 1 flags=0100002 pos=0 path=/dev/console",
                "fd 5 2 flags=0100002 pos=0 path=/dev/console",
                "fd 6 0 flags=0100002 pos=0 path=/dev/console",
                "fd 6 7 flags=02100002 pos=42 path=/var/f",
                "fd 8 0 flags=0100002 pos=0 path=/dev/console",
                "fd 8 1 flags=0100002 pos=0 path=/dev/console",
                "fd 8 2 flags=0100002 pos=0 path=/dev/console",
                "msg 0 key=1000 perms=0640 uid=0 gid=0 cuid=0 cgid=0 qbytes=16384",
                "msg-data 0 0 mtype=1 text=hello",
                "msg-times 0 stime=11 rtime=12 ctime=13 lspid=1 lrpid=0");
    }
}
