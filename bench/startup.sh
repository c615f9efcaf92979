#!/bin/bash
# bench/startup.sh [RINGS [DEVICES]]: the daemon's start-up, as a Markdown section on stdout
# (bench/run.sh puts it in RESULTS.md; run alone, it measures just this).
#
#   1. the first start: exec to READY=1 while it parses the ring files and imports them;
#   2. DEVICES devices imported (bench/devgen.py, spread over the same ring ids);
#   3. ROUNDS starts with the files unchanged (the model is read from the database), each
#      followed by the anchors, alternating: sqlite3 reading the tables a start reads (every
#      table of the model, `SELECT *` each, output discarded), and the same with the devices
#      table, which a start no longer reads (doc/store.md).  bench/ready.py times both: the
#      daemon from exec to its READY=1 (sd_notify), sqlite3 from exec to exit, so the ratio
#      compares machines.
#
# With SUMMARY=FILE, also writes one Summary row of RESULTS.md to FILE.  Environment:
# ROUNDS (5), SCHED (a ring directory of bench/estate.py for RINGS, else one is made),
# HOTPATCHD (the daemon to time, src/hotpatchd).
# Needs sqlite3 and python3.  Nothing here passes or fails.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
RINGS=${1:-10000}
DEVICES=${2:-100000}
ROUNDS=${ROUNDS:-5}
CAL=data/calendar.yaml
HOTPATCHD=${HOTPATCHD:-$PWD/src/hotpatchd}
HOTPATCHCTL=$PWD/src/hotpatchctl
bench_scratch startup

sched=${SCHED:-}
if [ -z "$sched" ]; then
	say "start-up: estate of $RINGS rings"
	python3 bench/estate.py "$work/estate" "$RINGS"
	sched=$work/estate/schedules
fi
state=$work/state
db=$state/hotpatchd.db
sock=$state/hotpatchd.sock
mkdir "$state"
ctl() { "$HOTPATCHCTL" --socket "$sock" "$@"; }
daemon=("$HOTPATCHD" -f --state-dir "$state" --calendar "$CAL" --schedules "$sched" --http off)
# The daemon running, for the devices import (not timed): the socket appears once it is ready.
start_daemon() {
	"${daemon[@]}" >> "$work/daemon.log" 2>&1 &
	pid=$!
	until ctl status > /dev/null 2>&1; do sleep 0.01; done
}
stop_daemon() { kill "$pid"; wait "$pid" || true; pid=; }
# took: ms from exec to the daemon's READY=1 (sd_notify, sent once the control socket
# serves); cpu: its CPU ms (user + system) by then.  bench/ready.py listens on the
# NOTIFY_SOCKET it starts the daemon with, so nothing polls beside the start it times, and
# stops the daemon after.
time_start() {
	local out
	out=$(bench/ready.py "${daemon[@]}")
	read -r took cpu <<< "$out"
}
# The tables a start reads: the calendar's and the rings' (src/store_load.c).
MODEL_SQL="SELECT * FROM os; SELECT * FROM releases; SELECT * FROM published; SELECT * FROM oob;
SELECT * FROM overrides; SELECT * FROM rings; SELECT * FROM ring_os; SELECT * FROM ring_windows;
SELECT * FROM ring_upgrades; SELECT * FROM blackouts; SELECT * FROM meta;"
# took and cpu (ms) of sqlite3 running the statements $1 from exec to exit, output
# discarded, timed by the same bench/ready.py.
time_sqlite() {
	local out
	out=$(bench/ready.py --exit sqlite3 "$db" "$1")
	read -r took cpu <<< "$out"
}

say "start-up: first start, importing the ring files"
time_start
first=$took
say "start-up: $DEVICES devices (bench/devgen.py)"
start_daemon
python3 bench/devgen.py "$CAL" "$work/dev" "$DEVICES" "$RINGS" > /dev/null
ctl devices import "$work/dev/devices.csv" --replace > /dev/null
rm -rf "$work/dev/schedules"
stored=$(ctl --json devices --limit 1 | python3 -c 'import json, sys; print(json.load(sys.stdin)["stored"])')
stop_daemon

say "start-up: $ROUNDS rounds, alternating with sqlite3"
hp= sq= sqd= hpc= sqc= sqdc=
for r in $(seq "$ROUNDS"); do
	time_start
	hp="$hp $took" hpc="$hpc $cpu"
	time_sqlite "$MODEL_SQL"
	sq="$sq $took" sqc="$sqc $cpu"
	time_sqlite "$MODEL_SQL SELECT * FROM devices;"
	sqd="$sqd $took" sqdc="$sqdc $cpu"
done
hp_m=$(med "$hp") sq_m=$(med "$sq") sqd_m=$(med "$sqd")
hpc_m=$(med "$hpc") sqc_m=$(med "$sqc") sqdc_m=$(med "$sqdc")
rows() { sqlite3 "$db" "SELECT count(*) FROM $1"; }

if [ -n "${SUMMARY:-}" ]; then
	echo "| start-up to READY=1, $RINGS rings and $stored devices in the database, median of $ROUNDS (ms) | $hp_m | sqlite3 reading the same tables $sq_m | $(ratio "$hp_m" "$sq_m")x | < 200 ms | $(awk -v s="$hp_m" 'BEGIN { print (s < 200) ? "yes" : "no" }') |" > "$SUMMARY"
fi

cat <<EOF
## Start-up

\`bench/startup.sh $RINGS $DEVICES\`: from exec to the daemon's READY=1 (sd_notify, sent
once the control socket serves; \`--http off\`), heard by \`bench/ready.py\` on NOTIFY_SOCKET,, $RINGS rings ($(ls "$sched" | wc -l) files, $(du -sh "$sched" | cut -f1)B of YAML;
$(rows blackouts) blackouts) and $stored devices in a $(du -h "$db" | cut -f1)B database. The
first start parses the files and imports them: $first ms. Then $ROUNDS starts with the files
unchanged, which read the model from the database (doc/store.md), each followed by the
anchors: \`sqlite3 DB\` running \`SELECT *\` on every table a start reads (os, releases,
published, oob, overrides, rings, ring_os, ring_windows, ring_upgrades, blackouts, meta), and
the same with the devices, which a start leaves for the first answer that shows them.

| what | median (ms) | rounds (ms) | hotpatchd against it | CPU, median (ms) | hotpatchd's CPU against it |
|---|---|---|---|---|---|
| hotpatchd, exec to READY=1 | $hp_m | $(echo $hp | tr ' ' '/') | | $hpc_m | |
| sqlite3, the tables a start reads | $sq_m | $(echo $sq | tr ' ' '/') | $(ratio "$hp_m" "$sq_m")x | $sqc_m | $(ratio "$hpc_m" "$sqc_m")x |
| sqlite3, those and the devices | $sqd_m | $(echo $sqd | tr ' ' '/') | $(ratio "$hp_m" "$sqd_m")x | $sqdc_m | $(ratio "$hpc_m" "$sqdc_m")x |

CPU is user and system time (the daemon's from /proc at READY=1, sqlite3's from its exit
status), the daemon's in 10 ms steps: on a loaded machine it moves less than the wall time.

EOF
