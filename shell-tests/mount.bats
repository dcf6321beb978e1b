#!/usr/bin/env bats
# The mount's lifecycle (interface.md section 1): it appears, it serves, it goes away on SIGTERM,
# SIGINT or umount with the daemon exiting 0, a killed daemon's stale mount is cleared by the next
# mount, bad command lines fail clearly, and a failed write neither kills nor wedges the daemon.
#
# Every test gets a fresh `mktemp -d` mountpoint and its own daemon; teardown always unmounts and
# reaps it, whatever the test did.

load lib/procsim

# A write that must fail with EINVAL, named in one place. The real tree's next_syscall_data
# rejects anything but LONG<n>/RESET (interface.md section 4); the early stub tree only has
# /version, which rejects a line starting with 'x'.
bad_write_file() {
    if [[ -e $M/1/task/1/next_syscall_data ]]; then
        echo "$M/1/task/1/next_syscall_data"
    else
        echo "$M/version"
    fi
}
BAD_WRITE_LINE=x

setup_file() {
    procsim_require_fuse
}

setup() {
    case $BATS_TEST_DESCRIPTION in
    *"(no FUSE needed)"*) ;; # the command line alone: runs even where FUSE cannot
    *) procsim_require_fuse ;;
    esac
    M=$(mktemp -d "${BATS_TEST_TMPDIR:-/tmp}/mnt.XXXXXX")
    EXTRA_PIDS=()
}

teardown() {
    [[ -n ${M:-} ]] || return 0 # setup skipped before making a mountpoint
    local p
    for p in "${EXTRA_PIDS[@]}"; do
        kill -TERM "$p" 2>/dev/null || true
        procsim_wait_exit "$p" 10 || kill -KILL "$p" 2>/dev/null || true
    done
    procsim_stop "$M" || true
    if [[ -n ${PROCSIM_LOGFILE:-} && -f $PROCSIM_LOGFILE ]]; then
        echo "--- daemon log ($PROCSIM_LOGFILE):" # shown by bats only when the test failed
        cat "$PROCSIM_LOGFILE"
    fi
    rmdir "$M" 2>/dev/null || true
}

# view_mount M: where M's daemon mounts its root pid namespace's fixed view (FuseMount.viewMountPoint).
view_mount() {
    echo "/run/procsim/views/$(printf %s "$1" | sha256sum | cut -c1-24)/4026531836"
}

# refute CMD...: fails if CMD succeeds (bash's `! cmd` does not fail a bats test).
refute() {
    if "$@"; then
        echo "expected to fail: $*" >&2
        return 1
    fi
}

# mounts_at M: the "source type" of every mount at M in /proc/mounts, one a line.
mounts_at() {
    awk -v m="$1" '$2 == m { print $1, $3 }' /proc/mounts
}

@test "the mount appears as fuse 'procsim' in /proc/mounts and ls lists the root" {
    procsim_start "$M"
    mountpoint -q "$M"
    run mounts_at "$M"
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ ${lines[0]} =~ ^procsim\ fuse(\..*)?$ ]]
    run ls "$M"
    [ "$status" -eq 0 ]
    [ -n "$output" ]
    run ls -a "$M" # names only: an operator's M/self is a link that does not resolve (ENOENT)
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = . ]
    [ "${lines[1]}" = .. ]
    grep -q "^procsim: mounted at $M\$" "$PROCSIM_LOGFILE"
}

@test "SIGTERM unmounts cleanly and the daemon exits 0" {
    procsim_start "$M"
    kill -TERM "$PROCSIM_PID"
    local rc=0
    procsim_wait_exit "$PROCSIM_PID" 30 || rc=$?
    [ "$rc" -eq 0 ]
    refute mountpoint -q "$M"
    [ -z "$(mounts_at "$M")" ]
    grep -q "^procsim: unmounted $M\$" "$PROCSIM_LOGFILE"
}

@test "SIGINT (Ctrl-C in the foreground) unmounts and the daemon exits 0" {
    # A background job of a non-interactive shell starts with SIGINT ignored; with job control
    # (set -m) it does not, as a foreground daemon under Ctrl-C.
    local log=$BATS_TEST_TMPDIR/int.log pid
    set -m
    "$PROCSIM_BIN" mount "$M" </dev/null >"$log" 2>&1 3>&- &
    pid=$!
    set +m
    EXTRA_PIDS+=("$pid")
    local deadline=$((SECONDS + 30))
    until grep -q '^procsim: mounted at' "$log" || ((SECONDS > deadline)); do
        sleep 0.1
    done
    procsim_is_mounted "$M"
    kill -INT "$pid"
    local rc=0
    procsim_wait_exit "$pid" 30 || rc=$?
    [ "$rc" -eq 0 ] || { cat "$log"; false; }
    refute mountpoint -q "$M"
    grep -q "SIGINT: unmounting" "$log"
}

@test "umount M ends the daemon with status 0" {
    procsim_start "$M"
    umount "$M"
    local rc=0
    procsim_wait_exit "$PROCSIM_PID" 30 || rc=$?
    [ "$rc" -eq 0 ]
    refute mountpoint -q "$M"
}

@test "procsim_stop unmounts and reaps the daemon" {
    procsim_start "$M"
    local pid=$PROCSIM_PID
    procsim_stop "$M"
    [ "$PROCSIM_EXIT" -eq 0 ] || { echo "daemon exit status $PROCSIM_EXIT"; false; }
    refute kill -0 "$pid" 2>/dev/null
    refute mountpoint -q "$M"
    # twice is harmless
    procsim_stop "$M"
}

@test "a daemon killed by SIGKILL leaves a stale mount that the next mount clears and mounts over" {
    procsim_start "$M"
    kill -KILL "$PROCSIM_PID"
    local rc=0
    procsim_wait_exit "$PROCSIM_PID" 30 || rc=$?
    [ "$rc" -eq 137 ] || { echo "daemon exit status $rc, want 137 (SIGKILL)"; _procsim_threads "$PROCSIM_PID"; false; }
    run stat "$M"
    [ "$status" -ne 0 ]
    [[ $output == *"Transport endpoint is not connected"* ]]

    procsim_start "$M"
    grep -q "stale FUSE mount" "$PROCSIM_LOGFILE"
    run ls "$M"
    [ "$status" -eq 0 ]
    [ -n "$output" ]
    run mounts_at "$M"
    [ "${#lines[@]}" -eq 1 ]
    # the killed daemon's own mount of the root namespace's view too: cleared, mounted anew
    run mounts_at "$(view_mount "$M")"
    [ "${#lines[@]}" -eq 1 ]
    ls "$(view_mount "$M")/1/status"
}

@test "a killed daemon's view mount is cleared by the next daemon, whatever its mountpoint" {
    procsim_start "$M"
    local view
    view=$(view_mount "$M")
    mountpoint -q "$view"
    kill -KILL "$PROCSIM_PID"
    procsim_wait_exit "$PROCSIM_PID" 30 || true
    umount -l "$M" # by hand: no daemon comes back on M
    run mounts_at "$view"
    [ "${#lines[@]}" -eq 1 ] # stale: Transport endpoint is not connected
    local other
    other=$(mktemp -d "${BATS_TEST_TMPDIR:-/tmp}/mnt.XXXXXX")
    procsim_start "$other"
    local left gone=yes
    left=$(mounts_at "$view" | wc -l)
    [ -e "$view" ] && gone=no
    procsim_stop "$other" # before asserting: no daemon may outlive the test
    rmdir "$other"
    [ "$left" -eq 0 ]
    [ "$gone" = yes ]
}

@test "the daemon serves with threads of its own: no thread is attached to the JVM for a request" {
    # jffi attaches a native thread around each of its first 1,000 callbacks, making a
    # java.lang.Thread each time (ClosureMagazine.c THREAD_ATTACH_THRESHOLD); libfuse's
    # fuse_loop_mt() serves on native threads, procsim on Java threads.
    procsim_start "$M"
    local before after i
    before=$(jcmd "$PROCSIM_PID" PerfCounter.print | sed -n 's/^java\.threads\.started=//p')
    for ((i = 0; i < 200; i++)); do read -r _ <"$M/sys/kernel/pid_max"; done
    after=$(jcmd "$PROCSIM_PID" PerfCounter.print | sed -n 's/^java\.threads\.started=//p')
    [ -n "$before" ]
    echo "threads started over 200 reads (~1,200 requests): $((after - before))"
    [ $((after - before)) -lt 20 ]
}

@test "a live mount is not mounted over: the second daemon fails, the first stays up" {
    procsim_start "$M"
    local first=$PROCSIM_PID
    run "$PROCSIM_BIN" mount "$M"
    [ "$status" -eq 1 ]
    [[ $output == *"already mounted"* ]]
    kill -0 "$first"
    run ls "$M"
    [ "$status" -eq 0 ]
}

@test "--help exits 0 and reads like a manual (no FUSE needed)" {
    run "$PROCSIM_BIN" --help
    [ "$status" -eq 0 ]
    [[ $output == *"Usage: procsim"* ]]
    [[ $output == *"mount"* ]]
    [[ $output == *"Exit status"* ]]
    run "$PROCSIM_BIN" mount --help
    [ "$status" -eq 0 ]
    [[ $output == *"--pid-max"* ]]
    [[ $output == *"Examples:"* ]]
}

@test "bad command lines exit non-zero with a clear message (no FUSE needed)" {
    run "$PROCSIM_BIN" mount
    [ "$status" -eq 2 ]
    [[ $output == *"Missing required parameter: 'M'"* ]]

    run "$PROCSIM_BIN" mount "$M" --pid-max abc
    [ "$status" -eq 2 ]
    [[ $output == *"--pid-max"*"'abc' is not an int"* ]]

    run "$PROCSIM_BIN" frobnicate
    [ "$status" -eq 2 ]

    run "$PROCSIM_BIN" mount "$M/does-not-exist"
    [ "$status" -eq 1 ]
    [[ $output == *"does not exist"* ]]
    refute mountpoint -q "$M"
}

@test "a failed write gives bash's 'write error: Invalid argument' and the daemon stays up" {
    procsim_start "$M" --debug
    local f
    f=$(bad_write_file)
    run bash -c 'echo "$2" > "$1"' _ "$f" "$BAD_WRITE_LINE"
    [ "$status" -eq 1 ]
    [[ $output == *"write error: Invalid argument"* ]]

    # The daemon is alive and serving, and logged the failure with path and errno.
    kill -0 "$PROCSIM_PID"
    run ls "$M"
    [ "$status" -eq 0 ]
    run cat "$f"
    [ "$status" -eq 0 ]
    grep -q "write ${f#"$M"}: EINVAL" "$PROCSIM_LOGFILE"
}

@test "procfs refuses to create, remove or chmod entries, with procfs' errnos" {
    procsim_start "$M"
    local f
    f=$(bad_write_file)
    run touch "$M/newfile"
    [[ $output == *"No such file or directory"* ]]
    run mkdir "$M/newdir"
    [[ $output == *"No such file or directory"* ]]
    run rm -f "$f"
    [[ $output == *"Operation not permitted"* ]]
    run chmod 600 "$f"
    [[ $output == *"Operation not permitted"* ]]
    [ -e "$f" ]
}

@test "sysctl writes parse as proc_dointvec: base 0, and a number past 64 bits is EINVAL, not EIO" {
    procsim_start "$M" --pid-max 0x10000
    [ "$(cat "$M/sys/kernel/pid_max")" = 65536 ]
    echo 0x20 >"$M/sys/kernel/ns_last_pid"
    [ "$(procsim_syscall "$M/1/task/1/syscall" fork)" = 33 ]
    local f
    for f in ns_last_pid pid_max msg_next_id sem_next_id shm_next_id; do
        local before
        before=$(cat "$M/sys/kernel/$f")
        run bash -c 'echo 9223372036854775808 > "$1"' _ "$M/sys/kernel/$f"
        [ "$status" -eq 1 ]
        [[ $output == *"write error: Invalid argument"* ]] || { echo "$f: $output"; false; }
        [ "$(cat "$M/sys/kernel/$f")" = "$before" ]
        echo " 0764" >"$M/sys/kernel/$f"
        [ "$(cat "$M/sys/kernel/$f")" = 500 ]
    done
    refute grep -q ERROR "$PROCSIM_LOGFILE"
}

@test "--pid-max parses as a pid_max write and refuses what the sysctl refuses (no FUSE needed)" {
    run "$PROCSIM_BIN" mount "$M" --pid-max 9223372036854775808
    [ "$status" -eq 2 ]
    [[ $output == *"'9223372036854775808' is not an int"* ]]
    run "$PROCSIM_BIN" mount "$M" --pid-max 0x400001
    [ "$status" -eq 2 ]
    [[ $output == *"4194305 is outside Linux's range 301..4194304"* ]]
}
