#!/usr/bin/env bash
# fork + exit + wait through the shim (forkwait.c under `procsim exec`: a sim fork line, a real
# fork, the child's attach and exit_group lines, the parent's real waitpid and sim wait4 line)
# beside a bash `echo fork` round trip through the mount (one line written and its reply read on
# an open M/1/task/1/syscall) and the real kernel's fork + exit + wait (forkwait.c natively).
# Target (issue 12): the shim's cycle at most 3x the bash round trip. Run by `make bench-shim`
# (and `make bench-mount`); prints a markdown report and writes it to bench-results/shim-bench.md.
#
# Environment:
#   SHIM_BENCH_N     cycles a timed run (default 1000)
#   SHIM_BENCH_REPS  timed runs of each; the median is reported (default 3)
#   BENCH_CPUS       if set (e.g. 0), pin the daemon and the loops to these CPUs with taskset
source "$(dirname "${BASH_SOURCE[0]}")/mounted.bash"

n=${SHIM_BENCH_N:-1000}
reps=${SHIM_BENCH_REPS:-3}
pin=()
[[ -n ${BENCH_CPUS:-} ]] && pin=(taskset -c "$BENCH_CPUS")
[[ -f $root/shim/build/libprocsim.so ]] || { echo "shim-bench: run 'make shim' first" >&2; exit 1; }
gcc -O2 -Wall -o "$tmp/forkwait" "$root/shell-tests/bench/forkwait.c"
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

procsim_start "$M" --pid-max 4194304
[[ ${#pin[@]} -gt 0 ]] && taskset -a -p -c "$BENCH_CPUS" "$PROCSIM_PID" >/dev/null

# One timed loop of N `echo fork` round trips on one open syscall file: microseconds a round trip.
# Its N children are then killed and reaped (untimed), so each loop starts from the same tree.
# shellcheck disable=SC2016 # expanded by the inner bash
bash_loop='exec 3<>"$1/1/task/1/syscall"
pids=()
t0=${EPOCHREALTIME/./}
for ((i = 0; i < $2; i++)); do echo fork >&3; read -r "pids[i]" <&3; done
t1=${EPOCHREALTIME/./}
for p in "${pids[@]}"; do echo "kill $p SIGKILL" >&3; echo "wait4 $p" >&3; done
awk -v d=$((10#$t1 - 10#$t0)) -v n="$2" "BEGIN { printf \"%.1f\n\", d / n }"'

declare -a shim bash_rt real
for ((r = 0; r < reps; r++)); do
    # the three alternate, so a slow spell of this machine falls on each
    shim+=("$("${pin[@]}" "$root/bin/procsim" exec "$M" -- "$tmp/forkwait" "$n")")
    bash_rt+=("$("${pin[@]}" bash -c "$bash_loop" _ "$M" "$n")")
    real+=("$("${pin[@]}" unshare --fork --pid "$tmp/forkwait" "$n")")
done
s=$(printf '%s\n' "${shim[@]}" | median)
b=$(printf '%s\n' "${bash_rt[@]}" | median)
k=$(printf '%s\n' "${real[@]}" | median)
ratio=$(awk -v s="$s" -v b="$b" 'BEGIN { printf "%.2f", s / b }')
verdict=$(awk -v r="$ratio" 'BEGIN { print (r <= 3 ? "met" : "not met") }')

mkdir -p "$root/bench-results"
{
    echo "| cycle | us (median of $reps runs of $n; all runs) |"
    echo "|---|---:|"
    echo "| fork + exit + wait through the shim (\`procsim exec\`) | $s (${shim[*]}) |"
    echo "| bash \`echo fork\` round trip through the mount | $b (${bash_rt[*]}) |"
    echo "| fork + exit + wait, real kernel | $k (${real[*]}) |"
    echo
    echo "shim / bash round trip: ${ratio}x (target <= 3x: $verdict); shim / real kernel: $(awk -v s="$s" -v k="$k" 'BEGIN { printf "%.0f", s / k }')x."
    echo "CPU pinning: ${BENCH_CPUS:-none} (BENCH_CPUS)."
} | tee "$root/bench-results/shim-bench.md"
