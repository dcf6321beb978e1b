#!/usr/bin/env bats
# Process lifecycle through the mount (issue 15): the exit signal after a thread's execve, the
# group's exit status, child subreapers and job control, as Linux 6.18 does them.

load lib/procsim

setup_file() {
    procsim_setup_file
}

teardown_file() {
    procsim_teardown_file
}

setup() {
    procsim_require_fuse
}

sys() { # sys PID TID LINE: thread TID of process PID makes a syscall; prints the reply
    procsim_syscall "$M/$1/task/$2/syscall" "$3"
}

field() { # field FILE NAME: the value of a status line
    awk -F'\t' -v n="$2:" '$1 == n { print $2 }' "$1"
}

@test "a thread's execve makes the process signal SIGCHLD (de_thread): a plain wait4 reaps it" {
    c=$(sys 1 1 'clone 0')
    [ "$(cut -d' ' -f38 "$M/$c/stat")" = 0 ]
    t=$(sys "$c" "$c" 'clone CLONE_VM|CLONE_THREAD|CLONE_SIGHAND')
    sys "$c" "$t" 'execve /bin/true'
    [ ! -e "$M/$c/task/$t" ]
    [ "$(cut -d' ' -f38 "$M/$c/stat")" = 17 ]
    sys "$c" "$c" 'exit 0'
    run sys 1 1 "wait4 $c __WCLONE|WNOHANG"
    [ "$status" -ne 0 ]
    [[ $output == *"-1 ECHILD" ]]
    [ "$(sys 1 1 "wait4 $c WNOHANG")" = "$c status=0x0000" ]
}

@test "the last thread to exit sets the status: leader exit 5, then thread exit 3 gives 0x0300" {
    p=$(sys 1 1 fork)
    t=$(sys "$p" "$p" 'clone CLONE_VM|CLONE_THREAD|CLONE_SIGHAND')
    sys "$p" "$p" 'exit 5'
    [ "$(field "$M/$p/task/$p/status" State)" = "Z (zombie)" ]
    [ "$(sys 1 1 "wait4 $p WNOHANG")" = 0 ]
    sys "$p" "$t" 'exit 3'
    [ "$(sys 1 1 "wait4 $p WNOHANG")" = "$p status=0x0300" ]
}

@test "PR_SET_CHILD_SUBREAPER: the orphan goes to the subreaper, and every thread's prctl says so" {
    a=$(sys 1 1 fork)
    ta=$(sys "$a" "$a" 'clone CLONE_VM|CLONE_THREAD|CLONE_SIGHAND')
    [ "$(sys "$a" "$ta" 'prctl PR_GET_CHILD_SUBREAPER')" = "0 subreaper=0" ]
    [ "$(sys "$a" "$a" 'prctl PR_SET_CHILD_SUBREAPER 1')" = 0 ]
    [ "$(sys "$a" "$ta" 'prctl PR_GET_CHILD_SUBREAPER')" = "0 subreaper=1" ]
    b=$(sys "$a" "$a" fork)
    [ "$(sys "$b" "$b" 'prctl PR_GET_CHILD_SUBREAPER')" = "0 subreaper=0" ]
    c=$(sys "$b" "$b" fork)
    sys "$b" "$b" 'exit 0'
    [ "$(field "$M/$c/status" PPid)" = "$a" ]
    [ "$(sys "$c" "$c" getppid)" = "$a" ]
    run sys "$a" "$a" 'prctl PR_SET_CHILD_SUBREAPER'
    [ "$status" -ne 0 ]
    [[ $output == *"-1 EINVAL" ]]
}

@test "SIGSTOP stops (T), WUNTRACED sees 0x137f once, SIGCONT resumes, WCONTINUED sees 0xffff once" {
    c=$(sys 1 1 fork)
    t=$(sys "$c" "$c" 'clone CLONE_VM|CLONE_THREAD|CLONE_SIGHAND')
    sys 1 1 "kill $c SIGSTOP"
    [ "$(field "$M/$c/status" State)" = "T (stopped)" ]
    [ "$(field "$M/$c/task/$t/status" State)" = "T (stopped)" ]
    [ "$(cut -d' ' -f3 "$M/$c/stat")" = T ]
    [ "$(sys 1 1 "wait4 $c WNOHANG")" = 0 ]
    [ "$(sys 1 1 "wait4 $c WUNTRACED|WNOHANG")" = "$c status=0x137f" ]
    [ "$(sys 1 1 "wait4 $c WUNTRACED|WNOHANG")" = 0 ]
    sys 1 1 "kill $c SIGCONT"
    [ "$(field "$M/$c/status" State)" = "S (sleeping)" ]
    [ "$(sys 1 1 "wait4 $c WCONTINUED|WNOHANG")" = "$c status=0xffff" ]
    [ "$(sys 1 1 "wait4 $c WCONTINUED|WNOHANG")" = 0 ]
}

@test "a checkpoint can ask a stopped subreaper; SIGTERM waits for SIGCONT, SIGKILL does not" {
    c=$(sys 1 1 fork)
    sys "$c" "$c" 'prctl PR_SET_CHILD_SUBREAPER 1'
    sys 1 1 "kill $c SIGSTOP"
    [ "$(sys "$c" "$c" 'prctl PR_GET_CHILD_SUBREAPER')" = "0 subreaper=1" ]
    [ "$(field "$M/$c/status" State)" = "T (stopped)" ]
    sys 1 1 "kill $c SIGTERM"
    [ "$(field "$M/$c/status" State)" = "T (stopped)" ]
    sys 1 1 "kill $c SIGKILL"
    [ "$(field "$M/$c/status" State)" = "Z (zombie)" ]
    [ "$(sys 1 1 "wait4 $c WUNTRACED|WNOHANG")" = "$c status=0x0009" ]
}

@test "SIGTSTP does nothing: every sim task is in init's process group, which is orphaned" {
    c=$(sys 1 1 fork)
    sys 1 1 "kill $c SIGTSTP"
    [ "$(field "$M/$c/status" State)" = "S (sleeping)" ]
    [ "$(sys 1 1 "wait4 $c WUNTRACED|WNOHANG")" = 0 ]
}
