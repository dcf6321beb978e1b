#!/usr/bin/env bats
# The per-task files real tools read (issue 11): status with every line of Linux 6.18's, stat's
# 52 fields, statm, cmdline and environ, one memory model across them; and ps reading them,
# with the mount bound over /proc in a private mount namespace.

load lib/procsim

setup_file() {
    procsim_setup_file
    local s=$M/1/task/1/syscall
    # 2: exec'd with arguments, and a thread (3); 4: never exec'd, with a 3-page shm attach; 5: a zombie
    [ "$(procsim_syscall "$s" fork)" = 2 ]
    procsim_syscall "$M/2/task/2/syscall" 'execve /bin/sleep sleep 1000' >/dev/null
    [ "$(procsim_syscall "$M/2/task/2/syscall" 'clone CLONE_THREAD|CLONE_SIGHAND|CLONE_VM')" = 3 ]
    [ "$(procsim_syscall "$s" fork)" = 4 ]
    SHMID=$(procsim_syscall "$M/4/task/4/syscall" 'shmget IPC_PRIVATE 12288 IPC_CREAT|0600')
    procsim_syscall "$M/4/task/4/syscall" "shmat $SHMID" >/dev/null
    [ "$(procsim_syscall "$s" fork)" = 5 ]
    procsim_syscall "$M/5/task/5/syscall" 'exit 7' >/dev/null
    # 6: the init of a new pid namespace, 7 its child
    [ "$(procsim_syscall "$s" 'clone CLONE_NEWPID|SIGCHLD')" = 6 ]
    [ "$(procsim_syscall "$M/6/task/6/syscall" fork)" = 2 ]
    export SHMID
}

teardown_file() {
    procsim_teardown_file
}

setup() {
    procsim_require_fuse
}

# field F [FILE]: a status line's value, numbers only (kB dropped)
field() {
    sed -n "s/^$1:[[:space:]]*\([0-9]*\).*/\1/p" "$2"
}

# in_proc CMD...: CMD in a new real mount and pid namespace with M bound over /proc, acting as
# sim init (attached before the unshare, so every process inside is init's); stderr to $ERR
in_proc() {
    ( procsim_attach "$M" 1 1
      # shellcheck disable=SC2016 # expanded by the inner sh
      exec unshare -m -p -f --propagation private sh -c 'mount --bind "$0" /proc && exec "$@"' "$M" "$@" )
}

@test "status has the host's lines in the host's order, Vm lines only with an mm" {
    cut -f1 "$M/1/status" >"$BATS_TEST_TMPDIR/ours"
    cut -f1 /proc/self/status | grep -Fxf "$BATS_TEST_TMPDIR/ours" >"$BATS_TEST_TMPDIR/host"
    grep -Fxf "$BATS_TEST_TMPDIR/host" "$BATS_TEST_TMPDIR/ours" | diff - "$BATS_TEST_TMPDIR/host"
    [ "$(wc -l <"$BATS_TEST_TMPDIR/ours")" = 59 ] # as many as 6.18 x86_64 has without shadow stacks
    grep -q '^Umask:	0022$' "$M/2/task/3/status"
    grep -q '^VmRSS:	    1756 kB$' "$M/2/task/3/status"
    grep -q '^State:	Z (zombie)$' "$M/5/status"
    [ "$(grep -c '^Vm\|^Umask\|^Rss' "$M/5/status")" = 0 ]
    grep -q '^voluntary_ctxt_switches:	0$' "$M/5/status"
}

@test "stat has 52 fields; vsize, rss and statm are status's VmSize and VmRSS, shm attach included" {
    for p in 1 2 4; do
        read -ra st < <(sed 's/.*) //' "$M/$p/stat")
        read -ra sm <"$M/$p/statm"
        [ "${#st[@]}" = 50 ]
        size=$(field VmSize "$M/$p/status") rss=$(field VmRSS "$M/$p/status")
        [ "${st[20]}" = $((size * 1024)) ]
        [ "${st[21]}" = $((rss / 4)) ]
        [ "${sm[0]}" = $((size / 4)) ]
        [ "${sm[1]}" = $((rss / 4)) ]
    done
    [ "$(field RssShmem "$M/4/status")" = 12 ]
    [ $(( $(field VmSize "$M/4/status") - $(field VmSize "$M/1/status") )) = 12 ]
    [ "$(cat "$M/5/statm")" = "0 0 0 0 0 0 0" ]
    [ "$(cut -d' ' -f1-3,23,24,52 "$M/5/stat")" = "5 (init) Z 0 0 1792" ]
}

@test "cmdline is the last execve's argv, in the process and each of its task directories; environ is empty" {
    [ "$(tr '\0' ' ' <"$M/1/cmdline")" = "/sbin/init " ]
    [ "$(tr '\0' ' ' <"$M/4/cmdline")" = "/sbin/init " ] # never exec'd: its parent's
    for f in "$M/2/cmdline" "$M/2/task/2/cmdline" "$M/2/task/3/cmdline"; do
        [ "$(od -An -c "$f" | tr -s ' ')" = " s l e e p \0 1 0 0 0 \0" ]
    done
    [ "$(wc -c <"$M/5/cmdline")" = 0 ]
    [ "$(wc -c <"$M/2/environ")" = 0 ]
    [ "$(stat -c %a "$M/2/task/3/environ")" = 400 ]
    procsim_syscall "$M/4/task/4/syscall" 'execve /usr/bin/env env -i A=1' >/dev/null
    [ "$(tr '\0' ' ' <"$M/4/cmdline")" = "env -i A=1 " ]
    [ "$(field RssShmem "$M/4/status")" = 0 ] # execve released the mm and its attach
    r=$(procsim_syscall "$M/4/task/4/syscall" execve 2>/dev/null) || true
    [ "$r" = "-1 EINVAL" ]
    [ "$(tr '\0' ' ' <"$M/4/cmdline")" = "env -i A=1 " ]
    procsim_syscall "$M/4/task/4/syscall" "shmat $SHMID" >/dev/null
}

@test "ps over the mount bound on /proc lists the sim's tasks, their states, sizes and argv, with no error" {
    in_proc ps -eo pid,ppid,stat,vsz,rss,comm,args >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err"
    cat "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/err"
    [ ! -s "$BATS_TEST_TMPDIR/err" ]
    diff - "$BATS_TEST_TMPDIR/out" <<'OUT'
  PID  PPID STAT    VSZ   RSS COMMAND         COMMAND
    1     0 Ss     2040  1756 init            /sbin/init
    2     1 Sl     2040  1756 sleep           sleep 1000
    4     1 S      2052  1768 env             env -i A=1
    5     1 Z         0     0 init            [init] <defunct>
    6     1 S      2040  1756 init            /sbin/init
    7     6 S      2040  1756 init            /sbin/init
OUT
}

@test "ps -L reads each thread's task directory" {
    in_proc ps -eLo pid,lwp,nlwp,comm,args >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err"
    cat "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/err"
    [ ! -s "$BATS_TEST_TMPDIR/err" ]
    grep -Eq '^ +2 +2 +2 sleep +sleep 1000$' "$BATS_TEST_TMPDIR/out"
    grep -Eq '^ +2 +3 +2 sleep +sleep 1000$' "$BATS_TEST_TMPDIR/out"
}

@test "stat(2) follows an ns link to a file with the namespace's inode number; readlink stays exact" {
    for l in "$M/1/ns/pid" "$M/1/ns/ipc" "$M/7/ns/pid" "$M/7/task/7/ns/pid" "$M/6/ns/pid_for_children"; do
        target=$(readlink "$l")
        [[ $target =~ ^(pid|ipc):\[([0-9]+)\]$ ]]
        [ "$(stat -L -c '%i %F %a' "$l")" = "${BASH_REMATCH[2]} regular empty file 444" ]
    done
    [ "$(stat -L -c %i "$M/6/ns/pid")" = "$(stat -L -c %i "$M/7/ns/pid")" ]
    [ "$(stat -L -c %i "$M/1/ns/pid")" != "$(stat -L -c %i "$M/7/ns/pid")" ]
    [ "$(cd "$M/1/ns" && echo *)" = "ipc pid pid_for_children" ]
    run cat "$M/1/ns/pid"
    [ "$status" -ne 0 ]
    [[ $output == *"Invalid argument"* ]]
}

@test "lsns -t pid over the mount bound on /proc: each pid namespace with its init and process count" {
    in_proc lsns -t pid >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err"
    cat "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/err"
    [ ! -s "$BATS_TEST_TMPDIR/err" ]
    root=$(stat -L -c %i "$M/1/ns/pid") nested=$(stat -L -c %i "$M/6/ns/pid")
    diff - "$BATS_TEST_TMPDIR/out" <<OUT
        NS TYPE NPROCS PID USER COMMAND
$root pid       4   1 root /sbin/init
$nested pid       2   6 root └─/sbin/init
OUT
}

@test "pstree -pS marks where a process enters a new pid namespace (its ns/pid stats to another inode)" {
    in_proc pstree -pS >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err"
    cat "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/err"
    [ ! -s "$BATS_TEST_TMPDIR/err" ]
    diff - "$BATS_TEST_TMPDIR/out" <<'OUT'
init(1)-+-env(4)
        |-init(5)
        |-init(6,pid)---init(7)
        `-sleep(2)---{sleep}(3)
OUT
}

@test "top shows statm's sizes for every task; pidof finds a process by its argv" {
    in_proc top -b -n 1 >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err"
    cat "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/err"
    [ ! -s "$BATS_TEST_TMPDIR/err" ]
    read -ra sm <"$M/4/statm"
    grep -Eq "^ +4 root +20 +0 +$((sm[0] * 4)) +$((sm[1] * 4)) +$((sm[2] * 4)) S .* env$" "$BATS_TEST_TMPDIR/out"
    [ "$(grep -Ec '^ +[0-9]+ root ' "$BATS_TEST_TMPDIR/out")" = 6 ] # 1 2 4 5 6 7
    [ "$(in_proc pidof sleep 2>&1)" = 2 ]
}
