/*
 * The ns_last_pid race between threads, as a TAP program (issue 12; the race lab, issue 14, runs
 * the same binary natively and under `procsim exec`). W worker threads each make R attempts to
 * give a child a chosen pid:
 *   ns_last_pid: write target-1 to /proc/sys/kernel/ns_last_pid, fork: a hit if the child got
 *                target. The file is one cursor per pid namespace (kernel/pid.c alloc_pid takes
 *                the next free pid above it), so another worker's write or fork between the two
 *                steps makes this one a miss, silently;
 *   set_tid:     clone3 with set_tid = {target} (kernel/fork.c, since 5.5): the pid is named in
 *                the call itself, so there is nothing to race; a taken pid would be EEXIST.
 * Targets are distinct (worker w, round r: BASE + (r * W + w) % SPAN) and each child is reaped at
 * once, so a miss is the race's alone (or a pid held by a live task: under procsim exec the
 * workers' sim tids come from the same namespace, and may be a target). TAP asserts only what is certain: every child reaped,
 * hits + misses == attempts, no fork failed, and with one worker no miss. The last line,
 * "# race method=M workers=W attempts=N misses=K", is the result for machines to read.
 *
 *   nslastpid-race [--workers W] [--rounds R] [--gap-us G] [--method ns_last_pid|set_tid]
 * G: microseconds slept between the write and the fork (widens the window). Root in a pid
 * namespace of its own (ns_last_pid and set_tid need CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN).
 * Exit 0 when every TAP test passed, 1 if one failed, 2 for bad options.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/sched.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

#define BASE 1000
#define SPAN 20000
#define MAX_WORKERS 64

static int workers = 1, rounds = 100, gap_us = 0, use_set_tid = 0;

struct worker {
	pthread_t thread;
	int index;
	long attempts, hits, misses, forked, reaped, failed;
};

static int write_last_pid(int target)
{
	char text[16];
	int len = snprintf(text, sizeof(text), "%d\n", target - 1);
	FILE *f = fopen("/proc/sys/kernel/ns_last_pid", "w");
	if (!f) return -1;
	int ok = fwrite(text, 1, len, f) == (size_t)len;
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* One attempt: the child's pid (0 in the child), or -1 with errno. */
static pid_t make_child(int target)
{
	if (!use_set_tid) {
		if (write_last_pid(target)) return -1;
		if (gap_us) usleep(gap_us);
		return fork();
	}
	pid_t tid[1] = { target };
	struct clone_args args;
	memset(&args, 0, sizeof(args));
	args.exit_signal = SIGCHLD;
	args.set_tid = (uint64_t)(uintptr_t)tid;
	args.set_tid_size = 1;
	return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

static void *work(void *arg)
{
	struct worker *w = arg;
	for (int r = 0; r < rounds; r++) {
		int target = BASE + (r * workers + w->index) % SPAN;
		w->attempts++;
		pid_t c = make_child(target);
		if (c == 0) _exit(0);
		if (c < 0) {
			if (errno == EEXIST) w->misses++;
			else w->failed++;
			continue;
		}
		w->forked++;
		if (c == target) w->hits++;
		else w->misses++;
		int st;
		if (waitpid(c, &st, 0) == c) w->reaped++;
	}
	return NULL;
}

/* A whole decimal number in [min, max] from ARG, or -1. */
static long number(const char *arg, long min, long max)
{
	char *end;
	errno = 0;
	long v = arg ? strtol(arg, &end, 10) : -1;
	return arg && !errno && end != arg && !*end && v >= min && v <= max ? v : -1;
}

static int usage(const char *why)
{
	fprintf(stderr, "nslastpid-race: %s\nusage: nslastpid-race [--workers 1-%d] [--rounds N] [--gap-us G] "
			"[--method ns_last_pid|set_tid]\n", why, MAX_WORKERS);
	return 2;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		long v = 0;
		if (!strcmp(opt, "--workers")) v = workers = (int)number(val, 1, MAX_WORKERS);
		else if (!strcmp(opt, "--rounds")) v = rounds = (int)number(val, 1, 10000000);
		else if (!strcmp(opt, "--gap-us")) v = gap_us = (int)number(val, 0, 1000000);
		else if (!strcmp(opt, "--method") && val && (!strcmp(val, "ns_last_pid") || !strcmp(val, "set_tid")))
			use_set_tid = !strcmp(val, "set_tid");
		else return usage(val || !strncmp(opt, "--", 2) ? "unknown option or bad value" : "missing value");
		if (v < 0) return usage("bad value");
		i++;
	}

	struct worker w[MAX_WORKERS];
	memset(w, 0, sizeof(w));
	int started = 0;
	tap_plan(workers == 1 ? 5 : 4);
	for (int i = 0; i < workers; i++) {
		w[i].index = i;
		started += pthread_create(&w[i].thread, NULL, work, &w[i]) == 0;
	}
	for (int i = 0; i < started; i++) pthread_join(w[i].thread, NULL);
	struct worker sum = { 0 };
	for (int i = 0; i < started; i++) {
		sum.attempts += w[i].attempts;
		sum.hits += w[i].hits;
		sum.misses += w[i].misses;
		sum.forked += w[i].forked;
		sum.reaped += w[i].reaped;
		sum.failed += w[i].failed;
	}
	tap_ok(started == workers && sum.attempts == (long)workers * rounds, "%d workers made %d attempts each", workers, rounds);
	tap_ok(sum.failed == 0, "no attempt failed but by the race (EEXIST)");
	tap_ok(sum.reaped == sum.forked, "every child reaped");
	errno = 0;
	tap_ok(sum.hits + sum.misses == sum.attempts && waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD,
	       "hits + misses == attempts, no child left");
	if (workers == 1) tap_ok(sum.misses == 0, "one worker: no miss");
	printf("# race method=%s workers=%d attempts=%ld misses=%ld\n", use_set_tid ? "set_tid" : "ns_last_pid", workers,
	       sum.attempts, sum.misses);
	return tap_exit();
}
