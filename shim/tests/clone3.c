/*
 * clone3 through syscall(__NR_clone3) and clone through syscall(__NR_clone) without a new stack,
 * mainline interfaces only: the same binary runs under `procsim exec` and natively as a pid
 * namespace's init (unshare -p -f --mount-proc) and prints the same TAP lines.
 * Linux facts (kernel/fork.c copy_clone_args_from_user, clone3_args_valid; kernel/pid.c alloc_pid):
 * a struct larger than a page is E2BIG, smaller than CLONE_ARGS_SIZE_VER0 (64) EINVAL, nonzero
 * bytes past the known struct E2BIG (copy_struct_from_user); set_tid_size > MAX_PID_NS_LEVEL, a
 * set_tid without a size or a size without set_tid, an exit_signal above _NSIG: EINVAL; a set_tid
 * below 1 or >= pid_max: EINVAL; a taken one: EEXIST; CLONE_NEWPID with set_tid[0] != 1: EINVAL
 * (the new namespace has no pid 1 yet). A CLONE_NEWPID child is pid 1 there, its NSpid's last field.
 * Cases ported from tools/testing/selftests/clone3/clone3_set_tid.c (those needing neither a new
 * stack nor threads, and whose outcome does not depend on the caller's pid namespace level).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

#define MAX_PID_NS_LEVEL 32

static long sys_clone3(struct clone_args *args, size_t size)
{
	return syscall(__NR_clone3, args, size);
}

/* NSpid of /proc/self/status: the fields' count and the last one. */
static void nspid(int *count, long *last)
{
	char line[256];
	*count = 0;
	*last = -1;
	FILE *f = fopen("/proc/self/status", "r");
	if (!f) return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "NSpid:", 6)) continue;
		char *p = line + 6, *end;
		for (long x; (x = strtol(p, &end, 10)), end != p; p = end) {
			*last = x;
			++*count;
		}
	}
	fclose(f);
}

/*
 * clone3 with set_tid: -errno on failure; else the child exits 0 when its getpid is want_pid
 * (and, with CLONE_NEWPID, NSpid has one more field than ours and ends in 1), and this returns
 * the child's pid as its parent saw it, with its exit status in *code.
 */
static long try_set_tid(pid_t *set_tid, size_t n, uint64_t flags, pid_t want_pid, int *code)
{
	struct clone_args args = { .flags = flags, .exit_signal = SIGCHLD,
				   .set_tid = (uintptr_t)set_tid, .set_tid_size = n };
	int levels;
	long last;
	nspid(&levels, &last);
	long pid = sys_clone3(&args, sizeof(args));
	if (pid < 0) return -errno;
	if (pid == 0) {
		int c;
		nspid(&c, &last);
		_exit(getpid() == want_pid && (!(flags & CLONE_NEWPID) || (c == levels + 1 && last == 1)) ? 0 : 1);
	}
	int st;
	*code = waitpid(pid, &st, 0) == pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return pid;
}

static int pid_max(void)
{
	int v = 0;
	FILE *f = fopen("/proc/sys/kernel/pid_max", "r");
	if (f) {
		if (fscanf(f, "%d", &v) != 1) v = 0;
		fclose(f);
	}
	return v;
}

int main(void)
{
	pid_t set_tid[MAX_PID_NS_LEVEL * 2];
	int code = -1, st;
	tap_plan(17);

	struct clone_args args = { .exit_signal = SIGCHLD };
	char big[4096 + 8];
	memset(big, 0, sizeof(big));
	tap_ok(sys_clone3(&args, 4096 + 8) == -1 && errno == E2BIG, "a struct larger than a page: E2BIG");
	tap_ok(sys_clone3(&args, 63) == -1 && errno == EINVAL, "a struct smaller than CLONE_ARGS_SIZE_VER0: EINVAL");
	memcpy(big, &args, sizeof(args));
	big[200] = 1;
	tap_ok(sys_clone3((struct clone_args *)big, 256) == -1 && errno == E2BIG,
	       "a nonzero byte past the known struct: E2BIG");
	args.exit_signal = 65;
	tap_ok(sys_clone3(&args, sizeof(args)) == -1 && errno == EINVAL, "exit_signal 65 (above _NSIG): EINVAL");
	args.exit_signal = SIGCHLD;
	args.set_tid_size = 1;
	tap_ok(sys_clone3(&args, sizeof(args)) == -1 && errno == EINVAL, "set_tid_size without set_tid: EINVAL");

	memset(set_tid, 0, sizeof(set_tid));
	tap_ok(try_set_tid(set_tid, 0, 0, 0, &code) == -EINVAL, "set_tid without set_tid_size: EINVAL");
	tap_ok(try_set_tid(set_tid, MAX_PID_NS_LEVEL + 1, 0, 0, &code) == -EINVAL, "set_tid_size MAX_PID_NS_LEVEL + 1: EINVAL");
	tap_ok(try_set_tid(set_tid, MAX_PID_NS_LEVEL * 2, 0, 0, &code) == -EINVAL, "set_tid_size 2 * MAX_PID_NS_LEVEL: EINVAL");
	tap_ok(try_set_tid(set_tid, 1, 0, 0, &code) == -EINVAL, "set_tid {0}: EINVAL");
	set_tid[0] = -1;
	tap_ok(try_set_tid(set_tid, 1, 0, 0, &code) == -EINVAL, "set_tid {-1}: EINVAL");
	set_tid[0] = 1;
	tap_ok(try_set_tid(set_tid, 1, 0, 0, &code) == -EEXIST, "set_tid {1}, pid 1 taken: EEXIST");
	set_tid[0] = pid_max();
	tap_ok(set_tid[0] > 0 && try_set_tid(set_tid, 1, 0, 0, &code) == -EINVAL, "set_tid {pid_max}: EINVAL");

	pid_t freed = fork();
	if (freed == 0) _exit(0);
	waitpid(freed, &st, 0);
	set_tid[0] = freed;
	tap_ok(try_set_tid(set_tid, 1, 0, freed, &code) == freed && code == 0,
	       "set_tid {a reaped child's pid}: the new child has it");
	tap_ok(try_set_tid(set_tid, 1, CLONE_NEWPID, 1, &code) == -EINVAL,
	       "CLONE_NEWPID, set_tid {that pid}: EINVAL (no pid 1 in the new namespace)");
	set_tid[0] = 1;
	long child = try_set_tid(set_tid, 1, CLONE_NEWPID, 1, &code);
	tap_ok(child > 1 && code == 0, "CLONE_NEWPID, set_tid {1}: the child is pid 1 there, NSpid ends in 1");

	long pid = syscall(__NR_clone, SIGCHLD, 0, 0, 0, 0);
	if (pid == 0) _exit(getpid() > 1 ? 5 : 6);
	tap_ok(pid > 1 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 5,
	       "clone(SIGCHLD) without a stack: a fork");
	int levels, c;
	long last;
	nspid(&levels, &last);
	pid = syscall(__NR_clone, CLONE_NEWPID | SIGCHLD, 0, 0, 0, 0);
	if (pid == 0) {
		nspid(&c, &last);
		_exit(getpid() == 1 && getppid() == 0 && c == levels + 1 && last == 1 ? 0 : 1);
	}
	tap_ok(pid > 1 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "clone(CLONE_NEWPID|SIGCHLD): the child is pid 1, its parent 0 there, NSpid ends in 1");
	return tap_exit();
}
