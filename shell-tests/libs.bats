#!/usr/bin/env bats
# The helper libraries (shell-tests/lib/procsim.bash, restart.bash) in a caller's
# `set -euo pipefail`: for each function, a bad argument returns non-zero with one line on
# stderr, the caller goes on with its options as they were, nothing changes in the mount and no
# daemon is left behind; called bare, set -e ends the caller with that status and that line only.
# The happy paths work under the same options, and the restore's messages count right.

# shellcheck disable=SC2016 # the bash -c scripts expand their $ in the shell they start
load lib/restart

setup_file() {
    procsim_setup_file
}

teardown_file() {
    procsim_teardown_file
}

setup() {
    case $BATS_TEST_DESCRIPTION in
    *"(no FUSE needed)"*) ;;
    *) procsim_require_fuse ;;
    esac
    D=$BATS_TEST_TMPDIR/d # a directory with no mount
    mkdir -p "$D"
}

teardown() {
    local m
    for m in "$D"/*/; do # whatever a test (or a library bug) mounted under D
        [[ -d $m ]] && { procsim_stop "${m%/}" || true; }
    done
    umount "$D/tmpfs" 2>/dev/null || true
    if [[ -n ${DECOY:-} ]]; then kill "$DECOY" 2>/dev/null || true; fi
}

# strict CALL...: CALL in a fresh bash under set -euo pipefail that sourced the libraries, as
# `CALL || rc=$?`; then prints rc=N, the caller's options, and "went on". CALL's stderr goes to
# $BATS_TEST_TMPDIR/err, stdin is /dev/null. (timeout only guards against a hang.)
strict() {
    run timeout 120 bash -c 'set -euo pipefail
        source "$PROCSIM_ROOT/shell-tests/lib/restart.bash"
        rc=0
        "$@" 2>"$BATS_TEST_TMPDIR/err" || rc=$?
        echo "rc=$rc"
        echo "options=$- $(shopt -qo pipefail && echo pipefail)"
        echo "went on"' _ "$@" </dev/null
}

# bare CALL...: CALL alone in a fresh bash under set -euo pipefail, then "not reached".
bare() {
    run timeout 120 bash -c 'set -euo pipefail
        source "$PROCSIM_ROOT/shell-tests/lib/restart.bash"
        "$@"
        echo "not reached"' _ "$@" </dev/null
}

# bad RC MESSAGE CALL...: under set -euo pipefail CALL returns RC with one line on stderr that
# holds MESSAGE, and the caller goes on with -e, -u and pipefail still set; bare, it ends the
# caller with RC, having printed one such line and nothing else. The mount M is as it was.
bad() {
    local rc=$1 want=$2 err before
    shift 2
    before=$(state)
    strict "$@"
    err=$(cat "$BATS_TEST_TMPDIR/err")
    printf 'call: %s\nstatus %s, output:\n%s\nstderr:\n%s\n' "$*" "$status" "$output" "$err"
    [ "$status" -eq 0 ]
    [ "${lines[-1]}" = "went on" ]
    [ "${lines[-3]}" = "rc=$rc" ]
    [[ ${lines[-2]} == options=*e*u*" pipefail" ]]
    [ "$(wc -l <"$BATS_TEST_TMPDIR/err")" -eq 1 ]
    [[ $err == *"$want"* ]]
    bare "$@"
    echo "bare: status $status, output: $output"
    [ "$status" -eq "$rc" ]
    [ "${#lines[@]}" -eq 1 ]
    [[ $output == *"$want"* ]]
    [ "$(state)" = "$before" ]
}

# state: what a bad call must leave as it was in M: its tasks, names, IPC objects, sysctls
# and the one daemon serving it.
state() {
    ls "$M"
    cat "$M"/[0-9]*/comm "$M"/sysvipc/* "$M"/sys/kernel/* "$M/1/task/1/next_syscall_data"
    pgrep -f -- "mount $M\$"
}

# no_daemon_for DIR: no process mentions DIR on its command line (a daemon mounting it).
no_daemon_for() {
    run pgrep -af -- "$1"
    echo "$output"
    [ "$status" -eq 1 ]
}

@test "procsim_start: no M, an option for M, a live mount, options the daemon refuses" {
    bad 2 "procsim_start: usage: procsim_start M [ARGS...]" procsim_start
    bad 2 "procsim_start: unknown option '--debug' where M was expected" procsim_start --debug "$D"
    bad 2 "procsim_start: $M is already a live mount" procsim_start "$M"
    bad 1 "procsim_start: the daemon exited with status 2 before mounting $D: Unknown option: '--bogus'" \
        procsim_start "$D" --bogus
    bad 1 "procsim_start: the daemon exited with status 2 before mounting $D: Invalid value for option '--pid-max': 'x' is not an int" \
        procsim_start "$D" --pid-max x
    no_daemon_for "$D"
    # in this shell too: the first daemon stays the one procsim_stop finds
    local first=$PROCSIM_PID rc=0 before
    before=$(state)
    procsim_start "$M" 2>/dev/null || rc=$?
    [ "$rc" -eq 2 ]
    [ "$PROCSIM_PID" = "$first" ]
    [ "$(state)" = "$before" ]
    # and a start timeout that is not a number is refused before anything starts
    rc=0
    PROCSIM_START_TIMEOUT=soon procsim_start "$D" 2>"$BATS_TEST_TMPDIR/err" || rc=$?
    [ "$rc" -eq 2 ]
    [ "$(cat "$BATS_TEST_TMPDIR/err")" = "procsim_start: PROCSIM_START_TIMEOUT is not a number: 'soon'" ]
    no_daemon_for "$D"
}

@test "procsim_stop, procsim_is_mounted, procsim_require_fuse, procsim_teardown_file: wrong arguments" {
    bad 2 "procsim_stop: usage: procsim_stop M" procsim_stop
    bad 2 "procsim_stop: usage: procsim_stop M" procsim_stop "$M" "$D"
    bad 2 "procsim_stop: unknown option '-f' where M was expected" procsim_stop -f
    bad 2 "procsim_is_mounted: usage: procsim_is_mounted M" procsim_is_mounted
    bad 2 "procsim_is_mounted: usage: procsim_is_mounted M" procsim_is_mounted "$M" "$D"
    bad 2 "procsim_require_fuse: usage: procsim_require_fuse" procsim_require_fuse now
    bad 2 "procsim_teardown_file: usage: procsim_teardown_file" procsim_teardown_file "$M"
    no_daemon_for "$D"
    # a mountpoint that is not mounted is a plain "no", without a message
    strict procsim_is_mounted "$D"
    [ "${lines[-3]}" = rc=1 ]
    [ ! -s "$BATS_TEST_TMPDIR/err" ]
}

@test "procsim_stop leaves alone what is not procsim's: another mount, a process that only names M" {
    # a tmpfs, even one called procsim (else `procsim_stop /proc` would unmount /proc)
    mkdir "$D/tmpfs"
    mount -t tmpfs procsim "$D/tmpfs"
    bad 2 "procsim_stop: $D/tmpfs is mounted, but not by procsim: left alone" procsim_stop "$D/tmpfs"
    mountpoint -q "$D/tmpfs"
    strict procsim_is_mounted "$D/tmpfs"
    [ "${lines[-3]}" = rc=1 ]
    umount "$D/tmpfs"
    # a process whose command line names procsim and M, but is not `mount M`, is no daemon of M
    python3 -c 'import time; time.sleep(600)' procsim-notes "$D/x" >/dev/null 2>&1 3>&- &
    DECOY=$!
    strict procsim_stop "$D/x"
    [ "${lines[-3]}" = rc=0 ]
    kill -0 "$DECOY"
}

@test "procsim_wait_exit: a pid or a number of seconds that is not a number" {
    bad 2 "procsim_wait_exit: usage: procsim_wait_exit PID [SECONDS]" procsim_wait_exit
    bad 2 "procsim_wait_exit: PID is not a number: 'x'" procsim_wait_exit x 1
    bad 2 "procsim_wait_exit: SECONDS is not a number: 'y'" procsim_wait_exit 1 y
    bad 2 "procsim_wait_exit: SECONDS is not a number: '1.5'" procsim_wait_exit 1 1.5
    bad 2 "procsim_wait_exit: usage: procsim_wait_exit PID [SECONDS]" procsim_wait_exit 1 2 3
}

@test "procsim_syscall: a missing file is an error, not a file created" {
    bad 2 "procsim_syscall: usage: procsim_syscall FILE LINE" procsim_syscall
    bad 2 "procsim_syscall: usage: procsim_syscall FILE LINE" procsim_syscall "$M/1/task/1/syscall"
    bad 2 "procsim_syscall: usage: procsim_syscall FILE LINE" procsim_syscall "$M/1/task/1/syscall" fork extra
    bad 2 "procsim_syscall: no such file: $D/syscall" procsim_syscall "$D/syscall" fork
    [ ! -e "$D/syscall" ]
    bad 2 "procsim_syscall: no such file: $M/999/task/999/syscall" procsim_syscall "$M/999/task/999/syscall" fork
    no_daemon_for "$D"
}

@test "procsim_attach: numbers only, and a thread that exists" {
    bad 2 "procsim_attach: usage: procsim_attach M PID TID [REALPID]" procsim_attach "$M" 1
    bad 2 "procsim_attach: usage: procsim_attach M PID TID [REALPID]" procsim_attach "$M" 1 1 2 3
    bad 2 "procsim_attach: PID is not a number: 'x'" procsim_attach "$M" x 1
    bad 2 "procsim_attach: TID is not a number: '1/../1'" procsim_attach "$M" 1 1/../1
    bad 2 "procsim_attach: REALPID is not a number: 'me'" procsim_attach "$M" 1 1 me
    bad 2 "procsim_attach: no sim thread 999 of process 999 in $M" procsim_attach "$M" 999 999
    bad 2 "procsim_attach: no sim thread 1 of process 1 in $D" procsim_attach "$D" 1 1
    [ -z "$(ls "$D")" ]
    # a refused write says why in one line: host pid 1 may not be bound (README: attach)
    bad 1 "procsim_attach: cannot bind real pid 1 to sim thread 1 of process 1: Operation not permitted" \
        procsim_attach "$M" 1 1 1
    no_daemon_for "$D"
}

@test "procsim_setup_file: where FUSE is missing, setup_file starts no daemon" {
    run env -u M PROCSIM_FUSE_DEVICE="$D/fuse" PROCSIM_REQUIRE_FUSE=0 BATS_FILE_TMPDIR="$D" \
        timeout 120 bash -c 'set -euo pipefail
        source "$PROCSIM_ROOT/shell-tests/lib/procsim.bash"
        skip() { echo "skip $*"; exit 0; }
        setup_file() { procsim_setup_file; }
        setup_file 3>&1
        echo "M=${M:-}"' _ </dev/null
    echo "$output"
    [ "$status" -eq 0 ]
    [[ $output == *"PROCSIM FUSE TESTS NOT RUN: $D/fuse is missing"* ]]
    [ "${lines[-1]}" = "M=" ]
    no_daemon_for "$D"
}

@test "procsim_setup_file: daemon options it refuses leave no daemon behind" {
    export BATS_FILE_TMPDIR=$D
    bad 1 "before mounting $D/mnt." procsim_setup_file --bogus
    no_daemon_for "$D"
}

@test "procsim_checkpoint: no mount, an option, extra words" {
    bad 2 "procsim_checkpoint: usage: procsim_checkpoint M" procsim_checkpoint
    bad 2 "procsim_checkpoint: usage: procsim_checkpoint M" procsim_checkpoint "$M" "$D"
    bad 2 "procsim_checkpoint: unknown option '--all' where M was expected" procsim_checkpoint --all
    bad 2 "procsim_checkpoint: $D is not a procsim mount (no $D/1/task/1/next_syscall_data)" procsim_checkpoint "$D"
    bad 2 "procsim_checkpoint: /tmp is not a procsim mount" procsim_checkpoint /tmp
    bad 2 "procsim_checkpoint: /proc is not a procsim mount" procsim_checkpoint /proc
    no_daemon_for "$D"
}

@test "procsim_restore: unknown options, a missing method, no mount, an image on a terminal" {
    local usage="usage: procsim_restore [--method nsd|ns_last_pid|clone3|eclone] M < IMAGE"
    bad 2 "procsim_restore: $usage" procsim_restore
    bad 2 "procsim_restore: $usage" procsim_restore --method
    bad 2 "procsim_restore: unknown method 'fork' ($usage)" procsim_restore --method fork "$M"
    bad 2 "procsim_restore: unknown method '' ($usage)" procsim_restore --method= "$M"
    bad 2 "procsim_restore: unknown option '--dry-run' ($usage)" procsim_restore --dry-run "$M"
    bad 2 "procsim_restore: unknown option '--dry-run' ($usage)" procsim_restore "$M" --dry-run
    bad 2 "procsim_restore: $usage" procsim_restore "$M" "$D"
    bad 2 "procsim_restore: $D is not a procsim mount" procsim_restore --method nsd "$D"
    bad 2 "procsim: restore: not a procsim image" procsim_restore "$M"
    # at a prompt, forgetting `< image.txt` is said at once, not waited on
    local before
    before=$(state)
    run timeout 120 script -qec "bash -c 'source \"\$PROCSIM_ROOT/shell-tests/lib/restart.bash\"; procsim_restore \"\$0\"; echo rc=\$?' '$M'" /dev/null
    echo "$output"
    [[ $output == *"procsim_restore: the image comes on stdin, not a terminal (procsim_restore M < image.json)"* ]]
    [[ $output == *"rc=2"* ]]
    [ "$(state)" = "$before" ]
    no_daemon_for "$D"
}

@test "procsim_scenario: numbers validated, unknown options refused, one mount" {
    local usage="usage: procsim_scenario M [--procs N] [--depth D] [--threads T] [--pidns 0-3] [--ipc Q] [--files F] [--sigactions 0|1] [--sessions 0|1] [--seed S]"
    bad 2 "procsim_scenario: $usage" procsim_scenario
    bad 2 "procsim_scenario: --procs is not a number: 'x'" procsim_scenario "$M" --procs x
    bad 2 "procsim_scenario: --procs wants a value ($usage)" procsim_scenario "$M" --procs
    bad 2 "procsim_scenario: --depth is not a number: '-1'" procsim_scenario "$M" --depth -1
    bad 2 "procsim_scenario: --depth is 1 or more" procsim_scenario "$M" --depth 0
    bad 2 "procsim_scenario: --threads is not a number: '2x'" procsim_scenario "$M" --threads 2x
    bad 2 "procsim_scenario: --pidns is 0 to 3" procsim_scenario "$M" --pidns 4
    bad 2 "procsim_scenario: --ipc is not a number: 'a[\$(id)]'" procsim_scenario "$M" --ipc 'a[$(id)]'
    bad 2 "procsim_scenario: --files is not a number: ''" procsim_scenario "$M" --files ''
    bad 2 "procsim_scenario: --seed is not a number: 'abc'" procsim_scenario "$M" --seed abc
    bad 2 "procsim_scenario: unknown option '--forks' ($usage)" procsim_scenario "$M" --forks 3
    bad 2 "procsim_scenario: one mount only, not '$D' too ($usage)" procsim_scenario "$M" "$D"
    bad 2 "procsim_scenario: $D is not a procsim mount" procsim_scenario "$D" --procs 2
    no_daemon_for "$D"
}

@test "the happy paths under set -euo pipefail: start, scenario, checkpoint, restore, syscall, attach, stop" {
    local src=$D/src dst=$D/dst
    run timeout 300 bash -c 'set -euo pipefail
        source "$PROCSIM_ROOT/shell-tests/lib/restart.bash"
        src=$1 dst=$2 img=$3
        procsim_start "$src"
        procsim_scenario "$src" --procs 8 --depth 2 --threads 1 --pidns 2 --ipc 1 --files 1 --seed 3 >/dev/null
        procsim_checkpoint "$src" >"$img"
        procsim_stop "$src"
        procsim_start "$dst"
        procsim_is_mounted "$dst"
        procsim_restore --method=eclone "$dst" <"$img"
        diff <("$PROCSIM_BIN" image show "$img" | grep -v -- -times) <(procsim_checkpoint "$dst" | "$PROCSIM_BIN" image show - | grep -v -- -times)
        child=$(procsim_syscall "$dst/1/task/1/syscall" fork)
        ( procsim_attach "$dst" "$child" "$child"; readlink "$dst/self" )
        procsim_wait_exit "$BASHPID" 0 || echo "wait_exit: $?"
        procsim_stop "$dst"
        if procsim_is_mounted "$dst"; then echo "still mounted"; exit 1; fi
        echo "options=$- $(shopt -qo pipefail && echo pipefail)"' \
        _ "$src" "$dst" "$BATS_TEST_TMPDIR/image.txt" </dev/null
    echo "$output"
    [ "$status" -eq 0 ]
    "$PROCSIM_BIN" image show "$BATS_TEST_TMPDIR/image.txt" | grep -q '^process .* pidns=init:'
    [[ $output == *"wait_exit: 124"* ]]
    [[ ${lines[-1]} == options=*e*u*" pipefail" ]]
    no_daemon_for "$D"
}

@test "a rolled-back restore counts what it removed: 1 task, 2 tasks, 1 IPC object" {
    local dst=$D/dst
    procsim_start "$dst"
    # rolls DRAFT TAKEN WANT: a restore of processes 5, 6, ... (DRAFT) into a mount where TAKEN
    # is held says WANT
    rolls() {
        local img=$BATS_TEST_TMPDIR/img p procs="" sep=""
        local creds='"creds": {"uid": [0,0,0,0], "gid": [0,0,0,0], "keepcaps": false, "caps": {"inheritable": "0000000000000000",
            "permitted": "000001ffffffffff", "effective": "000001ffffffffff", "bounding": "000001ffffffffff", "ambient": "0000000000000000"}}'
        for p in $1; do
            procs+="$sep{\"pid\": $p, \"ppid\": 1, \"nspid\": [$p], \"pidns\": \"root\", \"comm\": \"init\", \"exitSignal\": 17,
                \"state\": \"S\", \"subreaper\": false, \"argv\": [\"/sbin/init\"], $creds, \"threads\": [], \"fds\": [], \"shmAttaches\": []}"
            sep=,
        done
        printf '{"format": "procsim-image", "version": 1, "processes": [%s], "msg": [%s], "sem": [], "shm": []}\n' "$procs" "${4:-}" >"$img"
        [ "$(procsim_syscall "$dst/1/task/1/syscall" "clone3 set_tid=$2")" = "$2" ]
        run procsim_restore --method clone3 "$dst" <"$img"
        echo "$output"
        [ "$status" -eq 1 ]
        [[ $output == *"procsim: restore rolled back: $3 removed"* ]]
        procsim_syscall "$dst/1/task/1/syscall" "kill $2 SIGKILL"
        procsim_syscall "$dst/1/task/1/syscall" "wait4 $2 __WALL" >/dev/null 2>&1 || true # init may have reaped it
        local tasks=("$dst"/[0-9]*)
        [ "${#tasks[@]}" -eq 1 ] # init only
    }
    rolls "5 6" 6 "1 task and 0 IPC objects"
    rolls "5 6 7" 7 "2 tasks and 0 IPC objects"
    rolls "5 6" 6 "1 task and 1 IPC object" '{"id": 0, "key": 1000, "perms": "0640", "uid": 0, "gid": 0, "cuid": 0, "cgid": 0,
        "qbytes": 16384, "messages": [], "times": {"stime": 0, "rtime": 0, "ctime": 0, "lspid": 0, "lrpid": 0}}'
    procsim_stop "$dst"
}

@test "every function in the libraries has a one-line header comment naming it (no FUSE needed)" {
    run awk '
        /^[A-Za-z_][A-Za-z0-9_]*\(\) *\{/ {
            name = $0; sub(/\(.*/, "", name)
            if (prev !~ "^# " name "( |:|$)" && first !~ "^# " name "( |:|$)") { print FILENAME ": " name; bad = 1 }
        }
        { if ($0 ~ /^#/) { if (prev !~ /^#/) first = $0 } else first = ""; prev = $0 }
        END { exit bad }' "$PROCSIM_ROOT"/shell-tests/lib/*.bash
    echo "undocumented: $output"
    [ "$status" -eq 0 ]
}

@test "make test runs shellcheck, make deps installs it, and a finding fails the lint (no FUSE needed)" {
    run make -s -n -C "$PROCSIM_ROOT" test
    [ "$status" -eq 0 ]
    [[ $output == *"dpkg -s libfuse2 fuse3 bats shellcheck"* ]]
    [[ $output == *"apt-get install"*" shellcheck"* ]]
    [[ $output == *"shellcheck -x -P SCRIPTDIR "*"shell-tests/lib/procsim.bash"*"shell-tests/lib/restart.bash"* ]]
    [[ $output == *"shellcheck -x -P SCRIPTDIR -s bash "*"shell-tests/libs.bats"* ]]
    run make -s -C "$PROCSIM_ROOT" lint
    echo "$output"
    [ "$status" -eq 0 ]
    printf '#!/usr/bin/env bash\necho $1\n' >"$BATS_TEST_TMPDIR/unquoted.sh"
    run make -s -C "$PROCSIM_ROOT" lint LINT_SH="$BATS_TEST_TMPDIR/unquoted.sh"
    echo "$output"
    [ "$status" -ne 0 ]
    [[ $output == *"SC2086"* ]]
}
