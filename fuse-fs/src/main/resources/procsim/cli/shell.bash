# procsim shell's helper, run by `procsim shell` as the operator (an unattached caller):
#   bash -c "$(cat shell.bash)" procsim-shell M PID VIEW CMD [ARGS...]   (procsim-exec for procsim exec)
# CMD runs in a new mount namespace (private: nothing it mounts reaches the host) and a new pid
# namespace, with VIEW (M/procsim/pidns/<inum>/proc, that namespace's fixed view) bound on /proc,
# attached as sim task PID. The child tells its host pid on the coprocess pipe and waits there for
# the attach; EOF on the pipe means it died first. Exit status: CMD's; 125 if it never ran.
set -u
m=$1 pid=$2 view=$3
shift 3
# As system(3): Ctrl-C and Ctrl-\ are CMD's business; handlers (not ignores) so CMD keeps the
# defaults. Set before CMD can run: a SIGQUIT to the process group would end this script.
trap : INT QUIT
exec 3<&0 4>&1
coproc SIM {
    # unshare's waiting parent blocks SIGINT and SIGTERM only: it ignores SIGQUIT, and CMD gets
    # the default back (env --default-signal), which a bash started with it ignored cannot do.
    trap '' QUIT
    # shellcheck disable=SC2016 # the inner script's own variables
    exec unshare --mount --pid --ipc --fork --propagation private -- bash -c '
        read -r self _ < /proc/self/stat    # the host /proc still: this is the host pid
        echo "$self"
        read -r go
        [[ $go == go ]] || exit 125
        mount --bind "$1" /proc || exit 125
        shift
        exec env --default-signal=QUIT "$@" <&3 >&4 3<&- 4>&-' procsim-shell "$view" "$@"
}
exec 3<&- 4>&-
hostpid=
read -r hostpid <&"${SIM[0]}"
if [[ -z $hostpid ]]; then
    echo "procsim: ${0#procsim-}: could not make the mount and pid namespaces (unshare failed)" >&2
    wait "$SIM_PID"
    exit 125
fi
if ! echo "$hostpid" 2>/dev/null > "$m/$pid/task/$pid/attach"; then
    echo "procsim: ${0#procsim-}: cannot attach to sim task $pid (has it exited, or may your sim task not ptrace it?)" >&2
    echo stop >&"${SIM[1]}"
    wait "$SIM_PID"
    exit 125
fi
echo go >&"${SIM[1]}"
sim=$SIM_PID in=${SIM[0]} out=${SIM[1]}
exec {in}<&- {out}>&-
while :; do
    wait "$sim"
    rc=$?
    kill -0 "$sim" 2>/dev/null || break
done
exit "$rc"
