#!/usr/bin/env bash
# Restore time of a process tree per method, through the mount, by `procsim restore` (the restorer
# module, issue 13). Builds a scenario of BENCH_PROCS processes (default 1000, depth 4, root
# namespace), checkpoints it, then restores it by each method BENCH_REPS times into a daemon in
# each of three states, in turn (the order rotating each repetition): cold (just started: its JIT
# has compiled only its own warm-up; a user's restore into a fresh mount), warm (it has restored
# the same image by the same method BENCH_WARM_RESTORES times before, default 5, each torn down:
# init's kill -1 SIGKILL, then its wait4s; a benchmark's warm-up iterations, as JMH's five by
# default: the daemon's C2 thread spent 120-210 ms in each of the first four restores, ~30 ms in
# the fifth), and getpid-warm (after BENCH_WARMUP getpid round trips: the earlier passes' "warm",
# kept beside it); medians reported. Two times per run: the command's wall time (what a user waits
# for: the JVM's start and the image's read included) and the restore's own (`procsim restore -v`:
# from the image read to the last write), and what came before it (-v's seconds since the process
# started, less the restore's own: the launcher, the JVM, picocli, the image's read).
# BENCH_WORKERS is passed as --workers. A first restore, untimed, makes the client's CDS archive
# (bin/procsim), as a user's first restore does. And the CPU the command and the daemon used
# meanwhile (user + system, from /proc: the shell's cutime and cstime, the daemon's utime and
# stime), which the machine's load disturbs less than the wall times. Writes a markdown table
# (medians, and the ranges) to bench-results/restore-bench.md, with the load averages before and
# after.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=../lib/restart.bash
source "$root/shell-tests/lib/restart.bash"

procs=${BENCH_PROCS:-1000}
reps=${BENCH_REPS:-3}
warmup=${BENCH_WARMUP:-3000}
warm_restores=${BENCH_WARM_RESTORES:-5}
workers=${BENCH_WORKERS:-4}
methods=${BENCH_METHODS:-clone3 eclone nsd ns_last_pid}
tmp=$(mktemp -d)
mounts=()
cleanup() {
    local m
    for m in "${mounts[@]}"; do procsim_stop "$m" >/dev/null 2>&1 || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT

src=$tmp/src
procsim_start "$src"
mounts+=("$src")
procsim_scenario "$src" --procs "$procs" --depth 4 --seed 1 >/dev/null
procsim_checkpoint "$src" >"$tmp/image.json"
procsim_stop "$src"
echo "image: $("$PROCSIM_BIN" image show "$tmp/image.json" | grep -c '^process') processes"
first=$tmp/first
procsim_start "$first"
mounts+=("$first")
"$PROCSIM_BIN" restore "$first" --method clone3 -i "$tmp/image.json"
procsim_stop "$first"
load0=$(cut -d' ' -f1-3 /proc/loadavg)

# ticks of CPU (1/100 s) in fields F and F+1 of a process's stat: 14 (utime, stime), 16 (its reaped children's)
ticks() { awk -v f="$2" '{ sub(/.*\) /, ""); print $(f - 2) + $(f - 1) }' "/proc/$1/stat"; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
rate() { awk -v n="$procs" -v s="$1" 'BEGIN { printf "%d", n / s }'; }
# "S s, R/s (LO-HI/s)": the median S and its rate, and the rates' range
cell() {
    local m
    m=$(printf '%s\n' "$@" | median)
    echo "$m s, $(rate "$m")/s ($(rate "$(printf '%s\n' "$@" | sort -n | tail -1)")-$(rate "$(printf '%s\n' "$@" | sort -n | head -1)")/s)"
}

# "C + D s (CLO-CHI + DLO-DHI)": the medians of the command's and the daemon's CPU, and their ranges
cpucell() {
    local c d
    c=$(printf '%s\n' "$@" | awk '{ print $1 }' | sort -n)
    d=$(printf '%s\n' "$@" | awk '{ print $3 }' | sort -n)
    echo "$(median <<<"$c") + $(median <<<"$d") s ($(head -1 <<<"$c")-$(tail -1 <<<"$c") + $(head -1 <<<"$d")-$(tail -1 <<<"$d"))"
}

# BENCH_WARMUP syscall round trips through init's syscall file
getpid_warm_up() {
    local wfd i
    exec {wfd}<>"$1/1/task/1/syscall"
    for ((i = 0; i < warmup; i++)); do echo getpid >&"$wfd"; read -r _ <&"$wfd"; done
    exec {wfd}>&-
}

# teardown M: init kills every other task of the mount (kill -1 SIGKILL) and reaps them all, until
# its wait4 fails (ECHILD); fails unless it reaped BENCH_PROCS and no IPC object is left (the
# bench's image has none: a teardown does not remove them).
teardown() {
    local wfd reply n=0
    exec {wfd}<>"$1/1/task/1/syscall"
    echo "kill -1 SIGKILL" >&"$wfd"
    read -r reply <&"$wfd"
    [[ $reply == 0 ]] || { echo "teardown of $1: kill -1 SIGKILL gave $reply" >&2; exit 1; }
    while echo "wait4 -1 __WALL" 1>&"$wfd" 2>/dev/null; do read -r _ <&"$wfd" && n=$((n + 1)); done
    exec {wfd}>&-
    ((n == procs)) || { echo "teardown of $1 reaped $n tasks, not $procs" >&2; exit 1; }
    local kind
    for kind in msg sem shm; do
        (($(wc -l <"$1/sysvipc/$kind") == 1)) || { echo "teardown of $1: $kind objects left" >&2; exit 1; }
    done
}

# a daemon in STATE (cold, warm, getpid) on mount M, made ready by RESTORE (a command restoring the image)
ready() {
    local i
    case $1 in
    warm) for ((i = 0; i < warm_restores; i++)); do "${@:3}" >/dev/null; teardown "$2"; done ;;
    getpid) getpid_warm_up "$2" ;;
    esac
}

states=(cold warm getpid)
# the states in turn, starting with the Rth (mod 3): a drift over the run falls on each alike
rotated() { echo "${states[@]:$(($1 % 3))}" "${states[@]:0:$(($1 % 3))}"; }
# the values of field F of the runs in STATE, one a line
runs() { awk -v s="$1" -v f="$2" '$1 == s { print $f }' "$tmp/runs"; }
rows=() starts=()
for method in $methods; do
    : >"$tmp/runs"
    for ((r = 0; r < reps; r++)); do
        for state in $(rotated "$r"); do
            dst=$tmp/dst-$method-$r-$state
            procsim_start "$dst"
            mounts+=("$dst")
            ready "$state" "$dst" "$PROCSIM_BIN" restore "$dst" --method "$method" --workers "$workers" -i "$tmp/image.json"
            c0=$(ticks $$ 16) d0=$(ticks "$PROCSIM_PID" 14)
            t0=$EPOCHREALTIME
            said=$(LC_ALL=C "$PROCSIM_BIN" restore "$dst" --method "$method" --workers "$workers" -v -i "$tmp/image.json" 2>&1)
            t1=$EPOCHREALTIME
            c1=$(ticks $$ 16) d1=$(ticks "$PROCSIM_PID" 14)
            own=$(sed -n 's/.* in \([0-9.]*\) s (the image.*/\1/p' <<<"$said")
            [[ -n $own ]] || { echo "restore by $method ($state): $said" >&2; exit 1; }
            # from the command's start to the restore's own part: the launcher, the JVM, picocli, the image's read
            pre=$(sed -n 's/.*, \([0-9.]*\) s after its process started.*/\1/p' <<<"$said" | awk -v o="$own" '{ printf "%.2f", $1 - o }')
            procsim_checkpoint "$dst" | "$PROCSIM_BIN" image show - | grep -c '^process' | grep -qx "$procs" ||
                { echo "restore by $method ($state) is incomplete" >&2; exit 1; }
            procsim_stop "$dst"
            awk -v a="$t0" -v b="$t1" -v s="$state" -v o="$own" -v c=$((c1 - c0)) -v d=$((d1 - d0)) -v p="$pre" \
                'BEGIN { printf "%s %.3f %s %.2f %.2f %s\n", s, b - a, o, c / 100, d / 100, p }' >>"$tmp/runs"
        done
    done
    row="| $method | $procs" said=
    for state in "${states[@]}"; do
        mapfile -t w < <(runs "$state" 2)
        mapfile -t o < <(runs "$state" 3)
        mapfile -t c < <(awk -v s="$state" '$1 == s { print $4 " + " $5 }' "$tmp/runs")
        row+=" | $(cell "${w[@]}") | $(cell "${o[@]}") | $(cpucell "${c[@]}")"
        said+="; $state: wall ${w[*]} own ${o[*]} before it $(runs "$state" 6 | xargs) cpu $(runs "$state" 4 | xargs) + $(runs "$state" 5 | xargs)"
    done
    rows+=("$row |")
    echo "$method${said#;} (s)"
    starts+=("$(runs cold 6 | median) / $(runs warm 6 | median) / $(runs getpid 6 | median) s ($method)")
done

# The interface's floor: the clone3 restore's writes (its --dry-run) replayed from C, one thread, no
# start and no image (restore-floor.c), on a fresh mount, in the three states as above (warm: the
# replay made and torn down before).
floors=()
replay() { "$tmp/restore-floor" <"$tmp/dry-run"; }
if gcc -O2 -o "$tmp/restore-floor" "$here/restore-floor.c"; then
    fm=$tmp/floor
    procsim_start "$fm"
    mounts+=("$fm")
    "$PROCSIM_BIN" restore "$fm" --method clone3 --dry-run -i "$tmp/image.json" >"$tmp/dry-run"
    procsim_stop "$fm"
    : >"$tmp/runs"
    for ((r = 0; r < reps; r++)); do
        for state in $(rotated "$r"); do
            procsim_start "$fm"
            ready "$state" "$fm" replay
            s=$(replay)
            echo "$state $s" >>"$tmp/runs"
            procsim_checkpoint "$fm" | "$PROCSIM_BIN" image show - | grep -c '^process' | grep -qx "$procs" ||
                { echo "the C floor's replay ($state) is incomplete" >&2; exit 1; }
            procsim_stop "$fm"
        done
    done
    for state in "${states[@]}"; do
        mapfile -t f < <(runs "$state" 2)
        floors+=("$(cell "${f[@]}")")
        echo "C floor, $state: ${f[*]} (s)"
    done
fi

mkdir -p "$root/bench-results"
{
    echo "| method | processes | cold: command | cold: restore | cold: CPU, command + daemon | warm: command | warm: restore | warm: CPU, command + daemon | getpid-warm: command | getpid-warm: restore | getpid-warm: CPU, command + daemon |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${rows[@]}"
    ((${#floors[@]} == 3)) && echo "| C floor: clone3's writes, one thread | $procs | | ${floors[0]} | | | ${floors[1]} | | | ${floors[2]} | |"
    echo
    echo "From the command's start to the restore's own part (bin/procsim, the JVM, picocli, the image's read), medians cold / warm / getpid-warm: $(printf '%s; ' "${starts[@]}")"
    echo
    echo "(medians of $reps, rates' ranges in brackets; warm: after $warm_restores restores torn down; getpid-warm: after $warmup getpids; --workers $workers; load averages before: $load0, after: $(cut -d' ' -f1-3 /proc/loadavg))"
} | tee "$root/bench-results/restore-bench.md"
