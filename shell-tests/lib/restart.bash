# shellcheck shell=bash
# restart.bash - checkpoint a sim process tree through the mount, and restore it with its ids.
#
#     source shell-tests/lib/restart.bash          # (it sources procsim.bash too)
#     procsim_scenario M --procs 20 --depth 3 --threads 2 --pidns 3 --ipc 2 --files 2
#     procsim_checkpoint M > image.txt
#     procsim_restore --method clone3 M2 < image.txt      # nsd | ns_last_pid | clone3 | eclone
#     diff image.txt <(procsim_checkpoint M2)
#
# The image is text, one record a line, sorted, so two images diff cleanly:
#
#     procsim-image 1
#     process TGID ppid=P nspid=N0,N1,.. pidns=NAME comm=C uid=U gid=G exit_signal=S
#     thread TGID TID nspid=N0,.. comm=C uid=U
#     fd TGID FD flags=0OCTAL pos=POS path=PATH
#     shm-attach TGID ADDR shmid=ID mode=rw|ro       (ADDR in decimal, from maps)
#     msg ID key=K perms=0MODE uid=U gid=G cuid=U cgid=G qbytes=Q
#     msg-data ID N mtype=T text=TEXT
#     msg-times ID stime=S rtime=R ctime=C lspid=P lrpid=P
#     sem ID key=K perms=0MODE nsems=N uid=U gid=G cuid=U cgid=G values=V1,V2,..
#     sem-times ID otime=O ctime=C
#     shm ID key=K perms=0MODE size=S uid=U gid=G cuid=U cgid=G
#     shm-times ID atime=A dtime=D ctime=C cpid=P lpid=P
#
# Numbers are the root pid namespace's (the operator's view); nspid lists every level, outermost
# first, as status's NSpid does. A pid namespace is named by its init's root pid (pidns=init:1000;
# the root namespace is pidns=root). The *-times records hold what only next_syscall_data's
# `LONG1 1` before IPC_SET can restore; the other methods leave them as the restore made them,
# so compare their images with `grep -v -- -times`.
#
# Limits (the checkpoint refuses what it cannot restore, with a message): every task in one IPC
# namespace (init's), no zombies, no pid namespace made by unshare (each new namespace's first
# task is its init, made with CLONE_NEWPID), and no blanks in comm, paths or message text.
# (Only SysV shm attaches are mappings in the sim: maps lists nothing else.)
#
# As procsim.bash's, each public function is safe under `set -euo pipefail`: a bad argument
# returns 2 with one line on stderr, `FUNCTION: what is wrong`, and changes nothing; what goes
# wrong later says `procsim: checkpoint|restore|scenario...: why`.

# shellcheck source=procsim.bash
source "$(dirname "${BASH_SOURCE[0]}")/procsim.bash"

# _rs_die MESSAGE...: says "procsim: MESSAGE" on stderr; returns 1.
_rs_die() {
    echo "procsim: $*" >&2
    return 1
}

# _rs_status FILE: sets _RS_NAME _RS_PPID _RS_UID _RS_GID _RS_STATE _RS_NSPID (comma list)
_rs_status() {
    local key v1 rest
    _RS_NAME="" _RS_PPID="" _RS_UID="" _RS_GID="" _RS_STATE="" _RS_NSPID=""
    while IFS=$'\t' read -r key v1 rest; do
        case $key in
            Name:) _RS_NAME=$v1 ;;
            State:) _RS_STATE=${v1%% *} ;;
            PPid:) _RS_PPID=$v1 ;;
            Uid:) _RS_UID=$v1 ;;
            Gid:) _RS_GID=$v1 ;;
            NSpid:) _RS_NSPID=$v1${rest:+,${rest//$'\t'/,}} ;;
        esac
    done <"$1"
}

# procsim_checkpoint M: prints the image of every sim task but init, and the IPC objects.
procsim_checkpoint() { _procsim_guarded _rs_checkpoint "$@"; }
# _rs_checkpoint M: procsim_checkpoint's body
_rs_checkpoint() {
    _procsim_args procsim_checkpoint "procsim_checkpoint M" 1 1 M "$@" || return
    _procsim_mount procsim_checkpoint "$1" || return
    local m=$1
    local -A nspid ppid comm uid gid pidns_inum exitsig
    local -a pids=() lines=()
    local p t f n inum initns ipc1 statline
    local -a st
    # (pid namespaces are named by their init's root pid; inode numbers differ between mounts)
    for f in "$m"/[0-9]*; do
        p=${f##*/}
        [[ $p == 1 ]] && continue
        pids+=("$p")
    done
    # every fd and ns link of every task in one walk (one fork, not one per task)
    local -A links=()
    local rel target
    while read -r rel target; do
        links[$rel]=$target
    done < <(find "$m" -mindepth 3 -maxdepth 3 \( -path "$m/[0-9]*/fd/*" -o -path "$m/[0-9]*/ns/*" \) \
        -printf '%P %l\n' 2>/dev/null)
    ipc1=${links[1/ns/ipc]}
    initns=${links[1/ns/pid]}
    local -A ns_name=(["$initns"]=root)
    for p in "${pids[@]}"; do
        _rs_status "$m/$p/status" || return
        [[ $_RS_STATE == Z ]] && { _rs_die "checkpoint: task $p is a zombie: not supported"; return 1; }
        [[ $_RS_NAME == *[[:space:]]* ]] && { _rs_die "checkpoint: comm of $p has a blank: not supported"; return 1; }
        [[ ${links[$p/ns/ipc]:-} == "$ipc1" ]] || { _rs_die "checkpoint: task $p is in another IPC namespace: not supported"; return 1; }
        nspid[$p]=$_RS_NSPID ppid[$p]=$_RS_PPID comm[$p]=$_RS_NAME uid[$p]=${_RS_UID%%$'\t'*} gid[$p]=${_RS_GID%%$'\t'*}
        # the signal the parent gets at exit: stat's field 38 (fields from 3 follow "comm) ")
        read -r statline <"$m/$p/stat" || return
        read -r -a st <<<"${statline##*) }"
        exitsig[$p]=${st[35]}
        inum=${links[$p/ns/pid]}
        pidns_inum[$p]=$inum
        if [[ ${_RS_NSPID##*,} == 1 && $_RS_NSPID == *,* ]]; then
            ns_name[$inum]=init:$p
        fi
    done
    lines+=("procsim-image 1")
    for p in "${pids[@]}"; do
        n=${ns_name[${pidns_inum[$p]}]:-}
        [[ -n $n ]] || { _rs_die "checkpoint: the pid namespace of $p has no init among the tasks (unshare?): not supported"; return 1; }
        lines+=("process $p ppid=${ppid[$p]} nspid=${nspid[$p]} pidns=$n comm=${comm[$p]} uid=${uid[$p]} gid=${gid[$p]} exit_signal=${exitsig[$p]}")
        for t in "$m/$p/task"/*; do
            t=${t##*/}
            [[ $t == "$p" ]] && continue
            _rs_status "$m/$p/task/$t/status" || return
            lines+=("thread $p $t nspid=$_RS_NSPID comm=$_RS_NAME uid=${_RS_UID%%$'\t'*}")
        done
    done
    # fds: the links found above, then fdinfo with builtins
    local path fd key val pos flags
    for rel in "${!links[@]}"; do
        [[ $rel == */fd/* ]] || continue
        p=${rel%%/*} fd=${rel##*/} path=${links[$rel]}
        [[ $p == 1 ]] && continue
        [[ $path == *[[:space:]]* ]] && { _rs_die "checkpoint: fd $fd of $p: a blank in the path: not supported"; return 1; }
        pos=0 flags=0
        while IFS=$'\t' read -r key val; do
            case $key in pos:) pos=$val ;; flags:) flags=$val ;; esac
        done <"$m/$p/fdinfo/$fd"
        lines+=("fd $p $fd flags=$flags pos=$pos path=$path")
    done
    local range perms ino name
    for p in "${pids[@]}"; do
        while read -r range perms _ _ ino name; do
            [[ $name == /SYSV* ]] || continue
            lines+=("shm-attach $p $((16#${range%%-*})) shmid=$ino mode=$([[ $perms == ?w* ]] && echo rw || echo ro)")
        done <"$m/$p/maps"
    done
    # IPC, through init's syscall file (it is in every object's namespace)
    local s=$m/1/task/1/syscall r i q
    local -a row
    while read -r -a row; do
        [[ ${row[0]} == key ]] && continue
        r=$(_procsim_syscall "$s" "msgctl ${row[1]} IPC_STAT") || return
        _rs_kv "$r"
        lines+=("msg ${row[1]} key=${KV[key]} perms=${KV[perms]} uid=${KV[uid]} gid=${KV[gid]} cuid=${KV[cuid]} cgid=${KV[cgid]} qbytes=${KV[qbytes]}")
        lines+=("msg-times ${row[1]} stime=${KV[stime]} rtime=${KV[rtime]} ctime=${KV[ctime]} lspid=${KV[lspid]} lrpid=${KV[lrpid]}")
        q=${KV[qnum]}
        for ((i = 0; i < q; i++)); do
            r=$(_procsim_syscall "$s" "msgrcv ${row[1]} $i MSG_COPY|IPC_NOWAIT") || return
            lines+=("msg-data ${row[1]} $i ${r#* }")
        done
    done <"$m/sysvipc/msg"
    while read -r -a row; do
        [[ ${row[0]} == key ]] && continue
        r=$(_procsim_syscall "$s" "semctl ${row[1]} 0 IPC_STAT") || return
        _rs_kv "$r"
        local vals
        vals=$(_procsim_syscall "$s" "semctl ${row[1]} 0 GETALL") || return
        lines+=("sem ${row[1]} key=${KV[key]} perms=${KV[perms]} nsems=${KV[nsems]} uid=${KV[uid]} gid=${KV[gid]} cuid=${KV[cuid]} cgid=${KV[cgid]} ${vals#0 }")
        lines+=("sem-times ${row[1]} otime=${KV[otime]} ctime=${KV[ctime]}")
    done <"$m/sysvipc/sem"
    while read -r -a row; do
        [[ ${row[0]} == key ]] && continue
        r=$(_procsim_syscall "$s" "shmctl ${row[1]} IPC_STAT") || return
        _rs_kv "$r"
        lines+=("shm ${row[1]} key=${KV[key]} perms=${KV[perms]} size=${KV[size]} uid=${KV[uid]} gid=${KV[gid]} cuid=${KV[cuid]} cgid=${KV[cgid]}")
        lines+=("shm-times ${row[1]} atime=${KV[atime]} dtime=${KV[dtime]} ctime=${KV[ctime]} cpid=${KV[cpid]} lpid=${KV[lpid]}")
    done <"$m/sysvipc/shm"
    printf '%s\n' "${lines[@]}" | _rs_sort
}

# _rs_sort: sorts image lines in the image's order: header, processes, threads, fds, then IPC;
# numerically within each.
_rs_sort() {
    awk '{ k = ($1 == "procsim-image") ? 0 : ($1 == "process") ? 1 : ($1 == "thread") ? 2 : ($1 == "fd" || $1 == "shm-attach") ? 3 : 4
           printf "%d %s\n", k, $0 }' | sort -k1,1n -k2,2 -k3,3n -k4,4n | cut -d' ' -f2-
}

# _rs_kv "0 k=v k=v ...": fills the associative array KV.
_rs_kv() {
    declare -gA KV=()
    local w
    for w in $1; do
        [[ $w == *=* ]] && KV[${w%%=*}]=${w#*=}
    done
}

# procsim_restore [--method M] MOUNT < IMAGE
#   Recreates the image's tasks, fds and IPC objects with their ids, by one of:
#     clone3      clone3 set_tid from outside (the operator writes each parent's syscall file)
#     eclone      the seeds' eclone pids from outside
#     nsd         next_syscall_data, written by a restorer attached as each parent (LONGn: every
#                 level at once); IPC ids by LONG1 ID, and LONG1 1 before IPC_SET restores times
#     ns_last_pid ns_last_pid = pid-1 in every level's namespace (a restorer attached inside each),
#                 then fork; the toolkit checks every pid it gets
#   On a failure it says which id failed, why, and which task holds it, removes everything it
#   made, and returns 1; an image it cannot restore is refused before anything is made (2).
#   Speed (1,000 processes in well under a second): one awk pass plans every creation; each
#   parent's M/PID/syscall is opened once and kept; clone3 and eclone read no reply (success is
#   the exact pid); a parent names itself (prctl PR_SET_NAME) before making children named
#   otherwise, and takes its own name back at the end, instead of one comm file per child.
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
        echo "procsim_restore: the image comes on stdin, not a terminal (procsim_restore M < image.txt)" >&2
        return 2
    fi
    _RS_M=$m _RS_METHOD=$method
    _RS_MADE=() _RS_IPC_MADE=() _RS_NSD_DONE=() _RS_NSD_REPLY=() _RS_NAMED=()
    # (P_GID: the image's gid, which no method restores: the sim has no setgid)
    # shellcheck disable=SC2034
    local -A P_PPID P_NSPID P_COMM P_UID P_GID T_LEADER T_NSPID T_COMM T_UID P_FDS P_SHM
    local -A PL_LINE PL_NSD PL_WANT PL_LEVEL PL_NEWNS
    local -a order=() tids=() ipclines=()
    local header="" planerr="" plan
    local initcomm
    IFS= read -r initcomm <"$m/1/comm" || { _rs_die "restore: no init in $m"; return 2; }
    # one awk pass reads the image and plans every creation (bash would take 0.2 s for 1,000 tasks)
    plan=$(RS_METHOD=$method RS_INITCOMM=$initcomm awk "$_RS_PLANNER") || { _rs_die "restore: cannot read the image"; return 2; }
    eval "$plan"
    [[ -z $planerr ]] || { _rs_die "restore: $planerr"; return 2; }
    [[ $header == 1 ]] || { _rs_die "restore: not a procsim image (no 'procsim-image 1' header)"; return 2; }
    P_COMM[1]=$initcomm
    P_FDS[1]=$(_rs_fds_of "$m" 1)
    P_SHM[1]=$(_rs_shm_of "$m" 1)
    ulimit -n "$(ulimit -Hn)" 2>/dev/null || true # one open syscall file per parent

    if ! { _rs_restore_ipc "${ipclines[@]}" && _rs_make_tasks &&
        _rs_restore_ipc_times "${ipclines[@]}"; }; then # times last: attaches and sends move them
        _rs_rollback
        return 1
    fi
    _rs_close_fds
}

# _rs_make_tasks: makes the planned tasks (procsim_restore's arrays), names them, sets their fds,
# shm attaches and, last, their credentials: a task that dropped root could not make its children.
_rs_make_tasks() {
    local p parent t fast=0 m=$_RS_M
    [[ $_RS_METHOD == clone3 || $_RS_METHOD == eclone ]] && fast=1
    for p in "${order[@]}"; do
        parent=${P_PPID[$p]}
        [[ ${P_COMM[$p]} == "${_RS_NAMED[$parent/$parent]:-${P_COMM[$parent]}}" ]] ||
            _rs_name "$parent" "$parent" "${P_COMM[$p]}" || return 1
        if ((fast)); then # the hot path: straight to the one write, past _rs_create's locals
            _rs_exact "$parent" "$p" "${P_NSPID[$p]}" || return 1
        else
            _rs_create "$parent" "$p" process || return 1
        fi
        _RS_MADE+=("$p")
        [[ $_RS_METHOD != nsd || ${P_COMM[$p]} == "${P_COMM[$parent]}" ]] || printf '%s' "${P_COMM[$p]}" >"$m/$p/comm" || return 1
        [[ ${P_FDS[$p]:-} == "${P_FDS[$parent]:-}" ]] || _rs_fix_fds "$p" "$parent" || return 1
        [[ ${P_SHM[$p]:-} == "${P_SHM[$parent]:-}" ]] || _rs_fix_shm "$p" "$parent" || return 1
    done
    for t in "${tids[@]}"; do
        p=${T_LEADER[$t]}
        [[ ${T_COMM[$t]} == "${_RS_NAMED[$p/$p]:-${P_COMM[$p]}}" ]] || _rs_name "$p" "$p" "${T_COMM[$t]}" || return 1
        _rs_create "$p" "$t" thread || return 1
        [[ $_RS_METHOD != nsd || ${T_COMM[$t]} == "${P_COMM[$p]}" ]] || printf '%s' "${T_COMM[$t]}" >"$m/$p/task/$t/comm" || return 1
    done
    _rs_unname || return 1
    for t in "${tids[@]}"; do
        [[ ${T_UID[$t]} == 0 ]] || _rs_write "${T_LEADER[$t]}" "$t" "setuid ${T_UID[$t]}" || return 1
    done
    for p in "${order[@]}"; do
        [[ ${P_UID[$p]} == 0 ]] || _rs_write "$p" "$p" "setuid ${P_UID[$p]}" || return 1
    done
}

# The restore's planner: reads an image on stdin, prints bash assignments of the image's records
# (P_* per process, T_* per thread, tids, P_FDS, P_SHM, ipclines, header), the creation order (parents
# first: by depth in the image's tree, then by parent so a parent's children are made together,
# then those named as their parent first, then by name for fewer renames, then by pid), and for
# every task the plan of its creation: PL_LINE (the syscall its parent makes), PL_NSD (the
# next_syscall_data written first, for nsd), PL_WANT (the reply expected: the task's number in
# its parent's namespace), PL_LEVEL and PL_NEWNS (1 for a new namespace's init). A problem found
# before anything is made sets planerr, and then nothing else is printed. Environment: RS_METHOD,
# RS_INITCOMM (init's comm in the target mount).
read -r -d '' _RS_PLANNER <<'AWK' || true
function q(s,   n, i, parts, out) {
    n = split(s, parts, "'")
    out = parts[1]
    for (i = 2; i <= n; i++) out = out "'\\''" parts[i]
    return "'" out "'"
}
function val(field, key) { sub("^" key "=", "", field); return field }
# Every value that bash uses as a number (array subscripts, $(( ))) is checked here: bash would
# evaluate anything else as code. An image with an error prints nothing but planerr.
function out(line) { lines[++nlines] = line }
function num(s, what) { if (s !~ /^[0-9]+$/) err("not a number: " what " '" s "' in: " $0); return s }
function nums(s, what) { if (s !~ /^[0-9]+(,[0-9]+)*$/) err("not a number list: " what " '" s "' in: " $0); return s }
function id(s) {
    num(s, "task id")
    if (s == 1) err("task 1 is init, which a restore does not make: " $0)
    return s
}
# IPC records: the id, then numbers or key=number(,number...) fields; text= is data
function ipcfields(   i, v) {
    num($2, "IPC id")
    for (i = 3; i <= NF; i++) {
        v = $i
        if (v ~ /^text=/) continue
        sub(/^[a-z]+=/, "", v)
        if (v !~ /^-?[0-9]+(,-?[0-9]+)*$/) err("not a number: '" $i "' in: " $0)
    }
}
function err(msg) { if (planerr == "") planerr = msg }
function swap(a, i, j,   t) { t = a[i]; a[i] = a[j]; a[j] = t }
function qsort(a, lo, hi,   i, last) {
    if (lo >= hi) return
    swap(a, lo, int((lo + hi) / 2))
    last = lo
    for (i = lo + 1; i <= hi; i++) if (a[i] < a[lo]) swap(a, ++last, i)
    swap(a, lo, last)
    qsort(a, lo, last - 1)
    qsort(a, last + 1, hi)
}
# plan(task, parent, nspid, what, exit signal): the PL_* assignments for making task
function plan(x, parent, nspid, what, sig,   n, pn, level, plevel, flags, cflags, newns, line, nsd, set, i) {
    level = split(nspid, n, ",") - 1
    plevel = (parent == 1 ? 1 : split(pnspid[parent], pn, ",")) - 1
    flags = ""; cflags = sig; newns = 0
    if (what == "thread") {
        flags = "CLONE_THREAD|CLONE_SIGHAND|CLONE_VM"; cflags = flags; sig = ""
    } else if (level == plevel + 1) {
        flags = "CLONE_NEWPID"; cflags = "CLONE_NEWPID|" sig; newns = 1
    } else if (level != plevel) {
        err("task " x " (level " level ") cannot be a child of " parent " (level " plevel ")")
        return
    }
    nsd = ""
    if (method == "clone3") {
        set = n[level + 1]
        for (i = level; i >= 1; i--) set = set "," n[i]
        line = "clone3" (flags == "" ? "" : " flags=" flags) (sig == "" ? "" : " exit_signal=" sig) " set_tid=" set
    } else if (method == "eclone") {
        set = n[1]
        for (i = 2; i <= plevel + 1; i++) set = set "," n[i]
        line = "eclone " cflags " pids=" set
    } else {
        nsd = "LONG" (level + 1)
        for (i = 1; i <= level + 1; i++) nsd = nsd " " n[i]
        line = flags == "" && sig == 17 ? "fork" : "clone " cflags
    }
    if (method == "clone3" || method == "eclone") out("PL_LINE[" x "]=" q(line)) # all they need
    else out("PL_LINE[" x "]=" q(line) " PL_NSD[" x "]=" q(nsd) " PL_WANT[" x "]=" q(n[plevel + 1]) \
        " PL_LEVEL[" x "]=" level " PL_NEWNS[" x "]=" newns)
}
BEGIN { method = ENVIRON["RS_METHOD"]; initcomm = ENVIRON["RS_INITCOMM"] }
$1 == "procsim-image" { out("header=" q($2)); next }
$1 == "process" || $1 == "thread" {
    x = id($1 == "process" ? $2 : $3)
    if (x in seen) err("task " x " twice in the image")
    seen[x] = 1
}
$1 == "process" {
    p = x; np++; procs[np] = p
    ppid[p] = num(val($3, "ppid"), "ppid"); pnspid[p] = nums(val($4, "nspid"), "nspid"); pcomm[p] = val($6, "comm")
    psig[p] = $9 == "" ? 17 : num(val($9, "exit_signal"), "exit_signal") # older images: fork's SIGCHLD
    out("P_PPID[" p "]=" q(ppid[p]) " P_NSPID[" p "]=" q(pnspid[p]) " P_COMM[" p "]=" q(pcomm[p]) \
        " P_UID[" p "]=" q(num(val($7, "uid"), "uid")) " P_GID[" p "]=" q(num(val($8, "gid"), "gid")))
    next
}
$1 == "thread" {
    nt++; t = tid[nt] = x; tleader[nt] = num($2, "leader"); tnspid[nt] = nums(val($4, "nspid"), "nspid")
    out("T_LEADER[" t "]=" q($2) " T_NSPID[" t "]=" q(tnspid[nt]) " T_COMM[" t "]=" q(val($5, "comm")) \
        " T_UID[" t "]=" q(num(val($6, "uid"), "uid")) " tids+=(" t ")")
    next
}
$1 == "fd" {
    p = num($2, "pid"); num($3, "fd"); num(val($5, "pos"), "pos")
    if (val($4, "flags") !~ /^(0[0-7]*|[1-9][0-9]*)$/) err("not an fd's flags: '" $4 "' in: " $0)
    fds[p] = fds[p] ((p in fds) ? "\n" : "") $3 " " val($4, "flags") " " val($5, "pos") " " val($6, "path")
    next
}
$1 == "shm-attach" {
    p = num($2, "pid"); num($3, "address"); num(val($4, "shmid"), "shmid")
    if ($5 !~ /^mode=r[ow]$/) err("not an attach mode: '" $5 "' in: " $0)
    shm[p] = shm[p] ((p in shm) ? "\n" : "") $3 " " val($4, "shmid") " " val($5, "mode")
    next
}
$1 ~ /^(msg|msg-data|msg-times|sem|sem-times|shm|shm-times)$/ { ipcfields(); out("ipclines+=(" q($0) ")"); next }
NF == 0 { next }
{ err("unknown image record '" $1 "'") }
END {
    pcomm[1] = initcomm
    for (p in fds) out("P_FDS[" p "]=" q(fds[p]))
    for (p in shm) out("P_SHM[" p "]=" q(shm[p]))
    for (i = 1; i <= np; i++) {
        p = procs[i]
        if (ppid[p] != 1 && !(ppid[p] in pnspid)) err("the parent " ppid[p] " of " p " is not in the image")
        d = 0; x = p
        while (ppid[x] != 1 && (ppid[x] in pnspid) && d <= np) { x = ppid[x]; d++ }
        if (d > np) err("the image's parents of " p " make a loop")
        same = pcomm[p] == pcomm[ppid[p]]
        key[i] = sprintf("%06d %012d %d %-16s %012d", d, ppid[p], !same, same ? "" : pcomm[p], p)
    }
    qsort(key, 1, np)
    o = "order=("
    for (i = 1; i <= np; i++) {
        n = split(key[i], f, " ")
        o = o (i > 1 ? " " : "") (f[n] + 0)
    }
    out(o ")")
    for (i = 1; i <= np; i++) plan(procs[i], ppid[procs[i]], pnspid[procs[i]], "process", psig[procs[i]])
    for (i = 1; i <= nt; i++) {
        if (!(tleader[i] in pnspid)) err("the leader " tleader[i] " of thread " tid[i] " is not in the image")
        else plan(tid[i], tleader[i], tnspid[i], "thread", "")
    }
    if (planerr != "") { print "planerr=" q(planerr); exit }
    for (i = 1; i <= nlines; i++) print lines[i]
}
AWK

# _rs_fds_of M P: the live fd table of P as "fd flags pos path" lines
_rs_fds_of() {
    local m=$1 p=$2 fd path key val pos flags
    while read -r fd path; do
        pos=0 flags=0
        while IFS=$'\t' read -r key val; do
            case $key in pos:) pos=$val ;; flags:) flags=$val ;; esac
        done <"$m/$p/fdinfo/$fd"
        echo "$fd $flags $pos $path"
    done < <(find "$m/$p/fd" -mindepth 1 -maxdepth 1 -printf '%f %l\n' | sort -n)
}

# _rs_shm_of M P: P's live shm attaches as "addr shmid mode" lines
_rs_shm_of() {
    local range perms ino name
    while read -r range perms _ _ ino name; do
        [[ $name == /SYSV* ]] && echo "$((16#${range%%-*})) $ino $([[ $perms == ?w* ]] && echo rw || echo ro)"
    done <"$1/$2/maps"
}

# _rs_fix_shm CHILD PARENT: makes CHILD's shm attaches the image's (fork copied PARENT's)
_rs_fix_shm() {
    local child=$1 parent=$2 addr id mode
    local want=${P_SHM[$child]:-} have=${P_SHM[$parent]:-}
    [[ $want == "$have" ]] && return 0
    local -A keep=()
    while read -r addr id mode; do [[ -n $addr ]] && keep[$addr]="$id $mode"; done <<<"$want"
    while read -r addr id mode; do
        [[ -z $addr ]] && continue
        if [[ ${keep[$addr]:-} == "$id $mode" ]]; then
            unset "keep[$addr]"
        else
            _rs_call "$child" "$child" "shmdt $addr" || { _rs_die "restore: shmdt $addr in $child: $REPLY"; return 1; }
        fi
    done <<<"$have"
    for addr in "${!keep[@]}"; do
        read -r id mode <<<"${keep[$addr]}"
        _rs_call "$child" "$child" "shmat $id $([[ $mode == ro ]] && echo SHM_RDONLY || echo 0) addr=$addr" ||
            { _rs_die "restore: shmat $id at $addr in $child: $REPLY"; return 1; }
    done
}

# Open syscall files, one per task, kept for the whole restore.
declare -gA _RS_FD=()

# _rs_sysfd PID TID: sets REPLY to an fd open on TID's syscall file (kept in _RS_FD)
_rs_sysfd() {
    local key="$1/$2" fd
    if [[ -z ${_RS_FD[$key]:-} ]]; then
        _rs_syspath "$1" "$2"
        exec {fd}<>"$_RS_PATH" ||
            { _rs_die "restore: cannot open $_RS_PATH (one stays open per parent; ulimit -n is $(ulimit -n))"; return 1; }
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

# _rs_write PID TID LINE: makes TID run LINE, reading the reply (into REPLY) only on failure
_rs_write() {
    if [[ -n ${_RS_FD[$1/$2]:-} ]]; then
        printf '%s\n' "$3" 1>&"${_RS_FD[$1/$2]}" 2>/dev/null && return 0
        IFS= read -r REPLY <&"${_RS_FD[$1/$2]}" || true
    else
        _rs_syspath "$1" "$2"
        printf '%s\n' "$3" 2>/dev/null >"$_RS_PATH" && return 0
        IFS= read -r REPLY <"$_RS_PATH" || true
    fi
    _rs_die "restore: $3 in task $2: $REPLY"
}

# The names _rs_name gave: _RS_NAMED[PID/TID]=COMM.
declare -gA _RS_NAMED=()

# _rs_name PID TID COMM: before TID makes a task, names TID COMM, which the task inherits; a
# prctl through an open file instead of a comm file to open per task. Callers call it only when
# TID's name now (_RS_NAMED, else its own) differs from COMM. Not for nsd, whose restorers make
# the children. _rs_unname gives every renamed task its own name back.
_rs_name() {
    [[ $_RS_METHOD != nsd ]] || return 0
    _rs_sysfd "$1" "$2" || return 1
    _rs_write "$1" "$2" "prctl PR_SET_NAME $3" || return 1
    _RS_NAMED[$1/$2]=$3
}
# _rs_unname: gives every task _rs_name renamed its own name back
_rs_unname() {
    local k own
    for k in "${!_RS_NAMED[@]}"; do
        own=${P_COMM[${k#*/}]:-${T_COMM[${k#*/}]:-}}
        [[ ${_RS_NAMED[$k]} == "$own" ]] || _rs_write "${k%/*}" "${k#*/}" "prctl PR_SET_NAME $own" || return 1
        unset "_RS_NAMED[$k]"
    done
}

# _rs_exact PARENT CHILD NSPID: PARENT makes CHILD by clone3 or eclone, which give exactly the
# pids asked for or fail: a successful write needs no reply read
_rs_exact() {
    local fd=${_RS_FD[$1/$1]:-}
    [[ -n $fd ]] || { _rs_sysfd "$1" "$1" || return 1; fd=$REPLY; }
    printf '%s\n' "${PL_LINE[$2]}" 1>&"$fd" 2>/dev/null && return 0
    IFS= read -r REPLY <&"$fd" || true
    _rs_explain "$2" "$3" "$REPLY"
}

# _rs_create PARENT CHILD process|thread: PARENT makes CHILD (root pid) as planned (PL_*)
_rs_create() {
    local parent=$1 child=$2 what=$3 m=$_RS_M i rc=0
    local WANT=${PL_WANT[$child]} LEVEL=${PL_LEVEL[$child]} nspid
    if [[ $what == process ]]; then nspid=${P_NSPID[$child]}; else nspid=${T_NSPID[$child]}; fi
    case $_RS_METHOD in
        clone3 | eclone)
            _rs_exact "$parent" "$child" "$nspid"
            return ;;
        nsd)
            if [[ $what == process ]]; then
                [[ -n ${_RS_NSD_DONE[$parent]:-} ]] || _rs_nsd_batch "$parent" || return 1
                REPLY=${_RS_NSD_REPLY[$child]:-}
                [[ $REPLY =~ ^[0-9]+$ ]] || rc=1 # "-1 ERRNO", or why the restorer could not run
            else
                _rs_attached "$parent" "$parent" "${PL_NSD[$child]}" "${PL_LINE[$child]}" || rc=$?
            fi ;;
        ns_last_pid)
            local -a n
            IFS=, read -r -a n <<<"$nspid"
            for ((i = 0; i <= LEVEL; i++)); do
                ((PL_NEWNS[$child] && i == LEVEL)) && continue # a new namespace's init is 1
                _rs_set_last_pid "$parent" "$i" $((n[i] - 1)) || return 1
            done
            _rs_call "$parent" "$parent" "${PL_LINE[$child]}" || rc=$? ;;
    esac
    if ((rc != 0)); then
        _rs_explain "$child" "$nspid" "$REPLY"
        return 1
    fi
    # clone3, eclone and nsd give exactly the pids asked for or fail; ns_last_pid must be checked
    if [[ $REPLY != "$WANT" ]] || { [[ $_RS_METHOD == ns_last_pid ]] && ((LEVEL > 0)) &&
        ! { [[ -e $m/${nspid%%,*}/status ]] && _rs_status "$m/${nspid%%,*}/status" && [[ $_RS_NSPID == "$nspid" ]]; }; }; then
        local got=$REPLY
        [[ $_RS_METHOD == ns_last_pid && $what == process ]] && _RS_MADE+=("$(_rs_root_of "$got" "$parent")")
        _rs_die "restore ($_RS_METHOD): task $child wanted pid $nspid but got $got (in its parent's namespace); $(_rs_holder "$nspid")"
        return 1
    fi
}

# The parents whose children _rs_nsd_batch made, and the reply for each child.
declare -gA _RS_NSD_DONE=() _RS_NSD_REPLY=()

# _rs_nsd_batch PARENT: one restorer attached as PARENT makes all of PARENT's children, each by
# writing LONGn to its own next_syscall_data and forking through its own syscall file, and stops
# at the first failure. Fills _RS_NSD_REPLY[child].
_rs_nsd_batch() {
    local parent=$1 c out child reply
    local -a plan=()
    for c in "${order[@]}"; do
        [[ ${P_PPID[$c]} == "$parent" ]] && plan+=("$c|${PL_NSD[$c]}|${PL_LINE[$c]}")
    done
    _RS_NSD_DONE[$parent]=1
    out=$(
        m=$_RS_M
        echo "$BASHPID" >"$m/$parent/task/$parent/attach" || { echo "${plan[0]%%|*} attaching to $parent failed"; exit 1; }
        self=$(readlink "$m/thread-self") || { echo "${plan[0]%%|*} no thread-self after attaching to $parent"; exit 1; }
        exec {fd}<>"$m/$self/syscall" || { echo "${plan[0]%%|*} cannot open $m/$self/syscall"; exit 1; }
        for item in "${plan[@]}"; do
            IFS='|' read -r c nsd line <<<"$item"
            echo "$nsd" >"$m/$self/next_syscall_data" || { echo "$c -1 EINVAL"; break; }
            ok=0
            printf '%s\n' "$line" 1>&"$fd" 2>/dev/null || ok=1
            IFS= read -r reply <&"$fd"
            echo "$c $reply"
            ((ok == 0)) || break
        done
        echo detach >"$m/$self/attach"
    )
    while read -r child reply; do
        _RS_NSD_REPLY[$child]=$reply
    done <<<"$out"
}

# _rs_root_of NR PARENT: the root pid of the task numbered NR in PARENT's namespace
_rs_root_of() {
    local nr=$1 parent=$2 f
    if [[ $parent == 1 || ${P_NSPID[$parent]} != *,* ]]; then echo "$nr"; return; fi
    for f in "$_RS_M"/[0-9]*/status; do
        _rs_status "$f"
        local pl
        IFS=, read -r -a pl <<<"${P_NSPID[$parent]}"
        local -a me
        IFS=, read -r -a me <<<"$_RS_NSPID"
        if ((${#me[@]} > ${#pl[@]} - 1)) && [[ ${me[${#pl[@]} - 1]} == "$nr" ]]; then echo "${me[0]}"; return; fi
    done
}

# _rs_attached PID TID NSD LINE: a restorer attached as TID writes NSD to its own
# next_syscall_data and makes LINE through its own syscall file (the seed patch's way).
_rs_attached() {
    local pid=$1 tid=$2 nsd=$3 line=$4 m=$_RS_M
    REPLY=$(
        echo "$BASHPID" >"$m/$pid/task/$tid/attach" || exit 1
        self=$(readlink "$m/thread-self") || exit 1
        echo "$nsd" >"$m/$self/next_syscall_data" || exit 1
        rc=0
        reply=$(_procsim_syscall "$m/$self/syscall" "$line" 2>/dev/null) || rc=$?
        echo detach >"$m/$self/attach"
        echo "$reply"
        exit "$rc"
    )
}

# _rs_set_last_pid PARENT LEVEL VALUE: writes VALUE to ns_last_pid of the namespace at LEVEL of
# PARENT's chain: the operator for level 0, else a restorer attached to that namespace's init.
_rs_set_last_pid() {
    local parent=$1 level=$2 value=$3 m=$_RS_M
    if ((level == 0)); then
        echo "$value" >"$m/sys/kernel/ns_last_pid" || { _rs_die "restore: cannot write $value to $m/sys/kernel/ns_last_pid"; return 1; }
        return 0
    fi
    # the init of PARENT's level-LEVEL namespace: walk up until the nspid has LEVEL+1 numbers
    local q=$parent init=""
    while [[ $q != 1 && -n $q ]]; do
        local c=${P_NSPID[$q]//[^,]/}
        if ((${#c} == level)) && [[ ${P_NSPID[$q]##*,} == 1 ]]; then init=$q; break; fi
        q=${P_PPID[$q]}
    done
    [[ -n $init ]] || { _rs_die "restore: no init for level $level above $parent"; return 1; }
    (
        echo "$BASHPID" >"$m/$init/task/$init/attach" || exit 1
        rc=0
        echo "$value" >"$m/sys/kernel/ns_last_pid" || rc=1
        echo detach >"$m/self/task/1/attach"
        exit "$rc"
    ) || { _rs_die "restore: cannot write $value to ns_last_pid as a restorer attached to $init"; return 1; }
}

# _rs_explain CHILD NSPID REPLY: the message for a failed creation
_rs_explain() {
    local child=$1 nspid=$2 reply=$3 why
    case $reply in
        *EEXIST*) why="File exists (EEXIST)" ;;
        *EBUSY*) why="Device or resource busy (EBUSY)" ;;
        *EINVAL*) why="Invalid argument (EINVAL)" ;;
        *EPERM*) why="Operation not permitted (EPERM)" ;;
        *) why=${reply:-no reply} ;;
    esac
    _rs_die "restore ($_RS_METHOD): cannot make task $child with pid $nspid: $why; $(_rs_holder "$nspid")"
}

# _rs_holder NSPID: who holds the root-level pid, if anyone
_rs_holder() {
    local n0=${1%%,*} m=$_RS_M
    if [[ -e $m/$n0/status ]]; then
        _rs_status "$m/$n0/status"
        echo "pid $n0 is held by task $n0 (comm $_RS_NAME, parent $_RS_PPID, NSpid $_RS_NSPID)"
    else
        echo "pid $n0 is free at the root level; a deeper level's number is taken"
    fi
}

# _rs_count N WORD: "1 WORD", else "N WORDs"
_rs_count() {
    if (($1 == 1)); then echo "1 $2"; else echo "$1 $2s"; fi
}

# _rs_rollback: kills and reaps every task the restore made, removes its IPC objects
_rs_rollback() {
    local m=$_RS_M i p
    [[ -z ${_RS_NAMED[1/1]:-} ]] || _rs_write 1 1 "prctl PR_SET_NAME ${P_COMM[1]}" || true
    _RS_NAMED=()
    _rs_close_fds
    for ((i = ${#_RS_MADE[@]} - 1; i >= 0; i--)); do
        p=${_RS_MADE[$i]}
        [[ -n $p && -e $m/$p ]] && _procsim_syscall "$m/1/task/1/syscall" "kill $p SIGKILL" >/dev/null 2>&1
    done
    for p in "${_RS_MADE[@]}"; do
        [[ -n $p && -e $m/$p ]] && _procsim_syscall "$m/1/task/1/syscall" "wait4 $p __WALL" >/dev/null 2>&1
    done
    for p in "${_RS_IPC_MADE[@]}"; do
        _procsim_syscall "$m/1/task/1/syscall" "$p" >/dev/null 2>&1
    done
    echo "procsim: restore rolled back: $(_rs_count ${#_RS_MADE[@]} task) and $(_rs_count ${#_RS_IPC_MADE[@]} "IPC object") removed" >&2
}

# _rs_fix_fds CHILD PARENT: makes CHILD's fd table the image's (it inherited PARENT's)
_rs_fix_fds() {
    local child=$1 parent=$2 fd flags pos path
    local want=${P_FDS[$child]:-} have=${P_FDS[$parent]:-}
    [[ $want == "$have" ]] && return 0
    local -A keep=()
    while read -r fd flags pos path; do
        [[ -n $fd ]] && keep[$fd]="$flags $pos $path"
    done <<<"$want"
    while read -r fd flags pos path; do
        [[ -z $fd ]] && continue
        if [[ ${keep[$fd]:-} != "$flags $pos $path" ]]; then
            _rs_call "$child" "$child" "close $fd" || { _rs_die "restore: close $fd in $child: $REPLY"; return 1; }
        else
            unset "keep[$fd]"
        fi
    done <<<"$have"
    while read -r fd flags pos path; do
        [[ -n $fd && -n ${keep[$fd]:-} ]] || continue
        local oflags=$((flags & ~0100000))
        if [[ $_RS_METHOD == nsd ]]; then
            echo "LONG1 $fd" >"$_RS_M/$child/task/$child/next_syscall_data" ||
                { _rs_die "restore: cannot write LONG1 $fd to the next_syscall_data of $child"; return 1; }
            _rs_call "$child" "$child" "open $path 0$(printf %o "$oflags")" ||
                { _rs_die "restore: open $path at fd $fd in $child: $REPLY"; return 1; }
        else
            _rs_call "$child" "$child" "open $path 0$(printf %o "$oflags")" ||
                { _rs_die "restore: open $path in $child: $REPLY"; return 1; }
            if [[ $REPLY != "$fd" ]]; then
                local tmp=$REPLY
                if ! { _rs_call "$child" "$child" "dup2 $tmp $fd" && _rs_call "$child" "$child" "close $tmp"; }; then
                    _rs_die "restore: fd $fd in $child: $REPLY"
                    return 1
                fi
            fi
        fi
        if [[ $pos != 0 ]]; then
            _rs_call "$child" "$child" "lseek $fd $pos SEEK_SET" || { _rs_die "restore: lseek $fd in $child: $REPLY"; return 1; }
        fi
    done <<<"$want"
}

# _rs_restore_ipc RECORD...: every IPC object with its id (next_syscall_data for nsd, the
# *_next_id sysctl otherwise, then a check), contents, owners and, for nsd, times and pids.
_rs_restore_ipc() {
    local rec kind id n rest m=$_RS_M got
    for rec in "$@"; do
        read -r kind id n rest <<<"$rec"
        case $kind in
            msg | sem | shm)
                _rs_kv "$n $rest"
                local key=${KV[key]} perms=${KV[perms]} get
                case $kind in
                    msg) get="msgget $key IPC_CREAT|IPC_EXCL|$perms" ;;
                    sem) get="semget $key ${KV[nsems]} IPC_CREAT|IPC_EXCL|$perms" ;;
                    shm) get="shmget $key ${KV[size]} IPC_CREAT|IPC_EXCL|$perms" ;;
                esac
                ((key == 0)) && get=${get/ $key / IPC_PRIVATE }
                if [[ $_RS_METHOD == nsd ]]; then
                    echo "LONG1 $id" >"$m/1/task/1/next_syscall_data" ||
                        { _rs_die "restore: cannot write LONG1 $id to init's next_syscall_data"; return 1; }
                else
                    echo "$id" >"$m/sys/kernel/${kind}_next_id" ||
                        { _rs_die "restore: cannot write $id to $m/sys/kernel/${kind}_next_id"; return 1; }
                fi
                if ! _rs_call 1 1 "$get"; then
                    _rs_die "restore ($_RS_METHOD): cannot make $kind id $id: $REPLY"
                    return 1
                fi
                got=$REPLY
                _RS_IPC_MADE+=("${kind}ctl $got $([[ $kind == sem ]] && echo "0 ")IPC_RMID")
                [[ $got == "$id" ]] || { _rs_die "restore ($_RS_METHOD): $kind id $id came back as $got"; return 1; }
                local set="uid=${KV[uid]} gid=${KV[gid]} perms=$perms"
                [[ $kind == msg ]] && set+=" qbytes=${KV[qbytes]}"
                _rs_call 1 1 "${kind}ctl $id $([[ $kind == sem ]] && echo "0 ")IPC_SET $set" || { _rs_die "restore: IPC_SET of $kind $id: $REPLY"; return 1; }
                if [[ $kind == sem ]]; then # (not `&&`: the loop's status would be the test's)
                    _rs_call 1 1 "semctl $id 0 SETALL ${KV[values]}" || { _rs_die "restore: SETALL of sem $id: $REPLY"; return 1; }
                fi
                ;;
            msg-data)
                _rs_kv "$rest"
                _rs_call 1 1 "msgsnd $id ${KV[mtype]} ${KV[text]} IPC_NOWAIT" || { _rs_die "restore: message $n of msg $id: $REPLY"; return 1; } ;;
        esac
    done
}

# _rs_restore_ipc_times RECORD...: for nsd, LONG1 1 before IPC_SET restores times and pids
_rs_restore_ipc_times() {
    local rec kind id rest m=$_RS_M
    [[ $_RS_METHOD == nsd ]] || return 0
    for rec in "$@"; do
        read -r kind id rest <<<"$rec"
        case $kind in
            msg-times | sem-times | shm-times)
                echo "LONG1 1" >"$m/1/task/1/next_syscall_data" ||
                    { _rs_die "restore: cannot write LONG1 1 to init's next_syscall_data"; return 1; }
                _rs_call 1 1 "${kind%-times}ctl $id $([[ $kind == sem-times ]] && echo "0 ")IPC_SET $rest" ||
                    { _rs_die "restore: times of ${kind%-times} $id: $REPLY"; return 1; } ;;
        esac
    done
}

# procsim_scenario M [--procs N] [--depth D] [--threads T] [--pidns L] [--ipc Q] [--files F] [--seed S]
#   Builds an interesting tree in a live mount, through the syscall files (as the operator):
#   a chain of L nested pid namespaces (0-3, each made by its parent with CLONE_NEWPID), then
#   processes up to N in all, each forked from a random earlier one at most D deep; T threads in
#   every fifth process (the newest named t<tid>); F open files (at random offsets) in every third; Q message queues (with
#   two messages), semaphore sets and shm segments, attached by every fourth process (their
#   children inherit the attaches); every seventh process execs (comm w<pid>), every thirteenth
#   asks for SIGUSR1 instead of SIGCHLD to be sent to its parent when it exits
#   and every eleventh leaf runs as uid 1000. Deterministic for a seed. Prints the root pids made.
procsim_scenario() { _procsim_guarded _rs_scenario "$@"; }
# _rs_scenario M [OPTIONS]: procsim_scenario's body
_rs_scenario() {
    local usage="procsim_scenario M [--procs N] [--depth D] [--threads T] [--pidns 0-3] [--ipc Q] [--files F] [--seed S]"
    local procs=10 depth=3 threads=0 pidns=0 ipc=0 files=0 seed=1
    local m=""
    while (($#)); do
        case $1 in
            --procs | --depth | --threads | --pidns | --ipc | --files | --seed)
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
    local parent child i j r
    _RS_M=$m
    # nested namespaces: init -> A -> B -> C
    parent=1
    for ((i = 0; i < pidns && ${#made[@]} < procs; i++)); do
        _rs_call "$parent" "$parent" "clone CLONE_NEWPID|SIGCHLD" || { _rs_die "scenario: $REPLY"; return 1; }
        child=$(_rs_root_of_child "$m" "$parent" "$REPLY" "${lvl[$parent]}")
        dep[$child]=$((dep[$parent] + 1)) lvl[$child]=$((lvl[$parent] + 1))
        made+=("$child")
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
        made+=("$child")
        ((dep[$child] < depth)) && candidates+=("$child")
    done
    local -a shms=()
    for ((i = 0; i < ipc; i++)); do
        _rs_call 1 1 "msgget $((1000 + i)) IPC_CREAT|0640" || return 1
        local q=$REPLY
        _rs_call 1 1 "msgsnd $q $((i + 1)) hello$i" || return 1
        _rs_call 1 1 "msgsnd $q 7 world$i" || return 1
        _rs_call 1 1 "semget IPC_PRIVATE 2 0600" || return 1
        _rs_call 1 1 "semctl $REPLY 0 SETALL $i,$((i + 1))" || return 1
        _rs_call 1 1 "shmget $((2000 + i)) $((4096 * (i + 1))) IPC_CREAT|0644" || return 1
        shms+=("$REPLY")
    done
    local -A has_child=()
    for child in "${made[@]}"; do
        [[ -n $(cat "$m/$child/task/$child/children") ]] && has_child[$child]=1
    done
    for ((i = 0; i < ${#made[@]}; i++)); do
        child=${made[$i]}
        if ((i % 7 == 6)); then
            _rs_call "$child" "$child" "execve /usr/bin/w$child" || return 1
        fi
        if ((threads > 0 && i % 5 == 0)); then
            for ((j = 0; j < threads; j++)); do
                _rs_call "$child" "$child" "clone CLONE_THREAD|CLONE_SIGHAND|CLONE_VM" || return 1
            done
            # the newest thread names itself (its root tid: the highest under task/)
            local tid newest=0
            for tid in "$m/$child/task/"*; do ((${tid##*/} > newest)) && newest=${tid##*/}; done
            _rs_call "$child" "$newest" "prctl PR_SET_NAME t$newest" || return 1
        fi
        if ((files > 0 && i % 3 == 0)); then
            for ((j = 0; j < files; j++)); do
                _rs_call "$child" "$child" "open /var/data/f$child.$j O_RDWR" || return 1
                _rs_call "$child" "$child" "lseek $REPLY $((RANDOM % 5000)) SEEK_SET" || return 1
            done
        fi
        if ((${#shms[@]} > 0 && i % 4 == 1)); then
            _rs_call "$child" "$child" "shmat ${shms[i % ${#shms[@]}]} $((i % 8 == 1 ? 010000 : 0))" || return 1
        fi
        if ((i % 11 == 10)) && [[ -z ${has_child[$child]:-} ]]; then
            _rs_call "$child" "$child" "setuid 1000" || return 1
        fi
    done
    _rs_close_fds
    printf '%s\n' "${made[@]}"
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
