#!/usr/bin/env bats
# First use (issue 10, interface.md section 8): `procsim check`, clear one-line failures instead of
# stack traces, the launcher through a symlink, `make install`. Tests that break something on
# purpose (no libfuse2, no access to /dev/fuse) do it in a private mount namespace, which vanishes
# with the test's processes.

load lib/procsim

setup() {
    [[ $BATS_TEST_DESCRIPTION == *"(no FUSE needed)"* ]] || procsim_require_fuse
    M=$(mktemp -d "$BATS_TEST_TMPDIR/mnt.XXXXXX")
    DAEMONS=() # started here without procsim_start
}

teardown() {
    if ((${#DAEMONS[@]} > 0)); then
        kill -TERM "${DAEMONS[@]}" 2>/dev/null || true # a daemon unmounts on SIGTERM and exits
        wait "${DAEMONS[@]}" 2>/dev/null || true
    fi
    procsim_stop "$M" || true
    rmdir "$M" 2>/dev/null || true
}

# no_stack_trace: fails if $output holds a Java stack trace or an exception's class name.
no_stack_trace() {
    if [[ $output == *$'\tat '* || $output == *"Exception"* || $output == *"Error:"* ]]; then
        echo "a stack trace reached the user: $output" >&2
        return 1
    fi
}

# require_root: skips unless root (the tests that change mounts in a private namespace); fails
# instead where PROCSIM_REQUIRE_FUSE=1 (CI, as root), so that CI cannot pass by skipping.
require_root() {
    [[ $(id -u) == 0 ]] && return 0
    [[ ${PROCSIM_REQUIRE_FUSE:-0} == 1 ]] && { echo "needs root, and PROCSIM_REQUIRE_FUSE=1" >&2; return 1; }
    skip "needs root (a private mount namespace)"
}

@test "procsim check passes on a machine that mounts, with one line" {
    run "$PROCSIM_BIN" check
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ ${lines[0]} == "procsim: a mount will work (/dev/fuse read-write, libfuse2, "*fusermount*")" ]]
}

@test "procsim check on a missing device: one actionable line, exit 1 (no FUSE needed)" {
    run "$PROCSIM_BIN" check --fuse-device "$M/fuse"
    [ "$status" -eq 1 ]
    [[ ${lines[0]} == "procsim: $M/fuse is missing: "*"modprobe fuse"* ]]
    no_stack_trace
}

@test "without libfuse2, check and mount name the package to install, no stack trace" {
    require_root
    local empty
    empty=$(mktemp "$BATS_TEST_TMPDIR/empty.XXXXXX")
    # Every libfuse.so.2 the loader or jnr-ffi could find becomes an empty file, in this namespace only.
    # shellcheck disable=SC2016 # expanded by the inner bash
    local script='for lib in $(ldconfig -p | awk "/libfuse\.so\.2 /{print \$NF}") /usr/lib/*/libfuse.so.2 /lib/*/libfuse.so.2; do
        [ -e "$lib" ] && mount --bind "$1" "$(readlink -f "$lib")"; done
        "$2" check; echo "check-status=$?"; "$2" mount "$3"'
    run unshare -m bash -c "$script" _ "$empty" "$PROCSIM_BIN" "$M"
    [ "$status" -eq 1 ]
    [[ ${lines[0]} == "procsim: libfuse2 missing ("*"): run 'sudo apt-get install libfuse2'" ]]
    [ "${lines[1]}" = check-status=1 ]
    [[ ${lines[2]} == "procsim: libfuse2 missing ("*"): run 'sudo apt-get install libfuse2'" ]]
    [ "${#lines[@]}" -eq 3 ]
    no_stack_trace
    run mountpoint -q "$M"
    [ "$status" -ne 0 ]
}

@test "a user without access to /dev/fuse is told it needs root or access" {
    require_root
    command -v setpriv >/dev/null # util-linux, which make deps requires
    local m
    m=$(mktemp -d /tmp/procsim-nobody.XXXXXX)
    chmod 755 "$m"
    local locked
    locked=$(mktemp "$BATS_TEST_TMPDIR/fuse.XXXXXX")
    chmod 600 "$locked"
    # /dev/fuse as only root may open it (many hosts give it mode 0666), in this namespace only.
    # shellcheck disable=SC2016 # expanded by the inner bash
    local script='mount --bind "$1" /dev/fuse || exit 99
        setpriv --reuid=65534 --regid=65534 --clear-groups "$2" check; echo "check-status=$?"
        setpriv --reuid=65534 --regid=65534 --clear-groups "$2" mount "$3"'
    local lockdir=/tmp/procsim-65534 # the mount's lock directory for that user (java.io.tmpdir)
    local had_lockdir=0
    [[ -e $lockdir ]] && had_lockdir=1
    run unshare -m bash -c "$script" _ "$locked" "$PROCSIM_BIN" "$m"
    rmdir "$m"
    ((had_lockdir)) || rm -rf "$lockdir"
    [ "$status" -eq 1 ]
    [[ $output == *"procsim: needs root or read-write access to /dev/fuse (Permission denied)"*"check-status=1"* ]]
    [[ ${lines[-1]} == "procsim: needs root or read-write access to /dev/fuse (Permission denied): run it with sudo" ]]
    no_stack_trace
}

@test "a second daemon on a mounted mountpoint is refused with the first one's pid" {
    procsim_start "$M"
    local first=$PROCSIM_PID
    run "$PROCSIM_BIN" mount "$M"
    [ "$status" -eq 1 ]
    [[ $output == *"procsim: $M is already mounted (procsim, pid "[0-9]*"): umount it first ('umount $M')"* ]]
    [[ $output != *nonempty* ]]
    kill -0 "$first"
    [ "$(awk -v m="$M" '$2 == m' /proc/mounts | wc -l)" -eq 1 ]
}

@test "two daemons started together on one mountpoint: one mounts, the other is refused" {
    local log1 log2 p1 p2 rc1=0 rc2=0
    log1=$BATS_TEST_TMPDIR/d1.log
    log2=$BATS_TEST_TMPDIR/d2.log
    "$PROCSIM_BIN" mount "$M" </dev/null >"$log1" 2>&1 3>&- &
    p1=$!
    "$PROCSIM_BIN" mount "$M" </dev/null >"$log2" 2>&1 3>&- &
    p2=$!
    DAEMONS=("$p1" "$p2")
    # The refused one exits on its own; wait for it, then for the mount of the other.
    local i
    for ((i = 0; i < 300; i++)); do
        if ! kill -0 "$p1" 2>/dev/null || ! kill -0 "$p2" 2>/dev/null; then break; fi
        sleep 0.1
    done
    for ((i = 0; i < 300; i++)); do
        mountpoint -q "$M" && break
        sleep 0.1
    done
    cat "$log1" "$log2"
    mountpoint -q "$M"
    [ "$(awk -v m="$M" '$2 == m' /proc/mounts | wc -l)" -eq 1 ]
    local refused
    refused=$(cat "$log1" "$log2" | grep -c "is already mounted (procsim, pid [0-9]*)")
    [ "$refused" -eq 1 ]
    run grep -q nonempty "$log1" "$log2"
    [ "$status" -eq 1 ]
    umount "$M"
    procsim_wait_exit "$p1" 20 || rc1=$?
    procsim_wait_exit "$p2" 20 || rc2=$?
    # one exited 1 (refused), the other 0 (unmounted)
    [ $((rc1 + rc2)) -eq 1 ]
}

@test "race checks --csv and --png before any work: one line, exit 2 (no FUSE needed)" {
    run "$PROCSIM_BIN" race --replay --method clone3 -w 1 -n 5 --csv "$M/no/such/dir/out.csv"
    [ "$status" -eq 2 ]
    [ "$output" = "procsim: race: --csv $M/no/such/dir/out.csv: directory $M/no/such/dir does not exist" ]
    run "$PROCSIM_BIN" race --replay --method clone3 -w 1 -n 5 --png "$M"
    [ "$status" -eq 2 ]
    [ "$output" = "procsim: race: --png $M: is a directory" ]
    # /proc and /sys: root may open them, the write would fail after the whole run
    run "$PROCSIM_BIN" race --replay --method clone3 -w 1 -n 5 --csv /proc/version
    [ "$status" -eq 2 ]
    [ "$output" = "procsim: race: --csv /proc/version: on proc, not a file to write results to" ]
    run "$PROCSIM_BIN" race --replay --method clone3 -w 1 -n 5 --png /sys/x.png
    [ "$status" -eq 2 ]
    [ "$output" = "procsim: race: --png /sys/x.png: on sysfs, not a file to write results to" ]
    [[ $(id -u) == 0 ]] || return 0
    # A read-only directory (even root cannot write there), in a private mount namespace.
    # shellcheck disable=SC2016 # expanded by the inner bash
    run unshare -m bash -c 'mount --bind -o ro "$1" "$1" && "$2" race --replay --method clone3 -w 1 -n 5 --log "$1/race.log"' \
        _ "$M" "$PROCSIM_BIN"
    [ "$status" -eq 2 ]
    [ "$output" = "procsim: race: --log $M/race.log: not writable (Read-only file system)" ]
    [ ! -e "$M/race.log" ]
}

@test "bin/procsim runs through a symlink in PATH, and without a jar says to run make build (no FUSE needed)" {
    local bindir=$BATS_TEST_TMPDIR/pathdir
    mkdir -p "$bindir"
    ln -s "$PROCSIM_ROOT/bin/procsim" "$bindir/procsim"
    run env -u PROCSIM_JAR PATH="$bindir:$PATH" bash -c 'cd / && procsim --version'
    [ "$status" -eq 0 ]
    [[ ${lines[0]} == "procsim "* ]]

    # A checkout without a build: the launcher alone in an otherwise empty tree.
    local fake=$BATS_TEST_TMPDIR/checkout
    mkdir -p "$fake/bin"
    cp "$PROCSIM_ROOT/bin/procsim" "$fake/bin/"
    ln -s "$fake/bin/procsim" "$bindir/procsim-unbuilt"
    run env -u PROCSIM_JAR PATH="$bindir:$PATH" procsim-unbuilt --version
    [ "$status" -eq 1 ]
    [ "$output" = "procsim: $fake/fuse-fs/target/procsim.jar is missing: run 'make build' in $fake" ]
}

@test "make install PREFIX=... installs a procsim that runs through a symlink, with its libraries, completion and man pages" {
    local prefix=$BATS_TEST_TMPDIR/prefix bindir=$BATS_TEST_TMPDIR/path
    run make -C "$PROCSIM_ROOT" install PREFIX="$prefix"
    [ "$status" -eq 0 ]
    [ -x "$prefix/bin/procsim" ]
    [ -f "$prefix/share/procsim/procsim.jar" ]
    [ -f "$prefix/share/procsim/procsim.bash" ]
    [ -f "$prefix/share/procsim/restart.bash" ]
    [ -f "$prefix/share/procsim/libprocsim.so" ]
    mkdir -p "$bindir"
    ln -s "$prefix/bin/procsim" "$bindir/procsim"

    # The completion script completes subcommands and options from the picocli model.
    run bash -c 'source "$1"; COMP_WORDS=(procsim mo); COMP_CWORD=1; _complete_procsim; echo "${COMPREPLY[*]}"
        COMP_WORDS=(procsim mount --pid); COMP_CWORD=2; _complete_procsim 2>/dev/null; echo "${COMPREPLY[*]}"' \
        _ "$prefix/share/bash-completion/completions/procsim"
    [ "${lines[0]}" = mount ]
    [ "${lines[1]}" = --pid-max ]

    # The man pages are troff, one per command.
    local page th
    for page in procsim procsim-mount procsim-check procsim-shell procsim-exec procsim-race procsim-checkpoint procsim-restore procsim-image-show; do
        th=${page^^}
        grep -qF ".TH \"${th//-/\\-}\" \"1\"" "$prefix/share/man/man1/$page.1"
    done
    if command -v man >/dev/null; then
        run man -l "$prefix/share/man/man1/procsim-check.1"
        [[ $output == *"--fuse-device"* ]]
    fi

    # The installed launcher and library, from another directory, with no repository in sight.
    cd /
    run env -u PROCSIM_JAR -u PROCSIM_ROOT -u PROCSIM_BIN PATH="$bindir:$PATH" procsim --version
    [ "$status" -eq 0 ]
    # shellcheck disable=SC2016 # expanded by the inner bash
    run env -u PROCSIM_JAR -u PROCSIM_ROOT -u PROCSIM_BIN PATH="$bindir:$PATH" bash -c '
        source "$1/share/procsim/procsim.bash" && [ "$PROCSIM_BIN" = "$1/bin/procsim" ] || exit 3
        procsim_start "$2" || exit 4
        cat "$2/1/comm"
        procsim exec "$2" -- bash -c "echo \$\$"; rc=$?
        procsim_stop "$2"; exit "$rc"' _ "$prefix" "$M"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = init ]
    [ "${lines[1]}" = 2 ] # procsim exec's shim, from the install: PROGRAM is init's new child
}
