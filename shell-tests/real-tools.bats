#!/usr/bin/env bats
# Contract section 8, procsim shell: real procps-ng, psmisc and util-linux tools reading the sim
# as their /proc. Only what works is here; what does not (pidof, lsns, cmdline) and why:
# docs/real-tools.md. Every tool's stderr is checked empty.

load lib/procsim
bats_require_minimum_version 1.5.0

setup_file() {
    procsim_setup_file
    s() { procsim_syscall "$M/$1/task/$1/syscall" "$2" >/dev/null; }
    # root: 1 init, 10 worker (+ a thread), 20 nsinit (init of namespace A);
    # A: 1=20, 5=21, 7=30 (init of namespace B); B: 1=30, 2=31 leaf
    s 1 'clone3 set_tid=10'
    s 10 'rt_sigprocmask SIG_BLOCK SIGTERM|SIGUSR2'
    s 10 'clone CLONE_THREAD|CLONE_SIGHAND|CLONE_VM'
    s 10 'prctl PR_SET_NAME worker'
    s 10 'rt_sigaction SIGUSR1 0x401000 SA_RESTART'
    s 10 'rt_sigaction SIGHUP SIG_IGN'
    s 1 'kill 10 SIGUSR2'
    s 1 'clone3 flags=CLONE_NEWPID set_tid=1,20'
    s 20 'prctl PR_SET_NAME nsinit'
    s 20 'clone3 set_tid=5,21'
    s 20 'clone3 flags=CLONE_NEWPID set_tid=1,7,30'
    s 30 'clone3 set_tid=2,8,31'
    s 31 'prctl PR_SET_NAME leaf'
    s 1 'msgget 4096 IPC_CREAT|0600'
    s 1 'semget 8192 2 IPC_CREAT|0640'
    s 1 'shmget 12288 4096 IPC_CREAT|0600'
}

teardown_file() {
    procsim_teardown_file
}

setup() {
    procsim_require_fuse
}

# What of the host's mount table concerns this suite: the mounts under $M and the one on /proc
# (other suites mount and unmount in parallel, so the whole table is no measure).
our_mounts() {
    awk -v m="$M" 'index($5, m) == 1 || $5 == "/proc"' /proc/self/mountinfo
}

# sim_shell [--as PID] -- CMD...: procsim shell on $M; stdout in $output, stderr in $stderr.
sim_shell() {
    run --separate-stderr "$PROCSIM_BIN" shell "$M" "$@"
}

@test "ps -eo pid,ppid,pgid,sid,stat,comm lists exactly the sim's tasks, as init" {
    sim_shell -- ps -eo pid,ppid,pgid,sid,stat,comm
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    [ "$output" = "$(cat <<'T'
  PID  PPID  PGID   SID STAT COMMAND
    1     0     1     1 Ss   init
   10     1     1     1 Sl   worker
   20     1     1     1 S    nsinit
   21    20     1     1 S    nsinit
   30    20     1     1 S    nsinit
   31    30     1     1 S    leaf
T
)" ]
}

@test "ps -ef and ps -eLf: every task, the worker's two threads" {
    sim_shell -- ps -ef
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    [ "$(awk 'NR > 1 { print $2 }' <<<"$output" | tr '\n' ' ')" = "1 10 20 21 30 31 " ]
    sim_shell -- ps -eLo pid,lwp,nlwp,comm
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    [ "$(awk '$1 == 10 { print $2 "/" $3 }' <<<"$output" | tr '\n' ' ')" = "10/2 2/2 " ]
}

@test "ps -o caught,ignored,blocked,pending shows the sim's signals (status's SigCgt, SigIgn, SigBlk, ShdPnd)" {
    sim_shell -- ps -o pid,caught,ignored,blocked,pending,comm -p 1,10
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    [ "$output" = "$(cat <<'T'
  PID           CAUGHT          IGNORED          BLOCKED          PENDING COMMAND
    1 0000000000000000 0000000000000000 0000000000000000 0000000000000000 init
   10 0000000000000200 0000000000000001 0000000000004800 0000000000000800 worker
T
)" ]
}

@test "pstree -p draws the tree" {
    sim_shell -- pstree -p
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    [ "$output" = "$(cat <<'T'
init(1)-+-nsinit(20)-+-nsinit(21)
        |            `-nsinit(30)---leaf(31)
        `-worker(10)---{worker}(2)
T
)" ]
}

@test "top -b -n 1 shows every task and the sim's counts" {
    sim_shell -- top -b -n 1
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    [[ ${lines[1]} == "Tasks:   6 total,   0 running,   6 sleeping,   0 stopped,   0 zombie" ]]
    [ "$(awk '$1 ~ /^[0-9]+$/ { print $1 }' <<<"$output" | tr '\n' ' ')" = "1 10 20 21 30 31 " ]
}

@test "pgrep -P and pgrep by name" {
    sim_shell -- pgrep -P 1
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    [ "$output" = $'10\n20' ]
    sim_shell -- pgrep -l leaf
    [ "$output" = "31 leaf" ]
    [ -z "$stderr" ]
}

@test "ipcs and lsipc show the sim's IPC objects" {
    sim_shell -- ipcs -q
    [ -z "$stderr" ]
    [[ $output == *"0x00001000 0          root       600        0            0"* ]]
    sim_shell -- ipcs -s
    [[ $output == *"0x00002000 0          root       640        2"* ]]
    sim_shell -- ipcs -m
    [[ $output == *"0x00003000 0          root       600        4096       0"* ]]
    [ -z "$stderr" ]
    sim_shell -- lsipc -q --noheadings -o KEY,ID,PERMS
    [ -z "$stderr" ]
    [ "$output" = "0x00001000 0  rw-------" ]
    sim_shell -- lsipc -g --noheadings -b -o RESOURCE,LIMIT
    [ -z "$stderr" ]
    [[ $output == *"MSGMNB                  16384"* ]]
}

@test "cat /proc/self/status is the attached task's; exit status is CMD's" {
    sim_shell --as 10 -- sh -c 'cat /proc/self/status; exit 7'
    [ "$status" -eq 7 ]
    [ -z "$stderr" ]
    [[ $output == *$'Name:\tworker\n'* ]]
    [[ $output == *$'Pid:\t10\n'* ]]
    [[ $output == *$'Threads:\t2\n'* ]]
}

# As system(3): Ctrl-\ (SIGQUIT to the terminal's process group) is CMD's business. HotSpot keeps
# SIGQUIT for its thread dumps (no Java handler can take it), so no JVM may be in that group.
@test "SIGQUIT to the whole process group reaches CMD only: no JVM prints a thread dump" {
    # shellcheck disable=SC2016 # the inner shell's own variables
    run --separate-stderr setsid "$PROCSIM_BIN" shell "$M" -- \
        bash -c 'sh -c "kill -QUIT \$\$" 2>/dev/null; s=$?; trap "" QUIT; kill -QUIT 0; echo "survived, sh: $s"'
    [ "$status" -eq 0 ]
    [ "$output" = "survived, sh: 131" ] # CMD and its children keep SIGQUIT's default action
    [[ $stderr != *"thread dump"* ]]
}

@test "without CMD: \$SHELL, reading the caller's stdin" {
    run --separate-stderr env SHELL=/bin/bash "$PROCSIM_BIN" shell "$M" <<<'ps -o pid=,comm= -p 10; exit 4'
    [ "$status" -eq 4 ]
    [ -z "$stderr" ]
    [ "$output" = "   10 worker" ]
}

@test "ps finds itself: the caller's own real pid names the task it acts as" {
    # the subshell's real pid in the new namespace is small (2 or 3); no sim task has it
    # shellcheck disable=SC2016 # expanded by the shell inside
    sim_shell -- bash -c '( read -r pid _ < "/proc/$BASHPID/stat"; echo "$BASHPID $pid" )'
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    [[ $output =~ ^[0-9]+\ 1$ ]]
    [ "${output% 1}" != 10 ] # not a sim pid of the view
}

@test "--as a task of a nested namespace: only that namespace, with its numbers" {
    sim_shell --as 20 -- ps -eo pid,ppid,comm
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    [ "$(awk 'NR > 1 { print $1 "/" $2 "/" $3 }' <<<"$output" | tr '\n' ' ')" = "1/0/nsinit 5/1/nsinit 7/1/nsinit 8/7/leaf " ]
    sim_shell --as 31 -- pstree -p
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    [ "$output" = "nsinit(1)---leaf(2)" ]
    sim_shell --as 31 -- sh -c 'cat /proc/self/stat; cut -d" " -f5 /proc/loadavg; cat /proc/sys/kernel/ns_last_pid'
    [ -z "$stderr" ]
    [[ ${lines[0]} == "2 (leaf) S 1 "* ]]
    [ "${lines[1]}" = "${lines[2]}" ] # loadavg's last pid is the reader's namespace's
}

@test "the host's /proc is untouched and nothing stays mounted" {
    local before
    before=$(our_mounts)
    sim_shell -- cat /proc/version
    [ "$status" -eq 0 ]
    [[ $output == "Linux version 6.14.0-procsim "* ]]
    [[ $(cat /proc/version) != *procsim* ]]
    [ "$(our_mounts)" = "$before" ]
    run ! grep -qF "$M/procsim/pidns" /proc/self/mountinfo
    [ "$(readlink /proc/self)" != 1 ] # the host's procfs, its numbers
    [ -z "$(cat "$M/1/task/1/attach")" ]
}

@test "bad input: one line, status 1, nothing mounted" {
    local before
    before=$(our_mounts)
    sim_shell --as 999 -- true
    [ "$status" -eq 1 ]
    [ "$stderr" = "procsim: shell: no sim task 999 at $M" ]
    local zombie
    zombie=$(procsim_syscall "$M/1/task/1/syscall" fork)
    procsim_syscall "$M/$zombie/task/$zombie/syscall" 'exit 0' >/dev/null || true
    sim_shell --as "$zombie" -- true
    [ "$status" -eq 1 ]
    [ "$stderr" = "procsim: shell: sim task $zombie has exited" ]
    procsim_syscall "$M/1/task/1/syscall" "wait4 $zombie" >/dev/null
    run --separate-stderr "$PROCSIM_BIN" shell "$BATS_TEST_TMPDIR" -- true
    [ "$status" -eq 1 ]
    [ "$stderr" = "procsim: shell: no procsim mount at $BATS_TEST_TMPDIR" ]
    run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups "$PROCSIM_BIN" shell "$M" -- true
    [ "$status" -eq 1 ]
    [ "$stderr" = "procsim: shell: needs root (it makes a mount namespace and a pid namespace)" ]
    [ "$(our_mounts)" = "$before" ]
}

@test "the shell's /proc is the daemon's own mount of the root namespace's view, whose lookups the kernel keeps" {
    # where the daemon mounts it: /run/procsim/views/<digest of M>/<inum> (FuseMount.viewMountPoint);
    # the root pid namespace's inum is PROC_PID_INIT_INO (include/linux/proc_ns.h)
    local view
    view=/run/procsim/views/$(printf %s "$(realpath "$M")" | sha256sum | cut -c1-24)/$(stat -L -c %i "$M/1/ns/pid")
    [ "$(stat -L -c %i "$M/1/ns/pid")" -eq 4026531836 ]
    mountpoint -q "$view"
    [ "$(stat -c %d "$view")" != "$(stat -c %d "$M")" ]
    sim_shell -- stat -c %d /proc
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    [ "$output" = "$(stat -c %d "$view")" ]
}

@test "a task reaped while the shell looks at it is gone from the shell's /proc at once" {
    # Linux drops a reaped task's /proc/<pid> dentries at release_task() (proc_flush_pid(),
    # fs/proc/base.c); the view's mount keeps lookups for a second, so the reap drops them too.
    # shellcheck disable=SC2016 # expanded by the shell inside
    sim_shell -- bash -c '
        exec 3<>/proc/1/task/1/syscall
        echo "clone3 exit_signal=SIGCHLD set_tid=40" >&3; read -r r <&3; echo "clone3 $r"
        [ -d /proc/40 ] && cat /proc/40/stat >/dev/null && ls /proc/40/task && echo "looked up"
        echo "kill 40 SIGKILL" >&3; read -r r <&3
        [ -d /proc/40 ] && echo "a zombie is still there"
        echo "wait4 40" >&3; read -r r <&3; echo "wait4 ${r%% *}"
        [ -e /proc/40 ] || echo "40 gone"
        [ -e /proc/40/stat ] || echo "40/stat gone"
        ls -d /proc/40/task 2>/dev/null || echo "40/task gone"
        ls /proc | grep -qx 40 || echo "40 not listed"'
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    [ "$output" = "clone3 40
40
looked up
a zombie is still there
wait4 40
40 gone
40/stat gone
40/task gone
40 not listed" ]
}
