/*
 * Process groups and sessions through mainline interfaces only (setsid, setpgid, getpgid,
 * getpgrp, getsid, kill(-PGRP), kill(0)), the same TAP lines natively (as a pid namespace's init,
 * unshare -p -f --mount-proc) and under `procsim exec`. The root process's own group differs
 * between the two (exec makes it a group of its own; unshare's child inherits one it cannot see),
 * so every case runs in a child that makes its own session first. Linux facts (kernel/sys.c):
 * setsid returns the new session's id and is EPERM for a session leader; setpgid's EINVAL,
 * ESRCH, EPERM and EACCES (a child that exec'd); a group outlives its reaped leader.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

static pid_t child_pausing(void)
{
	pid_t p = fork();
	if (p == 0) {
		for (;;) pause();
	}
	return p;
}

static int killed_by(pid_t p, int sig)
{
	int st;
	return waitpid(p, &st, 0) == p && WIFSIGNALED(st) && WTERMSIG(st) == sig;
}

/* Waits (up to 5 s) until process P runs the program named COMM. */
static int runs(pid_t p, const char *comm)
{
	char path[64], buf[64];
	snprintf(path, sizeof(path), "/proc/%d/comm", p);
	for (int i = 0; i < 500; i++) {
		FILE *f = fopen(path, "r");
		int same = f && fgets(buf, sizeof(buf), f) && strncmp(buf, comm, strlen(comm)) == 0;
		if (f) fclose(f);
		if (same) return 1;
		nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	}
	return 0;
}

static volatile sig_atomic_t got;
static void on_usr1(int sig)
{
	(void)sig;
	got = 1;
}

static int cases(void)
{
	alarm(60); /* a case whose real signal or wait went astray ends the run, not hangs it */
	pid_t me = getpid(), parent_group = getpgid(getppid());
	tap_ok(getpgrp() == parent_group && getpgid(0) == parent_group, "fork inherits the parent's process group");
	tap_ok(setsid() == me, "setsid returns the caller's pid");
	tap_ok(getsid(0) == me && getpgrp() == me, "which names its session and its group");
	errno = 0;
	tap_ok(setsid() == -1 && errno == EPERM, "a session leader's setsid is EPERM");
	errno = 0;
	tap_ok(setpgid(0, 0) == -1 && errno == EPERM, "a session leader cannot change its group");
	errno = 0;
	tap_ok(setpgid(0, -1) == -1 && errno == EINVAL, "a negative pgid is EINVAL");
	errno = 0;
	tap_ok(setpgid(getppid(), 0) == -1 && errno == ESRCH, "the parent is not the caller's to move: ESRCH");
	errno = 0;
	tap_ok(getpgid(999999) == -1 && errno == ESRCH, "getpgid of no such process is ESRCH");

	pid_t a = child_pausing(), b = child_pausing();
	tap_ok(getsid(a) == me && getpgid(a) == me, "a child is in its parent's session and group");
	tap_ok(setpgid(a, a) == 0 && getpgid(a) == a, "setpgid(child, child) makes a group");
	tap_ok(setpgid(b, a) == 0 && getpgid(b) == a, "another child joins it");
	errno = 0;
	tap_ok(setpgid(b, 999999) == -1 && errno == EPERM, "a pgid that names no group is EPERM");
	tap_ok(kill(-a, SIGTERM) == 0 && killed_by(a, SIGTERM) && killed_by(b, SIGTERM), "kill(-PGRP) ends both");

	pid_t w = child_pausing(), x = fork();
	if (x == 0) _exit(7);
	setpgid(w, w);
	nanosleep(&(struct timespec){ 0, 200000000 }, NULL);
	int wst;
	pid_t none = waitpid(-w, &wst, WNOHANG), own = waitpid(0, &wst, WNOHANG);
	tap_ok(none == 0 && own == x && WIFEXITED(wst) && WEXITSTATUS(wst) == 7,
	       "waitpid(-PGRP) waits for that group alone, waitpid(0) for the caller's (%s, %s)", none == 0 ? "none" : "one",
	       own == x ? "its child" : "not it");
	kill(w, SIGKILL);
	waitpid(w, NULL, 0);

	pid_t l = child_pausing(), m = child_pausing();
	setpgid(l, l);
	setpgid(m, l);
	kill(l, SIGKILL);
	tap_ok(killed_by(l, SIGKILL) && getpgid(m) == l, "a group outlives its reaped leader");
	errno = 0;
	tap_ok(kill(l, 0) == -1 && errno == ESRCH, "though its leader's pid names no process");
	tap_ok(kill(-l, SIGKILL) == 0 && killed_by(m, SIGKILL), "kill(-PGRP) still reaches the group");

	int ready[2];
	char c;
	if (pipe(ready) < 0) return 1;
	pid_t h = child_pausing(), r = fork();
	if (r == 0) {
		struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESETHAND };
		sigaction(SIGUSR1, &sa, NULL);
		if (write(ready[1], "r", 1) != 1) _exit(1);
		while (!got) pause();
		_exit(42);
	}
	setpgid(h, h);
	setpgid(r, h);
	int up = read(ready[0], &c, 1) == 1;
	kill(h, SIGKILL);
	waitpid(h, NULL, 0);
	int st2 = 0;
	tap_ok(up && kill(-h, SIGUSR1) == 0 && waitpid(-h, &st2, 0) == r && WIFEXITED(st2) && WEXITSTATUS(st2) == 42,
	       "a leaderless group's member runs its SA_RESETHAND handler, and waitpid(-PGRP) reaps it (0x%x)", st2);

	pid_t e = fork();
	if (e == 0) {
		execl("/bin/sleep", "sleep", "30", (char *)NULL);
		_exit(127);
	}
	int ran = runs(e, "sleep");
	errno = 0;
	tap_ok(ran && setpgid(e, 0) == -1 && errno == EACCES, "a child that exec'd cannot be moved: EACCES");
	kill(e, SIGKILL);
	waitpid(e, NULL, 0);

	pid_t s = fork();
	if (s == 0) _exit(setsid() == getpid() && getsid(0) == getpid() ? 0 : 1);
	int st;
	tap_ok(waitpid(s, &st, 0) == s && WIFEXITED(st) && WEXITSTATUS(st) == 0, "a child's setsid makes its own session");

	pid_t g = fork();
	if (g == 0) {
		signal(SIGUSR1, SIG_DFL);
		for (;;) pause();
	}
	signal(SIGUSR1, SIG_IGN);
	tap_ok(kill(0, SIGUSR1) == 0 && killed_by(g, SIGUSR1), "kill(0) reaches the caller's group, the caller ignoring it");
	return tap_exit();
}

int main(void)
{
	tap_plan(21);
	pid_t c = fork();
	if (c == 0) exit(cases());
	int st;
	waitpid(c, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
