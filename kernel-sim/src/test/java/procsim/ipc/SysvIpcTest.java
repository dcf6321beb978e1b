package procsim.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import procsim.kernel.Sim;
import procsim.task.Task;

/** SysV IPC ids and operations (linux-facts §4) and the seed patch's IPC parts. */
class SysvIpcTest {
    private final Sim sim = new Sim();
    private final Sim.Runner root = sim.as(1);
    private final Task init = sim.task(1);

    private String stat(String ctl, int id) {
        return root.run(ctl + " " + id + " IPC_STAT");
    }

    /**
     * IPC_STAT copies out struct msqid64_ds, semid64_ds and shmid64_ds (include/uapi/asm-generic/
     * msgbuf.h, sembuf.h, shmbuf.h: ipc64_perm, then the times, counts and pids, the pids as the
     * caller's namespace sees them): records the syscall reply and /proc/sysvipc both format.
     */
    @Test
    void statCopiesOutTheDsRecords() {
        long now = 1_700_000_000L;
        int q = root.ok("msgget 5 IPC_CREAT|0640");
        root.ok("msgsnd " + q + " 1 hello");
        assertThat(sim.kernel.write(() -> sim.kernel.msg().msgStat(init, q))).isEqualTo(
                new MsqidDs(new Ipc64Perm(5, q, 0, 0, 0, 0, 0640), now, 0, now, 5, 1, IpcNamespace.MSGMNB, 1, 0));
        int s = root.ok("semget IPC_PRIVATE 3 0600");
        assertThat(sim.kernel.write(() -> sim.kernel.sem().semStat(init, s))).isEqualTo(
                new SemidDs(new Ipc64Perm(0, s, 0, 0, 0, 0, 0600), 0, now, 3));
        int m = root.ok("shmget 7 5000 IPC_CREAT|0600");
        root.ok("shmat " + m);
        assertThat(sim.kernel.write(() -> sim.kernel.shm().shmStat(init, m))).isEqualTo(
                new ShmidDs(new Ipc64Perm(7, m, 0, 0, 0, 0, 0600), 5000, now, 0, now, 1, 1, 1));
    }

    @Test
    void createAndRemoveLoopCyclesThroughSixtyFourThenBumpsSeq() {
        for (int i = 0; i < 64; i++) {
            assertThat(root.run("msgget IPC_PRIVATE 0600")).isEqualTo(String.valueOf(i));
            root.ok("msgctl " + i + " IPC_RMID");
        }
        assertThat(root.run("msgget IPC_PRIVATE 0600")).isEqualTo("32768");
        root.ok("msgctl 32768 IPC_RMID");
        assertThat(root.run("msgget IPC_PRIVATE 0600")).isEqualTo("32769");
    }

    @Test
    void theCursorOnlyMovesForward() {
        root.ok("semget IPC_PRIVATE 1 0600");
        root.ok("semget IPC_PRIVATE 1 0600");
        root.ok("semget IPC_PRIVATE 1 0600");
        root.ok("semctl 0 0 IPC_RMID");
        assertThat(root.run("semget IPC_PRIVATE 1 0600")).isEqualTo("3");
    }

    @Test
    void keysPrivateCreateExclAndEnoent() {
        assertThat(root.run("msgget 4660 0600")).isEqualTo("-1 ENOENT");
        int id = root.ok("msgget 4660 IPC_CREAT|0600");
        assertThat(root.run("msgget 4660 0")).isEqualTo(String.valueOf(id));
        assertThat(root.run("msgget 4660 IPC_CREAT|IPC_EXCL|0600")).isEqualTo("-1 EEXIST");
        assertThat(root.run("msgget IPC_PRIVATE IPC_CREAT|IPC_EXCL|0600")).isNotEqualTo(String.valueOf(id));
    }

    @Test
    void permissionsOfANonOwner() {
        int id = root.ok("msgget 77 IPC_CREAT|0600");
        Task user = root.child("fork");
        sim.as(user).ok("setuid 1000");
        assertThat(sim.as(user).run("msgget 77 0")).isEqualTo(String.valueOf(id));
        assertThat(sim.as(user).run("msgget 77 0400")).isEqualTo("-1 EACCES");
        assertThat(sim.as(user).run("msgctl " + id + " IPC_STAT")).isEqualTo("-1 EACCES");
        assertThat(sim.as(user).run("msgctl " + id + " IPC_RMID")).isEqualTo("-1 EPERM");
        assertThat(sim.as(user).run("msgsnd " + id + " 1 hi")).isEqualTo("-1 EACCES");
    }

    @Test
    void nextIdTakesTheNextFreeIndexAboveSilently() {
        root.ok("msgget IPC_PRIVATE 0600");
        IpcIds<MsgQueue> ids = init.ipcNs().msg();
        ids.setNextId(229476); // seq 7, idx 100
        assertThat(root.run("msgget IPC_PRIVATE 0600")).isEqualTo("229476");
        assertThat(ids.nextId()).isEqualTo(-1);
        ids.setNextId(229476);
        assertThat(root.run("msgget IPC_PRIVATE 0600")).isEqualTo("229477");
        assertThat(root.run("msgget IPC_PRIVATE 0600")).isEqualTo("1");
    }

    @Test
    void nextIdIsNotConsumedByAGetThatCreatesNothing() {
        root.ok("msgget 5 IPC_CREAT|0600");
        init.ipcNs().msg().setNextId(5);
        root.ok("msgget 5 0600");
        assertThat(root.run("msgget 5 IPC_CREAT|IPC_EXCL|0600")).isEqualTo("-1 EEXIST");
        assertThat(init.ipcNs().msg().nextId()).isEqualTo(5);
        assertThat(root.run("semget IPC_PRIVATE 0 0600")).isEqualTo("-1 EINVAL");
        init.ipcNs().sem().setNextId(9);
        assertThat(root.run("semget IPC_PRIVATE 0 0600")).isEqualTo("-1 EINVAL");
        assertThat(init.ipcNs().sem().nextId()).isEqualTo(9);
    }

    @ParameterizedTest(name = "LONG1 {0} -> {1}")
    @CsvSource({"500, 500", "98304, 98304", "-1, -1 EINVAL", "0x10000, 65536"})
    void nextSyscallDataGivesTheExactId(String value, String expected) {
        sim.kernel.writeNextSyscallData(init, init, "LONG1 " + value, 0);
        assertThat(root.run("shmget IPC_PRIVATE 4096 0600")).isEqualTo(expected);
        assertThat(init.nextSyscallData()).isNull();
    }

    @Test
    void nextSyscallDataForATakenIndexIsEbusyAndConsumed() {
        root.ok("msgget IPC_PRIVATE 0600");
        sim.kernel.writeNextSyscallData(init, init, "LONG1 32768", 0); // idx 0, seq 1
        assertThat(root.run("msgget IPC_PRIVATE 0600")).isEqualTo("-1 EBUSY");
        assertThat(init.nextSyscallData()).isNull();
        assertThat(root.run("msgget IPC_PRIVATE 0600")).isEqualTo("1");
    }

    @Test
    void sendAndReceiveUpdateTheQueue() {
        int id = root.ok("msgget IPC_PRIVATE 0640");
        Task sender = root.child("fork");
        assertThat(sim.as(sender).run("msgsnd " + id + " 3 hello")).isEqualTo("0");
        assertThat(stat("msgctl", id)).contains("cbytes=5", "qnum=1", "lspid=" + sender.tid(), "lrpid=0",
                "stime=1700000000", "rtime=0", "qbytes=16384", "perms=0640");
        assertThat(root.run("msgrcv " + id + " 0")).isEqualTo("5 mtype=3 text=hello");
        assertThat(stat("msgctl", id)).contains("cbytes=0", "qnum=0", "lrpid=1", "rtime=1700000000");
        assertThat(root.run("msgrcv " + id + " 0 IPC_NOWAIT")).isEqualTo("-1 ENOMSG");
        assertThat(root.run("msgsnd " + id + " 0 x")).isEqualTo("-1 EINVAL");
        assertThat(root.run("msgsnd -1 1 x")).isEqualTo("-1 EINVAL");
        assertThat(root.run("msgsnd " + (id + 32768) + " 1 x")).isEqualTo("-1 EINVAL");
    }

    @Test
    void msgrcvTypeSelection() {
        int id = root.ok("msgget IPC_PRIVATE 0600");
        root.ok("msgsnd " + id + " 5 five");
        root.ok("msgsnd " + id + " 2 two");
        root.ok("msgsnd " + id + " 7 seven");
        assertThat(root.run("msgrcv " + id + " -6")).endsWith("text=two");
        assertThat(root.run("msgrcv " + id + " 5 MSG_EXCEPT")).endsWith("text=seven");
        assertThat(root.run("msgrcv " + id + " 0 MSG_COPY|IPC_NOWAIT")).endsWith("text=five");
        assertThat(root.run("msgrcv " + id + " 5")).endsWith("text=five");
    }

    @Test
    void ipcSetChangesOnlyWhatLinuxLetsIt() {
        int id = root.ok("msgget IPC_PRIVATE 0600");
        root.ok("msgsnd " + id + " 1 abc");
        root.ok("msgctl " + id + " IPC_SET uid=7 gid=8 perms=01644 stime=5 lspid=99 cuid=3 qbytes=1000");
        assertThat(stat("msgctl", id)).contains("uid=7", "gid=8", "perms=0644", "cuid=0", "stime=1700000000",
                "lspid=1", "qbytes=1000");
        assertThat(root.run("msgctl " + id + " IPC_SET bogus=1")).isEqualTo("-1 EINVAL");
        assertThat(root.run("msgctl " + id + " IPC_SET uid=-1")).isEqualTo("-1 EINVAL");
    }

    @Test
    void long1OneBeforeIpcSetRestoresTimesAndPids() {
        int id = root.ok("msgget IPC_PRIVATE 0600");
        sim.kernel.writeNextSyscallData(init, init, "LONG1 1", 0);
        root.ok("msgctl " + id + " IPC_SET stime=111 rtime=222 ctime=333 lspid=1 lrpid=4321");
        assertThat(init.nextSyscallData()).isNull();
        assertThat(stat("msgctl", id)).contains("stime=111", "rtime=222", "ctime=333", "lspid=1", "lrpid=4321");

        int sem = root.ok("semget IPC_PRIVATE 2 0600");
        sim.kernel.writeNextSyscallData(init, init, "LONG1 1", 0);
        root.ok("semctl " + sem + " 0 IPC_SET otime=444 ctime=555");
        assertThat(root.run("semctl " + sem + " 0 IPC_STAT")).contains("otime=444", "ctime=555", "nsems=2");

        int shm = root.ok("shmget IPC_PRIVATE 4096 0600");
        sim.kernel.writeNextSyscallData(init, init, "LONG1 1", 0);
        root.ok("shmctl " + shm + " IPC_SET atime=6 dtime=7 ctime=8 cpid=42 lpid=43");
        assertThat(stat("shmctl", shm)).contains("atime=6", "dtime=7", "ctime=8", "cpid=42", "lpid=43");

        sim.kernel.writeNextSyscallData(init, init, "LONG1 0", 0);
        root.ok("shmctl " + shm + " IPC_SET atime=9");
        assertThat(stat("shmctl", shm)).contains("atime=6", "ctime=1700000000");
    }

    @Test
    void semopRules() {
        int id = root.ok("semget IPC_PRIVATE 2 0600");
        assertThat(root.run("semop " + id + " 0:1,1:2")).isEqualTo("0");
        assertThat(root.run("semctl " + id + " 1 GETVAL")).isEqualTo("2");
        assertThat(root.run("semctl " + id + " 0 GETPID")).isEqualTo("1");
        assertThat(root.run("semop " + id + " 2:1")).isEqualTo("-1 EFBIG");
        assertThat(root.run("semop " + id + " 0:-5:IPC_NOWAIT")).isEqualTo("-1 EAGAIN");
        assertThat(root.run("semop " + id + " 0:32767")).isEqualTo("-1 ERANGE");
        assertThat(root.run("semop " + id + " " + "0:1,".repeat(500) + "0:1")).isEqualTo("-1 E2BIG");
        assertThat(root.run("semctl " + id + " 0 GETALL")).isEqualTo("0 values=1,2");
        assertThat(root.run("semctl " + id + " 0 SETALL 5,6")).isEqualTo("0");
        assertThat(root.run("semctl " + id + " 1 SETVAL 40000")).isEqualTo("-1 ERANGE");
        assertThat(root.run("semctl " + id + " 0 IPC_STAT")).contains("otime=1700000000");
        assertThat(root.run("semget IPC_PRIVATE 32001 0600")).isEqualTo("-1 EINVAL");
        int keyed = root.ok("semget 9 2 IPC_CREAT|0600");
        assertThat(root.run("semget 9 3 0600")).isEqualTo("-1 EINVAL");
        assertThat(root.run("semget 9 1 0600")).isEqualTo(String.valueOf(keyed));
    }

    @Test
    void shmAttachDetachForkExitAndDeferredRemoval() {
        int id = root.ok("shmget 119 10000 IPC_CREAT|0644");
        Task p = root.child("fork");
        long addr = sim.as(p).result("shmat " + id).value();
        assertThat(stat("shmctl", id)).contains("nattch=1", "lpid=" + p.tid(), "cpid=1", "size=10000");
        Task c = sim.as(p).child("fork");
        assertThat(stat("shmctl", id)).contains("nattch=2", "lpid=" + c.tid());
        sim.as(c).ok("exit 0");
        assertThat(stat("shmctl", id)).contains("nattch=1", "lpid=" + c.tid(), "dtime=1700000000");
        root.ok("shmctl " + id + " IPC_RMID");
        assertThat(stat("shmctl", id)).contains("key=0", "perms=01644");
        assertThat(root.run("shmget 119 100 0")).isEqualTo("-1 ENOENT");
        sim.as(p).ok("shmdt " + addr);
        assertThat(stat("shmctl", id)).isEqualTo("-1 EINVAL");
        assertThat(sim.as(p).run("shmdt " + addr)).isEqualTo("-1 EINVAL");
    }

    @Test
    void execveDetachesAndShmdtTakesAnIdToo() {
        int id = root.ok("shmget IPC_PRIVATE 4096 0600");
        Task p = root.child("fork");
        sim.as(p).ok("shmat " + id);
        sim.as(p).ok("shmat " + id + " SHM_RDONLY");
        sim.as(p).ok("shmdt " + id);
        assertThat(stat("shmctl", id)).contains("nattch=1");
        sim.as(p).ok("execve /bin/true");
        assertThat(stat("shmctl", id)).contains("nattch=0");
        assertThat(root.run("shmget IPC_PRIVATE 0 0600")).isEqualTo("-1 EINVAL");
    }

    @Test
    void unshareNewIpcGivesAFreshNamespace() {
        root.ok("msgget IPC_PRIVATE 0600");
        Task p = root.child("fork");
        sim.as(p).ok("unshare CLONE_NEWIPC");
        assertThat(sim.as(p).run("msgget IPC_PRIVATE 0600")).isEqualTo("0");
        assertThat(p.ipcNs()).isNotSameAs(init.ipcNs());
        Task q = root.child("clone CLONE_NEWIPC|SIGCHLD");
        assertThat(q.ipcNs()).isNotSameAs(init.ipcNs()).isNotSameAs(p.ipcNs());
    }

    @Test
    void shmatAtAnAddress() {
        int id = root.ok("shmget IPC_PRIVATE 5000 0600");
        Task p = root.child("fork");
        long a = sim.as(p).result("shmat " + id + " 0 addr=0x7f0000010000").value();
        assertThat(a).isEqualTo(0x7f0000010000L);
        assertThat(sim.as(p).run("shmat " + id + " 0 addr=0x7f0000011000")).isEqualTo("-1 EINVAL"); // overlaps (2 pages)
        assertThat(sim.as(p).run("shmat " + id + " 0 addr=0x7f0000020001")).isEqualTo("-1 EINVAL");
        assertThat(sim.as(p).result("shmat " + id + " SHM_RND addr=0x7f0000020001").value()).isEqualTo(0x7f0000020000L);
        assertThat(sim.as(p).result("shmat " + id + " SHM_RDONLY").value()).isEqualTo(0x7f0000022000L);
        assertThat(p.group().shmMappings()).extracting(ShmMapping::readOnly)
                .containsExactly(false, false, true);
    }

    @Test
    void qbytesAboveMsgmnbNeedsCapSysResourceEvenIfAlreadyThere() {
        int id = root.ok("msgget IPC_PRIVATE 0666");
        root.ok("msgctl " + id + " IPC_SET qbytes=20000");
        Task user = root.child("fork");
        sim.as(user).ok("setuid 1000");
        root.ok("msgctl " + id + " IPC_SET uid=1000");
        assertThat(sim.as(user).run("msgctl " + id + " IPC_SET perms=0600")).isEqualTo("-1 EPERM");
        assertThat(sim.as(user).run("msgctl " + id + " IPC_SET qbytes=100")).isEqualTo("0");
    }
}
