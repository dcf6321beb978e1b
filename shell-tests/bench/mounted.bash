# shellcheck shell=bash
# What growth-bench.sh and fuzz-mount.sh share: strict mode, the repository's root, procsim.bash,
# and the scratch directory $tmp with the mountpoint $M: whatever `procsim_start "$M"` mounts there
# goes, with $tmp and the daemon's log, when the script exits. A script with more to undo defines
# bench_on_exit, which runs first.
set -euo pipefail
export LC_ALL=C
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/procsim.bash
source "$root/shell-tests/lib/procsim.bash"

tmp=$(mktemp -d)
M=$tmp/mnt
export PROCSIM_LOG_DIR=$tmp
_bench_exit() {
    if declare -F bench_on_exit >/dev/null; then bench_on_exit || true; fi
    procsim_stop "$M" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap _bench_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
