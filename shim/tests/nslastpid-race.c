/*
 * The ns_last_pid race between threads, as a TAP program (issue 12; the race lab, issue 14, runs
 * the same binary natively and under `procsim exec`). W worker threads each make R attempts to
 * give a child a chosen pid:
 *   ns_last_pid: write target-1 to /proc/sys/kernel/ns_last_pid, fork: a hit if the child got
 *                target. The file is one cursor per pid namespace (kernel/pid.c alloc_pid takes
 *                the next free pid above it), so another worker's write or fork between the two
 *                steps makes this one a miss, silently;
 *   set_tid:     clone3 with set_tid = {target} (kernel/fork.c, since 5.5): the pid is named in
 *                the call itself, so there is nothing to race; a taken pid would be EEXIST;
 *   nsd:         next_syscall_data "LONG1 target", then fork (Nadia Derbey's 2008 patch);
 *   eclone:      eclone v12 with pids = {target} (2009): both through shim/procsim.h, served
 *                under `procsim exec` only; on a real kernel ENOSYS, and the program says n/a.
 * Targets are distinct (worker w, round r: BASE + (r * W + w) % SPAN) and each child is reaped at
 * once, so a miss is the race's alone (or a pid held by a live task: under procsim exec the
 * workers' sim tids come from the same namespace, and may be a target). TAP asserts only what is certain: every child reaped,
 * hits + misses + errors == attempts, no attempt failed but by a taken pid (EEXIST, EBUSY), and
 * with one worker no miss. For machines to read, after the TAP lines: "# pidns pid:[INUM]" (the
 * racing namespace, /proc/self/ns/pid), one "# miss tid=T got=G wanted=W" per wrong pid (T the
 * worker's tid, all numbers in the racing namespace), and last "# race method=M workers=W
 * attempts=N misses=K", then " EEXIST=N" / " EBUSY=N" when such errors happened, and
 * " seconds=S", the race's wall time (the threads' start to the last one's end).
 *
 *   nslastpid-race [--workers W] [--rounds R] [--gap-us G] [--method ns_last_pid|set_tid|nsd|eclone]
 *                  [--newpid]
 * G: microseconds slept between the write (ns_last_pid, next_syscall_data) and the fork (widens
 * the window). --newpid: unshare(CLONE_NEWPID) and fork, the race runs in the child, pid 1 of a
 * pid namespace of its own, and the parent exits with its status: the same private namespace
 * natively and under `procsim exec`. An ns_last_pid write goes to the writer's active pid
 * namespace (kernel/pid_namespace.c pid_ns_ctl_handler: task_active_pid_ns(current)), the child's
 * new one. Needs root (unshare(CLONE_NEWPID), ns_last_pid and set_tid need CAP_SYS_ADMIN, or
 * CAP_CHECKPOINT_RESTORE for the last two).
 * Exit 0 when every TAP test passed (or the method is n/a), 1 if one failed, 2 for bad options.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../procsim.h"
#include "tap.h"

#define BASE 1000
#define SPAN 20000
#define MAX_WORKERS 64

enum method { NS_LAST_PID, SET_TID, NSD, ECLONE };
static const char *const method_names[] = { "ns_last_pid", "set_tid", "nsd", "eclone" };
static int workers = 1, rounds = 100, gap_us = 0;
static enum method method = NS_LAST_PID;

/*
 * Mainline clone3's argument block up to set_tid_size (CLONE_ARGS_SIZE_VER1, 80 bytes): procsim.h's
 * struct clone_args is eclone's, so <linux/sched.h>'s of the same name cannot be included.
 */
struct clone3_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size;
};

struct miss {
	int got, wanted;
};

struct worker {
	pthread_t thread;
	int index, tid;
	long attempts, hits, misses, forked, reaped, failed, eexist, ebusy;
	struct miss *miss; /* the first `rounds` misses, printed after the race */
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
	pid_t tid[1] = { target };
	long value = target;
	switch (method) {
	case NS_LAST_PID:
	case NSD:
		if (method == NS_LAST_PID ? write_last_pid(target) : procsim_next_syscall_data(1, &value)) return -1;
		if (gap_us) usleep(gap_us);
		return fork();
	case SET_TID: {
		struct clone3_args args;
		memset(&args, 0, sizeof(args));
		args.exit_signal = SIGCHLD;
		args.set_tid = (uint64_t)(uintptr_t)tid;
		args.set_tid_size = 1;
		return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	}
	case ECLONE: {
		struct clone_args args = { .nr_pids = 1 };
		return (pid_t)eclone(SIGCHLD, &args, sizeof(args), tid);
	}
	}
	errno = EINVAL;
	return -1;
}

/* True if this kernel (or the shim) has the method's interface: procsim.h's calls are ENOSYS without the shim. */
static int supported(void)
{
	if (method == NSD) return procsim_next_syscall_data_reset() == 0 || errno != ENOSYS;
	if (method == ECLONE) return procsim_shim_fn_("procsim_eclone") != NULL;
	return 1;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	w->tid = gettid();
	for (int r = 0; r < rounds; r++) {
		int target = BASE + (r * workers + w->index) % SPAN;
		w->attempts++;
		pid_t c = make_child(target);
		if (c == 0) _exit(0);
		if (c < 0) {
			if (errno == EEXIST) w->eexist++;
			else if (errno == EBUSY) w->ebusy++;
			else w->failed++;
			continue;
		}
		w->forked++;
		if (c == target) {
			w->hits++;
		} else {
			w->miss[w->misses].got = c;
			w->miss[w->misses++].wanted = target;
		}
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
			"[--method ns_last_pid|set_tid|nsd|eclone] [--newpid]\n", why, MAX_WORKERS);
	return 2;
}

/* --newpid: the race goes on in a child, pid 1 of a new pid namespace; the parent returns its exit status. */
static int run_in_new_pid_namespace(void)
{
	if (unshare(CLONE_NEWPID)) {
		fprintf(stderr, "nslastpid-race: unshare(CLONE_NEWPID): %s\n", strerror(errno));
		return 1;
	}
	fflush(stdout);
	pid_t c = fork();
	if (c < 0) {
		fprintf(stderr, "nslastpid-race: fork into the new pid namespace: %s\n", strerror(errno));
		return 1;
	}
	if (c == 0) return -1;
	int st;
	if (waitpid(c, &st, 0) != c) return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

int main(int argc, char **argv)
{
	int newpid = 0;
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		long v = 0;
		int m = -1;
		for (int k = 0; val && k < 4; k++) {
			if (!strcmp(val, method_names[k])) m = k;
		}
		if (!strcmp(opt, "--newpid")) {
			newpid = 1;
			continue;
		}
		if (!strcmp(opt, "--workers")) v = workers = (int)number(val, 1, MAX_WORKERS);
		else if (!strcmp(opt, "--rounds")) v = rounds = (int)number(val, 1, 10000000);
		else if (!strcmp(opt, "--gap-us")) v = gap_us = (int)number(val, 0, 1000000);
		else if (!strcmp(opt, "--method") && m >= 0) method = (enum method)m;
		else return usage(val || !strncmp(opt, "--", 2) ? "unknown option or bad value" : "missing value");
		if (v < 0) return usage("bad value");
		i++;
	}
	if (newpid) {
		int st = run_in_new_pid_namespace();
		if (st >= 0) return st;
	}
	char ns[64] = "?";
	ssize_t n = readlink("/proc/self/ns/pid", ns, sizeof(ns) - 1);
	ns[n > 0 ? n : 1] = 0;
	if (!supported()) {
		printf("1..0 # SKIP method=%s: %s\n", method_names[method], strerror(ENOSYS));
		printf("# race method=%s workers=%d n/a\n", method_names[method], workers);
		return 0;
	}

	struct worker w[MAX_WORKERS];
	memset(w, 0, sizeof(w));
	int started = 0;
	struct timespec t0, t1;
	tap_plan(workers == 1 ? 5 : 4);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < workers; i++) {
		w[i].index = i;
		w[i].miss = calloc(rounds, sizeof(struct miss));
		if (w[i].miss && pthread_create(&w[i].thread, NULL, work, &w[i]) == 0) started++;
		else break;
	}
	for (int i = 0; i < started; i++) pthread_join(w[i].thread, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	struct worker sum = { 0 };
	for (int i = 0; i < started; i++) {
		sum.attempts += w[i].attempts;
		sum.hits += w[i].hits;
		sum.misses += w[i].misses;
		sum.forked += w[i].forked;
		sum.reaped += w[i].reaped;
		sum.failed += w[i].failed;
		sum.eexist += w[i].eexist;
		sum.ebusy += w[i].ebusy;
	}
	tap_ok(started == workers && sum.attempts == (long)workers * rounds, "%d workers made %d attempts each", workers, rounds);
	tap_ok(sum.failed == 0, "no attempt failed but by a taken pid (EEXIST, EBUSY)");
	tap_ok(sum.reaped == sum.forked, "every child reaped");
	errno = 0;
	tap_ok(sum.hits + sum.misses + sum.eexist + sum.ebusy == sum.attempts && waitpid(-1, NULL, WNOHANG) == -1 &&
	       errno == ECHILD, "hits + misses + errors == attempts, no child left");
	if (workers == 1) tap_ok(sum.misses == 0, "one worker: no miss");
	printf("# pidns %s\n", ns);
	for (int i = 0; i < started; i++) {
		for (long k = 0; k < w[i].misses; k++) {
			printf("# miss tid=%d got=%d wanted=%d\n", w[i].tid, w[i].miss[k].got, w[i].miss[k].wanted);
		}
	}
	printf("# race method=%s workers=%d attempts=%ld misses=%ld", method_names[method], workers, sum.attempts,
	       sum.misses);
	if (sum.eexist) printf(" EEXIST=%ld", sum.eexist);
	if (sum.ebusy) printf(" EBUSY=%ld", sum.ebusy);
	printf(" seconds=%.6f\n", (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return tap_exit();
}
