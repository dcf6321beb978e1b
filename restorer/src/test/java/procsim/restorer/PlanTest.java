package procsim.restorer;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** An image a restore cannot make is refused with one line, and nothing is written. */
class PlanTest {
    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "/processes/0/pid;            1;                      task 1 is init, which a restore does not make",
        "/processes/2/pid;            6;                      task 6 twice in the image",
        "/processes/2/pid;            7;                      task 7 twice in the image",
        "/processes/1/ppid;           77;                     the parent 77 of 6 is not in the image",
        "/processes/2/nspid;          [8,4,1];                task 8 (level 2) cannot be a child of 1 (level 0)",
        "/processes/2/nspid;          [9];                    the NSpid of 8 does not begin with 8",
        "/processes/0/nspid;          [5,3];                  task 5 starts a pid namespace but is not its init",
        "/processes/1/fds/1/flags;    \"08\";                 not an fd's flags: 'flags=08'",
        "/processes/1/fds/1/path;     \"/a b\";               fd 7 of 6: a blank in the path",
        "/processes/1/state;          \"R\";                  state 'R' of 6: a restore makes S (sleeping) or T (stopped)",
        "/processes/1/comm;           \"a b\";                comm of 6 is empty or has a blank",
        "/processes/2/argv;           [];                     argv of 8 is empty",
        "/processes/1/creds/gid;      [100,0,0,0];            gids of 6 differ (100,0,0,0): the sim has only setgid",
        "/processes/1/creds/caps/ambient; \"0000000000000001\"; ambient capabilities 0000000000000001 of 6: the sim has no PR_CAP_AMBIENT",
        "/processes/1/creds/caps/bounding; \"0000000000000001\"; the bounding set 0000000000000001 of 6 is not init's",
        "/msg/0/perms;                \"x[$(touch y)]\";      not a mode: 'perms=x[$(touch y)]' of msg 0",
        "/msg/0/messages/0/text;      \"a b\";                a message of msg 0 has a blank or no text",
        "/processes/0/sigactions/0/sig; 9;                    sigaction 9 of 5: no such action",
        "/processes/0/sigactions/0/sig; 65;                   sigaction 65 of 5: no such action",
        "/processes/0/sigactions/0/sig; 10;                   sigaction 10 of 5 twice in the image",
        "/processes/0/sigactions/0/handler; \"0x1 SIGKILL\";  sigaction 17 of 5: not a handler: 'handler=0x1 SIGKILL'",
        "/processes/0/sigactions/1/flags; \"SA_RESTART\";     sigaction 10 of 5: not sa_flags: 'flags=SA_RESTART'",
        "/processes/0/sigactions/1/flags; \"0x10000000000000000\"; sigaction 10 of 5: not sa_flags",
        "/processes/0/sigactions/0;   {\"sig\":17,\"handler\":\"SIG_DFL\",\"flags\":\"0x0\"}; sigaction 17 of 5: SIG_DFL with no flags is no entry",
        // masks and pending signals as status's SigBlk and ShdPnd can show them, nothing a restore's kill would deliver
        "/processes/0/sigmask;        [9];                    sigmask of 5: signal 9 cannot be blocked",
        "/processes/0/threads/0/sigmask; [1,19];              sigmask of 7: signal 19 cannot be blocked",
        "/processes/2/sigmask;        [65];                   sigmask of 8: signal 65 cannot be blocked",
        "/processes/0/sigmask;        [12,12];                sigmask of 5: signal 12 twice in the image",
        "/processes/0/sigpending;     [9];                    sigpending of 5: signal 9 cannot be pending",
        "/processes/1/sigpending;     [0];                    sigpending of 6: signal 0 cannot be pending",
        "/processes/1/sigpending;     [15,15];                sigpending of 6: signal 15 twice in the image",
        "/processes/0/threads/0/sigmask; [1];                 sigpending of 5: signal 12 is not blocked by every thread and 5 is not stopped: a thread would take it",
        "/processes/2/sigpending;     [2];                    sigpending of 8: signal 2 is not blocked by every thread and 8 is not stopped",
        "/processes/1/sigpending;     [15,18];                sigpending of 6: SIGCONT would continue the stopped 6",
        // a thread's own (tkill's), the same by that thread's mask alone
        "/processes/0/threads/0/ownSigpending; [15];          ownSigpending of 7: signal 15 is not blocked by 7 and 5 is not stopped: it would take it",
        "/processes/0/ownSigpending;  [1];                    ownSigpending of 5: signal 1 is not blocked by 5 and 5 is not stopped",
        "/processes/0/ownSigpending;  [9];                    ownSigpending of 5: signal 9 cannot be pending",
        "/processes/0/ownSigpending;  [12,12];                ownSigpending of 5: signal 12 twice in the image",
        "/processes/1/ownSigpending;  [18];                   ownSigpending of 6: SIGCONT would continue the stopped 6",
        // sessions and groups setsid and setpgid alone can make (5 leads session 5, 6 group 6 of it, 8 is in init's 1/1)
        "/processes/2/sid;            5;                      session 5 of 8 is neither its parent's (1) nor its own: the parent it got its session from is gone (CRIU makes a helper task for such a process)",
        "/processes/0/pgid;           1;                      5 leads session 5 but is in group 1: a session leader leads its group (setpgid cannot move it)",
        "/processes/2/pgid;           7;                      group 7 of 8 has no leader in the image (no process 7 in group 7): a restore makes a group by its leader's setpgid; this one needs a helper task (as CRIU makes)",
        "/processes/2/pgid;           9;                      group 9 of 8 has no leader in the image",
        "/processes/2/pgid;           6;                      group 6 of 8 is in session 5, 8 in session 1: a group lies within one session",
        "/processes/0/pgid;           0;                      pgid 0 and sid 5 of 5",
        "/processes/2/sid;            -1;                     pgid 1 and sid -1 of 8",
    })
    void refusedBeforeAnythingIsMade(String pointer, String value, String message) throws Exception {
        Image img = ImageJsonTest.read(ImageJsonTest.mutated(pointer.strip(), value.strip()));
        RecordingPort port = new RecordingPort();
        port.tasks.put(1, Images.task("init", 0, List.of(1)));
        assertThatThrownBy(() -> Restore.run(img, RestoreMethod.CLONE3, port, false)).isInstanceOf(ImageException.class)
                .hasMessageStartingWith(message.strip());
        assertThat(port.writes).isEmpty();
    }

    /** {@code procs}' restore is refused with {@code message}, before anything is written. */
    private static void refused(String message, Image.Process... procs) {
        RecordingPort port = new RecordingPort();
        port.tasks.put(1, Images.task("init", 0, List.of(1)));
        assertThatThrownBy(() -> Restore.run(Images.of(procs), RestoreMethod.CLONE3, port, false)).isInstanceOf(ImageException.class)
                .hasMessage(message);
        assertThat(port.writes).isEmpty();
    }

    /**
     * A session leader that forked its children before its setsid (they stay in the session it
     * had): it calls setsid once every task is made. One that forked some before and some after is
     * refused: the restore does not order a leader's children around its setsid.
     */
    @org.junit.jupiter.api.Test
    void aSessionLeaderWhoseChildrenAllCameBeforeItsSetsidCallsItLast() throws Exception {
        Image.Process leader = Images.session(Images.proc(2, 1, List.of(2), "init"), 2, 2);
        Image.Process before = Images.session(Images.proc(3, 2, List.of(3), "init"), 1, 1);
        Image.Process grandchild = Images.session(Images.proc(5, 3, List.of(5), "init"), 1, 1);
        Plan plan = new Plan(Images.of(leader, before, grandchild), "init");
        assertThat(plan.sessionsLate).containsExactly(2);
        assertThat(plan.regroups).isEmpty();
        Image.Process after = Images.session(Images.proc(4, 2, List.of(4), "init"), 2, 2);
        refused("2 leads session 2 but some of its children stay in session 1: it forked them before its setsid and others after, "
                + "which a restore does not order", leader, before, after);
    }

    /** A shell job's leader that forks a pid namespace's init (unshare -fp): the child is made in the group it cannot name from inside. */
    @org.junit.jupiter.api.Test
    void aGroupLeadersChildInANewPidNamespaceIsMadeInItsGroup() throws Exception {
        Image.Process job = Images.session(Images.proc(2, 1, List.of(2), "init"), 2, 1);
        Image.Process nsInit = Images.session(Images.proc(3, 2, List.of(3, 1), "init"), 2, 1);
        Plan plan = new Plan(Images.of(job, nsInit), "init");
        assertThat(plan.regroups).isEmpty();
        assertThat(plan.madeGroup).containsEntry(2, 2).containsEntry(3, 2);
    }

    /**
     * A process whose group is another than the one it would inherit joins it by setpgid in its own
     * pid namespace, which must number the group: one of an outer namespace is refused (the group it
     * inherits needs none, wherever it is), also when the group's leader moved on to another group.
     */
    @org.junit.jupiter.api.Test
    void aGroupOutsideTheNamespaceOfAProcessThatMustJoinItIsRefusedWhereverItsLeaderIs() throws Exception {
        Image.Process leader = Images.session(Images.proc(2, 1, List.of(2), "init"), 2, 2);
        Image.Process group = Images.session(Images.proc(3, 2, List.of(3), "init"), 3, 2);
        Image.Process nested = Images.session(Images.proc(4, 2, List.of(4, 1), "init"), 3, 2);
        refused("group 3 of 4 is not in the pid namespace of 4, where it would inherit group 2: its setpgid cannot name it there",
                leader, group, nested);
        // in the group it inherits, or its own: nothing to name
        Image.Process inherits = Images.session(Images.proc(4, 2, List.of(4, 1), "init"), 2, 2);
        Image.Process below = Images.session(Images.proc(5, 4, List.of(5, 2), "init"), 2, 2);
        assertThat(new Plan(Images.of(leader, group, inherits, below), "init").regroups).as("3 makes its group as it is made").isEmpty();
        // 3 left its group 3 for 2 afterwards (L3 of review 11b): 4, in its own namespace, still cannot name group 3
        refused("group 3 of 4 is not in the pid namespace of 4, where it would inherit group 2: its setpgid cannot name it there",
                leader, Images.session(group, 2, 2), nested);
    }

    /**
     * A group leader that moved to another group of its session after a member joined (L; setpgid 0 0;
     * C = fork; L: setpgid 0 1): it makes its group with the leaders, the member joins, then it
     * moves, last. One that moved into a group whose leader moved on too (review 12's L5) is made
     * too: each move into a group that has a member then.
     */
    @org.junit.jupiter.api.Test
    void aGroupWhoseLeaderMovedOnIsMadeByItThenLeft() throws Exception {
        Image.Process moved = Images.session(Images.proc(2, 1, List.of(2), "init"), 1, 1);
        Image.Process member = Images.session(Images.proc(3, 2, List.of(3), "init"), 2, 1);
        Image.Process other = Images.session(Images.proc(4, 1, List.of(4), "init"), 4, 1);
        Image.Process joins = Images.session(Images.proc(5, 1, List.of(5), "init"), 4, 1);
        Plan plan = new Plan(Images.of(moved, member, other, joins), "init");
        assertThat(plan.regroups).containsExactly(new Plan.Regroup(2, 2), new Plan.Regroup(5, 4), new Plan.Regroup(3, 2),
                new Plan.Regroup(2, 1)); // the leaders, the members (in the plan's order, shallowest first), the moves
        assertThat(plan.groupsAsMade).containsExactly(4);
        // 2 moved into 4's group, and 4 to init's afterwards, where 5 still holds group 4: either order
        plan = new Plan(Images.of(Images.session(moved, 4, 1), member, Images.session(other, 1, 1), joins), "init");
        assertThat(plan.regroups).containsExactly(new Plan.Regroup(4, 4), new Plan.Regroup(2, 2), new Plan.Regroup(5, 4),
                new Plan.Regroup(3, 2), new Plan.Regroup(4, 1), new Plan.Regroup(2, 4));
    }

    /**
     * Moved leaders' moves go in an order setpgid takes (kernel/sys.c: the group joined must exist):
     * a chain (4 made group 4, 2 made group 2, 3 forked into it, 2 joined 4, 4 went back to init's
     * group: only 2 holds group 4 then) has 2 move before 4; two leaders that swapped groups while a
     * member (4) held one of them move in turn; a swap with no member left in either, which setpgid
     * cannot make (the first move would empty the group the second joins), is refused.
     */
    @org.junit.jupiter.api.Test
    void movedLeadersMoveInAnOrderSetpgidTakes() throws Exception {
        Image.Process into = Images.session(Images.proc(2, 1, List.of(2), "init"), 4, 1);
        Image.Process member = Images.session(Images.proc(3, 2, List.of(3), "init"), 2, 1);
        Image.Process back = Images.session(Images.proc(4, 1, List.of(4), "init"), 1, 1);
        assertThat(new Plan(Images.of(into, member, back), "init").regroups).containsExactly(new Plan.Regroup(4, 4),
                new Plan.Regroup(2, 2), new Plan.Regroup(3, 2), new Plan.Regroup(2, 4), new Plan.Regroup(4, 1));
        Image.Process a = Images.session(Images.proc(2, 1, List.of(2), "init"), 3, 1);
        Image.Process b = Images.session(Images.proc(3, 1, List.of(3), "init"), 2, 1);
        Image.Process holds = Images.session(Images.proc(4, 2, List.of(4), "init"), 2, 1);
        assertThat(new Plan(Images.of(a, b, holds), "init").regroups).containsExactly(new Plan.Regroup(3, 3),
                new Plan.Regroup(2, 2), new Plan.Regroup(4, 2), new Plan.Regroup(2, 3), new Plan.Regroup(3, 2));
        refused("group leaders 3 (to group 2), 2 (to group 3) moved to each other's groups in no order setpgid can make: "
                + "each would leave a group empty that another must join", a, b);
    }

    /** A parent missing two levels up, its child listed first: refused, not a NullPointerException. */
    @org.junit.jupiter.api.Test
    void aGrandparentMissingFromTheImageIsRefused() {
        Image img = Images.of(Images.proc(10, 20, List.of(10), "init"), Images.proc(20, 99, List.of(20), "init"));
        RecordingPort port = new RecordingPort();
        port.tasks.put(1, Images.task("init", 0, List.of(1)));
        assertThatThrownBy(() -> Restore.run(img, RestoreMethod.CLONE3, port, false)).isInstanceOf(ImageException.class)
                .hasMessage("the parent 99 of 20 is not in the image");
        assertThat(port.writes).isEmpty();
    }

    /**
     * The plan's checks say what the regexes they replace meant: a blank anywhere ({@code \s}: the
     * old {@code .*\s.*} without DOTALL missed two line ends in a row), {@code 0[0-7]*}, {@code [0-9a-f]{16}}.
     */
    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a", "a b", "a\tb", "a\nb", "a\n\nb", "\u000bx", "x\f", "x\r", "a\u00a0b", "\u2003", "0", "00",
        "0755", "08", "1", "07x", "000001ffffffffff", "000001FFFFFFFFFF", "000001ffffffffg0", "000001ffffffffff0", "00000000000000c0"})
    void theChecksAgreeWithTheirRegexes(String s) {
        assertThat(Plan.hasBlank(s)).as("blank in '%s'", s).isEqualTo(Pattern.compile(".*\\s.*", Pattern.DOTALL).matcher(s).matches());
        assertThat(Plan.octal(s)).as("octal '%s'", s).isEqualTo(s.matches("0[0-7]*"));
        assertThat(Plan.hex64(s)).as("hex64 '%s'", s).isEqualTo(s.matches("[0-9a-f]{16}"));
    }

    /**
     * The creation order, one compare method, is the chain of comparators it replaced: depth, then
     * parent, then named as the parent first, then name, then pid, over a random tree whose ties
     * need every key (few names, parents with many children).
     */
    @org.junit.jupiter.api.Test
    void theOrderIsTheComparatorChainItReplaced() throws Exception {
        java.util.Random rnd = new java.util.Random(13);
        List<Image.Process> procs = new java.util.ArrayList<>();
        java.util.Map<Integer, Integer> depth = new java.util.HashMap<>();
        java.util.Map<Integer, String> comms = new java.util.HashMap<>(java.util.Map.of(1, "init"));
        List<Integer> pids = new java.util.ArrayList<>(List.of(1));
        for (int pid = 2; pid < 400; pid++) {
            int ppid = pids.get(rnd.nextInt(Math.min(pids.size(), 30)));
            String comm = List.of("init", "a", "b", "c").get(rnd.nextInt(4));
            procs.add(Images.proc(pid, ppid, List.of(pid), comm));
            depth.put(pid, ppid == 1 ? 0 : depth.get(ppid) + 1);
            comms.put(pid, comm);
            pids.add(pid);
        }
        java.util.Collections.shuffle(procs, rnd);
        List<Image.Process> expected = new java.util.ArrayList<>(procs);
        expected.sort(java.util.Comparator.<Image.Process>comparingInt(p -> depth.get(p.pid())).thenComparingInt(Image.Process::ppid)
                .thenComparing(p -> !p.comm().equals(comms.get(p.ppid()))).thenComparing(Image.Process::comm)
                .thenComparingInt(Image.Process::pid));
        Plan plan = new Plan(Images.of(procs.toArray(Image.Process[]::new)), "init");
        assertThat(plan.order).extracting(Image.Process::pid).containsExactlyElementsOf(expected.stream().map(Image.Process::pid).toList());
    }
}
