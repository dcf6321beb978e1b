#!/usr/bin/env bats
# Restart drills: build a scenario, checkpoint it, restore it into a fresh mount by each method,
# checkpoint again: the images are identical (nsd restores IPC times and pids too; the others
# cannot, so their *-times records are left out of the comparison). Then restores into a mount
# where some ids are taken fail as Linux or the seeds fail, and leave nothing behind.

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
    victim=$(awk '$1 == "process" && $3 == "ppid=1" && $4 ~ /^nspid=[0-9]+$/ { print $2; exit }' "$IMAGE")
    [ -n "$victim" ]
    block "$victim"
    before=$(ls "$M" | sort | tr '\n' ' ')
    run procsim_restore --method "$1" "$M" <"$IMAGE"
    echo "$output"
    [ "$status" -ne 0 ]
    [[ $output == *"$2"* ]]
    [[ $output == *"pid $victim is held by task $victim (comm squatter"* ]]
    [[ $output == *"rolled back"* ]]
    [ "$(ls "$M" | sort | tr '\n' ' ')" = "$before" ]
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
