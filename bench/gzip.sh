#!/bin/bash
# bench/gzip.sh [RINGS]: gzip on the wire, as a Markdown section on stdout (bench/run.sh puts
# it in RESULTS.md; run alone, it measures just this).
#
#   1. a ring feed in gzip, 200 and 304 (If-None-Match of the gzip ETag), from hotpatchd and
#      from nginx with gzip_static on serving the files hotpatchctl export --dir writes
#      (the .gz siblings included), a worker per core and one worker, alternating;
#   2. the bytes one subscriber poll moves (status line, headers and body, as curl counts
#      them): a 200 as it is, a 200 in gzip and a 304, from both.
#
# The daemon runs with --public-url naming its own port, so the exported files are the
# very bytes it serves (checked).  Environment: DURATION (s per wrk run, 10), ROUNDS (3),
# GZ_HTTP_PORT, GZ_NGINX_PORT, GZ_NGINX1_PORT.  Needs wrk, nginx and curl.  Nothing here
# passes or fails.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
RINGS=${1:-10000}
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
HTTP_PORT=${GZ_HTTP_PORT:-18490}
NGINX_PORT=${GZ_NGINX_PORT:-18491}
NGINX1_PORT=${GZ_NGINX1_PORT:-18492}
CAL=data/calendar.yaml
HOTPATCHD=$PWD/src/hotpatchd
HOTPATCHCTL=$PWD/src/hotpatchctl
work=$(mktemp -d "${TMPDIR:-/tmp}/hotpatch-gzip.XXXXXX")
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
met() { awk -v r="$1" 'BEGIN { print (r >= 1.0) ? "yes" : "no" }'; }

say "gzip: estate of $RINGS rings"
python3 bench/estate.py "$work/estate" "$RINGS"
mkdir "$work/state"
"$HOTPATCHD" -f --state-dir "$work/state" --calendar "$CAL" --schedules "$work/estate/schedules" \
	--http "127.0.0.1:$HTTP_PORT" --public-url "http://127.0.0.1:$HTTP_PORT" \
	> "$work/daemon.log" 2>&1 &
pids="$pids $!"
ctl() { "$HOTPATCHCTL" --socket "$work/state/hotpatchd.sock" "$@"; }
until ctl status > /dev/null 2>&1; do sleep 0.05; done
ring=r$(printf '%06d' $((RINGS / 2)))
url=/rings/$ring.ics
www=$work/www
ctl export --dir "$www" > /dev/null
# nginx's workers run as nobody when started as root: the files must be world-readable.
chmod -R a+rX "$work"

# WORKERS PORT NAME: an nginx configuration serving the export, gzip_static on.
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
    gzip_static on;
    types { text/calendar ics; }
    charset utf-8;
    charset_types text/calendar;
    server { listen 127.0.0.1:$2; root $www; }
}
NGX
}
nginx_conf auto "$NGINX_PORT" nginx > "$work/nginx.conf"
nginx_conf 1 "$NGINX1_PORT" nginx1 > "$work/nginx1.conf"
nginx -c "$work/nginx.conf" -p "$work" &
pids="$pids $!"
nginx -c "$work/nginx1.conf" -p "$work" &
pids="$pids $!"
until curl -fs -o /dev/null "http://127.0.0.1:$NGINX_PORT$url" &&
    curl -fs -o /dev/null "http://127.0.0.1:$NGINX1_PORT$url"; do sleep 0.05; done

# The same bytes everywhere: the feed, and its gzip from the daemon, the export and nginx.
get() { curl -fsS ${2:+-H "$2"} "http://127.0.0.1:$1$url"; }
cmp -s "$www$url" <(get "$HTTP_PORT") || { say "the export is not the bytes served"; exit 1; }
cmp -s "$www$url.gz" <(get "$HTTP_PORT" 'Accept-Encoding: gzip') ||
	{ say "the exported .gz is not the gzip hotpatchd sends"; exit 1; }
cmp -s "$www$url.gz" <(get "$NGINX_PORT" 'Accept-Encoding: gzip') ||
	{ say "nginx does not send the .gz"; exit 1; }

etag() {	# PORT: the ETag of the gzip reply
	curl -fsSI -H 'Accept-Encoding: gzip' "http://127.0.0.1:$1$url" | tr -d '\r' |
	    awk 'tolower($1) == "etag:" { print $2 }'
}
e_hp=$(etag "$HTTP_PORT") e_ngx=$(etag "$NGINX_PORT") e_ngx1=$(etag "$NGINX1_PORT")
for p in "$HTTP_PORT:$e_hp" "$NGINX_PORT:$e_ngx" "$NGINX1_PORT:$e_ngx1"; do
	[ "$(curl -s -o /dev/null -w '%{http_code}' -H 'Accept-Encoding: gzip' \
	    -H "If-None-Match: ${p#*:}" "http://127.0.0.1:${p%%:*}$url")" = 304 ] ||
		{ say "no 304 from port ${p%%:*} for its own gzip ETag"; exit 1; }
done

# PORT [HEADER]: requests/s of wrk -c64 asking for gzip; 0 if any reply was not 2xx/3xx.
wrk_rps() {
	local o
	o=$(wrk -t2 -c64 -d"${DURATION}s" -H 'Accept-Encoding: gzip' ${2:+-H "$2"} \
	    "http://127.0.0.1:$1$url")
	if echo "$o" | grep -q 'Non-2xx or 3xx'; then echo 0; return; fi
	echo "$o" | awk '/^Requests\/sec/ { print $2 }'
}
say "gzip: wrk -c64 ${DURATION}s, $ROUNDS rounds, alternating"
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

# PORT [HEADER...]: the bytes of one poll, headers + body, as received.
poll() {
	local port=$1
	shift
	curl -s -o /dev/null -w '%{size_header} %{size_download}' "$@" "http://127.0.0.1:$port$url" |
	    awk '{ print $1 + $2 }'
}
plain=$(stat -c %s "$www$url") gz=$(stat -c %s "$www$url.gz")
e_id=$(curl -fsSI "http://127.0.0.1:$HTTP_PORT$url" | tr -d '\r' | awk 'tolower($1) == "etag:" { print $2 }')
hp_plain=$(poll "$HTTP_PORT") ngx_plain=$(poll "$NGINX_PORT")
hp_gz=$(poll "$HTTP_PORT" -H 'Accept-Encoding: gzip') ngx_gz=$(poll "$NGINX_PORT" -H 'Accept-Encoding: gzip')
hp_304=$(poll "$HTTP_PORT" -H 'Accept-Encoding: gzip' -H "If-None-Match: $e_hp")
ngx_304=$(poll "$NGINX_PORT" -H 'Accept-Encoding: gzip' -H "If-None-Match: $e_ngx")
hp_304id=$(poll "$HTTP_PORT" -H "If-None-Match: $e_id")

cat <<EOF2
## Gzip on the wire

\`bench/gzip.sh $RINGS\`: the feed \`$url\` ($plain bytes, $gz in gzip, $(ratio "$plain" "$gz")x smaller)
from hotpatchd and from nginx with \`gzip_static on\` serving what \`hotpatchctl export --dir\`
wrote (the \`.gz\` siblings are the bytes hotpatchd sends; checked), every request with
\`Accept-Encoding: gzip\`. Medians of $ROUNDS rounds of \`wrk -t2 -c64 -d${DURATION}s\`, alternating.

| what | hotpatchd | anchor | ratio | target | met |
|---|---|---|---|---|---|
| feed in gzip, 200 (req/s) | $h200 | nginx gzip_static $n200 | $(ratio "$h200" "$n200")x | >= 1.0x | $(met "$(ratio "$h200" "$n200")") |
| feed in gzip, revalidation 304 (req/s) | $h304 | nginx gzip_static $n304 | $(ratio "$h304" "$n304")x | >= 1.0x | $(met "$(ratio "$h304" "$n304")") |
| feed in gzip, 200, against nginx with 1 worker (req/s) | $h200 | nginx, 1 worker, $o200 | $(ratio "$h200" "$o200")x | | |
| feed in gzip, 304, against nginx with 1 worker (req/s) | $h304 | nginx, 1 worker, $o304 | $(ratio "$h304" "$o304")x | | |

Bytes per subscriber poll (status line, headers and body as received, \`curl -w
'%{size_header} %{size_download}'\`):

| poll | hotpatchd (bytes) | nginx gzip_static (bytes) |
|---|---|---|
| 200, as it is | $hp_plain | $ngx_plain |
| 200, in gzip | $hp_gz | $ngx_gz |
| 304 (gzip ETag) | $hp_304 | $ngx_304 |
| 304 (plain ETag, no gzip) | $hp_304id | |

hotpatchd's gzip replies carry \`Vary: Accept-Encoding\` and its own ETag
(doc/http.md, "Compression"); nginx adds \`Vary\` only with \`gzip_vary on\`.

EOF2
