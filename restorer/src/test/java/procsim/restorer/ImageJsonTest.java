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
        assertThat(ImageJson.toJson(img)).startsWith("{\n  \"format\" : \"procsim-image\",\n  \"version\" : 4,");
        assertThat(ImageJson.toJson(img)).contains("\"ownSigpending\" : [ ],\n    \"pgid\" : 6,\n    \"sid\" : 5\n");
        assertThat(ImageJson.toJson(img)).contains("\"sigmask\" : [ 1, 12 ]", "\"sigmask\" : [ 12 ],\n    \"sigpending\" : [ 12 ]");
    }

    /** {@code text} with its processes' {@code pgid} and {@code sid} taken out. */
    private static String withoutGroups(String text) {
        return text.replaceAll(",\\s*\"(pgid|sid)\" : [0-9]+", "");
    }

    /** The sample as a version 3 image (before process groups and sessions). */
    private static String v3() {
        return withoutGroups(ImageJson.toJson(Images.sample())).replace("\"version\" : 4,", "\"version\" : 3,");
    }

    /**
     * A version 3 image (before process groups and sessions) still reads: every process in init's
     * group and session, 1, as a sim then had; it may not carry them.
     */
    @Test
    void aVersion3ImageReadsInInitsGroupAndSession() throws Exception {
        String v3 = v3();
        assertThat(v3).doesNotContain("pgid").doesNotContain("\"sid\"").contains("ownSigpending");
        Image img = read(v3);
        assertThat(img.version()).isEqualTo(3);
        assertThat(img.processes()).allMatch(p -> p.pgid() == 1 && p.sid() == 1);
        assertThat(img.processes().get(0).sigmask()).isEqualTo(Images.sample().processes().get(0).sigmask());
        String v4 = ImageJson.toJson(Images.sample());
        assertThatThrownBy(() -> read(v4.replace("\"version\" : 4,", "\"version\" : 3,"))).isInstanceOf(ImageException.class)
                .hasMessageStartingWith("bad image: processes[0].pgid: Unrecognized field \"pgid\"");
        assertThatThrownBy(() -> read(v3.replace("\"pid\" : 8,", "\"pid\" : 8, \"sid\" : 8,"))).isInstanceOf(ImageException.class)
                .hasMessageStartingWith("bad image: processes[2].sid: Unrecognized field \"sid\"");
    }

    /** {@code text} with its process's and threads' {@code sigmask}, {@code sigpending} and {@code ownSigpending} taken out. */
    private static String withoutSignalSets(String text) {
        return text.replaceAll(",\\s*\"(sigmask|sigpending|ownSigpending)\" : \\[[^\\]]*\\]", "");
    }

    /**
     * A version 2 image (before masks and pending signals) still reads: no mask, nothing pending, as
     * a sim then had; it may not carry them, in a process or in a thread.
     */
    @Test
    void aVersion2ImageReadsWithNoMaskAndNothingPending() throws Exception {
        String v3 = v3();
        String v2 = withoutSignalSets(v3.replace("\"version\" : 3,", "\"version\" : 2,"));
        assertThat(v2).doesNotContain("sigmask").doesNotContain("sigpending").contains("sigactions");
        Image img = read(v2);
        assertThat(img.version()).isEqualTo(2);
        assertThat(img.processes()).allMatch(p -> p.sigmask().isEmpty() && p.sigpending().isEmpty() && !p.threads().stream()
                .anyMatch(t -> !t.sigmask().isEmpty()));
        assertThat(img.processes().get(0).sigactions()).isEqualTo(Images.sample().processes().get(0).sigactions());
        assertThatThrownBy(() -> read(v3.replace("\"version\" : 3,", "\"version\" : 2,"))).isInstanceOf(ImageException.class)
                .hasMessageStartingWith("bad image: processes[0].sigmask: Unrecognized field \"sigmask\"");
        String threadsOnly = v2.replace("\"comm\" : \"t7\",", "\"comm\" : \"t7\", \"sigmask\" : [ ],");
        assertThat(threadsOnly).contains("\"sigmask\" : [ ]");
        assertThatThrownBy(() -> read(threadsOnly)).isInstanceOf(ImageException.class)
                .hasMessage("bad image: processes[0].threads[0].sigmask: Unrecognized field \"sigmask\" (one of tid, nspid, comm, creds)");
        String processOnly = v2.replace("\"pid\" : 8,", "\"pid\" : 8, \"sigpending\" : [ ],");
        assertThatThrownBy(() -> read(processOnly)).isInstanceOf(ImageException.class)
                .hasMessageStartingWith("bad image: processes[2].sigpending: Unrecognized field \"sigpending\"");
    }

    /**
     * A version 1 image (before signal actions) still reads: its processes have no sigactions
     * (every action was SIG_DFL then), and may not carry any.
     */
    @Test
    void aVersion1ImageReadsWithEveryActionDefault() throws Exception {
        String v2 = withoutSignalSets(v3()).replace("\"version\" : 3,", "\"version\" : 2,");
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
        "/version;                  5;                image version 5 is not supported (this procsim reads versions 1 to 4)",
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
        "/processes/0/sigmask/0;    \"SIGUSR2\";      bad image: processes[0].sigmask[0]: not an integer: \"SIGUSR2\"",
        "/processes/0/threads/0/sigmask; -;           bad image: processes[0].threads[0]: missing field \"sigmask\"",
        "/processes/1/sigpending;   15;               bad image: processes[1].sigpending: not an array: 15",
        "/processes/2/sigpending;   -;                bad image: processes[2]: missing field \"sigpending\"",
        "/processes/0/threads/0/ownSigpending; -;     bad image: processes[0].threads[0]: missing field \"ownSigpending\"",
        "/processes/1/ownSigpending; [\"x\"];          bad image: processes[1].ownSigpending[0]: not an integer: \"x\"",
        "/processes/1/pgid;         -;                bad image: processes[1]: missing field \"pgid\"",
        "/processes/2/sid;          \"1\";            bad image: processes[2].sid: not an integer: \"1\"",
        "/processes/0/pgid;         [5];              bad image: processes[0].pgid: not an integer: [5]",
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
        assertThatThrownBy(() -> read(good.replaceFirst("\"version\" : 4,", "\"version\" : 4, \"version\" : 4,")))
                .isInstanceOf(ImageException.class);
    }

    /** The text form lists the signals ascending whatever the image's order (the reference restorer sends them in it). */
    @Test
    void theTextFormListsSignalsAscending() {
        Image.Process p = Images.signals(Images.proc(5, 1, List.of(5), "init"), List.of(12, 1), List.of(34, 12));
        assertThat(ImageText.lines(Images.of(p))).contains("sigmask 5 signals=1,12", "sigpending 5 signals=12,34");
    }

    @Test
    void theTextFormIsOneSortedRecordALine() {
        List<String> lines = ImageText.lines(Images.sample());
        assertThat(lines).containsExactly(
                "procsim-image 4",
                "process 5 ppid=1 nspid=5,1 pidns=init:5 comm=init exit_signal=17 state=S subreaper=0 argv=/sbin/init",
                "process 6 ppid=5 nspid=6,2 pidns=init:5 comm=init exit_signal=10 state=T subreaper=1 argv=/sbin/init",
                "process 8 ppid=1 nspid=8 pidns=root comm=w8 exit_signal=17 state=S subreaper=0 argv=/usr/bin/w8 -x",
                "thread 5 7 nspid=7,3 comm=t7",
                // not for 8, in init's session and group
                "session 5 sid=5 pgid=5",
                "session 6 sid=5 pgid=6",
                "creds 5 uid=0,0,0,0 gid=0,0,0,0 caps=0000000000000000/000001ffffffffff/000001ffffffffff/000001ffffffffff/0000000000000000 keepcaps=0",
                "creds 7 uid=0,0,0,0 gid=0,0,0,0 caps=0000000000000000/000001ffffffffff/000001ffffffffff/000001ffffffffff/0000000000000000 keepcaps=0",
                "creds 6 uid=1000,1000,1000,1000 gid=100,100,100,100 caps=0000000000000000/0000000000000000/0000000000000000/000001ffffffffff/0000000000000000 keepcaps=0",
                "creds 8 uid=0,0,0,0 gid=0,0,0,0 caps=0000000000000000/000001ffffffffff/000001ffffffffff/000001ffffffffff/0000000000000000 keepcaps=0",
                "sigaction 5 10 handler=0x401000 flags=0x14000000",
                "sigaction 5 17 handler=SIG_IGN flags=0x4000000",
                "sigmask 5 signals=12",
                "sigmask 7 signals=1,12",
                "sigmask 6 signals=10,64",
                "sigpending 5 signals=12",
                "sigpending 6 signals=15",
                "own-sigpending 5 signals=12",
                "own-sigpending 7 signals=1",
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
