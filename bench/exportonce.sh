#!/bin/bash
# bench/exportonce.sh [RINGS [BINDIR]]: one round of the export after one override, as
# bench/feedincr.sh runs it three times, printed as one line, for A/B runs of two builds:
#
#   first N ms; after override N ms; daemon cpu N ms; ctl USER SYS; load L
#
# An estate of RINGS rings (10000, bench/estate.py, kept in $ESTATE if set, so alternated
# runs share it), a daemon from BINDIR (src/ of this tree) started on it, `export --dir`
# into an empty directory, `override set win11-24h2` on next month, `export --dir` again
# into the same directory: that second export's wall time, the daemon's CPU for it (all its
# threads, /proc/PID/stat) and hotpatchctl's (/usr/bin/time).  With PERF=1 the daemon is
# recorded by `perf record` for the second export into $work/perf.data (kept: the path is
# printed).  Nothing here passes or fails.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
RINGS=${1:-10000}
BIN=$(cd "${2:-src}" && pwd)
HOTPATCHD=$BIN/hotpatchd
HOTPATCHCTL=$BIN/hotpatchctl
bench_scratch exportonce
estate=${ESTATE:-$work/estate}
[ -d "$estate/schedules" ] || python3 bench/estate.py "$estate" "$RINGS" > /dev/null
mkdir "$work/state"
printf 'version: 1\nfeed:\n  cache_mb: %d\n' $((RINGS / 8 + 64)) > "$work/hotpatchd.yaml"
bench_daemon "$work/state" -c "$work/hotpatchd.yaml" --calendar data/calendar.yaml \
	--schedules "$estate/schedules" --http off
cpu() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
t0=$(date +%s%N); ctl export --dir "$work/www" > /dev/null; t1=$(date +%s%N)
ctl override set win11-24h2 "$(date -u -d "$(date -u +%Y-%m-15) +1 month" +%Y-%m)" baseline \
	--reason "exportonce bench" > /dev/null
if [ -n "${PERF:-}" ]; then
	perf record ${PERFG:--g} -o "$work/perf.data" -p "$pid" 2> /dev/null &
	perf_pid=$!
	sleep 0.5
	trap 'kill "$pid" 2>/dev/null; wait; say "perf data kept in $work/perf.data"' EXIT
fi
c0=$(cpu); t2=$(date +%s%N)
/usr/bin/time -f '%U %S' -o "$work/ctl.time" "$HOTPATCHCTL" --socket "$work/state/hotpatchd.sock" \
	export --dir "$work/www" > /dev/null
t3=$(date +%s%N); c1=$(cpu)
[ -z "${PERF:-}" ] || { kill -INT "$perf_pid"; wait "$perf_pid" || true; }
echo "first $(( (t1 - t0) / 1000000 )) ms; after override $(( (t3 - t2) / 1000000 )) ms;" \
	"daemon cpu $(( (c1 - c0) * 1000 / hz )) ms; ctl $(cat "$work/ctl.time");" \
	"load $(cut -d' ' -f1 /proc/loadavg)"
