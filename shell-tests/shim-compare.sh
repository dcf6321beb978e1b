#!/usr/bin/env bash
# `make shim-compare` (a step of `make test`): every TAP program of shim/tests that uses only
# mainline interfaces runs natively, as init of a fresh pid and IPC namespace (root, `unshare
# --fork --pid --ipc --mount-proc`), and under `procsim exec` on a fresh mount; the step fails
# when the two TAP results differ (the plan and every ok / not ok line with its description;
# `#` comment lines, which carry measured figures, are left out), when either side has a `not ok`
# or a nonzero exit, or when exec writes to stderr. msg and seeds are left out: they use the
# seeds' interfaces, which no kernel has (exec.bats checks their mainline halves).
# Needs root, /dev/fuse and `make shim`. SHIM_COMPARE_PROGRAMS (comma-separated lines as below)
# replaces the list.
source "$(dirname "${BASH_SOURCE[0]}")/bench/mounted.bash"

build=$root/shim/build
# Each line: a program of shim/build and its arguments.
programs=(
    "pids"
    "waitid"
    "clone3"
    "creds"
    "signals"
    "sessions"
    "semshm"
    "shmat"
    "threads"
    "nslastpid-race"
    "nslastpid-race --workers 4 --rounds 50"
    "nslastpid-race --workers 4 --rounds 50 --method set_tid"
    "nslastpid-race --workers 4 --rounds 50 --newpid"
    "nslastpid-race --workers 4 --rounds 50 --newpid --method set_tid"
)
[[ -z ${SHIM_COMPARE_PROGRAMS:-} ]] || IFS=, read -ra programs <<<"$SHIM_COMPARE_PROGRAMS"

for p in "${programs[@]}"; do
    [[ -x $build/${p%% *} ]] || { echo "shim-compare: $build/${p%% *} is not built: run 'make shim'" >&2; exit 1; }
done
procsim_start "$M"

# The TAP result of one run: its plan and test lines, then "exit N".
tap_result() {
    local out st=0
    out=$(timeout 120 "$@" 2>"$tmp/stderr") || st=$?
    grep -E '^(1\.\.[0-9]+|(not )?ok [0-9]+)' <<<"$out" || true
    echo "exit $st"
}

failed=0
printf '%-56s %-8s %-8s %s\n' program native sim result
for p in "${programs[@]}"; do
    read -ra cmd <<<"$p"
    cmd[0]=$build/${cmd[0]}
    native=$(tap_result unshare --fork --pid --ipc --mount-proc "${cmd[@]}")
    sim=$(tap_result "$root/bin/procsim" exec "$M" -- "${cmd[@]}")
    sim_stderr=$(cat "$tmp/stderr")
    verdict=same
    if [[ $native != "$sim" ]]; then
        verdict=DIFFERS
    elif grep -q '^not ok' <<<"$sim" || [[ $(tail -n 1 <<<"$sim") != "exit 0" ]]; then
        verdict=FAILS
    elif [[ -n $sim_stderr ]]; then
        verdict="STDERR under exec"
    fi
    printf '%-56s %-8s %-8s %s\n' "$p" "$(grep -c '^ok' <<<"$native")/$(grep -c 'ok' <<<"$native")" \
        "$(grep -c '^ok' <<<"$sim")/$(grep -c 'ok' <<<"$sim")" "$verdict"
    if [[ $verdict != same ]]; then
        failed=1
        diff <(echo "$native") <(echo "$sim") | sed 's/^/    /' || true
        [[ -z $sim_stderr ]] || sed 's/^/    exec stderr: /' "$tmp/stderr"
    fi
done
if ((failed)); then
    echo "shim-compare: native and sim TAP results differ or fail (above)" >&2
    exit 1
fi
echo "shim-compare: ${#programs[@]} runs, the same TAP results natively and under procsim exec"
