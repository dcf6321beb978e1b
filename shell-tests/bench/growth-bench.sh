#!/usr/bin/env bash
# Growth of the daemon's memory (issue 10, defect 8): does RSS come back when the objects are
# gone? Starts a daemon with bin/procsim (through shell-tests/lib/procsim.bash), then through the
# mount runs, phase by phase:
#   forks   GROWTH_FORKS fork / exit / wait4 cycles (child's own `exit 0`, init's wait4)
#   msg     GROWTH_MSGS msgsnd/msgrcv pairs on one queue, then GROWTH_QUEUES full queues
#           (16 KiB of text each: 8 messages of 2 KiB) live at once, then removed (IPC_RMID)
#   fds     GROWTH_FILES sim open files live at once (open through the syscall files of
#           GROWTH_FILES/1000 children, RLIMIT_NOFILE being 1024 a task), then the children exit
#   handles GROWTH_FILES real FUSE file handles open at once on M/1/status, then closed
#   view    GROWTH_VIEW cycles in `procsim shell` (the fixed view bound on /proc): fork, read
#           /proc/<pid>/stat (a lookup of the pid in the view), kill SIGKILL, wait4
# sampling the daemon's VmRSS (host /proc/<daemon>/status) before, during and after each phase,
# and once the objects are gone (at once and after GROWTH_SETTLE seconds idle). Prints a
# markdown table and writes it to bench-results/growth-bench.md. Goal: RSS < 128 MiB once the
# objects are gone. Run by `make bench-growth`.
# shellcheck source-path=SCRIPTDIR source=mounted.bash
source "$(dirname "${BASH_SOURCE[0]}")/mounted.bash"

forks=${GROWTH_FORKS:-200000}
msgs=${GROWTH_MSGS:-100000}
queues=${GROWTH_QUEUES:-500}
files=${GROWTH_FILES:-10000}
view=${GROWTH_VIEW:-50000}
settle=${GROWTH_SETTLE:-5}
goal_mib=128

log() { echo "growth-bench: $*" >&2; }

procsim_start "$M" --pid-max 4194304
daemon=$PROCSIM_PID
t_start=$SECONDS

rows=()     # "phase|point|VmRSS MiB|VmHWM MiB|s"
errors=0    # writes that failed where none should
status_mib() { awk -v k="$1:" '$1 == k { printf "%.1f", $2 / 1024 }' "/proc/$daemon/status"; }
sample() { # $1 = phase, $2 = point
    local rss hwm
    rss=$(status_mib VmRSS) hwm=$(status_mib VmHWM)
    rows+=("$1|$2|$rss|$hwm|$((SECONDS - t_start))")
    log "$1, $2: VmRSS $rss MiB (VmHWM $hwm MiB)"
}
fail() { # a write that should not fail: counted, and the first few shown
    errors=$((errors + 1))
    ((errors <= 5)) && log "unexpected failure: $*"
    return 0
}

# init's syscall file, open for the whole run: one write per syscall, one read per reply needed.
exec 3<>"$M/1/task/1/syscall"
call() { printf '%s\n' "$1" >&3 && read -r reply <&3; } # sets $reply
reply=""

sample start "daemon mounted"

# ---------------------------------------------------------------- forks
sample forks before
for ((i = 1; i <= forks; i++)); do
    printf 'fork\n' >&3 || { fail fork; continue; }
    read -r pid <&3
    printf 'exit 0\n' >"$M/$pid/syscall" || fail "exit of $pid"
    printf 'wait4 %s\n' "$pid" >&3 || fail "wait4 $pid"
    ((i == forks / 2)) && sample forks "during ($i cycles)"
done
sample forks "after ($forks cycles, all reaped)"

# ---------------------------------------------------------------- msg
sample msg before
call 'msgget IPC_PRIVATE IPC_CREAT|0600' || fail msgget
q=$reply
for ((i = 1; i <= msgs; i++)); do
    printf 'msgsnd %s 1 m%d\n' "$q" "$i" >&3 || fail "msgsnd $i"
    printf 'msgrcv %s 0\n' "$q" >&3 || fail "msgrcv $i"
    ((i == msgs / 2)) && sample msg "during ($i pairs)"
done
call "msgctl $q IPC_RMID" || fail "msgctl $q IPC_RMID"
sample msg "after ($msgs pairs)"
# bash's printf writes through a 4 KiB stdio buffer: a longer line would arrive as two writes
printf -v big '%2048s' ''
big=${big// /x}
ids=()
for ((i = 0; i < queues; i++)); do
    call 'msgget IPC_PRIVATE IPC_CREAT|0600' || fail "msgget $i"
    ids+=("$reply")
    for ((m = 1; m <= 8; m++)); do printf 'msgsnd %s %d %s\n' "$reply" "$m" "$big" >&3 || fail "msgsnd to queue $i"; done
done
sample msg "$queues full queues live"
for q in "${ids[@]}"; do printf 'msgctl %s IPC_RMID\n' "$q" >&3 || fail "IPC_RMID $q"; done
sample msg "$queues queues removed"

# ---------------------------------------------------------------- fds (sim open files)
sample fds before
per=1000
kids=()
for ((k = 0; k < (files + per - 1) / per; k++)); do
    call fork || fail fork
    kids+=("$reply")
    exec 4<>"$M/$reply/syscall"
    for ((i = 0; i < per && k * per + i < files; i++)); do
        printf 'open /tmp/growth-%d O_RDONLY\n' "$i" >&4 || fail "open $i in child $reply"
    done
    exec 4>&-
done
sample fds "$files sim files open (${#kids[@]} tasks)"
for pid in "${kids[@]}"; do
    printf 'exit 0\n' >"$M/$pid/syscall" || fail "exit of $pid"
    printf 'wait4 %s\n' "$pid" >&3 || fail "wait4 $pid"
done
sample fds "after (tasks exited and reaped)"

# ---------------------------------------------------------------- handles (real FUSE opens)
sample handles before
(
    ulimit -n $((files + 64))
    hs=()
    for ((i = 0; i < files; i++)); do
        exec {h}<"$M/1/status"
        hs+=("$h")
    done
    sample handles "$files FUSE handles open"
    printf '%s\n' "${rows[-1]}" >"$tmp/handles.row"
    for h in "${hs[@]}"; do exec {h}<&-; done
)
rows+=("$(cat "$tmp/handles.row")")
sleep 1 # release comes asynchronously
sample handles "after (closed)"

# ---------------------------------------------------------------- view (procsim shell's /proc)
sample view before
# shellcheck disable=SC2016 # the loop's own variables
"$root/bin/procsim" shell "$M" -- bash -c '
    exec 3<>/proc/1/task/1/syscall
    for ((i = 1; i <= $1; i++)); do
        printf "fork\n" >&3 && read -r pid <&3 && read -r _ <"/proc/$pid/stat" &&
            printf "kill %s SIGKILL\n" "$pid" >&3 && printf "wait4 %s\n" "$pid" >&3 || exit 1
        ((i == $1 / 2)) && echo during >"$2"
    done
    exit 0' bench "$view" "$tmp/view.mark" &
shell=$!
until [[ -e $tmp/view.mark ]] || ! kill -0 "$shell" 2>/dev/null; do sleep 0.2; done
[[ -e $tmp/view.mark ]] && sample view "during ($((view / 2)) cycles)"
wait "$shell" || fail "procsim shell loop"
sample view "after ($view cycles, all reaped)"

# ---------------------------------------------------------------- gone
exec 3>&-
sample gone "every object gone"
sleep "$settle"
sample gone "after ${settle} s idle"
alive=yes
procsim_is_mounted "$M" || alive=no
threads=$(awk '$1 == "Threads:" { print $2 }' "/proc/$daemon/status")
last_rss=${rows[-1]}
last_rss=${last_rss#*|*|}
last_rss=${last_rss%%|*}
verdict=$(awk -v r="$last_rss" -v g="$goal_mib" 'BEGIN { print (r < g) ? "met" : "NOT met" }')
errors_in_log=$(grep -c 'ERROR' "$PROCSIM_LOGFILE" || true)

report() {
    echo "# Growth benchmark: daemon RSS through object churn"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, kernel $(uname -r)," \
        "$(java -version 2>&1 | head -n 1 || echo 'no java')." \
        "JVM options: ${PROCSIM_JAVA_OPTS:-the bin/procsim defaults}."
    echo
    echo "| phase | point | VmRSS MiB | VmHWM MiB | at s |"
    echo "|---|---|---:|---:|---:|"
    local r
    for r in "${rows[@]}"; do echo "| ${r//|/ | } |"; done
    echo
    echo "Goal: VmRSS < $goal_mib MiB once the objects are gone: $verdict ($last_rss MiB)." \
        "Unexpected write failures: $errors. ERROR lines in the daemon's log: $errors_in_log." \
        "Daemon still mounted: $alive, $threads threads."
}
mkdir -p "$root/bench-results"
report | tee "$root/bench-results/growth-bench.md"
[[ $verdict == met && $errors == 0 && $alive == yes ]]
