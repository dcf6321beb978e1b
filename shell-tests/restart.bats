#!/usr/bin/env bats
# Restart drills: build a scenario, checkpoint it, restore it into a fresh mount by each method,
# checkpoint again: the images are identical (nsd restores IPC times and pids too; the others
# cannot, so their *-times records are left out of the comparison). Then restores into a mount
# where some ids are taken fail as Linux or the seeds fail, and leave nothing behind.

# bats runs each test in a subshell and its run sets output and status there, as the helpers read them
# shellcheck disable=SC2030,SC2031
load lib/restart

setup_file() {
    procsim_require_fuse
    SRC=$(mktemp -d "${BATS_FILE_TMPDIR:-/tmp}/src.XXXXXX")
    export SRC IMAGE=$BATS_FILE_TMPDIR/image.txt
    procsim_start "$SRC"
    procsim_scenario "$SRC" --procs 24 --depth 4 --threads 2 --pidns 3 --ipc 2 --files 2 --seed 7 >/dev/null
    procsim_checkpoint "$SRC" >"$IMAGE"
    procsim_stop "$SRC"
    rmdir "$SRC"
}

setup() {
    procsim_require_fuse
    M=$(mktemp -d "${BATS_TEST_TMPDIR:-/tmp}/dst.XXXXXX")
    procsim_start "$M"
}

teardown() {
    procsim_stop "$M" || true
    rmdir "$M" 2>/dev/null || true
}

# drill METHOD: restore the image by METHOD and compare the images
drill() {
    procsim_restore --method "$1" "$M" <"$IMAGE"
    procsim_checkpoint "$M" >"$BATS_TEST_TMPDIR/again.txt"
    if [[ $1 == nsd ]]; then
        diff "$IMAGE" "$BATS_TEST_TMPDIR/again.txt"
    else
        diff <(grep -v -- '-times ' "$IMAGE") <(grep -v -- '-times ' "$BATS_TEST_TMPDIR/again.txt")
    fi
}

@test "the scenario has what a drill needs: 3 nested pid namespaces, threads, fds, IPC, shm attaches" {
    grep -q '^process [0-9]* .*nspid=[0-9]*,[0-9]*,[0-9]*,1 pidns=init:' "$IMAGE"
    grep -q '^thread ' "$IMAGE"
    grep -q '^fd .* pos=[1-9]' "$IMAGE"
    grep -q '^msg-data ' "$IMAGE"
    grep -q '^sem .*values=' "$IMAGE"
    grep -q '^shm ' "$IMAGE"
    grep -q '^shm-attach .* mode=rw$' "$IMAGE"
    grep -q '^shm-attach .* mode=ro$' "$IMAGE"
    grep -q ' uid=1000 ' "$IMAGE"
    grep -q 'comm=w' "$IMAGE"
    grep -q '^thread .* comm=t' "$IMAGE"
    grep -q '^process .* exit_signal=10$' "$IMAGE"
    grep -q '^process .* exit_signal=17$' "$IMAGE"
    # a child of init named otherwise: the restore renames init for it (taken() checks it is undone)
    grep -q '^process [0-9]* ppid=1 nspid=[0-9]* pidns=root comm=w' "$IMAGE"
}

@test "drill: clone3 set_tid from outside restores the same image" {
    drill clone3
}

@test "drill: eclone from outside restores the same image" {
    drill eclone
}

@test "drill: next_syscall_data through attached restorers restores the same image, times and pids too" {
    drill nsd
}

@test "drill: ns_last_pid through restorers attached inside each namespace restores the same image" {
    drill ns_last_pid
}

# block PID: a task already holds root pid PID in the target mount
block() {
    [ "$(procsim_syscall "$M/1/task/1/syscall" "clone3 set_tid=$1")" = "$1" ]
    procsim_syscall "$M/$1/task/$1/syscall" "execve /bin/squatter" >/dev/null
}

# taken METHOD ERRTEXT: the restore fails naming the pid and its holder, and leaves the mount as it was
taken() {
    local victim
    # one init makes under another name: init is renamed for it when the restore fails
    victim=$(awk '$1 == "process" && $3 == "ppid=1" && $4 ~ /^nspid=[0-9]+$/ && $6 != "comm=init" { print $2; exit }' "$IMAGE")
    [ -n "$victim" ]
    block "$victim"
    before=$(find "$M" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | tr '\n' ' ')
    run procsim_restore --method "$1" "$M" <"$IMAGE"
    echo "$output"
    [ "$status" -ne 0 ]
    [[ $output == *"$2"* ]]
    [[ $output == *"pid $victim is held by task $victim (comm squatter"* ]]
    [[ $output == *"rolled back"* ]]
    [ "$(find "$M" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | tr '\n' ' ')" = "$before" ]
    [ "$(cat "$M/1/comm")" = init ]
    [ "$(awk 'END { print NR }' "$M/sysvipc/msg")" = 1 ]
    [ "$(awk 'END { print NR }' "$M/sysvipc/sem")" = 1 ]
    [ "$(awk 'END { print NR }' "$M/sysvipc/shm")" = 1 ]
}

@test "a taken pid: clone3 set_tid fails with EEXIST and nothing is left behind" {
    taken clone3 "File exists (EEXIST)"
}

@test "a taken pid: eclone fails with EBUSY and nothing is left behind" {
    taken eclone "Device or resource busy (EBUSY)"
}

@test "a taken pid: next_syscall_data fails with EBUSY and nothing is left behind" {
    taken nsd "Device or resource busy (EBUSY)"
}

@test "a taken pid: ns_last_pid silently gives another pid, which the toolkit detects" {
    taken ns_last_pid "but got"
}

@test "a damaged image is refused before anything is made, and never run as code" {
    before=$(find "$M" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | tr '\n' ' ')
    bad() { # bad EXPECTED-MESSAGE IMAGE-TEXT
        run procsim_restore --method clone3 "$M" < <(printf '%s\n' "$2")
        echo "$output"
        [ "$status" -eq 2 ]
        [[ $output == *"$1"* ]]
    }
    bad "not a procsim image" "process 5 ppid=1 nspid=5 pidns=root comm=x uid=0 gid=0"
    bad "unknown image record 'proces'" $'procsim-image 1\nproces 5 ppid=1 nspid=5'
    bad "the parent 77 of 5 is not in the image" $'procsim-image 1\nprocess 5 ppid=77 nspid=5 pidns=root comm=x uid=0 gid=0'
    bad "task 5 (level 2) cannot be a child of 1 (level 0)" $'procsim-image 1\nprocess 5 ppid=1 nspid=5,4,3 pidns=init:5 comm=x uid=0 gid=0'
    bad "task 1 is init" $'procsim-image 1\nprocess 1 ppid=0 nspid=1 pidns=root comm=evil uid=0 gid=0'
    bad "task 5 twice" $'procsim-image 1\nprocess 5 ppid=1 nspid=5 pidns=root comm=x uid=0 gid=0\nthread 5 5 nspid=5 comm=x uid=0'
    bad "not an fd's flags: 'flags=08'" $'procsim-image 1\nprocess 5 ppid=1 nspid=5 pidns=root comm=x uid=0 gid=0\nfd 5 7 flags=08 pos=0 path=/x'
    # bash evaluates array subscripts and $(( )) operands: every such field must be a number
    pwned=$BATS_TEST_TMPDIR/pwned
    local code="\$(touch\${IFS}$pwned)" proc="process 5 ppid=1 nspid=5 pidns=root comm=x uid=0 gid=0"
    bad "not a number: task id" "procsim-image 1"$'\n'"process $code ppid=1 nspid=5 pidns=root comm=x uid=0 gid=0"
    bad "not a number: pid" "procsim-image 1"$'\n'"$proc"$'\n'"fd $code 0 flags=02 pos=0 path=/x"
    bad "not an fd's flags" "procsim-image 1"$'\n'"$proc"$'\n'"fd 5 7 flags=x[$code] pos=0 path=/x"
    bad "not a number list: nspid" "procsim-image 1"$'\n'"process 5 ppid=1 nspid=x[$code] pidns=root comm=x uid=0 gid=0"
    bad "not a number: 'key=x[" "procsim-image 1"$'\n'"msg 0 key=x[$code] perms=0640 uid=0 gid=0 cuid=0 cgid=0 qbytes=16384"
    [ ! -e "$pwned" ]
    [ "$(find "$M" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | tr '\n' ' ')" = "$before" ]
    [ "$(cat "$M/1/comm")" = init ]
}
