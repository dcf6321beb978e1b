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

@test "an open lands on fd 7 and ls -l shows it" {
    echo "LONG1 7" > "$M/$P/task/$P/next_syscall_data"
    [ "$(procsim_syscall "$S" 'open /var/lib/app/data O_RDWR')" = 7 ]
    ls -l "$M/$P/fd" | grep -q ' 7 -> /var/lib/app/data$'
    [ "$(ls "$M/$P/fd" | tr '\n' ' ')" = "0 1 2 7 " ]
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
    [ "$(ls "$M/$c/fd" | tr '\n' ' ')" = "0 1 2 3 4 " ]
    procsim_syscall "$S" 'execve /bin/app' >/dev/null
    [ "$(ls "$M/$P/fd" | tr '\n' ' ')" = "0 1 2 3 " ]
}
