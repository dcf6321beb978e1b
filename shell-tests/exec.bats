#!/usr/bin/env bats
# Contract section 8, procsim exec: unmodified dynamically linked programs with libprocsim.so
# preloaded, their pid calls, forks, waits, exits and kills served by the sim through
# /proc/thread-self/syscall. The C programs (shim/tests, TAP) that use mainline interfaces only
# also run natively as a pid namespace's init (unshare -p -f --mount-proc) and print the same.

load lib/procsim
bats_require_minimum_version 1.5.0

setup_file() {
    procsim_setup_file
    # sim pids far from the real ones of exec's pid namespace (1, 2, ...): a real call given a sim
    # number (or a sim call a real one) then finds nothing, where equal numbers could hide it
    [[ -z ${M:-} ]] || echo 500 >"$M/sys/kernel/ns_last_pid"
    SHIM_BUILD=$PROCSIM_ROOT/shim/build
    export SHIM_BUILD
    [[ -x $SHIM_BUILD/pids && -f $SHIM_BUILD/libprocsim.so ]] || {
        echo "procsim: $SHIM_BUILD is not built: run 'make shim'" >&2
        return 1
    }
}

teardown_file() {
    procsim_teardown_file
}

setup() {
    procsim_require_fuse
}

# sim_exec ARGS...: procsim exec on $M; stdout in $output, stderr in $stderr.
sim_exec() {
    run --separate-stderr timeout 60 "$PROCSIM_BIN" exec "$M" "$@"
}

native() {
    run --separate-stderr timeout 60 unshare -p -i -f --mount-proc "$@"
}

# tap_as_natively PROGRAM N: PROGRAM passes its N TAP tests under procsim exec, and natively as
# a pid and IPC namespace's init prints the same lines.
tap_as_natively() {
    sim_exec -- "$1"
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    local sim=$output
    [[ $sim == "1..$2"$'\n'* ]]
    [[ $sim != *"not ok"* ]]
    [ "$(grep -c '^ok ' <<<"$sim")" -eq "$2" ]
    native "$1"
    [ "$status" -eq 0 ]
    [ "$output" = "$sim" ]
}

last_pid() {
    cat "$M/sys/kernel/ns_last_pid"
}

# The sim's processes, one pid a line (the tests leave only init behind them).
sim_pids() {
    find "$M" -mindepth 1 -maxdepth 1 -name '[0-9]*' -printf '%f\n' | sort -n
}

@test "pids.c: getpid, getppid, fork, waitpid, exit and kill statuses through the sim, as natively" {
    tap_as_natively "$SHIM_BUILD/pids" 16
    [ "$(sim_pids)" = 1 ]
}

@test "the shim's pids are the sim's: bash -c 'sleep 1 & echo \$\$ \$!' prints them, natively 1 2" {
    l=$(last_pid)
    sim_exec -- bash -c 'sleep 1 & echo $$ $!'
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    [ "$output" = "$((l + 1)) $((l + 2))" ]
    # bash, its real namespace's init, ended: the sim's sleep was killed and reaped with it
    [ "$(sim_pids)" = 1 ]
    native bash -c 'sleep 1 & echo $$ $!'
    [ "$output" = "1 2" ]
}

@test "python3 -c 'import os; print(os.getpid(), os.fork())' prints sim pids" {
    command -v python3 >/dev/null # make deps installs it
    # the interpreter itself: a wrapper script (pyenv's) would fork first
    py=$(python3 -c 'import sys; print(sys.executable)')
    l=$(last_pid)
    sim_exec -- "$py" -c 'import os; print(os.getpid(), os.fork())'
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    # Parent and child print at once into one pipe, so which lines arrive is not asserted here
    # (a CI run once read "88 0" and " 9"; see the issue 12 note): the pids are, below, with the
    # parent waiting for its child first, as natively.
    [ "$(sim_pids)" = 1 ]
    l=$(last_pid)
    sim_exec -- "$py" -c 'import os; p = os.fork(); p and os.wait(); print(os.getpid(), p)'
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    [ "$output" = "$(printf '%s 0\n%s %s' $((l + 2)) $((l + 1)) $((l + 2)))" ]
    [ "$(sim_pids)" = 1 ]
    # natively the parent waits before it prints: two processes printing at once into one pipe may mix
    native "$py" -c 'import os; p = os.fork(); p and os.wait(); print(os.getpid(), p)'
    [ "$output" = "$(printf '2 0\n1 2')" ]
}

@test "seeds.c: next_syscall_data LONG1 (free pid, EBUSY) and eclone (free pid, EBUSY, EINVAL) under the shim; ENOSYS natively" {
    sim_exec -- "$SHIM_BUILD/seeds"
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    [ "$output" = "$(cat <<'T'
1..6
ok 1 - next_syscall_data RESET
ok 2 - LONG1 with a free pid before fork: the child has that pid
ok 3 - LONG1 with a taken pid before fork: EBUSY
ok 4 - eclone with a free pid: the child has it
ok 5 - eclone with a taken pid: EBUSY
ok 6 - eclone with more pids than levels: EINVAL
T
)" ]
    native "$SHIM_BUILD/seeds"
    [ "$status" -eq 0 ]
    [ "$output" = "$(printf '1..2\nok 1 - no shim: next_syscall_data is ENOSYS\nok 2 - no shim: eclone is ENOSYS')" ]
}

@test "PROGRAM's exit status is exec's, and init reaps PROGRAM's task" {
    sim_exec -- bash -c 'exit 3'
    [ "$status" -eq 3 ]
    [ -z "$stderr" ]
    [ "$(sim_pids)" = 1 ]
}

@test "bash's commands are sim processes with their own exit statuses, through pipelines and redirections, as natively" {
    # bash execs a command with its own copy of the environment (an old PROCSIM_SHIM_PID): the
    # shim's execve gives the new image its own; bash also moves low descriptors it did not open
    # shellcheck disable=SC2016 # the inner shell's own variables
    script='/bin/true; echo $?; /bin/false; echo $?; sh -c "exit 5"; echo $?; echo x | cat; env | grep -c "^A=b$" 3>&- 4>&-; cat </dev/null | wc -l'
    sim_exec -- env A=b bash -c "$script"
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    [ "$output" = "$(printf '%s\n' 0 1 5 x 1 0)" ]
    [ "$(sim_pids)" = 1 ]
    native env A=b bash -c "$script"
    [ "$output" = "$(printf '%s\n' 0 1 5 x 1 0)" ]
}

@test "a program's child that execs with an environment of its own is served too: python's subprocess with env=" {
    sim_exec -- python3 -c 'import subprocess; print(subprocess.run(["/bin/sh", "-c", "exit 4"], env={"A": "b"}).returncode)'
    [ "$status" -eq 0 ]
    [ "$output" = 4 ]
    [ "$(sim_pids)" = 1 ]
}

@test "forks go on while orphans are handed to PROGRAM (its real namespace's init): each child is found wherever it is among its parent's children" {
    # ( sleep & ) leaves an orphan that the real kernel gives to PROGRAM, after its newer children
    # shellcheck disable=SC2016 # the inner shell's own variables
    sim_exec -- bash -c 'for i in $(seq 60); do ( sleep 0.2 & ) & done; wait; sleep 0.4; echo finished'
    [ "$status" -eq 0 ]
    [ "$output" = finished ]
    [ -z "$stderr" ]
    # each orphan ended in the sim too (its exit reported), a zombie of the sim's init, which runs
    # no code to reap them: the operator reaps them, one wait4 each
    for _ in $(seq 60); do
        [[ $(procsim_syscall "$M/1/task/1/syscall" "wait4 -1 WNOHANG") == [1-9]*" status=0x0000" ]]
    done
    [ "$(sim_pids)" = 1 ]
}

@test "a child the shim did not fork (system's posix_spawn) is not served: it neither renames nor ends PROGRAM's task" {
    t=$(procsim_syscall "$M/1/task/1/syscall" fork)
    # shellcheck disable=SC2016 # the inner shell's own variables
    sim_exec --as "$t" -- python3 -c 'import os, sys; os.system("exit 5"); print(os.getpid()); sys.stdout.flush(); os._exit(6)'
    [ "$status" -eq 6 ]
    [ -z "$stderr" ]
    [ "$output" = "$t" ]
    [[ $(cat "$M/$t/stat") == "$t (python3"*") Z "* ]]
    [ "$(procsim_syscall "$M/1/task/1/syscall" "wait4 $t")" = "$t status=0x0600" ]
}

@test "a child made by glibc's own _Fork, not the shim's fork, stays unserved when it execs: PROGRAM's task keeps its pid and name" {
    cat >"$BATS_TEST_TMPDIR/underfork.c" <<'C'
#define _GNU_SOURCE
#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>
extern char **environ;
int main(void)
{
	pid_t me = getpid();
	pid_t c = _Fork();
	if (c == 0) {
		char *argv[] = { "/bin/true", NULL };
		execve("/bin/true", argv, environ);
		_exit(9);
	}
	int st;
	waitpid(c, &st, 0);
	char comm[32] = "";
	FILE *f = fopen("/proc/self/comm", "r");
	if (f && fgets(comm, sizeof comm, f)) fclose(f);
	printf("%d %s", me == getpid(), comm);
	return 0;
}
C
    gcc -O2 -Wall -o "$BATS_TEST_TMPDIR/underfork" "$BATS_TEST_TMPDIR/underfork.c"
    sim_exec -- "$BATS_TEST_TMPDIR/underfork"
    [ "$status" -eq 0 ]
    [ "$output" = "1 underfork" ]
}

@test "a program that closes every descriptor above 2 (close_range, as a daemon does) is still served: the shim opens its syscall file again" {
    cat >"$BATS_TEST_TMPDIR/closeall.c" <<'C'
#define _GNU_SOURCE
#include <stdio.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
int main(void)
{
	pid_t before = getpid();
	syscall(SYS_close_range, 3, ~0U, 0);
	pid_t after = getpid();
	pid_t c = fork();
	if (c == 0) _exit(7);
	int st;
	pid_t w = waitpid(c, &st, 0);
	printf("%d %d %d %d\n", before, before == after, w == c, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return 0;
}
C
    gcc -O2 -Wall -o "$BATS_TEST_TMPDIR/closeall" "$BATS_TEST_TMPDIR/closeall.c"
    l=$(last_pid)
    sim_exec -- "$BATS_TEST_TMPDIR/closeall"
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    [ "$output" = "$((l + 1)) 1 1 7" ]
    [ "$(sim_pids)" = 1 ]
}

@test "--as T: PROGRAM is task T, as if T exec'd it: its name, its pids, its exit" {
    t=$(procsim_syscall "$M/1/task/1/syscall" fork)
    # shellcheck disable=SC2016 # the inner shell's own variables
    sim_exec --as "$t" -- bash -c 'echo $$ $PPID; exit 4'
    [ "$status" -eq 4 ]
    [ "$output" = "$t 1" ]
    [[ $(cat "$M/$t/stat") == "$t (bash) Z "* ]]
    [ "$(procsim_syscall "$M/1/task/1/syscall" "wait4 $t")" = "$t status=0x0400" ]
}

@test "a static program is refused in one line, status 1, and nothing is made in the sim" {
    l=$(last_pid)
    sim_exec -- "$SHIM_BUILD/static-hello"
    [ "$status" -eq 1 ]
    [ -z "$output" ]
    [ "$stderr" = "procsim: exec: $SHIM_BUILD/static-hello is statically linked (no PT_INTERP): the shim cannot be preloaded into it" ]
    [ "$(last_pid)" = "$l" ]
}

@test "--as a dead pid: an exited task and a reaped one are refused in one line, status 1" {
    t=$(procsim_syscall "$M/1/task/1/syscall" fork)
    procsim_syscall "$M/$t/task/$t/syscall" "exit 0" >/dev/null
    sim_exec --as "$t" -- true
    [ "$status" -eq 1 ]
    [ "$stderr" = "procsim: exec: sim task $t has exited" ]
    procsim_syscall "$M/1/task/1/syscall" "wait4 $t" >/dev/null
    sim_exec --as "$t" -- true
    [ "$status" -eq 1 ]
    [ "$stderr" = "procsim: exec: no sim task $t at $M" ]
    [ "$(sim_pids)" = 1 ]
}

@test "libprocsim.so exports eclone under the contract's name, and only the calls it serves" {
    run nm -D --defined-only "$SHIM_BUILD/libprocsim.so"
    [ "$status" -eq 0 ]
    [ "$(awk '$2 == "T" || $2 == "W" || $2 == "i" { print $3 }' <<<"$output" | sort | tr '\n' ' ')" = \
        "_Exit __getpgid __libc_start_main __sysv_signal _exit bsd_signal capget capset eclone execve exit fork geteuid getpgid getpgrp getpid getppid getsid gettid getuid kill killpg msgctl msgget msgrcv msgsnd prctl procsim_eclone procsim_set_next_syscall_data pthread_create pthread_kill pthread_sigmask raise semctl semget semop setpgid setpgrp setsid setuid shmat shmctl shmdt shmget sigaction sighold sigignore signal sigprocmask sigqueue sigrelse sigset sigsuspend sigtimedwait sigwait sigwaitinfo ssignal syscall sysv_signal tcgetpgrp tcsetpgrp tgkill unshare vfork wait wait3 wait4 waitid waitpid " ]
}

@test "a kill the sim finds fatal reaches the real process too: a child's own kill -9 \$\$ ends it" {
    l=$(last_pid)
    # PROGRAM itself would survive for real: its real namespace's init ignores a SIGKILL from inside
    # (pid_namespaces(7); kernel/signal.c sig_task_ignored: SIGNAL_UNKILLABLE with SIG_DFL); a
    # child of it does not. The child's status is the sim's: SIGKILL, 128+9.
    # shellcheck disable=SC2016 # the inner shells' own variables
    sim_exec -- bash -c 'bash -c "kill -9 \$\$; echo survived"; echo $?'
    [ "$status" -eq 0 ]
    [ "$output" = 137 ]
    [ "$(last_pid)" = "$((l + 2))" ]
    [ "$(sim_pids)" = 1 ]
    native bash -c 'bash -c "kill -9 \$\$; echo survived"; echo $?'
    [ "$output" = 137 ]
}

@test "a fork + exit + wait cycle is three lines on procsim/syscall: the parent's bind CHILD fork (its real child bound as it forks), the child's exit_group, the parent's wait4" {
    gcc -O2 -Wall -o "$BATS_TEST_TMPDIR/forkwait" "$PROCSIM_ROOT/shell-tests/bench/forkwait.c"
    l=$(last_pid)
    PROCSIM_SHIM_TRACE=1 sim_exec -- "$BATS_TEST_TMPDIR/forkwait" 1
    [ "$status" -eq 0 ]
    # forkwait 1: an untimed cycle, then one timed; the child runs once bound, and the parent waits
    # for its real exit, so the lines come in this order. CHILD is the real pid fork returned, in
    # exec's own pid namespace.
    c1=$((l + 2)) c2=$((l + 3))
    [ "$(sed -E 's/^(libprocsim: bind) [0-9]+ /\1 CHILD /' <<<"$stderr")" = "$(printf 'libprocsim: %s\n' "execve $BATS_TEST_TMPDIR/forkwait" \
        "bind CHILD fork" "exit_group 0" "wait4 $c1 WNOHANG" "bind CHILD fork" "exit_group 0" "wait4 $c2 WNOHANG" "exit_group 0")" ]
    [ "$(sim_pids)" = 1 ]
}

@test "a msgrcv that blocks in the sim does not stop another process's msgsnd (each blocking call on its task's own syscall file)" {
    cat >"$BATS_TEST_TMPDIR/ipcblock.c" <<'C'
#include <stdio.h>
#include <sys/msg.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void)
{
	int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	struct { long type; char text[16]; } m = { 1, "hi" };
	pid_t c = fork();
	if (c == 0) _exit(msgrcv(id, &m, sizeof(m.text), 0, 0) == 2 ? 0 : 1); /* blocks until the send */
	sleep(1);
	int sent = msgsnd(id, &m, 2, 0);
	int st;
	waitpid(c, &st, 0);
	printf("sent %d child %d\n", sent, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return msgctl(id, IPC_RMID, NULL);
}
C
    gcc -O2 -Wall -o "$BATS_TEST_TMPDIR/ipcblock" "$BATS_TEST_TMPDIR/ipcblock.c"
    sim_exec -- "$BATS_TEST_TMPDIR/ipcblock"
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    [ "$output" = "sent 0 child 0" ]
    [ "$(wc -l <"$M/sysvipc/msg")" -eq 1 ]
}

@test "a kill of a just-forked child reaches its real process: the parent's waitpid sees SIGKILL" {
    py=$(python3 -c 'import sys; print(sys.executable)')
    # the child would sleep 30 s and exit 0 if the kill did not reach it
    sim_exec -- "$py" -c 'import os, signal, time
p = os.fork()
if p == 0:
    time.sleep(30)
    os._exit(0)
os.kill(p, signal.SIGKILL)
_, st = os.waitpid(p, 0)
print(os.WIFSIGNALED(st) and os.WTERMSIG(st))'
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    [ "$output" = 9 ]
    [ "$(sim_pids)" = 1 ]
}

@test "syscall(SYS_clone) asking SIGUSR1 as its exit signal is EINVAL under the shim (its real half, a fork, signals SIGCHLD), and nothing is made" {
    sim_exec -- python3 -c 'import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
print(libc.syscall(56, 10, 0, 0, 0, 0), os.strerror(ctypes.get_errno()))'
    [ "$status" -eq 0 ]
    [ "$output" = "-1 Invalid argument" ]
    [ "$(sim_pids)" = 1 ]
}

@test "a sim namespace init whose real process a real signal ended is reaped: the sim ignores that signal there (SIGNAL_UNKILLABLE), so the shim kills it with SIGKILL" {
    # (its own raise(SIGTERM), served, is ignored as in Linux: a namespace init ignores its own SIG_DFL signals)
    sim_exec -- python3 -c 'import ctypes, os, signal, time
libc = ctypes.CDLL(None, use_errno=True)
pid = libc.syscall(56, 0x20000000 | 17, 0, 0, 0, 0)  # clone(CLONE_NEWPID | SIGCHLD), no stack: a fork
if pid == 0:
    signal.alarm(1)  # a real timer: its SIGALRM is the real kernel alone, and kills the real process
    time.sleep(10)
    os._exit(3)
_, st = os.waitpid(pid, 0)
print(os.WIFSIGNALED(st) and os.WTERMSIG(st))'
    [ "$status" -eq 0 ]
    [ "$output" = 14 ]
    [ "$(sim_pids)" = 1 ]
}

@test "a sim namespace init's own raise(SIGTERM) is ignored, as Linux's (SIGNAL_UNKILLABLE): it goes on and exits 3, natively too" {
    prog='import ctypes, os, signal
libc = ctypes.CDLL(None, use_errno=True)
pid = libc.syscall(56, 0x20000000 | 17, 0, 0, 0, 0)  # clone(CLONE_NEWPID | SIGCHLD), no stack: a fork
if pid == 0:
    signal.raise_signal(signal.SIGTERM)
    os._exit(3)
_, st = os.waitpid(pid, 0)
print(os.WIFEXITED(st) and os.WEXITSTATUS(st))'
    sim_exec -- python3 -c "$prog"
    [ "$status" -eq 0 ]
    [ "$output" = 3 ]
    [ "$(sim_pids)" = 1 ]
    native python3 -c "$prog"
    [ "$output" = 3 ]
}

@test "clone3.c: syscall(__NR_clone3) with set_tid (selftest cases: EINVAL, EEXIST, E2BIG) and syscall(__NR_clone) without a stack, CLONE_NEWPID: the sim's, as natively" {
    tap_as_natively "$SHIM_BUILD/clone3" 17
    [ "$(sim_pids)" = 1 ]
}

@test "creds.c: prctl(PR_SET_NAME), unshare(CLONE_NEWPID|CLONE_NEWIPC), capget/capset and setuid are the sim's, as natively" {
    tap_as_natively "$SHIM_BUILD/creds" 13
    [ "$(sim_pids)" = 1 ]
}

@test "msg.c: msgget with msg_next_id and with next_syscall_data LONG1 ID, msgsnd, msgrcv, msgctl (IPC_SET restoring times after LONG1 1) are the sim's; the mainline part as natively" {
    sim_exec -- "$SHIM_BUILD/msg"
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    sim=$output
    [[ $sim == "1..12"$'\n'* ]]
    [[ $sim != *"not ok"* ]]
    [ "$(grep -c '^ok ' <<<"$sim")" -eq 12 ]
    [ "$(sim_pids)" = 1 ]
    # nothing left in the sim's queues
    [ "$(wc -l <"$M/sysvipc/msg")" -eq 1 ]
    native "$SHIM_BUILD/msg"
    [ "$status" -eq 0 ]
    [ "$output" = "$(printf '1..11\n%s\nok 11 - no shim: next_syscall_data is ENOSYS' "$(sed -n 2,11p <<<"$sim")")" ]
}

@test "semshm.c: semget (sem_next_id), semop, semctl, shmget (shm_next_id), shmctl are the sim's, as natively" {
    tap_as_natively "$SHIM_BUILD/semshm" 12
    [ "$(sim_pids)" = 1 ]
    [ "$(wc -l <"$M/sysvipc/sem")" -eq 1 ]
    [ "$(wc -l <"$M/sysvipc/shm")" -eq 1 ]
}

@test "signals.c: sigaction, signal() and the mask are the sim's too: SigCgt, SigIgn, a child's handler, SA_RESETHAND, a SysV handler re-armed, SIG_IGN, SIGCHLD ignored, SIGALRM ending a msgrcv, a handler's own SysV calls, SigBlk per thread, a blocked signal pending then acting, merged, sigsuspend, sigqueue, a thread's own signals (raise, pthread_kill, tgkill) in its SigPnd, sigwait, raise(SIGSTOP), a tgkill to the main thread, a handler's mask changes undone at its return, execve's reset, as natively" {
    tap_as_natively "$SHIM_BUILD/signals" 25
    [ "$(sim_pids)" = 1 ]
}

@test "bash's trap under the shim: kill -USR1 \$\$ runs the trap, bash and its sim task live on, SigCgt shows it" {
    sim_exec -- bash -c 'trap "echo caught" USR1; kill -USR1 $$; echo alive; grep ^SigCgt: /proc/$$/status'
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    [ "${lines[0]}" = caught ]
    [ "${lines[1]}" = alive ]
    # SIGUSR1 is bit 9 of the mask: the sim's own status says bash catches it
    (( (0x$(awk '{ print $2 }' <<<"${lines[2]}") >> 9) & 1 ))
    [ "$(sim_pids)" = 1 ]
}

@test "python3's signal.pthread_sigmask under the shim: a blocked SIGTERM waits in the sim's ShdPnd, then ends the child and its sim task once unblocked" {
    # (in a child: exec's PROGRAM is its real pid namespace's init, which its own SIGTERM cannot end)
    py=$(python3 -c 'import sys; print(sys.executable)')
    l=$(last_pid)
    sim_exec -- "$py" -c '
import os, signal
pid = os.fork()
if pid == 0:
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    os.kill(os.getpid(), signal.SIGTERM)
    print([l.split()[1] for l in open("/proc/self/status") if l.startswith(("ShdPnd:", "SigBlk:"))], flush=True)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    print("not reached", flush=True)
    os._exit(0)
print(pid, os.waitpid(pid, 0)[1])'
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    [ "${lines[0]}" = "['0000000000004000', '0000000000004000']" ]
    # the child's sim pid, and the sim's status for it: killed by SIGTERM
    [ "${lines[1]}" = "$((l + 2)) 15" ]
    [ "${#lines[@]}" -eq 2 ]
    [ "$(sim_pids)" = 1 ]
}

@test "waitid.c: P_PID, P_ALL, P_PGID, WNOWAIT, WNOHANG and siginfo's si_pid, si_code, si_status are the sim's, as natively" {
    tap_as_natively "$SHIM_BUILD/waitid" 14
    [ "$(sim_pids)" = 1 ]
}

@test "dash, which waits by wait3: a command's exit status and its pid are the sim's, and it leaves no sim task behind" {
    # shellcheck disable=SC2016 # dash's own
    sim_exec -- dash -c '/bin/false; echo "false: $?"; /bin/sh -c "exit 7"; echo "exit: $?"; x=$(cut -d" " -f1 /proc/self/stat); echo "pid: $x"'
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    [ "${lines[0]}" = "false: 1" ]
    [ "${lines[1]}" = "exit: 7" ]
    [[ ${lines[2]} =~ ^pid:\ [0-9]+$ ]]
    [ "$(sim_pids)" = 1 ]
}

@test "sessions.c: setsid, setpgid and its errnos, getpgid, getsid, kill(-PGRP) and kill(0), a group outliving its leader, as natively" {
    tap_as_natively "$SHIM_BUILD/sessions" 21
    [ "$(sim_pids)" = 1 ]
}

@test "exec makes PROGRAM a process group of its own; bash's job control (set -m) gives each job one, as ps shows, and kill -- -PGID ends a job" {
    # shellcheck disable=SC2016 # the inner shell's
    sim_exec -- bash -c 'set -m; sleep 30 & job=$!; sleep 30 | cat & pipe=$(jobs -p %2)
        echo "ids $$ $job $pipe"; ps -o pid=,pgid=,sid=,comm=
        kill -- -"$job" -"$pipe"; echo "alive: $(ps -o stat=,comm= | grep -v ^Z | grep -c -e sleep -e cat)"
        s=$SECONDS; wait; echo "waited: $((SECONDS - s < 10))"'
    [ "$status" -eq 0 ]
    read -r _ me job pipe <<<"${lines[0]}"
    # each: pid, pgid, session of what ps listed
    grep -qx " *$me  *$me  *1 bash" <<<"$output"
    grep -qx " *$job  *$job  *1 sleep" <<<"$output"
    grep -qx " *$pipe  *$pipe  *1 sleep" <<<"$output"
    grep -qx " *[0-9]*  *$pipe  *1 cat" <<<"$output"
    [ "${lines[-2]}" = "alive: 0" ]
    [ "${lines[-1]}" = "waited: 1" ] # the real sleeps ended too, not after their 30 s
    [ "$(sim_pids)" = 1 ]
    run grep -v ' Terminated ' <<<"$stderr" # only bash's notices of its two jobs
    [ "$status" -eq 1 ]
}

@test "shmat.c: shmat backed by real memory at the sim's address, shared between two sim processes; shmdt, fork's inherited attach, IPC_RMID while attached, as natively" {
    tap_as_natively "$SHIM_BUILD/shmat" 14
    [ "$(sim_pids)" = 1 ]
    [ "$(wc -l <"$M/sysvipc/shm")" -eq 1 ]
}

@test "threads.c: each pthread a sim thread (its gettid, /proc/self/task, Threads), its exit reported; a thread's child waited for by another, as natively" {
    tap_as_natively "$SHIM_BUILD/threads" 11
    [ "$(sim_pids)" = 1 ]
}

@test "nslastpid-race.c: one worker never misses, as natively; four racing workers: every child reaped, hits + misses = attempts, the same TAP results natively; set_tid never misses" {
    # its '#' lines carry its namespace's inode and its time: the TAP lines must be the same
    sim_exec -- "$SHIM_BUILD/nslastpid-race"
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    sim=$(grep -v '^#' <<<"$output")
    [[ $sim == "1..5"$'\n'* ]] && [[ $sim != *"not ok"* ]] && [ "$(grep -c '^ok ' <<<"$sim")" -eq 5 ]
    [[ $output == *"# race method=ns_last_pid workers=1 attempts=100 misses=0 seconds="* ]]
    native "$SHIM_BUILD/nslastpid-race"
    [ "$status" -eq 0 ]
    [ "$(grep -v '^#' <<<"$output")" = "$sim" ]
    for method in ns_last_pid set_tid; do
        sim_exec -- "$SHIM_BUILD/nslastpid-race" --workers 4 --rounds 50 --method "$method"
        [ "$status" -eq 0 ]
        [ -z "$stderr" ]
        sim=$(grep -v '^#' <<<"$output")
        [[ $(tail -n 1 <<<"$output") =~ ^"# race method=$method workers=4 attempts=200 misses="[0-9]+(\ E[A-Z]+=[0-9]+)*" seconds=" ]]
        [ "$(grep -c '^ok ' <<<"$sim")" -eq 4 ]
        native "$SHIM_BUILD/nslastpid-race" --workers 4 --rounds 50 --method "$method"
        [ "$status" -eq 0 ]
        [ "$(grep -v '^#' <<<"$output")" = "$sim" ]
    done
    [[ $output == *" misses=0 seconds="* ]] # set_tid names the pid in the call: nothing to race
    [ "$(sim_pids)" = 1 ]
    run "$SHIM_BUILD/nslastpid-race" --workers 0
    [ "$status" -eq 2 ]
}

@test "make shim-compare's script fails on a difference in the TAP results: msg.c's seed half is ENOSYS natively" {
    SHIM_COMPARE_PROGRAMS=pids,msg run --separate-stderr bash "$PROCSIM_ROOT/shell-tests/shim-compare.sh"
    [ "$status" -eq 1 ]
    grep -Eq '^pids +16/16 +16/16 +same$' <<<"$output"
    grep -Eq '^msg +11/11 +12/12 +DIFFERS$' <<<"$output"
    grep -q '^    < 1\.\.11$' <<<"$output"
    [ "$stderr" = "shim-compare: native and sim TAP results differ or fail (above)" ]
}

@test "waitid for a sim child with no real process (made by the operator's fork line) is the sim's wait4; WNOWAIT there is EINVAL" {
    t=$(procsim_syscall "$M/1/task/1/syscall" fork)
    u=$(procsim_syscall "$M/$t/task/$t/syscall" fork)
    procsim_syscall "$M/$u/task/$u/syscall" "exit 3" >/dev/null
    # shellcheck disable=SC2016 # python's own
    sim_exec --as "$t" -- python3 -c '
import errno, os, sys
u = int(sys.argv[1])
try:
    os.waitid(os.P_PID, u, os.WEXITED | os.WNOWAIT)
except OSError as e:
    print("WNOWAIT", errno.errorcode[e.errno])
r = os.waitid(os.P_PID, u, os.WEXITED)
print(r.si_pid, r.si_status, r.si_code == os.CLD_EXITED, r.si_signo == 17)' "$u"
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    [ "$output" = "$(printf 'WNOWAIT EINVAL\n%s 3 True True' "$u")" ]
    [ ! -e "$M/$u" ]
    procsim_syscall "$M/1/task/1/syscall" "wait4 $t" >/dev/null
    [ "$(sim_pids)" = 1 ]
}
