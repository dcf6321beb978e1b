/*
 * SysV message queues with chosen ids. The mainline part (msg_next_id: plain file I/O on
 * /proc/sys/kernel/msg_next_id; msgget, msgsnd, msgrcv, msgctl) runs under `procsim exec` and
 * natively as an IPC namespace's init with the same output; the seed part (next_syscall_data
 * LONG1 ID before msgget, LONG1 1 before IPC_SET restoring the times) only under the shim, and
 * natively reports ENOSYS. Linux facts (ipc/util.c ipc_idr_alloc, ipc/msg.c, msgctl(2)): a set
 * msg_next_id gives the next new queue that id and goes back to -1; id = seq * 32768 + idx;
 * msgsnd records lspid and qnum, msgrcv lrpid; a message longer than msgsz without MSG_NOERROR
 * is E2BIG; an empty queue with IPC_NOWAIT is ENOMSG; IPC_SET changes the mode but not the times;
 * IPC_CREAT|IPC_EXCL on an existing key is EEXIST; a removed queue's id is EINVAL.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/msg.h>
#include <unistd.h>

#include "../procsim.h"
#include "tap.h"

static long next_id(const char *value)
{
	long v = -2;
	FILE *f;
	if (value) {
		f = fopen("/proc/sys/kernel/msg_next_id", "w");
		if (!f) return -3;
		fputs(value, f);
		if (fclose(f)) return -4;
	}
	f = fopen("/proc/sys/kernel/msg_next_id", "r");
	if (!f) return -3;
	if (fscanf(f, "%ld", &v) != 1) v = -2;
	fclose(f);
	return v;
}

int main(void)
{
	struct msqid_ds ds;
	struct {
		long mtype;
		char mtext[64];
	} m = { 3, "hello" };
	errno = 0;
	int shim = procsim_next_syscall_data_reset() == 0;
	tap_plan(shim ? 12 : 11);

	tap_ok(next_id("98311\n") == 98311, "msg_next_id takes 98311 (seq 3, idx 7)");
	int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	tap_ok(id == 98311 && next_id(NULL) == -1, "msgget gets 98311; msg_next_id is -1 again");
	tap_ok(msgsnd(id, &m, 5, 0) == 0 && msgctl(id, IPC_STAT, &ds) == 0 && ds.msg_qnum == 1 && ds.__msg_cbytes == 5 &&
		       ds.msg_lspid == getpid() && ds.msg_perm.mode == 0600 && ds.msg_perm.__seq == 3 && ds.msg_stime > 0,
	       "msgsnd: IPC_STAT says qnum 1, cbytes 5, lspid ours, mode 0600, seq 3");
	errno = 0;
	tap_ok(msgrcv(id, &m, 2, 0, 0) == -1 && errno == E2BIG, "msgrcv into 2 bytes without MSG_NOERROR: E2BIG");
	memset(&m, 0, sizeof(m));
	tap_ok(msgrcv(id, &m, sizeof(m.mtext), 3, 0) == 5 && m.mtype == 3 && !strcmp(m.mtext, "hello") &&
		       msgctl(id, IPC_STAT, &ds) == 0 && ds.msg_qnum == 0 && ds.msg_lrpid == getpid(),
	       "msgrcv of type 3 gets hello; qnum 0, lrpid ours");
	errno = 0;
	tap_ok(msgrcv(id, &m, sizeof(m.mtext), 0, IPC_NOWAIT) == -1 && errno == ENOMSG, "an empty queue, IPC_NOWAIT: ENOMSG");
	time_t stime = ds.msg_stime;
	ds.msg_perm.mode = 0640;
	ds.msg_stime = 12345;
	tap_ok(msgctl(id, IPC_SET, &ds) == 0 && msgctl(id, IPC_STAT, &ds) == 0 && ds.msg_perm.mode == 0640 &&
		       ds.msg_stime == stime,
	       "IPC_SET changes the mode, not stime");
	int k = msgget(0x5eed, IPC_CREAT | 0600);
	errno = 0;
	tap_ok(k >= 0 && msgget(0x5eed, IPC_CREAT | IPC_EXCL | 0600) == -1 && errno == EEXIST, "IPC_CREAT|IPC_EXCL on a taken key: EEXIST");
	tap_ok(msgctl(k, IPC_RMID, NULL) == 0 && msgctl(id, IPC_RMID, NULL) == 0, "IPC_RMID");
	errno = 0;
	tap_ok(msgsnd(id, &m, 5, IPC_NOWAIT) == -1 && errno == EINVAL, "msgsnd to a removed queue: EINVAL");

	long want = 5 * 32768 + 9;
	if (!shim) {
		tap_ok(procsim_next_syscall_data(1, &want) == -1 && errno == ENOSYS, "no shim: next_syscall_data is ENOSYS");
		return tap_exit();
	}
	tap_ok(procsim_next_syscall_data(1, &want) == 0 && msgget(IPC_PRIVATE, IPC_CREAT | 0600) == want,
	       "next_syscall_data LONG1 163849: msgget gets it");
	id = (int)want;
	long restore = 1;
	msgctl(id, IPC_STAT, &ds);
	ds.msg_stime = 1000;
	ds.msg_rtime = 2000;
	ds.msg_ctime = 3000;
	tap_ok(procsim_next_syscall_data(1, &restore) == 0 && msgctl(id, IPC_SET, &ds) == 0 && msgctl(id, IPC_STAT, &ds) == 0 &&
		       ds.msg_stime == 1000 && ds.msg_rtime == 2000 && ds.msg_ctime == 3000 && msgctl(id, IPC_RMID, NULL) == 0,
	       "LONG1 1, then IPC_SET restores stime, rtime, ctime");
	return tap_exit();
}
