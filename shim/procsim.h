/*
 * procsim.h: the id-choosing interfaces of the 2008-2010 seeds, for C programs run under
 * `procsim exec` (libprocsim.so serves them through the sim's /proc files). On a real kernel,
 * where no shim is loaded, they fail with ENOSYS: no kernel ever shipped them.
 *
 *   eclone(flags, &args, sizeof(args), pids)   the eclone v12 call (Sukadev Bhattiprolu, 2009-10):
 *       pids[0..nr_pids-1] outermost pid namespace first, right-aligned on the child's levels,
 *       0 = the kernel's choice; a taken pid is EBUSY; more pids than levels is EINVAL;
 *       any pid needs CAP_SYS_ADMIN (EPERM). Returns the child's pid in the parent, 0 in the child.
 *   clone_with_pids(flags, pids)                the same through its predecessor's name (no args).
 *   procsim_next_syscall_data(n, values)        writes "LONG<n> v1 ... vn" to this thread's
 *       next_syscall_data (Nadia Derbey's 2008 patch): the next fork/clone gets those pids
 *       (outermost first, the last one the child's own namespace), the next msgget/semget/shmget
 *       that id, the next open that fd.
 *   procsim_next_syscall_data_reset()           writes "RESET".
 *
 * And procsim's own: PROCSIM_SYSCALL, an ioctl of a mount's syscall files (task/<tid>/syscall,
 * /proc/procsim/syscall): the NUL-terminated line in, the reply (as a read gives it, newline
 * included) back NUL-terminated and cut to 255 bytes, in one FUSE request where a write and a read
 * take two. Returns the whole reply's length (a read at offset 0 then gives a longer one whole), or
 * -1 with the line's errno. On any other file, ENOTTY.
 */
#ifndef PROCSIM_H
#define PROCSIM_H

#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/types.h>

struct procsim_syscall {
	char line[256];
};
#define PROCSIM_SYSCALL _IOWR('P', 0xe0, struct procsim_syscall)

/*
 * The eclone v12 argument block, not mainline's clone3 struct clone_args (<linux/sched.h>),
 * whose name it shares: do not include both in one file.
 */
struct clone_args {
	uint64_t clone_flags_high;
	uint64_t child_stack;
	uint64_t child_stack_size;
	uint64_t parent_tid_ptr;
	uint64_t child_tid_ptr;
	uint32_t nr_pids;
	uint32_t reserved0;
};

#ifdef PROCSIM_SHIM_SOURCE
/* libprocsim.so itself exports them (eclone also as procsim_eclone). */
long eclone(unsigned int flags, struct clone_args *args, int args_size, pid_t *pids);
int procsim_set_next_syscall_data(int n, const long *values);
#else
/* The shim's entry points, looked up at run time so that a program needs no link-time shim. */
static inline void *procsim_shim_fn_(const char *name)
{
	return dlsym(RTLD_DEFAULT, name);
}

static inline long eclone(unsigned int flags, struct clone_args *args, int args_size, pid_t *pids)
{
	long (*fn)(unsigned int, struct clone_args *, int, pid_t *) =
		(long (*)(unsigned int, struct clone_args *, int, pid_t *))procsim_shim_fn_("procsim_eclone");
	if (!fn) {
		errno = ENOSYS;
		return -1;
	}
	return fn(flags, args, args_size, pids);
}

static inline long clone_with_pids(unsigned int flags, unsigned int nr_pids, pid_t *pids)
{
	struct clone_args args = { .nr_pids = nr_pids };
	return eclone(flags, &args, sizeof(args), pids);
}

static inline int procsim_next_syscall_data(int n, const long *values)
{
	int (*fn)(int, const long *) = (int (*)(int, const long *))procsim_shim_fn_("procsim_set_next_syscall_data");
	if (!fn) {
		errno = ENOSYS;
		return -1;
	}
	return fn(n, values);
}

static inline int procsim_next_syscall_data_reset(void)
{
	return procsim_next_syscall_data(0, 0);
}
#endif

#endif
