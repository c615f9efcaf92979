#!/bin/bash
# bench/threads.sh [RINGS]: would serving HTTP from a thread per core pay?  A measurement,
# not a feature: prints a Markdown section on stdout (bench/NOTES.md keeps one).  Not run by
# bench/run.sh, because it needs a build of its own.
#
# The build: this tree at HEAD (git archive) with bench/threads.patch applied, which lets
# HOTPATCHD_HTTP_THREADS=N run libmicrohttpd with its own pool of N threads
# (MHD_USE_INTERNAL_POLLING_THREAD, MHD_OPTION_THREAD_POOL_SIZE, epoll) instead of on the
# daemon's poll loop.  Every callback that touches the daemon, and the main loop's control
# dispatch, take one lock, so the model and the site cache see one thread at a time while
# libmicrohttpd's parsing and sending (most of a request's CPU) run in parallel.  A design
# with a snapshot per data generation would drop the lock; the handler is a few thousand
# instructions of a request's cost, so the lock bounds the gain only where it is contended
# (it is not, at two threads: see NOTES.md).  The same binary serves both sides: without the
# variable it is the daemon as shipped.
#
# Measured, in interleaved rounds, medians:
#   1. a ring feed, 200 and 304 (If-None-Match), wrk -c64, from hotpatchd on one thread, on
#      a pool of THREADS (the number of cores), nginx with a worker per core and with one
#      worker serving the same bytes.  Twice: "shared", nothing pinned (wrk -t2 and the server
#      share every core, as on a real machine whose clients are elsewhere only in part), and
#      "split", wrk -t1 on core 0 and every server on the other cores (taskset), so the
#      load generator takes no CPU from the server; on a 2-core machine that leaves the server
#      one core, which measures what a request costs each design, not what a second core buys.
#   2. the control socket's latency: hyperfine of `hotpatchctl status` (a process per call,
#      what an admin feels) and bench/ctlbench with one client (the daemon's own turn-around),
#      idle, and under a wrk flood of the feed against the one-thread and the pool daemon.
#
# Environment: DURATION (s per wrk run, 10), ROUNDS (3), THREADS (nproc), MODES ("shared
# split"), THREADED_BIN (a hotpatchd built with the patch: skips the build), TH_PORT (first of
# four ports, 18680).  Needs wrk, nginx, curl, hyperfine, taskset, and bench/ctlbench
# (make bench/ctlbench).  Nothing here passes or fails.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
top=$PWD
RINGS=${1:-400}
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-$(nproc)}
MODES=${MODES:-shared split}
port=${TH_PORT:-18680}
P1=$port P2=$((port + 1)) NG=$((port + 2)) NG1=$((port + 3))
CAL=$top/data/calendar.yaml
HOTPATCHCTL=$top/src/hotpatchctl
work=$(mktemp -d "${TMPDIR:-/tmp}/hotpatch-threads.XXXXXX")
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
for t in wrk nginx curl hyperfine taskset git; do
	command -v "$t" > /dev/null || { say "needs $t (quickstart.sh installs the bench packages)"; exit 1; }
done
[ -x bench/ctlbench ] || { say "needs bench/ctlbench: make bench/ctlbench"; exit 1; }
ncpu=$(nproc)
[ "$ncpu" -ge 2 ] || { say "needs 2 cores or more"; exit 1; }
server_cpus=1-$((ncpu - 1))

# ---- the build ----
bin=${THREADED_BIN:-}
if [ -z "$bin" ]; then
	say "building hotpatchd with bench/threads.patch in $work/tree"
	mkdir "$work/tree"
	git archive HEAD | tar -x -C "$work/tree"
	(cd "$work/tree" && git apply --whitespace=nowarn "$top/bench/threads.patch" &&
	    autoreconf -fi > /dev/null 2>&1 && ./configure -q > /dev/null &&
	    make -j"$ncpu" src/hotpatchd > "$work/build.log" 2>&1) ||
		{ say "build failed (see the patch against HEAD)"; exit 1; }
	bin=$work/tree/src/hotpatchd
fi

# ---- the servers: one thread, a pool, nginx with a worker per core and with one ----
python3 bench/estate.py "$work/estate" "$RINGS"
ring=r$(printf '%06d' $((RINGS / 2)))
url=/rings/$ring.ics
# NAME PORT THREADS: a daemon (its pid is $! after).  Both name the same public URL, so their
# feeds (which carry it) are the same bytes.
start_hp() {
	mkdir -p "$work/$1"
	HOTPATCHD_HTTP_THREADS=$3 "$bin" -f --state-dir "$work/$1" --calendar "$CAL" \
	    --schedules "$work/estate/schedules" --http "127.0.0.1:$2" \
	    --public-url "http://127.0.0.1:$P1" > "$work/$1.log" 2>&1 &
	pids="$pids $!"
}
start_hp one "$P1" 0
hp_one=$!
start_hp pool "$P2" "$THREADS"
hp_pool=$!
for s in one pool; do
	until "$HOTPATCHCTL" --socket "$work/$s/hotpatchd.sock" status > /dev/null 2>&1; do
		sleep 0.05
	done
done
grep -q "EXPERIMENT: $THREADS libmicrohttpd threads" "$work/pool.log" ||
	{ say "the pool daemon did not start its threads"; cat "$work/pool.log" >&2; exit 1; }
mkdir -p "$work/www/rings"
curl -fsS -o "$work/www$url" "http://127.0.0.1:$P1$url"
# Their stores were made a moment apart, so the stamps may differ by a second; the rest not.
stampless() { grep -v -e '^DTSTAMP:' -e '^LAST-MODIFIED:' -e '^CREATED:'; }
curl -fsS -o "$work/pool.ics" "http://127.0.0.1:$P2$url"
[ "$(stat -c %s "$work/pool.ics")" = "$(stat -c %s "$work/www$url")" ] &&
    cmp -s <(stampless < "$work/www$url") <(stampless < "$work/pool.ics") ||
	{ say "the two daemons do not serve the same feed"; exit 1; }
chmod -R a+rX "$work"	# nginx's workers run as nobody when started as root
nginx_conf() {	# WORKERS PORT NAME
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
nginx_conf "$ncpu" "$NG" nginx > "$work/nginx.conf"
nginx_conf 1 "$NG1" nginx1 > "$work/nginx1.conf"
nginx -c "$work/nginx.conf" -p "$work" &
ng_pid=$!
nginx -c "$work/nginx1.conf" -p "$work" &
ng1_pid=$!
pids="$pids $ng_pid $ng1_pid"
until curl -fs -o /dev/null "http://127.0.0.1:$NG$url" &&
    curl -fs -o /dev/null "http://127.0.0.1:$NG1$url"; do sleep 0.05; done
cmp -s "$work/www$url" <(curl -fsS "http://127.0.0.1:$NG$url") ||
	{ say "nginx does not serve the same bytes"; exit 1; }

etag() { curl -fsSI "http://127.0.0.1:$1$url" | tr -d '\r' | awk 'tolower($1) == "etag:" { print $2 }'; }
declare -A tag=([one]=$(etag "$P1") [pool]=$(etag "$P2") [ngx]=$(etag "$NG") [ngx1]=$(etag "$NG1"))
declare -A at=([one]=$P1 [pool]=$P2 [ngx]=$NG [ngx1]=$NG1)
for s in one pool ngx ngx1; do
	[ "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: ${tag[$s]}" \
	    "http://127.0.0.1:${at[$s]}$url")" = 304 ] || { say "$s: no 304 for its ETag"; exit 1; }
done

# Every thread of a server (nginx: its master and workers) on CPUS.
pin() {	# CPUS
	local p
	for p in $hp_one $hp_pool $ng_pid $ng1_pid $(pgrep -P "$ng_pid") $(pgrep -P "$ng1_pid"); do
		taskset -a -cp "$1" "$p" > /dev/null
	done
}
# CPU ticks (user + system, every thread) a server has used: the daemon, or nginx's master
# and workers.  Per request, it is what a design costs whatever share of the machine the
# scheduler gives it, which a loaded machine decides more than the design does.
declare -A proc=([one]=$hp_one [pool]=$hp_pool [ngx]=$ng_pid [ngx1]=$ng1_pid)
ticks() {	# NAME
	local p t=0
	for p in ${proc[$1]} $(pgrep -P "${proc[$1]}" || true); do
		t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat")))
	done
	echo "$t"
}
hz=$(getconf CLK_TCK)
# MODE NAME [HEADER]: requests/s and the server's CPU µs per request; 0 0 if any reply was
# an error or a socket failed.
rps() {
	local o t0 t1
	t0=$(ticks "$2")
	if [ "$1" = split ]; then
		o=$(taskset -c 0 wrk -t1 -c64 -d"${DURATION}s" ${3:+-H "$3"} "http://127.0.0.1:${at[$2]}$url")
	else
		o=$(wrk -t2 -c64 -d"${DURATION}s" ${3:+-H "$3"} "http://127.0.0.1:${at[$2]}$url")
	fi
	t1=$(ticks "$2")
	if echo "$o" | grep -q -e 'Non-2xx or 3xx' -e 'Socket errors'; then echo "0 0"; return; fi
	echo "$o" | awk -v t=$((t1 - t0)) -v hz="$hz" '
	    / requests in / { n = $1 } /^Requests\/sec/ { r = $2 }
	    END { printf "%s %.1f\n", r, (n > 0) ? t * 1e6 / hz / n : 0 }'
}

declare -A r
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for mode in $MODES; do
	if [ "$mode" = split ]; then pin "$server_cpus"; else pin "0-$((ncpu - 1))"; fi
	say "$mode: wrk -c64 ${DURATION}s, $ROUNDS rounds, alternating"
	for _ in $(seq "$ROUNDS"); do
		for s in ngx one ngx1 pool; do
			for c in 200 304; do
				h=
				[ "$c" = 304 ] && h="If-None-Match: ${tag[$s]}"
				x=$(rps "$mode" "$s" "$h")
				r[$mode,$s,$c]="${r[$mode,$s,$c]:-} ${x% *}"
				r[$mode,$s,$c,cpu]="${r[$mode,$s,$c,cpu]:-} ${x#* }"
			done
		done
	done
	for s in one pool ngx ngx1; do
		for c in 200 304; do
			r[$mode,$s,$c]=$(med "${r[$mode,$s,$c]}")
			r[$mode,$s,$c,cpu]=$(med "${r[$mode,$s,$c,cpu]}")
		done
	done
done
pin "0-$((ncpu - 1))"

# ---- the control socket: idle, and under a flood of the feed ----
# NAME: median ms of `hotpatchctl status` (hyperfine, 40 runs) and µs per ctlbench request.
ctl_lat() {
	local sock=$work/$1/hotpatchd.sock cli per
	hyperfine -N --warmup 3 --runs 40 --export-json "$work/h.json" \
	    "$HOTPATCHCTL --socket $sock status" > /dev/null 2>&1
	cli=$(python3 -c 'import json,sys; print("%.2f" % (json.load(open(sys.argv[1]))["results"][0]["median"] * 1000))' "$work/h.json")
	per=$(bench/ctlbench "$sock" 1 2 status | awk '{ for (i = 1; i < NF; i++) if ($i == "requests_per_second") printf "%.0f", 1e6 / $(i + 1) }')
	echo "$cli $per"
}
flooded() {	# NAME: ctl_lat while wrk floods that daemon's feed
	local w
	wrk -t2 -c64 -d"$((DURATION > 8 ? DURATION : 8))s" "http://127.0.0.1:${at[$1]}$url" > "$work/flood.out" &
	w=$!
	sleep 1
	ctl_lat "$1"
	wait "$w"
}
say "control socket: idle and under an HTTP flood, $ROUNDS rounds"
for _ in $(seq "$ROUNDS"); do
	for s in one pool; do
		x=$(ctl_lat "$s")
		r[idle,$s,cli]="${r[idle,$s,cli]:-} ${x% *}" r[idle,$s,us]="${r[idle,$s,us]:-} ${x#* }"
		x=$(flooded "$s")
		r[flood,$s,cli]="${r[flood,$s,cli]:-} ${x% *}" r[flood,$s,us]="${r[flood,$s,us]:-} ${x#* }"
	done
done
for k in idle flood; do
	for s in one pool; do
		r[$k,$s,cli]=$(med "${r[$k,$s,cli]}") r[$k,$s,us]=$(med "${r[$k,$s,us]}")
	done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- the section ----
cat <<EOF2
### Measured $(date -u '+%Y-%m-%d %H:%M') UTC: \`bench/threads.sh $RINGS\` (DURATION=$DURATION ROUNDS=$ROUNDS THREADS=$THREADS)

$ncpu cores ($(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)); load average
$load_before before, $load_after after. Feed \`$url\`, $(stat -c %s "$work/www$url") bytes.
Medians of $ROUNDS interleaved rounds of \`wrk -c64 -d${DURATION}s\` (requests/s), and the CPU
time the server used in those runs per request answered (user + system, all its threads and
workers, from /proc; its ratios are nginx's over ours, so above 1 is cheaper than nginx).

EOF2
for mode in $MODES; do
	if [ "$mode" = split ]; then
		echo "**split**: \`taskset -c 0 wrk -t1\`, every server thread and worker on cores $server_cpus."
	else
		echo "**shared**: \`wrk -t2\`, nothing pinned: wrk and the server share the $ncpu cores."
	fi
	cat <<EOF2

| reply | one thread | pool of $THREADS | nginx, $ncpu workers | nginx, 1 worker | one thread / nginx $ncpu | pool / nginx $ncpu | pool / one thread |
|---|---|---|---|---|---|---|---|
EOF2
	for c in 200 304; do
		echo "| $c | ${r[$mode,one,$c]} | ${r[$mode,pool,$c]} | ${r[$mode,ngx,$c]} | ${r[$mode,ngx1,$c]} | $(ratio "${r[$mode,one,$c]}" "${r[$mode,ngx,$c]}")x | $(ratio "${r[$mode,pool,$c]}" "${r[$mode,ngx,$c]}")x | $(ratio "${r[$mode,pool,$c]}" "${r[$mode,one,$c]}")x |"
	done
	for c in 200 304; do
		echo "| $c, server CPU µs per request | ${r[$mode,one,$c,cpu]} | ${r[$mode,pool,$c,cpu]} | ${r[$mode,ngx,$c,cpu]} | ${r[$mode,ngx1,$c,cpu]} | $(ratio "${r[$mode,ngx,$c,cpu]}" "${r[$mode,one,$c,cpu]}")x | $(ratio "${r[$mode,ngx,$c,cpu]}" "${r[$mode,pool,$c,cpu]}")x | $(ratio "${r[$mode,one,$c,cpu]}" "${r[$mode,pool,$c,cpu]}")x |"
	done
	echo
done
cat <<EOF2
Control socket, medians of $ROUNDS rounds: \`hotpatchctl status\` as a process (hyperfine,
40 runs, ms) and the daemon's turn-around for \`status\` (\`bench/ctlbench SOCK 1 2 status\`,
µs per request), idle and while \`wrk -t2 -c64\` floods the same daemon's feed.

| daemon | status, idle (ms) | status, flood (ms) | ctlbench, idle (µs) | ctlbench, flood (µs) |
|---|---|---|---|---|
| one thread | ${r[idle,one,cli]} | ${r[flood,one,cli]} | ${r[idle,one,us]} | ${r[flood,one,us]} |
| pool of $THREADS | ${r[idle,pool,cli]} | ${r[flood,pool,cli]} | ${r[idle,pool,us]} | ${r[flood,pool,us]} |

EOF2
