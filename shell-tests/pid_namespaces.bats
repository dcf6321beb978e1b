#!/usr/bin/env bats
# Contract sections 5 and 6: clone3 set_tid, eclone and ns_last_pid across nested pid namespaces,
# each checked through NSpid as every level sees it.

load lib/procsim

setup_file() {
    procsim_setup_file
    # A 3-level tree: A (root 1000, level 1 pid 1), B (root 3000, level 1 2000, level 2 pid 1)
    [ "$(procsim_syscall "$M/1/task/1/syscall" 'clone3 flags=CLONE_NEWPID set_tid=1,1000')" = 1000 ]
    [ "$(procsim_syscall "$M/1000/task/1000/syscall" 'clone3 flags=CLONE_NEWPID set_tid=1,2000,3000')" = 2000 ]
}

teardown_file() {
    procsim_teardown_file
}

setup() {
    procsim_require_fuse
}

nspid() { # nspid STATUS-FILE: the NSpid numbers, space-separated
    awk -F'\t' '$1 == "NSpid:" { $1 = ""; sub(/^ /, ""); print }' "$1"
}

@test "the tree as the operator sees it" {
    [ "$(nspid "$M/1000/status")" = "1000 1" ]
    [ "$(nspid "$M/3000/status")" = "3000 2000 1" ]
    [ "$(cat "$M/1000/task/1000/children")" = "3000 " ]
    [ "$(readlink "$M/3000/ns/pid")" != "$(readlink "$M/1000/ns/pid")" ]
    [ "$(readlink "$M/1000/ns/pid")" != "$(readlink "$M/1/ns/pid")" ]
}

@test "clone3 set_tid: set_tid[0] is the innermost level, checked from every level" {
    [ "$(procsim_syscall "$M/3000/task/3000/syscall" 'clone3 set_tid=7,42,3100')" = 7 ]
    [ "$(nspid "$M/3100/status")" = "3100 42 7" ]
    ( procsim_attach "$M" 1000 1000; [ "$(nspid "$M/42/status")" = "42 7" ]; [ ! -e "$M/3100" ] )
    ( procsim_attach "$M" 3000 3000; [ "$(nspid "$M/7/status")" = "7" ]; grep -q '^PPid:	1$' "$M/7/status" )
}

@test "eclone: pids[0] is the outermost level, 0 lets the kernel choose" {
    [ "$(procsim_syscall "$M/3000/task/3000/syscall" 'eclone SIGCHLD pids=3101,43,8')" = 8 ]
    [ "$(nspid "$M/3101/status")" = "3101 43 8" ]
    ( procsim_attach "$M" 1000 1000; [ "$(nspid "$M/43/status")" = "43 8" ] )
    ( procsim_attach "$M" 3000 3000; [ "$(nspid "$M/8/status")" = "8" ] )
    r=$(procsim_syscall "$M/3000/task/3000/syscall" 'eclone SIGCHLD pids=0,44,9')
    [ "$r" = 9 ]
}

@test "next_syscall_data LONG3: outermost first, the last value is the child's own level" {
    echo "LONG3 3102 45 10" > "$M/3000/task/3000/next_syscall_data"
    [ "$(procsim_syscall "$M/3000/task/3000/syscall" fork)" = 10 ]
    [ "$(nspid "$M/3102/status")" = "3102 45 10" ]
}

@test "one id, four interfaces: EEXIST, EBUSY, EBUSY, and a silent next pid" {
    f=$M/3000/task/3000/syscall
    procsim_syscall "$f" 'clone3 set_tid=20' >/dev/null
    run procsim_syscall "$f" 'clone3 set_tid=20'
    [ "$status" -ne 0 ]
    [[ $output == *"-1 EEXIST"* ]]
    [[ $output == *"File exists"* ]]
    run procsim_syscall "$f" 'eclone SIGCHLD pids=0,0,20'
    [[ $output == *"-1 EBUSY"* ]]
    echo "LONG1 20" > "$M/3000/task/3000/next_syscall_data"
    run procsim_syscall "$f" fork
    [[ $output == *"-1 EBUSY"* ]]
    ( procsim_attach "$M" 3000 3000
      echo 19 > "$M/sys/kernel/ns_last_pid"
      r=$(procsim_syscall "$M/self/task/1/syscall" fork)
      [ "$r" = 21 ] || { echo "ns_last_pid 19 gave $r"; false; } )
}

@test "ns_last_pid is per namespace: write N, the next fork there gets N+1" {
    root_before=$(cat "$M/sys/kernel/ns_last_pid")
    ( procsim_attach "$M" 1000 1000
      echo 499 > "$M/sys/kernel/ns_last_pid"
      [ "$(cat "$M/sys/kernel/ns_last_pid")" = 499 ]
      r=$(procsim_syscall "$M/self/task/1/syscall" fork)
      [ "$r" = 500 ] || { echo "got $r"; false; }
      [ "$(cat "$M/sys/kernel/pid_max")" = 4194304 ] )
    root_now=$(cat "$M/sys/kernel/ns_last_pid")
    [ "$root_now" = $((root_before + 1)) ]
    echo 5999 > "$M/sys/kernel/ns_last_pid"
    [ "$(procsim_syscall "$M/1/task/1/syscall" fork)" = 6000 ]
}

@test "set_tid and eclone do not move ns_last_pid" {
    before=$(cat "$M/sys/kernel/ns_last_pid")
    procsim_syscall "$M/1/task/1/syscall" 'clone3 set_tid=9000' >/dev/null
    procsim_syscall "$M/1/task/1/syscall" 'eclone SIGCHLD pids=9001' >/dev/null
    [ "$(cat "$M/sys/kernel/ns_last_pid")" = "$before" ]
}

@test "ns_last_pid range and pid_max limits give EINVAL" {
    run bash -c 'echo 32769 > "$1"' _ "$M/sys/kernel/ns_last_pid"
    [[ $output == *"Invalid argument"* ]]
    run bash -c 'echo 300 > "$1"' _ "$M/sys/kernel/pid_max"
    [[ $output == *"Invalid argument"* ]]
    [ "$(cat "$M/sys/kernel/pid_max")" = 32768 ]
}

@test "an unprivileged sim task cannot write ns_last_pid (EPERM)" {
    p=$(procsim_syscall "$M/1/task/1/syscall" fork)
    procsim_syscall "$M/$p/task/$p/syscall" 'setuid 1000' >/dev/null
    ( procsim_attach "$M" "$p" "$p"
      run bash -c 'echo 100 > "$1"' _ "$M/sys/kernel/ns_last_pid"
      [[ $output == *"Operation not permitted"* ]] )
}
