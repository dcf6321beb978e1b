/*
 * shmat and shmdt with real memory, mainline interfaces only: the same binary runs under
 * `procsim exec` and natively as an IPC namespace's init with the same TAP lines. Linux facts
 * (ipc/shm.c do_shmat, ksys_shmdt, shm_open/shm_close; fs/proc/task_mmu.c show_map_vma): two
 * processes that attach one segment share its pages; the address shmat returns starts a line of
 * /proc/self/maps naming /SYSV<key as %08x> (deleted); an address given to shmat is used as is
 * when page aligned, EINVAL when not (without SHM_RND); fork's child inherits the attach
 * (shm_nattch counts it); shmdt of an address that starts no attach is EINVAL; IPC_RMID of an
 * attached segment leaves its memory to those attached, and the id is then EINVAL; without an address
 * shmat finds a free range (do_mmap), so memory already where the segment was attached before moves it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

static const char *CHILD_TEXT = "written by the child", *PARENT_TEXT = "written by the parent";

/* Does a line of /proc/self/maps start at ADDR and name /SYSV<key>? */
static int in_maps(const void *addr, key_t key)
{
	char line[512], start[32], sysv[32];
	int found = 0;
	snprintf(start, sizeof(start), "%lx-", (unsigned long)addr);
	snprintf(sysv, sizeof(sysv), "/SYSV%08x", (unsigned)key);
	FILE *f = fopen("/proc/self/maps", "r");
	if (!f) return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, start, strlen(start)) && strstr(line, sysv)) found = 1;
	fclose(f);
	return found;
}

static long nattch(int id)
{
	struct shmid_ds ds;
	return shmctl(id, IPC_STAT, &ds) ? -1 : (long)ds.shm_nattch;
}

int main(void)
{
	int up[2], down[2];
	char c;
	tap_plan(14);
	if (pipe(up) || pipe(down)) return 2;
	int id = shmget(0x5eed, 8192, IPC_CREAT | 0600);

	/* the child attaches on its own, before the parent has: two attaches of one segment */
	pid_t child = fork();
	if (child == 0) {
		char *m = shmat(id, NULL, 0);
		if (m == (void *)-1) _exit(3);
		strcpy(m + 4096, CHILD_TEXT);
		if (write(up[1], "w", 1) != 1 || read(down[0], &c, 1) != 1) _exit(4);
		_exit(strcmp(m, PARENT_TEXT) ? 5 : 0);
	}
	char *m = shmat(id, NULL, 0);
	tap_ok(id >= 0 && m != (void *)-1, "shmget 8192 bytes, shmat: an address");
	tap_ok(in_maps(m, 0x5eed), "/proc/self/maps has a line at that address for /SYSV00005eed");
	tap_ok(read(up[0], &c, 1) == 1 && !strcmp(m + 4096, CHILD_TEXT), "the parent reads what the child wrote through its own attach");
	strcpy(m, PARENT_TEXT);
	int st;
	tap_ok(write(down[1], "r", 1) == 1 && waitpid(child, &st, 0) == child && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "the child reads what the parent wrote (its exit status 0 says so)");
	tap_ok(nattch(id) == 1, "the child's exit detached it: shm_nattch 1");

	child = fork();
	if (child == 0) {
		strcpy(m + 100, CHILD_TEXT);   /* through the attach fork copied */
		if (write(up[1], "w", 1) != 1 || read(down[0], &c, 1) != 1) _exit(4);
		_exit(0);
	}
	tap_ok(read(up[0], &c, 1) == 1 && nattch(id) == 2 && !strcmp(m + 100, CHILD_TEXT),
	       "fork's child inherits the attach: shm_nattch 2, its writes seen");
	tap_ok(write(down[1], "x", 1) == 1 && waitpid(child, &st, 0) == child && nattch(id) == 1, "its exit: shm_nattch 1");

	tap_ok(shmdt(m) == 0 && nattch(id) == 0 && !in_maps(m, 0x5eed), "shmdt: shm_nattch 0, the maps line gone");
	errno = 0;
	tap_ok(shmdt(m) == -1 && errno == EINVAL, "shmdt of an address no longer attached: EINVAL");
	char *again = shmat(id, m, 0);
	tap_ok(again == m && !strcmp(again, PARENT_TEXT), "shmat at a given page-aligned address: that address, the same contents");
	errno = 0;
	tap_ok(shmat(id, m + 1, 0) == (void *)-1 && errno == EINVAL, "an address not page aligned, no SHM_RND: EINVAL");

	/* memory of another kind where the last attach was: the next shmat goes elsewhere, still shared */
	void *taken = shmdt(again) ? MAP_FAILED
				   : mmap(m, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	char *moved = taken == m ? shmat(id, NULL, 0) : (void *)-1;
	if (moved == (void *)-1) return 2;
	tap_ok(moved != m && in_maps(moved, 0x5eed) && !strcmp(moved, PARENT_TEXT),
	       "a mapping where the segment was: shmat without an address attaches it elsewhere, the same pages");
	again = moved;

	tap_ok(shmctl(id, IPC_RMID, NULL) == 0 && !strcmp(again, PARENT_TEXT) && shmdt(again) == 0,
	       "IPC_RMID while attached: the memory stays until shmdt");
	errno = 0;
	tap_ok(shmat(id, NULL, 0) == (void *)-1 && errno == EINVAL, "the removed id: shmat EINVAL");
	return tap_exit();
}
