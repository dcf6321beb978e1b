#!/usr/bin/env bats
# What the mount holds for tasks that are gone. Linux's procfs drops a reaped task's dentries
# (fs/proc/base.c: proc_flush_pid() from release_task()) and makes a new inode for each task
# (proc_pid_make_inode()), so /proc/<pid> of a pid used again is a new inode. The mount runs with
# use_ino and the tree's inode numbers mix in each task's identity (ProcFs#getattr), so st_ino
# says it here whether or not the kernel still holds the old dentry; that the mount drops gone
# pids' root dentries (StaleEntries) is measured by shell-tests/bench/growth-bench.sh.

load lib/procsim

setup_file() { procsim_setup_file; }
teardown_file() { procsim_teardown_file; }
setup() { procsim_require_fuse; }

# make_reap PID [DIR]: init makes task PID (clone3 set_tid), looks up DIR/PID (DIR: $M), then it
# exits and is reaped. Prints the inode DIR/PID had.
make_reap() {
    local s=$M/1/task/1/syscall ino
    [ "$(procsim_syscall "$s" "clone3 exit_signal=SIGCHLD set_tid=$1")" = "$1" ]
    ino=$(stat -c %i "${2:-$M}/$1")
    printf 'exit 0\n' >"$M/$1/syscall"
    # not looked up once gone: a failed lookup would make the kernel drop the dentry by itself
    [ "$(procsim_syscall "$s" "wait4 $1")" = "$1 status=0x0000" ]
    echo "$ino"
}

# new_inode_again PID [DIR]: DIR/PID of a pid used again is a new inode.
new_inode_again() {
    local first again i
    first=$(make_reap "$@")
    # a few tries (10 s at the most), as a dentry the kernel still holds could keep an old number
    for ((i = 0; i < 20; i++)); do
        sleep 0.5
        again=$(make_reap "$@")
        [ "$again" != "$first" ] && break
    done
    echo "inode before: $first, after: $again ($i retries)"
    [ "$again" != "$first" ]
}

@test "a pid used again is a new /proc/<pid> inode" {
    new_inode_again 700
}

@test "the same in a fixed view, M/procsim/pidns/<inum>/proc (procsim shell's /proc, where ps looks up every pid)" {
    new_inode_again 701 "$M/procsim/pidns/$(readlink "$M/1/ns/pid" | tr -dc 0-9)/proc"
}
