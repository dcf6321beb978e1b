#!/usr/bin/env bats
# The race lab (issues 6 and 14): `procsim race` with real threads through a mount. ns_last_pid
# misses with two or more restorers and the race log accounts for every miss; next_syscall_data and
# clone3 set_tid never miss with disjoint targets; overlapping set_tid targets fail with EEXIST,
# never with a wrong pid; a seeded replay is the same every time. Repeated runs give each point's
# median and spread (CSV, JSON); the machine record is in every result; the real kernel's arm
# (the C race program shim/build/nslastpid-race, `make shim`) misses with ns_last_pid and never
# with clone3 set_tid; a gap sweep gives one row per gap. With --sim-arm exec the sim runs that
# same C program under `procsim exec`, every method, in a sim pid namespace of its own, and its
# misses are checked against that namespace's race evidence; `make install` installs the program.

load lib/procsim

setup_file() {
    procsim_setup_file # procsim_require_fuse, a fresh M, a daemon on it
}

teardown_file() {
    procsim_teardown_file
}

setup() {
    procsim_require_fuse
}

race() { # race ARGS...: the harness, as the operator of whichever mount it is given
    "$PROCSIM_BIN" race "$@"
}

# csv_rows FILE: the CSV's header and data rows, without the machine record's '#' comment lines
csv_rows() {
    grep -v '^#' "$1"
}

# csv_sum FILE COLUMN [METHOD [KERNEL]]: the sum of a numeric CSV column, named as in the header,
# over the data rows (of METHOD and KERNEL only if given)
csv_sum() {
    csv_rows "$1" | awk -F, -v name="$2" -v m="${3:-}" -v k="${4:-}" '
        NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        (m == "" || $col["method"] == m) && (k == "" || $col["kernel"] == k) { s += $col[name] }
        END { print s + 0 }'
}

# csv_get FILE KERNEL METHOD WORKERS GAP COLUMN: one field of one point's row
csv_get() {
    csv_rows "$1" | awk -F, -v k="$2" -v m="$3" -v w="$4" -v g="$5" -v name="$6" '
        NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        $col["kernel"] == k && $col["method"] == m && $col["workers"] == w && $col["gap_us"] == g { print $col[name] }'
}

real_program() { # the C race program of the real arm must be built: no test passes by skipping it
    [ -x "$PROCSIM_ROOT/shim/build/nslastpid-race" ] ||
        { echo "shim/build/nslastpid-race is missing: run 'make shim'"; false; }
}

# pidns_dirs: the race evidence directories of every pid namespace but the root's, one per line
pidns_dirs() {
    local root
    root=$(readlink "$M/1/ns/pid" | tr -dc 0-9)
    for d in "$M"/procsim/pidns/*; do
        [ "$(basename "$d")" = "$root" ] || echo "$d"
    done
}

@test "ns_last_pid with 2 and 4 restorers misses, and the race log accounts for every miss" {
    before=$(pidns_dirs | sort)
    run race --mount "$M" --method ns_last_pid -w 2,4 -n 150 --runs 1 --csv "$BATS_TEST_TMPDIR/r.csv" \
        --png "$BATS_TEST_TMPDIR/r.png"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ $output == *"cross-check: "*" ns_last_pid misses accounted for"* ]]

    misses=$(csv_sum "$BATS_TEST_TMPDIR/r.csv" misses)
    hits=$(csv_sum "$BATS_TEST_TMPDIR/r.csv" hits)
    echo "misses=$misses hits=$hits"
    [ "$misses" -gt 0 ]
    for w in 2 4; do
        [ "$(csv_get "$BATS_TEST_TMPDIR/r.csv" sim ns_last_pid $w 0 misses)" = \
            "$(csv_get "$BATS_TEST_TMPDIR/r.csv" sim ns_last_pid $w 0 accounted)" ]
    done

    # Independently of the harness: the two runs' namespaces, read here from bash.
    new=$(comm -13 <(echo "$before") <(pidns_dirs | sort))
    [ "$(echo "$new" | wc -l)" -eq 2 ]
    elsewhere=0 landed=0
    for d in $new; do
        e=$(grep -c ' elsewhere wanted=' "$d/allocations" || true)
        l=$(grep -c ' landed$' "$d/allocations" || true)
        [ "$(awk '$1 == "elsewhere" { print $2 }' "$d/summary")" -eq "$e" ]
        elsewhere=$((elsewhere + e)) landed=$((landed + l))
        # Every miss has its cause, and a pid taken by another thread is in the stolen file too.
        [ "$(grep ' elsewhere ' "$d/allocations" | grep -vcE ' cause=(taken|overwritten|in_use)( by=[0-9]+)?$')" -eq 0 ]
        while read -r _ tid wanted by; do
            grep -qE "^[0-9]+ pid=${wanted#wanted=} asked_by=${tid#tid=} taken_by=${by#by=}$" "$d/stolen" ||
                { echo "no stolen line for: $tid $wanted $by"; false; }
        done < <(grep ' cause=taken ' "$d/allocations" | sed 's/ pid=[0-9]* elsewhere//; s/ cause=taken//')
    done
    echo "elsewhere=$elsewhere landed=$landed"
    [ "$elsewhere" -eq "$misses" ]
    [ "$landed" -eq "$hits" ]

    # The chart is a PNG.
    [ "$(head -c 4 "$BATS_TEST_TMPDIR/r.png" | od -An -tx1 | tr -d ' ')" = 89504e47 ]
}

@test "next_syscall_data and clone3 set_tid never miss with disjoint targets" {
    run race --mount "$M" --method nsd,clone3 -w 2,4 -n 100 --runs 1 --csv "$BATS_TEST_TMPDIR/r.csv"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(csv_sum "$BATS_TEST_TMPDIR/r.csv" misses)" -eq 0 ]
    [ "$(csv_sum "$BATS_TEST_TMPDIR/r.csv" hits)" -eq 1200 ]             # (2 + 4) * 100 * 2 methods
    for m in nsd clone3; do for w in 2 4; do
        [ -z "$(csv_get "$BATS_TEST_TMPDIR/r.csv" sim $m $w 0 errors)" ]
    done; done
    [ "$(csv_sum "$BATS_TEST_TMPDIR/r.csv" writes)" -eq 0 ]              # no ns_last_pid writes
}

@test "overlapping set_tid targets give EEXIST and never a wrong pid (the harness's own mount)" {
    run race --method clone3 -w 3 -n 40 --overlap --runs 1 --csv "$BATS_TEST_TMPDIR/r.csv"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ $output == *"own in-process mount"* ]]
    f=$BATS_TEST_TMPDIR/r.csv
    [ "$(csv_get "$f" sim clone3 3 0 mode) $(csv_get "$f" sim clone3 3 0 iterations)" = "live 40" ]
    [ "$(csv_get "$f" sim clone3 3 0 overlap)" = true ]
    [ "$(csv_get "$f" sim clone3 3 0 attempts)" -eq 120 ]
    [ "$(csv_get "$f" sim clone3 3 0 hits)" -eq 40 ]
    [ "$(csv_get "$f" sim clone3 3 0 misses)" -eq 0 ]
    [ "$(csv_get "$f" sim clone3 3 0 errors)" = "EEXIST:80" ]
    # The harness unmounted its own mount and removed its directory.
    dir=$(sed -n 's/.*own in-process mount (\(.*\)).*/\1/p' <<<"$output")
    [ -n "$dir" ] && [ ! -e "$dir" ]
    if grep -qF " $dir " /proc/self/mounts; then echo "$dir is still mounted"; false; fi
}

@test "a seeded replay run twice gives identical output and log; another seed does not" {
    cd "$BATS_TEST_TMPDIR"
    race --replay --seed 42 -w 1,2,4,8 -n 60 --runs 1 --log a.log --csv a.csv > a.out
    race --replay --seed 42 -w 1,2,4,8 -n 60 --runs 1 --log b.log --csv b.csv > b.out
    race --replay --seed 43 -w 1,2,4,8 -n 60 --runs 1 --log c.log > c.out
    # Only the machine record ('# ' lines: the load average moves) may differ.
    diff <(grep -v '^# ' a.out) <(grep -v '^# ' b.out)
    diff a.log b.log
    diff <(csv_rows a.csv) <(csv_rows b.csv)
    if diff -q a.log c.log >/dev/null; then echo "seeds 42 and 43 gave the same log"; false; fi
    grep -q 'seed 42;' a.out
    # The replay races too: ns_last_pid misses at W >= 2, each with its elsewhere event.
    for w in 2 4 8; do [ "$(csv_get a.csv sim ns_last_pid $w 0 misses)" -gt 0 ]; done
    [ "$(csv_sum a.csv misses)" -eq "$(grep -c ' elsewhere wanted=' a.log)" ]
    [ "$(csv_sum a.csv misses nsd)" -eq 0 ] && [ "$(csv_sum a.csv misses clone3)" -eq 0 ]
    [ "$(csv_sum a.csv misses eclone)" -eq 0 ]
}

@test "the harness refuses to run as an attached caller" {
    run bash -c "source '$PROCSIM_ROOT/shell-tests/lib/procsim.bash'; procsim_attach '$M' 1 1 && '$PROCSIM_BIN' race --mount '$M' -w 1 -n 1"
    echo "$output"
    [ "$status" -eq 1 ]
    [[ $output == *"attached to sim task 1"* ]]
}

@test "--runs 3 gives each point's median and spread in the table, the CSV and the JSON" {
    run race --mount "$M" --method ns_last_pid,clone3 -w 2 -n 60 --runs 3 --csv "$BATS_TEST_TMPDIR/r.csv" \
        --json "$BATS_TEST_TMPDIR/r.json"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ $(grep '^kernel ' <<<"$output") == *" n "*" miss% "*" IQR "*" min-max "* ]]
    f=$BATS_TEST_TMPDIR/r.csv
    for m in ns_last_pid clone3; do
        [ "$(csv_get "$f" sim $m 2 0 runs)" -eq 3 ]
        [ "$(csv_get "$f" sim $m 2 0 attempts)" -eq 360 ] # 3 runs * 2 restorers * 60
        read -r -a rates <<<"$(csv_get "$f" sim $m 2 0 miss_rates)"
        [ "${#rates[@]}" -eq 3 ]
        # min <= q1 <= median <= q3 <= max, iqr = q3 - q1, and the median is the middle run's rate
        vals=$(for c in min q1 median q3 max iqr; do csv_get "$f" sim $m 2 0 miss_rate_$c; done | tr '\n' ' ')
        echo "$m: $vals (runs: ${rates[*]})"
        sorted=$(printf '%s\n' "${rates[@]}" | sort -g | tr '\n' ' ')
        awk -v v="$vals" -v r="$sorted" 'BEGIN { split(v, a, " "); split(r, x, " ");
            ok = a[1] <= a[2] && a[2] <= a[3] && a[3] <= a[4] && a[4] <= a[5];
            d = a[4] - a[2] - a[6]; # each of q3, q1 and iqr is rounded to 4 decimals in the CSV
            ok = ok && d * d <= 0.0002 ^ 2 && a[3] == x[2] && a[1] == x[1] && a[5] == x[3];
            exit !ok }'
    done
    j=$BATS_TEST_TMPDIR/r.json
    [ "$(jq '[.points[] | select(.kernel == "sim") | .miss_rate.n] | unique' "$j" -c)" = "[3]" ]
    [ "$(jq '[.points[] | .per_run | length] | unique' "$j" -c)" = "[3]" ]
    jq -e '.points[] | .miss_rate | .min <= .q1 and .q1 <= .median and .median <= .q3 and .q3 <= .max' "$j"
    [ "$(jq '.points[] | select(.method == "clone3") | .miss_rate.max' "$j")" = 0 ]
    [ "$(jq '.settings.runs' "$j")" -eq 3 ]
}

@test "the machine record is in the table's header, the CSV and the JSON" {
    run race --replay -w 2 -n 10 --runs 2 --method ns_last_pid --csv "$BATS_TEST_TMPDIR/r.csv" \
        --json "$BATS_TEST_TMPDIR/r.json"
    echo "$output"
    [ "$status" -eq 0 ]
    cpus=$(nproc)
    kernel=$(uname -r)
    [[ $output == *"# machine: cpus=$cpus kernel=$kernel jvm="*" procsim="*" loadavg_before="* ]]
    grep -qE '^# machine: loadavg_after=[0-9.]+,[0-9.]+,[0-9.]+$' <<<"$output"
    grep -q "^# machine: cpus=$cpus kernel=$kernel jvm=" "$BATS_TEST_TMPDIR/r.csv"
    grep -q '^# machine: loadavg_after=' "$BATS_TEST_TMPDIR/r.csv"
    j=$BATS_TEST_TMPDIR/r.json
    [ "$(jq .machine.cpus "$j")" -eq "$cpus" ]
    [ "$(jq -r .machine.kernel "$j")" = "$kernel" ]
    [ "$(jq '.machine.loadavg_before | length' "$j")" -eq 3 ]
    [ "$(jq '.machine.loadavg_after | length' "$j")" -eq 3 ]
    [[ $(jq -r .machine.jvm "$j") == *"$(java -XshowSettings:properties -version 2>&1 |
        sed -n 's/^ *java.runtime.version = //p')"* ]]
    [ "$(jq -r .machine.procsim "$j")" = "$("$PROCSIM_BIN" --version | sed -n 's/^procsim //p')" ]
    # The warning is there exactly when the 1-minute load before or after exceeds the CPUs.
    over=$(jq --argjson c "$cpus" '[.machine.loadavg_before[0], .machine.loadavg_after[0]] | max > $c' "$j")
    if [ "$over" = true ]; then
        [[ $output == *"# WARNING: load average "*" exceeds the $cpus CPUs"* ]]
        jq -e '.machine.warning' "$j"
    else
        [[ $output != *"WARNING"* ]]
        [ "$(jq .machine.warning "$j")" = null ]
    fi
}

@test "a gap sweep's table has one row per gap" {
    run race --mount "$M" --method ns_last_pid -w 2 -n 30 --runs 1 --gap-us 0,20,100 --csv "$BATS_TEST_TMPDIR/r.csv"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(grep -cE '^sim +ns_last_pid +2 ' <<<"$output")" -eq 3 ]
    [ "$(grep -E '^sim +ns_last_pid +2 ' <<<"$output" | awk '{ print $4 }' | tr '\n' ' ')" = "0 20 100 " ]
    [ "$(csv_rows "$BATS_TEST_TMPDIR/r.csv" | wc -l)" -eq 4 ]
    [[ $output == *"cross-check: "* ]]
}

@test "the real kernel's arm: ns_last_pid misses at W = 4, clone3 set_tid never; nsd and eclone n/a" {
    real_program
    run race --kernel sim,real --sim-arm threads --mount "$M" --method ns_last_pid,clone3 -w 4 -n 300 --runs 3 --gap-us 0,50 \
        --csv "$BATS_TEST_TMPDIR/r.csv" --json "$BATS_TEST_TMPDIR/r.json" --svg "$BATS_TEST_TMPDIR/r.svg"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ $output == *"real kernel $(uname -r) ("*"nslastpid-race --newpid)"* ]]
    f=$BATS_TEST_TMPDIR/r.csv
    for g in 0 50; do
        [ "$(csv_get "$f" real ns_last_pid 4 $g attempts)" -eq 3600 ] # 3 runs * 4 workers * 300
        [ "$(csv_get "$f" real clone3 4 $g attempts)" -eq 3600 ]
        [ "$(csv_get "$f" real clone3 4 $g misses)" -eq 0 ]
        [ "$(csv_get "$f" sim clone3 4 $g misses)" -eq 0 ]
        [ "$(csv_get "$f" real ns_last_pid 4 $g mode)" = real ]
    done
    # A 50 us sleep between the write and the fork hands the CPU to the other workers: on any
    # machine, one or many CPUs, some write lands in the window.
    [ "$(csv_get "$f" real ns_last_pid 4 50 misses)" -gt 0 ]
    echo "real ns_last_pid W=4 gap 0: $(csv_get "$f" real ns_last_pid 4 0 misses) misses"
    # sim and real of a point side by side in the table
    grep -A1 -E '^sim +ns_last_pid +4 +50 ' <<<"$output" | tail -1 | grep -qE '^real +ns_last_pid +4 +50 '
    [ "$(jq '[.points[] | select(.kernel == "real")] | length' "$BATS_TEST_TMPDIR/r.json")" -eq 4 ]
    grep -q '<svg' "$BATS_TEST_TMPDIR/r.svg"

    run race --kernel real --method nsd,eclone -w 2 -n 1 --runs 1
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(grep -cE '^real +(nsd|eclone) +2 +0 +- +- +- +n/a' <<<"$output")" -eq 2 ]
    [[ $output != *"own in-process mount"* ]] # the real arm alone mounts nothing
}

@test "--kernel sim,real runs the one C program on both arms (--sim-arm exec by default): every method, misses cross-checked" {
    real_program
    before=$(pidns_dirs | sort)
    run race --kernel sim,real --mount "$M" --method all -w 4 -n 60 --runs 1 --gap-us 50 \
        --csv "$BATS_TEST_TMPDIR/r.csv" --json "$BATS_TEST_TMPDIR/r.json"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ $output == *"sim live through the mount at $M, by "*"nslastpid-race --newpid under procsim exec;"* ]]
    [[ $output == *"cross-check: "*" ns_last_pid misses accounted for"* ]]
    f=$BATS_TEST_TMPDIR/r.csv
    for m in ns_last_pid nsd clone3 eclone; do
        [ "$(csv_get "$f" sim $m 4 50 mode)" = exec ]
        [ "$(csv_get "$f" sim $m 4 50 attempts)" -eq 240 ] # 4 workers * 60
        # sim and real of a point side by side in the table, from one invocation
        grep -A1 -E "^sim +$m +4 +50 " <<<"$output" | tail -1 | grep -qE "^real +$m +4 +50 "
    done
    # Misses are possible with ns_last_pid only, and each one has its elsewhere line (same tid,
    # pid got, pid wanted, in the program's namespace's numbers).
    [ "$(csv_get "$f" sim ns_last_pid 4 50 misses)" = "$(csv_get "$f" sim ns_last_pid 4 50 accounted)" ]
    echo "sim ns_last_pid W=4 gap 50: $(csv_get "$f" sim ns_last_pid 4 50 misses) misses"
    for m in nsd clone3 eclone; do
        [ "$(csv_get "$f" sim $m 4 50 misses)" -eq 0 ]
        [ "$(csv_get "$f" sim $m 4 50 hits)" -eq 240 ]
    done
    [ "$(csv_get "$f" real clone3 4 50 misses)" -eq 0 ]
    [ "$(grep -cE '^real +(nsd|eclone) +4 +50 +- +- +- +n/a' <<<"$output")" -eq 2 ] # ENOSYS natively
    [ "$(jq -r .settings.sim_arm "$BATS_TEST_TMPDIR/r.json")" = exec ]

    # Independently of the harness: one new namespace per sim run, whose own view's allocations
    # hold one elsewhere line per ns_last_pid miss, and the nsd and eclone children landed at
    # their targets (the namespace numbers them from 1000: BASE).
    new=$(comm -13 <(echo "$before") <(pidns_dirs | sort))
    [ "$(echo "$new" | wc -l)" -eq 4 ]
    # The shim-served workers' ns_last_pid writes went to their own (the new) namespace, as
    # pid_ns_ctl_handler writes task_active_pid_ns(current)'s: all 240.
    elsewhere=0 writes=0
    for d in $new; do
        inum=$(basename "$d")
        own=$d/proc/procsim/pidns/$inum
        e=$(grep -c ' elsewhere wanted=' "$own/allocations" || true)
        elsewhere=$((elsewhere + e))
        writes=$((writes + $(awk '$1 == "writes" { print $2 }' "$own/summary")))
    done
    [ "$elsewhere" -eq "$(csv_get "$f" sim ns_last_pid 4 50 misses)" ]
    [ "$writes" -eq 240 ]
}

@test "make install puts the race program beside the jar, and procsim race finds it there" {
    real_program
    local prefix=$BATS_TEST_TMPDIR/prefix
    run make -C "$PROCSIM_ROOT" install PREFIX="$prefix"
    [ "$status" -eq 0 ]
    [ -x "$prefix/share/procsim/nslastpid-race" ]
    cd "$BATS_TEST_TMPDIR"
    run env -u PROCSIM_RACE_PROGRAM "$prefix/bin/procsim" race --kernel real --method clone3 -w 1 -n 3 --runs 1
    echo "$output"
    [ "$status" -eq 0 ]
    [[ $output == *"real kernel $(uname -r) ($prefix/share/procsim/nslastpid-race --newpid)"* ]]
    grep -qE '^real +clone3 +1 +0 +1 +3 +0 ' <<<"$output"
}

@test "bad input is refused before any work: output paths, a real arm without root, W < 1, runs < 1" {
    before=$(pidns_dirs | sort)
    for opt in --csv --json --png --svg --log; do
        run race --mount "$M" -w 2 -n 5 "$opt" "$BATS_TEST_TMPDIR/no/such/dir/f"
        echo "$output"
        [ "$status" -eq 2 ]
        [[ $output == "procsim: race: $opt $BATS_TEST_TMPDIR/no/such/dir/f: directory "*" does not exist" ]]
    done
    run race --mount "$M" -w 2 -n 5 --json /proc/version
    [ "$status" -eq 2 ] && [[ $output == *"--json /proc/version: on proc"* ]]
    run race --mount "$M" -w 0 -n 5
    [ "$status" -eq 2 ] && [[ $output == *"'--workers': 0 is not in 1..64"* ]]
    run race --mount "$M" -w 2 -n 5 --runs 0
    [ "$status" -eq 2 ] && [[ $output == *"'--runs': 0 is not in 1..1000"* ]]
    # Not root: nobody may not write ns_last_pid; the arm refuses before the sim arm starts.
    chmod o+rx "$BATS_TEST_TMPDIR"
    run setpriv --reuid=65534 --regid=65534 --clear-groups "$PROCSIM_BIN" race --kernel sim,real -w 2 -n 5
    echo "$output"
    [ "$status" -eq 2 ]
    [[ $output == "procsim: race: --kernel real needs root"* ]]
    [ "$(pidns_dirs | sort)" = "$before" ] # no race namespace was made
}
