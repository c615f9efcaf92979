#!/bin/bash
# bench/startup_ab.sh STATE SCHED DAEMON...: two or more builds of hotpatchd started in turn
# on copies of one state directory, with sqlite3 reading the tables a start reads after each
# turn, ROUNDS (9) turns.  STATE holds a database the builds have imported SCHED into (as
# bench/startup.sh leaves one, or any daemon's --state-dir); each build gets its own copy, so
# one whose fingerprint differs imports once in an untimed first turn and is timed from the
# store after.  Per build: wall ms from exec to the first answered `status` (the socket
# waited for by a shell test, as bench/startup.sh does), the daemon's CPU ms (user + system)
# and its page faults by then, from /proc; medians on stdout.  Nothing passes or fails.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
[ $# -ge 3 ] || { echo "usage: $0 STATE SCHED DAEMON..." >&2; exit 2; }
STATE=$1 SCHED=$2
shift 2
ROUNDS=${ROUNDS:-9}
HOTPATCHCTL=$PWD/src/hotpatchctl
bench_scratch startab
SQL="SELECT * FROM os; SELECT * FROM releases; SELECT * FROM published; SELECT * FROM oob;
SELECT * FROM overrides; SELECT * FROM rings; SELECT * FROM ring_os; SELECT * FROM ring_windows;
SELECT * FROM ring_upgrades; SELECT * FROM blackouts; SELECT * FROM meta;"

# One start of build $1 on state $2: took, cpu, faults.
one() {
	local t0 sock=$2/hotpatchd.sock
	rm -f "$sock"
	t0=$(date +%s%N)
	"$1" -f --state-dir "$2" --calendar data/calendar.yaml --schedules "$SCHED" --http off \
		>> "$work/daemon.log" 2>&1 &
	pid=$!
	until [ -S "$sock" ]; do sleep 0.001; done
	until "$HOTPATCHCTL" --socket "$sock" status > /dev/null 2>&1; do sleep 0.001; done
	took=$(ms_since "$t0")
	read -r cpu faults < <(awk -v hz="$(getconf CLK_TCK)" \
		'{ print int(($14 + $15) * 1000 / hz), $10 }' "/proc/$pid/stat")
	kill "$pid"
	wait "$pid" || true
	pid=
}

n=0
for d in "$@"; do
	n=$((n + 1))
	cp -a "$STATE" "$work/state$n"
	rm -f "$work/state$n/hotpatchd.sock" "$work/state$n/hotpatchd.db.lock"
	one "$d" "$work/state$n"	# untimed: imports if this build's fingerprint differs
done
declare -A wall cpus flts
for r in $(seq "$ROUNDS"); do
	n=0
	for d in "$@"; do
		n=$((n + 1))
		one "$d" "$work/state$n"
		wall[$n]="${wall[$n]:-} $took" cpus[$n]="${cpus[$n]:-} $cpu" flts[$n]="${flts[$n]:-} $faults"
	done
	t0=$(date +%s%N)
	/usr/bin/time -f '%U %S' -o "$work/time" sqlite3 "$work/state1/hotpatchd.db" "$SQL" > /dev/null
	wall[0]="${wall[0]:-} $(ms_since "$t0")"
	cpus[0]="${cpus[0]:-} $(awk '{ print int(($1 + $2) * 1000) }' "$work/time")"
	say "round $r of $ROUNDS"
done
echo "| what | wall, median (ms) | CPU, median (ms) | CPU against sqlite3 | page faults, median |"
echo "|---|---|---|---|---|"
n=0
for d in "$@"; do
	n=$((n + 1))
	echo "| $d | $(med "${wall[$n]}") | $(med "${cpus[$n]}") | $(ratio "$(med "${cpus[$n]}")" "$(med "${cpus[0]}")")x | $(med "${flts[$n]}") |"
done
echo "| sqlite3, the tables a start reads | $(med "${wall[0]}") | $(med "${cpus[0]}") | | |"
