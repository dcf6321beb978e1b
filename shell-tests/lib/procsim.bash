# shellcheck shell=bash
# procsim.bash - start, stop and drive a procsim mount from bash.
#
# For bats tests (`load lib/procsim` from a file in shell-tests/) and for people at a prompt:
#
#     source shell-tests/lib/procsim.bash
#     M=$(mktemp -d)
#     procsim_start "$M"                              # mounted; $PROCSIM_PID is the daemon
#     cat "$M/1/status"
#     procsim_syscall "$M/1/task/1/syscall" fork      # prints the child's pid
#     procsim_stop "$M"
#
# Functions (each documented where it is defined):
#     procsim_start M [ARGS...]       start `bin/procsim mount M ARGS...` in the background, wait for it
#     procsim_stop M                  unmount M and reap its daemon; never hangs
#     procsim_require_fuse            skip (loudly) or fail when this machine has no FUSE
#     procsim_syscall FILE LINE       write LINE and read the reply on one open file
#     procsim_attach M PID TID [REAL] act as sim thread TID from now on
#     procsim_is_mounted M            true if a live procsim mount is at M
#     procsim_wait_exit PID SECS      wait for a process to end; its status if it is our child
#
# Environment:
#     PROCSIM_ROOT           the repository (default: two levels above this file)
#     PROCSIM_BIN            the launcher (default: $PROCSIM_ROOT/bin/procsim)
#     PROCSIM_START_TIMEOUT  seconds procsim_start waits for the mount (default 20)
#     PROCSIM_LOG_DIR        where daemon logs go (default: bats' tmpdir, else $TMPDIR or /tmp)
#     PROCSIM_REQUIRE_FUSE   1: a missing /dev/fuse fails instead of skipping (CI sets it)
#     PROCSIM_FUSE_DEVICE    the device procsim_require_fuse looks for (default /dev/fuse; tests of
#                            the skip itself point it elsewhere)
#     PROCSIM_JAR, PROCSIM_JAVA_OPTS, PROCSIM_LOG   passed on to bin/procsim and the daemon
#
# Every function is safe under `set -e` (bats runs tests with it): a failure is a return status.
#
# Set by procsim_start: PROCSIM_PID (the daemon), PROCSIM_MOUNT (M), PROCSIM_LOGFILE (the daemon's
# stdout and stderr). Set by procsim_stop: PROCSIM_EXIT (the daemon's exit status, if known).

if [[ -z ${PROCSIM_ROOT:-} ]]; then
    PROCSIM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fi
PROCSIM_BIN=${PROCSIM_BIN:-$PROCSIM_ROOT/bin/procsim}
export PROCSIM_ROOT PROCSIM_BIN

# Daemon pid per mountpoint, and the daemons this shell started (its children: for them a `wait`
# status of 127 is a real exit status, not "not a child"), for procsim_stop.
# (No "=()": sourcing the file again keeps what is running.)
declare -gA _PROCSIM_PIDS
declare -gA _PROCSIM_CHILDREN

# _procsim_abs PATH: PATH made absolute (it need not exist; a stale mount cannot be stat'ed).
_procsim_abs() {
    local p=$1
    [[ $p == /* ]] || p=$PWD/$p
    local parent
    parent=$(cd "$(dirname "$p")" 2>/dev/null && pwd -P) || {
        printf '%s\n' "$p"
        return
    }
    printf '%s/%s\n' "${parent%/}" "$(basename "$p")"
}

# _procsim_in_table M: true if anything is mounted at M (absolute), live or stale. (`mountpoint`
# cannot tell: on a stale mount its stat fails with "Transport endpoint is not connected".)
# /proc/self/mounts writes a space as \040; ENVIRON, unlike awk -v, keeps the backslash.
_procsim_in_table() {
    _PROCSIM_M=${1// /\\040} awk '$2 == ENVIRON["_PROCSIM_M"] { found = 1 } END { exit !found }' /proc/self/mounts
}

# procsim_is_mounted M
#   True if M is a live FUSE mount: in the mount table as fuse, and answering stat. A stale mount
#   left by a killed daemon is in the table but fails stat ("Transport endpoint is not connected").
procsim_is_mounted() {
    local m
    m=$(_procsim_abs "$1")
    mountpoint -q "$m" 2>/dev/null &&
        _PROCSIM_M=${m// /\\040} awk '$2 == ENVIRON["_PROCSIM_M"] && $3 ~ /^fuse/ { found = 1 } END { exit !found }' \
            /proc/self/mounts
}

# procsim_start M [ARGS...]
#   Starts `bin/procsim mount M ARGS...` in the background (creating M if missing), with its
#   stdout and stderr in a log file (in $PROCSIM_LOG_DIR, else bats' test or file tmpdir, else
#   $TMPDIR or /tmp; it is kept after the daemon ends), and waits up to $PROCSIM_START_TIMEOUT (20) seconds for the
#   daemon to report the mount live. On success exports PROCSIM_PID, PROCSIM_MOUNT and
#   PROCSIM_LOGFILE and returns 0. On failure prints the daemon's log to stderr, stops what was
#   started and returns 1. The daemon does not hold the caller's stdout, stderr or bats' fd 3, so
#   `$(...)` and bats never wait for it.
procsim_start() {
    local m=${1:?usage: procsim_start M [ARGS...]}
    shift
    mkdir -p "$m" 2>/dev/null || true # a stale mount fails mkdir -p; the daemon clears it
    m=$(_procsim_abs "$m")
    local log
    local dir=${PROCSIM_LOG_DIR:-${BATS_TEST_TMPDIR:-${BATS_FILE_TMPDIR:-${TMPDIR:-/tmp}}}}
    log=$(mktemp "$dir/procsim-daemon.XXXXXX") || return 1
    "$PROCSIM_BIN" mount "$m" "$@" </dev/null >"$log" 2>&1 3>&- &
    local pid=$! deadline=$((SECONDS + ${PROCSIM_START_TIMEOUT:-20}))
    _PROCSIM_PIDS[$m]=$pid
    _PROCSIM_CHILDREN[$pid]=1
    export PROCSIM_PID=$pid PROCSIM_MOUNT=$m PROCSIM_LOGFILE=$log
    while ((SECONDS < deadline)); do
        if ! kill -0 "$pid" 2>/dev/null; then
            local st=0
            wait "$pid" 2>/dev/null || st=$?
            unset '_PROCSIM_CHILDREN[$pid]'
            echo "procsim_start: the daemon for $m exited with status $st before mounting; its log:" >&2
            sed 's/^/    /' "$log" >&2
            unset '_PROCSIM_PIDS[$m]'
            return 1
        fi
        if grep -q '^procsim: mounted at ' "$log" 2>/dev/null && procsim_is_mounted "$m"; then
            return 0
        fi
        sleep 0.1
    done
    echo "procsim_start: no mount at $m after ${PROCSIM_START_TIMEOUT:-20} s; the daemon's log:" >&2
    sed 's/^/    /' "$log" >&2
    procsim_stop "$m" >/dev/null 2>&1 || true
    return 1
}

# _procsim_alive PID: true while PID runs (a zombie, or a process gone meanwhile, does not).
# Builtins only: no fork per poll.
_procsim_alive() {
    local line
    kill -0 "$1" 2>/dev/null || return 1
    { IFS= read -r line <"/proc/$1/stat"; } 2>/dev/null || return 1
    line=${line##*) }
    [[ ${line%% *} != Z ]]
}

# _procsim_now_us: wall-clock microseconds (EPOCHREALTIME, whatever the locale's decimal point).
_procsim_now_us() {
    local t=${EPOCHREALTIME//[.,]/}
    printf '%s\n' "$((10#$t))"
}

# procsim_wait_exit PID SECONDS
#   Waits up to SECONDS (wall clock) for process PID to end. Returns its exit status if it is a
#   child of this shell (0 for another process), or 124 if it is still running at the deadline.
procsim_wait_exit() {
    local pid=${1:?usage: procsim_wait_exit PID SECONDS} secs=${2:-10} deadline
    deadline=$(($(_procsim_now_us) + secs * 1000000))
    while _procsim_alive "$pid"; do
        if (($(_procsim_now_us) >= deadline)); then
            return 124
        fi
        sleep 0.1
    done
    # `wait` gives a child's status (bash keeps it even if it reaped the child already) and fails
    # at once with 127 for a process that is not our child.
    local st=0
    wait "$pid" 2>/dev/null || st=$?
    if ((st == 127)) && [[ -z ${_PROCSIM_CHILDREN[$pid]:-} ]]; then
        st=0
    fi
    unset '_PROCSIM_CHILDREN[$pid]'
    return "$st"
}

# _procsim_daemon_of M: the pid of the daemon serving M (from procsim_start, else from the
# process table: a process whose command line is `... mount M ...`), or nothing.
_procsim_daemon_of() {
    local m=$1 pid f
    pid=${_PROCSIM_PIDS[$m]:-}
    if [[ -z $pid && ${PROCSIM_MOUNT:-} == "$m" ]]; then
        pid=${PROCSIM_PID:-}
    fi
    if [[ -z $pid ]]; then
        for f in /proc/[0-9]*/cmdline; do
            if tr '\0' '\n' <"$f" 2>/dev/null | grep -qx -- "$m" &&
                tr '\0' '\n' <"$f" 2>/dev/null | grep -q 'procsim'; then
                pid=${f#/proc/}
                pid=${pid%/cmdline}
                break
            fi
        done
    fi
    printf '%s\n' "$pid"
}

# _procsim_threads PID: each thread of PID with its state and kernel wait channel (a diagnosis
# for a daemon that does not exit: a thread in state D is stuck in the kernel).
_procsim_threads() {
    local t
    for t in /proc/"$1"/task/*; do
        printf '    thread %s %s state %s wchan %s\n' "${t##*/}" "$(cat "$t/comm" 2>/dev/null)" \
            "$(awk '{ print $3 }' "$t/stat" 2>/dev/null)" "$(cat "$t/wchan" 2>/dev/null)"
    done 2>/dev/null | sort -k5 | uniq -c -f2 | head -20
}

# procsim_stop M
#   Unmounts M (`umount M`, lazily if busy) and waits for its daemon to exit; if the daemon does
#   not exit within 20 s it gets SIGTERM, then SIGKILL, and a stale mount left behind is detached.
#   Never hangs. Sets PROCSIM_EXIT to the daemon's exit status (when it is our child; else 0) and
#   returns 0 if the daemon exited by itself after the unmount, 1 otherwise. Safe to call twice, and
#   on a mountpoint with no daemon (it then just clears a stale mount).
procsim_stop() {
    local m=${1:?usage: procsim_stop M}
    m=$(_procsim_abs "$m")
    local pid rc=0
    pid=$(_procsim_daemon_of "$m")
    if _procsim_in_table "$m"; then
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
    fi
    PROCSIM_EXIT=0
    if [[ -n $pid ]]; then
        procsim_wait_exit "$pid" 20 || PROCSIM_EXIT=$?
        if ((PROCSIM_EXIT == 124)); then
            echo "procsim_stop: daemon $pid for $m still running 20 s after the unmount: SIGTERM" >&2
            _procsim_threads "$pid" >&2
            kill -TERM "$pid" 2>/dev/null || true
            PROCSIM_EXIT=0
            procsim_wait_exit "$pid" 5 || PROCSIM_EXIT=$?
            if ((PROCSIM_EXIT == 124)); then
                kill -KILL "$pid" 2>/dev/null || true
                PROCSIM_EXIT=0
                procsim_wait_exit "$pid" 5 || PROCSIM_EXIT=$?
            fi
            rc=1
        fi
    fi
    # Whatever is left (a stale mount of a killed daemon) goes too.
    if _procsim_in_table "$m"; then
        umount -l "$m" 2>/dev/null || true
    fi
    unset '_PROCSIM_PIDS[$m]'
    export PROCSIM_EXIT
    return "$rc"
}

# procsim_require_fuse
#   For a bats setup (or setup_file, or a test): when this machine cannot mount FUSE (no
#   /dev/fuse), skips the test with a loud message, or fails it if PROCSIM_REQUIRE_FUSE=1 (CI,
#   where a skipped suite would hide a broken machine). Bats cannot skip from setup_file: there it
#   only prints the message (once) and returns 0, and the call in setup skips each test. Outside
#   bats it prints the message and returns 1. A missing jar or java is never a reason to skip: it
#   fails, naming the build command.
procsim_require_fuse() {
    local why="" dev=${PROCSIM_FUSE_DEVICE:-/dev/fuse}
    if [[ ! -c $dev ]]; then
        why="$dev is missing (no FUSE in this machine or container; try: modprobe fuse, or run the container with --device /dev/fuse)"
    fi
    if [[ -n $why ]]; then
        local msg="!!! PROCSIM FUSE TESTS NOT RUN: $why !!!"
        if [[ ${PROCSIM_REQUIRE_FUSE:-0} == 1 ]]; then
            echo "$msg (PROCSIM_REQUIRE_FUSE=1: failing)" >&2
            return 1
        fi
        if declare -F skip >/dev/null; then
            if [[ " ${FUNCNAME[*]} " == *" setup_file "* ]]; then
                { echo "# $msg (set PROCSIM_REQUIRE_FUSE=1 to fail instead)" >&3; } 2>/dev/null || true
                return 0
            fi
            skip "$msg"
        fi
        echo "$msg" >&2
        return 1
    fi
    local jar=${PROCSIM_JAR:-$PROCSIM_ROOT/fuse-fs/target/procsim.jar}
    if [[ ! -f $jar ]]; then
        echo "procsim: $jar is missing: build it with 'make build' (or: mvn -B -q -DskipTests package)" >&2
        return 1
    fi
    if ! command -v java >/dev/null; then
        echo "procsim: java is not on PATH (install a JDK 17)" >&2
        return 1
    fi
}

# procsim_syscall FILE LINE
#   Opens FILE (a syscall file, M/<pid>/task/<tid>/syscall) read-write on one descriptor, writes
#   LINE plus a newline, reads the reply line from the same descriptor and prints it. Returns the
#   write's status, so a failed syscall shows as bash's "write error: Device or resource busy" on
#   stderr and a non-zero status, while the reply ("-1 EBUSY") is still printed.
procsim_syscall() {
    local file=${1:?usage: procsim_syscall FILE LINE} line=${2?usage: procsim_syscall FILE LINE}
    local fd rc=0 reply=""
    exec {fd}<>"$file" || return
    printf '%s\n' "$line" >&"$fd" || rc=$?
    IFS= read -r reply <&"$fd" || true
    exec {fd}>&-
    printf '%s\n' "$reply"
    return "$rc"
}

# procsim_attach M PID TID [REALPID]
#   Binds a real process to sim thread TID of sim process PID: from then on it (and the real
#   processes it starts) act as that thread. REALPID defaults to the calling shell ($BASHPID, so a
#   subshell attaches itself, not its parent).
procsim_attach() {
    local m=${1:?usage: procsim_attach M PID TID [REALPID]} pid=${2:?usage: procsim_attach M PID TID [REALPID]}
    local tid=${3:?usage: procsim_attach M PID TID [REALPID]}
    echo "${4:-$BASHPID}" >"$m/$pid/task/$tid/attach"
}

# procsim_setup_file [ARGS...]
#   For a bats setup_file: requires FUSE (procsim_require_fuse), makes a fresh mountpoint, exports
#   it as M and starts a daemon on it with ARGS. Pair it with procsim_teardown_file.
procsim_setup_file() {
    procsim_require_fuse || return
    M=$(mktemp -d "${BATS_FILE_TMPDIR:-${TMPDIR:-/tmp}}/mnt.XXXXXX") || return
    export M
    procsim_start "$M" "$@"
}

# procsim_teardown_file: unmounts M, reaps its daemon and removes the mountpoint.
procsim_teardown_file() {
    [[ -n ${M:-} ]] || return 0
    procsim_stop "$M" || true
    rmdir "$M" 2>/dev/null || true
}
