#!/bin/sh
# regress/logs.sh: what hotpatchd logs, line for line.  The daemon runs in the foreground
# with stderr to a file; each event must add exactly its lines ("hotpatchd: LEVEL: ..."):
# reloads (ok and refused, with file:line:column), SIGHUP, a change refused to a non-admin
# (uid and pid), malformed requests, HTTP 404 and 405, slow requests (slow_request_ms); normal
# reads add nothing unless -v, which logs each of them; a flood is cut off and counted; with
# $JOURNAL_STREAM naming stderr the level is a "<N>" prefix instead.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch

needs "the daemon's log lines" curl socat

port=$(free_port)
base=http://127.0.0.1:$port
edit_schedules "$tmp/sched"
SCHED=$tmp/sched
# Open to everyone, so that nobody can be refused further down.  No slow-request lines here
# (under valgrind a request can take a second): they are tested on their own below.
printf 'version: 1\nslow_request_ms: 0\nsocket: {mode: "0666"}\n' > "$tmp/open.yaml"
chmod 755 "$tmp"
mkdir -m 755 "$tmp/var"

log=$tmp/var.log
sock=$tmp/var/hotpatchd.sock
mark=0
# since: the lines logged after the last mark; mark_log: set the mark at the end.
since() { tail -n +"$((mark + 1))" "$log"; }
mark_log() { mark=$(lines "$log"); }
# wait_line TEXT: wait for a line with TEXT after the mark.
wait_line() { wait_until since_has "$1"; }
since_has() { since | grep -qF -- "$1"; }
# since_lines N: at least N lines after the mark.
since_lines() { [ "$(since | wc -l)" -ge "$1" ]; }
# logged NAME WANT...: ok if the lines after the mark are exactly WANT (one argument a line).
logged() {
	_n=$1
	shift
	_want=$(printf '%s\n' "$@")
	_got=$(since)
	if [ "$_got" = "$_want" ]; then ok "$_n"; else not_ok "$_n" "logged:" "$_got" "wanted:" "$_want"; fi
	mark_log
}
# reads N: N control reads and N HTTP reads (200 and 304) that all succeed.
reads() {
	_bad=
	_i=0
	while [ $_i -lt "$1" ]; do
		ctl status
		[ $rc -eq 0 ] || _bad="$_bad status:$rc"
		ctl month 2026-10
		[ $rc -eq 0 ] || _bad="$_bad month:$rc"
		_c=$(curl -s --max-time "$(tmo 60)" -o /dev/null -w '%{http_code}' "$base/healthz")
		[ "$_c" = 200 ] || _bad="$_bad healthz:$_c"
		_c=$(curl -s --max-time "$(tmo 60)" -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$base/calendar.ics")
		[ "$_c" = 304 ] || _bad="$_bad calendar.ics:$_c"
		_i=$((_i + 1))
	done
	[ -z "$_bad" ]
}

start_daemon "$tmp/var" -c "$tmp/open.yaml" --schedules "$SCHED" --http "127.0.0.1:$port" ||
	not_ok "the daemon starts" "$(cat "$log")"
# "FILE (9 OSes) and DIR (N rings)", the paths made absolute.
loaded=$(sed -n 's/^hotpatchd: info: loaded \(.* (9 OSes) and .* ([0-9]* rings)\)$/\1/p' "$log")
[ -n "$loaded" ] && ok "the start logs one info line: loaded, with the files and counts" ||
	not_ok "the start logs one info line: loaded, with the files and counts" "$(cat "$log")"
grep -qx "hotpatchd: info: hotpatchd .* ready: socket $sock, feeds $base, database .*" "$log" &&
	ok "the ready line is at level info" || not_ok "the ready line is at level info" "$(cat "$log")"
etag=$(curl -s --max-time "$(tmo 60)" -D - -o /dev/null "$base/calendar.ics" | sed -n 's/^ETag: *//Ip' | tr -d '\r')
mark_log

# ---------------------------------------------------------------------------
# Normal reads log nothing.

if reads 10; then
	logged "10 status, 10 month, 10 GET /healthz and 10 conditional GETs (304) log nothing"
else
	not_ok "10 status, 10 month, 10 GET /healthz and 10 conditional GETs (304) log nothing" "a read failed: $_bad"
	mark_log
fi

# ---------------------------------------------------------------------------
# Reloads.

ctl reload
logged "hotpatchctl reload logs one line: reloaded, with the files and counts" \
    "hotpatchd: info: reloaded $loaded"
set_deferral 45
ctl reload
[ $rc -eq 1 ] || not_ok "the broken reload is refused (exit 1)" "exit $rc"
logged "a refused reload logs one warning with file:line:column" \
    "hotpatchd: warning: reload refused, the running configuration is kept: $f:$line:$col: deferral_days must be 0..30, got 45"
kill -HUP "$daemon_pid"
wait_line "reload refused"
logged "SIGHUP with the broken file: the SIGHUP line, then the same refusal" \
    "hotpatchd: info: SIGHUP: reloading" \
    "hotpatchd: warning: reload refused, the running configuration is kept: $f:$line:$col: deferral_days must be 0..30, got 45"
set_deferral 3
kill -HUP "$daemon_pid"
wait_line "reloaded"
logged "SIGHUP with the file fixed: the SIGHUP line, then reloaded" \
    "hotpatchd: info: SIGHUP: reloading" \
    "hotpatchd: info: reloaded $loaded"

# ---------------------------------------------------------------------------
# A change refused to a non-admin: the peer's uid and pid from the kernel.

if [ "$(id -u)" -ne 0 ]; then
	skip "a refused change logs the peer's uid and pid" "needs root to become nobody"
else
	cp "$HOTPATCHCTL" "$tmp/hotpatchctl"
	chmod 755 "$tmp/hotpatchctl"
	nuid=$(id -u nobody)
	become_nobody=$(nobody_cmd)
	# Not under timeout: $! must be the client's own pid (setpriv and the wrapper exec).
	# shellcheck disable=SC2086
	$become_nobody "$tmp/hotpatchctl" --socket "$sock" override set ws2022-azure 2026-09 baseline \
	    --reason notmine > "$tmp/out" 2> "$tmp/err" &
	nbpid=$!
	wait $nbpid
	rc=$?
	refused "the non-admin's change is refused" 1 "permission denied"
	logged "a refused change logs one warning with the peer's uid and pid, the request and why" \
	    "hotpatchd: warning: control: uid $nuid pid $nbpid \"override set ws2022-azure 2026-09 baseline --reason notmine\": 403 permission denied: 'override set' changes data and needs root, the daemon's user or the admin group (you are uid $nuid)"
fi

# ---------------------------------------------------------------------------
# Malformed requests, straight onto the socket.

# raw FILE: send FILE's bytes on one connection; replies in $tmp/raw, the client's pid in $rawpid.
raw() {
	socat -t "$(tmo 30)" - "UNIX-CONNECT:$sock" < "$1" > "$tmp/raw" 2>/dev/null &
	rawpid=$!
	wait $rawpid
}
printf 'bogus\nmonth 2026-13\nmonth 2026-10 extra\nbogus\rhotpatchd: error: forged\n\377\376\n' > "$tmp/req"
raw "$tmp/req"
replies "$tmp/raw" > "$tmp/status"
codes=$(sed 1d "$tmp/status" | cut -d' ' -f1 | tr '\n' ' ')
[ "$codes" = "400 400 400 400 400 " ] && ok "five malformed requests get five 400 replies" ||
	not_ok "five malformed requests get five 400 replies" "$(cat "$tmp/status")"
# Each line: the reply's code and message, as the client got them.
msg() { sed -n "$(($1 + 1))p" "$tmp/status" | sed 's/^\([0-9]*\) [0-9]* /\1 /'; }
pre="hotpatchd: notice: control: uid $(id -u) pid $rawpid"
logged "each malformed request logs one notice: uid, pid, the request, the reply; control characters as ?" \
    "$pre \"bogus\": $(msg 1)" \
    "$pre \"month 2026-13\": $(msg 2)" \
    "$pre \"month 2026-10 extra\": $(msg 3)" \
    "$pre \"bogus?hotpatchd: error: forged\": $(msg 4)" \
    "$pre \"(not UTF-8)\": 400 request is not UTF-8 text"

# ---------------------------------------------------------------------------
# HTTP client errors.

c1=$(curl -s --max-time "$(tmo 60)" -o /dev/null -w '%{http_code}' "$base/nope")
c2=$(curl -s --max-time "$(tmo 60)" -o /dev/null -w '%{http_code}' -X DELETE "$base/healthz")
[ "$c1 $c2" = "404 405" ] || not_ok "HTTP answers 404 and 405" "got $c1 $c2"
wait_line '"DELETE /healthz"'
logged "a 404 and a 405 log one notice each: client, method, path, status" \
    "hotpatchd: notice: http: 127.0.0.1 \"GET /nope\": 404" \
    "hotpatchd: notice: http: 127.0.0.1 \"DELETE /healthz\": 405"

if reads 5; then
	logged "normal reads still log nothing after all that"
else
	not_ok "normal reads still log nothing after all that" "a read failed: $_bad"
fi
stop_daemon
rc=$?
[ $rc -eq 0 ] && ok "the daemon exits 0" || not_ok "the daemon exits 0" "exit $rc"

# ---------------------------------------------------------------------------
# -v: every request, at level debug, with its time.

rm -f "$log"
start_daemon "$tmp/var" -c "$tmp/open.yaml" --schedules "$SCHED" --http "127.0.0.1:$port" -v ||
	not_ok "the daemon starts with -v" "$(cat "$log")"
mark_log
reads 3 || not_ok "the reads with -v succeed" "$_bad"
wait_until since_lines 12
uid=$(id -u)
n_status=$(since | grep -cE "^hotpatchd: debug: control: uid $uid pid [0-9]+ \"status\": 200 ok \([0-9]+ ms\)$")
n_month=$(since | grep -cE "^hotpatchd: debug: control: uid $uid pid [0-9]+ \"month 2026-10\": 200 ok \([0-9]+ ms\)$")
n_health=$(since | grep -cE '^hotpatchd: debug: http: 127.0.0.1 "GET /healthz": 200 \([0-9]+ ms\)$')
n_304=$(since | grep -cE '^hotpatchd: debug: http: 127.0.0.1 "GET /calendar.ics": 304 \([0-9]+ ms\)$')
if [ "$n_status $n_month $n_health $n_304 $(since | wc -l | tr -d ' ')" = "3 3 3 3 12" ]; then
	ok "-v: each of 12 reads logs exactly one debug line, with its status and time"
else
	not_ok "-v: each of 12 reads logs exactly one debug line, with its status and time" \
	    "status $n_status, month $n_month, healthz $n_health, 304 $n_304" "$(since)"
fi
mark_log
stop_daemon

# ---------------------------------------------------------------------------
# Slow requests: plan takes milliseconds (tens here); status does not.

printf 'version: 1\nslow_request_ms: 3\n' > "$tmp/slow.yaml"
rm -f "$log"
start_daemon "$tmp/var" -c "$tmp/slow.yaml" --schedules "$SCHED" --http "127.0.0.1:$port" ||
	not_ok "the daemon starts with slow_request_ms 3" "$(cat "$log")"
mark_log
ctl plan
nslow=$(since | grep -cE "^hotpatchd: warning: control: uid $(id -u) pid [0-9]+ \"plan\": 200 ok; slow: [0-9]+ ms$")
[ "$nslow" = 1 ] && ok "a request over slow_request_ms logs one warning with its time" ||
	not_ok "a request over slow_request_ms logs one warning with its time" "$(since)"
stop_daemon

# ---------------------------------------------------------------------------
# Flood control: a client sending 100 malformed lines gets 100 replies, but the log holds
# at most LOG_GATE_BURST (20) of them per 10 s, and says how many it left out.

rm -f "$log"
start_daemon "$tmp/var" --schedules "$SCHED" || not_ok "the daemon starts again" "$(cat "$log")"
mark_log
python3 -c 'import sys; sys.stdout.write("bogus\n" * 100)' > "$tmp/flood"
raw "$tmp/flood"
nreplies=$(replies "$tmp/raw" | grep -c '^400 ')
stop_daemon
shown=$(since | grep -c '"bogus": 400 ')
dropped=$(since | sed -n 's/^hotpatchd: warning: control: \([0-9]*\) more lines were not logged (flood control: at most 20 per 10 s)$/\1/p' |
	awk '{ s += $1 } END { print s + 0 }')
if [ "$nreplies" = 100 ] && [ "$shown" -le 40 ] && [ $((shown + dropped)) = 100 ]; then
	ok "a flood of 100 bad requests: 100 replies, $shown lines logged, the other $dropped counted"
else
	not_ok "a flood of 100 bad requests: 100 replies, at most 40 lines, the rest counted" \
	    "replies $nreplies, logged $shown, counted $dropped" "$(since | tail -n 3)"
fi

# ---------------------------------------------------------------------------
# $JOURNAL_STREAM: when it names stderr, "<N>" prefixes; when it names something else, not.

rm -f "$log"
: > "$log"
JOURNAL_STREAM=$(stat -c '%d:%i' "$log")
export JOURNAL_STREAM
# open.yaml turns slow-request warnings off: under valgrind or load the 404 may take longer
# than the default 250 ms, and its line must be the plain notice checked below.
start_daemon "$tmp/var" -c "$tmp/open.yaml" --schedules "$SCHED" --http "127.0.0.1:$port" ||
	not_ok "the daemon starts with JOURNAL_STREAM" "$(cat "$log")"
unset JOURNAL_STREAM
curl -s --max-time "$(tmo 60)" -o /dev/null "$base/nope"
wait_line "/nope"
stop_daemon
if grep -qx "<6>hotpatchd .* ready: socket .*" "$log" && grep -qxF '<5>http: 127.0.0.1 "GET /nope": 404' "$log" &&
    grep -qxF "<6>shutting down" "$log" && ! grep -q '^hotpatchd: ' "$log"; then
	ok "JOURNAL_STREAM naming stderr: every line starts with its <N> priority, no 'hotpatchd: LEVEL:'"
else
	not_ok "JOURNAL_STREAM naming stderr: every line starts with its <N> priority, no 'hotpatchd: LEVEL:'" "$(cat "$log")"
fi
rm -f "$log"
JOURNAL_STREAM=1:1
export JOURNAL_STREAM
start_daemon "$tmp/var" --schedules "$SCHED" || not_ok "the daemon starts with another JOURNAL_STREAM" "$(cat "$log")"
unset JOURNAL_STREAM
stop_daemon
if grep -q "^hotpatchd: info: hotpatchd .* ready: " "$log" && ! grep -q '^<' "$log"; then
	ok "JOURNAL_STREAM naming another stream: the usual 'hotpatchd: LEVEL:' lines"
else
	not_ok "JOURNAL_STREAM naming another stream: the usual 'hotpatchd: LEVEL:' lines" "$(cat "$log")"
fi

finish
