#!/usr/bin/env bats
# SysV IPC through the mount: ids chosen by msg_next_id and by next_syscall_data, send and
# receive, IPC_SET after LONG1 1, and /proc/sysvipc in Linux's format.

load lib/procsim

setup_file() {
    procsim_setup_file
}

teardown_file() {
    procsim_teardown_file
}

setup() {
    procsim_require_fuse
    S=$M/1/task/1/syscall
}

# row TABLE ID: the /proc/sysvipc/TABLE row of object ID, columns squeezed to single spaces
row() {
    awk -v id="$2" 'NR > 1 && $2 == id { $1 = $1; print }' "$M/sysvipc/$1"
}

@test "the sysvipc header lines equal this machine's real ones byte for byte" {
    for t in msg sem shm; do
        [ "$(head -1 "$M/sysvipc/$t")" = "$(head -1 "/proc/sysvipc/$t")" ] || { echo "$t differs"; false; }
        diff <(head -1 "$M/sysvipc/$t" | od -c) <(head -1 "/proc/sysvipc/$t" | od -c)
    done
}

@test "msg_next_id: the queue gets that id, then the sysctl is -1 again" {
    [ "$(cat "$M/sys/kernel/msg_next_id")" = -1 ]
    echo 229476 > "$M/sys/kernel/msg_next_id"
    [ "$(procsim_syscall "$S" 'msgget 4660 IPC_CREAT|0640')" = 229476 ]
    [ "$(cat "$M/sys/kernel/msg_next_id")" = -1 ]
    [ "$(row msg 229476 | cut -d' ' -f1-3)" = "4660 229476 640" ]
    run bash -c 'echo -1 > "$1"' _ "$M/sys/kernel/msg_next_id"
    [[ $output == *"Invalid argument"* ]]
}

@test "msg_next_id on a taken index silently takes the next free one" {
    echo 100 > "$M/sys/kernel/sem_next_id"
    [ "$(procsim_syscall "$S" 'semget IPC_PRIVATE 1 0600')" = 100 ]
    echo 100 > "$M/sys/kernel/sem_next_id"
    [ "$(procsim_syscall "$S" 'semget IPC_PRIVATE 1 0600')" = 101 ]
}

@test "next_syscall_data: the queue gets exactly that id; a taken index is EBUSY" {
    echo "LONG1 98504" > "$M/1/task/1/next_syscall_data"   # seq 3, idx 200
    [ "$(procsim_syscall "$S" 'msgget IPC_PRIVATE 0600')" = 98504 ]
    echo "LONG1 200" > "$M/1/task/1/next_syscall_data"     # seq 0, idx 200: taken
    run procsim_syscall "$S" 'msgget IPC_PRIVATE 0600'
    [[ $output == *"-1 EBUSY"* ]]
    [ "$(cat "$M/1/task/1/next_syscall_data")" = UNSET ]
}

@test "send and receive, then IPC_SET after LONG1 1 restores stime, rtime, lspid and lrpid" {
    id=$(procsim_syscall "$S" 'msgget 77 IPC_CREAT|0600')
    p=$(procsim_syscall "$S" fork)
    [ "$(procsim_syscall "$M/$p/task/$p/syscall" "msgsnd $id 3 hello")" = 0 ]
    [ "$(procsim_syscall "$S" "msgrcv $id 0")" = "5 mtype=3 text=hello" ]
    stat=$(procsim_syscall "$S" "msgctl $id IPC_STAT")
    [[ $stat == *" lspid=$p lrpid=1 "* ]]
    echo "LONG1 1" > "$M/1/task/1/next_syscall_data"
    [ "$(procsim_syscall "$S" "msgctl $id IPC_SET stime=1111 rtime=2222 lspid=4242 lrpid=4343")" = 0 ]
    read -r _ _ _ _ _ lspid lrpid _ _ _ _ stime rtime _ <<<"$(row msg "$id")"
    [ "$stime $rtime $lspid $lrpid" = "1111 2222 4242 4343" ]
    # without LONG1 1 only uid, gid, mode and qbytes change
    [ "$(procsim_syscall "$S" "msgctl $id IPC_SET stime=5 uid=7 perms=0644")" = 0 ]
    read -r _ _ perms _ _ _ _ uid _ _ _ stime _ _ <<<"$(row msg "$id")"
    [ "$stime $perms $uid" = "1111 644 7" ]
}

@test "IPC_STAT reads as key=value pairs that IPC_SET takes back" {
    id=$(procsim_syscall "$S" 'shmget IPC_PRIVATE 8192 0600')
    stat=$(procsim_syscall "$S" "shmctl $id IPC_STAT")
    [[ $stat == "0 key=0 shmid=$id perms=0600 size=8192 "* ]]
    [ "$(procsim_syscall "$S" "shmctl $id IPC_SET ${stat#0 }")" = 0 ]
}

@test "sem: LONG1 1 before IPC_SET restores otime and ctime" {
    id=$(procsim_syscall "$S" 'semget IPC_PRIVATE 2 0600')
    procsim_syscall "$S" "semop $id 0:1" >/dev/null
    echo "LONG1 1" > "$M/1/task/1/next_syscall_data"
    procsim_syscall "$S" "semctl $id 0 IPC_SET otime=3333 ctime=4444" >/dev/null
    read -r _ _ _ nsems _ _ _ _ otime ctime <<<"$(row sem "$id")"
    [ "$nsems $otime $ctime" = "2 3333 4444" ]
    [ "$(procsim_syscall "$S" "semctl $id 0 GETVAL")" = 1 ]
}

@test "shm: LONG1 1 before IPC_SET restores atime, dtime, ctime, cpid and lpid" {
    id=$(procsim_syscall "$S" 'shmget 119 10000 IPC_CREAT|0644')
    p=$(procsim_syscall "$S" fork)
    procsim_syscall "$M/$p/task/$p/syscall" "shmat $id" >/dev/null
    read -r key _ _ size cpid lpid nattch _ <<<"$(row shm "$id")"
    [ "$key $size $cpid $lpid $nattch" = "119 10000 1 $p 1" ]
    echo "LONG1 1" > "$M/1/task/1/next_syscall_data"
    procsim_syscall "$S" "shmctl $id IPC_SET atime=5 dtime=6 ctime=7 cpid=8 lpid=9" >/dev/null
    read -r _ _ _ _ cpid lpid _ _ _ _ _ atime dtime ctime _ _ <<<"$(row shm "$id")"
    [ "$atime $dtime $ctime $cpid $lpid" = "5 6 7 8 9" ]
}

@test "a namespace of its own after unshare CLONE_NEWIPC" {
    p=$(procsim_syscall "$S" fork)
    procsim_syscall "$M/$p/task/$p/syscall" 'unshare CLONE_NEWIPC' >/dev/null
    [ "$(procsim_syscall "$M/$p/task/$p/syscall" 'msgget IPC_PRIVATE 0600')" = 0 ]
    ( procsim_attach "$M" "$p" "$p"
      [ "$(awk 'END { print NR }' "$M/sysvipc/msg")" = 2 ]
      [ "$(readlink "$M/self/ns/ipc")" != "$(readlink "$M/1/ns/ipc")" ] )
}

# load_worker Q PID MODE COUNT OUT: as sim task PID, COUNT blocking msgsnd (MODE send) or msgrcv
# (MODE recv) on queue Q; each sent or received text goes to OUT, one a line.
load_worker() {
    local q=$1 p=$2 mode=$3 count=$4 out=$5 k reply
    procsim_attach "$M" "$p" "$p" || { echo "attach to $p failed" >&2; return 1; }
    for ((k = 0; k < count; k++)); do
        if [[ $mode == send ]]; then
            reply=$(procsim_syscall "$M/$p/task/$p/syscall" "msgsnd $q $((1 + k % 3)) p$p-$k$(printf '%*s' $((k % 5)) '' | tr ' ' x)")
            [[ $reply == 0 ]] || { echo "msgsnd: $reply" >&2; return 1; }
            echo "p$p-$k$(printf '%*s' $((k % 5)) '' | tr ' ' x)" >>"$out"
        else
            reply=$(procsim_syscall "$M/$p/task/$p/syscall" "msgrcv $q 0")
            [[ $reply == *" text="* ]] || { echo "msgrcv: $reply" >&2; return 1; }
            echo "${reply#* text=}" >>"$out"
        fi
    done
}

@test "qnum and cbytes under load: six shells send and receive on one queue, every message accounted for" {
    local q i n=6 per=120 pids=() workers=() dir=$BATS_TEST_TMPDIR/load
    mkdir -p "$dir"
    q=$(procsim_syscall "$S" 'msgget IPC_PRIVATE 0600')
    procsim_syscall "$S" "msgctl $q IPC_SET qbytes=200" >/dev/null # small: senders block too
    for ((i = 0; i < n; i++)); do pids+=("$(procsim_syscall "$S" fork)"); done
    for ((i = 0; i < n; i++)); do
        local mode=send
        ((i % 2)) && mode=recv
        load_worker "$q" "${pids[i]}" "$mode" "$per" "$dir/$mode.$i" &
        workers+=("$!")
    done
    # While they run, every /proc/sysvipc/msg row must be one state: within qbytes, and no
    # bytes without messages nor messages without bytes.
    local alive=1 rows=0 cbytes qnum deadline=$((SECONDS + 300))
    while ((alive)); do
        ((SECONDS < deadline)) || { echo "workers still running after 300 s"; kill "${workers[@]}"; false; }
        alive=0
        for i in "${workers[@]}"; do kill -0 "$i" 2>/dev/null && alive=1; done
        read -r cbytes qnum < <(awk -v id="$q" 'NR > 1 && $2 == id { print $4, $5 }' "$M/sysvipc/msg")
        ((cbytes <= 200 && qnum <= 200 && (qnum == 0) == (cbytes == 0))) || { echo "row: cbytes $cbytes qnum $qnum"; false; }
        rows=$((rows + 1))
    done
    for i in "${workers[@]}"; do wait "$i"; done
    [ "$(row msg "$q" | cut -d' ' -f4,5)" = "0 0" ]
    diff <(sort "$dir"/send.*) <(sort "$dir"/recv.*)
    [ "$(cat "$dir"/recv.* | wc -l)" -eq $(((n / 2) * per)) ]
    echo "rows checked: $rows"
}

@test "a sim task killed while blocked in msgrcv takes no message sent afterwards" {
    local q p w
    q=$(procsim_syscall "$S" 'msgget IPC_PRIVATE 0600')
    p=$(procsim_syscall "$S" fork)
    bash -c 'exec 2>/dev/null; echo "msgrcv $2 0" > "$1"' _ "$M/$p/task/$p/syscall" "$q" &
    w=$!
    # until the host shell sleeps in write(2) (x86-64 number 1) on the syscall file
    until [[ $(cat "/proc/$w/syscall" 2>/dev/null) == "1 "* ]]; do kill -0 "$w"; done
    [ "$(procsim_syscall "$S" "kill $p SIGKILL")" = 0 ]
    [ "$(procsim_syscall "$S" "msgsnd $q 1 kept")" = 0 ]
    local rc=0
    wait "$w" || rc=$?
    [ "$rc" -ne 0 ] # the killed task's msgrcv failed (EINTR), it did not take "kept"
    [ "$(row msg "$q" | cut -d' ' -f4,5)" = "4 1" ]
}

@test "a signal a sim task's handler takes ends its blocked msgrcv with EINTR, SA_RESTART or not (ipc/msg.c)" {
    local q p w n=0
    q=$(procsim_syscall "$S" 'msgget IPC_PRIVATE 0600')
    p=$(procsim_syscall "$S" fork)
    [[ $(procsim_syscall "$M/$p/task/$p/syscall" "rt_sigaction SIGUSR1 0x401000 SA_RESTART") == "0 handler=SIG_DFL "* ]]
    bash -c 'exec 3<>"$1"; echo "msgrcv $2 0" >&3 2>/dev/null; echo "write $?"; read -r r <&3; echo "$r"' _ \
        "$M/$p/task/$p/syscall" "$q" >"$BATS_TEST_TMPDIR/out" &
    w=$!
    # a handler's signal taken before the call began ends nothing: signal until the call has ended
    while kill -0 "$w" 2>/dev/null && ((n++ < 300)); do
        procsim_syscall "$S" "kill $p SIGUSR1" >/dev/null
        sleep 0.05
    done
    wait "$w"
    [ "$(cat "$BATS_TEST_TMPDIR/out")" = $'write 1\n-1 EINTR' ]
    [ "$(awk '$1 == "State:" { print $2 }' "$M/$p/status")" = S ]
}
