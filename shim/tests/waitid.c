/*
 * waitid(2) through mainline interfaces only: the same binary runs under `procsim exec` and
 * natively as a pid namespace's init, with the same TAP lines. Linux facts (kernel/exit.c
 * kernel_waitid, wait_task_zombie, SYSCALL_DEFINE5(waitid)): options outside WNOHANG|WNOWAIT|
 * WEXITED|WSTOPPED|WCONTINUED|__WNOTHREAD|__WCLONE|__WALL, or none of WEXITED|WSTOPPED|WCONTINUED,
 * are EINVAL; P_PID with id <= 0 and an unknown idtype are EINVAL; a reaped child gives si_signo
 * SIGCHLD, si_code CLD_EXITED with si_status the exit code, or CLD_KILLED with the signal; WNOWAIT
 * leaves the child a zombie (its /proc/<pid> stays, state Z) to be waited for again; WNOHANG with
 * no child ready returns 0 with si_signo and si_pid 0; P_PGID 0 is the caller's process group
 * (since 5.4); no child at all is ECHILD.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

/* The state letter of /proc/<pid>/stat, or 0 if there is no such file. */
static char state_of(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f) return 0;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

/* A child that waits for a byte on FD (or its end) before it exits with CODE. */
static pid_t child_exiting(int fd, int code)
{
	pid_t c = fork();
	if (c == 0) {
		char b;
		if (read(fd, &b, 1) < 0) _exit(99);
		_exit(code);
	}
	return c;
}

int main(void)
{
	siginfo_t si;
	int go[2];
	if (pipe(go)) return 2;
	tap_plan(14);

	pid_t c = child_exiting(go[0], 5);
	if (write(go[1], "x", 1) != 1) return 2;
	memset(&si, 0x55, sizeof(si));
	tap_ok(waitid(P_PID, c, &si, WEXITED) == 0 && si.si_pid == c, "waitid(P_PID, child, WEXITED) returns 0, si_pid the child");
	tap_ok(si.si_signo == SIGCHLD && si.si_code == CLD_EXITED && si.si_status == 5 && si.si_uid == 0,
	       "si_signo SIGCHLD, si_code CLD_EXITED, si_status the exit code 5, si_uid 0");

	c = child_exiting(go[0], 6);
	if (write(go[1], "x", 1) != 1) return 2;
	memset(&si, 0, sizeof(si));
	tap_ok(waitid(P_PID, c, &si, WEXITED | WNOWAIT) == 0 && si.si_pid == c && si.si_code == CLD_EXITED &&
		       si.si_status == 6, "WNOWAIT: the exited child's pid and status 6");
	tap_ok(state_of(c) == 'Z', "WNOWAIT leaves it a zombie: /proc/<pid>/stat says Z");
	memset(&si, 0, sizeof(si));
	tap_ok(waitid(P_ALL, 0, &si, WEXITED) == 0 && si.si_pid == c && si.si_status == 6,
	       "P_ALL then reaps the same child, status 6 again");
	tap_ok(state_of(c) == 0, "the reaped child's /proc/<pid> is gone");

	c = child_exiting(go[0], 0);
	memset(&si, 0x55, sizeof(si));
	tap_ok(waitid(P_PID, c, &si, WEXITED | WNOHANG) == 0 && si.si_signo == 0 && si.si_pid == 0,
	       "WNOHANG with the child still running: 0, si_signo and si_pid 0");
	tap_ok(kill(c, SIGTERM) == 0 && waitid(P_ALL, 0, &si, WEXITED) == 0 && si.si_pid == c && si.si_code == CLD_KILLED &&
		       si.si_status == SIGTERM, "killed by SIGTERM: CLD_KILLED, si_status SIGTERM");

	c = child_exiting(go[0], 7);
	if (write(go[1], "x", 1) != 1) return 2;
	memset(&si, 0, sizeof(si));
	tap_ok(waitid(P_PGID, 0, &si, WEXITED) == 0 && si.si_pid == c && si.si_status == 7,
	       "P_PGID 0: a child in the caller's process group");

	errno = 0;
	tap_ok(waitid(P_ALL, 0, &si, 0) == -1 && errno == EINVAL, "no WEXITED, WSTOPPED or WCONTINUED: EINVAL");
	errno = 0;
	tap_ok(waitid(P_ALL, 0, &si, WEXITED | 0x10) == -1 && errno == EINVAL, "an unknown option bit: EINVAL");
	errno = 0;
	tap_ok(waitid(P_PID, 0, &si, WEXITED) == -1 && errno == EINVAL, "P_PID 0: EINVAL");
	errno = 0;
	tap_ok(waitid((idtype_t)42, 1, &si, WEXITED) == -1 && errno == EINVAL, "an unknown idtype: EINVAL");
	errno = 0;
	tap_ok(waitid(P_ALL, 0, &si, WEXITED) == -1 && errno == ECHILD, "no child left: ECHILD");
	return tap_exit();
}
