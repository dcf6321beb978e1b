/*
 * The seeds' interfaces from procsim.h. Under `procsim exec`: next_syscall_data LONG1 before
 * fork gives the child that pid, a taken one EBUSY (the 2008 patch: the next process creation
 * consumes it; alloc_pidmap's -EBUSY for a pid in use), eclone
 * with a free pid gives it, with a taken one EBUSY (eclone v12's set_pidmap: -EBUSY when the pid
 * is in use), with more pids than levels EINVAL. On a real kernel (no shim): ENOSYS.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../procsim.h"
#include "tap.h"

/* A pid that is free now: one above the highest fork so far (the sim hands out pids in order). */
static pid_t a_free_pid(void)
{
	pid_t p = fork();
	if (p == 0) _exit(0);
	waitpid(p, NULL, 0);
	return p + 100;
}

static int child_reports(pid_t expected, pid_t got)
{
	if (got == 0) _exit(getpid() == expected ? 0 : 1);
	int st;
	return got == expected && waitpid(got, &st, 0) == got && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

int main(void)
{
	long one = 1;
	pid_t taken[1] = { getpid() };
	struct clone_args args = { .nr_pids = 1 };
	errno = 0;
	if (procsim_next_syscall_data(1, &one) == -1 && errno == ENOSYS) {
		tap_plan(2);
		tap_ok(1, "no shim: next_syscall_data is ENOSYS");
		errno = 0;
		tap_ok(eclone(SIGCHLD, &args, sizeof(args), taken) == -1 && errno == ENOSYS, "no shim: eclone is ENOSYS");
		return tap_exit();
	}
	tap_plan(6);
	/* the first call above set LONG1 1 on this thread: clear it */
	tap_ok(procsim_next_syscall_data_reset() == 0, "next_syscall_data RESET");

	long want = a_free_pid();
	tap_ok(procsim_next_syscall_data(1, &want) == 0 && child_reports(want, fork()),
	       "LONG1 with a free pid before fork: the child has that pid");

	long mine = getpid();
	errno = 0;
	tap_ok(procsim_next_syscall_data(1, &mine) == 0 && fork() == -1 && errno == EBUSY,
	       "LONG1 with a taken pid before fork: EBUSY");

	pid_t free_pid[1] = { a_free_pid() };
	tap_ok(child_reports(free_pid[0], eclone(SIGCHLD, &args, sizeof(args), free_pid)),
	       "eclone with a free pid: the child has it");
	errno = 0;
	tap_ok(eclone(SIGCHLD, &args, sizeof(args), taken) == -1 && errno == EBUSY, "eclone with a taken pid: EBUSY");
	pid_t two[2] = { 0, 0 };
	args.nr_pids = 2;
	errno = 0;
	tap_ok(eclone(SIGCHLD, &args, sizeof(args), two) == -1 && errno == EINVAL,
	       "eclone with more pids than levels: EINVAL");
	return tap_exit();
}
