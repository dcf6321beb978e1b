/*
 * Signal actions through mainline interfaces only: the same binary runs under `procsim exec` and
 * natively as a pid namespace's init, and prints the same TAP lines.
 * Linux facts: status's SigCgt and SigIgn are the process's caught and ignored signals
 * (fs/proc/array.c collect_sigign_sigcatch); a caught signal runs its handler and an ignored one
 * is dropped, so neither ends the process (kernel/signal.c); SA_RESETHAND puts SIG_DFL back as
 * the handler runs, so a second signal takes the default action, unless the handler re-arms
 * itself with sysv_signal() (glibc: SA_RESETHAND|SA_NODEFER); a parent whose SIGCHLD is
 * SIG_IGN has its children reaped by the kernel (do_notify_parent), and its wait fails with
 * ECHILD; execve keeps SIG_IGN and puts SIG_DFL back for a handler (flush_signal_handlers); a
 * signal whose handler runs ends a blocked msgrcv with EINTR, SA_RESTART or not (ipc/msg.c's
 * -ERESTARTNOHAND); a handler's own SysV calls leave the interrupted program's messages whole.
 * Masks: status's SigBlk is the thread's blocked set, a new thread's its creator's; a blocked
 * signal waits in ShdPnd (sig_ignored never drops a blocked one), a second of a kind merges
 * (legacy_queue), and it acts once unblocked: a handler runs once, a default action kills;
 * sigsuspend lets it through and puts the mask back. A thread's own signal (raise, pthread_kill,
 * tgkill: PIDTYPE_PID) waits in that thread's SigPnd, not the process's ShdPnd, and only that
 * thread takes it; a fatal one ends the whole process. sigwait takes a pending signal of its set,
 * no handler running; sigtimedwait with a zero timeout and none pending: EAGAIN. raise(SIGSTOP)
 * stops the caller (its parent's waitpid WUNTRACED sees it) until SIGCONT.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

static volatile sig_atomic_t got;

static void on_signal(int sig)
{
	got = sig;
}

/* Bit SIG of status file PATH's line KEY (SigCgt, SigIgn, SigBlk, ShdPnd): 1, 0, or -1 if unreadable. */
static int status_file_bit(const char *path, const char *key, int sig)
{
	char line[256];
	size_t k = strlen(key);
	int bit = -1;
	FILE *f = fopen(path, "r");
	if (!f) return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, k) && line[k] == ':') {
			bit = (int)((strtoull(line + k + 2, NULL, 16) >> (sig - 1)) & 1);
			break;
		}
	}
	fclose(f);
	return bit;
}

/* The process's (its main thread's) status bit. */
static int status_bit(const char *key, int sig)
{
	return status_file_bit("/proc/self/status", key, sig);
}

/* The calling thread's own status bit. */
static int thread_bit(const char *key, int sig)
{
	return status_file_bit("/proc/thread-self/status", key, sig);
}

/* A SysV handler: its action is SIG_DFL again as it runs, so it sets itself again. */
static void rearm(int sig)
{
	got = sig;
	sysv_signal(sig, rearm);
}

/* /proc/PID/stat's state letter (R, S, Z...), or '?' */
static char proc_state(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	if (f) fclose(f);
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

/* A timer's handler that makes SysV calls of its own, on a queue of its own. */
static int side_q = -1;
static void side_calls(int sig)
{
	struct { long mtype; char text[2]; } m = { 1, "y" };
	int e = errno;
	(void)sig;
	msgsnd(side_q, &m, 1, IPC_NOWAIT);
	msgrcv(side_q, &m, sizeof(m.text), 0, IPC_NOWAIT | MSG_NOERROR);
	errno = e;
}

/*
 * ROUNDS long messages (240 bytes: under the shim a reply too long for one ioctl, read after it)
 * sent and received while a 2 ms timer's handler makes msgsnd and msgrcv calls of its own, which
 * run as the program's calls return; the number of messages that came back whole.
 */
static int long_messages_under_a_busy_handler(int rounds)
{
	struct { long mtype; char text[241]; } m, got;
	int q = msgget(IPC_PRIVATE, 0600), whole = 0;
	side_q = msgget(IPC_PRIVATE, 0600);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = side_calls;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval every = { .it_interval = { .tv_usec = 2000 }, .it_value = { .tv_usec = 2000 } };
	setitimer(ITIMER_REAL, &every, NULL);
	for (int i = 0; i < rounds; i++) {
		m.mtype = 1;
		memset(m.text, 'a' + i % 26, 240);
		m.text[240] = 0;
		while (msgsnd(q, &m, 240, 0) < 0 && errno == EINTR)
			;
		ssize_t n;
		while ((n = msgrcv(q, &got, 240, 0, 0)) < 0 && errno == EINTR)
			;
		whole += n == 240 && !memcmp(got.text, m.text, 240);
	}
	struct itimerval off = { 0 };
	setitimer(ITIMER_REAL, &off, NULL);
	signal(SIGALRM, SIG_DFL);
	msgctl(q, IPC_RMID, NULL);
	msgctl(side_q, IPC_RMID, NULL);
	return whole;
}

static volatile sig_atomic_t handled;

static void count_signal(int sig)
{
	(void)sig;
	handled++;
}

/* A handler that sets the mask it runs with (its own signal blocked) again: sigreturn undoes it. */
static void reset_mask(int sig)
{
	sigset_t cur;
	(void)sig;
	sigprocmask(SIG_SETMASK, NULL, &cur);
	sigprocmask(SIG_SETMASK, &cur, NULL);
	handled++;
}

/*
 * A thread that blocks SIGUSR2, then waits for main's pthread_kill: returns its SigPnd bit and the
 * process's ShdPnd bit then (as 2 * SigPnd + ShdPnd), and 4 more if its handler ran when it
 * unblocked it.
 */
static int usr2_ready[2], usr2_sent[2];

/* One byte read from FD, again after a signal's handler (none here has SA_RESTART): 1, or 0. */
static int read_byte(int fd)
{
	char c;
	ssize_t r;
	while ((r = read(fd, &c, 1)) < 0 && errno == EINTR)
		;
	return r == 1;
}

static void *own_signal(void *unused)
{
	sigset_t usr2;
	(void)unused;
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &usr2, NULL);
	if (write(usr2_ready[1], "r", 1) != 1 || !read_byte(usr2_sent[0])) return (void *)-1L;
	long r = 2 * thread_bit("SigPnd", SIGUSR2) + status_bit("ShdPnd", SIGUSR2);
	handled = 0;
	pthread_sigmask(SIG_UNBLOCK, &usr2, NULL);
	return (void *)(r + (handled == 1 ? 4 : 0));
}

/* Handlers whose mask changes sigreturn undoes: a block-all and restore; an unblock of SIGTERM. */
static void critical_section(int sig)
{
	sigset_t all, old;
	(void)sig;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	handled++;
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static void unblocks_term(int sig, siginfo_t *info, void *uc)
{
	sigset_t term;
	(void)sig, (void)info, (void)uc;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_UNBLOCK, &term, NULL);
	handled++;
}

static void unblocks_term_plain(int sig)
{
	unblocks_term(sig, NULL, NULL);
}

/* A thread that sends SIGUSR1 to the main thread alone (tgkill with the process's pid as the tid). */
static void *to_main(void *unused)
{
	(void)unused;
	return (void *)(long)syscall(SYS_tgkill, getpid(), getpid(), SIGUSR1);
}

/* A thread's own SigBlk bit SIG (/proc/thread-self/status), after it blocked SIGUSR2 too. */
static void *thread_blocks(void *sig)
{
	sigset_t usr2;
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	int inherited = thread_bit("SigBlk", (int)(long)sig);
	pthread_sigmask(SIG_BLOCK, &usr2, NULL);
	return (void *)(long)(inherited * 2 + thread_bit("SigBlk", SIGUSR2));
}

static int catch_signal(int sig, int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = flags;
	return sigaction(sig, &sa, NULL);
}

/*
 * A child that catches SIGUSR1 by sigaction with FLAGS (by sysv_signal if SYSV) and exits 7 after
 * HANDLED signals (0: never): it writes a byte to FD once its handler is set, and one per signal
 * handled; SIGUSR1 stays blocked but while it waits (sigsuspend), so none is lost.
 */
static pid_t handler_child(int sysv, int flags, int handled, int fd)
{
	sigset_t usr1, old;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &old);
	pid_t pid = fork();
	if (pid == 0) {
		if (sysv) sysv_signal(SIGUSR1, rearm);
		else catch_signal(SIGUSR1, flags);
		if (write(fd, "r", 1) != 1) _exit(3);
		for (;;) {
			got = 0;
			while (!got) sigsuspend(&old);
			if (write(fd, "x", 1) != 1) _exit(3);
			if (--handled == 0) _exit(7);
		}
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return pid;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--after-exec")) /* the exec'd image: what it was left */
		return (status_bit("SigCgt", SIGUSR1) ? 1 : 0) | (status_bit("SigIgn", SIGUSR2) ? 2 : 0);
	int st = 0, p[2];
	char c;
	tap_plan(25);

	catch_signal(SIGUSR1, SA_RESTART);
	signal(SIGUSR2, SIG_IGN);
	tap_ok(status_bit("SigCgt", SIGUSR1) == 1 && status_bit("SigIgn", SIGUSR1) == 0,
	       "a handler set by sigaction shows in SigCgt");
	tap_ok(status_bit("SigIgn", SIGUSR2) == 1 && status_bit("SigCgt", SIGUSR2) == 0,
	       "SIG_IGN set by signal() shows in SigIgn");
	signal(SIGUSR1, SIG_DFL);

	if (pipe(p) < 0) return 1;
	pid_t pid = handler_child(0, 0, 1, p[1]);
	int ready = read(p[0], &c, 1) == 1;
	kill(pid, SIGUSR1);
	tap_ok(ready && read(p[0], &c, 1) == 1 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 7,
	       "a child's handler takes SIGUSR1 and the child exits on its own (status 0x%x)", st);

	pid = handler_child(0, 0, 1, p[1]);
	ready = read(p[0], &c, 1) == 1;
	int queued = sigqueue(pid, SIGUSR1, (union sigval){ .sival_int = 5 }) == 0;
	if (!queued) kill(pid, SIGKILL);
	tap_ok(ready && queued && read(p[0], &c, 1) == 1 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 7,
	       "sigqueue reaches a child's handler as kill does (status 0x%x)", st);

	pid = handler_child(0, SA_RESETHAND, 0, p[1]);
	ready = read(p[0], &c, 1) == 1;
	kill(pid, SIGUSR1);
	int first = ready && read(p[0], &c, 1) == 1;
	kill(pid, SIGUSR1);
	tap_ok(first && waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR1,
	       "SA_RESETHAND: the first SIGUSR1 is handled, the second kills (status 0x%x)", st);

	pid = handler_child(1, 0, 2, p[1]);
	ready = read(p[0], &c, 1) == 1;
	kill(pid, SIGUSR1);
	first = ready && read(p[0], &c, 1) == 1;
	kill(pid, SIGUSR1);
	tap_ok(first && read(p[0], &c, 1) == 1 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 7,
	       "a SysV handler that sets itself again takes both SIGUSR1s (status 0x%x)", st);

	pid = fork();
	if (pid == 0) {
		signal(SIGTERM, SIG_IGN);
		if (write(p[1], "x", 1) != 1) _exit(3);
		for (;;) pause();
	}
	ready = read(p[0], &c, 1) == 1;
	int alive = ready && kill(pid, SIGTERM) == 0 && proc_state(pid) != 'Z' && waitpid(pid, &st, WNOHANG) == 0;
	kill(pid, SIGKILL);
	tap_ok(alive && waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	       "a child ignoring SIGTERM lives on; SIGKILL ends it (status 0x%x)", st);

	signal(SIGCHLD, SIG_IGN);
	pid = fork();
	if (pid == 0) _exit(0);
	errno = 0;
	int r = waitpid(-1, &st, 0);
	int e = errno;
	/* (no kill(pid, 0) after: Linux frees the pid in release_task, after the wait's wake-up) */
	tap_ok(r == -1 && e == ECHILD, "SIGCHLD ignored: the child is reaped at once, wait says ECHILD (%d %s)", r, strerror(e));
	signal(SIGCHLD, SIG_DFL);

	/* a timer's SIGALRM, a real signal the sim never sees, ends a msgrcv the sim serves */
	catch_signal(SIGALRM, SA_RESTART);
	int q = msgget(IPC_PRIVATE, 0600);
	struct itimerval timer = { .it_value = { .tv_usec = 200000 } };
	struct { long mtype; char text[16]; } msg;
	got = 0;
	setitimer(ITIMER_REAL, &timer, NULL);
	r = (int)msgrcv(q, &msg, sizeof(msg.text), 0, 0);
	e = errno;
	msgctl(q, IPC_RMID, NULL);
	tap_ok(q >= 0 && r == -1 && e == EINTR && got == SIGALRM,
	       "SIGALRM's handler runs and msgrcv returns EINTR, SA_RESTART notwithstanding (%d %s)", r, strerror(e));

	int whole = long_messages_under_a_busy_handler(300);
	tap_ok(whole == 300, "300 long messages come back whole while a timer's handler makes SysV calls of its own (%d)", whole);

	/* masks */
	sigset_t term, old;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, &old);
	pthread_t th;
	void *bits = NULL;
	int made = pthread_create(&th, NULL, thread_blocks, (void *)(long)SIGTERM) == 0 && pthread_join(th, &bits) == 0;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations" /* sighold, sigrelse: SysV's, still in glibc */
	int held = sighold(SIGUSR2) == 0 && status_bit("SigBlk", SIGUSR2) == 1;
	held = held && sigrelse(SIGUSR2) == 0 && status_bit("SigBlk", SIGUSR2) == 0;
#pragma GCC diagnostic pop
	tap_ok(made && status_bit("SigBlk", SIGTERM) == 1 && (long)bits == 3 && status_bit("SigBlk", SIGUSR2) == 0 && held,
	       "SigBlk shows a blocked signal; a new thread inherits the mask and its own change is its own; sighold, sigrelse (%ld)",
	       (long)bits);

	int go[2];
	if (pipe(go) < 0) return 1;
	pid = fork();
	if (pid == 0) { /* SIGTERM blocked, inherited: it waits in ShdPnd till unblocked, then kills */
		if (write(p[1], "r", 1) != 1 || read(go[0], &c, 1) != 1) _exit(3);
		c = status_bit("ShdPnd", SIGTERM) == 1 ? 'p' : 'n';
		if (write(p[1], &c, 1) != 1) _exit(3);
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (write(p[1], "a", 1) != 1) _exit(3); /* not reached: SIGTERM ends it first */
		_exit(4);
	}
	char seen = '-';
	ready = read(p[0], &c, 1) == 1;
	if (ready && kill(pid, SIGTERM) == 0 && write(go[1], "k", 1) == 1 && read(p[0], &seen, 1) != 1) seen = '-';
	close(go[0]);
	close(go[1]);
	int waited = waitpid(pid, &st, 0) == pid;
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	int after = read(p[0], &c, 1); /* a byte the child wrote after it unblocked SIGTERM */
	fcntl(p[0], F_SETFL, 0);
	tap_ok(seen == 'p' && waited && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM && after < 0,
	       "a blocked SIGTERM waits in ShdPnd, then kills once unblocked (%c, status 0x%x, %d)", seen, st, after);
	sigprocmask(SIG_SETMASK, &old, NULL);

	struct sigaction count = { .sa_handler = count_signal };
	sigaction(SIGUSR1, &count, NULL);
	sigset_t usr1;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	handled = 0;
	kill(getpid(), SIGUSR1);
	kill(getpid(), SIGUSR1);
	int pending = status_bit("ShdPnd", SIGUSR1);
	sigprocmask(SIG_UNBLOCK, &usr1, NULL);
	tap_ok(pending == 1 && handled == 1 && status_bit("ShdPnd", SIGUSR1) == 0,
	       "two SIGUSR1s sent while blocked are one: its handler runs once when unblocked (%d, %d)", pending, (int)handled);

	sigprocmask(SIG_BLOCK, &usr1, NULL);
	handled = 0;
	kill(getpid(), SIGUSR1);
	sigset_t none;
	sigemptyset(&none);
	r = sigsuspend(&none);
	e = errno;
	tap_ok(r == -1 && e == EINTR && handled == 1 && status_bit("ShdPnd", SIGUSR1) == 0 && status_bit("SigBlk", SIGUSR1) == 1,
	       "sigsuspend lets the pending SIGUSR1 through, then the mask is back (%d %s)", r, strerror(e));
	sigprocmask(SIG_UNBLOCK, &usr1, NULL);

	struct sigaction resets = { .sa_handler = reset_mask };
	sigaction(SIGUSR1, &resets, NULL);
	handled = 0;
	kill(getpid(), SIGUSR1);
	kill(getpid(), SIGUSR1);
	tap_ok(handled == 2 && status_bit("SigBlk", SIGUSR1) == 0 && status_bit("ShdPnd", SIGUSR1) == 0,
	       "a handler that sets its running mask again leaves SIGUSR1 unblocked after it returns (%d)", (int)handled);

	/* a thread's own signals */
	sigaction(SIGUSR1, &count, NULL);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	handled = 0;
	raise(SIGUSR1);
	int own_pending = thread_bit("SigPnd", SIGUSR1) * 2 + status_bit("ShdPnd", SIGUSR1);
	sigprocmask(SIG_UNBLOCK, &usr1, NULL);
	syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1);
	tap_ok(own_pending == 2 && handled == 2 && thread_bit("SigPnd", SIGUSR1) == 0,
	       "raise() while blocked: SigPnd, not ShdPnd, then the handler once unblocked; syscall(SYS_tgkill) to itself (%d, %d)",
	       own_pending, (int)handled);

	sigprocmask(SIG_BLOCK, &usr1, NULL);
	handled = 0;
	kill(getpid(), SIGUSR1);
	int took = -1;
	struct timespec zero = { 0, 0 };
	r = sigwait(&usr1, &took);
	int again = sigtimedwait(&usr1, NULL, &zero);
	e = errno;
	tap_ok(r == 0 && took == SIGUSR1 && handled == 0 && status_bit("ShdPnd", SIGUSR1) == 0 && again == -1 && e == EAGAIN,
	       "sigwait takes the blocked SIGUSR1 (no handler, ShdPnd empty after); sigtimedwait with none: EAGAIN (%d %s)",
	       took, strerror(e));
	sigprocmask(SIG_UNBLOCK, &usr1, NULL);

	struct sigaction count2 = { .sa_handler = count_signal };
	sigaction(SIGUSR2, &count2, NULL);
	made = pipe(usr2_ready) == 0 && pipe(usr2_sent) == 0 && pthread_create(&th, NULL, own_signal, NULL) == 0;
	int killed = made && read_byte(usr2_ready[0]) && pthread_kill(th, SIGUSR2) == 0 && write(usr2_sent[1], "s", 1) == 1;
	bits = NULL;
	killed = killed && pthread_join(th, &bits) == 0;
	tap_ok(killed && (long)bits == 6, "pthread_kill to a thread blocking SIGUSR2: its SigPnd alone, its handler once it unblocks (%ld)",
	       (long)bits);
	signal(SIGUSR2, SIG_IGN);

	pid = fork();
	if (pid == 0) {
		raise(SIGTERM);
		_exit(4);
	}
	tap_ok(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM,
	       "a child's raise(SIGTERM) ends it (status 0x%x)", st);

	pid = fork();
	if (pid == 0) { /* stops itself; once continued, says so */
		raise(SIGSTOP);
		if (write(p[1], "c", 1) != 1) _exit(3);
		_exit(0);
	}
	int stopped = waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP;
	int resumed = kill(pid, SIGCONT) == 0 && read_byte(p[0]);
	tap_ok(stopped && resumed && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "a child's raise(SIGSTOP) stops it (waitpid WUNTRACED sees it); SIGCONT lets it go on (status 0x%x)", st);

	sigaction(SIGUSR1, &count, NULL);
	handled = 0;
	bits = (void *)-1L;
	made = pthread_create(&th, NULL, to_main, NULL) == 0 && pthread_join(th, &bits) == 0;
	tap_ok(made && bits == NULL && handled == 1, "a thread's tgkill to the main thread runs the main thread's handler (%d)",
	       (int)handled);

	struct sigaction crit = { .sa_handler = critical_section }, old_action;
	sigaction(SIGUSR1, &crit, NULL);
	handled = 0;
	kill(getpid(), SIGUSR1);
	kill(getpid(), SIGUSR1);
	int same = sigaction(SIGUSR1, NULL, &old_action) == 0 && old_action.sa_handler == critical_section;
	tap_ok(handled == 2 && status_bit("SigBlk", SIGUSR1) == 0 && status_bit("ShdPnd", SIGUSR1) == 0 && same,
	       "a handler's block-all and restore leaves nothing blocked after it returns; sigaction reads its handler back (%d)",
	       (int)handled);

	struct sigaction unb = { .sa_sigaction = unblocks_term, .sa_flags = SA_SIGINFO };
	sigaction(SIGUSR2, &unb, NULL);
	sigprocmask(SIG_BLOCK, &term, NULL);
	handled = 0;
	kill(getpid(), SIGUSR2);
	tap_ok(handled == 1 && status_bit("SigBlk", SIGTERM) == 1, "a handler's SIG_UNBLOCK of SIGTERM ends with it: SIGTERM is blocked again after it (%d)",
	       (int)handled);
	sigprocmask(SIG_UNBLOCK, &term, NULL);

	signal(SIGUSR2, unblocks_term_plain);
	sigprocmask(SIG_BLOCK, &term, NULL);
	handled = 0;
	kill(getpid(), SIGUSR2);
	int blocked_again = status_bit("SigBlk", SIGTERM) == 1;
	sigprocmask(SIG_UNBLOCK, &term, NULL);
	tap_ok(handled == 1 && blocked_again && signal(SIGUSR2, SIG_IGN) == unblocks_term_plain,
	       "the same for a handler signal() installed, which signal() gives back (%d)", (int)handled);

	catch_signal(SIGUSR1, 0);
	pid = fork();
	if (pid == 0) {
		execl(argv[0], argv[0], "--after-exec", (char *)NULL);
		_exit(99);
	}
	tap_ok(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 2,
	       "after execve the handler is SIG_DFL and SIG_IGN stays (exit %d)", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return tap_exit();
}
