# bench/lib.sh: the small helpers every bench script shares (sourced after the
# script has gone to the top of the tree).  Figures go to stdout; progress to stderr.

say() { printf 'bench: %s\n' "$*" >&2; }
# The median of numbers on stdin, one per line.
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# The median of a space-separated list.
med() { echo "$1" | tr ' ' '\n' | grep . | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }
# The value after the word KEY in "key value key value" lines.
field() { awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'; }
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
# bench_scratch NAME: $work, a scratch directory removed at exit, with the daemon $pid (set
# by the script when it starts one) stopped first.
bench_scratch() {
	work=$(mktemp -d "${TMPDIR:-/tmp}/hotpatch-$1.XXXXXX")
	pid=
	trap bench_cleanup EXIT
}
bench_cleanup() {
	[ -z "${pid:-}" ] || kill "$pid" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$work"
}
# bench_daemon STATE ARGS...: start $HOTPATCHD in the foreground on state directory STATE
# (log in $work/daemon.log), set $pid and ctl(), and wait until it answers `status`;
# exits with the log if the daemon dies first.
bench_daemon() {
	_state=$1
	shift
	"$HOTPATCHD" -f --state-dir "$_state" "$@" > "$work/daemon.log" 2>&1 &
	pid=$!
	ctl() { "$HOTPATCHCTL" --socket "$_state/hotpatchd.sock" "$@"; }
	until ctl status > /dev/null 2>&1; do
		kill -0 "$pid" 2> /dev/null || { cat "$work/daemon.log" >&2; exit 1; }
		sleep 0.05
	done
}
