/*
 * libprocsim.so: preloaded by `procsim exec`, it makes a dynamically linked program's pid calls
 * and forks the sim's. A client of the mount's public files only: each call is one line written
 * to /proc/procsim/syscall, the caller's own sim thread's syscall file, and the reply read back on
 * it (in one request by the file's PROCSIM_SYSCALL ioctl, see sim_call; a line too long for it is
 * a pwrite and a pread; one open file per process, which its threads share and a forked
 * child inherits: the mount resolves each request's caller; a call that may block goes through the
 * thread's own /proc/thread-self/syscall instead, see file_for). /proc there is procsim's fixed view
 * (procsim shell's), so the shim is active only where /proc/thread-self/attach exists; elsewhere
 * every call is the real one.
 *
 * Served: getpid, gettid, getppid, syscall(SYS_getpid|SYS_gettid|SYS_getppid); fork and vfork
 * (a real fork, then the parent's `bind CHILD fork`: the sim's fork, the real child bound to its task);
 * wait, waitpid, wait4, waitid (the real child reaped, then the sim's answer); exit, _exit, _Exit and
 * a return from main (exit_group CODE, written last); kill of a pid (the sim's kill, then the
 * real signal to ourselves or a child of ours if the sim killed it or it catches the signal);
 * clone3 and clone without a stack (through syscall()); pthread_create (each real thread a sim
 * thread, bound with `attach TID`); unshare of the pid and IPC namespaces, setuid, capget, capset, getuid, geteuid,
 * prctl(PR_SET_NAME|PR_GET_NAME); sigaction and the signal() family (the real call, then the
 * sim's rt_sigaction with the action the real kernel took); the SysV msg, sem and shm calls
 * (shmat with real shared memory); eclone and next_syscall_data (procsim.h).
 * Everything else is the real kernel's (dlsym RTLD_NEXT). The shim serves only the process bound
 * to its own sim task: PROCSIM_SHIM_PID holds that process's real pid (in its real pid namespace;
 * procsim exec sets 1, a forked child its own), so a child made by posix_spawn, system, popen or
 * clone, which the shim did not fork and bind, finds another pid there and makes only real calls:
 * it neither renames nor ends its parent's sim task (its /proc reads still see the parent's task,
 * found through the host process tree).
 * PROCSIM_SHIM_TRACE set in the environment: each line is also written to stderr.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROCSIM_SHIM_SOURCE
#include "procsim.h"

#define SHIM_EXPORT __attribute__((visibility("default")))
#define LINE_MAX_ 512

/* The clone flags a real fork cannot honour (a shared address space, a thread, a new stack...). */
#define NOT_A_FORK (0x00000100 | 0x00000200 | 0x00000400 | 0x00000800 | 0x00004000 | 0x00008000 | \
		    0x00010000 | 0x00080000 | 0x00100000 | 0x00200000 | 0x01000000)

static int active = -1;                 /* -1: not yet known */
static int sc_fd = -1;                  /* /proc/procsim/syscall: every thread's, and a fork child's */
static __thread int task_fd = -1;       /* /proc/thread-self/syscall: this thread's, for calls that may block */
static __thread int nested_fd = -1;     /* the same, for a handler's call while this thread's is in progress */
static __thread int call_depth;         /* sim calls in progress on this thread: 2 in a handler that interrupted one */
static int exit_code = -1;              /* set by exit(): the code the destructor reports */
static int trace = -1;                  /* PROCSIM_SHIM_TRACE set: each line to stderr */
static pthread_key_t thread_key;        /* set in each thread pthread_create made: its exit is reported */
static pthread_once_t thread_key_once = PTHREAD_ONCE_INIT;
static int thread_key_made;

/* Children forked through the shim: sim pid -> real pid (in the real pid namespace). */
struct child {
	pid_t sim, real;
};
static struct child *children;
static size_t nchildren, capchildren;
static pthread_mutex_t children_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t shm_lock = PTHREAD_MUTEX_INITIALIZER; /* the shm attach table (shmat, shmdt) */
/* Threads pthread_create made through the shim, live: their sim tids, for pthread_kill and tgkill. */
struct sim_thread {
	pthread_t thread;
	pid_t tid;
};
static struct sim_thread *threads;
static size_t nthreads, capthreads;
static pthread_mutex_t threads_lock = PTHREAD_MUTEX_INITIALIZER;
static __thread pid_t own_tid;          /* this thread's sim tid once known (0: ask) */
static pthread_t main_thread;           /* this image's (or fork child's) first thread: its sim tid is the pid */
static int main_known;
static pid_t own_pid;                   /* this process's sim pid once known (0: ask) */
static char pid_ns_dir[48];             /* pid_ns_prefix's answer */
static int pid_ns_known;                /* a fork child asks again: a CLONE_NEWPID child is in another namespace */
/* The action the sim was last told of, per signal: it is told of changes only (tell_sigaction). */
static struct told_action {
	unsigned long handler, flags;
	int known;
} told[65];
static pthread_mutex_t told_lock = PTHREAD_MUTEX_INITIALIZER;

#define REAL(ret, name, params) \
	static ret (*real_##name) params; \
	static ret (*next_##name(void)) params \
	{ \
		if (!real_##name) real_##name = (ret (*) params)dlsym(RTLD_NEXT, #name); \
		return real_##name; \
	}

REAL(pid_t, fork, (void))
REAL(int, execve, (const char *, char *const[], char *const[]))
REAL(pid_t, wait4, (pid_t, int *, int, struct rusage *))
REAL(int, kill, (pid_t, int))
REAL(int, killpg, (pid_t, int))
REAL(int, sigqueue, (pid_t, int, const union sigval))
REAL(void, exit, (int))
REAL(void, _exit, (int))
REAL(long, syscall, (long, long, long, long, long, long, long))
REAL(int, unshare, (int))
REAL(int, msgctl, (int, int, struct msqid_ds *))
REAL(int, shmctl, (int, int, struct shmid_ds *))
REAL(int, setuid, (uid_t))
REAL(int, capget, (void *, void *))
REAL(int, capset, (void *, const void *))
REAL(int, prctl, (int, unsigned long, unsigned long, unsigned long, unsigned long))
REAL(int, pthread_create, (pthread_t *, const pthread_attr_t *, void *(*)(void *), void *))
REAL(int, sigaction, (int, const struct sigaction *, struct sigaction *))
REAL(sighandler_t, signal, (int, sighandler_t))
REAL(sighandler_t, sysv_signal, (int, sighandler_t))
REAL(sighandler_t, bsd_signal, (int, sighandler_t))
REAL(sighandler_t, __sysv_signal, (int, sighandler_t))
REAL(sighandler_t, ssignal, (int, sighandler_t))
REAL(sighandler_t, sigset, (int, sighandler_t))
REAL(int, sigignore, (int))
REAL(int, pthread_sigmask, (int, const sigset_t *, sigset_t *))
REAL(int, sigprocmask, (int, const sigset_t *, sigset_t *))
REAL(int, sigsuspend, (const sigset_t *))
REAL(int, raise, (int))
REAL(int, sigwait, (const sigset_t *, int *))
REAL(int, sigwaitinfo, (const sigset_t *, siginfo_t *))
REAL(int, sigtimedwait, (const sigset_t *, siginfo_t *, const struct timespec *))
REAL(int, pthread_kill, (pthread_t, int))
REAL(pid_t, setsid, (void))
REAL(int, setpgid, (pid_t, pid_t))
REAL(pid_t, tcgetpgrp, (int))
REAL(int, tcsetpgrp, (int, pid_t))

/*
 * The mask this thread's sim task was last told of (told_mask_known 0: not known, after a failed
 * request; then every change is told). A sigset_t's first word is the kernel's (bit sig-1; glibc
 * never blocks its own SIGCANCEL and SIGSETXID for a caller).
 */
static __thread unsigned long long told_mask;
static __thread int told_mask_known;
/* What no mask told to the sim holds: SIGKILL and SIGSTOP, and glibc's own SIGCANCEL and SIGSETXID
 * (32, 33), which glibc never blocks for a caller (__clear_internal_signals). */
#define NEVER_BLOCKED ((1ULL << (SIGKILL - 1)) | (1ULL << (SIGSTOP - 1)) | (3ULL << 31))

static unsigned long long mask_word(const sigset_t *set)
{
	return set->__val[0];
}

/*
 * A new thread or a new image starts with the real mask its sim task has too (clone copies the
 * creator's in both kernels, execve keeps it in both): known without a request.
 */
static void mask_in_step(void)
{
	sigset_t now;
	next_pthread_sigmask()(SIG_BLOCK, NULL, &now);
	told_mask = mask_word(&now);
	told_mask_known = 1;
}

static long real_getpid(void)
{
	return next_syscall()(SYS_getpid, 0, 0, 0, 0, 0, 0);
}

static int shim_active(void)
{
	if (active < 0) {
		const char *bound = getenv("PROCSIM_SHIM_PID");
		active = bound && strtol(bound, NULL, 10) == real_getpid() &&
			 access("/proc/thread-self/attach", F_OK) == 0;
	}
	return active;
}

/*
 * PATH opened for the shim, on a descriptor far above the ones programs use (FD_FLOOR, or under
 * the soft limit): bash moves and reuses low descriptors it did not open (fcntl F_DUPFD 10, then
 * close), and a line written to a number the program has reused would go to its file.
 */
#define FD_FLOOR 900
static int open_high(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) return -1;
	struct rlimit lim;
	int floor = getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur <= FD_FLOOR + 64 ? (int)lim.rlim_cur / 2 : FD_FLOOR;
	int high = fd < floor ? fcntl(fd, F_DUPFD_CLOEXEC, floor) : -1;
	if (high < 0) return fd;        /* no room up there: the low one serves */
	close(fd);
	return high;
}

/* The process's open /proc/procsim/syscall, opened at its first call (by whichever thread); -1 and errno. */
static int own_syscall_file(void)
{
	int fd = __atomic_load_n(&sc_fd, __ATOMIC_ACQUIRE);
	if (fd >= 0) return fd;
	fd = open_high("/proc/procsim/syscall");
	if (fd < 0) return -1;
	int none = -1;
	if (!__atomic_compare_exchange_n(&sc_fd, &none, fd, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		close(fd);      /* another thread's open came first */
		fd = none;
	}
	return fd;
}

/*
 * The file a LINE goes through. The mount holds a call that blocks (msgsnd, msgrcv, semop, a wait)
 * until it ends. A write holds the written file's inode lock for that long (fs/fuse/file.c: direct
 * writes to one inode are serialized; the ioctl takes none), so on the one shared
 * /proc/procsim/syscall a blocked msgsnd whose line is too long for the ioctl would keep every
 * other process's writes from reaching the mount. Calls that may block go through the thread's own
 * task file, an inode of its own, opened at its first such call.
 */
static int file_for(const char *line)
{
	static const char *const blocking[] = { "msgsnd ", "msgrcv ", "semop ", "semtimedop ", "wait4 ", "waitid " };
	for (size_t i = 0; i < sizeof(blocking) / sizeof(blocking[0]); i++) {
		if (strncmp(line, blocking[i], strlen(blocking[i])) != 0) continue;
		/* a handler that ran as an interruptible call returned must not take its reply, maybe still unread */
		int *fd = call_depth > 1 ? &nested_fd : &task_fd;
		if (*fd < 0) *fd = open_high("/proc/thread-self/syscall");
		return *fd;
	}
	return own_syscall_file();
}

/*
 * Whether LINE is a SysV call that may block: a real signal may interrupt it (its FUSE request
 * then ends, the sim's call fails with EINTR and the real handler runs as the ioctl returns, as
 * Linux's msgrcv, msgsnd and semop return EINTR after a handler, SA_RESTART or not). A wait's sim
 * half may not be interrupted: the real child is reaped by then, and its status would be lost.
 */
static int interruptible(const char *line)
{
	return !strncmp(line, "msgsnd ", 7) || !strncmp(line, "msgrcv ", 7) || !strncmp(line, "semop ", 6) ||
	       !strncmp(line, "semtimedop ", 11);
}

/* The reply of the last line on FD read whole into REPLY (SIZE bytes); its length, or -1 and errno. */
static ssize_t read_reply(int fd, char *reply, size_t size)
{
	ssize_t n = pread(fd, reply, size - 1, 0);
	if (n >= 0) reply[n] = 0;
	return n;
}

/*
 * FD, the shim's syscall file that a call found failing with EBADF or ENOTTY, is forgotten when it
 * is no longer ours: closed by the program (closefrom, close_range: EBADF there too), or its number
 * reused for a file of the program's (an ioctl there is ENOTTY; the sim's lines never are). Not
 * closed: the number may be the program's now. Returns whether it was forgotten (the call may be
 * made again on a new open); an EBADF of the sim's own (a close line) leaves it.
 */
static int forget_if_lost(int fd, int err)
{
	if (err != ENOTTY && !(err == EBADF && fcntl(fd, F_GETFD) < 0)) return 0;
	if (fd == task_fd || fd == nested_fd) {
		*(fd == task_fd ? &task_fd : &nested_fd) = -1;
		return 1;
	}
	int ours = fd;
	return __atomic_compare_exchange_n(&sc_fd, &ours, -1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) || ours != fd;
}

/*
 * One sim syscall: the line and its reply on one open file, in one request by the mount's
 * PROCSIM_SYSCALL ioctl when the line fits its buffer (else a write, then a read, or the write
 * alone for REPLY NO_REPLY: an exit's reply says nothing its success does not). Signals are
 * blocked meanwhile, so that a handler's own call (bash reaps in its SIGCHLD handler) cannot take
 * the reply; but for the ioctl of a SysV call that may block (interruptible()), whose handler may
 * run as it returns: a call that handler makes goes through a file of its own (file_for). A
 * syscall file the program closed or reused is opened again, once. Returns the
 * reply's leading value (0 for NO_REPLY), or -1 with errno the sim's.
 */
#define NO_REPLY ((char *)1)
static long sim_call(char *reply, size_t size, const char *fmt, ...)
{
	char line[LINE_MAX_], own[sizeof(struct procsim_syscall)]; /* a reply the ioctl brings whole needs no read */
	va_list ap;
	sigset_t all, old;
	int saved = 0;
	int want = reply != NO_REPLY;

	if (!reply || !want) {
		reply = own;
		size = sizeof(own);
	}
	va_start(ap, fmt);
	int len = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof(line)) {
		errno = E2BIG;
		return -1;
	}
	if (trace < 0) trace = getenv("PROCSIM_SHIM_TRACE") != NULL;
	if (trace) dprintf(2, "libprocsim: %s\n", line);
	sigfillset(&all);
	next_pthread_sigmask()(SIG_BLOCK, &all, &old);
	call_depth++;
	for (int again = 1;; again = 0) {
		int fd = file_for(line);
		saved = 0;
		if (fd < 0) {
			saved = errno;
		} else if ((size_t)len < sizeof(struct procsim_syscall)) {
			struct procsim_syscall call;
			memcpy(call.line, line, len + 1);
			/* the whole buffer goes to the daemon: no stack bytes of ours past the NUL */
			memset(call.line + len + 1, 0, sizeof(call.line) - len - 1);
			int open_to_signals = interruptible(line);
			if (open_to_signals) next_pthread_sigmask()(SIG_SETMASK, &old, NULL);
			int whole = ioctl(fd, PROCSIM_SYSCALL, &call);
			if (open_to_signals) {
				int e = errno;
				next_pthread_sigmask()(SIG_BLOCK, &all, NULL);
				errno = e;
			}
			if (whole < 0)
				saved = errno;
			else if ((size_t)whole < sizeof(call.line) && (size_t)whole < size)
				memcpy(reply, call.line, whole + 1);
			else if (want && read_reply(fd, reply, size) < 0)       /* cut: read it whole */
				saved = errno;
		} else if (pwrite(fd, line, len, 0) < 0 || (want && read_reply(fd, reply, size) < 0)) {
			saved = errno;
		}
		if (!saved || !again || fd < 0 || !forget_if_lost(fd, saved)) break;
	}
	call_depth--;
	next_pthread_sigmask()(SIG_SETMASK, &old, NULL);
	if (saved) {
		errno = saved;
		return -1;
	}
	return want ? strtol(reply, NULL, 10) : 0;
}

/* A served call's result: the sim's value, and errno untouched when it succeeds. */
static long sim_value(const char *name)
{
	int e = errno;
	long v = sim_call(NULL, 0, "%s", name);
	if (v >= 0) errno = e;
	return v;
}

/* ------------------------------------------------------------------ children */

/* Room for one more element in the array *ARR of N (capacity *CAP) elements of SIZE bytes: 1, or 0 if out of memory. */
static int room_for_one(void **arr, size_t n, size_t *cap, size_t size)
{
	if (n < *cap) return 1;
	size_t grown = *cap ? 2 * *cap : 16;
	void *a = realloc(*arr, grown * size);
	if (!a) return 0;
	*arr = a;
	*cap = grown;
	return 1;
}

/*
 * Takes LOCK with every signal blocked meanwhile (the old mask into *OLD): a handler's own call
 * (a SIGCHLD handler's waitpid, a pthread_kill) uses the children and thread tables too.
 */
static void lock_blocked(pthread_mutex_t *lock, sigset_t *old)
{
	sigset_t all;
	sigfillset(&all);
	next_pthread_sigmask()(SIG_BLOCK, &all, old);
	pthread_mutex_lock(lock);
}

static void unlock_blocked(pthread_mutex_t *lock, const sigset_t *old)
{
	pthread_mutex_unlock(lock);
	next_pthread_sigmask()(SIG_SETMASK, old, NULL);
}

static void remember(pid_t sim, pid_t real)
{
	sigset_t old;
	lock_blocked(&children_lock, &old);
	if (room_for_one((void **)&children, nchildren, &capchildren, sizeof(*children)))
		children[nchildren++] = (struct child){ sim, real };
	unlock_blocked(&children_lock, &old);
}

/* The other of a pair: by sim pid (want_real) or by real pid; 0 if not a child of ours. */
static pid_t lookup(pid_t pid, int want_real, int forget)
{
	pid_t found = 0;
	sigset_t old;
	lock_blocked(&children_lock, &old);
	for (size_t i = 0; i < nchildren; i++) {
		if ((want_real ? children[i].sim : children[i].real) != pid) continue;
		found = want_real ? children[i].real : children[i].sim;
		if (forget) children[i] = children[--nchildren];
		break;
	}
	unlock_blocked(&children_lock, &old);
	return found;
}

/*
 * A fork through the sim: the real fork first, its child waiting on a socket; then the parent's
 * one line `bind CHILD LINE` makes the sim's fork LINE and binds the real child to the task it
 * made, in one request (the mount takes it only for the caller's own real child, bound to nothing
 * yet). The child goes on once told it is bound, so from its first call it is its own task, and
 * fork returns in the parent with its child bound and remembered (a kill, wait4 or SIGCHLD handler
 * it runs next finds it so, and a parent that forks and exits at once, bash's `sleep 1 & echo $$
 * $!`, cannot come first). Signals stay blocked in both until then: a handler must not run in the
 * child while it still acts as its parent's task. When the sim refuses the line, the real child
 * exits unseen (reaped here) and fork fails with the sim's errno. A socket, not a pipe: the
 * parent's send to a child that died meanwhile is EPIPE, not a SIGPIPE (MSG_NOSIGNAL). It costs
 * the daemon nothing.
 */
static pid_t fork_as(const char *line)
{
	int sync[2], saved_errno = errno;
	sigset_t all, old;
	sigfillset(&all);
	next_pthread_sigmask()(SIG_BLOCK, &all, &old);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sync) < 0) {
		int e = errno;
		next_pthread_sigmask()(SIG_SETMASK, &old, NULL);
		errno = e;
		return -1;
	}
	pid_t r = next_fork()();
	if (r < 0) {
		int e = errno;
		close(sync[0]);
		close(sync[1]);
		next_pthread_sigmask()(SIG_SETMASK, &old, NULL);
		errno = e;
		return -1;
	}
	if (r == 0) {
		char bound = 0;
		close(sync[1]);
		while (recv(sync[0], &bound, 1, 0) < 0 && errno == EINTR)
			;
		close(sync[0]);
		if (bound != 1) next__exit()(127);     /* the sim refused the fork: this process never was */
		if (task_fd >= 0) close(task_fd);   /* its parent's thread's task files */
		if (nested_fd >= 0) close(nested_fd);
		task_fd = nested_fd = -1;
		/* the only thread now: another may have held the lock at the fork */
		pthread_mutex_init(&children_lock, NULL);
		pthread_mutex_init(&shm_lock, NULL);
		pthread_mutex_init(&told_lock, NULL);
		pthread_mutex_init(&threads_lock, NULL);
		nchildren = 0;
		nthreads = 0;
		own_tid = own_pid = 0;
		pid_ns_known = 0;
		main_thread = pthread_self();
		/* its one thread is its main thread: no thread exit to report */
		if (thread_key_made) pthread_setspecific(thread_key, NULL);
		char self[24];
		snprintf(self, sizeof(self), "%ld", real_getpid());
		setenv("PROCSIM_SHIM_PID", self, 1);    /* what this process execs is served too */
		next_pthread_sigmask()(SIG_SETMASK, &old, NULL);
		return 0;
	}
	close(sync[0]);
	long sim_pid = sim_call(NULL, 0, "bind %d %s", r, line);
	int e = errno;
	char bound = sim_pid >= 0;
	if (bound) remember(sim_pid, r);
	/* EPIPE: the child died meanwhile; its end comes to the parent's wait as any child's */
	while (send(sync[1], &bound, 1, MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
	close(sync[1]);
	if (!bound) {
		while (next_wait4()(r, NULL, __WALL, NULL) < 0 && errno == EINTR)
			;
	}
	next_pthread_sigmask()(SIG_SETMASK, &old, NULL);
	errno = bound ? saved_errno : e;
	return bound ? sim_pid : -1;
}

/*
 * execve: what a served process execs is served too (`execve FILE` and its exit reach the sim), as
 * DMTCP keeps its preload across exec. The environment a program passes may be a copy of its own
 * with a PROCSIM_SHIM_PID from before this process was forked (bash passes its exported variables,
 * not environ), or none at all (python's subprocess with env=...): the new image gets this
 * process's real pid as PROCSIM_SHIM_PID, and the shim as LD_PRELOAD when the environment names no
 * preload of its own. The rest is the program's. No malloc: the caller may be a vfork child.
 */
static char preload[4096];   /* "LD_PRELOAD=..." as this image was started with */

SHIM_EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
	static const char key[] = "PROCSIM_SHIM_PID=", ld[] = "LD_PRELOAD=";
	/* environ says who is bound: a child the shim forked set its own pid there; one made by
	 * glibc's clone(), _Fork() or daemon() inherited its parent's, and its image stays unserved */
	const char *bound = getenv("PROCSIM_SHIM_PID");
	if (!shim_active() || !bound || strtol(bound, NULL, 10) != real_getpid()) return next_execve()(path, argv, envp);
	size_t n = 0, has_ld = 0;
	for (; envp && envp[n]; n++)
		has_ld |= strncmp(envp[n], ld, sizeof(ld) - 1) == 0;
	char *env[n + 3], own[sizeof(key) + 24];
	snprintf(own, sizeof(own), "%s%ld", key, real_getpid());
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(envp[i], key, sizeof(key) - 1) != 0) env[k++] = envp[i];
	env[k++] = own;
	if (!has_ld && preload[0]) env[k++] = preload;
	env[k] = NULL;
	return next_execve()(path, argv, env);
}

SHIM_EXPORT pid_t fork(void)
{
	if (!shim_active()) return next_fork()();
	return fork_as("fork");
}

/* Deviation: vfork is a fork (the sim's vfork does not suspend its parent either). */
SHIM_EXPORT pid_t vfork(void)
{
	return fork();
}

/*
 * Mainline's struct clone_args up to CLONE_ARGS_SIZE_VER2 (include/uapi/linux/sched.h), named
 * apart from procsim.h's eclone block of the same name.
 */
struct clone3_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
		set_tid_size, cgroup;
};

#define CLONE_PIDFD_ 0x00001000
#define MAX_PID_NS_LEVEL_ 32

/*
 * A sim clone or clone3 LINE, then the real fork; a flag a fork cannot honour is refused first,
 * and an exit signal other than SIGCHLD (the real child's, a fork's, would not be the sim's).
 */
static long sim_clone(uint64_t flags, uint64_t exit_signal, const char *line)
{
	/* Deviation: a thread, a shared address space, a pidfd or a tid pointer is EINVAL (the real half is a fork) */
	if ((flags & (NOT_A_FORK | CLONE_PIDFD_)) || exit_signal != SIGCHLD) {
		errno = EINVAL;
		return -1;
	}
	return fork_as(line);
}

/*
 * clone3(args, size): the struct's own checks in the order of kernel/fork.c
 * copy_clone_args_from_user (E2BIG above a page, EINVAL below CLONE_ARGS_SIZE_VER0, E2BIG for a
 * nonzero byte past the known struct, then set_tid's size and pointer, exit_signal's high bits),
 * the rest (flags, exit_signal, set_tid's pids: EINVAL, EEXIST, EPERM) by the sim's clone3 line.
 * Deviation: a bad pointer faults in the caller instead of EFAULT.
 */
static long shim_clone3(const unsigned char *uargs, size_t size)
{
	struct clone3_args a;
	char line[LINE_MAX_];
	if (size > 4096) {
		errno = E2BIG;
		return -1;
	}
	if (size < 64) {
		errno = EINVAL;
		return -1;
	}
	memset(&a, 0, sizeof(a));
	memcpy(&a, uargs, size < sizeof(a) ? size : sizeof(a));
	for (size_t i = sizeof(a); i < size; i++) {
		if (uargs[i]) {
			errno = E2BIG;
			return -1;
		}
	}
	if (a.set_tid_size > MAX_PID_NS_LEVEL_ || !a.set_tid != !a.set_tid_size || (a.exit_signal & ~0xffULL) ||
	    a.stack || a.stack_size || a.tls) {
		errno = EINVAL;
		return -1;
	}
	int len = snprintf(line, sizeof(line), "clone3 flags=%llu exit_signal=%llu", (unsigned long long)a.flags,
			   (unsigned long long)a.exit_signal);
	const pid_t *tids = (const pid_t *)(uintptr_t)a.set_tid;
	for (uint64_t i = 0; i < a.set_tid_size; i++)
		len += snprintf(line + len, sizeof(line) - len, "%s%d", i ? "," : " set_tid=", tids[i]);
	return sim_clone(a.flags, a.exit_signal, line);
}

/* clone(2) as syscall(SYS_clone, flags, newsp, ...): served only without a new stack. */
static long shim_clone(unsigned long flags, long newsp)
{
	char line[64];
	if (newsp) {
		errno = EINVAL;     /* Deviation: a new stack is a thread's or a shared space's; refused */
		return -1;
	}
	snprintf(line, sizeof(line), "clone %lu", flags & 0xffffffffUL);
	return sim_clone(flags & 0xffffffffUL & ~0xffUL, flags & 0xff, line);
}

SHIM_EXPORT long procsim_eclone(unsigned int flags, struct clone_args *args, int args_size, pid_t *pids)
{
	char line[LINE_MAX_];
	if (!shim_active()) {
		errno = ENOSYS;
		return -1;
	}
	if (!args || args_size != (int)sizeof(*args) || args->child_stack || args->child_stack_size ||
	    args->clone_flags_high || args->reserved0 || (flags & NOT_A_FORK) ||
	    (args->nr_pids && !pids) || args->nr_pids > 32) {
		errno = EINVAL;
		return -1;
	}
	int len = snprintf(line, sizeof(line), "eclone %u", flags);
	for (uint32_t i = 0; i < args->nr_pids; i++)
		len += snprintf(line + len, sizeof(line) - len, "%s%d", i ? "," : " pids=", pids[i]);
	return sim_clone(flags & ~0xffU, flags & 0xff, line);
}

/* The contract's name: a program may also declare it and link against the shim. */
SHIM_EXPORT long eclone(unsigned int flags, struct clone_args *args, int args_size, pid_t *pids)
	__attribute__((alias("procsim_eclone")));

SHIM_EXPORT int procsim_set_next_syscall_data(int n, const long *values)
{
	char line[LINE_MAX_];
	int len;
	if (!shim_active()) {
		errno = ENOSYS;
		return -1;
	}
	if (n <= 0) {
		len = snprintf(line, sizeof(line), "RESET");
	} else {
		len = snprintf(line, sizeof(line), "LONG%d", n);
		for (int i = 0; i < n && len < (int)sizeof(line); i++)
			len += snprintf(line + len, sizeof(line) - len, " %ld", values[i]);
	}
	if (len >= (int)sizeof(line)) {
		errno = EINVAL;
		return -1;
	}
	/* a fresh open each time: the patch refuses a write at a nonzero offset */
	int fd = open("/proc/thread-self/next_syscall_data", O_WRONLY | O_CLOEXEC);
	if (fd < 0) return -1;
	int r = pwrite(fd, line, len, 0) == len ? 0 : -1;
	int e = errno;
	close(fd);
	errno = e;
	return r;
}

/* ------------------------------------------------------------------ threads */

/*
 * pthread_create: each real thread a sim thread. The real thread is made first (its failure leaves
 * the sim unchanged) and waits; the creator's sim thread then makes the sim one with glibc's clone
 * flags (nptl/pthread_create.c create_thread), as its syscall file's `clone` line, and hands its tid
 * over; the new real thread binds itself alone to it by the line `attach TID` (the mount binds the
 * calling real thread to a fresh sim thread of its own process) before it runs the start routine,
 * so its gettid and /proc/thread-self are its task's from its first call. Its exit (a return from the start
 * routine, pthread_exit, a cancellation) is the sim's `exit 0`, from a thread-specific data
 * destructor, which glibc runs at every thread exit but exit_group's. When the sim's clone fails the
 * real thread returns at once without running the start routine, and pthread_create fails with the
 * sim's errno (EAGAIN, as the kernel's clone errors reach it).
 */
#define THREAD_FLAGS "CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|" \
	"CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID"

struct thread_start {
	void *(*fn)(void *);
	void *arg;
	long tid;         /* the sim tid, or -1: the sim's clone failed */
	int bound;        /* the new thread's answer: 0 bound, else the errno of its attach */
	int go[2], back[2];
};

static void remember_thread(pthread_t thread, pid_t tid)
{
	sigset_t old;
	lock_blocked(&threads_lock, &old);
	if (room_for_one((void **)&threads, nthreads, &capthreads, sizeof(*threads)))
		threads[nthreads++] = (struct sim_thread){ thread, tid };
	unlock_blocked(&threads_lock, &old);
}

static void forget_thread(pthread_t thread)
{
	sigset_t old;
	lock_blocked(&threads_lock, &old);
	for (size_t i = 0; i < nthreads; i++) {
		if (pthread_equal(threads[i].thread, thread)) {
			threads[i] = threads[--nthreads];
			break;
		}
	}
	unlock_blocked(&threads_lock, &old);
}

/* This process's sim pid (asked once): its main thread's sim tid. */
static pid_t sim_own_pid(void)
{
	if (!own_pid) own_pid = (pid_t)sim_value("getpid");
	return own_pid > 0 ? own_pid : 0;
}

/*
 * The sim tid of THREAD, a thread of this process: its own (asked once), the main thread's (the
 * pid), one the shim made, or 0. With BY_TID, the thread of sim tid TID instead, into *BY_TID.
 */
static pid_t sim_tid_of(pthread_t thread, pthread_t *by_tid, pid_t tid)
{
	if (!by_tid && pthread_equal(thread, pthread_self())) {
		if (!own_tid) own_tid = (pid_t)sim_value("gettid");
		return own_tid > 0 ? own_tid : 0;
	}
	if (main_known && (by_tid ? tid == sim_own_pid() : pthread_equal(thread, main_thread))) {
		if (by_tid) *by_tid = main_thread;
		return sim_own_pid();
	}
	pid_t found = 0;
	sigset_t old;
	lock_blocked(&threads_lock, &old);
	for (size_t i = 0; i < nthreads && !found; i++) {
		if (by_tid ? threads[i].tid == tid : pthread_equal(threads[i].thread, thread)) {
			found = threads[i].tid;
			if (by_tid) *by_tid = threads[i].thread;
		}
	}
	unlock_blocked(&threads_lock, &old);
	return found;
}

/* At a served thread's exit: the sim thread exits too. */
static void thread_gone(void *unused)
{
	(void)unused;
	forget_thread(pthread_self());
	sim_call(NO_REPLY, 0, "exit 0");
	if (task_fd >= 0) close(task_fd);
	if (nested_fd >= 0) close(nested_fd);
	task_fd = nested_fd = -1;
}

static void make_thread_key(void)
{
	thread_key_made = pthread_key_create(&thread_key, thread_gone) == 0;
}

/* read(2) of exactly N bytes from a pipe, again after a signal: 0, or -1 at its end or an error. */
static int read_all(int fd, void *buf, size_t n)
{
	ssize_t r;
	while ((r = read(fd, buf, n)) < 0 && errno == EINTR)
		;
	return r == (ssize_t)n ? 0 : -1;
}

static void *thread_trampoline(void *arg)
{
	struct thread_start s = *(struct thread_start *)arg;
	struct thread_start *shared = arg;
	if (read_all(s.go[0], &s.tid, sizeof(s.tid)) || s.tid < 0) return NULL;
	int e = sim_call(NO_REPLY, 0, "attach %ld", s.tid) < 0 ? errno : 0;
	shared->bound = e;
	if (write(s.back[1], "b", 1) != 1 || e) return NULL;
	own_tid = (pid_t)s.tid;
	mask_in_step();
	if (thread_key_made) pthread_setspecific(thread_key, (void *)1);
	return s.fn(s.arg);
}

SHIM_EXPORT int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	if (!shim_active()) return next_pthread_create()(thread, attr, fn, arg);
	struct thread_start s = { fn, arg, -1, 0, { -1, -1 }, { -1, -1 } };
	pthread_once(&thread_key_once, make_thread_key);
	if (pipe2(s.go, O_CLOEXEC) || pipe2(s.back, O_CLOEXEC)) {
		int e = errno;
		for (int i = 0; i < 2; i++) {
			if (s.go[i] >= 0) close(s.go[i]);
		}
		return e;
	}
	int r = next_pthread_create()(thread, attr, thread_trampoline, &s);
	if (!r) {
		int e = errno;
		s.tid = sim_call(NULL, 0, "clone " THREAD_FLAGS);
		r = s.tid < 0 ? errno : 0;
		/* before it runs: a thread that ends at once forgets itself as it exits */
		if (!r) remember_thread(*thread, (pid_t)s.tid);
		char c;
		if (write(s.go[1], &s.tid, sizeof(s.tid)) != sizeof(s.tid) || (s.tid >= 0 && read_all(s.back[0], &c, 1)))
			r = EAGAIN;
		else if (s.tid >= 0 && s.bound) {
			/* Deviation: the sim thread stays, unbound, until its process exits (only it may end itself) */
			dprintf(2, "libprocsim: cannot bind a thread to sim task %ld: %s\n", s.tid, strerror(s.bound));
			r = EAGAIN;
		}
		if (r) {
			if (s.tid >= 0) forget_thread(*thread);
			int detached = 0;
			if (attr) pthread_attr_getdetachstate(attr, &detached);
			if (detached != PTHREAD_CREATE_DETACHED) pthread_join(*thread, NULL);
		}
		errno = e;
	}
	for (int i = 0; i < 2; i++) {
		close(s.go[i]);
		close(s.back[i]);
	}
	return r;
}

/* ------------------------------------------------------------------ ids */

SHIM_EXPORT pid_t getpid(void)
{
	return shim_active() ? (pid_t)sim_value("getpid") : (pid_t)next_syscall()(SYS_getpid, 0, 0, 0, 0, 0, 0);
}

SHIM_EXPORT pid_t getppid(void)
{
	return shim_active() ? (pid_t)sim_value("getppid") : (pid_t)next_syscall()(SYS_getppid, 0, 0, 0, 0, 0, 0);
}

SHIM_EXPORT pid_t gettid(void)
{
	return shim_active() ? (pid_t)sim_value("gettid") : (pid_t)next_syscall()(SYS_gettid, 0, 0, 0, 0, 0, 0);
}

/* ------------------------------------------------------------------ process groups, sessions */

/*
 * The real process of sim pid PID, when this process knows it: itself or a child forked through it;
 * GROUP: PID names this process's own sim process group. 0 if unknown (a sibling: a pipeline's
 * member joining its first member's group moves for real by its parent's setpgid, as shells make both).
 */
static pid_t real_of(pid_t pid, int group)
{
	if (pid == sim_own_pid()) return (pid_t)real_getpid();
	if (group && pid == (pid_t)sim_value("getpgrp")) return (pid_t)next_syscall()(SYS_getpgid, 0, 0, 0, 0, 0, 0);
	return lookup(pid, 1, 0);
}

/*
 * setsid and setpgid: the sim's, whose answer the program gets; then the same on the real process
 * with real pids, where this process knows them (real_of), so that a real terminal's signals and
 * the real kill(0) reach the groups the sim shows. The real call's own failure is not the
 * program's (Deviation: a real group leader's setsid, say, fails there alone).
 */
SHIM_EXPORT pid_t setsid(void)
{
	if (!shim_active()) return next_setsid()();
	long sid = sim_call(NULL, 0, "setsid");
	if (sid < 0) return -1;
	int e = errno;
	next_setsid()();
	errno = e;
	return (pid_t)sid;
}

SHIM_EXPORT int setpgid(pid_t pid, pid_t pgid)
{
	if (!shim_active()) return next_setpgid()(pid, pgid);
	if (sim_call(NULL, 0, "setpgid %d %d", pid, pgid) < 0) return -1;
	int e = errno;
	pid_t real = pid ? real_of(pid, 0) : 0, real_pgid = pgid ? real_of(pgid, 1) : 0;
	if ((!pid || real) && (!pgid || real_pgid)) next_setpgid()(real == (pid_t)real_getpid() ? 0 : real, real_pgid);
	errno = e;
	return 0;
}

SHIM_EXPORT int setpgrp(void)
{
	return setpgid(0, 0);
}

/* getpgid, getsid: the sim's `CALL PID`, errno untouched when it succeeds; inactive, the real syscall NR */
static pid_t served_id(const char *call, long nr, pid_t pid)
{
	if (!shim_active()) return (pid_t)next_syscall()(nr, pid, 0, 0, 0, 0, 0);
	int e = errno;
	long v = sim_call(NULL, 0, "%s %d", call, pid);
	if (v >= 0) errno = e;
	return (pid_t)v;
}

SHIM_EXPORT pid_t getpgid(pid_t pid)
{
	return served_id("getpgid", SYS_getpgid, pid);
}

SHIM_EXPORT pid_t getpgrp(void)
{
	return getpgid(0);
}

SHIM_EXPORT pid_t __getpgid(pid_t pid)
{
	return getpgid(pid);
}

SHIM_EXPORT pid_t getsid(pid_t pid)
{
	return served_id("getsid", SYS_getsid, pid);
}

/*
 * A terminal's foreground group is the real kernel's: tcgetpgrp gives the sim's number for the
 * caller's own group (or a known child's), tcsetpgrp the real one for it, so that a shell's job
 * control compares like with like. Another process's group passes unchanged (Deviation).
 */
SHIM_EXPORT pid_t tcgetpgrp(int fd)
{
	pid_t r = next_tcgetpgrp()(fd);
	if (r < 0 || !shim_active()) return r;
	int e = errno;
	/* 0: a group outside exec's pid namespace, as the caller's own is on a terminal (own_real_group) */
	pid_t sim = r == (pid_t)next_syscall()(SYS_getpgid, 0, 0, 0, 0, 0, 0) ? getpgid(0) : r ? lookup(r, 0, 0) : 0;
	errno = e;
	return sim > 0 ? sim : r;
}

SHIM_EXPORT int tcsetpgrp(int fd, pid_t pgrp)
{
	pid_t real = shim_active() && pgrp > 0 ? real_of(pgrp, 1) : 0;
	return next_tcsetpgrp()(fd, real ? real : pgrp);
}

static long served_tgkill(pid_t tgid, pid_t tid, int sig);

SHIM_EXPORT long syscall(long number, ...)
{
	va_list ap;
	long a[6];
	va_start(ap, number);
	for (int i = 0; i < 6; i++) a[i] = va_arg(ap, long);
	va_end(ap);
	if (shim_active()) {
		if (number == SYS_getpid) return sim_value("getpid");
		if (number == SYS_gettid) return sim_value("gettid");
		if (number == SYS_getppid) return sim_value("getppid");
		if (number == SYS_setsid) return setsid();
		if (number == SYS_setpgid) return setpgid((pid_t)a[0], (pid_t)a[1]);
		if (number == SYS_getpgid) return getpgid((pid_t)a[0]);
		if (number == SYS_getpgrp) return getpgid(0);
		if (number == SYS_getsid) return getsid((pid_t)a[0]);
		if (number == SYS_clone3) return shim_clone3((const unsigned char *)a[0], (size_t)a[1]);
		if (number == SYS_clone) return shim_clone((unsigned long)a[0], a[1]);
		if (number == SYS_tgkill) return tgkill((pid_t)a[0], (pid_t)a[1], (int)a[2]);
		if (number == SYS_tkill) {
			if ((pid_t)a[0] <= 0) {
				errno = EINVAL;
				return -1;
			}
			return served_tgkill(0, (pid_t)a[0], (int)a[1]);
		}
	}
	return next_syscall()(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* ------------------------------------------------------------------ namespaces, credentials, names */

#define SIM_NS_FLAGS (0x20000000 /* CLONE_NEWPID */ | 0x08000000 /* CLONE_NEWIPC */)

/*
 * unshare: the pid and IPC namespaces are the sim's (`unshare FLAGS`); other flags are the real
 * kernel's, asked first so that its EINVAL (kernel/fork.c check_unshare_flags) or EPERM leaves the
 * sim unchanged. Deviation: the real process keeps its real pid and IPC namespaces.
 */
SHIM_EXPORT int unshare(int flags)
{
	if (!shim_active() || !(flags & SIM_NS_FLAGS)) return next_unshare()(flags);
	int rest = flags & ~SIM_NS_FLAGS;
	if (rest && next_unshare()(rest) < 0) return -1;
	return sim_call(NULL, 0, "unshare %d", flags & SIM_NS_FLAGS) < 0 ? -1 : 0;
}

/* Deviation: setuid and capset change the sim task's credentials only; the real process keeps its own. */
SHIM_EXPORT int setuid(uid_t uid)
{
	if (!shim_active()) return next_setuid()(uid);
	return sim_call(NULL, 0, "setuid %u", uid) < 0 ? -1 : 0;
}

/*
 * Where /proc names this process's pids: "" when its sim pid namespace is the one exec's /proc
 * shows (its init's, /proc/1's), else "procsim/pidns/INUM/proc/" (that namespace's tree, which
 * the mount serves to anyone), so that /proc/PID paths take the numbers getpid and fork give.
 */
static const char *pid_ns_prefix(void)
{
	if (!pid_ns_known) {
		char own[64] = "", view[64] = "";
		ssize_t a = readlink("/proc/self/ns/pid", own, sizeof(own) - 1), b = readlink("/proc/1/ns/pid", view, sizeof(view) - 1);
		unsigned long inum = 0;
		pid_ns_dir[0] = 0;
		if (a > 0 && b > 0 && strcmp(own, view) && sscanf(own, "pid:[%lu]", &inum) == 1)
			snprintf(pid_ns_dir, sizeof(pid_ns_dir), "procsim/pidns/%lu/proc/", inum);
		pid_ns_known = 1;
	}
	return pid_ns_dir;
}

/* The sim's file PATH (a /proc file: one read) into BUF, NUL-terminated: BUF, or NULL if unreadable or empty. */
static char *read_proc(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, size - 1);
	if (fd >= 0) close(fd);
	return n > 0 ? (buf[n] = 0, buf) : NULL;
}

/* The value of status line KEY ("Uid", "SigCgt") in the status text STATUS, past its tab; or NULL. */
static char *status_value(char *status, const char *key)
{
	size_t k = strlen(key);
	for (char *p = status ? strstr(status, key) : NULL; p; p = strstr(p + 1, key)) {
		if ((p == status || p[-1] == '\n') && p[k] == ':') return p + k + 1;
	}
	return NULL;
}

/* The uid field (0 real, 1 effective) of the sim's status file PATH; -1 if unreadable. */
static long status_uid(const char *path, int field)
{
	char buf[4096];
	char *p = status_value(read_proc(path, buf, sizeof(buf)), "Uid");
	if (!p) return -1;
	long v = strtol(p, &p, 10);
	return field ? strtol(p, NULL, 10) : v;
}

static long sim_uid(int field)
{
	return status_uid("/proc/thread-self/status", field);
}

/* Sim task PID's real uid (a zombie's too), or -1. */
static long stat_uid(pid_t pid)
{
	char path[128];
	snprintf(path, sizeof(path), "/proc/%s%d/status", pid_ns_prefix(), pid);
	return status_uid(path, 0);
}

SHIM_EXPORT uid_t getuid(void)
{
	long v = shim_active() ? sim_uid(0) : -1;
	return v >= 0 ? (uid_t)v : (uid_t)next_syscall()(SYS_getuid, 0, 0, 0, 0, 0, 0);
}

SHIM_EXPORT uid_t geteuid(void)
{
	long v = shim_active() ? sim_uid(1) : -1;
	return v >= 0 ? (uid_t)v : (uid_t)next_syscall()(SYS_geteuid, 0, 0, 0, 0, 0, 0);
}

struct cap_header {
	uint32_t version;
	int pid;
};
struct cap_data {
	uint32_t effective, permitted, inheritable;
};

/* kernel/capability.c cap_validate_magic: u32 words a set has in this version; else EINVAL, version 3 written back. */
static int cap_words(struct cap_header *h)
{
	switch (h->version) {
	case 0x19980330: return 1;
	case 0x20071026: case 0x20080522: return 2;
	}
	h->version = 0x20080522;
	errno = EINVAL;
	return -1;
}

SHIM_EXPORT int capget(void *hdrp, void *datap)
{
	struct cap_header *h = hdrp;
	struct cap_data *d = datap;
	char reply[160] = "";
	if (!shim_active()) return next_capget()(hdrp, datap);
	int words = cap_words(h);
	if (words < 0 || !d) return !d && words < 0 ? 0 : words < 0 ? -1 : 0;   /* a version probe */
	if (h->pid < 0) {
		errno = EINVAL;
		return -1;
	}
	if (sim_call(reply, sizeof(reply), "capget %d", h->pid) < 0) return -1;
	char *e = strstr(reply, "effective="), *p = strstr(reply, "permitted="), *i = strstr(reply, "inheritable=");
	if (!e || !p || !i) {
		errno = EIO;
		return -1;
	}
	unsigned long long set[3] = { strtoull(e + 10, NULL, 16), strtoull(p + 10, NULL, 16), strtoull(i + 12, NULL, 16) };
	for (int w = 0; w < words; w++)
		d[w] = (struct cap_data){ (uint32_t)(set[0] >> (32 * w)), (uint32_t)(set[1] >> (32 * w)),
					  (uint32_t)(set[2] >> (32 * w)) };
	return 0;
}

SHIM_EXPORT int capset(void *hdrp, const void *datap)
{
	struct cap_header *h = hdrp;
	const struct cap_data *d = datap;
	if (!shim_active()) return next_capset()(hdrp, datap);
	int words = cap_words(h);
	if (words < 0) return -1;
	if (h->pid && h->pid != sim_value("getpid")) {
		errno = EPERM;
		return -1;
	}
	unsigned long long set[3] = { 0, 0, 0 };
	for (int w = 0; w < words; w++) {
		set[0] |= (unsigned long long)d[w].effective << (32 * w);
		set[1] |= (unsigned long long)d[w].permitted << (32 * w);
		set[2] |= (unsigned long long)d[w].inheritable << (32 * w);
	}
	return sim_call(NULL, 0, "capset effective=%llu permitted=%llu inheritable=%llu", set[0], set[1], set[2]) < 0 ? -1 : 0;
}

/*
 * PR_SET_NAME and PR_GET_NAME from the main thread are the sim task's comm (a thread's own name is
 * not its process's task's); the real comm is set too. Deviation: a name the line cannot carry (empty,
 * or with a blank) is EINVAL. Other options are the real kernel's.
 */
SHIM_EXPORT int prctl(int option, ...)
{
	va_list ap;
	unsigned long a[4];
	va_start(ap, option);
	for (int i = 0; i < 4; i++) a[i] = va_arg(ap, unsigned long);
	va_end(ap);
	if (!shim_active() || (option != PR_SET_NAME && option != PR_GET_NAME) ||
	    next_syscall()(SYS_gettid, 0, 0, 0, 0, 0, 0) != real_getpid())
		return next_prctl()(option, a[0], a[1], a[2], a[3]);
	char name[16], reply[64] = "";
	if (option == PR_SET_NAME) {
		strncpy(name, (const char *)a[0], 15);
		name[15] = 0;
		if (!*name || strpbrk(name, " \t\n")) {
			errno = EINVAL;
			return -1;
		}
		if (sim_call(NULL, 0, "prctl PR_SET_NAME %s", name) < 0) return -1;
		return next_prctl()(option, a[0], a[1], a[2], a[3]);
	}
	if (sim_call(reply, sizeof(reply), "prctl PR_GET_NAME") < 0) return -1;
	char *n = strstr(reply, "name=");
	if (!n) {
		errno = EIO;
		return -1;
	}
	n[5 + strcspn(n + 5, "\n")] = 0;
	strncpy((char *)a[0], n + 5, 16);
	((char *)a[0])[15] = 0;
	return 0;
}

/* ------------------------------------------------------------------ SysV message queues */

/*
 * msgget, msgsnd, msgrcv and msgctl are the sim's (its ids: msg_next_id and next_syscall_data
 * choose them). Deviation: a message travels as one word of the line, so one whose bytes are not
 * all printable non-blank ASCII is EINVAL; a message longer than msgrcv's msgsz without MSG_NOERROR
 * (E2BIG, left queued in Linux) is sent back to the tail of its queue.
 */
SHIM_EXPORT int msgget(key_t key, int flags)
{
	return shim_active() ? (int)sim_call(NULL, 0, "msgget %d %d", key, flags) : (int)next_syscall()(SYS_msgget, key, flags, 0, 0, 0, 0);
}

static int printable(const char *text, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (text[i] <= ' ' || text[i] > '~') return 0;
	return n > 0;
}

SHIM_EXPORT int msgsnd(int id, const void *msgp, size_t size, int flags)
{
	if (!shim_active()) return (int)next_syscall()(SYS_msgsnd, id, (long)msgp, (long)size, flags, 0, 0);
	const struct msgbuf *m = msgp;
	if (size > LINE_MAX_ - 64 || !printable(m->mtext, size)) {
		errno = EINVAL;
		return -1;
	}
	return sim_call(NULL, 0, "msgsnd %d %ld %.*s %d", id, m->mtype, (int)size, m->mtext, flags) < 0 ? -1 : 0;
}

SHIM_EXPORT ssize_t msgrcv(int id, void *msgp, size_t size, long type, int flags)
{
	if (!shim_active()) return next_syscall()(SYS_msgrcv, id, (long)msgp, (long)size, type, flags, 0);
	char reply[LINE_MAX_];
	struct msgbuf *m = msgp;
	if ((ssize_t)size < 0) {
		errno = EINVAL;
		return -1;
	}
	long n = sim_call(reply, sizeof(reply), "msgrcv %d %ld %d", id, type, flags);
	char *t = strstr(reply, " text="), *mt = strstr(reply, " mtype=");
	if (n < 0) return -1;
	if (!t || !mt) {
		errno = EIO;
		return -1;
	}
	long mtype = strtol(mt + 7, NULL, 10);
	t += 6;
	t[strcspn(t, "\n")] = 0;
	if ((size_t)n > size && !(flags & MSG_NOERROR)) {
		sim_call(NULL, 0, "msgsnd %d %ld %s IPC_NOWAIT", id, mtype, t);
		errno = E2BIG;
		return -1;
	}
	if ((size_t)n > size) n = (long)size;
	m->mtype = mtype;
	memcpy(m->mtext, t, n);
	return n;
}

/* The number after " KEY=" in a reply (base 0: perms is octal), or 0. */
static long long reply_field(const char *reply, const char *key)
{
	char k[32];
	snprintf(k, sizeof(k), " %s=", key);
	const char *p = strstr(reply, k);
	return p ? strtoll(p + strlen(k), NULL, 0) : 0;
}

/* An IPC_STAT reply's struct ipc_perm. */
static void fill_perm(struct ipc_perm *p, const char *reply, int id)
{
	p->__key = (key_t)reply_field(reply, "key");
	p->uid = reply_field(reply, "uid");
	p->gid = reply_field(reply, "gid");
	p->cuid = reply_field(reply, "cuid");
	p->cgid = reply_field(reply, "cgid");
	p->mode = reply_field(reply, "perms");
	p->__seq = id / 32768;   /* ipc/util.c ipcid_to_seqx: id = seq * SEQ_MULTIPLIER + idx */
}

/* A struct field an IPC_STAT reply's KEY fills. */
struct stat_field {
	const char *key;
	size_t offset, size;
};
#define STAT_FIELD(type, member, key) { key, offsetof(type, member), sizeof(((type *)0)->member) }

/* BUF zeroed, its ipc_perm (at offset 0 in every *id_ds) and FIELDS from an IPC_STAT reply. */
static void fill_stat(void *buf, size_t size, const char *reply, int id, const struct stat_field *fields, size_t n)
{
	memset(buf, 0, size);
	fill_perm(buf, reply, id);
	for (size_t i = 0; i < n; i++) {
		long long v = reply_field(reply, fields[i].key);
		char *at = (char *)buf + fields[i].offset;
		if (fields[i].size == 8) *(int64_t *)at = v;
		else if (fields[i].size == 4) *(int32_t *)at = (int32_t)v;
		else if (fields[i].size == 2) *(int16_t *)at = (int16_t)v;
	}
}

static const struct stat_field MSG_FIELDS[] = {
	STAT_FIELD(struct msqid_ds, msg_stime, "stime"), STAT_FIELD(struct msqid_ds, msg_rtime, "rtime"),
	STAT_FIELD(struct msqid_ds, msg_ctime, "ctime"), STAT_FIELD(struct msqid_ds, __msg_cbytes, "cbytes"),
	STAT_FIELD(struct msqid_ds, msg_qnum, "qnum"), STAT_FIELD(struct msqid_ds, msg_qbytes, "qbytes"),
	STAT_FIELD(struct msqid_ds, msg_lspid, "lspid"), STAT_FIELD(struct msqid_ds, msg_lrpid, "lrpid"),
};

/*
 * What msgctl and shmctl share after IPC_SET: IPC_RMID, another command than IPC_STAT (EINVAL), and
 * IPC_STAT's reply into REPLY. Returns 1 when REPLY holds that reply, else the call's result.
 */
static int ctl_common(const char *call, int id, int cmd, char *reply, size_t size)
{
	if (cmd == IPC_RMID) return sim_call(NULL, 0, "%s %d IPC_RMID", call, id) < 0 ? -1 : 0;
	if (cmd != IPC_STAT) {
		errno = EINVAL;
		return -1;
	}
	return sim_call(reply, size, "%s %d IPC_STAT", call, id) < 0 ? -1 : 1;
}

/* IPC_STAT, IPC_SET, IPC_RMID; other commands: Deviation, EINVAL (the sim has no IPC_INFO, MSG_STAT). */
SHIM_EXPORT int msgctl(int id, int cmd, struct msqid_ds *buf)
{
	if (!shim_active()) return next_msgctl()(id, cmd, buf);
	char reply[LINE_MAX_];
	if (cmd == IPC_SET) {
		return sim_call(NULL, 0, "msgctl %d IPC_SET uid=%u gid=%u perms=0%o qbytes=%lu stime=%ld rtime=%ld ctime=%ld "
					 "lspid=%d lrpid=%d", id, buf->msg_perm.uid, buf->msg_perm.gid, buf->msg_perm.mode & 0777,
				(unsigned long)buf->msg_qbytes, (long)buf->msg_stime, (long)buf->msg_rtime, (long)buf->msg_ctime,
				buf->msg_lspid, buf->msg_lrpid) < 0 ? -1 : 0;
	}
	int r = ctl_common("msgctl", id, cmd, reply, sizeof(reply));
	if (r != 1) return r;
	fill_stat(buf, sizeof(*buf), reply, id, MSG_FIELDS, sizeof(MSG_FIELDS) / sizeof(*MSG_FIELDS));
	return 0;
}

/* ------------------------------------------------------------------ SysV semaphores and shared memory */

/*
 * semget, semop, semctl, shmget and shmctl are the sim's, as the message calls (the same IPC_STAT,
 * IPC_SET, IPC_RMID; other commands EINVAL, a Deviation). shmat and shmdt below.
 */
static const struct stat_field SEM_FIELDS[] = {
	STAT_FIELD(struct semid_ds, sem_otime, "otime"), STAT_FIELD(struct semid_ds, sem_ctime, "ctime"),
	STAT_FIELD(struct semid_ds, sem_nsems, "nsems"),
};
static const struct stat_field SHM_FIELDS[] = {
	STAT_FIELD(struct shmid_ds, shm_segsz, "size"), STAT_FIELD(struct shmid_ds, shm_atime, "atime"),
	STAT_FIELD(struct shmid_ds, shm_dtime, "dtime"), STAT_FIELD(struct shmid_ds, shm_ctime, "ctime"),
	STAT_FIELD(struct shmid_ds, shm_cpid, "cpid"), STAT_FIELD(struct shmid_ds, shm_lpid, "lpid"),
	STAT_FIELD(struct shmid_ds, shm_nattch, "nattch"),
};

SHIM_EXPORT int semget(key_t key, int nsems, int flags)
{
	return shim_active() ? (int)sim_call(NULL, 0, "semget %d %d %d", key, nsems, flags)
			     : (int)next_syscall()(SYS_semget, key, nsems, flags, 0, 0, 0);
}

/* ipc/sem.c do_semtimedop: no operation is EINVAL, more than SEMOPM (500) E2BIG. */
SHIM_EXPORT int semop(int id, struct sembuf *sops, size_t nsops)
{
	char line[LINE_MAX_];
	if (!shim_active()) return (int)next_syscall()(SYS_semop, id, (long)sops, (long)nsops, 0, 0, 0);
	if (nsops < 1 || nsops > 500) {
		errno = nsops < 1 ? EINVAL : E2BIG;
		return -1;
	}
	int len = snprintf(line, sizeof(line), "semop %d ", id);
	for (size_t i = 0; i < nsops && len < (int)sizeof(line); i++)
		len += snprintf(line + len, sizeof(line) - len, "%s%u:%d:%d", i ? "," : "", sops[i].sem_num, sops[i].sem_op,
				sops[i].sem_flg);
	return sim_call(NULL, 0, "%s", line) < 0 ? -1 : 0;
}

union semun_ {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

SHIM_EXPORT int semctl(int id, int semnum, int cmd, ...)
{
	char reply[LINE_MAX_], line[LINE_MAX_];
	union semun_ arg = { 0 };
	va_list ap;
	va_start(ap, cmd);
	if (cmd == SETVAL || cmd == GETALL || cmd == SETALL || cmd == IPC_STAT || cmd == IPC_SET) arg = va_arg(ap, union semun_);
	va_end(ap);
	if (!shim_active()) return (int)next_syscall()(SYS_semctl, id, semnum, cmd, (long)arg.buf, 0, 0);
	switch (cmd) {
	case GETVAL: return (int)sim_call(NULL, 0, "semctl %d %d GETVAL", id, semnum);
	case GETPID: return (int)sim_call(NULL, 0, "semctl %d %d GETPID", id, semnum);
	case GETNCNT: return (int)sim_call(NULL, 0, "semctl %d %d GETNCNT", id, semnum);
	case GETZCNT: return (int)sim_call(NULL, 0, "semctl %d %d GETZCNT", id, semnum);
	case SETVAL: return sim_call(NULL, 0, "semctl %d %d SETVAL %d", id, semnum, arg.val) < 0 ? -1 : 0;
	case IPC_RMID: return sim_call(NULL, 0, "semctl %d 0 IPC_RMID", id) < 0 ? -1 : 0;
	case IPC_SET:
		return sim_call(NULL, 0, "semctl %d 0 IPC_SET uid=%u gid=%u perms=0%o otime=%ld ctime=%ld", id,
				arg.buf->sem_perm.uid, arg.buf->sem_perm.gid, arg.buf->sem_perm.mode & 0777,
				(long)arg.buf->sem_otime, (long)arg.buf->sem_ctime) < 0 ? -1 : 0;
	case GETALL: case SETALL: case IPC_STAT: break;
	default:
		errno = EINVAL;
		return -1;
	}
	if (sim_call(reply, sizeof(reply), "semctl %d 0 IPC_STAT", id) < 0) return -1;
	long nsems = (long)reply_field(reply, "nsems");
	if (cmd == IPC_STAT) {
		fill_stat(arg.buf, sizeof(*arg.buf), reply, id, SEM_FIELDS, sizeof(SEM_FIELDS) / sizeof(*SEM_FIELDS));
		return 0;
	}
	if (cmd == SETALL) {
		int len = snprintf(line, sizeof(line), "semctl %d 0 SETALL ", id);
		for (long i = 0; i < nsems && len < (int)sizeof(line); i++)
			len += snprintf(line + len, sizeof(line) - len, "%s%u", i ? "," : "", arg.array[i]);
		return sim_call(NULL, 0, "%s", line) < 0 ? -1 : 0;
	}
	if (sim_call(reply, sizeof(reply), "semctl %d 0 GETALL", id) < 0) return -1;
	char *v = strstr(reply, "values=");
	for (long i = 0; v && i < nsems; i++) {
		v += i ? 1 : 7;
		arg.array[i] = (unsigned short)strtoul(v, &v, 10);
	}
	return 0;
}

SHIM_EXPORT int shmget(key_t key, size_t size, int flags)
{
	return shim_active() ? (int)sim_call(NULL, 0, "shmget %d %zu %d", key, size, flags)
			     : (int)next_syscall()(SYS_shmget, key, (long)size, flags, 0, 0, 0);
}

static void shm_unlink_segment(int id);

SHIM_EXPORT int shmctl(int id, int cmd, struct shmid_ds *buf)
{
	char reply[LINE_MAX_];
	if (!shim_active()) return next_shmctl()(id, cmd, buf);
	if (cmd == IPC_SET) {
		return sim_call(NULL, 0, "shmctl %d IPC_SET uid=%u gid=%u perms=0%o atime=%ld dtime=%ld ctime=%ld cpid=%d lpid=%d",
				id, buf->shm_perm.uid, buf->shm_perm.gid, buf->shm_perm.mode & 0777, (long)buf->shm_atime,
				(long)buf->shm_dtime, (long)buf->shm_ctime, buf->shm_cpid, buf->shm_lpid) < 0 ? -1 : 0;
	}
	int r = ctl_common("shmctl", id, cmd, reply, sizeof(reply));
	if (r == 0 && cmd == IPC_RMID) shm_unlink_segment(id);
	if (r != 1) return r;
	fill_stat(buf, sizeof(*buf), reply, id, SHM_FIELDS, sizeof(SHM_FIELDS) / sizeof(*SHM_FIELDS));
	return 0;
}

/*
 * shmat and shmdt with real memory. Each sim segment is a file in /dev/shm named after the mount
 * (the FUSE device and its boot time, from stat of /proc, so two daemons never share one), the
 * sim's IPC namespace (the inode of /proc/thread-self/ns/ipc) and the shm id; every sim process that
 * attaches maps it MAP_SHARED at the address the sim's `shmat` line returned, so they share its
 * pages. A file, not a memfd: a memfd would reach only the processes forked after it was made, and
 * the mount's /proc has no /proc/<pid>/fd of real files to reopen it by. The sim's address is kept
 * (MAP_FIXED_NOREPLACE); when real memory is already there and the caller asked for no address,
 * the sim's attach is moved to one the real kernel chose (`shmat ID FLAGS addr=X`); with an address
 * given, an overlap is EINVAL as do_shmat's (SHM_REMAP: replaced, MAP_FIXED). The shim's IPC_RMID
 * unlinks the file: processes attached keep the pages, as Linux keeps a removed segment until its
 * last detach. Deviation: a segment removed by another than the shim (an operator's `shmctl ID
 * IPC_RMID` line) leaves its file, found again if the sim gives a new segment that id (a restore
 * by next_syscall_data), and a segment never removed outlives the daemon in /dev/shm.
 */
struct shm_attach {
	void *addr;
	size_t len;
};
static struct shm_attach *shm_attaches;   /* inherited by fork's child with the mappings themselves */
static size_t nshm_attaches, capshm_attaches;

static int shm_file(int id, char *path, size_t size)
{
	struct stat st;
	char ns[64];
	ssize_t n = readlink("/proc/thread-self/ns/ipc", ns, sizeof(ns) - 1);
	if (stat("/proc", &st) || n <= 0) return -1;
	ns[n] = 0;
	char *inum = strchr(ns, '[');
	snprintf(path, size, "/dev/shm/procsim-shm.%lx.%lld.%ld.%d", (unsigned long)st.st_dev, (long long)st.st_mtime,
		 inum ? strtol(inum + 1, NULL, 10) : 0L, id);
	return 0;
}

static void shm_unlink_segment(int id)
{
	char path[160];
	if (!shm_file(id, path, sizeof(path))) unlink(path);
}

/* The attach at ADDR: its length, forgotten when FORGET; 0 if none. */
static size_t shm_attach_len(const void *addr, int forget)
{
	size_t len = 0;
	pthread_mutex_lock(&shm_lock);
	for (size_t i = 0; i < nshm_attaches; i++) {
		if (shm_attaches[i].addr != addr) continue;
		len = shm_attaches[i].len;
		if (forget) shm_attaches[i] = shm_attaches[--nshm_attaches];
		break;
	}
	pthread_mutex_unlock(&shm_lock);
	return len;
}

static int shm_remember(void *addr, size_t len)
{
	pthread_mutex_lock(&shm_lock);
	int ok = room_for_one((void **)&shm_attaches, nshm_attaches, &capshm_attaches, sizeof(*shm_attaches));
	if (ok) shm_attaches[nshm_attaches++] = (struct shm_attach){ addr, len };
	pthread_mutex_unlock(&shm_lock);
	return ok;
}

/* The sim's attach at START undone, errno E kept; (void *)-1. */
static void *shm_undo(long start, int e)
{
	sim_call(NULL, 0, "shmdt %ld", start);
	errno = e;
	return (void *)-1;
}

SHIM_EXPORT void *shmat(int id, const void *addr, int flags)
{
	if (!shim_active()) return (void *)next_syscall()(SYS_shmat, id, (long)addr, flags, 0, 0, 0);
	char reply[LINE_MAX_], path[160];
	long start = addr ? sim_call(NULL, 0, "shmat %d %d addr=%lu", id, flags, (unsigned long)addr)
			  : sim_call(NULL, 0, "shmat %d %d", id, flags);
	if (start == -1) return (void *)-1;
	if (sim_call(reply, sizeof(reply), "shmctl %d IPC_STAT", id) < 0 || shm_file(id, path, sizeof(path)))
		return shm_undo(start, errno);
	size_t page = (size_t)sysconf(_SC_PAGESIZE), len = ((size_t)reply_field(reply, "size") + page - 1) & ~(page - 1);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) || ((size_t)st.st_size < len && ftruncate(fd, (off_t)len))) {
		int e = errno;
		if (fd >= 0) close(fd);
		return shm_undo(start, e);
	}
	int prot = PROT_READ | (flags & SHM_RDONLY ? 0 : PROT_WRITE) | (flags & SHM_EXEC ? PROT_EXEC : 0);
	void *m = mmap((void *)start, len, prot, MAP_SHARED | (flags & SHM_REMAP ? MAP_FIXED : MAP_FIXED_NOREPLACE), fd, 0);
	if (m == MAP_FAILED && errno == EEXIST && !addr) {
		/* real memory where the sim put it: the real kernel chooses, the sim's attach follows */
		sim_call(NULL, 0, "shmdt %ld", start);
		m = mmap(NULL, len, prot, MAP_SHARED, fd, 0);
		start = (long)m;
		if (m != MAP_FAILED && sim_call(NULL, 0, "shmat %d %d addr=%ld", id, flags, start) < 0) {
			int e = errno;
			munmap(m, len);
			close(fd);
			errno = e;
			return (void *)-1;
		}
	}
	int e = errno;
	close(fd);
	if (m == MAP_FAILED) return shm_undo(start, e == EEXIST ? EINVAL : e);
	if (!shm_remember(m, len)) {
		munmap(m, len);
		return shm_undo(start, ENOMEM);
	}
	return m;
}

/* An address the shim attached: the sim's shmdt, then the real unmap; any other: EINVAL. */
SHIM_EXPORT int shmdt(const void *addr)
{
	if (!shim_active()) return (int)next_syscall()(SYS_shmdt, (long)addr, 0, 0, 0, 0, 0);
	size_t len = shm_attach_len(addr, 0);
	if (!len) {
		errno = EINVAL;
		return -1;
	}
	if (sim_call(NULL, 0, "shmdt %lu", (unsigned long)addr) < 0) return -1;
	shm_attach_len(addr, 1);
	munmap((void *)addr, len);
	return 0;
}

/* ------------------------------------------------------------------ wait */

/*
 * The real child is reaped for real, then the sim's wait4 for its task gives the answer. A child
 * that ended without telling the sim (a real signal, or a raw exit_group) is first ended in the
 * sim: by that signal, else by SIGKILL. A real stop or continue is returned as the real status.
 */
/* The sim's /proc/PID/stat into BUF: a pointer to the ')' that ends comm, or NULL. */
static char *read_stat(pid_t pid, char *buf, size_t size)
{
	char path[128];
	snprintf(path, sizeof(path), "/proc/%s%d/stat", pid_ns_prefix(), pid);
	char *p = read_proc(path, buf, size) ? strrchr(buf, ')') : NULL;
	return p && p[1] == ' ' ? p : NULL;
}

/* Numeric field N (1-based, as proc(5) numbers them, N >= 4) of the sim's /proc/PID/stat, or -1. */
static long stat_field(pid_t pid, int n)
{
	char buf[1024];
	char *p = read_stat(pid, buf, sizeof(buf));
	/* p + 1: the blank before field 3 */
	for (int f = 2; f < n && p; f++) p = strchr(p + 1, ' ');
	return p ? strtol(p + 1, NULL, 10) : -1;
}

static int catches_or_blocks(const char *path, int sig);

/*
 * This process's children (forked through the shim, at most MAX) in sim process group PGRP into
 * OUT; with CAUGHT, whether each one's sim task catches or blocks SIG, asked now (before a kill:
 * SA_RESETHAND undoes the handler as the sim delivers). Their count.
 */
static size_t group_members(pid_t pgrp, struct child *out, size_t max, int *caught, int sig)
{
	struct child known[64];
	size_t k = 0, n = 0;
	sigset_t old;
	lock_blocked(&children_lock, &old);
	for (size_t i = 0; i < nchildren && k < 64; i++) known[k++] = children[i];
	unlock_blocked(&children_lock, &old);
	for (size_t i = 0; i < k && n < max; i++) {
		if (stat_field(known[i].sim, 5) != pgrp) continue;
		if (caught) {
			char path[128];
			snprintf(path, sizeof(path), "/proc/%s%d/status", pid_ns_prefix(), known[i].sim);
			caught[n] = sig > 0 && sig <= 64 && catches_or_blocks(path, sig);
		}
		out[n++] = known[i];
	}
	return n;
}

/* The sim's wait4 for PID; its status (when it names a task) into *wstatus. */
static pid_t sim_wait(pid_t pid, const char *options, int *wstatus)
{
	char reply[128] = "";
	long got = sim_call(reply, sizeof(reply), "wait4 %d %s", pid, options);
	char *s = strstr(reply, "status=");
	if (got > 0 && s && wstatus) *wstatus = (int)strtol(s + 7, NULL, 16);
	return (pid_t)got;
}

/*
 * After the real wait reaped (or, with WNOWAIT, saw) real child REAL that ended with real status ST:
 * its sim task's pid, and the sim's status into *wstatus (the real one if not a child of ours).
 * Reaping: the sim's wait4 for it, the task first killed in the sim by the real signal (else
 * SIGKILL) if it ended without telling the sim. WNOWAIT: the zombie's exit code from stat's field
 * 52 (exit_code), left unreaped in the sim too; the real status while the task has not exited.
 */
static pid_t sim_reaped(pid_t real, int st, int nowait, int *wstatus)
{
	pid_t sim = lookup(real, 0, !nowait && (WIFEXITED(st) || WIFSIGNALED(st)));
	if (wstatus) *wstatus = st;
	if (!sim) return real;   /* a real child the shim did not fork (posix_spawn, clone): real numbers */
	if (!(WIFEXITED(st) || WIFSIGNALED(st))) return sim;
	int e = errno;
	if (nowait) {
		long code = stat_field(sim, 52);
		if (code >= 0 && wstatus) *wstatus = (int)code;
	} else if (sim_wait(sim, "WNOHANG", wstatus) == 0) {
		sim_call(NULL, 0, "kill %d %d", sim, WIFSIGNALED(st) ? WTERMSIG(st) : SIGKILL);
		if (sim_wait(sim, "WNOHANG", wstatus) == 0) {
			/* the sim's task lives on (a namespace init ignores the signal; a handler the sim holds,
			 * which SA_RESETHAND undid in the real kernel alone, took it): SIGKILL, and the real status */
			sim_call(NULL, 0, "kill %d SIGKILL", sim);
			while (sim_wait(sim, "", wstatus) < 0 && errno == EINTR)
				;
			if (wstatus) *wstatus = st;
		}
	}
	errno = e;
	return sim;
}

/*
 * wait4(0) and wait4(-PGRP) for real: 0 for the caller's own group (its real group is in step:
 * setpgid and setsid are made for real too), -REAL for one this process or a child of it leads;
 * -1 when the real group is unknown.
 */
static pid_t real_group(pid_t pid)
{
	if (pid == 0 || (pid != INT_MIN && -pid == (pid_t)sim_value("getpgrp"))) return 0;
	pid_t leader = pid == INT_MIN ? 0 : real_of(-pid, 0);
	return leader > 1 ? -leader : -1;
}

/*
 * wait4 for a child in sim group PGRP whose real group this process does not know: each of its
 * children in it, by a real WNOHANG wait4 each, every 10 ms until one changed (or at once with
 * WNOHANG); ECHILD for none. Deviation: polled, so a signal does not end the wait with EINTR.
 */
static pid_t wait_members(pid_t pgrp, int *wstatus, int options, struct rusage *ru)
{
	struct child members[64];
	size_t n = group_members(pgrp, members, 64, NULL, 0);
	if (!n) {
		errno = ECHILD;
		return -1;
	}
	for (;;) {
		for (size_t i = 0; i < n; i++) {
			int st;
			pid_t r = next_wait4()(members[i].real, &st, options | WNOHANG, ru);
			if (r > 0) return sim_reaped(r, st, 0, wstatus);
		}
		if (options & WNOHANG) return 0;
		nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	}
}

SHIM_EXPORT pid_t wait4(pid_t pid, int *wstatus, int options, struct rusage *ru)
{
	int st;
	if (!shim_active()) return next_wait4()(pid, wstatus, options, ru);
	pid_t real = -1;
	if (pid > 0) {
		real = lookup(pid, 1, 0);
		/* not a child forked through the shim: the sim's answer (ECHILD, or a task without a real process) */
		if (!real) return sim_wait(pid, options & WNOHANG ? "WNOHANG" : "", wstatus);
	}
	if (pid == 0 || pid < -1) {
		real = real_group(pid);
		if (real == -1) return wait_members(pid == INT_MIN ? 0 : -pid, wstatus, options, ru);
	}
	pid_t r = next_wait4()(real, &st, options, ru);
	if (r <= 0) return r;
	return sim_reaped(r, st, 0, wstatus);
}

/*
 * waitid: kernel/exit.c kernel_waitid's checks (EINVAL for an unknown option bit, for none of
 * WEXITED|WSTOPPED|WCONTINUED, an unknown idtype, P_PID <= 0, P_PGID < 0), the real waitid on the
 * real child, then the sim's answer as wait4's, in a siginfo as wait_task_zombie fills it. P_PIDFD is
 * the real kernel's. P_PGID is the real group where the shim knows it (real_group). Deviation: a
 * P_PGID whose real group the shim does not know is any child; a sim task
 * with no real process of ours is waited for by the sim's wait4 line, WEXITED only (else EINVAL).
 */
#define WAITID_OPTIONS (WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL)
#define P_PIDFD_ 3

/* A wait status as a siginfo of a child that changed state (si_pid PID, si_uid UID). */
static void status_to_siginfo(siginfo_t *si, pid_t pid, uid_t uid, int st)
{
	memset(si, 0, sizeof(*si));
	si->si_signo = SIGCHLD;
	si->si_pid = pid;
	si->si_uid = uid;
	if (WIFEXITED(st)) {
		si->si_code = CLD_EXITED;
		si->si_status = WEXITSTATUS(st);
	} else if (WIFSIGNALED(st)) {
		si->si_code = WCOREDUMP(st) ? CLD_DUMPED : CLD_KILLED;
		si->si_status = WTERMSIG(st);
	} else if (WIFSTOPPED(st)) {
		si->si_code = CLD_STOPPED;
		si->si_status = WSTOPSIG(st);
	} else {
		si->si_code = CLD_CONTINUED;
		si->si_status = SIGCONT;
	}
}

SHIM_EXPORT int waitid(idtype_t which, id_t id, siginfo_t *infop, int options)
{
	if (!shim_active() || which == P_PIDFD_) return (int)next_syscall()(SYS_waitid, which, id, (long)infop, options, 0, 0);
	if ((options & ~WAITID_OPTIONS) || !(options & (WEXITED | WSTOPPED | WCONTINUED)) ||
	    (which != P_ALL && which != P_PID && which != P_PGID) || (which == P_PID && (pid_t)id <= 0) ||
	    (which == P_PGID && (pid_t)id < 0)) {
		errno = EINVAL;
		return -1;
	}
	siginfo_t si;
	int st;
	memset(&si, 0, sizeof(si));
	pid_t real = 0;
	if (which == P_PID && !(real = lookup((pid_t)id, 1, 0))) {
		if ((options & (WNOWAIT | WSTOPPED | WCONTINUED)) || !(options & WEXITED)) {
			errno = EINVAL;
			return -1;
		}
		long uid = stat_uid((pid_t)id);
		pid_t got = sim_wait((pid_t)id, options & WNOHANG ? "WNOHANG" : "", &st);
		if (got < 0) return -1;
		if (got > 0) status_to_siginfo(&si, got, (uid_t)(uid < 0 ? 0 : uid), st);
		if (infop) *infop = si;
		return 0;
	}
	long type = real ? P_PID : P_ALL, of = real;
	if (which == P_PGID) {
		pid_t g = real_group(id ? -(pid_t)id : 0); /* 0: the caller's own (Linux 5.4's P_PGID 0) */
		if (g != -1) type = P_PGID, of = -g;
	}
	if (next_syscall()(SYS_waitid, type, of, (long)&si, options, 0, 0) < 0) return -1;
	if (si.si_pid) {
		int nowait = (options & WNOWAIT) != 0;
		st = si.si_code == CLD_EXITED ? (si.si_status & 0xff) << 8 : si.si_code == CLD_KILLED ? si.si_status
		     : si.si_code == CLD_DUMPED ? si.si_status | 0x80 : si.si_code == CLD_STOPPED ? (si.si_status << 8) | 0x7f
		     : 0xffff;
		pid_t sim = lookup(si.si_pid, 0, 0);
		long uid = sim ? stat_uid(sim) : -1;
		pid_t pid = sim_reaped(si.si_pid, st, nowait, &st);
		status_to_siginfo(&si, pid, uid < 0 ? si.si_uid : (uid_t)uid, st);
	}
	if (infop) *infop = si;
	return 0;
}

SHIM_EXPORT pid_t waitpid(pid_t pid, int *wstatus, int options)
{
	return wait4(pid, wstatus, options, NULL);
}

SHIM_EXPORT pid_t wait(int *wstatus)
{
	return wait4(-1, wstatus, 0, NULL);
}

/* wait3: glibc's calls its own wait4, not this one (dash waits for every command so) */
SHIM_EXPORT pid_t wait3(int *wstatus, int options, struct rusage *ru)
{
	return wait4(-1, wstatus, options, ru);
}

/* ------------------------------------------------------------------ signal actions */

/*
 * A handler installed by sigaction runs through a trampoline: the real sigreturn at its end puts
 * back the mask of before it, unseen here, so the trampoline gives the sim's thread back the mask
 * it was told before the handler when the handler changed it (SIG_BLOCK, SIG_UNBLOCK...). The
 * program's handler is kept per signal; the real kernel holds the trampoline, which sigaction's
 * oact, signal()'s return and the sim's `rt_sigaction` line show as the program's handler.
 * Deviation: a handler left by siglongjmp never returns, and its changes stay.
 */
static void tell_mask(int how, unsigned long long w);
static void *volatile user_handler[65];

static void after_handler(unsigned long long saved, int known)
{
	if (told_mask_known == known && told_mask == saved) return;
	int e = errno;
	if (known) tell_mask(SIG_SETMASK, saved);
	else told_mask_known = 0;
	errno = e;
}

static void trampoline(int sig)
{
	unsigned long long saved = told_mask;
	int known = told_mask_known;
	void (*fn)(int) = (void (*)(int))user_handler[sig];
	if (fn) fn(sig);
	after_handler(saved, known);
}

static void trampoline_info(int sig, siginfo_t *info, void *uc)
{
	unsigned long long saved = told_mask;
	int known = told_mask_known;
	void (*fn)(int, siginfo_t *, void *) = (void (*)(int, siginfo_t *, void *))user_handler[sig];
	if (fn) fn(sig, info, uc);
	after_handler(saved, known);
}

/* A handler as the program knows it: the trampoline the real kernel holds is the program's handler. */
static void *program_handler(int sig, void *h)
{
	return (h == (void *)trampoline || h == (void *)trampoline_info) && sig >= 1 && sig <= 64 ? user_handler[sig] : h;
}

/*
 * After the real kernel took a new action for SIG: the sim's `rt_sigaction SIG HANDLER FLAGS`
 * with the action as the real kernel now holds it (sa_flags as rt_sigaction reads them back,
 * glibc's SA_RESTORER included), unless the sim has it already; an SA_RESETHAND action is told
 * every time (its delivery put SIG_DFL back in both kernels, unseen here, and a SysV handler
 * re-arms itself with the same action). Read and told with signals blocked and the table locked,
 * so two threads leave the sim the newer action, and a handler's own sigaction cannot find the
 * table locked. errno is kept.
 */
static void tell_sigaction(int sig)
{
	struct sigaction now;
	sigset_t all, old;
	int e = errno;
	if (sig < 1 || sig > 64) return;
	sigfillset(&all);
	next_pthread_sigmask()(SIG_BLOCK, &all, &old);
	pthread_mutex_lock(&told_lock);
	if (next_sigaction()(sig, NULL, &now) == 0) {
		unsigned long h = (unsigned long)program_handler(sig, (void *)now.sa_handler);
		unsigned long f = (unsigned int)now.sa_flags; /* an int in glibc's struct */
		if ((!told[sig].known || told[sig].handler != h || told[sig].flags != f || (f & SA_RESETHAND)) &&
		    sim_call(NULL, 0, "rt_sigaction %d %#lx %#lx", sig, h, f) >= 0)
			told[sig] = (struct told_action){h, f, 1};
	}
	pthread_mutex_unlock(&told_lock);
	next_pthread_sigmask()(SIG_SETMASK, &old, NULL);
	errno = e;
}

SHIM_EXPORT int sigaction(int sig, const struct sigaction *act, struct sigaction *oact)
{
	if (!shim_active() || sig < 1 || sig > 64) return next_sigaction()(sig, act, oact);
	void *before = user_handler[sig];
	struct sigaction wrapped;
	const struct sigaction *give = act;
	void *h = act ? (void *)act->sa_handler : NULL;
	int handler = act && h != (void *)SIG_DFL && h != (void *)SIG_IGN && h != (void *)trampoline && h != (void *)trampoline_info;
	if (handler) {
		wrapped = *act;
		user_handler[sig] = h;
		if (act->sa_flags & SA_SIGINFO) wrapped.sa_sigaction = trampoline_info;
		else wrapped.sa_handler = trampoline;
		give = &wrapped;
	}
	int r = next_sigaction()(sig, give, oact);
	if (r < 0 && handler) user_handler[sig] = before;
	if (r == 0 && oact) {
		void *o = (void *)oact->sa_handler;
		if (o == (void *)trampoline || o == (void *)trampoline_info) oact->sa_handler = (sighandler_t)before;
	}
	if (r == 0 && act) tell_sigaction(sig);
	return r;
}

/*
 * signal(), bsd_signal() and ssignal() (the same in glibc), sysv_signal() and __sysv_signal()
 * (what signal() is in a strict ISO C build), sigset() and sigignore(): the real call, a handler
 * through the trampoline as sigaction's, then the sim's; the old handler as the program knows it.
 */
static sighandler_t signal_like(sighandler_t (*real)(int, sighandler_t), int sig, sighandler_t handler)
{
	if (!shim_active() || sig < 1 || sig > 64) return real(sig, handler);
	void *before = user_handler[sig];
	int wrap = handler != SIG_DFL && handler != SIG_IGN && handler != SIG_ERR && handler != SIG_HOLD &&
		   handler != trampoline;
	if (wrap) user_handler[sig] = (void *)handler;
	sighandler_t r = real(sig, wrap ? trampoline : handler);
	if (r == SIG_ERR) {
		if (wrap) user_handler[sig] = before;
		return r;
	}
	tell_sigaction(sig);
	return r == trampoline || (void *)r == (void *)trampoline_info ? (sighandler_t)before : r;
}

#define SIGNAL_LIKE(name) \
	SHIM_EXPORT sighandler_t name(int sig, sighandler_t handler) \
	{ \
		return signal_like(next_##name(), sig, handler); \
	}
SIGNAL_LIKE(signal)
SIGNAL_LIKE(bsd_signal)
SIGNAL_LIKE(ssignal)
SIGNAL_LIKE(sysv_signal)
SIGNAL_LIKE(__sysv_signal)
SIGNAL_LIKE(sigset)

SHIM_EXPORT int sigignore(int sig)
{
	int r = next_sigignore()(sig);
	if (r == 0 && shim_active()) tell_sigaction(sig);
	return r;
}

/* ------------------------------------------------------------------ signal masks */


/* The sim's `rt_sigprocmask HOW WORD`, unless it would change nothing the sim was told. */
static void tell_mask(int how, unsigned long long w)
{
	unsigned long long now = how == SIG_BLOCK ? told_mask | w : how == SIG_UNBLOCK ? told_mask & ~w : w;
	if (told_mask_known && now == told_mask) return;
	static const char *const names[] = {"SIG_BLOCK", "SIG_UNBLOCK", "SIG_SETMASK"};
	if (sim_call(NULL, 0, "rt_sigprocmask %s %#llx", names[how], w) < 0) {
		told_mask_known = 0;
	} else if (told_mask_known || how == SIG_SETMASK) {
		told_mask = now;
		told_mask_known = 1;
	}
}

/*
 * sigprocmask and pthread_sigmask: the change told to the sim's thread first (an unblocked signal
 * the sim holds is taken there before the real one is: a fatal one ends the sim's task before the
 * real process, as a wait then finds them), then the real call. SIG_BLOCK and SIG_UNBLOCK go as
 * themselves; SIG_SETMASK without the bits the real kernel blocks and the sim was not told of (a
 * running handler's own signal and sa_mask, which the real sigreturn takes away unseen here: the
 * sim runs no handler). An unknown HOW is the real call's EINVAL alone. errno is kept.
 */
static int served_sigmask(int (*real)(int, const sigset_t *, sigset_t *), int how, const sigset_t *set,
			  sigset_t *oset)
{
	if (set && shim_active() && (how == SIG_BLOCK || how == SIG_UNBLOCK || how == SIG_SETMASK)) {
		int e = errno;
		unsigned long long w = mask_word(set) & ~NEVER_BLOCKED;
		if (how == SIG_SETMASK && told_mask_known) {
			sigset_t before;
			next_pthread_sigmask()(SIG_BLOCK, NULL, &before);
			w &= ~(mask_word(&before) & ~told_mask);
		}
		tell_mask(how, w);
		errno = e;
	}
	return real(how, set, oset);
}

SHIM_EXPORT int sigprocmask(int how, const sigset_t *set, sigset_t *oset)
{
	return served_sigmask(next_sigprocmask(), how, set, oset);
}

SHIM_EXPORT int pthread_sigmask(int how, const sigset_t *set, sigset_t *oset)
{
	return served_sigmask(next_pthread_sigmask(), how, set, oset);
}

/* sighold and sigrelse as glibc makes them: sigprocmask of a set of SIG alone (EINVAL for a bad SIG). */
static int mask_one(int how, int sig)
{
	sigset_t set;
	sigemptyset(&set);
	if (sigaddset(&set, sig) < 0) return -1;
	return served_sigmask(next_sigprocmask(), how, &set, NULL);
}

SHIM_EXPORT int sighold(int sig)
{
	return mask_one(SIG_BLOCK, sig);
}

SHIM_EXPORT int sigrelse(int sig)
{
	return mask_one(SIG_UNBLOCK, sig);
}

/*
 * sigsuspend: the sim's thread takes MASK first (a signal it holds pending and MASK lets through
 * is taken there, as the real one is once the real call begins), then the real wait, then the sim
 * takes back the mask it had.
 */
SHIM_EXPORT int sigsuspend(const sigset_t *mask)
{
	if (!shim_active()) return next_sigsuspend()(mask);
	sigset_t cur;
	next_pthread_sigmask()(SIG_BLOCK, NULL, &cur);
	unsigned long long back = told_mask_known ? told_mask : mask_word(&cur);
	tell_mask(SIG_SETMASK, mask_word(mask) & ~NEVER_BLOCKED);
	int r = next_sigsuspend()(mask);
	int e = errno;
	tell_mask(SIG_SETMASK, back);
	errno = e;
	return r;
}

/*
 * sigwait, sigwaitinfo, sigtimedwait: the real call, then the signal the real kernel handed over
 * taken off the sim's pending sets too (`rt_sigtimedwait WORD timeout=0`; EAGAIN when the sim held
 * none: a real timer's, say). Deviation: siginfo is the real kernel's (si_pid the sender's real
 * pid in exec's namespace).
 */
static int took_signal(int sig)
{
	if (sig > 0 && sig <= 64 && shim_active()) {
		int e = errno;
		sim_call(NULL, 0, "rt_sigtimedwait %#llx timeout=0", 1ULL << (sig - 1));
		errno = e;
	}
	return sig;
}

SHIM_EXPORT int sigwait(const sigset_t *set, int *sig)
{
	int r = next_sigwait()(set, sig);
	if (r == 0) took_signal(*sig);
	return r;
}

SHIM_EXPORT int sigwaitinfo(const sigset_t *set, siginfo_t *info)
{
	return took_signal(next_sigwaitinfo()(set, info));
}

SHIM_EXPORT int sigtimedwait(const sigset_t *set, siginfo_t *info, const struct timespec *timeout)
{
	return took_signal(next_sigtimedwait()(set, info, timeout));
}

/*
 * exec's PROGRAM (real pid 1) starts with the real dispositions and mask of whoever ran `procsim
 * exec` (SIG_IGN and the mask survive execve) and its sim task with its sim parent's: the sim
 * takes the real ones. Every later image starts in step: the shim's execve line flushes the sim's
 * handlers as the real execve flushes the real ones, and forks copy both.
 */
static void sync_signals(void)
{
	char buf[4096];
	char *status = read_proc("/proc/self/status", buf, sizeof(buf));
	char *p = status_value(status, "SigIgn"), *q = status_value(status, "SigCgt"), *b = status_value(status, "SigBlk");
	if (!p || !q || !b) return;
	unsigned long long ign = strtoull(p, NULL, 16), cgt = strtoull(q, NULL, 16);
	for (int sig = 1; sig <= 64; sig++) {
		struct sigaction a;
		if (sig == SIGKILL || sig == SIGSTOP || next_sigaction()(sig, NULL, &a) < 0) continue;
		int real_ign = a.sa_handler == SIG_IGN, sim_ign = (ign >> (sig - 1)) & 1;
		if (real_ign != sim_ign || ((cgt >> (sig - 1)) & 1)) tell_sigaction(sig);
	}
	sigset_t real;
	next_pthread_sigmask()(SIG_BLOCK, NULL, &real);
	told_mask = strtoull(b, NULL, 16);
	told_mask_known = 1;
	tell_mask(SIG_SETMASK, mask_word(&real));
}

/*
 * The exec root's real process leaves the real process group it shares with procsim exec's JVM
 * (and, in a script, the script's shell), as its sim task leads a group of its own: a real kill(0)
 * of the program then reaches its own tree alone. Not when that group is a terminal's foreground
 * (an interactive run): the program would lose the terminal (Deviation: there, a real kill(0)
 * reaches the JVM too).
 */
static void own_real_group(void)
{
	/* set by exec without --as (whose task keeps its group), for PROGRAM's first image alone */
	if (!getenv("PROCSIM_SHIM_JOB")) return;
	unsetenv("PROCSIM_SHIM_JOB");
	/* 0: the group is outside exec's pid namespace, the launcher's */
	if (next_syscall()(SYS_getpgid, 0, 0, 0, 0, 0, 0) != 0 || (isatty(0) && next_tcgetpgrp()(0) == 0)) return;
	next_setpgid()(0, 0);
}

/* ------------------------------------------------------------------ kill */

/* Whether the sim's status file PATH says its task's process catches SIG or the task blocks it (SigCgt, SigBlk). */
static int catches_or_blocks(const char *path, int sig)
{
	char buf[4096];
	char *status = read_proc(path, buf, sizeof(buf));
	unsigned long long bit = 1ULL << (sig - 1);
	char *c = status_value(status, "SigCgt"), *b = status_value(status, "SigBlk");
	return (c && (strtoull(c, NULL, 16) & bit)) || (b && (strtoull(b, NULL, 16) & bit));
}

/*
 * Whether the real process must get SIG too after the sim's send, by the sim's DIR/stat now: the
 * sim ended the process (Z, or no stat: reaped) or stopped it with a stop signal (T), or SIG is
 * SIGCONT (the real process resumes as the sim's did).
 */
static int sim_acted(const char *dir, int sig)
{
	if (sig == SIGCONT) return 1;
	char path[128], buf[512];
	snprintf(path, sizeof(path), "%s/stat", dir);
	char *p = read_proc(path, buf, sizeof(buf)) ? strrchr(buf, ')') : NULL;
	if (!p || p[1] != ' ') return 1;
	int stop = sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
	return p[2] == 'Z' || (p[2] == 'T' && stop);
}

/*
 * kill(0) and kill(-PGRP): the sim's, then the real signal to the real group when this process
 * knows it (its own: the real kill(0); one a child leads: real_of), as the real kernel's
 * dispositions are the sim's; else to each child of this process in the group, as kill() decides
 * for one. Deviation: other real processes of such a group are not signalled, as kill() says.
 */
static int kill_group(pid_t pid, int sig)
{
	/* asked before: the kill may end this task */
	int own = pid == 0 || (pid != INT_MIN && -pid == (pid_t)sim_value("getpgrp"));
	pid_t real = own || pid == INT_MIN ? 0 : real_of(-pid, 0);
	struct child members[64];
	int caught[64];
	size_t n = !own && real <= 1 && pid != INT_MIN ? group_members(-pid, members, 64, caught, sig) : 0;
	if (sim_call(NULL, 0, "kill %d %d", pid, sig) < 0) return -1;
	if (own) {
		next_kill()(0, sig);
	} else if (real > 1) {
		next_kill()(-real, sig); /* the real -1 would be every process */
	} else {
		/* a group whose leader this process does not know (reaped, say): its children in it, as kill() does */
		char dir[96];
		for (size_t i = 0; i < n; i++) {
			snprintf(dir, sizeof(dir), "/proc/%s%d", pid_ns_prefix(), members[i].sim);
			if (sig > 0 && sig <= 64 && (caught[i] || sim_acted(dir, sig))) next_kill()(members[i].real, sig);
		}
	}
	return 0;
}

/*
 * The sim's kill; the real process, when it is the caller's own or a child forked through this
 * process, gets the real signal too if its sim task catches it (asked before: SA_RESETHAND undoes
 * the handler as the sim delivers), so its real handler runs, or blocks it (the real kernel then
 * holds it pending too, till the real process unblocks it), or if the sim's kill ended or stopped
 * it, or continued it (sim_acted). Deviation: another task's real process is not signalled: attach names host pids,
 * which no process in exec's own pid namespace can reach.
 */
/* The sim's `kill PID SIG` (PID > 0): the real pid the signal must reach too (see kill), 0 for none, -1 with the sim's errno. */
static pid_t sim_kill(pid_t pid, int sig)
{
	/* asked before: a task its own kill ended makes no more calls */
	pid_t real = !sig ? 0 : pid == sim_own_pid() ? (pid_t)next_syscall()(SYS_getpid, 0, 0, 0, 0, 0, 0)
							    : lookup(pid, 1, 0);
	char path[128];
	snprintf(path, sizeof(path), "/proc/%s%d/status", pid_ns_prefix(), pid);
	int caught = real && sig > 0 && sig <= 64 && catches_or_blocks(path, sig);
	if (sim_call(NULL, 0, "kill %d %d", pid, sig) < 0) return -1;
	snprintf(path, sizeof(path), "/proc/%s%d", pid_ns_prefix(), pid);
	return caught || (real && sim_acted(path, sig)) ? real : 0;
}

SHIM_EXPORT int kill(pid_t pid, int sig)
{
	if (!shim_active() || pid == -1) return next_kill()(pid, sig);
	if (pid <= 0) return kill_group(pid, sig);
	pid_t real = sim_kill(pid, sig);
	if (real < 0) return -1;
	if (real) next_kill()(real, sig);
	return 0;
}

/* sigqueue: as kill (its rt_sigqueueinfo would name a sim pid to the real kernel); the real signal carries VALUE */
SHIM_EXPORT int sigqueue(pid_t pid, int sig, const union sigval value)
{
	if (!shim_active() || pid <= 0) return next_sigqueue()(pid, sig, value);
	pid_t real = sim_kill(pid, sig);
	if (real < 0) return -1;
	if (real) next_sigqueue()(real, sig, value);
	return 0;
}

/* killpg: glibc's calls its own kill, not this one: kill(-PGRP) here */
SHIM_EXPORT int killpg(pid_t pgrp, int sig)
{
	if (!shim_active()) return next_killpg()(pgrp, sig);
	if (pgrp < 0) {
		errno = EINVAL;
		return -1;
	}
	return kill(-pgrp, sig);
}

/* ------------------------------------------------------------------ thread-directed signals */

/*
 * The sim's `tgkill TGID TID SIG` (TGID 0: `tkill TID SIG` to a thread of this process), then
 * FORWARD(TARGET, SIG), the real signal to that thread, when the sim's thread catches or blocks SIG
 * (its status, asked before: SA_RESETHAND undoes the handler as the sim delivers) or the sim's
 * signal ended, stopped or continued its process (sim_acted), as kill() does. -1 with the sim's
 * errno.
 */
static int sim_thread_kill(pid_t tgid, pid_t tid, int sig, int (*forward)(pthread_t, int), pthread_t target)
{
	char dir[96], path[128];
	if (tgid) snprintf(dir, sizeof(dir), "/proc/%s%d", pid_ns_prefix(), tgid);
	else snprintf(dir, sizeof(dir), "/proc/self");
	int pass = 0;
	if (forward && sig > 0 && sig <= 64) {
		snprintf(path, sizeof(path), "%s/task/%d/status", dir, tid);
		pass = catches_or_blocks(path, sig);
	}
	long r = tgid ? sim_call(NULL, 0, "tgkill %d %d %d", tgid, tid, sig) : sim_call(NULL, 0, "tkill %d %d", tid, sig);
	if (r < 0) return -1;
	if (forward && sig > 0 && !pass) pass = sim_acted(dir, sig);
	if (pass) forward(target, sig);
	return 0;
}

static int raise_self(pthread_t unused, int sig)
{
	(void)unused;
	return next_raise()(sig);
}

/* raise: the sim's `tkill OWN_TID SIG`, then the real raise as sim_thread_kill says. */
SHIM_EXPORT int raise(int sig)
{
	if (!shim_active()) return next_raise()(sig);
	pid_t tid = sim_tid_of(pthread_self(), NULL, 0);
	if (!tid) return next_raise()(sig);
	return sim_thread_kill(0, tid, sig, raise_self, pthread_self());
}

/* pthread_kill: to a thread the sim knows, the sim's `tkill TID SIG` first; another is the real kernel's alone. */
SHIM_EXPORT int pthread_kill(pthread_t thread, int sig)
{
	if (sig == 32 || sig == 33) return EINVAL; /* glibc's own SIGCANCEL and SIGSETXID (__is_internal_signal) */
	pid_t tid = shim_active() ? sim_tid_of(thread, NULL, 0) : 0;
	if (!tid) return next_pthread_kill()(thread, sig);
	return sim_thread_kill(0, tid, sig, next_pthread_kill(), thread) < 0 ? errno : 0;
}

/*
 * tgkill(TGID, TID, SIG) with the sim's numbers: the sim's line, then the real signal to that
 * thread when it is one of this process's the shim knows. Deviation: another process's thread
 * gets the sim's signal alone (the shim knows no real thread of it).
 */
static long served_tgkill(pid_t tgid, pid_t tid, int sig)
{
	pthread_t target = pthread_self();
	int own = tgid == 0 || tgid == sim_own_pid();
	int known = own && (tid == sim_tid_of(pthread_self(), NULL, 0) || sim_tid_of(target, &target, tid));
	return sim_thread_kill(tgid, tid, sig, known ? next_pthread_kill() : NULL, target);
}

SHIM_EXPORT int tgkill(pid_t tgid, pid_t tid, int sig)
{
	if (!shim_active()) return (int)next_syscall()(SYS_tgkill, tgid, tid, sig, 0, 0, 0);
	if (tgid <= 0 || tid <= 0) {
		errno = EINVAL;
		return -1;
	}
	return (int)served_tgkill(tgid, tid, sig);
}

/* ------------------------------------------------------------------ exit */

/*
 * The exit code reaches the sim last, from the shim's destructor (atexit handlers and other
 * destructors still act as the live task): exit() notes it; a return from main is an exit() of
 * the wrapped main's result. A real pid 1 (exec's PROGRAM, its real namespace's init) first kills
 * and reaps its children in the sim, as the real kernel kills the namespace when its init exits.
 */
static void report_exit(int code)
{
	if (!shim_active()) return;
	if (real_getpid() == 1) {
		for (size_t i = 0; i < nchildren; i++) {
			sim_call(NULL, 0, "kill %d SIGKILL", children[i].sim);
			sim_call(NULL, 0, "wait4 %d", children[i].sim);
		}
		nchildren = 0;
	}
	sim_call(NO_REPLY, 0, "exit_group %d", code & 0xff);
}

SHIM_EXPORT void exit(int status)
{
	exit_code = status;
	next_exit()(status);
	__builtin_unreachable();
}

SHIM_EXPORT void _exit(int status)
{
	report_exit(status);
	next__exit()(status);
	__builtin_unreachable();
}

SHIM_EXPORT void _Exit(int status)
{
	_exit(status);
}

__attribute__((destructor)) static void shim_fini(void)
{
	if (exit_code >= 0) report_exit(exit_code);
}

typedef int (*main_fn)(int, char **, char **);
static main_fn real_main;

static int wrapped_main(int argc, char **argv, char **envp)
{
	exit(real_main(argc, argv, envp));
}

SHIM_EXPORT int __libc_start_main(main_fn main, int argc, char **argv, void (*init)(void), void (*fini)(void),
				  void (*rtld_fini)(void), void *stack_end)
{
	int (*next)(main_fn, int, char **, void (*)(void), void (*)(void), void (*)(void), void *) =
		(int (*)(main_fn, int, char **, void (*)(void), void (*)(void), void (*)(void), void *))
			dlsym(RTLD_NEXT, "__libc_start_main");
	real_main = main;
	return next(wrapped_main, argc, argv, init, fini, rtld_fini, stack_end);
}

/*
 * A new program image is the sim task's execve: its comm becomes the file's name, as Linux's
 * (fs/exec.c begin_new_exec: __set_task_comm(me, kbasename(bprm->filename))); AT_EXECFN is that
 * filename as execve was given it.
 */
__attribute__((constructor)) static void shim_init(void)
{
	/* resolved now: a handler's first raise or sigwait must not run dlsym */
	next_raise();
	next_pthread_kill();
	next_pthread_sigmask();
	next_sigprocmask();
	next_sigsuspend();
	next_sigwait();
	next_sigwaitinfo();
	next_sigtimedwait();
	if (!shim_active()) return;
	main_thread = pthread_self();
	main_known = 1;
	const char *ld = getenv("LD_PRELOAD");
	if (ld && strlen(ld) < sizeof(preload) - 16) snprintf(preload, sizeof(preload), "LD_PRELOAD=%s", ld);
	const char *file = (const char *)getauxval(AT_EXECFN);
	if (file && !strpbrk(file, " \t\n")) sim_call(NULL, 0, "execve %s", file);
	mask_in_step();
	if (real_getpid() == 1) {
		sync_signals();
		own_real_group();
	}
}
