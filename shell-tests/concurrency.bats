#!/usr/bin/env bats
# Two real bash subshells attached to two sim threads, writing at the same time, never see each
# other's next_syscall_data: the seed patch made it per thread for exactly this.

load lib/procsim

setup_file() {
    procsim_setup_file --pid-max 4194304
}

teardown_file() {
    procsim_teardown_file
}

setup() {
    procsim_require_fuse
}

@test "two attached subshells racing on next_syscall_data each get their own pids" {
    a=$(procsim_syscall "$M/1/task/1/syscall" fork)
    b=$(procsim_syscall "$M/1/task/1/syscall" fork)
    worker() { # worker SIMPID BASE: 200 rounds of LONG1 BASE+i; fork; check
        local pid=$1 base=$2 i r
        procsim_attach "$M" "$pid" "$pid"
        exec 4<>"$M/self/task/$pid/syscall"
        for ((i = 0; i < 200; i++)); do
            echo "LONG1 $((base + i))" > "$M/self/task/$pid/next_syscall_data"
            echo fork >&4
            read -r r <&4
            [ "$r" = $((base + i)) ] || { echo "worker $pid: wanted $((base + i)) got $r"; return 1; }
        done
    }
    worker "$a" 100000 > "$BATS_TEST_TMPDIR/a.log" 2>&1 &
    wa=$!
    worker "$b" 200000 > "$BATS_TEST_TMPDIR/b.log" 2>&1 &
    wb=$!
    sa=0; sb=0
    wait "$wa" || sa=$?
    wait "$wb" || sb=$?
    cat "$BATS_TEST_TMPDIR/a.log" "$BATS_TEST_TMPDIR/b.log"
    [ "$sa" -eq 0 ] && [ "$sb" -eq 0 ]
    [ "$(wc -w <"$M/$a/task/$a/children")" -eq 200 ]
    [ "$(wc -w <"$M/$b/task/$b/children")" -eq 200 ]
}
