#!/usr/bin/env bash
# Restore time of a process tree per method, through the mount, from bash (issue: restart toolkit).
# Builds a scenario of BENCH_PROCS processes (default 1000, depth 4, root namespace), checkpoints
# it, then restores it into a fresh mount by each method, BENCH_REPS times cold (a daemon just
# started: the JVM has not compiled the request path yet) and BENCH_REPS times warm (after
# BENCH_WARMUP syscall round trips), alternating; medians reported. Writes a markdown table to
# bench-results/restore-bench.md.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=../lib/restart.bash
source "$root/shell-tests/lib/restart.bash"

procs=${BENCH_PROCS:-1000}
reps=${BENCH_REPS:-3}
warmup=${BENCH_WARMUP:-3000}
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
procsim_checkpoint "$src" >"$tmp/image.txt"
procsim_stop "$src"
echo "image: $(grep -c '^process' "$tmp/image.txt") processes"

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

rows=()
for method in $methods; do
    times=() colds=()
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
        procsim_restore --method "$method" "$dst" <"$tmp/image.txt"
        t1=$EPOCHREALTIME
        procsim_checkpoint "$dst" | grep -c '^process' | grep -qx "$procs" || { echo "restore by $method is incomplete" >&2; exit 1; }
        procsim_stop "$dst"
        t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
        if ((r % 2 == 0)); then colds+=("$t"); else times+=("$t"); fi
    done
    s=$(printf '%s\n' "${times[@]}" | median)
    cold=$(printf '%s\n' "${colds[@]}" | median)
    rate() { awk -v n="$procs" -v s="$1" 'BEGIN { printf "%d", n / s }'; }
    rows+=("| $method | $procs | $cold | $(rate "$cold") | $s | $(rate "$s") |")
    echo "$method: cold ${colds[*]} s, warm ${times[*]} s"
done

mkdir -p "$root/bench-results"
{
    echo "| method | processes | cold daemon (s, median of $reps) | processes/s | warm daemon (s, median of $reps) | processes/s |"
    echo "|---|---:|---:|---:|---:|---:|"
    printf '%s\n' "${rows[@]}"
} | tee "$root/bench-results/restore-bench.md"
