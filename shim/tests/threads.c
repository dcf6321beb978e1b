/*
 * Threads as tasks, mainline interfaces only: the same binary runs under `procsim exec` and
 * natively as a pid namespace's init, with the same TAP lines. Linux facts: a thread made by
 * pthread_create (clone with CLONE_THREAD, kernel/fork.c copy_process) is a task of the caller's
 * thread group: its own tid (gettid), its group's pid (getpid); /proc/<pid>/task lists it and its
 * status says Tgid the pid and Pid the tid, and /proc/thread-self is it (fs/proc/base.c,
 * fs/proc/array.c); the group's Threads count includes it; once it has exited (return from its
 * start routine or pthread_exit) its task directory goes; a child forked by a thread is the
 * process's child: its getppid is the pid, and another thread of the group may wait for it
 * (kernel/exit.c do_wait_thread walks every thread's children unless __WNOTHREAD).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc.h"
#include "tap.h"

static long task_field(pid_t tid, const char *key)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/task/%d/status", tid);
	return status_last(path, key);
}

/* Until /proc/self/task/<tid> is gone (a joined thread's task is released just after the join). */
static int task_gone(pid_t tid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/task/%d", tid);
	for (int i = 0; i < 100000; i++) {
		if (access(path, F_OK)) return 1;
		sched_yield();
	}
	return 0;
}

struct seen {
	pid_t tid, pid, self_pid;
	int go[2], back[2];
};

/* Reports its ids, then waits for the main thread's word before it returns. */
static void *reporter(void *arg)
{
	struct seen *s = arg;
	char c;
	s->tid = gettid();
	s->pid = getpid();
	s->self_pid = (pid_t)status_last("/proc/thread-self/status", "Pid");
	if (write(s->back[1], "r", 1) != 1 || read(s->go[0], &c, 1) != 1) return NULL;
	return s;
}

static void *exiter(void *arg)
{
	*(pid_t *)arg = gettid();
	pthread_exit(arg);
}

static void *forker(void *arg)
{
	pid_t c = fork();
	if (c == 0) _exit(getppid() == *(pid_t *)arg ? 9 : 8);
	*(pid_t *)arg = c;
	return NULL;
}

int main(void)
{
	struct seen a, b;
	pthread_t ta, tb;
	char c;
	pid_t me = getpid();
	tap_plan(11);
	if (pipe(a.go) || pipe(a.back) || pipe(b.go) || pipe(b.back)) return 2;

	int ok = !pthread_create(&ta, NULL, reporter, &a) && read(a.back[0], &c, 1) == 1;
	tap_ok(ok && a.pid == me && a.tid != me && a.tid > 0, "a thread's getpid is the process's, its gettid its own");
	tap_ok(a.self_pid == a.tid, "its /proc/thread-self/status says Pid its gettid");
	tap_ok(task_field(a.tid, "Tgid") == me && task_field(a.tid, "Pid") == a.tid,
	       "/proc/self/task/<tid>/status: Tgid the pid, Pid the tid");
	ok = !pthread_create(&tb, NULL, reporter, &b) && read(b.back[0], &c, 1) == 1;
	tap_ok(ok && b.tid != a.tid && b.tid != me && b.pid == me, "a second thread: another tid, the same pid");
	tap_ok(status_last("/proc/self/status", "Threads") == 3, "Threads: 3");

	void *ret;
	tap_ok(write(a.go[1], "g", 1) == 1 && !pthread_join(ta, &ret) && ret == &a && task_gone(a.tid),
	       "the first returns: joined, its task directory gone");
	tap_ok(write(b.go[1], "g", 1) == 1 && !pthread_join(tb, &ret) && task_gone(b.tid) &&
		       status_last("/proc/self/status", "Threads") == 1,
	       "the second too: Threads 1");

	pid_t t = 0;
	ok = !pthread_create(&ta, NULL, exiter, &t) && !pthread_join(ta, &ret);
	tap_ok(ok && ret == &t && t > 0 && t != me && task_gone(t), "pthread_exit: its value joined, its task gone");

	pid_t child = me;
	int st;
	ok = !pthread_create(&ta, NULL, forker, &child) && !pthread_join(ta, NULL);
	tap_ok(ok && child > 0 && child != me, "a thread forks a child");
	tap_ok(waitpid(child, &st, 0) == child && WIFEXITED(st) && WEXITSTATUS(st) == 9,
	       "the main thread waits for it; its getppid was the pid (exit 9)");
	tap_ok(gettid() == me, "the main thread's gettid is still the pid");
	return tap_exit();
}
