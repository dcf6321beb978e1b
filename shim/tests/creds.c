/*
 * prctl(PR_SET_NAME), unshare(CLONE_NEWPID|CLONE_NEWIPC), capget/capset and setuid through
 * mainline interfaces only: the same binary runs under `procsim exec` and natively as root, as a
 * pid and IPC namespace's init (unshare -p -i -f --mount-proc), and prints the same TAP lines.
 * Linux facts: PR_SET_NAME cuts the name to TASK_COMM_LEN - 1 = 15 bytes (kernel/sys.c);
 * unshare(CLONE_NEWPID) leaves the caller in its namespace, its next child is pid 1 of the new one
 * (kernel/nsproxy.c, pid_namespaces(7)); an unknown unshare flag is EINVAL (kernel/fork.c
 * check_unshare_flags); capset with an unknown version is EINVAL and writes back
 * _LINUX_CAPABILITY_VERSION_3, another pid than the caller's is EPERM (kernel/capability.c);
 * setuid from euid 0 sets all four uids and clears the permitted and effective sets
 * (kernel/sys.c __sys_setuid, security/commoncap.c cap_emulate_setxuid); uid -1 is EINVAL.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

int capget(cap_user_header_t hdr, cap_user_data_t data);
int capset(cap_user_header_t hdr, const cap_user_data_t data);

/* The whole value of /proc/self/FILE's line KEY (without "KEY:\t"), or "" */
static const char *proc_line(const char *file, const char *key)
{
	static char line[256];
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/%s", file);
	FILE *f = fopen(path, "r");
	size_t k = strlen(key);
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			if (k && (strncmp(line, key, k) || line[k] != ':')) continue;
			fclose(f);
			line[strcspn(line, "\n")] = 0;
			return k ? line + k + 2 : line;
		}
		fclose(f);
	}
	return "";
}

static int same_link(const char *a, const char *b)
{
	char x[64] = "", y[64] = "";
	return readlink(a, x, sizeof(x) - 1) > 0 && readlink(b, y, sizeof(y) - 1) > 0 && !strcmp(x, y);
}

int main(void)
{
	char name[32] = "";
	int st;
	tap_plan(13);

	tap_ok(prctl(PR_SET_NAME, "renamed-by-prctl-here", 0, 0, 0) == 0 && prctl(PR_GET_NAME, name, 0, 0, 0) == 0 &&
		       !strcmp(name, "renamed-by-prct"),
	       "prctl PR_SET_NAME cuts to 15 bytes, PR_GET_NAME reads it back");
	tap_ok(!strcmp(proc_line("comm", ""), "renamed-by-prct"), "/proc/self/comm is that name");

	errno = 0;
	tap_ok(unshare(CLONE_NEWPID | 0x1) == -1 && errno == EINVAL, "unshare with an unknown flag: EINVAL");
	char ipc[64] = "";
	if (readlink("/proc/self/ns/ipc", ipc, sizeof(ipc) - 1) < 0) return 2;
	tap_ok(unshare(CLONE_NEWPID | CLONE_NEWIPC) == 0, "unshare(CLONE_NEWPID|CLONE_NEWIPC)");
	tap_ok(!same_link("/proc/self/ns/pid", "/proc/self/ns/pid_for_children"),
	       "the caller stays in its pid namespace; pid_for_children is the new one");
	char now[64] = "";
	tap_ok(readlink("/proc/self/ns/ipc", now, sizeof(now) - 1) > 0 && strcmp(now, ipc), "the caller's IPC namespace is new");
	pid_t child = fork();
	if (child == 0) _exit(getpid() == 1 && getppid() == 0 ? 0 : 1);
	tap_ok(child > 1 && waitpid(child, &st, 0) == child && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "the next child is pid 1 there, its parent 0");

	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct caps[2];
	tap_ok(capget(&hdr, caps) == 0 && caps[0].effective & (1u << CAP_SYS_ADMIN), "capget: root has CAP_SYS_ADMIN");
	caps[0].effective &= ~(1u << CAP_SYS_ADMIN);
	hdr.version = 0x12345678;
	tap_ok(capset(&hdr, caps) == -1 && errno == EINVAL && hdr.version == _LINUX_CAPABILITY_VERSION_3,
	       "capset with an unknown version: EINVAL, the header says version 3");
	hdr.pid = 12345;
	tap_ok(capset(&hdr, caps) == -1 && errno == EPERM, "capset of another pid: EPERM");
	hdr.pid = 0;
	unsigned long long eff = strtoull(proc_line("status", "CapEff"), NULL, 16);
	tap_ok(capset(&hdr, caps) == 0 && strtoull(proc_line("status", "CapEff"), NULL, 16) == (eff & ~(1ull << CAP_SYS_ADMIN)),
	       "capset drops CAP_SYS_ADMIN from the effective set: CapEff says so");

	errno = 0;
	tap_ok(setuid((uid_t)-1) == -1 && errno == EINVAL, "setuid(-1): EINVAL");
	tap_ok(setuid(1000) == 0 && !strcmp(proc_line("status", "Uid"), "1000\t1000\t1000\t1000") &&
		       !strcmp(proc_line("status", "CapEff"), "0000000000000000"),
	       "setuid(1000) as root: all four uids, no effective capability left");
	return tap_exit();
}
