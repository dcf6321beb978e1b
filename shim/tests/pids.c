/*
 * Pids, fork, wait and exit status through mainline interfaces only, so that the same binary runs
 * under `procsim exec` and natively as a pid namespace's init (unshare -p -f --mount-proc), and
 * both print the same TAP lines. Linux facts checked (kernel/pid.c, kernel/exit.c, fs/proc/array.c):
 * NSpid's last field is the pid in the task's own namespace, as getpid() returns it; PPid is
 * getppid(); fork returns the child's pid; wait4 (wait3, wait, waitpid) returns it with the exit code in bits 8-15, or
 * the signal in bits 0-6; with no child left, wait is ECHILD.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc.h"
#include "tap.h"

/* The last number on /proc/<pid>/status's line KEY; pid 0: self. */
static long status_field(pid_t pid, const char *key)
{
	char path[64];
	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/status", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/status");
	return status_last(path, key);
}

static volatile sig_atomic_t got;
static void on_usr1(int sig)
{
	(void)sig;
	got = 1;
}

/*
 * unshare(CLONE_NEWPID), then a child: pid 1 there, whose own child is pid 2 and catches SIGUSR1;
 * pid 1's kill(2, SIGUSR1) reaches that handler (the shim reads the target's status where pid 2
 * names it). 42 when all holds.
 */
static int nested(void)
{
	if (unshare(CLONE_NEWPID) < 0) return 2;
	pid_t init = fork();
	if (init == 0) {
		int ready[2];
		char c;
		if (pipe(ready) < 0) _exit(3);
		pid_t g = fork();
		if (g == 0) {
			alarm(20); /* a lost signal ends it */
			signal(SIGUSR1, on_usr1);
			if (write(ready[1], "r", 1) != 1) _exit(3);
			while (!got) pause();
			_exit(getpid() == 2 ? 42 : 4);
		}
		int st = 0;
		if (read(ready[0], &c, 1) != 1 || kill(g, SIGUSR1) < 0 || waitpid(g, &st, 0) != g) _exit(5);
		_exit(getpid() == 1 && g == 2 && WIFEXITED(st) ? WEXITSTATUS(st) : 6);
	}
	int st;
	return waitpid(init, &st, 0) == init && WIFEXITED(st) ? WEXITSTATUS(st) : 7;
}

int main(void)
{
	int st;
	pid_t me = getpid();
	tap_plan(16);
	tap_ok(me > 0 && status_field(0, "NSpid") == me, "getpid is NSpid's last field of /proc/self/status");
	tap_ok(status_field(me, "NSpid") == me, "and of /proc/<getpid>/status");
	tap_ok(status_field(me, "PPid") == getppid(), "getppid is PPid there");
	tap_ok(syscall(SYS_getpid) == me && syscall(SYS_gettid) == me && syscall(SYS_getppid) == getppid(),
	       "syscall(SYS_getpid, SYS_gettid, SYS_getppid) agree; the main thread's tid is the pid");

	int up[2], down[2];   /* child to parent, parent to child */
	if (pipe(up) || pipe(down)) return 2;
	pid_t child = fork();
	if (child == 0) {
		pid_t ids[2] = { getpid(), getppid() };
		if (write(up[1], ids, sizeof(ids)) != sizeof(ids)) _exit(3);
		char c;
		if (read(down[0], &c, 1) != 1) _exit(4);   /* the parent has looked at our /proc/<pid> */
		exit(42);
	}
	pid_t seen[2] = { 0, 0 };
	if (read(up[0], seen, sizeof(seen)) != sizeof(seen)) return 2;
	tap_ok(child > 0 && seen[0] == child, "the child's getpid is what fork returned");
	tap_ok(seen[1] == me, "the child's getppid is the parent's getpid");
	tap_ok(status_field(child, "PPid") == me && status_field(child, "NSpid") == child,
	       "/proc/<child>/status: PPid is the parent, NSpid the child");
	if (write(down[1], "x", 1) != 1) return 2;
	tap_ok(waitpid(child, &st, 0) == child && WIFEXITED(st) && WEXITSTATUS(st) == 42,
	       "waitpid returns the child, exit(42) gives status 42");
	tap_ok(status_field(child, "PPid") == -1, "the reaped child's /proc/<pid> is gone");

	child = fork();
	if (child == 0) _exit(7);
	tap_ok(wait(&st) == child && WIFEXITED(st) && WEXITSTATUS(st) == 7, "wait: _exit(7) gives status 7");

	child = fork();
	if (child == 0) _exit(5);
	tap_ok(wait3(&st, 0, NULL) == child && WIFEXITED(st) && WEXITSTATUS(st) == 5, "wait3 (dash's): the child's pid, _exit(5) gives status 5");
	tap_ok(status_field(child, "PPid") == -1, "and it is reaped");

	child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	tap_ok(kill(child, SIGKILL) == 0, "kill(child, SIGKILL)");
	tap_ok(wait4(child, &st, 0, NULL) == child && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	       "wait4: the child was killed by SIGKILL");
	child = fork();
	if (child == 0) _exit(nested());
	tap_ok(waitpid(child, &st, 0) == child && WIFEXITED(st) && WEXITSTATUS(st) == 42,
	       "in a pid namespace of its own: pid 1, its child pid 2, whose handler its kill reaches (%d)",
	       WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st));

	errno = 0;
	tap_ok(wait(&st) == -1 && errno == ECHILD, "wait with no child left: ECHILD");
	return tap_exit();
}
