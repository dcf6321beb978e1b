#!/usr/bin/env bats
# Credentials through the mount: capability sets (capset, capget, setuid and keepcaps as
# security/commoncap.c moves them), status's Cap* lines, stat's flags (PF_FORKNOEXEC,
# PF_SUPERPRIV), kselftest's clone3_cap_checkpoint_restore as syscall lines, and who may bind to
# a task through its attach file (kernel/ptrace.c ptrace_may_access; EPERM as PTRACE_ATTACH).

load lib/procsim

# mk LINE...: a new child of init that has run each LINE through its own syscall file; prints its pid
mk() {
    local p
    p=$(procsim_syscall "$M/1/task/1/syscall" fork) || return
    for line in "$@"; do
        procsim_syscall "$M/$p/task/$p/syscall" "$line" >/dev/null || { echo "$line failed in $p" >&2; return 1; }
    done
    echo "$p"
}

setup_file() {
    procsim_setup_file
    ROOT=$(mk)
    USER1=$(mk 'setuid 1000')
    USER2=$(mk 'setuid 1000')
    KEPT_CR=$(mk 'prctl PR_SET_KEEPCAPS 1' 'setuid 1000' 'capset effective=0 permitted=0x10000000000 inheritable=0')
    GID5=$(mk 'setgid 5' 'setuid 1000')
    PTRACER=$(mk 'prctl PR_SET_KEEPCAPS 1' 'setuid 1000' 'capset effective=0x80000 permitted=0x80000 inheritable=0')
    ADMIN=$(mk 'prctl PR_SET_KEEPCAPS 1' 'setuid 1000' 'capset effective=0x200000 permitted=0x200000 inheritable=0')
    export ROOT USER1 USER2 KEPT_CR GID5 PTRACER ADMIN
}

teardown_file() {
    procsim_teardown_file
}

setup() {
    procsim_require_fuse
}

# attach_as CALLER TARGET WORD: a subshell attached as sim task CALLER writes WORD ("me": its own
# real pid) to TARGET's attach file; prints "ok" or the error, then " self=" and what self is after
attach_as() {
    ( procsim_attach "$M" "$1" "$1" || exit 1
      word=$3
      [ "$word" = me ] && word=$BASHPID
      err=$( { echo "$word" >"$M/$2/task/$2/attach"; } 2>&1 )
      [ -n "$err" ] || err=": ok"
      echo "${err##*: } self=$(readlink "$M/self" 2>/dev/null || echo none)" )
}

@test "status shows CapInh, CapPrm, CapEff, CapBnd, CapAmb after Threads, as %016x, in Linux's order" {
    sed -n '/^Threads:/,$p' "$M/1/status" | grep '^Cap' >"$BATS_TEST_TMPDIR/caps"
    printf 'CapInh:\t%s\nCapPrm:\t%s\nCapEff:\t%s\nCapBnd:\t%s\nCapAmb:\t%s\n' 0000000000000000 \
        000001ffffffffff 000001ffffffffff 000001ffffffffff 0000000000000000 | diff - "$BATS_TEST_TMPDIR/caps"
    [ "$(grep -o '^Cap[A-Za-z]*' /proc/self/status | tr '\n' ' ')" = "CapInh CapPrm CapEff CapBnd CapAmb " ]
    grep -q '^CapPrm:	0000010000000000$' "$M/$KEPT_CR/status" # kept through setuid, then lowered
    grep -q '^CapEff:	0000000000000000$' "$M/$KEPT_CR/status"
    grep -q '^Uid:	1000	1000	1000	1000$' "$M/$KEPT_CR/status"
    grep -q '^Gid:	5	5	5	5$' "$M/$GID5/status"
}

@test "capset and capget through the syscall file; a capset beyond the permitted set is EPERM and changes nothing" {
    p=$(mk 'capset effective=0x80 permitted=0x10000000080 inheritable=0')
    [ "$(procsim_syscall "$M/$p/task/$p/syscall" capget)" = "0 effective=0x80 permitted=0x10000000080 inheritable=0x0" ]
    run procsim_syscall "$M/$p/task/$p/syscall" 'capset effective=0x40 permitted=0x40 inheritable=0'
    [ "$status" -ne 0 ]
    [ "${lines[-1]}" = "-1 EPERM" ]
    run bash -c 'echo "capset effective=0x40 permitted=0x40 inheritable=0" >"$1"' _ "$M/$p/task/$p/syscall"
    [[ $output == *"Operation not permitted"* ]]
    grep -q '^CapPrm:	0000010000000080$' "$M/$p/status"
    [ "$(procsim_syscall "$M/$p/task/$p/syscall" "capget 1")" = "0 effective=0x1ffffffffff permitted=0x1ffffffffff inheritable=0x0" ]
}

@test "setuid drops the sets unless PR_SET_KEEPCAPS; execve clears keepcaps" {
    p=$(mk 'setuid 1000')
    grep -q '^CapPrm:	0000000000000000$' "$M/$p/status"
    q=$(mk 'prctl PR_SET_KEEPCAPS 1')
    [ "$(procsim_syscall "$M/$q/task/$q/syscall" 'prctl PR_GET_KEEPCAPS')" = 1 ]
    procsim_syscall "$M/$q/task/$q/syscall" 'setresuid 1000 1000 1000' >/dev/null
    grep -q '^CapPrm:	000001ffffffffff$' "$M/$q/status"
    grep -q '^CapEff:	0000000000000000$' "$M/$q/status"
    procsim_syscall "$M/$q/task/$q/syscall" 'execve /bin/sh' >/dev/null
    [ "$(procsim_syscall "$M/$q/task/$q/syscall" 'prctl PR_GET_KEEPCAPS')" = 0 ]
    grep -q '^CapPrm:	0000000000000000$' "$M/$q/status"
    run procsim_syscall "$M/$q/task/$q/syscall" 'prctl PR_SET_KEEPCAPS 2'
    [ "${lines[-1]}" = "-1 EINVAL" ]
}

@test "kselftest clone3_cap_checkpoint_restore: uid 65534 with only CAP_CHECKPOINT_RESTORE may clone3 set_tid" {
    t=$(mk)
    s="$M/$t/task/$t/syscall"
    pid=$(procsim_syscall "$s" fork)
    procsim_syscall "$M/$pid/task/$pid/syscall" 'exit 0' >/dev/null
    [ "$(procsim_syscall "$s" "wait4 $pid")" = "$pid status=0x0000" ]
    sets='effective=0x100000000c0 permitted=0x100000000c0 inheritable=0'
    procsim_syscall "$s" "capset $sets" >/dev/null
    procsim_syscall "$s" 'prctl PR_SET_KEEPCAPS 1' >/dev/null
    procsim_syscall "$s" 'setgid 65534' >/dev/null
    procsim_syscall "$s" 'setuid 65534' >/dev/null
    run procsim_syscall "$s" "clone3 exit_signal=SIGCHLD set_tid=$pid"
    [ "${lines[-1]}" = "-1 EPERM" ]
    procsim_syscall "$s" "capset $sets" >/dev/null
    [ "$(procsim_syscall "$s" "clone3 exit_signal=SIGCHLD set_tid=$pid")" = "$pid" ]
    grep -q '^Uid:	65534	65534	65534	65534$' "$M/$pid/status"
}

@test "ns_last_pid: a uid-1000 shell writes it with CAP_CHECKPOINT_RESTORE only, and gets EPERM without" {
    p=$(mk 'prctl PR_SET_KEEPCAPS 1' 'setuid 1000')
    ( procsim_attach "$M" "$p" "$p"
      run bash -c 'echo 700 > "$1"' _ "$M/sys/kernel/ns_last_pid"
      [[ $output == *"Operation not permitted"* ]]
      procsim_syscall "$M/self/task/$p/syscall" 'capset effective=0x10000000000 permitted=0x10000000000 inheritable=0' >/dev/null
      echo 700 >"$M/sys/kernel/ns_last_pid"
      [ "$(procsim_syscall "$M/self/task/$p/syscall" fork)" = 701 ] )
}

@test "next_syscall_data needs no capability: a uid-1000 shell with none sets its own child's pid" {
    ( procsim_attach "$M" "$USER1" "$USER1"
      grep -q '^CapEff:	0000000000000000$' "$M/self/status"
      echo 'LONG1 900' >"$M/self/task/$USER1/next_syscall_data"
      [ "$(procsim_syscall "$M/self/task/$USER1/syscall" fork)" = 900 ]
      run procsim_syscall "$M/self/task/$USER1/syscall" 'clone3 set_tid=901'
      [ "${lines[-1]}" = "-1 EPERM" ] )
}

@test "stat field 9: 4194304 for init, 0x400040 for a forked child, 0x400140 once it used a privilege" {
    [ "$(cut -d' ' -f9 "$M/1/stat")" = $((0x400000)) ]
    p=$(mk)
    [ "$(cut -d' ' -f9 "$M/$p/stat")" = $((0x400040)) ]
    procsim_syscall "$M/$p/task/$p/syscall" getpid >/dev/null
    [ "$(cut -d' ' -f9 "$M/$p/stat")" = $((0x400040)) ]
    procsim_syscall "$M/$p/task/$p/syscall" 'unshare CLONE_NEWIPC' >/dev/null
    [ "$(cut -d' ' -f9 "$M/$p/stat")" = $((0x400140)) ]
    procsim_syscall "$M/$p/task/$p/syscall" 'execve /bin/sh' >/dev/null
    [ "$(cut -d' ' -f9 "$M/$p/stat")" = $((0x400100)) ]
    c=$(procsim_syscall "$M/$p/task/$p/syscall" fork)
    [ "$(cut -d' ' -f9 "$M/$c/stat")" = $((0x400040)) ]
}

# Attach: one test per row of the rule (the operator's rows are in views.bats and everywhere else).

@test "attach: a uid-1000 shell cannot bind itself to init (EPERM) and stays what it was" {
    [ "$(attach_as "$USER1" 1 me)" = "Operation not permitted self=$USER1" ]
}

@test "attach: a uid-1000 shell cannot bind itself to a root task" {
    [ "$(attach_as "$USER1" "$ROOT" me)" = "Operation not permitted self=$USER1" ]
    [ -z "$(cat "$M/$ROOT/task/$ROOT/attach")" ]
}

@test "attach: a uid-1000 shell binds itself to another uid-1000 task" {
    [ "$(attach_as "$USER1" "$USER2" me)" = "ok self=$USER2" ]
}

@test "attach: not to a task whose permitted set holds a capability the caller lacks" {
    [ "$(attach_as "$USER1" "$KEPT_CR" me)" = "Operation not permitted self=$USER1" ]
    [ "$(attach_as "$KEPT_CR" "$USER1" me)" = "ok self=$USER1" ]
}

@test "attach: not to a task with another gid" {
    [ "$(attach_as "$USER1" "$GID5" me)" = "Operation not permitted self=$USER1" ]
}

@test "attach: CAP_SYS_PTRACE binds anywhere, CAP_SYS_ADMIN does not" {
    [ "$(attach_as "$PTRACER" 1 me)" = "ok self=1" ]
    [ "$(attach_as "$ADMIN" 1 me)" = "Operation not permitted self=$ADMIN" ]
}

@test "attach: a root task's shell binds to a uid-1000 task (CAP_SYS_PTRACE)" {
    [ "$(attach_as "$ROOT" "$USER1" me)" = "ok self=$USER1" ]
}

@test "detach: a uid-1000 shell cannot leave its binding to become the operator" {
    [ "$(attach_as "$USER1" "$USER1" detach)" = "Operation not permitted self=$USER1" ]
    [ "$(attach_as "$KEPT_CR" "$KEPT_CR" detach)" = "Operation not permitted self=$KEPT_CR" ]
}

@test "detach: with CAP_SYS_ADMIN a shell leaves its binding and is the operator" {
    [ "$(attach_as "$ADMIN" "$ADMIN" detach)" = "ok self=none" ]
    [ "$(attach_as "$ROOT" "$ROOT" detach)" = "ok self=none" ]
}

@test "detach: another task's bindings only if the caller may ptrace it" {
    sleep 30 & bg=$!
    echo "$bg" >"$M/$USER2/task/$USER2/attach"
    echo "$bg" >"$M/1/task/1/attach"
    [ "$(attach_as "$USER1" 1 detach)" = "Operation not permitted self=$USER1" ]
    [ "$(cat "$M/1/task/1/attach")" = "$bg" ]
    [ "$(attach_as "$USER1" "$USER2" detach)" = "ok self=$USER1" ]
    [ -z "$(cat "$M/$USER2/task/$USER2/attach")" ]
    echo detach >"$M/1/task/1/attach"
    kill "$bg"
    wait "$bg" || true
}

@test "attach: a shell may bind only itself or a process below it, not the operator's shell (EPERM)" {
    [ "$(attach_as "$USER1" "$USER2" "$$")" = "Operation not permitted self=$USER1" ]
    [ -z "$(cat "$M/$USER2/task/$USER2/attach")" ]
    run readlink "$M/self"
    [ "$status" -ne 0 ]
    [ "$(procsim_syscall "$M/1/task/1/syscall" getpid)" = 1 ]
}

# A task that exited makes no more syscalls (kernel/exit.c do_exit ends in do_task_dead): its shell
# writes nothing once it is a zombie, and after the reap it is powerless, never the operator.
@test "attach: a shell whose task exited writes nothing (ESRCH), and once it is reaped is not the operator" {
    local d=$BATS_TEST_TMPDIR p a sh
    p=$(mk 'setuid 1000')
    a=$(procsim_syscall "$M/$p/task/$p/syscall" fork)
    mkfifo "$d/exited" "$d/reaped"
    ( set +e
      procsim_attach "$M" "$a" "$a"
      procsim_syscall "$M/self/task/$a/syscall" 'exit 0' >/dev/null
      { echo "$BASHPID" >"$M/$p/task/$p/attach"; } 2>"$d/zombie.err"
      echo >"$d/exited"; read -r _ <"$d/reaped"
      { echo 'clone3 set_tid=777' >"$M/1/task/1/syscall"; } 2>"$d/reaped.err"
      readlink "$M/self" >"$d/self" 2>/dev/null || echo none >"$d/self" ) &
    sh=$!
    read -r _ <"$d/exited"
    [ "$(procsim_syscall "$M/$p/task/$p/syscall" "wait4 $a")" = "$a status=0x0000" ]
    echo >"$d/reaped"
    wait "$sh"
    [[ $(cat "$d/zombie.err") == *"No such process"* ]]
    [ -z "$(cat "$M/$p/task/$p/attach")" ]
    [[ $(cat "$d/reaped.err") == *"No such process"* ]]
    [ "$(cat "$d/self")" = none ]
    [ ! -e "$M/777" ]
}

# fork copies the session (kernel/fork.c copy_process: the child joins its parent's PIDTYPE_SID);
# only setsid(2) leaves it. A double-forked grandchild is reparented out of the attached shell's
# subtree but stays in its session, where a process is bound: it is powerless, not the operator.
@test "attach: a double-forked grandchild of an attached shell is not the operator (ESRCH)" {
    local d=$BATS_TEST_TMPDIR sh
    mkfifo "$d/forked" "$d/go" "$d/done"
    ( set +e
      procsim_attach "$M" "$USER1" "$USER1"
      ( ( read -r _ <"$d/go"
          { echo 'clone3 set_tid=555' >"$M/1/task/1/syscall"; } 2>"$d/err"
          cut -d' ' -f4 "/proc/$BASHPID/stat" >"$d/ppid"
          echo >"$d/done" ) & )
      echo >"$d/forked"
      read -r _ <"$d/done" ) &
    sh=$!
    read -r _ <"$d/forked"
    [ "$(procsim_syscall "$M/1/task/1/syscall" getpid)" = 1 ] # the operator's own shell still is
    echo >"$d/go"
    wait "$sh"
    [ "$(cat "$d/ppid")" != "$sh" ]
    [[ $(cat "$d/err") == *"No such process"* ]]
    [ ! -e "$M/555" ]
}
