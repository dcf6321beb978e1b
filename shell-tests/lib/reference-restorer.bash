#!/usr/bin/env bash
# reference-restorer.bash - a restore done by hand: the clone3 method in plain bash, nothing but
# echo into the mount's files and cat of their replies (what `procsim restore --method clone3`
# does in Java, without its plan, speed or rollback). It reads the text form of an image:
#
#     procsim image show image.json | bash shell-tests/lib/reference-restorer.bash M
#
# Limits, to stay short: processes are made in the image's order (by pid), so a parent must have a
# lower pid than its children; sessions and groups are not checked first, as the Java plan does (one
# that setsid and setpgid alone cannot make fails with EPERM, or comes out otherwise); a failure
# stops it (exit 1) and leaves what it made; init's own shm attaches are not undone in its children; IPC times and pids are not restored (clone3's way has
# no LONG1 1); M must be a fresh mount (every task forks from init's credentials, not checked
# here; nor are its signal actions and mask). Linux facts it relies on: kernel/fork.c (clone3's set_tid[0] is the child's own
# namespace, innermost first), fs/exec.c (execve closes close-on-exec fds, detaches shm, names the
# task after the path), kernel/sys.c (setsid, setpgid), security/commoncap.c (keepcaps keeps the permitted set across setresuid).
set -euo pipefail
M=${1:?usage: reference-restorer.bash M < image.txt}

# call FILE LINE: the task of the syscall FILE makes the syscall LINE, one echo; on a failure cat
# prints the reply ("-1 EEXIST") and the restore stops.
call() {
    if ! echo "$2" 2>/dev/null >"$1"; then
        echo "reference-restorer: '$2' by ${1#"$M"/}: $(cat "$1")" >&2
        exit 1
    fi
}
# sys PID LINE: process PID (its leader) makes the syscall LINE
sys() { call "$M/$1/syscall" "$2"; }
# num WHAT VALUE: VALUE must be digits (and commas): bash would run anything else in $(( )).
num() { [[ $2 =~ ^[0-9,]+$ ]] || { echo "reference-restorer: not a number: $1 '$2'" >&2; exit 2; }; }

# 1. Read the records into arrays (the text form lists processes first, fds after).
declare -A PPID_OF NSPID COMM SIG STATE SUB ARGV FDS SHM LEADER TNSPID TCOMM MASK SID PGID GRP
procs=() threads=() creds=() sigacts=() pending=() ipc=()
read -r magic version
[[ $magic == procsim-image && $version =~ ^[1-4]$ ]] || { echo "reference-restorer: not a procsim image text (procsim image show)" >&2; exit 2; }
while read -r kind a b rest; do
    case $kind in
    process) # process PID ppid=P nspid=.. pidns=.. comm=C exit_signal=S state=S subreaper=0 argv=...
        num pid "$a"; procs+=("$a")
        read -r nspid _ comm sig state sub argv <<<"$rest"
        PPID_OF[$a]=${b#ppid=} NSPID[$a]=${nspid#nspid=} COMM[$a]=${comm#comm=} SIG[$a]=${sig#exit_signal=}
        STATE[$a]=${state#state=} SUB[$a]=${sub#subreaper=} ARGV[$a]=${argv#argv=}
        num ppid "${PPID_OF[$a]}"; num nspid "${NSPID[$a]}"; num exit_signal "${SIG[$a]}" ;;
    thread) # thread PID TID nspid=.. comm=C
        num tid "$b"; threads+=("$b")
        read -r nspid comm <<<"$rest"
        LEADER[$b]=$a TNSPID[$b]=${nspid#nspid=} TCOMM[$b]=${comm#comm=} ;;
    session) SID[$a]=${b#sid=} PGID[$a]=${rest#pgid=}; num sid "${SID[$a]}"; num pgid "${PGID[$a]}" ;; # session PID sid=S pgid=G
    creds) creds+=("$a $b $rest") ;;
    sigaction) sigacts+=("$a $b $rest") ;;       # sigaction PID SIG handler=H flags=F
    sigmask) MASK[$a]=${b#signals=} ;;           # sigmask TID signals=S,S,..
    sigpending) pending+=("kill $a ${b#signals=}") ;;      # sigpending PID signals=S,S,..
    own-sigpending) pending+=("tkill $a ${b#signals=}") ;; # own-sigpending TID signals=S,S,..
    fd) FDS[$a]+="$b $rest"$'\n' ;;              # fd PID FD flags=0.. pos=N path=P
    shm-attach) SHM[$a]+="$b $rest"$'\n' ;;      # shm-attach PID ADDR shmid=ID mode=rw|ro
    msg | msg-data | sem | shm) ipc+=("$kind $a $b $rest") ;;
    esac
done

# ipckey key=K: K, or IPC_PRIVATE for 0
ipckey() { if [[ $1 == key=0 ]]; then echo IPC_PRIVATE; else echo "${1#key=}"; fi; }
# ipcget KIND ID key=K perms=P [ARG]: makes KIND's object ID: ID to KIND_next_id, then KINDget
ipcget() {
    num "$1 id" "$2"
    echo "$2" >"$M/sys/kernel/$1_next_id"
    sys 1 "$1get $(ipckey "$3") ${5:+$5 }IPC_CREAT|IPC_EXCL|${4#perms=}"
}

# 2. IPC objects, each with its id: ID to M/sys/kernel/KIND_next_id, then KINDget creating it
# (ipc/util.c ipc_idr_alloc takes next_id once); init is in their IPC namespace.
for rec in "${ipc[@]}"; do
    case $rec in
    msg\ *) # msg ID key=K perms=0MODE uid=U gid=G cuid=U cgid=G qbytes=Q
        read -r _ id key perms u g _ _ q <<<"$rec"
        ipcget msg "$id" "$key" "$perms"
        sys 1 "msgctl $id IPC_SET $u $g $perms $q" ;;
    msg-data\ *) # msg-data ID N mtype=T text=TEXT
        read -r _ id _ mtype text <<<"$rec"
        sys 1 "msgsnd $id ${mtype#mtype=} ${text#text=} IPC_NOWAIT" ;;
    sem\ *) # sem ID key=K perms=0MODE nsems=N uid=U gid=G cuid=U cgid=G values=V1,V2,..
        read -r _ id key perms nsems u g _ _ values <<<"$rec"
        ipcget sem "$id" "$key" "$perms" "${nsems#nsems=}"
        sys 1 "semctl $id 0 IPC_SET $u $g $perms"
        sys 1 "semctl $id 0 SETALL ${values#values=}" ;;
    shm\ *) # shm ID key=K perms=0MODE size=S uid=U gid=G cuid=U cgid=G
        read -r _ id key perms size u g _ _ <<<"$rec"
        ipcget shm "$id" "$key" "$perms" "${size#size=}"
        sys 1 "shmctl $id IPC_SET $u $g $perms" ;;
    esac
done

# innermost PID-LIST: "7,3,1" -> "1,3,7" (clone3's set_tid order)
innermost() {
    local -a n
    local out="" i
    IFS=, read -r -a n <<<"$1"
    for ((i = ${#n[@]} - 1; i >= 0; i--)); do out+=${out:+,}${n[i]}; done
    echo "$out"
}
# levels PID: how many levels its nspid has (init's: 1)
levels() {
    local c=${NSPID[$1]:-1}
    c=${c//[^,]/}
    echo $((${#c} + 1))
}

# 3. Processes, by the parent: clone3 with set_tid (CLONE_NEWPID for a new namespace's init). A
# session leader (sid = its pid; no session line: init's 1) calls setsid at once, before it forks
# (its children inherit the session): the reply is its own pid in its namespace. GRP: the group
# each one is in once made (its parent's, or its own after setsid).
init_fds=""
for f in "$M"/1/fd/*; do init_fds+="${f##*/} "; done
mapfile -d '' -t init_argv <"$M/1/cmdline"
ARGV[1]=${init_argv[*]} GRP[1]=1
for p in "${procs[@]}"; do
    parent=${PPID_OF[$p]}
    [[ -e $M/$parent ]] || { echo "reference-restorer: the parent $parent of $p is not there (yet)" >&2; exit 1; }
    flags=""
    (($(levels "$p") > $(levels "$parent"))) && flags=" flags=CLONE_NEWPID"
    sys "$parent" "clone3$flags exit_signal=${SIG[$p]} set_tid=$(innermost "${NSPID[$p]}")"
    GRP[$p]=${GRP[$parent]}
    if [[ ${SID[$p]:-1} == "$p" ]]; then
        sys "$p" setsid
        sid=$(cat "$M/$p/syscall")
        [[ $sid == "${NSPID[$p]##*,}" ]] || { echo "reference-restorer: setsid of $p gave $sid" >&2; exit 1; }
        GRP[$p]=$p
    fi
    # argv: a child has its parent's; a different one is an execve (which also names the task)
    inherited_shm=${SHM[$parent]:-}
    if [[ ${ARGV[$p]} != "${ARGV[$parent]}" ]]; then
        sys "$p" "execve ${ARGV[$p]}"
        inherited_shm=""
    fi
    echo -n "${COMM[$p]}" >"$M/$p/comm"
    # fds: when not its parent's, close what it inherited and open its own, each at its number
    if [[ $parent == 1 || ${FDS[$p]:-} != "${FDS[$parent]:-}" ]]; then
        if [[ $parent == 1 ]]; then old=$init_fds; else old=$(while read -r fd _; do echo -n "$fd "; done <<<"${FDS[$parent]:-}"); fi
        for fd in $old; do echo "close $fd" 2>/dev/null >"$M/$p/syscall" || :; done # (execve may have closed it)
        while read -r fd flags pos path; do
            [[ -n $fd ]] || continue
            num fd "$fd"; num pos "${pos#pos=}"; num flags "${flags#flags=}"
            fl=$((8#${flags#flags=})) # fdinfo's octal flags, less O_LARGEFILE and O_CLOEXEC
            sys "$p" "open ${path#path=} 0$(printf %o $((fl & ~0100000 & ~02000000)))"
            got=$(cat "$M/$p/syscall")
            if [[ $got != "$fd" ]]; then sys "$p" "dup2 $got $fd"; sys "$p" "close $got"; fi
            if ((fl & 02000000)); then sys "$p" "fcntl $fd F_SETFD FD_CLOEXEC"; fi
            if [[ ${pos#pos=} != 0 ]]; then sys "$p" "lseek $fd ${pos#pos=} SEEK_SET"; fi
        done <<<"${FDS[$p]:-}"
    fi
    # shm attaches: when not its parent's, detach what it inherited, attach its own at their addresses
    if [[ ${SHM[$p]:-} != "$inherited_shm" ]]; then
        while read -r addr _; do
            if [[ -n $addr ]]; then sys "$p" "shmdt $addr"; fi
        done <<<"$inherited_shm"
        while read -r addr id mode; do
            [[ -n $addr ]] || continue
            mode=${mode#mode=}
            sys "$p" "shmat ${id#shmid=} $([[ $mode == ro ]] && echo SHM_RDONLY || echo 0) addr=$addr"
        done <<<"${SHM[$p]:-}"
    fi
    if [[ ${SUB[$p]} == 1 ]]; then sys "$p" "prctl PR_SET_CHILD_SUBREAPER 1"; fi
done

# 4. Threads, by their leader, then their names.
for t in "${threads[@]}"; do
    l=${LEADER[$t]}
    sys "$l" "clone3 flags=CLONE_THREAD|CLONE_SIGHAND|CLONE_VM set_tid=$(innermost "${TNSPID[$t]}")"
    echo -n "${TCOMM[$t]}" >"$M/$l/task/$t/comm"
done

# 5. Process groups, once every task is made: a process not in its image's group joins it,
# naming it as its own namespace does (the leader's nspid at the process's level); group leaders
# first (a group is joined once it exists).
for pass in leader member; do
    for p in "${procs[@]}"; do
        g=${PGID[$p]:-1} role=member
        if [[ $g == "$p" ]]; then role=leader; fi
        if [[ $g == "${GRP[$p]}" || $role != "$pass" ]]; then continue; fi
        IFS=, read -r -a gn <<<"${NSPID[$g]:-1}"
        sys "$p" "setpgid 0 ${gn[$(levels "$p") - 1]}"
    done
done

# 6. Signal actions, once every child has forked (fork copies them); the rest stay SIG_DFL.
for rec in "${sigacts[@]}"; do
    read -r pid sig handler flags <<<"$rec"
    sys "$pid" "rt_sigaction $sig ${handler#handler=} ${flags#flags=}"
done

# word S,S,..: the sigset word of those signals (bit SIG-1 each), in hex; none: 0.
word() {
    local s w=0
    [[ -z $1 ]] || num signals "$1"
    for s in ${1//,/ }; do
        ((s >= 1 && s <= 64)) || { echo "reference-restorer: not a signal: $s" >&2; exit 2; }
        ((w |= 1 << (s - 1)))
    done
    printf '%#x' "$w"
}

# 7. Signal masks, each by its own task once every task is made (fork and clone copy the mask).
for tid in "${!MASK[@]}"; do
    w=$(word "${MASK[$tid]}")
    call "$M/${LEADER[$tid]:-$tid}/task/$tid/syscall" "rt_sigprocmask SIG_SETMASK $w"
done

# 8. Credentials last (a task that dropped root could not make children): setgid, keepcaps 1 and
# setresuid (permitted kept, effective cleared), capset, then the image's keepcaps.
root="uid=0,0,0,0 gid=0,0,0,0 caps=0000000000000000/000001ffffffffff/000001ffffffffff/000001ffffffffff/0000000000000000 keepcaps=0"
for rec in "${creds[@]}"; do
    read -r tid uid gid caps keep <<<"$rec"
    [[ "$uid $gid $caps $keep" != "$root" ]] || continue
    s=$M/${LEADER[$tid]:-$tid}/task/$tid/syscall
    g=${gid#gid=}
    if [[ ${g%%,*} != 0 ]]; then call "$s" "setgid ${g%%,*}"; fi
    call "$s" "prctl PR_SET_KEEPCAPS 1"
    IFS=, read -r r e sv _ <<<"${uid#uid=}"
    call "$s" "setresuid $r $e $sv"
    IFS=/ read -r inh prm eff _ <<<"${caps#caps=}"
    call "$s" "capset effective=0x$eff permitted=0x$prm inheritable=0x$inh"
    call "$s" "prctl PR_SET_KEEPCAPS ${keep#keepcaps=}"
done

# 9. Stopped processes, by init (it may signal anyone).
for p in "${procs[@]}"; do
    if [[ ${STATE[$p]} == T ]]; then sys 1 "kill $p SIGSTOP"; fi
done

# 10. Pending signals, after the stops (a stopped process keeps them; a running one blocks them):
# the process's by kill, a thread's own by tkill, each sent by the task to itself as its namespace
# numbers it (the last of its nspid). A stopped process's task blocks them while it sends (one it
# does not block could be ignored; blocked, none is), then takes its mask back.
for rec in "${pending[@]}"; do
    read -r how id sigs <<<"$rec"
    f=$M/${LEADER[$id]:-$id}/task/$id/syscall ns=${TNSPID[$id]:-${NSPID[$id]}}
    stopped=${STATE[${LEADER[$id]:-$id}]} w=$(word "$sigs") back=$(word "${MASK[$id]:-}")
    if [[ $stopped == T ]]; then call "$f" "rt_sigprocmask SIG_BLOCK $w"; fi
    for s in ${sigs//,/ }; do call "$f" "$how ${ns##*,} $s"; done
    if [[ $stopped == T ]]; then call "$f" "rt_sigprocmask SIG_SETMASK $back"; fi
done
