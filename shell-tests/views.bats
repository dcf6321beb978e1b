#!/usr/bin/env bats
# Contract sections 2 and 3: who is calling, views, attach and detach, and a tree that never
# serves a stale copy.

load lib/procsim

setup_file() {
    procsim_setup_file
    [ "$(procsim_syscall "$M/1/task/1/syscall" 'clone3 flags=CLONE_NEWPID set_tid=1,400')" = 400 ]
    procsim_syscall "$M/400/task/400/syscall" fork >/dev/null
    procsim_syscall "$M/400/task/400/syscall" fork >/dev/null
}

teardown_file() {
    procsim_teardown_file
}

setup() {
    procsim_require_fuse
}

pids_listed() { # the numeric entries of ls M, sorted, on one line
    find "$M" -mindepth 1 -maxdepth 1 -regextype egrep -regex '.*/[0-9]+' -printf '%f\n' | sort -n | tr '\n' ' '
}

@test "boot state: init, pid 1, uid 0, fds 0-2 on /dev/console" {
    grep -q '^Name:	init$' "$M/1/status"
    grep -q '^Uid:	0	0	0	0$' "$M/1/status"
    [ "$(readlink "$M/1/fd/0")" = /dev/console ]
    [ "$(readlink "$M/1/fd/2")" = /dev/console ]
    [ "$(cat "$M/1/comm")" = init ]
    [ "$(cut -d' ' -f1-5 "$M/1/stat")" = "1 (init) S 0 1" ]
}

@test "the operator sees the root namespace and has no self" {
    [ "$(pids_listed)" = "1 2 3 400 " ] || { echo "listed: $(pids_listed)"; false; }
    run cat "$M/self/status"
    [ "$status" -ne 0 ]
    [[ $output == *"No such file or directory"* ]]
    run readlink -e "$M/self"
    [ "$status" -ne 0 ]
}

@test "an attached shell lists exactly its namespace's thread groups" {
    ( procsim_attach "$M" 400 400
      [ "$(pids_listed)" = "1 2 3 " ] || { echo "listed: $(pids_listed)"; false; }
      [ "$(readlink "$M/self")" = 1 ]
      [ "$(readlink "$M/thread-self")" = 1/task/1 ]
      grep -q '^PPid:	0$' "$M/self/status"
      [ ! -e "$M/400" ] )
}

@test "the real processes an attached shell starts act as its sim thread too" {
    ( procsim_attach "$M" 400 400
      out=$(bash -c 'cat "$1/self/status"' _ "$M" | grep '^NSpid:')
      [ "$out" = "NSpid:	1" ] )
}

@test "reading attach shows the bound real id; detach ends it" {
    ( procsim_attach "$M" 400 400
      [ "$(cat "$M/self/task/1/attach")" = "$BASHPID" ]
      echo detach > "$M/self/task/1/attach"
      [ "$(readlink "$M/self" 2>/dev/null || echo none)" = none ] )
    [ -z "$(cat "$M/400/task/400/attach")" ]
}

@test "a binding ends when the real process exits" {
    ( procsim_attach "$M" 400 400; true )
    [ -z "$(cat "$M/400/task/400/attach")" ]
}

@test "an exited task vanishes from ls at once" {
    p=$(procsim_syscall "$M/1/task/1/syscall" fork)
    [ -d "$M/$p" ]
    procsim_syscall "$M/$p/task/$p/syscall" 'exit 3' >/dev/null
    grep -q '^State:	Z (zombie)$' "$M/$p/status"
    [ "$(procsim_syscall "$M/1/task/1/syscall" "wait4 $p")" = "$p status=0x0300" ]
    [ ! -e "$M/$p" ]
    [ -z "$(find "$M" -mindepth 1 -maxdepth 1 -name "$p")" ]
}

@test "dynamic files read right with cat, read, head and grep" {
    p=$(procsim_syscall "$M/1/task/1/syscall" fork)
    [ "$(head -1 "$M/$p/status")" = "Name:	init" ]
    read -r first < "$M/$p/status"
    [ "$first" = "Name:	init" ]
    grep -q "^Pid:	$p\$" "$M/$p/status"
    [ "$(wc -l < "$M/$p/status")" -eq 59 ] # every line of Linux 6.18 x86_64 status
    [ "$(stat -c %s "$M/$p/status")" -eq 0 ]
}

@test "the syscall file: one open file, many syscalls, a result per write" {
    exec 5<>"$M/400/task/400/syscall"
    echo getpid >&5
    read -r r <&5
    [ "$r" = 1 ] # init of its own namespace
    echo 'clone3 set_tid=700' >&5
    read -r r <&5
    [ "$r" = 700 ]
    run bash -c 'echo "clone3 set_tid=700" >&5'
    [[ $output == *"File exists"* ]]
    read -r r <&5
    [ "$r" = "-1 EEXIST" ]
    exec 5>&-
    [ "$(cat "$M/400/task/400/syscall")" = "-1 EEXIST" ]
}

@test "the syscall file's PROCSIM_SYSCALL ioctl: a line in and its reply out in one call, the write's errno when it fails" {
    # _IOWR('P', 0xe0, char[256]), as procsim.h defines it; python3's fcntl.ioctl with a mutable buffer
    run python3 - "$M/400/task/400/syscall" <<'PY'
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
def call(line, cmd=0xc10050e0):
    buf = bytearray(256)
    buf[:len(line)] = line.encode()
    try:
        n = fcntl.ioctl(fd, cmd, buf, True)
    except OSError as e:
        return os.strerror(e.errno)
    return "%d %s" % (n, bytes(buf[:buf.index(0)]).decode().rstrip("\n"))
print(call("getpid"))
print(call("clone3 set_tid=701"))
print(call("clone3 set_tid=701"))
print(call("no such call"))
print(call("getpid", 0x5401))
print(os.pread(fd, 64, 0).decode().rstrip("\n"))
PY
    [ "$status" -eq 0 ]
    [ "$output" = "$(printf '%s\n' "2 1" "4 701" "File exists" "Invalid argument" "Inappropriate ioctl for device" "-1 EINVAL")" ]
}

@test "M/<pid>/syscall is the leader's, as in Linux's /proc/<pid>; prctl PR_SET_NAME names the caller" {
    c=$(procsim_syscall "$M/1/syscall" fork)
    [ "$(procsim_syscall "$M/$c/syscall" getppid)" = 1 ]
    echo "prctl PR_SET_NAME a-restorer-named-at-length" >"$M/$c/syscall"
    [ "$(cat "$M/$c/comm")" = a-restorer-name ]
    grep -q '^Name:	a-restorer-name$' "$M/$c/status"
    [ "$(procsim_syscall "$M/$c/task/$c/syscall" 'prctl PR_GET_NAME')" = "0 name=a-restorer-name" ]
    [ "$(cat "$M/1/comm")" = init ]
}

@test "a malformed line is EINVAL, changes nothing, and the daemon stays up" {
    before=$(pids_listed)
    for bad in "frob" "fork now" "clone NOPE" "clone3 set_tid=x" ""; do
        run bash -c 'echo "$2" > "$1"' _ "$M/1/task/1/syscall" "$bad"
        [ "$status" -ne 0 ]
        [[ $output == *"Invalid argument"* ]] || { echo "[$bad] $output"; false; }
    done
    [ "$(pids_listed)" = "$before" ]
    kill -0 "$PROCSIM_PID"
}

@test "a malformed line reads back as -1 EINVAL on the same open file; a new child's file reads 0" {
    run procsim_syscall "$M/1/task/1/syscall" "clone3 set_tid="
    [ "$status" -ne 0 ]
    [[ $output == *"-1 EINVAL"* ]]
    c=$(procsim_syscall "$M/1/task/1/syscall" fork)
    [ "$(cat "$M/$c/task/$c/syscall")" = 0 ]
}

@test "a signal ends a blocked syscall with EINTR and the daemon goes on" {
    q=$(procsim_syscall "$M/1/task/1/syscall" 'msgget IPC_PRIVATE 0600')
    exec 6<>"$M/1/task/1/syscall"
    # shellcheck disable=SC2016 # the inner shell's own argument
    run timeout -s INT 2 bash -c 'echo "msgrcv $1 0" >&6' _ "$q"
    [ "$status" -eq 124 ]
    read -r r <&6
    exec 6>&-
    [ "$r" = "-1 EINTR" ]
    [ "$(procsim_syscall "$M/1/task/1/syscall" getpid)" = 1 ]
}
