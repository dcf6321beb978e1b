#!/usr/bin/env bats
# Restart drills: build a scenario, checkpoint it (`procsim checkpoint`, JSON), restore it into a
# fresh mount by each method (`procsim restore`) and by the reference restorer in bash (clone3 by
# hand, from `procsim image show`), checkpoint again: the images are identical (nsd restores IPC
# times and pids too; the others cannot, so their *-times records are left out of the
# comparison). Then restores into a mount where some ids are taken fail as Linux or the seeds
# fail, and leave nothing behind; damaged images are refused before anything is made.

# bats runs each test in a subshell and its run sets output and status there, as the helpers read them
# shellcheck disable=SC2030,SC2031
load lib/restart

setup_file() {
    procsim_require_fuse
    SRC=$(mktemp -d "${BATS_FILE_TMPDIR:-/tmp}/src.XXXXXX")
    export SRC IMAGE=$BATS_FILE_TMPDIR/image.json TEXT=$BATS_FILE_TMPDIR/image.txt
    procsim_start "$SRC"
    procsim_scenario "$SRC" --procs 24 --depth 4 --threads 2 --pidns 3 --ipc 2 --files 2 --sigactions 1 --sessions 1 --seed 7 >/dev/null
    procsim_checkpoint "$SRC" >"$IMAGE"
    "$PROCSIM_BIN" image show "$IMAGE" >"$TEXT"
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
    if [[ -n ${M2:-} ]]; then
        procsim_stop "$M2" || true
        rmdir "$M2" 2>/dev/null || true
    fi
}

# drill METHOD: restore the image by METHOD (or by the reference restorer) and compare the images
drill() {
    if [[ $1 == reference ]]; then
        bash "$PROCSIM_ROOT/shell-tests/lib/reference-restorer.bash" "$M" <"$TEXT"
    else
        procsim_restore --method "$1" "$M" <"$IMAGE"
    fi
    procsim_checkpoint "$M" >"$BATS_TEST_TMPDIR/again.json"
    "$PROCSIM_BIN" image show "$BATS_TEST_TMPDIR/again.json" >"$BATS_TEST_TMPDIR/again.txt"
    if [[ $1 == nsd ]]; then
        diff "$TEXT" "$BATS_TEST_TMPDIR/again.txt"
    else
        diff <(grep -v -- '-times ' "$TEXT") <(grep -v -- '-times ' "$BATS_TEST_TMPDIR/again.txt")
    fi
}

@test "the scenario has what a drill needs: 3 nested pid namespaces, threads, fds, IPC (IPC_SET too), shm attaches, credentials, signal actions, masks, pending signals, stops, sessions, groups" {
    grep -q '"format" : "procsim-image"' "$IMAGE"
    grep -q '"version" : 4,' "$IMAGE"
    grep -q '^process [0-9]* .*nspid=[0-9]*,[0-9]*,[0-9]*,1 pidns=init:' "$TEXT"
    grep -q '^thread ' "$TEXT"
    grep -q '^fd .* pos=[1-9]' "$TEXT"
    grep -q '^msg-data ' "$TEXT"
    grep -q '^sem .*values=' "$TEXT"
    grep -q '^shm ' "$TEXT"
    # objects whose owner, perms and qbytes an IPC_SET changed
    grep -q '^msg [0-9]* key=[0-9]* perms=0660 uid=1000 gid=100 cuid=0 cgid=0 qbytes=8192$' "$TEXT"
    grep -q '^sem [0-9]* key=0 perms=0640 nsems=2 uid=1000 gid=100 ' "$TEXT"
    grep -q '^shm [0-9]* key=[0-9]* perms=0600 size=[0-9]* uid=1000 gid=100 ' "$TEXT"
    grep -q '^shm-attach .* mode=rw$' "$TEXT"
    grep -q '^shm-attach .* mode=ro$' "$TEXT"
    grep -q '^creds .* uid=1000,1000,1000,1000 gid=100,100,100,100 ' "$TEXT"
    grep -q '^creds .* caps=0000000000000040/00000000000000c0/00000000000000c0/.* keepcaps=1$' "$TEXT"
    grep -q 'comm=w.* argv=/usr/bin/w' "$TEXT"
    grep -q '^thread .* comm=t' "$TEXT"
    grep -q '^process .* exit_signal=10 ' "$TEXT"
    grep -q '^process .* exit_signal=17 ' "$TEXT"
    grep -q '^process .* state=T ' "$TEXT"
    grep -q '^process .* subreaper=1 ' "$TEXT"
    grep -q '^sigaction [0-9]* 10 handler=0x401000 flags=0x90000000$' "$TEXT"
    grep -q '^sigaction [0-9]* 1 handler=SIG_IGN flags=0x0$' "$TEXT"
    grep -q '^sigaction [0-9]* 17 handler=SIG_DFL flags=0x3$' "$TEXT"
    # a process blocking SIGUSR2, one pending; a thread's mask (SIGRTMAX too) other than its leader's
    # SIGINT; a stopped process's SIGTERM, which it does not block
    local p t
    p=$(awk '$1 == "sigpending" && $3 == "signals=12" { print $2; exit }' "$TEXT")
    grep -qx "sigmask $p signals=12" "$TEXT"
    t=$(awk '$1 == "sigmask" && $3 == "signals=10,64" { print $2; exit }' "$TEXT")
    grep -qx "sigmask $(awk -v t="$t" '$1 == "thread" && $3 == t { print $2 }' "$TEXT") signals=2" "$TEXT"
    grep -qx "own-sigpending $t signals=10" "$TEXT" # its own SIGUSR1 (tkill), which it blocks
    p=$(awk '$1 == "sigpending" && $3 == "signals=15" { print $2; exit }' "$TEXT")
    grep -q "^process $p .* state=T " "$TEXT"
    ! grep -q "^sigmask $p " "$TEXT" || false
    # sessions and groups (stat's fields 5 and 6): a session led by a nested namespace's init, with
    # members below it; a group of init's session; a group inside a nested namespace with a member
    # whose pid is lower than its leader's (made first by every method); and processes in 1/1 (no line)
    local s
    s=$(awk '$1 == "session" && $3 == "sid=" $2 { print $2; exit }' "$TEXT")
    grep -q "^process $s .*nspid=[0-9]*,[0-9]*,1 pidns=init:$s " "$TEXT"
    awk -v s="$s" '$1 == "session" && $2 != s && $3 == "sid=" s { found = 1 } END { exit !found }' "$TEXT"
    grep -q '^session \([0-9]*\) sid=1 pgid=\1$' "$TEXT"
    p=$(awk '$1 == "session" && substr($4, 6) + 0 > $2 + 0 && "sid=" substr($4, 6) != $3 { print $2; exit }' "$TEXT")
    grep -q "^process $p .*nspid=[0-9]*,[0-9]* pidns=init:" "$TEXT"
    [ "$(grep -c '^process ' "$TEXT")" -gt "$(grep -c '^session ' "$TEXT")" ]
    # a child of init named otherwise (by its execve): taken() makes its pid taken
    grep -q '^process [0-9]* ppid=1 nspid=[0-9]* pidns=root comm=w' "$TEXT"
}

@test "drill: clone3 set_tid from outside restores the same image" {
    drill clone3
}

@test "drill: eclone from outside restores the same image" {
    drill eclone
}

@test "drill: next_syscall_data (LONGn to each parent's) restores the same image, times and pids too" {
    drill nsd
}

@test "drill: ns_last_pid through restorers attached inside each namespace restores the same image" {
    drill ns_last_pid
}

@test "drill: the reference restorer (clone3 by hand, echo and cat) restores the same image" {
    drill reference
}

# checkpointed NAME: checkpoints M into NAME.json and its text form (times left out) into NAME.txt
checkpointed() {
    procsim_checkpoint "$M" >"$BATS_TEST_TMPDIR/$1.json"
    "$PROCSIM_BIN" image show "$BATS_TEST_TMPDIR/$1.json" | grep -v -- '-times ' >"$BATS_TEST_TMPDIR/$1.txt"
}

# restored_by_every_method NAME: each method restores NAME.json into a fresh M2, whose checkpoint's text is NAME.txt
restored_by_every_method() {
    local method
    for method in clone3 eclone nsd ns_last_pid; do
        M2=$(mktemp -d "${BATS_TEST_TMPDIR:-/tmp}/$1.XXXXXX")
        procsim_start "$M2"
        procsim_restore --method "$method" "$M2" <"$BATS_TEST_TMPDIR/$1.json"
        diff "$BATS_TEST_TMPDIR/$1.txt" <(procsim_checkpoint "$M2" | "$PROCSIM_BIN" image show - | grep -v -- '-times ')
        procsim_stop "$M2"
        rmdir "$M2"
    done
    M2=
}

# Credentials a root task can give itself, each restored by every method as the kernel made them
# (security/commoncap.c: setresuid to no uid 0 clears permitted and effective unless keepcaps; the
# inheritable set stays, and a capset may raise it only within permitted).
@test "credentials: uid 1000 with nothing kept, with an inheritable set, with keepcaps, with a saved uid 0: every method restores them" {
    local t
    for t in 2 3 4 5; do procsim_syscall "$M/1/syscall" "clone3 set_tid=$t" >/dev/null; done
    procsim_syscall "$M/2/syscall" "setresuid 1000 1000 1000" >/dev/null
    procsim_syscall "$M/3/syscall" "capset effective=0x000001ffffffffff permitted=0x000001ffffffffff inheritable=0x0000000000002000" >/dev/null
    procsim_syscall "$M/3/syscall" "setresuid 1000 1000 1000" >/dev/null
    procsim_syscall "$M/4/syscall" "prctl PR_SET_KEEPCAPS 1" >/dev/null
    procsim_syscall "$M/4/syscall" "setresuid 1000 1000 1000" >/dev/null
    procsim_syscall "$M/5/syscall" "setresuid 1000 1000 0" >/dev/null
    checkpointed creds
    grep -qx 'creds 2 uid=1000,1000,1000,1000 gid=0,0,0,0 caps=0000000000000000/0000000000000000/0000000000000000/000001ffffffffff/0000000000000000 keepcaps=0' "$BATS_TEST_TMPDIR/creds.txt"
    grep -qx 'creds 3 .* caps=0000000000002000/0000000000000000/0000000000000000/.* keepcaps=0' "$BATS_TEST_TMPDIR/creds.txt"
    grep -qx 'creds 4 .* caps=0000000000000000/000001ffffffffff/0000000000000000/.* keepcaps=1' "$BATS_TEST_TMPDIR/creds.txt"
    grep -qx 'creds 5 uid=1000,1000,0,1000 .* caps=0000000000000000/000001ffffffffff/0000000000000000/.* keepcaps=0' "$BATS_TEST_TMPDIR/creds.txt"
    restored_by_every_method creds
}

@test "--dry-run prints each file and line the method would write, in order, and makes nothing" {
    before=$(find "$M" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | tr '\n' ' ')
    run "$PROCSIM_BIN" restore "$M" --method nsd -i "$IMAGE" --dry-run
    echo "$output"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "$M/1/syscall <- prctl PR_GET_KEEPCAPS" ]
    [ "${lines[1]}" = "$M/1/syscall <- rt_sigaction SIGCHLD" ]
    [ "${lines[2]}" = "$M/1/task/1/next_syscall_data <- LONG1 0" ]
    [ "${lines[3]}" = "$M/1/syscall <- msgget 1000 IPC_CREAT|IPC_EXCL|0640" ]
    # signal actions by the process itself, after the last fork
    [[ $output =~ clone[^$'\n']*$'\n'(.*$'\n')?"$M/"[0-9]+"/syscall <- rt_sigaction 10 0x401000 0x90000000" ]]
    [[ $output == *"$M/1/task/1/next_syscall_data <- LONG2 2 1"$'\n'"$M/1/syscall <- clone CLONE_NEWPID|SIGCHLD"* ]]
    # a session leader's setsid right after it is made; the groups' setpgid once every task is made, before the signal actions
    [[ $output =~ "<- clone CLONE_NEWPID|SIGCHLD"$'\n'"$M/"([0-9]+)"/syscall <- setsid"$'\n' ]]
    [[ $output =~ "<- setpgid 0 "[0-9]+$'\n'(.*$'\n')?"$M/"[0-9]+"/syscall <- rt_sigaction " ]]
    [[ ! ${output#*<- rt_sigaction 10} =~ "setpgid" ]]
    run "$PROCSIM_BIN" restore "$M" --method ns_last_pid -i "$IMAGE" --dry-run
    [ "$status" -eq 0 ]
    [[ $output == *"$M/sys/kernel/ns_last_pid <- "*"(by a restorer attached as 2: $M/2/task/2/attach)"* ]]
    [ "$(find "$M" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | tr '\n' ' ')" = "$before" ]
    [ "$(awk 'END { print NR }' "$M/sysvipc/msg")" = 1 ]
    [ "$(cat "$M/sys/kernel/msg_next_id")" = -1 ]
}

# Every restored task forks from init's credentials, signal actions and mask and gets the image's as from
# a fresh mount's: a target whose init has others is refused (exit 2) before anything is made,
# then restores once init's are a fresh mount's again.
# refused METHOD SET UNDO DIFFERS: with init's line SET made, a restore by METHOD is refused (exit
# 2) naming DIFFERS; then init's line UNDO puts it back
refused() {
    procsim_syscall "$M/1/syscall" "$2" >/dev/null
    run "$PROCSIM_BIN" restore "$M" --method "$1" -i "$IMAGE"
    echo "$output"
    [ "$status" -eq 2 ]
    [[ $output == *"init's credentials or signal actions are not a fresh mount's ($4)"*"restore into a fresh mount"* ]]
    procsim_syscall "$M/1/syscall" "$3" >/dev/null
}

@test "a target whose init has keepcaps, an inheritable set, an ignored signal, SIGCHLD's SA_NOCLDWAIT or a mask is refused before anything is made" {
    local before caps=0x000001ffffffffff
    before=$(find "$M" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | tr '\n' ' ')
    refused clone3 "prctl PR_SET_KEEPCAPS 1" "prctl PR_SET_KEEPCAPS 0" "keepcaps 1"
    refused ns_last_pid "capset effective=$caps permitted=$caps inheritable=0x2000" \
        "capset effective=$caps permitted=$caps inheritable=0x0" "CapInh 0000000000002000"
    refused eclone "rt_sigaction SIGHUP SIG_IGN" "rt_sigaction SIGHUP SIG_DFL" "SigIgn 0000000000000001"
    refused nsd "rt_sigaction SIGCHLD SIG_DFL SA_NOCLDWAIT" "rt_sigaction SIGCHLD SIG_DFL" "SIGCHLD handler=SIG_DFL flags=0x2"
    refused clone3 "rt_sigprocmask SIG_BLOCK SIGUSR2" "rt_sigprocmask SIG_SETMASK 0" "SigBlk 0000000000000800"
    [ "$(find "$M" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | tr '\n' ' ')" = "$before" ]
    [ "$(cat "$M/sys/kernel/ns_last_pid")" = 1 ]
    drill clone3
}

# block PID: a task already holds root pid PID in the target mount
block() {
    [ "$(procsim_syscall "$M/1/task/1/syscall" "clone3 set_tid=$1")" = "$1" ]
    procsim_syscall "$M/$1/task/$1/syscall" "execve /bin/squatter" >/dev/null
}

# taken METHOD ERRTEXT: the restore fails naming the pid and its holder, and leaves the mount as it was
taken() {
    local victim
    # one init makes under another name (it exec'd: RestoreTest covers a rename of init undone)
    victim=$(awk '$1 == "process" && $3 == "ppid=1" && $4 ~ /^nspid=[0-9]+$/ && $6 != "comm=init" { print $2; exit }' "$TEXT")
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

@test "a pid that only a process group still names (its leader reaped) refuses every method, the message naming that group" {
    local victim method
    victim=$(awk '$1 == "process" && $3 == "ppid=1" && $4 ~ /^nspid=[0-9]+$/ && $6 != "comm=init" { print $2; exit }' "$TEXT")
    [ -n "$victim" ]
    # the leader makes its group and a member (9999: no pid of the image), then exits and is reaped
    block "$victim"
    procsim_syscall "$M/$victim/task/$victim/syscall" "setpgid 0 0" >/dev/null
    [ "$(procsim_syscall "$M/$victim/task/$victim/syscall" "clone3 set_tid=9999")" = 9999 ]
    procsim_syscall "$M/$victim/task/$victim/syscall" "exit 0" >/dev/null
    procsim_syscall "$M/1/task/1/syscall" "wait4 $victim __WALL" >/dev/null # (clone3 with no exit_signal: a clone child)
    [ ! -e "$M/$victim" ]
    before=$(find "$M" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | tr '\n' ' ')
    for method in clone3 eclone nsd ns_last_pid; do
        run procsim_restore --method "$method" "$M" <"$IMAGE"
        echo "$output"
        [ "$status" -eq 1 ]
        [[ $output == *"pid $victim names the process group of task 9999 (its leader is gone;"* ]]
        [[ $output == *"rolled back"* ]]
        [ "$(find "$M" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | tr '\n' ' ')" = "$before" ]
        [ "$(cat "$M/1/comm")" = init ]
    done
}

@test "a damaged image is refused before anything is made, and never run as code" {
    before=$(find "$M" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | tr '\n' ' ')
    bad() { # bad EXPECTED-MESSAGE IMAGE-TEXT
        run procsim_restore --method clone3 "$M" < <(printf '%s\n' "$2")
        echo "$output"
        [ "$status" -eq 2 ]
        [ "${#lines[@]}" -eq 1 ]
        [[ $output == "procsim: restore: $1"* ]]
    }
    local json
    json=$(cat "$IMAGE")
    bad "not a procsim image (not JSON" "$(cat "$TEXT")"
    bad "not a procsim image (no \"format\": \"procsim-image\")" '{"version": 2}'
    bad "image version 5 is not supported (this procsim reads versions 1 to 4)" "${json/\"version\" : 4,/\"version\" : 5,}"
    bad "bad image: processes[0].evil: Unrecognized field \"evil\"" "${json/\"pid\" : 2,/\"pid\" : 2, \"evil\" : 1,}"
    bad "the parent 77 of 2 is not in the image" "${json/\"ppid\" : 1,/\"ppid\" : 77,}"
    bad "task 1 is init, which a restore does not make" "${json/\"pid\" : 2,/\"pid\" : 1,}"
    # a field is data of its type, never code
    pwned=$BATS_TEST_TMPDIR/pwned
    bad "bad image: processes[0].pid" "${json/\"pid\" : 2,/\"pid\" : \"\$(touch $pwned)\",}"
    bad "not a mode: 'perms=\$(touch $pwned)' of msg 0" "${json/\"perms\" : \"0640\"/\"perms\" : \"\$(touch $pwned)\"}"
    bad "sigaction 1 of " "${json/\"handler\" : \"SIG_IGN\"/\"handler\" : \"\$(touch $pwned)\"}"
    [ ! -e "$pwned" ]
    [ "$(find "$M" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | tr '\n' ' ')" = "$before" ]
    [ "$(cat "$M/1/comm")" = init ]
}

# Sessions and groups that setsid and setpgid alone cannot make again (CRIU makes a helper task for
# them) are checkpointed, and a restore refuses them (exit 2) before anything is made.
# unmakeable WHAT MESSAGE: checkpoints M, then a restore by every method into a fresh M2 refuses it naming MESSAGE
unmakeable() {
    local method
    procsim_checkpoint "$M" >"$BATS_TEST_TMPDIR/$1.json"
    M2=$(mktemp -d "${BATS_TEST_TMPDIR:-/tmp}/$1.XXXXXX")
    procsim_start "$M2"
    for method in clone3 eclone nsd ns_last_pid; do
        run procsim_restore --method "$method" "$M2" <"$BATS_TEST_TMPDIR/$1.json"
        echo "$output"
        [ "$status" -eq 2 ]
        [ "$output" = "procsim: restore: $2" ]
        [ "$(find "$M2" -mindepth 1 -maxdepth 1 -name '[0-9]*' -printf '%f\n')" = 1 ]
    done
    procsim_stop "$M2"
    rmdir "$M2"
    M2=
}

@test "a session whose leader is gone (a daemon's double fork), a group whose leader was reaped: checkpointed, and refused by a restore" {
    local a b d x y
    # x forks y, y calls setsid and forks the daemon d, y exits: d, init's now, stays in session y
    x=$(procsim_syscall "$M/1/task/1/syscall" fork)
    y=$(procsim_syscall "$M/$x/syscall" fork)
    [ "$(procsim_syscall "$M/$y/syscall" setsid)" = "$y" ]
    d=$(procsim_syscall "$M/$y/syscall" fork)
    procsim_syscall "$M/$y/syscall" "exit 0" >/dev/null
    [ "$(procsim_syscall "$M/$x/syscall" "wait4 $y")" = "$y status=0x0000" ]
    unmakeable session "session $y of $d is neither its parent's (1) nor its own: the parent it got its session from is gone (CRIU makes a helper task for such a process)"
    procsim_syscall "$M/1/task/1/syscall" "kill $x SIGKILL" >/dev/null
    procsim_syscall "$M/1/task/1/syscall" "kill $d SIGKILL" >/dev/null
    procsim_syscall "$M/1/task/1/syscall" "wait4 -1 __WALL" >/dev/null
    procsim_syscall "$M/1/task/1/syscall" "wait4 -1 __WALL" >/dev/null
    local c
    # c leads a group, forks d into it and exits: init reaps c, the group lives on in d (its number stays taken)
    c=$(procsim_syscall "$M/1/task/1/syscall" fork)
    procsim_syscall "$M/$c/syscall" "setpgid 0 0" >/dev/null
    d=$(procsim_syscall "$M/$c/syscall" fork)
    procsim_syscall "$M/$c/syscall" "exit 0" >/dev/null
    [ "$(procsim_syscall "$M/1/task/1/syscall" "wait4 $c")" = "$c status=0x0000" ]
    [ "$(procsim_syscall "$M/1/task/1/syscall" "getpgid $d")" = "$c" ]
    unmakeable group "group $c of $d has no leader in the image (no process $c in group $c): a restore makes a group by its leader's setpgid; this one needs a helper task (as CRIU makes)"
}

@test "a group leader's child in a new pid namespace (a shell job running unshare -fp), a session leader's child forked before its setsid: restored by every method" {
    local job ns a b
    job=$(procsim_syscall "$M/1/task/1/syscall" fork)
    procsim_syscall "$M/$job/syscall" "setpgid 0 0" >/dev/null
    ns=$(procsim_syscall "$M/$job/syscall" "clone CLONE_NEWPID|SIGCHLD")
    [ "$(procsim_syscall "$M/1/task/1/syscall" "getpgid $ns")" = "$job" ]
    a=$(procsim_syscall "$M/1/task/1/syscall" fork)
    b=$(procsim_syscall "$M/$a/syscall" fork)
    [ "$(procsim_syscall "$M/$a/syscall" setsid)" = "$a" ]
    checkpointed job
    grep -qx "session $ns sid=1 pgid=$job" "$BATS_TEST_TMPDIR/job.txt"
    grep -qx "session $a sid=$a pgid=$a" "$BATS_TEST_TMPDIR/job.txt"
    [ "$(grep -c "^session $b " "$BATS_TEST_TMPDIR/job.txt")" = 0 ] # b stays in init's 1/1
    restored_by_every_method job
}

# group_leader: a child of init that makes a group of its own (setpgid 0 0); its pid
group_leader() {
    local pid
    pid=$(procsim_syscall "$M/1/task/1/syscall" fork)
    procsim_syscall "$M/$pid/syscall" "setpgid 0 0" >/dev/null
    echo "$pid"
}

# setpgid_by PID GROUP: PID calls setpgid 0 GROUP (0: a group of its own)
setpgid_by() { procsim_syscall "$M/$1/syscall" "setpgid 0 $2" >/dev/null; }

@test "a group whose leader moved to another group after a member joined (setpgid 0 0, fork, setpgid 0 1), in the root pid namespace and in a nested one: restored by every method" {
    local leader member
    leader=$(group_leader)
    member=$(procsim_syscall "$M/$leader/syscall" fork)
    setpgid_by "$leader" 1
    [ "$(procsim_syscall "$M/1/task/1/syscall" "getpgid $member")" = "$leader" ]
    # the same inside a pid namespace: 20 (5 there) leaves its group for its namespace init's (1 there)
    procsim_syscall "$M/1/task/1/syscall" "clone3 flags=CLONE_NEWPID exit_signal=SIGCHLD set_tid=1,10" >/dev/null
    setpgid_by 10 0
    procsim_syscall "$M/10/syscall" "clone3 exit_signal=SIGCHLD set_tid=5,20" >/dev/null
    setpgid_by 20 0
    procsim_syscall "$M/20/syscall" "clone3 exit_signal=SIGCHLD set_tid=6,21" >/dev/null
    setpgid_by 20 1
    [ "$(procsim_syscall "$M/1/task/1/syscall" "getpgid 21")" = 20 ]
    checkpointed moved
    grep -qx "session $member sid=1 pgid=$leader" "$BATS_TEST_TMPDIR/moved.txt"
    grep -qx "session 21 sid=1 pgid=20" "$BATS_TEST_TMPDIR/moved.txt"
    [ "$(grep -c "^session $leader " "$BATS_TEST_TMPDIR/moved.txt")" = 0 ] # the leader is in init's 1/1
    restored_by_every_method moved
}

@test "moved group leaders in a chain (one joined a group whose leader then left it) and two that swapped groups while a member held one: restored by every method" {
    local to into member a b held pid group
    # into's child holds into's group; into joins to's group, and to goes back to init's, which into
    # alone holds then: into's move must come before to's
    to=$(group_leader)
    into=$(group_leader)
    member=$(procsim_syscall "$M/$into/syscall" fork)
    setpgid_by "$into" "$to"
    setpgid_by "$to" 1
    # a and b swap groups: a's child holds group a while b joins it
    a=$(group_leader)
    b=$(group_leader)
    held=$(procsim_syscall "$M/$a/syscall" fork)
    setpgid_by "$a" "$b"
    setpgid_by "$b" "$a"
    while read -r pid group; do
        [ "$(procsim_syscall "$M/1/task/1/syscall" "getpgid $pid")" = "$group" ]
    done <<<"$into $to
$member $into
$to 1
$a $b
$b $a
$held $a"
    checkpointed chain
    restored_by_every_method chain
}

@test "a checkpoint refuses what no restore can make: a zombie" {
    child=$(procsim_syscall "$M/1/task/1/syscall" fork)
    procsim_syscall "$M/$child/task/$child/syscall" "exit 0" >/dev/null
    run procsim_checkpoint "$M"
    [ "$status" -eq 1 ]
    [ "$output" = "procsim: checkpoint: task $child is a zombie: not supported" ]
}

@test "a signal pending for one thread alone (tkill: its SigPnd), which it blocks, is that thread's own-sigpending in the image" {
    child=$(procsim_syscall "$M/1/task/1/syscall" fork)
    tid=$(procsim_syscall "$M/$child/syscall" "clone CLONE_THREAD|CLONE_SIGHAND|CLONE_VM")
    procsim_syscall "$M/$child/task/$tid/syscall" "rt_sigprocmask SIG_BLOCK SIGUSR1" >/dev/null
    procsim_syscall "$M/$child/syscall" "tkill $tid SIGUSR1" >/dev/null
    [ "$(awk '$1 == "SigPnd:" { print $2 }' "$M/$child/task/$tid/status")" = 0000000000000200 ]
    [ "$(awk '$1 == "ShdPnd:" { print $2 }' "$M/$child/status")" = 0000000000000000 ]
    procsim_checkpoint "$M" >"$BATS_TEST_TMPDIR/own.json"
    "$PROCSIM_BIN" image show "$BATS_TEST_TMPDIR/own.json" >"$BATS_TEST_TMPDIR/own.txt"
    grep -qx "own-sigpending $tid signals=10" "$BATS_TEST_TMPDIR/own.txt"
    grep -qx "sigmask $tid signals=10" "$BATS_TEST_TMPDIR/own.txt"
    ! grep -q "^sigpending " "$BATS_TEST_TMPDIR/own.txt" || false
}

# shdpnd M PID: process PID's pending signals (status's ShdPnd)
shdpnd() { awk '$1 == "ShdPnd:" { print $2 }' "$1/$2/status"; }

@test "pending signals: a stopped process's and one every thread blocks are checkpointed, restored by every method, and act as before" {
    local stopped blocker tid method
    stopped=$(procsim_syscall "$M/1/task/1/syscall" fork)
    # it ignores SIGUSR1, one of which it blocked, got, and unblocked once stopped: the stop holds it
    procsim_syscall "$M/$stopped/syscall" "rt_sigaction SIGUSR1 SIG_IGN" >/dev/null
    procsim_syscall "$M/$stopped/syscall" "rt_sigprocmask SIG_BLOCK SIGUSR1" >/dev/null
    procsim_syscall "$M/$stopped/syscall" "kill $stopped SIGUSR1" >/dev/null
    procsim_syscall "$M/1/task/1/syscall" "kill $stopped SIGSTOP" >/dev/null
    procsim_syscall "$M/$stopped/syscall" "rt_sigprocmask SIG_SETMASK 0" >/dev/null
    procsim_syscall "$M/1/task/1/syscall" "kill $stopped SIGTERM" >/dev/null
    blocker=$(procsim_syscall "$M/1/task/1/syscall" fork)
    tid=$(procsim_syscall "$M/$blocker/syscall" "clone CLONE_THREAD|CLONE_SIGHAND|CLONE_VM")
    procsim_syscall "$M/$blocker/syscall" "rt_sigprocmask SIG_BLOCK SIGUSR2|SIGHUP" >/dev/null
    procsim_syscall "$M/$blocker/task/$tid/syscall" "rt_sigprocmask SIG_BLOCK SIGUSR2" >/dev/null
    procsim_syscall "$M/1/task/1/syscall" "kill $blocker SIGUSR2" >/dev/null
    [ "$(shdpnd "$M" "$stopped")" = 0000000000004200 ]
    [ "$(shdpnd "$M" "$blocker")" = 0000000000000800 ]
    checkpointed pnd
    grep -qx "sigpending $stopped signals=10,15" "$BATS_TEST_TMPDIR/pnd.txt"
    grep -qx "sigpending $blocker signals=12" "$BATS_TEST_TMPDIR/pnd.txt"
    grep -qx "sigmask $blocker signals=1,12" "$BATS_TEST_TMPDIR/pnd.txt"
    grep -qx "sigmask $tid signals=12" "$BATS_TEST_TMPDIR/pnd.txt"
    for method in clone3 eclone nsd ns_last_pid reference; do
        M2=$(mktemp -d "${BATS_TEST_TMPDIR:-/tmp}/pnd.XXXXXX")
        procsim_start "$M2"
        if [[ $method == reference ]]; then
            bash "$PROCSIM_ROOT/shell-tests/lib/reference-restorer.bash" "$M2" <"$BATS_TEST_TMPDIR/pnd.txt"
        else
            procsim_restore --method "$method" "$M2" <"$BATS_TEST_TMPDIR/pnd.json"
        fi
        diff "$BATS_TEST_TMPDIR/pnd.txt" <(procsim_checkpoint "$M2" | "$PROCSIM_BIN" image show - | grep -v -- '-times ')
        # they act as they would have: SIGCONT lets the SIGTERM kill; SIGUSR2 unblocked by the thread kills
        procsim_syscall "$M2/1/task/1/syscall" "kill $stopped SIGCONT" >/dev/null
        procsim_syscall "$M2/$blocker/task/$tid/syscall" "rt_sigprocmask SIG_UNBLOCK SIGUSR2" >/dev/null
        [ "$(procsim_syscall "$M2/1/task/1/syscall" "wait4 $stopped WNOHANG")" = "$stopped status=0x000f" ]
        [ "$(procsim_syscall "$M2/1/task/1/syscall" "wait4 $blocker WNOHANG")" = "$blocker status=0x000c" ]
        procsim_stop "$M2"
        rmdir "$M2"
    done
    M2=
}

@test "checkpoint, restore and image start from a CDS archive their first run made, picocli's classes in it; a rebuilt jar makes another, a damaged one is ignored" {
    export PROCSIM_CDS_DIR=$BATS_TEST_TMPDIR/cds PROCSIM_JAR=$BATS_TEST_TMPDIR/procsim.jar
    cp "$PROCSIM_ROOT/fuse-fs/target/procsim.jar" "$PROCSIM_JAR"
    # the class-load log goes to a file: stdout stays the command's
    export PROCSIM_JAVA_OPTS="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xlog:class+load:file=$BATS_TEST_TMPDIR/classes"
    show() { # the text form, exactly, and nothing on stderr
        "$PROCSIM_BIN" image show "$IMAGE" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err"
        cmp "$TEXT" "$BATS_TEST_TMPDIR/out"
        [ ! -s "$BATS_TEST_TMPDIR/err" ]
    }
    # a static archive (-Xshare:dump): a dynamic one (-XX:ArchiveClassesAtExit) cannot hold picocli's
    # classes, which are of Java 5's class file version
    from_archive() {
        grep -q 'procsim.restorer.ImageJson source: shared objects file$' "$BATS_TEST_TMPDIR/classes" &&
            grep -q 'picocli.CommandLine source: shared objects file$' "$BATS_TEST_TMPDIR/classes"
    }
    show
    ! from_archive || false
    archive=$(echo "$PROCSIM_CDS_DIR"/image-*.jsa)
    [ -s "$archive" ]
    show
    from_archive
    # the jar rebuilt (another size or time): a new archive replaces the old one
    touch -d '1 hour ago' "$PROCSIM_JAR"
    show
    ! from_archive || false
    [ ! -e "$archive" ]
    archive=$(echo "$PROCSIM_CDS_DIR"/image-*.jsa)
    [ -s "$archive" ]
    show
    from_archive
    # a damaged archive: the JVM ignores it, silently
    chmod u+w "$archive"
    echo junk >"$archive"
    show
    ! from_archive || false
    # a restore and a checkpoint make their own
    procsim_restore --method clone3 "$M" <"$IMAGE"
    procsim_checkpoint "$M" >/dev/null
    [ -s "$(echo "$PROCSIM_CDS_DIR"/restore-*.jsa)" ]
    [ -s "$(echo "$PROCSIM_CDS_DIR"/checkpoint-*.jsa)" ]
    # PROCSIM_CDS=0: none
    rm -r "$PROCSIM_CDS_DIR"
    PROCSIM_CDS=0 show
    [ ! -e "$PROCSIM_CDS_DIR" ]
}
