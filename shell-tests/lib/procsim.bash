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
#     procsim_wait_exit PID [SECS]    wait for a process to end; its status if it is our child
#     procsim_setup_file [ARGS...], procsim_teardown_file   a mount M for a bats file
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
# Every function is safe under `set -euo pipefail` (bats runs tests with -e): it runs with the
# caller's -e, -u and pipefail off and puts them back (_procsim_guarded), so a failure is a return
# status, never the end of the caller. A bad argument (a missing or extra operand, an unknown
# option, a word where a number belongs, a path that is not there) returns 2 with one line on
# stderr, `FUNCTION: what is wrong`, and changes nothing.
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

# _procsim_guarded FUNCTION ARG...: runs FUNCTION with the caller's set -e, -E, -u and pipefail
# off, puts them back and returns FUNCTION's status. The libraries check every step themselves:
# under the caller's -u a value left empty on purpose would end the caller's shell, and under -e,
# -E (bats' ERR trap) or pipefail so would a probe meant to fail (grep -q, kill -0).
_procsim_guarded() {
    local _procsim_flags=$- _procsim_pipefail=0 _procsim_rc=0
    if [[ -o pipefail ]]; then _procsim_pipefail=1; fi
    set +eEu +o pipefail
    "$@" || _procsim_rc=$?
    [[ $_procsim_flags != *e* ]] || set -e
    [[ $_procsim_flags != *E* ]] || set -E
    [[ $_procsim_flags != *u* ]] || set -u
    ((_procsim_pipefail == 0)) || set -o pipefail
    return "$_procsim_rc"
}

# _procsim_usage FUNCTION USAGE [WHY]: says "FUNCTION: WHY (usage: USAGE)", or without WHY
# "FUNCTION: usage: USAGE", on stderr; returns 2.
_procsim_usage() {
    if [[ -n ${3:-} ]]; then
        printf '%s: %s (usage: %s)\n' "$1" "$3" "$2" >&2
    else
        printf '%s: usage: %s\n' "$1" "$2" >&2
    fi
    return 2
}

# _procsim_args FUNCTION USAGE MIN MAX NAME ARG...: true if MIN to MAX ARGs were given and the
# first (the operand NAME) is neither empty nor an option; else says which (2).
_procsim_args() {
    local f=$1 usage=$2 min=$3 max=$4 name=$5
    shift 5
    if (($# < min || $# > max)) || { ((min > 0)) && [[ -z $1 ]]; }; then
        _procsim_usage "$f" "$usage"
    elif [[ ${1:-} == -* ]]; then
        _procsim_usage "$f" "$usage" "unknown option '$1' where $name was expected"
    fi
}

# _procsim_num FUNCTION NAME VALUE: true if VALUE is a decimal number that bash arithmetic takes
# as written (no sign, no leading zero: 010 would be octal; at most 9 digits); else says so (2).
# (bash evaluates any other word in $(( )) as an expression: a name, or code.)
_procsim_num() {
    [[ $3 =~ ^(0|[1-9][0-9]{0,8})$ ]] && return 0
    printf "%s: %s is not a number: '%s'\n" "$1" "$2" "$3" >&2
    return 2
}

# _procsim_mount FUNCTION M: true if M is a procsim mount (it has M/1/task/1/next_syscall_data,
# which no real /proc has); else says so (2).
_procsim_mount() {
    [[ -f $2/1/task/1/next_syscall_data ]] && return 0
    echo "$1: $2 is not a procsim mount (no $2/1/task/1/next_syscall_data)" >&2
    return 2
}

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

# _procsim_in_table M [ANY]: true if procsim (source "procsim", type fuse) is mounted at M
# (absolute), live or stale; with ANY, if anything is. (`mountpoint` cannot tell: on a stale mount
# its stat fails with "Transport endpoint is not connected".) /proc/self/mounts writes a space as
# \040; ENVIRON, unlike awk -v, keeps the backslash.
_procsim_in_table() {
    _PROCSIM_M=${1// /\\040} _PROCSIM_ANY=${2:-} awk '$2 == ENVIRON["_PROCSIM_M"] &&
        (ENVIRON["_PROCSIM_ANY"] != "" || ($1 == "procsim" && $3 ~ /^fuse/)) { found = 1 } END { exit !found }' /proc/self/mounts
}

# procsim_is_mounted M
#   True if M is a live FUSE mount: in the mount table as fuse, and answering stat. A stale mount
#   left by a killed daemon is in the table but fails stat ("Transport endpoint is not connected").
procsim_is_mounted() { _procsim_guarded _procsim_is_mounted "$@"; }
# _procsim_is_mounted M: procsim_is_mounted's body
_procsim_is_mounted() {
    _procsim_args procsim_is_mounted "procsim_is_mounted M" 1 1 M "$@" || return
    local m
    m=$(_procsim_abs "$1")
    mountpoint -q "$m" 2>/dev/null || return 1 # (its own status for "no" is 32)
    _procsim_in_table "$m"
}

# procsim_start M [ARGS...]
#   Starts `bin/procsim mount M ARGS...` in the background (creating M if missing), with its
#   stdout and stderr in a log file (in $PROCSIM_LOG_DIR, else bats' test or file tmpdir, else
#   $TMPDIR or /tmp; it is kept after the daemon ends), and waits up to $PROCSIM_START_TIMEOUT (20) seconds for the
#   daemon to report the mount live. On success exports PROCSIM_PID, PROCSIM_MOUNT and
#   PROCSIM_LOGFILE and returns 0. M already a live mount is a bad argument (2). A daemon that
#   exits before mounting (an option it refuses) is one line on stderr, its first complaint, and
#   1; one that does not mount in time is stopped, its log printed, and 1. PROCSIM_LOGFILE names
#   the log in every case. The daemon does not hold the caller's stdout, stderr or bats' fd 3, so
#   `$(...)` and bats never wait for it.
procsim_start() { _procsim_guarded _procsim_start "$@"; }
# _procsim_start M [ARGS...]: procsim_start's body
_procsim_start() {
    _procsim_args procsim_start "procsim_start M [ARGS...]" 1 100000 M "$@" || return
    local m=$1 timeout=${PROCSIM_START_TIMEOUT:-20}
    shift
    _procsim_num procsim_start PROCSIM_START_TIMEOUT "$timeout" || return
    mkdir -p "$m" 2>/dev/null || true # a stale mount fails mkdir -p; the daemon clears it
    if _procsim_is_mounted "$m"; then
        echo "procsim_start: $m is already a live mount (procsim_stop it first)" >&2
        return 2
    fi
    m=$(_procsim_abs "$m")
    local log
    local dir=${PROCSIM_LOG_DIR:-${BATS_TEST_TMPDIR:-${BATS_FILE_TMPDIR:-${TMPDIR:-/tmp}}}}
    log=$(mktemp "$dir/procsim-daemon.XXXXXX") || return 1
    export PROCSIM_LOGFILE=$log
    "$PROCSIM_BIN" mount "$m" "$@" </dev/null >"$log" 2>&1 3>&- &
    local pid=$! deadline=$((SECONDS + timeout))
    _PROCSIM_PIDS[$m]=$pid
    _PROCSIM_CHILDREN[$pid]=1
    while ((SECONDS < deadline)); do
        if ! kill -0 "$pid" 2>/dev/null; then
            local st=0 why
            wait "$pid" 2>/dev/null || st=$?
            unset '_PROCSIM_CHILDREN[$pid]' '_PROCSIM_PIDS[$m]'
            why=$(sed -n 's/^procsim: //p' "$log" | head -1)
            [[ -n $why ]] || why=$(grep -m 1 . "$log")
            echo "procsim_start: the daemon exited with status $st before mounting $m: ${why:-no message} (its log: $log)" >&2
            return 1
        fi
        if grep -q '^procsim: mounted at ' "$log" 2>/dev/null && _procsim_is_mounted "$m"; then
            export PROCSIM_PID=$pid PROCSIM_MOUNT=$m
            return 0
        fi
        sleep 0.1
    done
    echo "procsim_start: no mount at $m after $timeout s; the daemon's log:" >&2
    sed 's/^/    /' "$log" >&2
    _procsim_stop "$m" >/dev/null 2>&1 || true
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

# procsim_wait_exit PID [SECONDS]
#   Waits up to SECONDS (wall clock, default 10) for process PID to end. Returns its exit status if
#   it is a child of this shell (0 for another process), or 124 if it is still running at the
#   deadline.
procsim_wait_exit() { _procsim_guarded _procsim_wait_exit "$@"; }
# _procsim_wait_exit PID [SECONDS]: procsim_wait_exit's body
_procsim_wait_exit() {
    _procsim_args procsim_wait_exit "procsim_wait_exit PID [SECONDS]" 1 2 PID "$@" || return
    local pid=$1 secs=${2:-10} deadline
    _procsim_num procsim_wait_exit PID "$pid" && _procsim_num procsim_wait_exit SECONDS "$secs" || return
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
# process table: a process whose command line names procsim and has `mount M`), or nothing.
_procsim_daemon_of() {
    local m=$1 pid f
    pid=${_PROCSIM_PIDS[$m]:-}
    if [[ -z $pid && ${PROCSIM_MOUNT:-} == "$m" ]]; then
        pid=${PROCSIM_PID:-}
    fi
    if [[ -z $pid ]]; then
        for f in /proc/[0-9]*/cmdline; do
            if tr '\0' '\n' <"$f" 2>/dev/null | _PROCSIM_M=$m awk '/procsim/ { named = 1 }
                    prev == "mount" && $0 == ENVIRON["_PROCSIM_M"] { found = 1 } { prev = $0 }
                    END { exit !(named && found) }'; then
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
procsim_stop() { _procsim_guarded _procsim_stop "$@"; }
# _procsim_stop M: procsim_stop's body
_procsim_stop() {
    _procsim_args procsim_stop "procsim_stop M" 1 1 M "$@" || return
    local m
    m=$(_procsim_abs "$1")
    if ! _procsim_in_table "$m" && _procsim_in_table "$m" any; then
        echo "procsim_stop: $m is mounted, but not by procsim: left alone" >&2
        return 2
    fi
    local pid rc=0
    pid=$(_procsim_daemon_of "$m")
    if _procsim_in_table "$m"; then
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
    fi
    PROCSIM_EXIT=0
    if [[ -n $pid ]]; then
        _procsim_wait_exit "$pid" 20 || PROCSIM_EXIT=$?
        if ((PROCSIM_EXIT == 124)); then
            echo "procsim_stop: daemon $pid for $m still running 20 s after the unmount: SIGTERM" >&2
            _procsim_threads "$pid" >&2
            kill -TERM "$pid" 2>/dev/null || true
            PROCSIM_EXIT=0
            _procsim_wait_exit "$pid" 5 || PROCSIM_EXIT=$?
            if ((PROCSIM_EXIT == 124)); then
                kill -KILL "$pid" 2>/dev/null || true
                PROCSIM_EXIT=0
                _procsim_wait_exit "$pid" 5 || PROCSIM_EXIT=$?
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
# shellcheck disable=SC2120 # its "$@" is there to be refused: it takes no arguments
procsim_require_fuse() { _procsim_guarded _procsim_require_fuse "$@"; }
# _procsim_require_fuse: procsim_require_fuse's body
_procsim_require_fuse() {
    _procsim_args procsim_require_fuse procsim_require_fuse 0 0 "" "$@" || return
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
#   stderr and a non-zero status, while the reply ("-1 EBUSY") is still printed. A FILE that is
#   not there is a bad argument (2), never a file created.
procsim_syscall() { _procsim_guarded _procsim_syscall "$@"; }
# _procsim_syscall FILE LINE: procsim_syscall's body
_procsim_syscall() {
    _procsim_args procsim_syscall "procsim_syscall FILE LINE" 2 2 FILE "$@" || return
    local file=$1 line=$2 fd rc=0 reply=""
    # (<> creates a missing file: a mistyped path would leave one behind)
    [[ -e $file ]] || { echo "procsim_syscall: no such file: $file" >&2; return 2; }
    { exec {fd}<>"$file"; } 2>/dev/null || { echo "procsim_syscall: cannot open $file read-write" >&2; return 1; }
    printf '%s\n' "$line" >&"$fd" || rc=$?
    IFS= read -r reply <&"$fd" || true
    exec {fd}>&-
    printf '%s\n' "$reply"
    return "$rc"
}

# procsim_attach M PID TID [REALPID]
#   Binds a real process to sim thread TID of sim process PID: from then on it (and the real
#   processes it starts) act as that thread. REALPID defaults to the calling shell ($BASHPID, so a
#   subshell attaches itself, not its parent). A refused bind is one line with the errno's text
#   (status 1).
procsim_attach() { _procsim_guarded _procsim_attach "$@"; }
# _procsim_attach M PID TID [REALPID]: procsim_attach's body
_procsim_attach() {
    _procsim_args procsim_attach "procsim_attach M PID TID [REALPID]" 3 4 M "$@" || return
    local m=$1 pid=$2 tid=$3 real=${4:-$BASHPID} err
    _procsim_num procsim_attach PID "$pid" && _procsim_num procsim_attach TID "$tid" &&
        _procsim_num procsim_attach REALPID "$real" || return
    local f=$m/$pid/task/$tid/attach
    [[ -e $f ]] || { echo "procsim_attach: no sim thread $tid of process $pid in $m" >&2; return 2; }
    # (the write in a subshell, to keep bash's message: a descendant acts as this shell does)
    err=$({ printf '%s\n' "$real" >"$f"; } 2>&1) && return 0
    echo "procsim_attach: cannot bind real pid $real to sim thread $tid of process $pid: ${err##*: }" >&2
    return 1
}

# procsim_setup_file [ARGS...]
#   For a bats setup_file: requires FUSE (procsim_require_fuse), makes a fresh mountpoint, exports
#   it as M and starts a daemon on it with ARGS. Pair it with procsim_teardown_file. Where FUSE
#   is missing it starts nothing and returns 0 (each test's procsim_require_fuse then skips).
procsim_setup_file() { _procsim_guarded _procsim_setup_file "$@"; }
# _procsim_setup_file [ARGS...]: procsim_setup_file's body
_procsim_setup_file() {
    procsim_require_fuse || return
    [[ -c ${PROCSIM_FUSE_DEVICE:-/dev/fuse} ]] || return 0
    M=$(mktemp -d "${BATS_FILE_TMPDIR:-${TMPDIR:-/tmp}}/mnt.XXXXXX") || return
    export M
    _procsim_start "$M" "$@"
}

# procsim_teardown_file: unmounts M, reaps its daemon and removes the mountpoint.
procsim_teardown_file() { _procsim_guarded _procsim_teardown_file "$@"; }
# _procsim_teardown_file: procsim_teardown_file's body
_procsim_teardown_file() {
    _procsim_args procsim_teardown_file procsim_teardown_file 0 0 "" "$@" || return
    [[ -n ${M:-} ]] || return 0
    _procsim_stop "$M" || true
    rmdir "$M" 2>/dev/null || true
}
