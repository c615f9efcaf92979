#!/bin/bash
# bench/devices.sh [DEVICES [RINGS]]: the device figures of issue "Devices", as a Markdown
# section on stdout (bench/run.sh puts it in RESULTS.md; run alone, it measures just these).
#
#   1. the 12-month fleet forecast on one core (bench/fleetbench), against walking each
#      ring once: the work the forecast cannot avoid;
#   2. the import through the daemon (hotpatchctl devices import), against sqlite3's own
#      .import of the same CSV into a table: parsing and storing the rows, nothing else;
#   3. the daemon's RSS, against the same daemon before the import, after the import,
#      after fleet, after a page of devices --json and at its peak.
#
# Defaults: 100,000 devices in 1,000 rings (bench/devgen.py).  Needs bench/fleetbench
# (make bench-programs) and sqlite3.  Nothing here passes or fails.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
N=${1:-100000}
R=${2:-1000}
CAL=data/calendar.yaml
HOTPATCHD=$PWD/src/hotpatchd
HOTPATCHCTL=$PWD/src/hotpatchctl
bench_scratch devices
kb() { awk -v k="$1" '$1 == k ":" { print $2 }' "/proc/$pid/status"; }
mb() { echo $(( $1 / 1024 )); }
# secs COMMAND...: wall seconds of one run, the command's output discarded.
secs() {
	local t0
	t0=$(date +%s%N)
	"$@" > /dev/null
	awk -v n="$(( $(date +%s%N) - t0 ))" 'BEGIN { printf "%.3f", n / 1e9 }'
}

say "devices: $N devices in $R rings (bench/devgen.py)"
python3 bench/devgen.py "$CAL" "$work" "$N" "$R" > /dev/null
csv=$work/devices.csv

say "devices: forecast on one core (bench/fleetbench)"
fb=$(taskset -c 0 bench/fleetbench "$CAL" "$work" 2026-12 12)
fc=$(echo "$fb" | sed -n 's/.*fleet_count \([0-9.]*\) s.*/\1/p')
walk=$(echo "$fb" | sed -n 's/^ring walk \([0-9.]*\) s.*/\1/p')
forecast=$(echo "$fb" | sed -n 's/^forecast (parse + fleet_count + view) \([0-9.]*\) s.*/\1/p')
fb_rss=$(echo "$fb" | field maxrss_kb)

say "devices: the daemon"
mkdir "$work/state"
"$HOTPATCHD" -f --state-dir "$work/state" --calendar "$CAL" --schedules "$work/schedules" \
	--http off > "$work/daemon.log" 2>&1 &
pid=$!
ctl() { "$HOTPATCHCTL" --socket "$work/state/hotpatchd.sock" "$@"; }
until ctl status > /dev/null 2>&1; do sleep 0.05; done
rss_empty=$(kb VmRSS)
t_import=$(secs ctl devices import "$csv" --replace)
rss_import=$(kb VmRSS)
t_fleet=$(secs ctl fleet --from 2026-12 --months 12)
rss_fleet=$(kb VmRSS)
t_page=$(secs ctl --json devices --limit 10000)
rss_page=$(kb VmRSS)
hwm=$(kb VmHWM)
kill "$pid"
wait "$pid" || true
pid=

t_sqlite=$(secs sqlite3 "$work/anchor.db" ".import --csv $csv devices")
met() { awk -v a="$1" -v b="$2" 'BEGIN { print (a < b) ? "yes" : "no" }'; }

cat <<EOF
## Devices

\`bench/devices.sh $N $R\`: $N devices in $R rings from \`bench/devgen.py\` (mixed builds,
5 % arm64, 3 % VBS off, some Pro editions, some not seen for a month), $(du -h "$csv" | cut -f1)B of CSV.

| what | hotpatchd | anchor | ratio | target | met |
|---|---|---|---|---|---|
| 12-month forecast, one core: fleet_count (s) | $fc | walking each ring once, $walk | $(ratio "$fc" "$walk")x | | |
| 12-month forecast, one core: parse + count + view (s) | $forecast | | | < 1 s | $(met "$forecast" 1) |
| \`hotpatchctl devices import\`, $N rows (s) | $t_import | sqlite3 \`.import --csv\`, $t_sqlite | $(ratio "$t_import" "$t_sqlite")x | a few s | $(met "$t_import" 3) |
| \`hotpatchctl fleet\`, 12 months (s) | $t_fleet | | | < 1 s | $(met "$t_fleet" 1) |
| \`hotpatchctl --json devices --limit 10000\` (s) | $t_page | | | | |
| daemon RSS after the import (MB) | $(mb "$rss_import") | before it, $(mb "$rss_empty") | $(ratio "$rss_import" "$rss_empty")x | < 200 MB | $(met "$rss_import" 204800) |
| daemon RSS after fleet (MB) | $(mb "$rss_fleet") | | | < 200 MB | $(met "$rss_fleet" 204800) |
| daemon RSS after a page of devices (MB) | $(mb "$rss_page") | | | < 200 MB | $(met "$rss_page" 204800) |
| daemon peak RSS, VmHWM (MB) | $(mb "$hwm") | | | < 200 MB | $(met "$hwm" 204800) |
| fleetbench peak RSS (MB) | $(mb "$fb_rss") | | | | |

\`\`\`
$fb
\`\`\`

EOF
