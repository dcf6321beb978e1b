#!/usr/bin/env bats
# Contract section 4: next_syscall_data, driven from bash as the 2008 seed patch meant it.

load lib/procsim

setup_file() {
    procsim_setup_file
}

teardown_file() {
    procsim_teardown_file
}

setup() {
    procsim_require_fuse
}

# new_process: the operator forks a fresh sim process from init; prints its pid.
new_process() {
    procsim_syscall "$M/1/task/1/syscall" fork
}

@test "the seed's example from an attached shell: LONG1 500, then fork gets pid 500" {
    pid=$(new_process)
    procsim_attach "$M" "$pid" "$pid"
    TID=${pid}
    [ "$(readlink "$M/self")" = "$pid" ]
    echo "LONG1 500" > "$M/self/task/$TID/next_syscall_data"
    [ "$(cat "$M/self/task/$TID/next_syscall_data")" = "LONG1 500" ]
    r=$(procsim_syscall "$M/self/task/$TID/syscall" fork)
    [ "$r" = 500 ] || { echo "fork gave $r"; false; }
    [ "$(cat "$M/self/task/$TID/next_syscall_data")" = UNSET ]
    grep -q "^PPid:	$pid\$" "$M/500/status"
}

@test "writing another thread's next_syscall_data is EPERM for an attached shell" {
    pid=$(new_process)
    procsim_attach "$M" "$pid" "$pid"
    run bash -c 'echo "LONG1 600" > "$1"' _ "$M/1/task/1/next_syscall_data"
    [ "$status" -ne 0 ]
    [[ $output == *"Operation not permitted"* ]]
    [ "$(cat "$M/1/task/1/next_syscall_data")" = UNSET ]
}

@test "junk is EINVAL and clears the value" {
    pid=$(new_process)
    f=$M/$pid/task/$pid/next_syscall_data
    echo "LONG1 700" > "$f"
    for junk in "LONG1 70x" "LONG2 5" "LONG1" "hello" "LONG33 1"; do
        echo "LONG1 700" > "$f"
        run bash -c 'echo "$2" > "$1"' _ "$f" "$junk"
        [ "$status" -ne 0 ]
        [[ $output == *"Invalid argument"* ]] || { echo "$junk: $output"; false; }
        [ "$(cat "$f")" = UNSET ]
    done
}

@test "numbers parse like simple_strtol: hex and octal" {
    pid=$(new_process)
    f=$M/$pid/task/$pid/next_syscall_data
    echo "LONG1 0x2bc" > "$f"
    [ "$(cat "$f")" = "LONG1 700" ]
    echo "LONG1 01274" > "$f"
    [ "$(cat "$f")" = "LONG1 700" ]
    echo RESET > "$f"
    [ "$(cat "$f")" = UNSET ]
}

@test "consumed even when the fork fails: a taken pid is EBUSY" {
    pid=$(new_process)
    f=$M/$pid/task/$pid/next_syscall_data
    echo "LONG1 1" > "$f"
    run procsim_syscall "$M/$pid/task/$pid/syscall" fork
    [ "$status" -ne 0 ]
    [[ $output == *"-1 EBUSY"* ]]
    [[ $output == *"Device or resource busy"* ]]
    [ "$(cat "$f")" = UNSET ]
}

@test "not inherited by the child, cleared by execve, other syscalls leave it alone" {
    pid=$(new_process)
    f=$M/$pid/task/$pid/next_syscall_data
    echo "LONG1 800" > "$f"
    procsim_syscall "$M/$pid/task/$pid/syscall" getpid >/dev/null
    procsim_syscall "$M/$pid/task/$pid/syscall" "clone3" >/dev/null
    [ "$(cat "$f")" = "LONG1 800" ]
    child=$(procsim_syscall "$M/$pid/task/$pid/syscall" fork)
    [ "$child" = 800 ]
    [ "$(cat "$M/800/task/800/next_syscall_data")" = UNSET ]
    echo "LONG1 801" > "$f"
    procsim_syscall "$M/$pid/task/$pid/syscall" "execve /bin/restorer" >/dev/null
    [ "$(cat "$f")" = UNSET ]
    [ "$(cat "$M/$pid/comm")" = restorer ]
}

@test "a write at a nonzero offset is EINVAL" {
    pid=$(new_process)
    f=$M/$pid/task/$pid/next_syscall_data
    run bash -c 'exec 3<>"$1"; printf "LONG1 5" >&3; printf " 6" >&3' _ "$f"
    [ "$status" -ne 0 ]
    [[ $output == *"Invalid argument"* ]]
    [ "$(cat "$f")" = UNSET ]
}
