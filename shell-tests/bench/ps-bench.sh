#!/usr/bin/env bash
# `ps -ef` over PS_PROCS sim processes (inside `procsim shell`) beside `ps -ef` over PS_PROCS real
# sleeping processes on a real /proc (a fresh `unshare -p -f --mount-proc`): wall time, median of
# PS_REPS runs, and the FUSE requests one `ps -ef` costs the daemon. Run by `make bench-ps`;
# prints a markdown report and writes it to bench-results/ps-bench.md.
#
# How requests are counted: strace on the daemon (all its threads) logs each read(2) of
# /dev/fuse, one per request, with the first 8 bytes of the request (fuse_in_header's len and
# opcode); a `procsim shell M -- true` is counted the same way and subtracted, so the figure is
# ps's own. strace slows the daemon down: the counting runs are never the timed ones.
#
# Environment:
#   PS_PROCS   processes made in each tree (default 1000)
#   PS_REPS    timed `ps -ef` runs; the median is reported (default 5)
#   BENCH_CPUS if set (e.g. 0), pin the daemon and the shells to these CPUs with taskset
source "$(dirname "${BASH_SOURCE[0]}")/mounted.bash"

procs=${PS_PROCS:-1000}
reps=${PS_REPS:-5}
pin=()
[[ -n ${BENCH_CPUS:-} ]] && pin=(taskset -c "$BENCH_CPUS")
log() { echo "ps-bench: $*" >&2; }

# What runs inside each tree: $1 timed `ps -ef` runs, one microsecond figure a line.
# shellcheck disable=SC2016 # expanded by the inner bash
timed_ps='for ((r = 0; r < $1; r++)); do
    t0=${EPOCHREALTIME/./}; ps -ef >/dev/null; t1=${EPOCHREALTIME/./}
    echo $((10#$t1 - 10#$t0))
done'
median() { sort -n | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] / 1000 }'; }
range() { sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.1f-%.1f", lo / 1000, hi / 1000 }'; }

# ---- the sim: PS_PROCS children of init, made by fork lines on one open syscall file
"${pin[@]}" true # taskset present when asked for
procsim_start "$M" --pid-max 4194304
daemon=$PROCSIM_PID
[[ ${#pin[@]} -gt 0 ]] && taskset -a -p -c "$BENCH_CPUS" "$daemon" >/dev/null
exec 3<>"$M/1/task/1/syscall"
for ((i = 0; i < procs; i++)); do
    echo fork >&3
    read -r _ <&3
done
exec 3>&-
lines=$("$root/bin/procsim" shell "$M" -- ps -ef | wc -l)
log "sim: ps -ef prints $lines lines"
# the daemon's CPU time (user + system, all threads, clock ticks) over the timed runs
cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$daemon/stat"; }
cpu0=$(cpu_ticks)
sim_times=$("${pin[@]}" "$root/bin/procsim" shell "$M" -- bash -c "$timed_ps" _ "$reps")
daemon_ms=$((($(cpu_ticks) - cpu0) * 1000 / $(getconf CLK_TCK) / reps))

# Requests: strace the daemon while a shell runs CMD; prints "total opcode=count ...".
# every /dev/fuse fd: M's and its fixed view's own mount's (and their notify dups, only written)
fuse_fds=$(find "/proc/$daemon/fd" -lname /dev/fuse -printf '%f ')
count_requests() {
    local out=$tmp/strace.out
    strace -f -qq -xx -s 8 -e trace=read -o "$out" -p "$daemon" &
    local st=$!
    sleep 1 # strace attaches to every thread
    "$root/bin/procsim" shell "$M" -- "$@" >/dev/null
    sleep 0.5
    kill -INT "$st"
    wait "$st" || true
    # read(FD, "\xLL\xLL\xLL\xLL\xOO\x00..."..., SIZE) = N, or split in two lines around a wait
    # (read(FD, <unfinished ...>, then <... read resumed>"..."): the opcode is the second 32-bit word.
    awk -v fds="$fuse_fds" 'function hex(h) { return index("0123456789abcdef", substr(h, 1, 1)) * 16 + index("0123456789abcdef", substr(h, 2, 1)) - 17 }
        BEGIN { split(fds, f, " "); for (i in f) fuse["read(" f[i] ","] = 1 }
        { p = index($0, "read("); call = p ? substr($0, p, index(substr($0, p), ",")) : "" }
        (call in fuse) && index($0, "<unfinished") { pending[$1] = 1; next }
        (((call in fuse) && index($0, ", \"")) || (index($0, "<... read resumed>") && pending[$1])) && $NF > 0 {
            delete pending[$1]
            s = substr($0, index($0, "\"") + 1, 32); gsub(/\\x/, "", s)
            op = hex(substr(s, 11, 2)) * 256 + hex(substr(s, 9, 2)); n[op]++; total++ }
        END { printf "%d", total; for (o in n) printf " %d=%d", o, n[o]; print "" }' "$out"
}
base=$(count_requests true)
withps=$(count_requests ps -ef)
log "requests, procsim shell -- true: $base"
log "requests, procsim shell -- ps -ef: $withps"
ps_requests=$((${withps%% *} - ${base%% *}))

# ---- the real kernel: PS_PROCS sleeping processes in a fresh pid namespace and procfs mount
# shellcheck disable=SC2016 # expanded by the inner bash
real_times=$("${pin[@]}" unshare -p -f --mount-proc bash -c '
    for ((i = 0; i < $2; i++)); do sleep 1000 & done
    '"$timed_ps"'
    kill $(jobs -p); wait' _ "$reps" "$procs" 2>/dev/null) || true
[[ $(wc -l <<<"$real_times") -ge "$reps" ]] || { log "the real run failed"; exit 1; }
real_times=$(head -n "$reps" <<<"$real_times")

names() { # opcode=count pairs -> FUSE names
    local w out=()
    for w in $1; do
        case ${w%%=*} in
        1) out+=("LOOKUP ${w#*=}") ;; 3) out+=("GETATTR ${w#*=}") ;; 5) out+=("READLINK ${w#*=}") ;;
        14) out+=("OPEN ${w#*=}") ;; 15) out+=("READ ${w#*=}") ;; 18) out+=("RELEASE ${w#*=}") ;;
        27) out+=("OPENDIR ${w#*=}") ;; 28) out+=("READDIR ${w#*=}") ;; 29) out+=("RELEASEDIR ${w#*=}") ;;
        2) out+=("FORGET ${w#*=}") ;; 16) out+=("WRITE ${w#*=}") ;; 42) out+=("BATCH_FORGET ${w#*=}") ;;
        *) out+=("op${w%%=*} ${w#*=}") ;;
        esac
    done
    local IFS=";" joined
    joined="${out[*]}"
    echo "${joined//;/, }"
}
report() {
    echo "### ps -ef over $procs processes (median of $reps, pinned: ${BENCH_CPUS:-no})"
    echo
    echo "| /proc | ps -ef median | range |"
    echo "|---|---:|---:|"
    echo "| real kernel procfs, $procs sleeping processes | $(median <<<"$real_times") ms | $(range <<<"$real_times") ms |"
    echo "| procsim shell, $procs sim processes | $(median <<<"$sim_times") ms | $(range <<<"$sim_times") ms |"
    echo
    echo "FUSE requests for one \`ps -ef\` ($lines lines): $ps_requests, $(awk -v r="$ps_requests" -v p="$((procs + 1))" 'BEGIN { printf "%.1f", r / p }') per process"
    echo "(with the shell: $(names "${withps#* }"); the shell alone: ${base%% *})"
    echo
    echo "The daemon's CPU time (user + system) per timed \`ps -ef\`: $daemon_ms ms," \
        "$(awk -v ms="$daemon_ms" -v r="$ps_requests" 'BEGIN { printf "%.1f", ms * 1000 / r }') us per request"
}
mkdir -p "$root/bench-results"
report | tee "$root/bench-results/ps-bench.md"
