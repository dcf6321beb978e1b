# shellcheck shell=bash
# restart.bash - checkpoint a sim process tree through the mount, and restore it with its ids:
# the bash face of `procsim checkpoint` and `procsim restore` (the restorer module, in Java), and
# a scenario builder.
#
#     source shell-tests/lib/restart.bash          # (it sources procsim.bash too)
#     procsim_scenario M --procs 20 --depth 3 --threads 2 --pidns 3 --ipc 2 --files 2
#     procsim_checkpoint M > image.json
#     procsim_restore --method clone3 M2 < image.json     # nsd | ns_last_pid | clone3 | eclone
#     diff <(procsim image show image.json) <(procsim_checkpoint M2 | procsim image show -)
#
# The image is JSON, versioned (docs/image-format.md); `procsim image show` prints it as sorted
# text lines that diff cleanly. `procsim restore M --method X --dry-run < image.json` prints each
# file and line a restore would write. shell-tests/lib/reference-restorer.bash restores the text
# form by hand, with echo and cat.
#
# As procsim.bash's, each public function is safe under `set -euo pipefail`: a bad argument
# returns 2 with one line on stderr, `FUNCTION: what is wrong`, and changes nothing; what goes
# wrong later says `procsim: checkpoint|restore|scenario...: why` (a refused image: 2, a failed
# and rolled-back restore: 1).

# shellcheck source=procsim.bash
source "$(dirname "${BASH_SOURCE[0]}")/procsim.bash"

# _rs_die MESSAGE...: says "procsim: MESSAGE" on stderr; returns 1.
_rs_die() {
    echo "procsim: $*" >&2
    return 1
}

# _rs_status FILE: sets _RS_NAME _RS_PPID _RS_NSPID (comma list) from a status file
_rs_status() {
    local key v1 rest
    _RS_NAME="" _RS_PPID="" _RS_NSPID=""
    while IFS=$'\t' read -r key v1 rest; do
        case $key in
            Name:) _RS_NAME=$v1 ;;
            PPid:) _RS_PPID=$v1 ;;
            NSpid:) _RS_NSPID=$v1${rest:+,${rest//$'\t'/,}} ;;
        esac
    done <"$1"
}

# procsim_checkpoint M: prints the JSON image of every sim task but init, and the IPC objects
# (`procsim checkpoint M`).
procsim_checkpoint() { _procsim_guarded _rs_checkpoint "$@"; }
# _rs_checkpoint M: procsim_checkpoint's body
_rs_checkpoint() {
    _procsim_args procsim_checkpoint "procsim_checkpoint M" 1 1 M "$@" || return
    _procsim_mount procsim_checkpoint "$1" || return
    "$PROCSIM_BIN" checkpoint "$1"
}

# procsim_restore [--method M] MOUNT < IMAGE
#   Recreates the image's tasks, fds and IPC objects with their ids (`procsim restore MOUNT
#   --method M`, clone3 by default): nsd, ns_last_pid, clone3 or eclone. On a failure it says which
#   id failed, why, and which task holds it, removes everything it made, and returns 1; an image
#   it cannot restore is refused before anything is made (2).
procsim_restore() { _procsim_guarded _rs_restore "$@"; }
# _rs_restore [--method M] MOUNT < IMAGE: procsim_restore's body
_rs_restore() {
    local method=clone3 m="" usage="procsim_restore [--method nsd|ns_last_pid|clone3|eclone] M < IMAGE"
    while (($#)); do
        case $1 in
            --method) (($# >= 2)) || { _procsim_usage procsim_restore "$usage"; return; }
                method=$2; shift 2 ;;
            --method=*) method=${1#*=}; shift ;;
            -*) _procsim_usage procsim_restore "$usage" "unknown option '$1'"; return ;;
            *) [[ -z $m ]] || { _procsim_usage procsim_restore "$usage"; return; }
                m=$1; shift ;;
        esac
    done
    [[ -n $m ]] || { _procsim_usage procsim_restore "$usage"; return; }
    case $method in
        nsd | ns_last_pid | clone3 | eclone) ;;
        *) _procsim_usage procsim_restore "$usage" "unknown method '$method'"; return ;;
    esac
    _procsim_mount procsim_restore "$m" || return
    if [[ -t 0 ]]; then
        echo "procsim_restore: the image comes on stdin, not a terminal (procsim_restore M < image.json)" >&2
        return 2
    fi
    "$PROCSIM_BIN" restore "$m" --method "$method"
}

# Open syscall files, one per task, kept while a scenario is built.
declare -gA _RS_FD=()

# _rs_sysfd PID TID: sets REPLY to an fd open on TID's syscall file (kept in _RS_FD)
_rs_sysfd() {
    local key="$1/$2" fd
    if [[ -z ${_RS_FD[$key]:-} ]]; then
        _rs_syspath "$1" "$2"
        exec {fd}<>"$_RS_PATH" ||
            { _rs_die "cannot open $_RS_PATH (one stays open per task; ulimit -n is $(ulimit -n))"; return 1; }
        _RS_FD[$key]=$fd
    fi
    REPLY=${_RS_FD[$key]}
}
# _rs_syspath PID TID: sets _RS_PATH to M/PID/syscall (the leader's, as in Linux's /proc/PID: two
# lookups, not four) or M/PID/task/TID/syscall
_rs_syspath() {
    if [[ $1 == "$2" ]]; then _RS_PATH=$_RS_M/$1/syscall; else _RS_PATH=$_RS_M/$1/task/$2/syscall; fi
}
# _rs_close_fds: closes the syscall files _rs_sysfd opened
_rs_close_fds() {
    local fd
    for fd in "${_RS_FD[@]}"; do exec {fd}>&-; done
    _RS_FD=()
}

# _rs_call PID TID LINE: makes TID of PID run LINE; sets REPLY to the reply; returns the write's status
_rs_call() {
    _rs_sysfd "$1" "$2" || return 1
    local fd=$REPLY rc=0
    printf '%s\n' "$3" 1>&"$fd" 2>/dev/null || rc=$?
    IFS= read -r REPLY <&"$fd" || true
    return "$rc"
}

# procsim_scenario M [--procs N] [--depth D] [--threads T] [--pidns L] [--ipc Q] [--files F] [--sigactions 0|1] [--sessions 0|1] [--seed S]
#   Builds an interesting tree in a live mount, through the syscall files (as the operator):
#   a chain of L nested pid namespaces (0-3, each made by its parent with CLONE_NEWPID), then
#   processes up to N in all, each forked from a random earlier one at most D deep; T threads in
#   every fifth process (the newest named t<tid>); F open files (at random offsets) in every third; Q message queues (with
#   two messages), semaphore sets and shm segments (the second of each given uid 1000, gid 100 and
#   other perms by IPC_SET; the second queue qbytes 8192), attached by every fourth process (their
#   children inherit the attaches); every seventh process execs (comm w<pid>), every thirteenth
#   asks for SIGUSR1 instead of SIGCHLD to be sent to its parent when it exits,
#   every eleventh leaf runs as gid 100 and uid 1000, every seventeenth is a child subreaper,
#   every nineteenth keeps only two capabilities (keepcaps set), with --sigactions 1 every sixth
#   from the third catches SIGUSR1 (SA_RESTART|SA_RESETHAND) and ignores SIGHUP, every ninth
#   from the fifth sets SA_NOCLDSTOP|SA_NOCLDWAIT on SIGCHLD, every sixteenth from the fourth
#   (without threads) blocks SIGUSR2 and sends itself one (pending), every tenth from the sixth (with threads)
#   blocks SIGINT and its newest thread SIGUSR1 and SIGRTMAX, a SIGUSR1 pending for that thread
#   alone (tkill) (default 0: none of these, the
#   restore bench's tree as before), and every twenty-third from the fifth is stopped (SIGSTOP) at
#   the end (with --sigactions 1, then sent a SIGTERM, which waits). With --sessions 1 (default 0:
#   every process in init's group and session, the restore bench's tree as before) every sixth
#   from the second calls setsid as soon as it is made, before it forks (the second is the level-2
#   namespace's init: a session inside a nested namespace), then every fifth from the fourth that
#   leads no session leads a group (setpgid 0 0), and every fourth from the third that leads
#   neither joins the last such group of its session and pid namespace (often one made after it).
#   Deterministic for a seed.
#   Prints the root pids made.
procsim_scenario() { _procsim_guarded _rs_scenario "$@"; }
# _rs_scenario M [OPTIONS]: procsim_scenario's body; the syscall files it opened are closed however it ends
_rs_scenario() {
    local rc=0
    _rs_build "$@" || rc=$?
    _rs_close_fds
    return "$rc"
}
# _rs_do PID TID LINE: _rs_call, or says which call failed and why
_rs_do() {
    _rs_call "$@" || _rs_die "scenario: $3 in $2: $REPLY"
}
# _rs_build M [OPTIONS]: builds the scenario (procsim_scenario's work)
_rs_build() {
    local usage="procsim_scenario M [--procs N] [--depth D] [--threads T] [--pidns 0-3] [--ipc Q] [--files F] [--sigactions 0|1] [--sessions 0|1] [--seed S]"
    local procs=10 depth=3 threads=0 pidns=0 ipc=0 files=0 sigactions=0 sessions=0 seed=1
    local m=""
    while (($#)); do
        case $1 in
            --procs | --depth | --threads | --pidns | --ipc | --files | --sigactions | --sessions | --seed)
                (($# >= 2)) || { _procsim_usage procsim_scenario "$usage" "$1 wants a value"; return; }
                _procsim_num procsim_scenario "$1" "$2" || return
                printf -v "${1#--}" '%s' "$2" # the local of the option's name
                shift 2 ;;
            -*) _procsim_usage procsim_scenario "$usage" "unknown option '$1'"; return ;;
            *) [[ -z $m ]] || { _procsim_usage procsim_scenario "$usage" "one mount only, not '$1' too"; return; }
                m=$1; shift ;;
        esac
    done
    [[ -n $m ]] || { _procsim_usage procsim_scenario "$usage"; return; }
    ((depth >= 1)) || { echo "procsim_scenario: --depth is 1 or more" >&2; return 2; }
    ((pidns <= 3)) || { echo "procsim_scenario: --pidns is 0 to 3" >&2; return 2; }
    _procsim_mount procsim_scenario "$m" || return
    RANDOM=$seed
    local -a made=() candidates=(1)
    local -A dep=([1]=0) lvl=([1]=0)
    local parent child i j
    _RS_M=$m
    # nested namespaces: init -> A -> B -> C
    parent=1
    for ((i = 0; i < pidns && ${#made[@]} < procs; i++)); do
        _rs_call "$parent" "$parent" "clone CLONE_NEWPID|SIGCHLD" || { _rs_die "scenario: $REPLY"; return 1; }
        child=$(_rs_root_of_child "$m" "$parent" "$REPLY" "${lvl[$parent]}")
        dep[$child]=$((dep[$parent] + 1)) lvl[$child]=$((lvl[$parent] + 1))
        _rs_made "$child" || return 1
        candidates+=("$child")
        parent=$child
    done
    while ((${#made[@]} < procs)); do
        parent=${candidates[RANDOM % ${#candidates[@]}]}
        ((dep[$parent] < depth)) || continue
        # every thirteenth asks for SIGUSR1 instead of SIGCHLD at its exit
        local how=fork
        ((${#made[@]} % 13 == 12)) && how="clone SIGUSR1"
        _rs_call "$parent" "$parent" "$how" || { _rs_die "scenario: $how from $parent: $REPLY"; return 1; }
        if ((lvl[$parent] == 0)); then child=$REPLY; else child=$(_rs_root_of_child "$m" "$parent" "$REPLY"); fi
        dep[$child]=$((dep[$parent] + 1)) lvl[$child]=${lvl[$parent]}
        _rs_made "$child" || return 1
        ((dep[$child] < depth)) && candidates+=("$child")
    done
    local -a shms=()
    for ((i = 0; i < ipc; i++)); do
        _rs_do 1 1 "msgget $((1000 + i)) IPC_CREAT|0640" || return 1
        local q=$REPLY
        _rs_do 1 1 "msgsnd $q $((i + 1)) hello$i" || return 1
        _rs_do 1 1 "msgsnd $q 7 world$i" || return 1
        _rs_do 1 1 "semget IPC_PRIVATE 2 0600" || return 1
        local sem=$REPLY
        _rs_do 1 1 "semctl $sem 0 SETALL $i,$((i + 1))" || return 1
        _rs_do 1 1 "shmget $((2000 + i)) $((4096 * (i + 1))) IPC_CREAT|0644" || return 1
        shms+=("$REPLY")
        if ((i == 1)); then # owners and limits other than the creator's: a restore's IPC_SET
            _rs_do 1 1 "msgctl $q IPC_SET uid=1000 gid=100 perms=0660 qbytes=8192" || return 1
            _rs_do 1 1 "semctl $sem 0 IPC_SET uid=1000 gid=100 perms=0640" || return 1
            _rs_do 1 1 "shmctl ${shms[-1]} IPC_SET uid=1000 gid=100 perms=0600" || return 1
        fi
    done
    local -A has_child=()
    for child in "${made[@]}"; do
        [[ -n $(cat "$m/$child/task/$child/children") ]] && has_child[$child]=1
    done
    for ((i = 0; i < ${#made[@]}; i++)); do
        child=${made[$i]}
        if ((i % 7 == 6)); then
            _rs_do "$child" "$child" "execve /usr/bin/w$child" || return 1
        fi
        if ((threads > 0 && i % 5 == 0)); then
            for ((j = 0; j < threads; j++)); do
                _rs_do "$child" "$child" "clone CLONE_THREAD|CLONE_SIGHAND|CLONE_VM" || return 1
            done
            # the newest thread names itself (its root tid: the highest under task/)
            local tid newest=0
            for tid in "$m/$child/task/"*; do ((${tid##*/} > newest)) && newest=${tid##*/}; done
            _rs_do "$child" "$newest" "prctl PR_SET_NAME t$newest" || return 1
        fi
        if ((files > 0 && i % 3 == 0)); then
            for ((j = 0; j < files; j++)); do
                _rs_do "$child" "$child" "open /var/data/f$child.$j O_RDWR" || return 1
                _rs_do "$child" "$child" "lseek $REPLY $((RANDOM % 5000)) SEEK_SET" || return 1
            done
        fi
        if ((${#shms[@]} > 0 && i % 4 == 1)); then
            _rs_do "$child" "$child" "shmat ${shms[i % ${#shms[@]}]} $((i % 8 == 1 ? 010000 : 0))" || return 1
        fi
        if ((i % 11 == 10)) && [[ -z ${has_child[$child]:-} ]]; then
            _rs_do "$child" "$child" "setgid 100" || return 1
            _rs_do "$child" "$child" "setuid 1000" || return 1
        fi
        if ((i % 17 == 16)); then
            _rs_do "$child" "$child" "prctl PR_SET_CHILD_SUBREAPER 1" || return 1
        fi
        if ((sigactions && i % 6 == 2)); then # a caught SIGUSR1 (its handler's address is never run) and SIGHUP ignored
            _rs_do "$child" "$child" "rt_sigaction SIGUSR1 0x401000 SA_RESTART|SA_RESETHAND" || return 1
            _rs_do "$child" "$child" "rt_sigaction SIGHUP SIG_IGN" || return 1
        fi
        if ((sigactions && i % 9 == 4)); then # SIGCHLD's flags act under SIG_DFL too
            _rs_do "$child" "$child" "rt_sigaction SIGCHLD SIG_DFL SA_NOCLDSTOP|SA_NOCLDWAIT" || return 1
        fi
        if ((sigactions && i % 16 == 3 && i % 5 != 0)); then # (no thread) a SIGUSR2 it blocks waits, sent by itself as its namespace numbers it
            _rs_do "$child" "$child" "rt_sigprocmask SIG_BLOCK SIGUSR2" || return 1
            _rs_status "$m/$child/status"
            _rs_do "$child" "$child" "kill ${_RS_NSPID##*,} SIGUSR2" || return 1
        fi
        if ((sigactions && threads > 0 && i % 10 == 5)); then # a thread's mask other than its leader's
            _rs_do "$child" "$child" "rt_sigprocmask SIG_BLOCK SIGINT" || return 1
            _rs_do "$child" "$newest" "rt_sigprocmask SIG_BLOCK SIGUSR1|SIGRTMAX" || return 1
            _rs_status "$m/$child/task/$newest/status" # and a SIGUSR1 for it alone, which waits (its SigPnd)
            _rs_do "$child" "$newest" "tkill ${_RS_NSPID##*,} SIGUSR1" || return 1
        fi
        if ((i % 19 == 18 && i % 11 != 10)); then # (not one that left root: capset would be EPERM)
            _rs_do "$child" "$child" "capset effective=0xc0 permitted=0xc0 inheritable=0x40" || return 1
            _rs_do "$child" "$child" "prctl PR_SET_KEEPCAPS 1" || return 1
        fi
    done
    if ((sessions)); then _rs_groups "$m" "${made[@]}" || return 1; fi
    for ((i = 4; i < ${#made[@]}; i += 23)); do
        _rs_do 1 1 "kill ${made[$i]} SIGSTOP" || return 1
        if ((sigactions)); then _rs_do 1 1 "kill ${made[$i]} SIGTERM" || return 1; fi # pending until a SIGCONT
    done
    _rs_close_fds
    printf '%s\n' "${made[@]}"
}

# _rs_made CHILD: adds CHILD to _rs_build's made; with --sessions 1, every sixth from the second
# calls setsid before it forks
_rs_made() {
    made+=("$1")
    if ((sessions && ${#made[@]} % 6 == 2)); then _rs_do "$1" "$1" setsid || return 1; fi
}

# _rs_stat M PID: sets _RS_STAT to PID's stat fields from field 3 on (field N: _RS_STAT[N - 3])
_rs_stat() {
    local stat
    stat=$(<"$1/$2/stat")
    read -r -a _RS_STAT <<<"${stat##*) }"
}

# _rs_groups M PID...: the scenario's groups (--sessions 1), among the processes made, by index:
# every fifth from the fourth that leads no session leads a group; then every fourth from the
# third that leads neither joins the last group of its session (stat's field 6) made in its pid
# namespace, naming it as that namespace does (its leader's last NSpid)
_rs_groups() {
    local m=$1 i j sid g
    shift
    local -a pids=("$@") leaders=()
    for ((i = 3; i < ${#pids[@]}; i += 5)); do
        ((i % 6 == 1)) && continue
        _rs_do "${pids[i]}" "${pids[i]}" "setpgid 0 0" || return 1
        leaders+=("${pids[i]}")
    done
    for ((i = 2; i < ${#pids[@]}; i += 4)); do
        ((i % 6 == 1 || (i >= 3 && i % 5 == 3))) && continue
        _rs_stat "$m" "${pids[i]}"
        sid=${_RS_STAT[6 - 3]} g=""
        for j in "${leaders[@]}"; do
            _rs_stat "$m" "$j"
            [[ ${_RS_STAT[6 - 3]} == "$sid" && $(readlink "$m/$j/ns/pid") == "$(readlink "$m/${pids[i]}/ns/pid")" ]] && g=$j
        done
        [[ -n $g ]] || continue
        _rs_status "$m/$g/status"
        _rs_do "${pids[i]}" "${pids[i]}" "setpgid 0 ${_RS_NSPID##*,}" || return 1
    done
}

# _rs_root_of_child M PARENT NR [PARENT-LEVEL]: the root pid of PARENT's child that PARENT's namespace calls NR
_rs_root_of_child() {
    local m=$1 parent=$2 nr=$3 plevel=${4:-1} c
    local -a kids
    if ((plevel == 0)); then
        echo "$nr" # a parent of the root namespace numbers its children as the root does
        return
    fi
    read -r -a kids <"$m/$parent/task/$parent/children"
    for c in "${kids[@]}"; do
        _rs_status "$m/$c/status"
        local -a v
        IFS=, read -r -a v <<<"$_RS_NSPID"
        _rs_status "$m/$parent/status"
        local -a pv
        IFS=, read -r -a pv <<<"$_RS_NSPID"
        if [[ ${v[${#pv[@]} - 1]} == "$nr" ]]; then
            echo "$c"
            return
        fi
    done
    return 1
}
