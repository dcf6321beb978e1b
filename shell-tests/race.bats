#!/usr/bin/env bats
# The race lab (issue 6): `procsim race` with real threads through a mount. ns_last_pid misses
# with two or more restorers and the race log accounts for every miss; next_syscall_data and
# clone3 set_tid never miss with disjoint targets; overlapping set_tid targets fail with EEXIST,
# never with a wrong pid; a seeded replay is the same every time.

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

# csv_sum FILE COLUMN [METHOD]: the sum of a numeric CSV column (1-based), data rows of METHOD only if given
csv_sum() {
    awk -F, -v c="$2" -v m="${3:-}" 'NR > 1 && (m == "" || $2 == m) { s += $c } END { print s + 0 }' "$1"
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
    run race --mount "$M" --method ns_last_pid -w 2,4 -n 150 --csv "$BATS_TEST_TMPDIR/r.csv" \
        --png "$BATS_TEST_TMPDIR/r.png"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ $output == *"cross-check: "*" ns_last_pid misses accounted for"* ]]

    misses=$(csv_sum "$BATS_TEST_TMPDIR/r.csv" 9)
    hits=$(csv_sum "$BATS_TEST_TMPDIR/r.csv" 8)
    echo "misses=$misses hits=$hits"
    [ "$misses" -gt 0 ]
    [ "$(awk -F, 'NR > 1 && $9 != $18 { bad++ } END { print bad + 0 }' "$BATS_TEST_TMPDIR/r.csv")" -eq 0 ]

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
    run race --mount "$M" --method nsd,clone3 -w 2,4 -n 100 --csv "$BATS_TEST_TMPDIR/r.csv"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(csv_sum "$BATS_TEST_TMPDIR/r.csv" 9)" -eq 0 ]                   # misses
    [ "$(csv_sum "$BATS_TEST_TMPDIR/r.csv" 8)" -eq 1200 ]                # hits: (2 + 4) * 100 * 2 methods
    [ "$(awk -F, 'NR > 1 && $11 != "" { n++ } END { print n + 0 }' "$BATS_TEST_TMPDIR/r.csv")" -eq 0 ] # errors
    [ "$(csv_sum "$BATS_TEST_TMPDIR/r.csv" 14)" -eq 0 ]                  # no ns_last_pid writes
}

@test "overlapping set_tid targets give EEXIST and never a wrong pid (the harness's own mount)" {
    run race --method clone3 -w 3 -n 40 --overlap --csv "$BATS_TEST_TMPDIR/r.csv"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ $output == *"own in-process mount"* ]]
    IFS=, read -r mode method w _ n overlap attempts hits misses _ errors _ < <(sed -n 2p "$BATS_TEST_TMPDIR/r.csv")
    [ "$mode $method $w $n $overlap" = "live clone3 3 40 true" ]
    [ "$attempts" -eq 120 ]
    [ "$hits" -eq 40 ]
    [ "$misses" -eq 0 ]
    [ "$errors" = "EEXIST:80" ]
    # The harness unmounted its own mount and removed its directory.
    dir=$(sed -n 's/.*own in-process mount (\(.*\)).*/\1/p' <<<"$output")
    [ -n "$dir" ] && [ ! -e "$dir" ]
    if grep -qF " $dir " /proc/self/mounts; then echo "$dir is still mounted"; false; fi
}

@test "a seeded replay run twice gives identical output and log; another seed does not" {
    cd "$BATS_TEST_TMPDIR"
    race --replay --seed 42 -w 1,2,4,8 -n 60 --log a.log --csv a.csv > a.out
    race --replay --seed 42 -w 1,2,4,8 -n 60 --log b.log --csv b.csv > b.out
    race --replay --seed 43 -w 1,2,4,8 -n 60 --log c.log > c.out
    diff a.out b.out
    diff a.log b.log
    diff a.csv b.csv
    if diff -q a.log c.log >/dev/null; then echo "seeds 42 and 43 gave the same log"; false; fi
    grep -q 'seed 42' a.out
    # The replay races too: ns_last_pid misses at W >= 2, each with its elsewhere event.
    [ "$(awk -F, 'NR > 1 && $2 == "ns_last_pid" && $3 >= 2 && $9 > 0 { n++ } END { print n + 0 }' a.csv)" -eq 3 ]
    [ "$(csv_sum a.csv 9)" -eq "$(grep -c ' elsewhere wanted=' a.log)" ]
    [ "$(csv_sum a.csv 9 nsd)" -eq 0 ] && [ "$(csv_sum a.csv 9 clone3)" -eq 0 ] && [ "$(csv_sum a.csv 9 eclone)" -eq 0 ]
}

@test "the harness refuses to run as an attached caller" {
    run bash -c "source '$PROCSIM_ROOT/shell-tests/lib/procsim.bash'; procsim_attach '$M' 1 1 && '$PROCSIM_BIN' race --mount '$M' -w 1 -n 1"
    echo "$output"
    [ "$status" -eq 1 ]
    [[ $output == *"attached to sim task 1"* ]]
}
