#!/usr/bin/env bash
# Per-operation cost of bash loops against files: a real kernel file, a C libfuse2 no-op
# daemon (nullfs.c, the floor for any FUSE design) and the procsim mount. Run by
# `make bench-mount`. Prints a markdown report and writes it to bench-results/mount-bench.md.
#
# Environment:
#   BENCH_N        timed ops per loop (default 20000)
#   BENCH_WARMUP   untimed ops before each loop (default 2000; the JVM's JIT needs them)
#   BENCH_REPS     timed loops per measurement; the median is reported (default 3)
#   BENCH_FORK_N   forks through one procsim syscall file (default 5000)
#   BENCH_TIMEOUT  seconds allowed per measurement before it counts as hung (default 600)
#   BENCH_CPUS     if set (e.g. 0), pin daemons and loops to these CPUs with taskset; on a
#                  small VM a cross-CPU wakeup per request can dominate the FUSE cost
#   PROCSIM_JAR    jar to mount (default fuse-fs/target/procsim.jar)
set -euo pipefail
export LC_ALL=C # EPOCHREALTIME must use '.' as the decimal point

# ---------------------------------------------------------------------------------------
# Measurement mode: `mount-bench.sh --measure KIND FILE N WARMUP REPS [DAEMON]` runs in a child
# bash (so a hung FUSE op is cut off by `timeout`) and prints per rep "ns/op cpu-ns/op", the
# second the CPU time (user + system, all threads) DAEMON spent in the loop per op, "-" without
# DAEMON; for KIND=fork a third field, the last reply.

now_us() { local t=${EPOCHREALTIME/./}; echo $((10#$t)); }
# CPU time of process $1 in clock ticks (utime + stime of /proc/PID/stat), or empty.
cpu_ticks() {
    if [[ -n $1 ]]; then awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || true; fi
}

measure() {
    local kind=$1 file=$2 n=$3 warm=$4 reps=$5 daemon=${6:-} x="" r="" i rep t0 t1 c0 c1 cpu hz
    loop() { # $1 = iterations
        case $kind in
        read) for ((i = 0; i < $1; i++)); do read -r x <"$file"; done ;;
        write) for ((i = 0; i < $1; i++)); do echo 300 >"$file"; done ;;
        fork) for ((i = 0; i < $1; i++)); do
            echo fork >&3
            read -r r <&3
        done ;;
        esac
    }
    [[ $kind == fork ]] && exec 3<>"$file"
    loop "$warm"
    hz=$(getconf CLK_TCK)
    for ((rep = 0; rep < reps; rep++)); do
        c0=$(cpu_ticks "$daemon")
        t0=$(now_us)
        loop "$n"
        t1=$(now_us)
        c1=$(cpu_ticks "$daemon")
        cpu=-
        [[ -n $c0 && -n $c1 ]] && cpu=$(((c1 - c0) * 1000000000 / hz / n))
        if [[ $kind == fork ]]; then
            echo "$(((t1 - t0) * 1000 / n)) $cpu ${r:-<empty>}"
        else
            echo "$(((t1 - t0) * 1000 / n)) $cpu"
        fi
    done
    : "$x"
}

if [[ ${1:-} == --measure ]]; then
    shift
    measure "$@"
    exit 0
fi

# ---------------------------------------------------------------------------------------
# Setup

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
N=${BENCH_N:-20000}
WARMUP=${BENCH_WARMUP:-2000}
REPS=${BENCH_REPS:-3}
FORK_N=${BENCH_FORK_N:-5000}
TIMEOUT=${BENCH_TIMEOUT:-600}
JAR=${PROCSIM_JAR:-$root/fuse-fs/target/procsim.jar}
MOPTS=entry_timeout=0,attr_timeout=0,negative_timeout=0,direct_io,atomic_o_trunc
NS_LAST_PID=sys/kernel/ns_last_pid
SYSCALL=1/task/1/syscall
pin=()
[[ -n ${BENCH_CPUS:-} ]] && pin=(taskset -c "$BENCH_CPUS")

tmp=$(mktemp -d)
shm=$(mktemp -d /dev/shm/mount-bench.XXXXXX)
daemons=()    # "pid mountpoint" of every daemon started
measure_pid="" # the measuring loop running now

# Stop a daemon: SIGTERM (both unmount on it), reap it, force what is left.
stop_daemon() {
    local pid=$1 mnt=$2 i state
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)
        [[ -z $state || $state == Z ]] && break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    if mountpoint -q "$mnt" 2>/dev/null; then umount "$mnt" 2>/dev/null || umount -l "$mnt" || true; fi
}

cleanup() {
    local d
    if [[ -n $measure_pid ]]; then # timeout passes the TERM on to its loop
        kill -TERM "$measure_pid" 2>/dev/null || true
        wait "$measure_pid" 2>/dev/null || true
    fi
    for d in "${daemons[@]}"; do
        # shellcheck disable=SC2086 # "pid mountpoint"
        stop_daemon $d
    done
    daemons=()
    rm -rf "$tmp" "$shm"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log() { echo "mount-bench: $*" >&2; }

# Start a daemon in the background ($1 = mountpoint, rest = command); wait for the mount.
# Sets $daemon_pid. Fails (status 1) if the daemon dies or the mount does not come up.
start_daemon() {
    local mnt=$1 i state
    shift
    mkdir -p "$mnt"
    "${pin[@]}" "$@" >"$tmp/daemon.log" 2>&1 &
    daemon_pid=$!
    daemons+=("$daemon_pid $mnt")
    for ((i = 0; i < 600; i++)); do
        mountpoint -q "$mnt" && return 0
        state=$(awk '{print $3}' "/proc/$daemon_pid/stat" 2>/dev/null || true)
        [[ -z $state || $state == Z ]] && break
        sleep 0.1
    done
    log "mount at $mnt did not come up; daemon log:"
    tail -n 20 "$tmp/daemon.log" >&2 || true
    return 1
}

# Stop the most recently started daemon.
stop_last_daemon() {
    local last=$((${#daemons[@]} - 1))
    # shellcheck disable=SC2086
    stop_daemon ${daemons[$last]}
    unset "daemons[$last]"
}

median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
us() { awk -v ns="$1" 'BEGIN {printf "%.1f", ns / 1000}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2fx", a / b}'; }

declare -A result  # "target:kind" -> median ns/op (or a text for mem and fork_reply)
declare -A samples # "target:kind" -> every timed loop's ns/op so far
declare -A cpus    # "target:kind" -> every timed loop's daemon CPU ns/op so far
notes=()          # why a cell says n/a

# Mark a measurement n/a ($1 = target, $2 = kind, $3 = why).
na() {
    result[$1:$2]=n/a
    notes+=("$1 $2: $3")
    log "  n/a: $3"
}

# Run one measurement ($1 = target, $2 = kind, $3 = file, $4 = n, $5 = timed loops, default
# REPS, $6 = warm-up ops, default WARMUP, $7 = the daemon's pid, if any): adds its loops to the
# target's samples and stores the median of all of them (the daemon's CPU per op in cpu:TARGET:KIND).
bench() {
    local target=$1 kind=$2 file=$3 n=$4 reps=${5:-$REPS} warm=${6:-$WARMUP} daemon=${7:-} status t c r reply=""
    local -a ns=() cs=()
    [[ ${result[$target:$kind]:-} == n/a ]] && return
    log "$target: $kind $file (${warm} warm-up + ${reps} x $n)"
    if [[ ! -e $file ]]; then
        na "$target" "$kind" "$file does not exist"
        return
    fi
    # In the background, so that a signal to this script is handled at once (see cleanup).
    "${pin[@]}" timeout "$TIMEOUT" bash "$here/mount-bench.sh" --measure "$kind" "$file" "$n" "$warm" "$reps" "$daemon" \
        >"$tmp/measure.out" 2>"$tmp/measure.err" &
    measure_pid=$!
    status=0
    wait "$measure_pid" || status=$?
    measure_pid=""
    if ((status != 0)); then
        na "$target" "$kind" "failed or timed out (status $status): $(head -c 200 "$tmp/measure.err" | tr '\n|' '  ')"
        return
    fi
    while read -r t c r; do
        samples[$target:$kind]+=" $t"
        [[ $c =~ ^[0-9]+$ ]] && cpus[$target:$kind]+=" $c"
        reply=$r
    done <"$tmp/measure.out"
    read -r -a ns <<<"${samples[$target:$kind]:-}"
    read -r -a cs <<<"${cpus[$target:$kind]:-}"
    ((${#cs[@]})) && result[cpu:$target:$kind]=$(median "${cs[@]}")
    if [[ $kind == fork ]]; then
        if [[ ! $reply =~ ^[0-9]+$ ]]; then
            na "$target" "$kind" "reply '$reply' is not a number"
            return
        fi
        result[$target:fork_reply]=$reply
    fi
    result[$target:$kind]=$(median "${ns[@]}")
    log "  $(us "${result[$target:$kind]}") us/op${result[cpu:$target:$kind]:+, daemon CPU $(us "${result[cpu:$target:$kind]}") us/op}"
}

status_kib() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
# Daemon memory as "VmHWM / VmRSS" in MiB.
memory() {
    awk -v h="$(status_kib "$1" VmHWM)" -v r="$(status_kib "$1" VmRSS)" \
        'BEGIN {printf "%.1f / %.1f", h / 1024, r / 1024}'
}

# ---------------------------------------------------------------------------------------
# (a) Real kernel files. The tmpfs file sits at the same depth as the mount paths; the
# host's ns_last_pid is only read (writing it would disturb the host's pid allocation).

mkdir -p "$shm/sys/kernel"
echo 300 >"$shm/$NS_LAST_PID"
bench tmpfs read "$shm/$NS_LAST_PID" "$N"
bench tmpfs write "$shm/$NS_LAST_PID" "$N"
bench procfs read /proc/sys/kernel/ns_last_pid "$N"
na procfs write "the host's file is not written"

# ---------------------------------------------------------------------------------------
# (b) The C floor: nullfs, same paths and mount options as procsim.

if ! dpkg -s libfuse-dev >/dev/null 2>&1; then
    log "installing libfuse-dev"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libfuse-dev >/dev/null
fi
# shellcheck disable=SC2046 # pkg-config output is a list of flags
gcc -O2 -o "$tmp/nullfs" "$here/nullfs.c" $(pkg-config --cflags --libs fuse)
# ---------------------------------------------------------------------------------------
# (c) procsim, started the way a user starts it, beside the floor: the timed loops alternate
# between the two (floor, procsim, floor, ...), so a slow spell of this machine hits both.

nmnt=$tmp/nullfs-mnt
pmnt=$tmp/procsim-mnt
nullfs_pid="" procsim_pid="" procsim_note=""
if start_daemon "$nmnt" "$tmp/nullfs" -f -o "$MOPTS" "$nmnt"; then
    nullfs_pid=$daemon_pid
else
    for k in read write fork mem; do na nullfs "$k" "the mount did not come up"; done
fi
export PROCSIM_JAR=$JAR # read by bin/procsim
if [[ ! -f $JAR ]]; then
    procsim_note="skipped: $JAR not found (build it with \`mvn -B -q -DskipTests package\`)"
elif ! start_daemon "$pmnt" "$root/bin/procsim" mount "$pmnt" --pid-max 4194304; then
    procsim_note="skipped: the mount did not come up ($(grep -m 1 . "$tmp/daemon.log" | head -c 160 || true))"
else
    procsim_pid=$daemon_pid
    procsim_note="$JAR, JVM options: ${PROCSIM_JAVA_OPTS:-the bin/procsim defaults}"
fi
for ((rep = 0; rep < REPS; rep++)); do
    for kind in read write fork; do
        file=$NS_LAST_PID n=$N
        [[ $kind == fork ]] && file=$SYSCALL n=$FORK_N
        warm=$WARMUP
        ((rep == 0)) || warm=0 # the JIT needs one warm-up; more would only grow the sim (forks)
        [[ -n $nullfs_pid ]] && bench nullfs "$kind" "$nmnt/$file" "$n" 1 "$warm" "$nullfs_pid"
        [[ -n $procsim_pid ]] && bench procsim "$kind" "$pmnt/$file" "$n" 1 "$warm" "$procsim_pid"
    done
done
[[ -n $nullfs_pid ]] && result[nullfs:mem]=$(memory "$nullfs_pid")
if [[ -n $procsim_pid ]]; then
    result[procsim:mem]=$(memory "$procsim_pid")
    [[ "${result[procsim:read]}${result[procsim:write]}${result[procsim:fork]}" == n/an/an/a ]] &&
        result[procsim:mem]+=" (no loop ran)"
else
    log "procsim $procsim_note"
    for k in read write fork mem; do result[procsim:$k]=n/a; done
fi

# ---------------------------------------------------------------------------------------
# Report

# One cell pair: us/op and ratio to the floor ($1 = target, or cpu:TARGET for its CPU, $2 = kind).
cells() {
    local floor=nullfs
    [[ $1 == cpu:* ]] && floor=cpu:nullfs
    local v=${result[$1:$2]:-n/a} f=${result[$floor:$2]:-n/a}
    if [[ $v =~ ^[0-9]+$ ]]; then
        if [[ $f =~ ^[0-9]+$ ]]; then echo "$(us "$v") | $(ratio "$v" "$f")"; else echo "$(us "$v") | n/a"; fi
    else
        echo "n/a | n/a"
    fi
}
forks_per_s() {
    local v=${result[$1:fork]:-n/a}
    [[ $v =~ ^[0-9]+$ ]] && awk -v ns="$v" 'BEGIN {printf "%.0f", 1e9 / ns}' || echo "n/a"
}

report() {
    echo "# Mount benchmark: bash loops against files"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, kernel $(uname -r)," \
        "$(java -version 2>&1 | head -n 1 || echo 'no java')."
    echo "Per measurement: $WARMUP warm-up ops (before the first loop of each kind), then the" \
        "median of $REPS timed loops of $N ops (fork: $FORK_N); the floor's and procsim's loops" \
        "alternate, one each in turn." \
        "Mount options: \`-o $MOPTS\`." \
        "CPU pinning: ${BENCH_CPUS:-none} (BENCH_CPUS)."
    echo
    echo "## Per-operation cost (us/op, ratio to the C libfuse2 floor)"
    echo
    echo "| target | \`read -r x < F\` | x floor | \`echo 300 > F\` | x floor |"
    echo "|---|---:|---:|---:|---:|"
    echo "| tmpfs file (/dev/shm/.../$NS_LAST_PID) | $(cells tmpfs read) | $(cells tmpfs write) |"
    echo "| host /proc/sys/kernel/ns_last_pid | $(cells procfs read) | $(cells procfs write) |"
    echo "| C libfuse2 floor (nullfs.c) M/$NS_LAST_PID | $(cells nullfs read) | $(cells nullfs write) |"
    echo "| procsim M/$NS_LAST_PID | $(cells procsim read) | $(cells procsim write) |"
    echo
    echo "## The daemon's CPU time per operation (us/op, user + system, all its threads; ratio to the floor's)"
    echo
    echo "| daemon | \`read -r x < F\` | x floor | \`echo 300 > F\` | x floor | fork | x floor |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    echo "| C libfuse2 floor | $(cells cpu:nullfs read) | $(cells cpu:nullfs write) | $(cells cpu:nullfs fork) |"
    echo "| procsim | $(cells cpu:procsim read) | $(cells cpu:procsim write) | $(cells cpu:procsim fork) |"
    echo
    echo "## Forks through one syscall file"
    echo
    echo "\`exec 3<> M/$SYSCALL; for ...; do echo fork >&3; read -r r <&3; done\`"
    echo
    echo "| target | us/fork | x floor | forks/s | last reply |"
    echo "|---|---:|---:|---:|---:|"
    echo "| C libfuse2 floor (no-op, replies 301) | $(cells nullfs fork) | $(forks_per_s nullfs) | ${result[nullfs:fork_reply]:-} |"
    echo "| procsim | $(cells procsim fork) | $(forks_per_s procsim) | ${result[procsim:fork_reply]:-} |"
    echo
    echo "## Daemon memory after the loops (MiB, VmHWM / VmRSS)"
    echo
    echo "| daemon | VmHWM / VmRSS |"
    echo "|---|---:|"
    echo "| C libfuse2 floor | ${result[nullfs:mem]:-n/a} |"
    echo "| procsim (java) | ${result[procsim:mem]:-n/a} |"
    echo
    echo "procsim: $procsim_note"
    if ((${#notes[@]})); then
        echo
        echo "n/a:"
        printf -- '- %s\n' "${notes[@]}"
    fi
}

mkdir -p "$root/bench-results"
report | tee "$root/bench-results/mount-bench.md"
