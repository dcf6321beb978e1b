#!/usr/bin/env bash
# Restore time of a process tree per method, through the mount, by `procsim restore` (the
# restorer module, issue 13). Builds a scenario of BENCH_PROCS processes (default 1000, depth 4,
# root namespace), checkpoints it, then restores it into a fresh mount by each method,
# BENCH_REPS times cold (a daemon just started: the JVM has not compiled the request path yet)
# and BENCH_REPS times warm (after BENCH_WARMUP syscall round trips), alternating; medians
# reported. Two times per run: the command's wall time (what a user waits for: the JVM's start
# and the image's read included) and the restore's own (`procsim restore -v`: from the image
# read to the last write). BENCH_WORKERS is passed as --workers. A first restore, untimed, makes
# the client's CDS archive (bin/procsim), as a user's first restore does. Writes a markdown table
# (medians, and the ranges) to bench-results/restore-bench.md, with the load averages before and after.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=../lib/restart.bash
source "$root/shell-tests/lib/restart.bash"

procs=${BENCH_PROCS:-1000}
reps=${BENCH_REPS:-3}
warmup=${BENCH_WARMUP:-3000}
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

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
rate() { awk -v n="$procs" -v s="$1" 'BEGIN { printf "%d", n / s }'; }
# "S s, R/s (LO-HI/s)": the median S and its rate, and the rates' range
cell() {
    local m
    m=$(printf '%s\n' "$@" | median)
    echo "$m s, $(rate "$m")/s ($(rate "$(printf '%s\n' "$@" | sort -n | tail -1)")-$(rate "$(printf '%s\n' "$@" | sort -n | head -1)")/s)"
}

rows=()
for method in $methods; do
    walls=() owns=() cwalls=() cowns=()
    for ((r = 0; r < 2 * reps; r++)); do
        dst=$tmp/dst-$method-$r
        procsim_start "$dst"
        mounts+=("$dst")
        if ((r % 2 == 1)); then
            exec {wfd}<>"$dst/1/task/1/syscall"
            for ((i = 0; i < warmup; i++)); do echo getpid >&"$wfd"; read -r _ <&"$wfd"; done
            exec {wfd}>&-
        fi
        t0=$EPOCHREALTIME
        said=$("$PROCSIM_BIN" restore "$dst" --method "$method" --workers "$workers" -v -i "$tmp/image.json" 2>&1)
        t1=$EPOCHREALTIME
        own=$(sed -n 's/.* in \([0-9.]*\) s (the image.*/\1/p' <<<"$said")
        [[ -n $own ]] || { echo "restore by $method: $said" >&2; exit 1; }
        procsim_checkpoint "$dst" | "$PROCSIM_BIN" image show - | grep -c '^process' | grep -qx "$procs" ||
            { echo "restore by $method is incomplete" >&2; exit 1; }
        procsim_stop "$dst"
        t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
        if ((r % 2 == 0)); then cwalls+=("$t") cowns+=("$own"); else walls+=("$t") owns+=("$own"); fi
    done
    rows+=("| $method | $procs | $(cell "${cwalls[@]}") | $(cell "${cowns[@]}") | $(cell "${walls[@]}") | $(cell "${owns[@]}") |")
    echo "$method: cold wall ${cwalls[*]} own ${cowns[*]}; warm wall ${walls[*]} own ${owns[*]} (s)"
done

mkdir -p "$root/bench-results"
{
    echo "| method | processes | cold: command | cold: restore | warm: command | warm: restore |"
    echo "|---|---:|---:|---:|---:|---:|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "(medians of $reps, rates' ranges in brackets; --workers $workers; load averages before: $load0, after: $(cut -d' ' -f1-3 /proc/loadavg))"
} | tee "$root/bench-results/restore-bench.md"
