/*
 * forkwait N: N cycles of fork, the child's _exit(0), the parent's waitpid, timed with
 * CLOCK_MONOTONIC after one untimed cycle; prints the mean microseconds a cycle. shim-bench.sh
 * runs it natively (the real kernel) and under `procsim exec` (every step served by the sim).
 * With FORKWAIT_SYNC=1 it prints "ready" and reads a line from stdin before its timed loop, and
 * reads another after printing its figure, before it exits: the bench samples the daemon's CPU
 * time in those pauses, so the figure covers the timed loop alone, not the start and end of
 * `procsim exec` (procsim exec passes a program no descriptor but stdin, stdout and stderr).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int cycle(void)
{
	int st;
	pid_t c = fork();
	if (c == 0) _exit(0);
	return c > 0 && waitpid(c, &st, 0) == c && WIFEXITED(st) ? 0 : -1;
}

/* With sync: says `what` on stdout and waits for a line on stdin. */
static void handshake(int sync, const char *what)
{
	char line[64];
	if (!sync) return;
	if (what) printf("%s\n", what);
	fflush(stdout);
	if (!fgets(line, sizeof line, stdin)) exit(3);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000;
	const char *s = getenv("FORKWAIT_SYNC");
	int sync = s && *s == '1';
	struct timespec t0, t1;
	if (n < 1 || cycle()) return 2;
	handshake(sync, "ready");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < n; i++)
		if (cycle()) return 1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%.1f\n", ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / 1e3 / n);
	handshake(sync, NULL);
	return 0;
}
