#!/usr/bin/env bash
# fork + exit + wait through the shim (forkwait.c under `procsim exec`: a sim fork line, a real
# fork, the child's `attach PID` and exit_group lines, the parent's real waitpid and sim wait4
# line, all on /proc/procsim/syscall) beside a bash `echo fork` round trip through the mount (one
# line written and its reply read on an open M/1/task/1/syscall) and the real kernel's fork + exit
# + wait (forkwait.c natively). Target (issue 12): the shim's cycle at most 3x the bash round trip.
# The cost the target is held to is the daemon's CPU time a cycle: wall time includes the real
# kernel's own fork + exit + wait (2-6x a bash round trip here), which no daemon can take away.
# Run by `make bench-shim` (and `make bench-mount`); prints a markdown report and writes it to
# bench-results/shim-bench.md.
#
# Environment:
#   SHIM_BENCH_N     cycles a timed run (default 1000)
#   SHIM_BENCH_REPS  timed runs of each; the median is reported (default 5)
#   SHIM_BENCH_WARMUP untimed runs of each first, so the daemon's JIT has compiled their paths (default 1)
#   BENCH_CPUS       if set (e.g. 0), pin the daemon and the loops to these CPUs with taskset
source "$(dirname "${BASH_SOURCE[0]}")/mounted.bash"

n=${SHIM_BENCH_N:-1000}
reps=${SHIM_BENCH_REPS:-5}
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

# The daemon's CPU time (user + system, all threads) in microseconds: on a loaded machine it says
# more than wall time. A run's figure includes its untimed setup (exec's start, the bash loop's kills).
daemon_us() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); print ($12 + $13) * 1e6 / hz }' "/proc/$PROCSIM_PID/stat"; }
# CMD...: runs it, prints "its output, the daemon's CPU us per cycle"
with_cpu() {
    local c0 out
    c0=$(daemon_us)
    out=$("$@")
    awk -v o="$out" -v c0="$c0" -v c1="$(daemon_us)" -v n="$n" 'BEGIN { printf "%s %.0f\n", o, (c1 - c0) / n }'
}

warmup=${SHIM_BENCH_WARMUP:-1}
for ((r = 0; r < warmup; r++)); do
    "${pin[@]}" "$root/bin/procsim" exec "$M" -- "$tmp/forkwait" "$n" >/dev/null
    "${pin[@]}" bash -c "$bash_loop" _ "$M" "$n" >/dev/null
done

declare -a shim bash_rt real shim_cpu bash_cpu
for ((r = 0; r < reps; r++)); do
    # the three alternate, so a slow spell of this machine falls on each
    read -r w c < <(with_cpu "${pin[@]}" "$root/bin/procsim" exec "$M" -- "$tmp/forkwait" "$n")
    shim+=("$w") shim_cpu+=("$c")
    read -r w c < <(with_cpu "${pin[@]}" bash -c "$bash_loop" _ "$M" "$n")
    bash_rt+=("$w") bash_cpu+=("$c")
    real+=("$("${pin[@]}" unshare --fork --pid "$tmp/forkwait" "$n")")
done
s=$(printf '%s\n' "${shim[@]}" | median)
b=$(printf '%s\n' "${bash_rt[@]}" | median)
k=$(printf '%s\n' "${real[@]}" | median)
sc=$(printf '%s\n' "${shim_cpu[@]}" | median)
bc=$(printf '%s\n' "${bash_cpu[@]}" | median)
ratio=$(awk -v s="$s" -v b="$b" 'BEGIN { printf "%.2f", s / b }')
verdict=$(awk -v r="$ratio" 'BEGIN { print (r <= 3 ? "met" : "not met") }')
cratio=$(awk -v s="$sc" -v b="$bc" 'BEGIN { printf "%.1f", s / b }')
cverdict=$(awk -v r="$cratio" 'BEGIN { print (r <= 3 ? "met" : "not met") }')

mkdir -p "$root/bench-results"
{
    echo "| cycle | us (median of $reps runs of $n; all runs) |"
    echo "|---|---:|"
    echo "| fork + exit + wait through the shim (\`procsim exec\`) | $s (${shim[*]}) |"
    echo "| bash \`echo fork\` round trip through the mount | $b (${bash_rt[*]}) |"
    echo "| fork + exit + wait, real kernel | $k (${real[*]}) |"
    echo "| daemon CPU a shim cycle | $sc (${shim_cpu[*]}) |"
    echo "| daemon CPU a bash round trip (with its share of the untimed kills) | $bc (${bash_cpu[*]}) |"
    echo
    echo "daemon CPU, shim / bash round trip: ${cratio}x (target <= 3x: $cverdict); wall: ${ratio}x ($verdict); shim / real kernel, wall: $(awk -v s="$s" -v k="$k" 'BEGIN { printf "%.0f", s / k }')x."
    echo "CPU pinning: ${BENCH_CPUS:-none} (BENCH_CPUS); $warmup untimed warm-up run(s) of each (SHIM_BENCH_WARMUP)."
} | tee "$root/bench-results/shim-bench.md"
