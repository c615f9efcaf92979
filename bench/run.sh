#!/bin/bash
# bench/run.sh: measure hotpatchd against nginx and Redis on this machine, side by side, and
# write bench/RESULTS.md.  Every figure is also given as a ratio to its anchor, measured in
# the same run, because shared machines are noisy.
#
#   bench/run.sh              install what is missing (wrk, nginx-light, redis-server,
#                             hyperfine; as root on Debian), build, measure, write RESULTS.md
#   RINGS=N DURATION=S bench/run.sh     estate size (10000) and seconds per load test (10);
#                             also ROUNDS (3), SCALE (the planning sizes, "100 1000 10000 100000"),
#                             RESULTS (where to write, bench/RESULTS.md), GZIP_RINGS (the estate
#                             of bench/gzip.sh, 400), STARTUP_DEVICES (the devices stored for
#                             the start-up, 100000), FEEDINCR_RINGS (the estate of
#                             bench/feedincr.sh, 10000), THREADS_BENCH=1 (adds bench/threads.sh,
#                             HTTP from a pool of threads, which builds a daemon of its own)
#
# Nothing here is a test: no figure passes or fails; RESULTS.md says what the targets are.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
top=$PWD

# Set-up goes through quickstart.sh, which installs packages and builds; it comes back here.
if [ -z "${HP_BENCH_READY:-}" ]; then
	exec ./quickstart.sh bench "$@"
fi

RINGS=${RINGS:-10000}
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
HTTP_PORT=${HTTP_PORT:-18480}
NGINX_PORT=${NGINX_PORT:-18481}
NGINX1_PORT=${NGINX1_PORT:-18482}
out=${RESULTS:-$top/bench/RESULTS.md}
work=$(mktemp -d "${TMPDIR:-/tmp}/hotpatch-bench.XXXXXX")
daemon_pid= nginx_pid= nginx1_pid= redis_pid=
cleanup() {
	for p in $daemon_pid $nginx_pid $nginx1_pid $redis_pid; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
# median of the numbers on stdin

HOTPATCHD=$top/src/hotpatchd
HOTPATCHCTL=$top/src/hotpatchctl
CAL=$top/data/calendar.yaml
state=$work/state
sock=$state/hotpatchd.sock

say "estate: $RINGS rings"
python3 bench/estate.py "$work/estate" "$RINGS"
sched=$work/estate/schedules

# ---- planning: every window of every ring, 120 months, one core ----
say "planning"
plan_rows=
for n in ${SCALE:-100 1000 10000 100000}; do
	dir=$sched
	if [ "$n" -gt "$RINGS" ]; then
		python3 bench/estate.py "$work/big" "$n"
		dir=$work/big/schedules
	fi
	line=$(taskset -c 0 bench/planbench "$CAL" "$dir" 2025-01 120 "$n")
	plan_rows="$plan_rows| $n | $(echo "$line" | field windows) | $(echo "$line" | field seconds) | $(echo "$line" | field cpu_seconds) | $(echo "$line" | field ns_per_window) | $(( $(echo "$line" | field maxrss_kb) / 1024 )) | \`$(echo "$line" | field checksum)\` | \`$(echo "$line" | field state_checksum)\` |
"
	[ "$n" -eq "$RINGS" ] && plan_main=$line
	[ "$n" -eq 100000 ] && plan_big=$line
done
rm -rf "$work/big"
[ -n "${plan_main:-}" ] || plan_main=$(taskset -c 0 bench/planbench "$CAL" "$sched" 2025-01 120)

# ---- feed rendering ----
say "feed rendering"
feed_line=$(taskset -c 0 bench/feedbench "$CAL" "$sched" 1000 | grep "^cold ")

# ---- the parts of a feed rebuilt after a change: gzip, stamps, specs (bench/NOTES.md) ----
say "feed rebuild parts"
bench/feedbench "$CAL" "$sched" 1 "$work/ring.ics" > /dev/null
parts_section="## Feed rebuild parts

\`bench/gzlevels RING.ics\` (one ring feed compressed, 200 times a coder):

$(taskset -c 0 bench/gzlevels "$work/ring.ics")

\`bench/stampbench DIR 2000 90\` (the stamps of 2,000 feeds, a transaction each or held):

$(bench/stampbench "$work")

\`bench/specbench data/calendar.yaml SCHEDULES 1000\`: $(taskset -c 0 bench/specbench "$CAL" "$sched" 1000 | tr '\n' ';')
"

# ---- the daemon, started and stopped ----
start_daemon() {
	"$HOTPATCHD" -f --state-dir "$state" --calendar "$CAL" --schedules "$sched" "$@" \
		>> "$work/daemon.log" 2>&1 &
	daemon_pid=$!
}
stop_daemon() { kill "$daemon_pid"; wait "$daemon_pid" || true; daemon_pid=; }

# ---- start-up: exec to the first answered status, the estate and its devices stored,
# against sqlite3 reading the same tables (bench/startup.sh, its own state directory) ----
say "start-up"
startup_section=$(SCHED=$sched SUMMARY=$work/startup-row bench/startup.sh "$RINGS" \
	"${STARTUP_DEVICES:-100000}")
mkdir -p "$state"

# ---- the serving daemon ----
start_daemon --http "127.0.0.1:$HTTP_PORT"
until "$HOTPATCHCTL" --socket "$sock" status > /dev/null 2>&1; do sleep 0.01; done
ring=r$(printf '%06d' $((RINGS / 2)))
url=/rings/$ring.ics
mkdir -p "$work/www/rings"
curl -fsS -o "$work/www$url" "http://127.0.0.1:$HTTP_PORT$url"
rss_before=$(awk '/^VmRSS/ { print $2 }' "/proc/$daemon_pid/status")

# nginx: the same bytes as a static file, the way a user serves an export.  Its workers
# run as nobody when started as root, so the files must be world-readable.
chmod 755 "$work" "$work/www" "$work/www/rings" && chmod 644 "$work/www$url"
# WORKERS PORT NAME: an nginx configuration.
nginx_conf() {
	cat <<NGX
worker_processes $1;
daemon off;
pid $work/$3.pid;
error_log $work/$3-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    types { text/calendar ics; }
    server { listen 127.0.0.1:$2; root $work/www; }
}
NGX
}
# As Debian ships it (a worker per core), and with one worker: the CPU hotpatchd's one thread has.
nginx_conf auto "$NGINX_PORT" nginx > "$work/nginx.conf"
nginx_conf 1 "$NGINX1_PORT" nginx1 > "$work/nginx1.conf"
nginx -c "$work/nginx.conf" -p "$work" &
nginx_pid=$!
nginx -c "$work/nginx1.conf" -p "$work" &
nginx1_pid=$!
sleep 0.5
cmp -s "$work/www$url" <(curl -fsS "http://127.0.0.1:$NGINX_PORT$url") ||
	{ say "nginx does not serve the same bytes"; exit 1; }
etag() { curl -fsSI "http://127.0.0.1:$1$url" | tr -d '\r' | awk 'tolower($1) == "etag:" { print $2 }'; }
wrk_rps() {	# PORT [HEADER]: requests/s of wrk -c64, or 0 on socket errors or wrong codes
	local o
	o=$(wrk -t2 -c64 -d"${DURATION}s" ${2:+-H "$2"} "http://127.0.0.1:$1$url")
	echo "$o" | awk '/^Requests\/sec/ { print $2 }'
}
say "HTTP: wrk -c64 ${DURATION}s, $ROUNDS rounds, alternating"
e_ngx=$(etag "$NGINX_PORT") e_ngx1=$(etag "$NGINX1_PORT") e_hp=$(etag "$HTTP_PORT")
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $e_hp" "http://127.0.0.1:$HTTP_PORT$url")" = 304 ] ||
	{ say "hotpatchd does not answer 304 to its own ETag"; exit 1; }
h200= n200= o200= h304= n304= o304=
for r in $(seq "$ROUNDS"); do
	n200="$n200 $(wrk_rps "$NGINX_PORT")"
	h200="$h200 $(wrk_rps "$HTTP_PORT")"
	o200="$o200 $(wrk_rps "$NGINX1_PORT")"
	n304="$n304 $(wrk_rps "$NGINX_PORT" "If-None-Match: $e_ngx")"
	h304="$h304 $(wrk_rps "$HTTP_PORT" "If-None-Match: $e_hp")"
	o304="$o304 $(wrk_rps "$NGINX1_PORT" "If-None-Match: $e_ngx1")"
done
h200=$(med "$h200") n200=$(med "$n200") o200=$(med "$o200")
h304=$(med "$h304") n304=$(med "$n304") o304=$(med "$o304")

# ---- control queries against Redis PING on a Unix socket ----
say "control: 50 clients, ${DURATION}s each"
redis-server --port 0 --unixsocket "$work/redis.sock" --unixsocketperm 700 --save "" \
	--appendonly no --dir "$work" --logfile "$work/redis.log" &
redis_pid=$!
until [ -S "$work/redis.sock" ]; do sleep 0.05; done
redis_rps() {
	redis-benchmark -s "$work/redis.sock" -t ping -c 50 -n $((DURATION * 60000)) --csv |
		awk -F'"' '/PING/ { if ($4 > m) m = $4 } END { printf "%.0f", m }'
}
ctl_rps() { bench/ctlbench "$sock" 50 "$DURATION" "$1" | field requests_per_second; }
r_ping= c_month= c_next= c_win=
for r in $(seq "$ROUNDS"); do
	r_ping="$r_ping $(redis_rps)"
	c_month="$c_month $(ctl_rps "month 2027-01")"
	c_next="$c_next $(ctl_rps "next --ring $ring")"
	c_win="$c_win $(ctl_rps "windows --ring $ring --months 12")"
done
r_ping=$(med "$r_ping") c_month=$(med "$c_month") c_next=$(med "$c_next") c_win=$(med "$c_win")

# ---- one CLI call ----
say "one CLI call: hyperfine"
hyperfine -N --warmup 20 --runs 300 --export-json "$work/cli.json" \
	"$HOTPATCHCTL --socket $sock month 2027-01" \
	"redis-cli -s $work/redis.sock ping" > /dev/null 2>&1
cli=$(python3 -c 'import json,sys
r=json.load(open(sys.argv[1]))["results"]
print("%.3f %.3f" % (r[0]["median"]*1000, r[1]["median"]*1000))' "$work/cli.json")
cli_hp=${cli% *} cli_redis=${cli#* }
rss_after=$(awk '/^VmRSS/ { print $2 }' "/proc/$daemon_pid/status")

# ---- devices: 100,000 in 1,000 rings ----
devices_section=$(bench/devices.sh 100000 1000)

# ---- gzip on the wire, against nginx gzip_static ----
# An estate of its own: the export nginx serves builds every ring feed, and the ring feed
# measured is as large in 400 rings as in 10,000.
gzip_section=$(DURATION=$DURATION ROUNDS=$ROUNDS bench/gzip.sh "${GZIP_RINGS:-400}")

# ---- HTTP from a pool of threads: a build of its own and 10 minutes, so only when asked ----
threads_section=
if [ -n "${THREADS_BENCH:-}" ]; then
	make bench/ctlbench > /dev/null
	threads_section="## HTTP from a pool of threads (THREADS_BENCH=1)

$(DURATION=$DURATION ROUNDS=$ROUNDS bench/threads.sh)
"
fi
# ---- fresh feeds after a change: the feed cache, python3-icalendar, export --dir ----
# On 10,000 rings, as the goal is set: the first export of each round builds every feed
# (about a minute a round on 2 cores).
feedincr_section=$(ROUNDS=$ROUNDS SUMMARY=$work/feedincr-rows bench/feedincr.sh \
	"${FEEDINCR_RINGS:-10000}")
# ---- the plan page after one override (bench/planpage.sh), on as many rings ----
planpage_section=$(ROUNDS=$ROUNDS SUMMARY=$work/planpage-row bench/planpage.sh \
	"${FEEDINCR_RINGS:-10000}")

# ---- RESULTS.md ----
say "writing $out"
cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem=$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
ver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "?"; }
{
cat <<EOF2
# hotpatchd benchmarks

Written by \`bench/run.sh\` on $(date -u +%Y-%m-%d) (commit \`$(git rev-parse --short HEAD 2>/dev/null || echo '?')\`).
Reproduce with \`bench/run.sh\` (as root on Debian 12 it installs wrk, nginx-light,
redis-server and hyperfine; about 15 minutes on 2 idle cores). Each figure is set against an anchor
measured in the same run on the same machine; the ratios are what to compare between
machines, the absolute numbers are this machine's.

## Machine

| | |
|---|---|
| CPU | $cpu, $(nproc) cores |
| memory | $mem |
| system | Debian $(cat /etc/debian_version 2>/dev/null || echo '?'), Linux $(uname -r) |
| nginx | $(ver nginx-light) (worker_processes auto, sendfile, access_log off) |
| Redis | $(ver redis-server) |
| wrk / hyperfine | $(ver wrk) / $(ver hyperfine) |
| libmicrohttpd / libical / SQLite | $(ver libmicrohttpd12) / $(ver libical3) / $(ver libsqlite3-0) |
| estate | $RINGS rings (\`bench/estate.py\`), one OS each, 12 zones, 1-2 maintenance windows, a year-end freeze and 1-2 ring blackouts a year for a third of them, 2025-2034 |

## Summary

| what | hotpatchd | anchor | ratio | target | met |
|---|---|---|---|---|---|
| feed \`GET $url\`, 200 (req/s) | $h200 | nginx $n200 | $(ratio "$h200" "$n200")x | >= 1.0x | $(awk -v r="$(ratio "$h200" "$n200")" 'BEGIN { print (r >= 1.0) ? "yes" : "no" }') |
| feed revalidation, 304 (req/s) | $h304 | nginx $n304 | $(ratio "$h304" "$n304")x | >= 1.0x | $(awk -v r="$(ratio "$h304" "$n304")" 'BEGIN { print (r >= 1.0) ? "yes" : "no" }') |
| feed 200, against nginx with 1 worker (req/s) | $h200 | nginx, 1 worker, $o200 | $(ratio "$h200" "$o200")x | | |
| feed 304, against nginx with 1 worker (req/s) | $h304 | nginx, 1 worker, $o304 | $(ratio "$h304" "$o304")x | | |
| control \`month 2027-01\`, 50 clients (req/s) | $c_month | Redis PING $r_ping | $(ratio "$c_month" "$r_ping")x | >= 0.5x | $(awk -v r="$(ratio "$c_month" "$r_ping")" 'BEGIN { print (r >= 0.5) ? "yes" : "no" }') |
| control \`next --ring $ring\` (req/s) | $c_next | Redis PING $r_ping | $(ratio "$c_next" "$r_ping")x | >= 0.5x | $(awk -v r="$(ratio "$c_next" "$r_ping")" 'BEGIN { print (r >= 0.5) ? "yes" : "no" }') |
| control \`windows --ring $ring --months 12\` (req/s) | $c_win | Redis PING $r_ping | $(ratio "$c_win" "$r_ping")x | >= 0.5x | $(awk -v r="$(ratio "$c_win" "$r_ping")" 'BEGIN { print (r >= 0.5) ? "yes" : "no" }') |
| one CLI call, median (ms) | $cli_hp | redis-cli ping $cli_redis | $(ratio "$cli_hp" "$cli_redis")x | <= 1.5x | $(awk -v r="$(ratio "$cli_hp" "$cli_redis")" 'BEGIN { print (r <= 1.5) ? "yes" : "no" }') |
| planning, $RINGS rings x 120 months, one core (s, CPU) | $(echo "$plan_main" | field cpu_seconds) | | | < 0.5 s | $(awk -v s="$(echo "$plan_main" | field cpu_seconds)" 'BEGIN { print (s < 0.5) ? "yes" : "no" }') |
| planning, 100000 rings x 120 months, one core (s, CPU) | $(echo "${plan_big:-}" | field cpu_seconds) | | | < 2 s | $(awk -v s="$(echo "${plan_big:-}" | field cpu_seconds)" 'BEGIN { print (s != "" && s < 2) ? "yes" : "no" }') |
| planning, peak RSS (MB) | $(( $(echo "$plan_main" | field maxrss_kb) / 1024 )) | | | < 100 MB | $(awk -v k="$(echo "$plan_main" | field maxrss_kb)" 'BEGIN { print (k < 102400) ? "yes" : "no" }') |
$(cat "$work/startup-row")
$(cat "$work/feedincr-rows")
$(cat "$work/planpage-row")
| rendering one 36-month ring feed (us) | $(echo "$feed_line" | field us_per_feed) | | | reported | |

Medians of $ROUNDS rounds for the load tests, each ${DURATION} s, run alternately so
that both sides see the same machine. Daemon RSS while serving: $((rss_before / 1024)) MB
before the load tests, $((rss_after / 1024)) MB after.

## Planning at scale

\`taskset -c 0 bench/planbench data/calendar.yaml SCHEDULES 2025-01 120 N\`: every install
window of the first N rings for 120 months, with the state machine as the plan, the feeds
and \`windows\` run it: one walk per ring and OS (\`walk_start\`, then \`walk_month\` month
after month). The checksum covers every offer, deadline, window and status, the state
checksum the state across months, its causes and the blackouts that acted, so an
optimisation that changes an answer shows. Seconds are the wall clock, CPU seconds the
process's own (the wall clock also counts the time others had the core on a loaded
machine); ns per window is from the wall clock. Peak RSS includes the loaded estate.

| rings | windows | seconds | CPU seconds | ns per window | peak RSS (MB) | checksum | state checksum |
|---|---|---|---|---|---|---|---|
$plan_rows
$startup_section
## Feed rendering

\`taskset -c 0 bench/feedbench data/calendar.yaml SCHEDULES 1000\`: building and rendering the
36-month feeds of 1,000 rings with libical: $(echo "$feed_line" | field us_per_feed) us per
feed, $(echo "$feed_line" | field us_per_event) us per event, $(( $(echo "$feed_line" | field bytes) / $(echo "$feed_line" | field feeds) )) bytes per feed. A feed is
rendered once per data generation and month and then served from memory (\`src/site.c\`):
the load tests above never render.

$devices_section
$gzip_section
$parts_section
$threads_section

$feedincr_section

$planpage_section

## Commands

\`\`\`sh
python3 bench/estate.py DIR $RINGS
hotpatchd -f --state-dir STATE --calendar data/calendar.yaml --schedules DIR/schedules --http 127.0.0.1:$HTTP_PORT
wrk -t2 -c64 -d${DURATION}s http://127.0.0.1:PORT$url            # hotpatchd, nginx, nginx with 1 worker
wrk -t2 -c64 -d${DURATION}s -H 'If-None-Match: ETAG' http://127.0.0.1:PORT$url
redis-benchmark -s redis.sock -t ping -c 50 -n $((DURATION * 60000)) --csv   # the better of PING_INLINE, PING_MBULK
bench/ctlbench STATE/hotpatchd.sock 50 $DURATION 'month 2027-01'
bench/ctlbench STATE/hotpatchd.sock 50 $DURATION 'next --ring $ring'
bench/ctlbench STATE/hotpatchd.sock 50 $DURATION 'windows --ring $ring --months 12'
hyperfine -N --warmup 20 --runs 300 'hotpatchctl --socket STATE/hotpatchd.sock month 2027-01' 'redis-cli -s redis.sock ping'
\`\`\`

EOF2
cat bench/NOTES.md
} > "$out"
say "done: $out"
