#!/usr/bin/env bats
# fd tables through the mount: lowest free fd, next_syscall_data's exact fd, dup2, lseek,
# close-on-exec, and the fd links.

load lib/procsim

setup_file() {
    procsim_setup_file
}

teardown_file() {
    procsim_teardown_file
}

setup() {
    procsim_require_fuse
    P=$(procsim_syscall "$M/1/task/1/syscall" fork)
    S=$M/$P/task/$P/syscall
}

fds_listed() { # the entries of fd directory $1, as ls lists them, on one line
    find "$1" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | tr '\n' ' '
}

@test "an open lands on fd 7 and ls -l shows it" {
    echo "LONG1 7" > "$M/$P/task/$P/next_syscall_data"
    [ "$(procsim_syscall "$S" 'open /var/lib/app/data O_RDWR')" = 7 ]
    # shellcheck disable=SC2010 # what ls -l shows is the point
    ls -l "$M/$P/fd" | grep -q ' 7 -> /var/lib/app/data$'
    [ "$(fds_listed "$M/$P/fd")" = "0 1 2 7 " ]
    echo "LONG1 7" > "$M/$P/task/$P/next_syscall_data"
    run procsim_syscall "$S" 'open /tmp/other'
    [[ $output == *"-1 EBUSY"* ]]
}

@test "lowest free fd, dup, dup2, close and lseek" {
    [ "$(procsim_syscall "$S" 'open /tmp/a O_WRONLY|O_CREAT 0644')" = 3 ]
    [ "$(procsim_syscall "$S" 'close 0')" = 0 ]
    [ "$(procsim_syscall "$S" 'dup 3')" = 0 ]
    [ "$(procsim_syscall "$S" 'dup2 3 9')" = 9 ]
    [ "$(readlink "$M/$P/fd/9")" = /tmp/a ]
    [ "$(procsim_syscall "$S" 'lseek 9 100 SEEK_SET')" = 100 ]
    [ "$(procsim_syscall "$S" 'lseek 3 5 SEEK_CUR')" = 105 ]
    run procsim_syscall "$S" 'lseek 1 0 SEEK_SET'
    [[ $output == *"-1 ESPIPE"* ]]
    run procsim_syscall "$S" 'close 42'
    [[ $output == *"-1 EBADF"* ]]
}

@test "execve closes O_CLOEXEC fds; fork copies the table" {
    [ "$(procsim_syscall "$S" 'open /tmp/keep')" = 3 ]
    [ "$(procsim_syscall "$S" 'open /tmp/drop O_RDONLY|O_CLOEXEC')" = 4 ]
    c=$(procsim_syscall "$S" fork)
    [ "$(fds_listed "$M/$c/fd")" = "0 1 2 3 4 " ]
    procsim_syscall "$S" 'execve /bin/app' >/dev/null
    [ "$(fds_listed "$M/$P/fd")" = "0 1 2 3 " ]
}

@test "fcntl: F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL and their errnos, seen in fdinfo" {
    [ "$(procsim_syscall "$S" 'open /tmp/f O_RDWR')" = 3 ]
    [ "$(procsim_syscall "$S" 'fcntl 3 F_DUPFD 10')" = 10 ]
    [ "$(procsim_syscall "$S" 'fcntl 3 F_DUPFD_CLOEXEC 10')" = 11 ]
    [ "$(procsim_syscall "$S" 'fcntl 11 F_GETFD')" = 1 ]
    grep -qx $'flags:\t02100002' "$M/$P/fdinfo/11"
    [ "$(procsim_syscall "$S" 'fcntl 11 F_SETFD 0')" = 0 ]
    grep -qx $'flags:\t0100002' "$M/$P/fdinfo/11"
    [ "$(procsim_syscall "$S" 'fcntl 10 F_SETFL O_APPEND|O_NONBLOCK|O_TRUNC')" = 0 ]
    [ "$(procsim_syscall "$S" 'fcntl 3 F_GETFL')" = $((0100002 | 02000 | 04000)) ]
    grep -qx $'flags:\t0106002' "$M/$P/fdinfo/3"
    run procsim_syscall "$S" 'fcntl 3 F_DUPFD 1024'
    [[ $output == *"-1 EINVAL"* ]]
    run procsim_syscall "$S" 'fcntl 42 F_GETFD'
    [[ $output == *"-1 EBADF"* ]]
    run procsim_syscall "$S" 'fcntl 3 99'
    [[ $output == *"-1 EINVAL"* ]]
    run procsim_syscall "$S" 'fcntl 0 F_SETFL O_DIRECT'
    [[ $output == *"-1 EINVAL"* ]]
}

@test "an fd link gives its path to ls -l and readlink, but cat, a redirect and touch through it reach no host file" {
    local dir host before
    dir=$(mktemp -d "${BATS_TEST_TMPDIR:-/tmp}/host.XXXXXX")
    host=$dir/secret
    echo original >"$host"
    touch -d '2001-02-03 04:05:06' "$host"
    before=$(stat -c '%s %Y %X %i' "$host")
    [ "$(procsim_syscall "$S" "open $host O_RDWR")" = 3 ]

    [ "$(readlink "$M/$P/fd/3")" = "$host" ]
    [[ $(ls -l "$M/$P/fd/3") == *"/fd/3 -> $host" ]]
    [ "$(readlink "$M/$P/task/$P/fd/3")" = "$host" ]

    run cat "$M/$P/fd/3"
    [ "$status" -ne 0 ]
    [[ $output == *"Permission denied"* ]]
    [[ $output != *original* ]]
    run bash -c 'echo x > "$1"' _ "$M/$P/fd/3"
    [ "$status" -ne 0 ]
    run bash -c 'echo x >> "$1"' _ "$M/$P/fd/3"
    [ "$status" -ne 0 ]
    run touch "$M/$P/fd/3"
    [ "$status" -ne 0 ]
    run stat -L "$M/$P/fd/3"
    [ "$status" -ne 0 ]

    [ "$(stat -c '%s %Y %X %i' "$host")" = "$before" ]
    [ "$(cat "$host")" = original ]
    [ "$(procsim_syscall "$S" "close 3")" = 0 ]
    rm -r "$dir"
}
