package procsim.restorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint of a directory laid out as a mount (no mount needed), its syscalls answered by a
 * {@link RecordingPort}: process 5 (a child of init) and its thread 7, each mask from its own
 * status's SigBlk, the process's pending signals from ShdPnd.
 */
class CheckpointTest {
    @TempDir
    Path m;
    /** Process 5's stat fields 5 (pgrp) and 6 (session), as the operator at the mount's root reads them. */
    private String pgrp = "1", session = "1";

    /** Writes process 5 (State {@code state}, ShdPnd {@code pending}, SigBlk {@code blocked}) and its thread 7 (SigBlk {@code threadBlocked}). */
    private Image checkpoint(String state, String pending, String blocked, String threadBlocked) throws Exception {
        return checkpoint(state, pending, blocked, threadBlocked, NONE);
    }

    private static final String NONE = Images.NO_SIGNALS;

    /** ...and thread 7's own pending signals, SigPnd {@code threadPending}. */
    private Image checkpoint(String state, String pending, String blocked, String threadBlocked, String threadPending) throws Exception {
        return checkpoint(state, pending, blocked, threadBlocked, threadPending, NONE);
    }

    /** ...and the main thread's own, SigPnd {@code mainPending}. */
    private Image checkpoint(String state, String pending, String blocked, String threadBlocked, String threadPending,
                             String mainPending) throws Exception {
        Path init = Files.createDirectories(m.resolve("1/ns"));
        Files.createSymbolicLink(init.resolve("ipc"), Path.of("ipc:[4026531839]"));
        Files.createSymbolicLink(init.resolve("pid"), Path.of("pid:[4026531836]"));
        Path p = Files.createDirectories(m.resolve("5"));
        Files.createDirectories(p.resolve("ns"));
        Files.createSymbolicLink(p.resolve("ns/ipc"), Path.of("ipc:[4026531839]"));
        Files.createSymbolicLink(p.resolve("ns/pid"), Path.of("pid:[4026531836]"));
        Files.createDirectories(p.resolve("fd"));
        Files.createDirectories(p.resolve("fdinfo"));
        Files.createDirectories(p.resolve("task/5"));
        Files.createDirectories(p.resolve("task/7"));
        Files.writeString(p.resolve("status"), status("init", state, 5, mainPending, pending, blocked));
        Files.writeString(p.resolve("task/7/status"), status("t7", state, 7, threadPending, pending, threadBlocked));
        Files.writeString(p.resolve("cmdline"), "/sbin/init\0");
        Files.writeString(p.resolve("maps"), "");
        List<String> stat = new ArrayList<>(Collections.nCopies(50, "0"));
        stat.set(38 - 3, "17");
        stat.set(5 - 3, pgrp);
        stat.set(6 - 3, session);
        Files.writeString(p.resolve("stat"), "5 (init) " + String.join(" ", stat) + "\n");
        Files.createDirectories(m.resolve("sysvipc"));
        for (String kind : List.of("msg", "sem", "shm")) Files.writeString(m.resolve("sysvipc/" + kind), "");
        return Checkpoint.of(m, new RecordingPort());
    }

    private static String status(String name, String state, int tid, String own, String pending, String blocked) {
        return "Name:\t" + name + "\nState:\t" + state + "\nPPid:\t1\nNSpid:\t" + tid + "\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n"
                + "SigPnd:\t" + own + "\nShdPnd:\t" + pending + "\nSigBlk:\t" + blocked + "\n"
                + "SigIgn:\t0000000000000000\nSigCgt:\t0000000000000000\n"
                + "CapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\nCapEff:\t000001ffffffffff\nCapBnd:\t000001ffffffffff\n"
                + "CapAmb:\t0000000000000000\n";
    }

    /** Each thread's mask from its own status (/proc/PID's is the main thread's); pending, blocked by both, is kept. */
    @Test
    void eachThreadsMaskAndThePendingSignalsEveryThreadBlocksAreSaved() throws Exception {
        Image img = checkpoint("S (sleeping)", "0000000000000800", "0000000000000800", "8000000000000801");
        Image.Process p = img.processes().get(0);
        assertThat(img.version()).isEqualTo(4);
        assertThat(p.sigmask()).containsExactly(12);
        assertThat(p.sigpending()).containsExactly(12);
        assertThat(p.threads()).extracting(Image.Thread::sigmask).containsExactly(List.of(1, 12, 64));
    }

    /** A stopped process keeps every signal but SIGKILL pending until SIGCONT, blocked or not. */
    @Test
    void aStoppedProcessesPendingSignalsAreSaved() throws Exception {
        Image img = checkpoint("T (stopped)", "0000000000004200", "0000000000000000", "0000000000000000");
        Image.Process p = img.processes().get(0);
        assertThat(p.state()).isEqualTo("T");
        assertThat(p.sigpending()).containsExactly(10, 15);
        assertThat(p.sigmask()).isEmpty();
        assertThat(p.threads().get(0).sigmask()).isEmpty();
    }

    /**
     * A signal pending in a running process that one of its threads does not block would be taken
     * by that thread once the restore sends it: refused (the sim never leaves one so, Linux neither).
     */
    @Test
    void aPendingSignalAThreadDoesNotBlockIsRefused() {
        assertThatThrownBy(() -> checkpoint("S (sleeping)", "0000000000000800", "0000000000000800", "0000000000000001"))
                .isInstanceOf(ImageException.class)
                .hasMessage("checkpoint: task 5 has signals pending (ShdPnd 0000000000000800) that a thread does not block and it is "
                        + "not stopped: not supported");
    }

    /** A signal pending for one thread alone (tkill: its SigPnd) that it blocks is its ownSigpending. */
    @Test
    void aThreadsOwnPendingSignalItBlocksIsSaved() throws Exception {
        Image img = checkpoint("S (sleeping)", NONE, NONE, "0000000000000801", "0000000000000800");
        assertThat(img.processes().get(0).threads().get(0).ownSigpending()).containsExactly(12);
        assertThat(img.processes().get(0).ownSigpending()).isEmpty();
    }

    /** The main thread's own (its SigPnd, /proc/PID/status's) is the process's ownSigpending. */
    @Test
    void theMainThreadsOwnPendingSignalIsSaved() throws Exception {
        Image img = checkpoint("S (sleeping)", NONE, "0000000000000800", NONE, NONE, "0000000000000800");
        assertThat(img.processes().get(0).ownSigpending()).containsExactly(12);
        assertThat(img.processes().get(0).sigpending()).isEmpty();
        assertThat(img.processes().get(0).threads().get(0).ownSigpending()).isEmpty();
    }

    /** A stopped process's thread keeps its own pending signals too, blocked or not. */
    @Test
    void aStoppedThreadsOwnPendingSignalIsSaved() throws Exception {
        Image img = checkpoint("T (stopped)", NONE, NONE, NONE, "0000000000004000");
        assertThat(img.processes().get(0).threads().get(0).ownSigpending()).containsExactly(15);
    }

    /** One it does not block, in a running process, it would take at once: refused. */
    @Test
    void aThreadsOwnPendingSignalItWouldTakeIsRefused() {
        assertThatThrownBy(() -> checkpoint("S (sleeping)", NONE, "0000000000000800", "0000000000000001", "0000000000000800"))
                .isInstanceOf(ImageException.class)
                .hasMessage("checkpoint: thread 7 of 5 has signals pending for it alone (SigPnd 0000000000000800) that it does not "
                        + "block and 5 is not stopped: not supported");
    }

    /** The process group and session from stat's fields 5 and 6 (root numbers: the operator's), the exit signal from 38. */
    @Test
    void theProcessGroupAndSessionAreStatsFields5And6() throws Exception {
        pgrp = "9";
        session = "4";
        Image.Process p = checkpoint("S (sleeping)", NONE, NONE, NONE).processes().get(0);
        assertThat(p.pgid()).isEqualTo(9);
        assertThat(p.sid()).isEqualTo(4);
        assertThat(p.exitSignal()).isEqualTo(17);
    }
}
