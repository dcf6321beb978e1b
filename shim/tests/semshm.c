/*
 * SysV semaphores and shared memory ids and control, mainline interfaces only: the same binary
 * runs under `procsim exec` and natively as an IPC namespace's init with the same output.
 * Linux facts (ipc/util.c ipc_idr_alloc, ipc/sem.c, ipc/shm.c, semctl(2), shmctl(2)): a set
 * sem_next_id / shm_next_id gives the next new object that id; SETALL/GETALL/GETVAL; semop
 * applies all operations and records sempid; a decrement below 0 with IPC_NOWAIT is EAGAIN and
 * changes nothing; no operation is EINVAL; SETVAL above SEMVMX (32767) is ERANGE; a removed set's
 * id is EINVAL; shmget of size 0 is EINVAL; IPC_STAT gives shm_segsz, shm_cpid, shm_nattch.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include "tap.h"

static int set_next_id(const char *file, const char *value)
{
	FILE *f = fopen(file, "w");
	if (!f) return -1;
	fputs(value, f);
	return fclose(f);
}

int main(void)
{
	unsigned short v[3] = { 1, 2, 3 };
	struct semid_ds sd;
	struct shmid_ds hd;
	tap_plan(12);

	int id = set_next_id("/proc/sys/kernel/sem_next_id", "65540\n") ? -1 : semget(IPC_PRIVATE, 3, IPC_CREAT | 0600);
	tap_ok(id == 65540, "sem_next_id 65540: semget gets it");
	tap_ok(semctl(id, 0, SETALL, v) == 0 && semctl(id, 1, GETVAL) == 2, "SETALL {1,2,3}, GETVAL 1 is 2");
	struct sembuf ops[2] = { { 0, -1, 0 }, { 2, 2, 0 } };
	memset(v, 0, sizeof(v));
	tap_ok(semop(id, ops, 2) == 0 && semctl(id, 0, GETALL, v) == 0 && v[0] == 0 && v[1] == 2 && v[2] == 5 &&
		       semctl(id, 2, GETPID) == getpid(),
	       "semop {0:-1, 2:+2}: GETALL {0,2,5}, GETPID ours");
	struct sembuf down = { 0, -1, IPC_NOWAIT };
	errno = 0;
	tap_ok(semop(id, &down, 1) == -1 && errno == EAGAIN && semctl(id, 0, GETVAL) == 0, "a decrement below 0, IPC_NOWAIT: EAGAIN");
	errno = 0;
	tap_ok(semop(id, ops, 0) == -1 && errno == EINVAL, "semop with no operation: EINVAL");
	tap_ok(semctl(id, 0, IPC_STAT, &sd) == 0 && sd.sem_nsems == 3 && sd.sem_perm.mode == 0600 && sd.sem_otime > 0 &&
		       sd.sem_perm.__seq == 2,
	       "IPC_STAT: nsems 3, mode 0600, otime set, seq 2");
	sd.sem_perm.mode = 0640;
	tap_ok(semctl(id, 0, IPC_SET, &sd) == 0 && semctl(id, 0, IPC_STAT, &sd) == 0 && sd.sem_perm.mode == 0640, "IPC_SET mode 0640");
	errno = 0;
	tap_ok(semctl(id, 0, SETVAL, 32768) == -1 && errno == ERANGE, "SETVAL 32768: ERANGE");
	errno = 0;
	tap_ok(semctl(id, 0, IPC_RMID) == 0 && semctl(id, 0, GETVAL) == -1 && errno == EINVAL, "IPC_RMID; GETVAL then: EINVAL");

	id = set_next_id("/proc/sys/kernel/shm_next_id", "32770\n") ? -1 : shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	tap_ok(id == 32770 && shmctl(id, IPC_STAT, &hd) == 0 && hd.shm_segsz == 4096 && hd.shm_cpid == getpid() &&
		       hd.shm_nattch == 0 && hd.shm_perm.mode == 0600,
	       "shm_next_id 32770: shmget gets it; IPC_STAT: size 4096, cpid ours, nattch 0");
	hd.shm_perm.mode = 0640;
	errno = 0;
	tap_ok(shmctl(id, IPC_SET, &hd) == 0 && shmctl(id, IPC_STAT, &hd) == 0 && (hd.shm_perm.mode & 0777) == 0640 &&
		       shmctl(id, IPC_RMID, NULL) == 0 && shmctl(id, IPC_STAT, &hd) == -1 && errno == EINVAL,
	       "IPC_SET mode 0640; IPC_RMID; IPC_STAT then: EINVAL");
	errno = 0;
	tap_ok(shmget(IPC_PRIVATE, 0, IPC_CREAT | 0600) == -1 && errno == EINVAL, "shmget of size 0: EINVAL");
	return tap_exit();
}
