#!/usr/bin/env bash
# reference-restorer.bash - a restore by hand: the clone3 method in plain bash, nothing but echo
# into the mount's files and cat of their replies. It reads an image's text form:
#     procsim image show image.json | bash shell-tests/lib/reference-restorer.bash M
# Short by choice: it makes processes in pid order (a parent's pid must be lower than its
# children's); unlike `procsim restore` it checks nothing first (what setsid and setpgid cannot
# make fails with EPERM, or comes out otherwise: diff a checkpoint of M with the image) and does not
# roll back (a failure stops it, exit 1); no IPC times; M must be a fresh mount. The Linux facts it relies on: docs/image-format.md and the README.
set -euo pipefail
M=${1:?usage: reference-restorer.bash M < image.txt}

# call FILE LINE: FILE's task makes the syscall LINE (one echo); a failure prints the reply and stops
call() {
    echo "$2" 2>/dev/null >"$1" || { echo "reference-restorer: '$2' by ${1#"$M"/}: $(cat "$1")" >&2; exit 1; }
}
# sys PID LINE: process PID's leader makes LINE
sys() { call "$M/$1/syscall" "$2"; }
# task TID: that task's syscall file
task() { echo "$M/${LEADER[$1]:-$1}/task/$1/syscall"; }
# num WHAT VALUE: digits and commas only (bash would run anything else inside $(( )))
num() { [[ $2 =~ ^[0-9,]+$ ]] || { echo "reference-restorer: not a number: $1 '$2'" >&2; exit 2; }; }

# 1. The records, into arrays (processes come first in the text form).
declare -A PPID_OF NSPID COMM SIG STATE SUB ARGV FDS SHM LEADER TNSPID TCOMM MASK PGID GRP LEADS
procs=() threads=() creds=() sigacts=() pending=() ipc=()
read -r magic version
[[ $magic == procsim-image && $version =~ ^[1-4]$ ]] || { echo "reference-restorer: not a procsim image text (procsim image show)" >&2; exit 2; }
while read -r kind a b rest; do
    case $kind in
    process) # process PID ppid=P nspid=.. pidns=.. comm=C exit_signal=S state=S subreaper=0|1 argv=..
        num pid "$a"; procs+=("$a")
        read -r nspid _ comm sig state sub argv <<<"$rest"
        PPID_OF[$a]=${b#ppid=} NSPID[$a]=${nspid#nspid=} COMM[$a]=${comm#comm=} SIG[$a]=${sig#exit_signal=}
        STATE[$a]=${state#state=} SUB[$a]=${sub#subreaper=} ARGV[$a]=${argv#argv=}
        num ppid "${PPID_OF[$a]}"; num nspid "${NSPID[$a]}"; num exit_signal "${SIG[$a]}" ;;
    thread) # thread PID TID nspid=.. comm=C
        num tid "$b"; threads+=("$b")
        read -r nspid comm <<<"$rest"
        LEADER[$b]=$a TNSPID[$b]=${nspid#nspid=} TCOMM[$b]=${comm#comm=} ;;
    session) # session PID sid=S pgid=G: a session's leader calls setsid as it is made
        PGID[$a]=${rest#pgid=}; num pgid "${PGID[$a]}"
        if [[ ${b#sid=} == "$a" ]]; then LEADS[$a]=1; fi ;;
    creds) creds+=("$a $b $rest") ;;             # creds TID uid=.. gid=.. caps=I/P/E/B/A keepcaps=K
    sigaction) sigacts+=("$a $b $rest") ;;       # sigaction PID SIG handler=H flags=F
    sigmask) MASK[$a]=${b#signals=} ;;           # sigmask TID signals=S,S,..
    sigpending) pending+=("kill $a ${b#signals=}") ;;      # sigpending PID signals=S,S,..
    own-sigpending) pending+=("tkill $a ${b#signals=}") ;; # own-sigpending TID signals=S,S,..
    fd) FDS[$a]+="$b $rest"$'\n' ;;              # fd PID FD flags=0.. pos=N path=P
    shm-attach) SHM[$a]+="$b $rest"$'\n' ;;      # shm-attach PID ADDR shmid=ID mode=rw|ro
    msg | msg-data | sem | shm) ipc+=("$kind $a $b $rest") ;;
    esac
done

# 2. IPC objects, each with its id: the id to M/sys/kernel/KIND_next_id, then KINDget makes it
# (ipc_idr_alloc takes next_id once); then IPC_SET, the messages, the semaphores' values.
# ipcget KIND ID key=K perms=P [NSEMS|SIZE]: ID to KIND_next_id, then KINDget
ipcget() {
    local k=${3#key=}
    if [[ $k == 0 ]]; then k=IPC_PRIVATE; fi
    num "$1 id" "$2"
    echo "$2" >"$M/sys/kernel/$1_next_id"
    sys 1 "$1get $k ${5:+$5 }IPC_CREAT|IPC_EXCL|${4#perms=}"
}
for rec in "${ipc[@]}"; do
    read -r kind id f1 f2 f3 f4 f5 _ f7 _ <<<"$rec"
    case $kind in
    msg) # msg ID key=K perms=0MODE uid=U gid=G cuid=U cgid=G qbytes=Q
        ipcget msg "$id" "$f1" "$f2"; sys 1 "msgctl $id IPC_SET $f3 $f4 $f2 $f7" ;;
    msg-data) sys 1 "msgsnd $id ${f2#mtype=} ${rec#*text=} IPC_NOWAIT" ;; # msg-data ID N mtype=T text=TEXT
    sem) # sem ID key=K perms=0MODE nsems=N uid=U gid=G cuid=U cgid=G values=V,V,..
        ipcget sem "$id" "$f1" "$f2" "${f3#nsems=}"; sys 1 "semctl $id 0 IPC_SET $f4 $f5 $f2"
        sys 1 "semctl $id 0 SETALL ${rec##*values=}" ;;
    shm) # shm ID key=K perms=0MODE size=S uid=U gid=G cuid=U cgid=G
        ipcget shm "$id" "$f1" "$f2" "${f3#size=}"; sys 1 "shmctl $id IPC_SET $f4 $f5 $f2" ;;
    esac
done

# innermost 7,3,1: 1,3,7 (clone3's set_tid order)
innermost() {
    local -a n
    local i o=
    IFS=, read -r -a n <<<"$1"
    for ((i = ${#n[@]} - 1; i >= 0; i--)); do o+=${o:+,}${n[i]}; done
    echo "$o"
}
# levels PID: how many levels its nspid has (init's: 1)
levels() { local c=${NSPID[$1]:-1}; c=${c//[^,]/}; echo $((${#c} + 1)); }

# 3. Processes, each by its parent: clone3 with set_tid (innermost level first; CLONE_NEWPID for a
# namespace's init). A session leader calls setsid at once, before it forks (children inherit the
# session). Then execve when its argv is not its parent's (which closes close-on-exec fds and
# detaches shm), its comm, its own fds and shm attaches if not inherited, subreaper.
mapfile -d '' -t init_argv <"$M/1/cmdline"
ARGV[1]=${init_argv[*]} GRP[1]=1
for p in "${procs[@]}"; do
    parent=${PPID_OF[$p]} flags=
    [[ -e $M/$parent ]] || { echo "reference-restorer: the parent $parent of $p is not there (yet)" >&2; exit 1; }
    (($(levels "$p") > $(levels "$parent"))) && flags=" flags=CLONE_NEWPID"
    sys "$parent" "clone3$flags exit_signal=${SIG[$p]} set_tid=$(innermost "${NSPID[$p]}")"
    GRP[$p]=${GRP[$parent]} # GRP: the group it is in now
    if [[ -n ${LEADS[$p]:-} ]]; then sys "$p" setsid; GRP[$p]=$p; fi
    inherited_shm=${SHM[$parent]:-}
    if [[ ${ARGV[$p]} != "${ARGV[$parent]}" ]]; then sys "$p" "execve ${ARGV[$p]}"; inherited_shm=; fi
    echo -n "${COMM[$p]}" >"$M/$p/comm"
    if [[ $parent == 1 || ${FDS[$p]:-} != "${FDS[$parent]:-}" ]]; then # (init's fds are not in the image)
        for f in "$M/$p"/fd/*; do if [[ -L $f ]]; then sys "$p" "close ${f##*/}"; fi; done # what it inherited
        while read -r fd flags pos path; do
            [[ -n $fd ]] || continue
            num fd "$fd"; num pos "${pos#pos=}"; num flags "${flags#flags=}"
            fl=$((8#${flags#flags=})) # fdinfo's octal flags; open takes them less O_LARGEFILE and O_CLOEXEC
            sys "$p" "open ${path#path=} 0$(printf %o $((fl & ~0100000 & ~02000000)))"
            got=$(cat "$M/$p/syscall")
            if [[ $got != "$fd" ]]; then sys "$p" "dup2 $got $fd"; sys "$p" "close $got"; fi
            if ((fl & 02000000)); then sys "$p" "fcntl $fd F_SETFD FD_CLOEXEC"; fi
            if [[ ${pos#pos=} != 0 ]]; then sys "$p" "lseek $fd ${pos#pos=} SEEK_SET"; fi
        done <<<"${FDS[$p]:-}"
    fi
    if [[ ${SHM[$p]:-} != "$inherited_shm" ]]; then
        while read -r addr _; do [[ -z $addr ]] || sys "$p" "shmdt $addr"; done <<<"$inherited_shm"
        while read -r addr id mode; do
            [[ -z $addr ]] || sys "$p" "shmat ${id#shmid=} $([[ $mode == mode=ro ]] && echo SHM_RDONLY || echo 0) addr=$addr"
        done <<<"${SHM[$p]:-}"
    fi
    if [[ ${SUB[$p]} == 1 ]]; then sys "$p" "prctl PR_SET_CHILD_SUBREAPER 1"; fi
done

# 4. Threads, by their leader, then their names.
for t in "${threads[@]}"; do
    sys "${LEADER[$t]}" "clone3 flags=CLONE_THREAD|CLONE_SIGHAND|CLONE_VM set_tid=$(innermost "${TNSPID[$t]}")"
    echo -n "${TCOMM[$t]}" >"$M/${LEADER[$t]}/task/$t/comm"
done

# 5. Process groups, once every task is made: one not in its image's group joins it, naming it as
# its own namespace does (the leader's nspid at its level); leaders first (a group must exist).
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

# word S,S,..: those signals' sigset word (bit SIG-1 each) in hex
word() {
    local s w=0
    [[ -z $1 ]] || num signals "$1"
    for s in ${1//,/ }; do
        ((s >= 1 && s <= 64)) || { echo "reference-restorer: not a signal: $s" >&2; exit 2; }
        ((w |= 1 << (s - 1)))
    done
    printf '%#x' "$w"
}
# 7. Signal masks, each by its own task (fork and clone copy the mask). (An assignment of $(word)
# stops the restore if word exits; an argument would not.)
for tid in "${!MASK[@]}"; do w=$(word "${MASK[$tid]}"); call "$(task "$tid")" "rt_sigprocmask SIG_SETMASK $w"; done

# 8. Credentials last (a task that dropped root could not make children): setgid, keepcaps 1 and
# setresuid (keepcaps keeps the permitted set; effective is cleared), capset, the image's keepcaps.
root="uid=0,0,0,0 gid=0,0,0,0 caps=0000000000000000/000001ffffffffff/000001ffffffffff/000001ffffffffff/0000000000000000 keepcaps=0"
for rec in "${creds[@]}"; do
    read -r tid uid gid caps keep <<<"$rec"
    [[ "$uid $gid $caps $keep" != "$root" ]] || continue
    s=$(task "$tid") g=${gid#gid=}
    if [[ ${g%%,*} != 0 ]]; then call "$s" "setgid ${g%%,*}"; fi
    call "$s" "prctl PR_SET_KEEPCAPS 1"
    IFS=, read -r r e sv _ <<<"${uid#uid=}"
    call "$s" "setresuid $r $e $sv"
    IFS=/ read -r inh prm eff _ <<<"${caps#caps=}"
    call "$s" "capset effective=0x$eff permitted=0x$prm inheritable=0x$inh"
    call "$s" "prctl PR_SET_KEEPCAPS ${keep#keepcaps=}"
done

# 9. Stopped processes, by init (it may signal anyone).
for p in "${procs[@]}"; do if [[ ${STATE[$p]} == T ]]; then sys 1 "kill $p SIGSTOP"; fi; done

# 10. Pending signals, after the stops: the process's by kill, a thread's own by tkill, each sent
# by the task to itself as its namespace numbers it. A stopped process's task blocks them while it
# sends (blocked, none is ignored; the stop keeps them), then takes its mask back.
for rec in "${pending[@]}"; do
    read -r how id sigs <<<"$rec"
    f=$(task "$id") ns=${TNSPID[$id]:-${NSPID[$id]}} stopped=${STATE[${LEADER[$id]:-$id}]}
    w=$(word "$sigs")
    back=$(word "${MASK[$id]:-}")
    if [[ $stopped == T ]]; then call "$f" "rt_sigprocmask SIG_BLOCK $w"; fi
    for s in ${sigs//,/ }; do call "$f" "$how ${ns##*,} $s"; done
    if [[ $stopped == T ]]; then call "$f" "rt_sigprocmask SIG_SETMASK $back"; fi
done
