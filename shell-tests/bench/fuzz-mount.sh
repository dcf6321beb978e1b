#!/usr/bin/env bash
# The fuzz bench's short mount run (issue 10, "Show it with"): FUZZ_WRITES (default 3000) random
# and mutated writes from bash, seeded by FUZZ_SEED (default 1), to every writable file kind of a
# real mount (syscall files of init and of a few children, next_syscall_data, attach, comm, the
# five sysctls) and to read-only files; counts the writes by outcome (bash's "write error: ...")
# and the daemon's ERROR log lines. Goal: no "Input/output error", no ERROR line, daemon alive.
# A write that blocks in the sim (msgrcv on an empty queue, say) is ended by a signal, as a user's
# Ctrl-C would: a watchdog sends SIGUSR1 to the loop when it sits in one request for 0.5 s.
# Run by `make bench-fuzz`; writes bench-results/fuzz-mount.md.
# shellcheck source-path=SCRIPTDIR source=mounted.bash
source "$(dirname "${BASH_SOURCE[0]}")/mounted.bash"

writes=${FUZZ_WRITES:-3000}
seed=${FUZZ_SEED:-1}
loop_pid=""
bench_on_exit() {
    if [[ -n $loop_pid ]]; then kill "$loop_pid" 2>/dev/null || true; fi
}

procsim_start "$M"
# a few children, so that the writes have more than init to aim at
exec 3<>"$M/1/task/1/syscall"
for i in 1 2 3 4; do printf 'fork\n' >&3; done
exec 3>&-

# shellcheck disable=SC2034 # the vocabularies are read through pick's nameref
names=(fork vfork clone clone3 eclone execve exit exit_group wait4 kill unshare setuid getpid gettid getppid
    prctl msgget msgsnd msgrcv msgctl semget semop semctl shmget shmat shmdt shmctl open dup dup2 close lseek
    fcntl bogus)
# shellcheck disable=SC2034
numbers=(0 1 2 3 -1 5 17 300 1000 32767 32768 4194304 2147483647 2147483648 -2147483649 4294967296
    9223372036854775807 9223372036854775808 -9223372036854775809 18446744073709551616 0x1f4 0x 0777 08 -0 +5 1e3)
# shellcheck disable=SC2034
words=(IPC_PRIVATE 'IPC_CREAT|0600' IPC_NOWAIT IPC_RMID IPC_STAT IPC_SET SETVAL GETALL WNOHANG __WALL
    PR_SET_NAME PR_GET_NAME SEEK_SET SEEK_END 'CLONE_NEWPID|SIGCHLD' CLONE_NEWIPC SIGKILL SIGTERM /dev/console
    /tmp/x O_RDWR 'O_WRONLY|O_CREAT' set_tid=5 'set_tid=1,2' 'pids=0,7' flags=CLONE_NEWPID exit_signal=SIGCHLD
    qbytes=1 mode=0600 0:1 0:-1 0:0:IPC_NOWAIT addr=0x7f0000000000 '=' ',' '|' x=y detach RESET LONG1 LONG2 LONG33)
junk=$'\t\r#%&*()[]{}<>?;:"\\~`é\x01\x7f'
files=()
for p in 1 2 3 4 5; do
    [[ -d $M/$p ]] || continue
    files+=("$M/$p/syscall" "$M/$p/task/$p/syscall" "$M/$p/task/$p/next_syscall_data" "$M/$p/task/$p/attach"
        "$M/$p/comm" "$M/$p/status")
done
for s in ns_last_pid pid_max msg_next_id sem_next_id shm_next_id; do files+=("$M/sys/kernel/$s"); done
files+=("$M/sysvipc/msg")

pick() { local -n a=$1; REPLY=${a[RANDOM % ${#a[@]}]}; }
line_for() { # $1 = file; sets $line
    local f=$1 n i
    case $f in
    */syscall)
        pick names
        line=$REPLY
        n=$((RANDOM % 5))
        for ((i = 0; i < n; i++)); do
            if ((RANDOM % 2)); then pick numbers; else pick words; fi
            line+=" $REPLY"
        done
        ;;
    */next_syscall_data) pick numbers; line="LONG$((RANDOM % 3)) $REPLY" ;;
    */attach) if ((RANDOM % 3)); then pick numbers; line=$REPLY; else line=detach; fi ;;
    */comm) pick words; line=$REPLY$RANDOM ;;
    *) pick numbers; line=$REPLY ;;
    esac
    if ((RANDOM % 3 == 0)); then # mutate: a junk character in, or the line cut short
        i=$((RANDOM % (${#line} + 1)))
        if ((RANDOM % 2)); then line=${line:0:i}${junk:RANDOM % ${#junk}:1}${line:i}; else line=${line:0:i}; fi
    fi
}

fuzz() {
    trap ':' USR1 # the watchdog's signal: interrupts a blocked write (EINTR), the loop goes on
    local i f line
    RANDOM=$seed
    for ((i = 0; i < writes; i++)); do
        pick files
        f=$REPLY
        line_for "$f"
        [[ -z ${FUZZ_TRACE:-} ]] || echo "$f: $line" >&2
        printf '%s\n' "$line" >"$f" || : # the errno is what is counted
    done 2>>"$tmp/errors"
    : >"$tmp/finished"
}

: >"$tmp/errors"
fuzz &
loop_pid=$!
interrupts=0 last="" still=0
while [[ ! -e $tmp/finished ]] && kill -0 "$loop_pid" 2>/dev/null; do
    sleep 0.1
    # the loop's syscall counts: unchanged for 0.5 s while it sleeps means one request blocks
    now=$(awk '/^sysc[rw]:/ { s += $2 } END { print s }' "/proc/$loop_pid/io" 2>/dev/null || true)
    if [[ $now == "$last" ]]; then still=$((still + 1)); else still=0; fi
    last=$now
    if ((still >= 5)); then
        kill -USR1 "$loop_pid" 2>/dev/null || true
        interrupts=$((interrupts + 1))
        still=0
    fi
done
wait "$loop_pid" || true
loop_pid=""

[[ -n ${FUZZ_TRACE:-} ]] && cat "$tmp/errors" >&2
failed=$(grep -c 'write error: ' "$tmp/errors" || true)
not_opened=$(grep ": line [0-9]*: " "$tmp/errors" | grep -vc "write error: " || true)
eio=$(grep -c 'Input/output error' "$tmp/errors" || true)
error_lines=$(grep -c ' ERROR ' "$PROCSIM_LOGFILE" || true)
alive=yes
procsim_is_mounted "$M" && grep -q '^Pid:' "$M/1/status" || alive=no

report() {
    echo "# Fuzz through a mount: $writes bash writes, seed $seed"
    echo
    echo "| outcome | writes |"
    echo "|---|---:|"
    echo "| ok | $((writes - failed - not_opened)) |"
    grep -o 'write error: .*' "$tmp/errors" | sort | uniq -c | sort -rn |
        awk '{ n = $1; $1 = ""; sub(/^ write error: /, ""); printf "| %s | %d |\n", $0, n }'
    ((not_opened == 0)) || echo "| not opened (task gone) | $not_opened |"
    echo
    echo "EIO: $eio. ERROR lines in the daemon's log: $error_lines. Blocked writes ended by SIGUSR1:" \
        "$interrupts. Daemon alive and mounted: $alive."
    if ((error_lines > 0)); then
        echo
        # by kind: the time and the quoted data left out
        grep ' ERROR ' "$PROCSIM_LOGFILE" | sed -E 's/^[0-9:.]+ //; s/"[^"]*"/"..."/g' | cut -c 1-160 |
            sort | uniq -c | sort -rn | head -5 | sed 's/^/    /'
    fi
}
mkdir -p "$root/bench-results"
report | tee "$root/bench-results/fuzz-mount.md"
[[ $eio == 0 && $error_lines == 0 && $alive == yes ]]
