# lib.sh: helpers for the regress scripts, sourced by each of them.
# Every script prints TAP-like "ok N - name" / "not ok N - name" lines and a
# closing "N passed, N failed" line, and exits 1 if anything failed.

top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
HOTPATCHD=$top_builddir/src/hotpatchd
HOTPATCHCTL=$top_builddir/src/hotpatchctl
CAL=$top_srcdir/data/calendar.yaml
SCHED=$top_srcdir/schedules
n=0 fails=0
daemon_pid=

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; shift; printf '#   %s\n' "$@"; }

# check NAME CONDITION-COMMAND... : ok if the command succeeds.
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi
}

# expect NAME WANT_RC WANT_LINE -- command...: exit status and one exact output line.
expect() {
	name=$1 want_rc=$2 want=$3
	shift 4
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -eq "$want_rc" ] && printf '%s\n' "$out" | grep -qxF -- "$want"; then
		ok "$name"
	else
		not_ok "$name" "exit $rc (want $want_rc)" "output: $out" "want line: $want"
	fi
}

# Wait up to 5 s for a path to appear (or, with !, to disappear).
wait_for() {
	i=0
	while [ $i -lt 100 ]; do
		if [ "$1" = "!" ]; then [ -e "$2" ] || return 0; else [ -e "$1" ] && return 0; fi
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# start_daemon STATE_DIR [extra hotpatchd flags]: run it in the foreground, in the background.
start_daemon() {
	dir=$1
	shift
	"$HOTPATCHD" -f --state-dir "$dir" --calendar "$CAL" --schedules "$SCHED" "$@" \
		>> "$dir.log" 2>&1 &
	daemon_pid=$!
	wait_for "$dir/hotpatchd.sock"
}

# stop_daemon: SIGTERM and wait; returns the daemon's exit status.
stop_daemon() {
	[ -n "$daemon_pid" ] || return 0
	kill -TERM "$daemon_pid" 2>/dev/null
	wait "$daemon_pid"
	rc=$?
	daemon_pid=
	return $rc
}

finish() {
	[ -n "$daemon_pid" ] && kill -KILL "$daemon_pid" 2>/dev/null
	echo "$((n - fails)) passed, $fails failed"
	[ $fails -eq 0 ]
}
