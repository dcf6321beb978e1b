#!/usr/bin/env bash
# fork + exit + wait through the shim (forkwait.c under `procsim exec`: a real fork, the parent's
# `bind CHILD fork` line, the child's exit_group line, the parent's real waitpid and sim wait4 line,
# on /proc/procsim/syscall and the parent thread's own syscall file; 3 FUSE requests, the lines
# with a reply by the PROCSIM_SYSCALL ioctl) beside a bash `echo fork` round trip through the mount (one
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

# The nanoseconds of CPU the threads of process $1 have run (their schedstat's sum_exec_runtime:
# stat's utime + stime count 10 ms ticks, too coarse for a loop of 60 ms; a thread that ended is
# not counted). Defined here and in the bash loop's shell.
# shellcheck disable=SC2016 # expanded by the inner bash
cpu_ns='cpu_ns() { local f s t=0; for f in /proc/"$1"/task/*/schedstat; do read -r s _ <"$f" 2>/dev/null && t=$((t + s)); done; echo "$t"; }'
eval "$cpu_ns"

# One timed run of forkwait under procsim exec: microseconds a cycle, and the daemon's CPU
# microseconds a cycle over its timed loop alone (sampled while forkwait waits before and after
# it: FORKWAIT_SYNC), not exec's start and end.
shim_run() {
    local ready w c0 c1 in out
    coproc FW { FORKWAIT_SYNC=1 "${pin[@]}" "$root/bin/procsim" exec "$M" -- "$tmp/forkwait" "$n"; }
    in=${FW[0]} out=${FW[1]}
    read -r ready <&"$in" && [[ $ready == ready ]] || return 1
    c0=$(cpu_ns "$PROCSIM_PID")
    echo go >&"$out"
    read -r w <&"$in" || return 1
    c1=$(cpu_ns "$PROCSIM_PID")
    echo end >&"$out"
    wait "$FW_PID" || return 1
    awk -v w="$w" -v c=$((c1 - c0)) -v n="$n" 'BEGIN { printf "%s %.1f\n", w, c / 1e3 / n }'
}

# One timed loop of N `echo fork` round trips on one open syscall file: microseconds a round trip,
# and the daemon's (pid $3) CPU microseconds a round trip over the same loop. Its N children are
# then killed and reaped (untimed, and outside the CPU figure), so each loop starts from the same tree.
# shellcheck disable=SC2016 # expanded by the inner bash
bash_loop=$cpu_ns'
exec 3<>"$1/1/task/1/syscall"
pids=()
c0=$(cpu_ns "$3")
t0=${EPOCHREALTIME/./}
for ((i = 0; i < $2; i++)); do echo fork >&3; read -r "pids[i]" <&3; done
t1=${EPOCHREALTIME/./}
c1=$(cpu_ns "$3")
for p in "${pids[@]}"; do echo "kill $p SIGKILL" >&3; echo "wait4 $p" >&3; done
awk -v d=$((10#$t1 - 10#$t0)) -v c=$((c1 - c0)) -v n="$2" "BEGIN { printf \"%.1f %.1f\n\", d / n, c / 1e3 / n }"'

# The daemon's CPU time (user + system, all threads) in microseconds, for the whole run's figure
# (the first pass's): it includes the run's untimed setup (exec's start, the bash loop's kills).
daemon_us() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); print ($12 + $13) * 1e6 / hz }' "/proc/$PROCSIM_PID/stat"; }
# CMD...: runs it, prints "its output, the daemon's CPU us per cycle over the whole run"
with_cpu() {
    local c0 out
    c0=$(daemon_us)
    out=$("$@")
    awk -v o="$out" -v c0="$c0" -v c1="$(daemon_us)" -v n="$n" 'BEGIN { printf "%s %.0f\n", o, (c1 - c0) / n }'
}

warmup=${SHIM_BENCH_WARMUP:-1}
for ((r = 0; r < warmup; r++)); do
    "${pin[@]}" "$root/bin/procsim" exec "$M" -- "$tmp/forkwait" "$n" >/dev/null
    "${pin[@]}" bash -c "$bash_loop" _ "$M" "$n" "$PROCSIM_PID" >/dev/null
done

declare -a shim bash_rt real shim_cpu bash_cpu shim_run bash_run
for ((r = 0; r < reps; r++)); do
    # the three alternate, so a slow spell of this machine falls on each
    read -r w c a < <(with_cpu shim_run)
    shim+=("$w") shim_cpu+=("$c") shim_run+=("$a")
    read -r w c a < <(with_cpu "${pin[@]}" bash -c "$bash_loop" _ "$M" "$n" "$PROCSIM_PID")
    bash_rt+=("$w") bash_cpu+=("$c") bash_run+=("$a")
    real+=("$("${pin[@]}" unshare --fork --pid "$tmp/forkwait" "$n")")
done
s=$(printf '%s\n' "${shim[@]}" | median)
b=$(printf '%s\n' "${bash_rt[@]}" | median)
k=$(printf '%s\n' "${real[@]}" | median)
sc=$(printf '%s\n' "${shim_cpu[@]}" | median)
bc=$(printf '%s\n' "${bash_cpu[@]}" | median)
sa=$(printf '%s\n' "${shim_run[@]}" | median)
ba=$(printf '%s\n' "${bash_run[@]}" | median)
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
    echo "| daemon CPU a shim cycle, timed loop | $sc (${shim_cpu[*]}) |"
    echo "| daemon CPU a bash round trip, timed loop | $bc (${bash_cpu[*]}) |"
    echo "| daemon CPU a shim cycle, whole run (with exec's start) | $sa (${shim_run[*]}) |"
    echo "| daemon CPU a bash round trip, whole run (with its untimed kills) | $ba (${bash_run[*]}) |"
    echo
    echo "daemon CPU over the timed loops, shim / bash round trip: ${cratio}x (target <= 3x: $cverdict); wall: ${ratio}x ($verdict); shim / real kernel, wall: $(awk -v s="$s" -v k="$k" 'BEGIN { printf "%.0f", s / k }')x."
    echo "CPU pinning: ${BENCH_CPUS:-none} (BENCH_CPUS); $warmup untimed warm-up run(s) of each (SHIM_BENCH_WARMUP)."
} | tee "$root/bench-results/shim-bench.md"
