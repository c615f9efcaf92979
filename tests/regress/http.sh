#!/bin/sh
# regress/http.sh: the HTTP feeds against a running hotpatchd, with curl and raw sockets:
# every path with its headers, conditional GET (If-None-Match lists, W/, *, If-Modified-Since),
# HEAD, 404/405/413, 400 for control characters in the path, oversize and malformed requests,
# 200 parallel clients, stable ETags and an ETag that follows an override, the feed URL in
# status, --http off and a taken port.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch

needs "the HTTP feeds" curl

# fetch PATH [curl args...]: GET (or whatever the args say); status in $code, headers in
# $tmp/h, body in $tmp/b.
fetch() {
	_p=$1
	shift
	rm -f "$tmp/h" "$tmp/b"
	: > "$tmp/h"
	: > "$tmp/b"
	code=$(curl -s --path-as-is --max-time "$(tmo 60)" -D "$tmp/h" -o "$tmp/b" -w '%{http_code}' "$@" "$base$_p")
}

# hdr NAME: that header of the last fetch, without the CR.
hdr() {
	sed -n "s/^$1: *//Ip" "$tmp/h" | tr -d '\r' | head -n 1
}

# raw PYTHON-BYTES [SECONDS]: send those bytes to the HTTP port, print the reply's status
# code, "closed" if the daemon hung up (or, after SECONDS, $(tmo 60) by default, said
# nothing) without one; the whole reply goes to $tmp/raw.
raw() {
	raw_send "$port" open "$1" "$tmp/raw" "${2:-$(tmo 60)}" 2>/dev/null </dev/null
	http_status "$tmp/raw"
}

# tcp_listeners PID: how many listening TCP sockets (v4 or v6) the process holds.
tcp_listeners() { tcp_sockets "$1" 0A; }

# serving NAME: ok if the daemon is alive and /healthz answers 200.
serving() {
	fetch /healthz
	if alive "$daemon_pid" && [ "$code" = 200 ]; then ok "$1"; else not_ok "$1" "healthz: $code"; fi
}

port=$(free_port)
base=http://127.0.0.1:$port
sock=$tmp/var/hotpatchd.sock
start_daemon "$tmp/var" --http "127.0.0.1:$port" || not_ok "the daemon starts with --http" "$(cat "$tmp/var.log")"

# ---------------------------------------------------------------------------
# Every path: 200 with Content-Type, a strong ETag, Last-Modified, Cache-Control.

imf='^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-3][0-9] (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} [0-2][0-9]:[0-5][0-9]:[0-6][0-9] GMT$'
for p in / /plan /calendar.ics /os/win11-24h2.ics /rings/ring2.ics /healthz; do
	fetch "$p"
	ct=$(hdr Content-Type) et=$(hdr ETag) lm=$(hdr Last-Modified) cc=$(hdr Cache-Control)
	cl=$(hdr Content-Length)
	case $p in
	*.ics) want_ct="text/calendar; charset=utf-8" ;;
	/healthz) want_ct=$ct ;;
	*) want_ct="text/html; charset=utf-8" ;;
	esac
	if [ "$p" = /healthz ]; then want_cc=no-store; else want_cc="public, max-age=300"; fi
	bad=
	[ "$code" = 200 ] || bad="$bad [status $code]"
	[ "$ct" = "$want_ct" ] && [ -n "$ct" ] || bad="$bad [Content-Type '$ct', want '$want_ct']"
	printf '%s\n' "$et" | grep -qE '^"[^"]+"$' || bad="$bad [ETag '$et' is not a strong tag]"
	printf '%s\n' "$lm" | grep -qE "$imf" || bad="$bad [Last-Modified '$lm' is not an IMF-fixdate]"
	[ "$cc" = "$want_cc" ] || bad="$bad [Cache-Control '$cc', want '$want_cc']"
	[ -s "$tmp/b" ] && [ "$cl" = "$(wc -c < "$tmp/b" | tr -d ' ')" ] ||
		bad="$bad [Content-Length '$cl' vs body $(wc -c < "$tmp/b")]"
	[ -z "$bad" ] && ok "GET $p: 200 with Content-Type, ETag, Last-Modified, Cache-Control" ||
		not_ok "GET $p: 200 with Content-Type, ETag, Last-Modified, Cache-Control" "$bad"
done

# The feeds are iCalendar (RFC 5545) as published calendars: CRLF, PRODID, VERSION, no METHOD.
for p in /calendar.ics /os/win11-24h2.ics /rings/ring2.ics; do
	fetch "$p"
	if msg=$(python3 - "$tmp/b" 2>&1 <<'EOF'
import sys
b = open(sys.argv[1], "rb").read()
assert b.startswith(b"BEGIN:VCALENDAR\r\n"), "starts with %r" % b[:30]
assert b.endswith(b"END:VCALENDAR\r\n"), "ends with %r" % b[-30:]
lines = b.split(b"\r\n")
assert b"\n" not in b.replace(b"\r\n", b""), "a bare LF"
assert any(l.startswith(b"PRODID:") for l in lines), "no PRODID"
assert b"VERSION:2.0" in lines, "no VERSION:2.0"
assert not any(l.startswith(b"METHOD") for l in lines), "a METHOD"
assert b"BEGIN:VEVENT" in lines, "no VEVENT"
assert all(len(l) <= 75 for l in lines), "a line longer than 75 octets"
EOF
	)
	then ok "GET $p is a CRLF VCALENDAR with PRODID, VERSION:2.0, events and no METHOD"
	else not_ok "GET $p is a CRLF VCALENDAR with PRODID, VERSION:2.0, events and no METHOD" \
	    "$(printf '%s\n' "$msg" | tail -n 1)" "$(head -c 200 "$tmp/b")"
	fi
done
fetch /
grep -qF "webcal://127.0.0.1:$port/calendar.ics" "$tmp/b" && grep -qF "$base/os/win11-24h2.ics" "$tmp/b" &&
	ok "the index links every feed over webcal:// and http:// on the address it listens on" ||
	not_ok "the index links every feed over webcal:// and http:// on the address it listens on" "$(head -c 400 "$tmp/b")"
fetch /plan
grep -qi '<html' "$tmp/b" && grep -q 'ring' "$tmp/b" && ok "/plan is an HTML page about the rings" ||
	not_ok "/plan is an HTML page about the rings" "$(head -c 300 "$tmp/b")"
fetch "/calendar.ics?x=1&y=../../etc/passwd"
q_code=$code q_etag=$(hdr ETag)
fetch /calendar.ics
[ "$q_code" = 200 ] && [ "$q_etag" = "$(hdr ETag)" ] && ok "a query string plays no part in routing" ||
	not_ok "a query string plays no part in routing" "status $q_code, ETag $q_etag vs $(hdr ETag)"

# ---------------------------------------------------------------------------
# Conditional GET.

fetch /calendar.ics
etag=$(hdr ETag) lastmod=$(hdr Last-Modified)
cp "$tmp/b" "$tmp/first.ics"
fetch /calendar.ics
[ "$(hdr ETag)" = "$etag" ] && cmp -s "$tmp/b" "$tmp/first.ics" &&
	ok "two fetches of the same data give the same bytes and the same ETag" ||
	not_ok "two fetches of the same data give the same bytes and the same ETag" "$etag vs $(hdr ETag)"
# The ETag is the body's fp_hash, as tests/fphash_oracle.py computes it from its description.
want=$(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); from fphash_oracle import fp_hash
print("\"%016x\"" % fp_hash(open(sys.argv[2], "rb").read()))' "$top_srcdir/tests" "$tmp/first.ics")
[ "$etag" = "$want" ] && ok "the ETag is the body's hash (tests/fphash_oracle.py: $want)" ||
	not_ok "the ETag is the body's hash (tests/fphash_oracle.py)" "ETag $etag, the oracle $want"

# cond NAME WANT HEADER: GET /calendar.ics with that request header.
cond() {
	fetch /calendar.ics -H "$3"
	if [ "$code" = "$2" ] && { [ "$2" != 304 ] || { ! [ -s "$tmp/b" ] && [ "$(hdr ETag)" = "$etag" ]; }; }; then
		ok "$1"
	else
		not_ok "$1" "status $code (want $2), ETag $(hdr ETag), body $(wc -c < "$tmp/b") bytes"
	fi
}
cond "If-None-Match with the ETag: 304, same ETag, no body" 304 "If-None-Match: $etag"
cond "If-None-Match with a list containing the ETag: 304" 304 "If-None-Match: \"0000\", $etag , \"ffff\""
cond "If-None-Match with the weak form W/ETag: 304 (weak comparison)" 304 "If-None-Match: W/$etag"
cond "If-None-Match: * : 304" 304 "If-None-Match: *"
cond "If-None-Match with another ETag: 200" 200 "If-None-Match: \"0123456789abcdef\""
cond "If-None-Match with a broken list: 200" 200 "If-None-Match: \"unterminated, W/, ,"
cond "If-Modified-Since equal to Last-Modified: 304" 304 "If-Modified-Since: $lastmod"
cond "If-Modified-Since long ago: 200" 200 "If-Modified-Since: Thu, 01 Jan 1970 00:00:01 GMT"
cond "If-Modified-Since that is not a date: 200" 200 "If-Modified-Since: yesterday"
fetch /calendar.ics -H "If-None-Match: \"0123456789abcdef\"" -H "If-Modified-Since: $lastmod"
[ "$code" = 200 ] && ok "If-None-Match wins over If-Modified-Since" ||
	not_ok "If-None-Match wins over If-Modified-Since" "status $code"
fetch /os/win11-24h2.ics
os_etag=$(hdr ETag)
fetch /os/win11-24h2.ics -H "If-None-Match: $os_etag"
[ "$code" = 304 ] && ok "304 on /os/win11-24h2.ics with its own ETag" || not_ok "304 on /os/win11-24h2.ics with its own ETag" "status $code"
fetch /os/win11-24h2.ics -H "If-None-Match: $etag"
[ "$code" = 200 ] && ok "another document's ETag does not match" || not_ok "another document's ETag does not match" "status $code"

# HEAD: the headers of a GET and no body (read from the raw socket, so nothing hides one).
fetch /calendar.ics
get_len=$(wc -c < "$tmp/b" | tr -d ' ')
# The Host curl sends: a feed names the address it was fetched at (its SOURCE).
st=$(raw 'b"HEAD /calendar.ics HTTP/1.1\r\nHost: 127.0.0.1:'"$port"'\r\nConnection: close\r\n\r\n"')
if [ "$st" = 200 ] && python3 - "$tmp/raw" "$get_len" "$etag" <<'EOF'
import sys
r = open(sys.argv[1], "rb").read()
head, _, body = r.partition(b"\r\n\r\n")
h = dict((l.split(b":", 1)[0].strip().lower(), l.split(b":", 1)[1].strip()) for l in head.split(b"\r\n")[1:])
assert body == b"", "a body of %d bytes" % len(body)
assert h[b"content-length"] == sys.argv[2].encode(), h[b"content-length"]
assert h[b"etag"] == sys.argv[3].encode(), h[b"etag"]
assert h[b"content-type"] == b"text/calendar; charset=utf-8"
assert b"last-modified" in h and b"cache-control" in h
EOF
then ok "HEAD /calendar.ics: 200, the GET's headers and Content-Length, no body"
else not_ok "HEAD /calendar.ics: 200, the GET's headers and Content-Length, no body" "status $st" "$(head -c 400 "$tmp/raw")"
fi
fetch /calendar.ics -I -H "If-None-Match: $etag"
[ "$code" = 304 ] && ok "HEAD with a matching If-None-Match: 304" || not_ok "HEAD with a matching If-None-Match: 304" "status $code"

# ---------------------------------------------------------------------------
# Errors: 404, 405, 413, oversize and malformed requests.

for p in /os/nosuch.ics /rings/nosuch.ics /etc/passwd /../x /os/../calendar.ics /%2e%2e/etc/passwd \
    /calendar.ics/ /CALENDAR.ICS /nosuch; do
	fetch "$p"
	[ "$code" = 404 ] && [ "$(hdr Content-Type)" = "text/plain; charset=utf-8" ] &&
		grep -q 'not found' "$tmp/b" && ok "GET $p: 404 text/plain 'not found'" ||
		not_ok "GET $p: 404 text/plain 'not found'" "status $code, $(hdr Content-Type)"
done
# An encoded control character in the path: 400, never a truncated path's page.
for p in /calendar.ics%00.html /calendar.ics%00 /%00/calendar.ics /os/win11-24h2.ics%00.txt \
    /healthz%00 /calendar.ics%0a /calendar.ics%0D%0A /cal%09endar.ics /calendar.ics%7f /plan%1b; do
	fetch "$p"
	[ "$code" = 400 ] && grep -q 'control characters in the request path' "$tmp/b" &&
		! grep -q 'VCALENDAR' "$tmp/b" && ok "GET $p: 400 'control characters in the request path'" ||
		not_ok "GET $p: 400 'control characters in the request path'" "status $code" "$(head -c 200 "$tmp/b")"
done
fetch "/calendar.ics?x=%00&y=%0a"
[ "$code" = 200 ] && ok "control characters in the query string (not routed) do not matter" ||
	not_ok "control characters in the query string (not routed) do not matter" "status $code"
fetch /calendar%2eics
[ "$code" = 200 ] && ok "other escapes in the path are still decoded (/calendar%2eics: 200)" ||
	not_ok "other escapes in the path are still decoded (/calendar%2eics: 200)" "status $code"
for m in POST PUT DELETE OPTIONS PATCH; do
	fetch /calendar.ics -X "$m"
	[ "$code" = 405 ] && [ "$(hdr Allow)" = "GET, HEAD" ] && ok "$m: 405 with Allow: GET, HEAD" ||
		not_ok "$m: 405 with Allow: GET, HEAD" "status $code, Allow '$(hdr Allow)'"
done
fetch / -X POST --data-binary 'a=1&b=2'
[ "$code" = 405 ] && ok "POST with a form body: 405" || not_ok "POST with a form body: 405" "status $code"
fetch /calendar.ics -X GET --data-binary 'payload'
case $code in 413|405) ok "GET with a body: refused ($code)" ;; *) not_ok "GET with a body: refused" "status $code" ;; esac
st=$(raw 'b"GET /calendar.ics HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"')
case $st in 413|400|closed) ok "GET with a chunked body: refused ($st)" ;; *) not_ok "GET with a chunked body: refused" "status $st" ;; esac
fetch /calendar.ics -X PUT --data-binary "@$tmp/first.ics"
[ "$code" = 405 ] && ok "PUT of a whole feed: 405" || not_ok "PUT of a whole feed: 405" "status $code"
serving "the daemon still serves after the refused methods"

big=$(python3 -c 'print("x" * 100000)')
fetch /calendar.ics -H "X-Big: $big"
case $code in 431|413|400|000) ok "a 100 KB header is refused ($code)" ;; *) not_ok "a 100 KB header is refused" "status $code" ;; esac
st=$(raw 'b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\nHost: t\r\n\r\n"')
case $st in 414|431|413|400|closed) ok "a 100 KB request line is refused ($st)" ;; *) not_ok "a 100 KB request line is refused" "status $st" ;; esac
st=$(raw 'b"GET /healthz HTTP/1.1\r\n" + b"X-H: y\r\n" * 5000 + b"\r\n"')
case $st in 431|413|400|closed) ok "5000 headers are refused ($st)" ;; *) not_ok "5000 headers are refused" "status $st" ;; esac
serving "the daemon still serves after the oversize requests"

# malformed NAME PYTHON-BYTES: a broken request gets 400 (or a fitting 4xx/505) or a hang-up.
malformed() {
	st=$(raw "$2")
	case $st in 400|405|413|505|closed) ok "$1: $st" ;; *) not_ok "$1: 400 or closed" "status $st" ;; esac
}
malformed "a request line of one word" 'b"GARBAGE\r\n\r\n"'
malformed "a method and nothing else" 'b"GET\r\n\r\n"'
malformed "a request line with four words" 'b"GET / HTTP/1.1 extra\r\nHost: t\r\n\r\n"'
malformed "HTTP/7.0" 'b"GET / HTTP/7.0\r\nHost: t\r\n\r\n"'
malformed "binary junk" 'b"\x00\xff\xfe binary \x01\r\n\r\n"'
malformed "a header line without a colon" 'b"GET / HTTP/1.1\r\nHost: t\r\nNo colon here\r\n\r\n"'
malformed "a header folded onto the request line" 'b"GET / HTTP/1.1\r\n Host: t\r\n\r\n"'
malformed "two different Content-Lengths" \
    'b"GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello"'
malformed "an HTTP/1.1 request without Host" 'b"GET /healthz HTTP/1.1\r\n\r\n"'
st=$(raw 'b"GET /healthz HTTP/1.1\r\nHost: t\r\n"' 2)
[ "$st" = closed ] && ok "a request cut off before its blank line gets no reply" ||
	not_ok "a request cut off before its blank line gets no reply" "status $st"
serving "the daemon still serves after the malformed requests"

# Idle connections do not keep others out.
python3 - 127.0.0.1 "$port" "$tmp/idle.ready" "$(tmo 60)" > /dev/null 2>&1 <<'EOF' &
import socket, sys, time
socks = [socket.create_connection((sys.argv[1], int(sys.argv[2]))) for _ in range(20)]
for s in socks[:10]:
    s.sendall(b"GET /calendar.ics HTTP/1.1\r\nHost: t\r\n")
open(sys.argv[3], "w").close()
time.sleep(float(sys.argv[4]))
EOF
idle_pid=$!
extra_pids="$extra_pids $idle_pid"
wait_for "$tmp/idle.ready"
serving "20 idle or half-sent connections do not block a new client"
kill "$idle_pid" 2>/dev/null
wait "$idle_pid" 2>/dev/null

# ---------------------------------------------------------------------------
# Load: 200 clients, 50 at a time.

seq 200 | xargs -P 50 -I{} curl -s --max-time "$(tmo 60)" -o /dev/null -w '%{http_code}\n' "$base/calendar.ics?n={}" \
    > "$tmp/codes" 2>/dev/null
got=$(grep -c '^200$' "$tmp/codes")
[ "$got" = 200 ] && ok "200 parallel clients (50 at a time) all get 200" ||
	not_ok "200 parallel clients (50 at a time) all get 200" "$got of 200; $(sort "$tmp/codes" | uniq -c | tr '\n' ' ')"
serving "the daemon still serves after the load"

# ---------------------------------------------------------------------------
# A change of data changes the feed's ETag, and only that feed's.

os=ws2022-azure
fetch /os/$os.ics
before=$(hdr ETag)
fetch /os/win11-24h2.ics
other_before=$(hdr ETag)
# Two months from now: never published yet, so the planned kind can be overridden.
month=$(python3 -c 'import datetime; d = datetime.date.today().replace(day=1); m = d.month + 1; print("%04d-%02d" % (d.year + m // 12, m % 12 + 1))')
ctl override set $os "$month" lcu --reason "http.sh: ETag follows the data"
answered "override set $os $month lcu"
fetch /os/$os.ics
after=$(hdr ETag)
[ "$code" = 200 ] && [ -n "$after" ] && [ "$after" != "$before" ] &&
	ok "after the override the /os/$os.ics ETag changes" ||
	not_ok "after the override the /os/$os.ics ETag changes" "status $code, $before -> $after"
fetch /os/$os.ics -H "If-None-Match: $before"
[ "$code" = 200 ] && ok "the old ETag no longer gets a 304" || not_ok "the old ETag no longer gets a 304" "status $code"
fetch /os/win11-24h2.ics
[ "$(hdr ETag)" = "$other_before" ] && ok "another OS's feed keeps its ETag (same data, same bytes)" ||
	not_ok "another OS's feed keeps its ETag (same data, same bytes)" "$other_before -> $(hdr ETag)"
ctl override clear $os "$month"

# ---------------------------------------------------------------------------
# The feed URL in the log and in status.

grep -qF "feeds $base" "$tmp/var.log" && ok "the ready line logs the feed URL" ||
	not_ok "the ready line logs the feed URL" "$(tail -n 3 "$tmp/var.log")"
jcheck "status --json has feed_url $base" "eq(j['feed_url'], '$base', 'feed_url')" status
ctl status
has "status shows the feed URL" "$base"
[ "$(tcp_listeners "$daemon_pid")" = 1 ] && ok "with --http the daemon holds one TCP listener" ||
	not_ok "with --http the daemon holds one TCP listener" "$(tcp_listeners "$daemon_pid")"

# ---------------------------------------------------------------------------
# Start-up: a taken port, a bad address, --http off, IPv6; stopping frees the port.

timeout "$(tmo 60)" "$HOTPATCHD" -f --state-dir "$tmp/busy" --calendar "$CAL" --schedules "$SCHED" \
    --http "127.0.0.1:$port" > "$tmp/busy.out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "127.0.0.1:$port" "$tmp/busy.out" && grep -q "taken" "$tmp/busy.out" &&
    ! [ -e "$tmp/busy/hotpatchd.sock" ] && ! [ -e "$tmp/busy/hotpatchd.db" ]; then
	ok "a taken port: exit 1 naming the address, no socket, the database untouched"
else
	not_ok "a taken port: exit 1 naming the address, no socket, the database untouched" "exit $rc" \
	    "$(cat "$tmp/busy.out")" "$(ls "$tmp/busy" 2>&1)"
fi
timeout "$(tmo 60)" "$HOTPATCHD" --state-dir "$tmp/busy2" --calendar "$CAL" --schedules "$SCHED" \
    --http "127.0.0.1:$port" > "$tmp/busy2.out" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q "taken" "$tmp/busy2.out" &&
	ok "a taken port, detached: the parent exits 1 with the message on the terminal" ||
	not_ok "a taken port, detached: the parent exits 1 with the message on the terminal" "exit $rc" "$(cat "$tmp/busy2.out")"
serving "the first daemon still serves after the refusals"

for a in 127.0.0.1 nonsense:80 999.1.1.1:80 "[::1:80" 127.0.0.1:99999; do
	timeout "$(tmo 60)" "$HOTPATCHD" -f --state-dir "$tmp/bad" --calendar "$CAL" --schedules "$SCHED" \
	    --http "$a" > "$tmp/bad.out" 2>&1
	rc=$?
	[ $rc -eq 1 ] && grep -qF "$a" "$tmp/bad.out" && ! [ -e "$tmp/bad/hotpatchd.sock" ] &&
		ok "--http $a: exit 1 naming it" || not_ok "--http $a: exit 1 naming it" "exit $rc" "$(cat "$tmp/bad.out")"
done

stop_daemon
rc=$?
st=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$base/healthz")
[ $rc -eq 0 ] && [ "$st" = 000 ] && ok "SIGTERM: exit 0 and the port is closed" ||
	not_ok "SIGTERM: exit 0 and the port is closed" "exit $rc, healthz $st"

start_daemon "$tmp/var" --http "127.0.0.1:$port" || not_ok "the daemon starts again on the same port" "$(tail -n 3 "$tmp/var.log")"
fetch /healthz
[ "$code" = 200 ] && ok "a restart binds the same port again at once" || not_ok "a restart binds the same port again at once" "status $code"
stop_daemon

start_daemon "$tmp/off" || not_ok "the daemon starts with --http off" "$(cat "$tmp/off.log")"
sock=$tmp/off/hotpatchd.sock
[ "$(tcp_listeners "$daemon_pid")" = 0 ] && ok "--http off: no TCP listener" ||
	not_ok "--http off: no TCP listener" "$(tcp_listeners "$daemon_pid") listeners"
jcheck "--http off: status feed_url is null" "eq(j['feed_url'], None, 'feed_url')" status
stop_daemon

if python3 -c 'import socket; s = socket.socket(socket.AF_INET6); s.bind(("::1", 0))' 2>/dev/null; then
	port6=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET6); s.bind(("::1", 0)); print(s.getsockname()[1])')
	start_daemon "$tmp/v6" --http "[::1]:$port6"
	sock=$tmp/v6/hotpatchd.sock
	st=$(curl -s -o /dev/null -w '%{http_code}' --max-time "$(tmo 60)" "http://[::1]:$port6/calendar.ics")
	ctl --json status
	[ "$st" = 200 ] && grep -qF "\"http://[::1]:$port6\"" "$tmp/out" && ok "[::1]:PORT serves, and status says http://[::1]:PORT" ||
		not_ok "[::1]:PORT serves, and status says http://[::1]:PORT" "status $st" "$(cat "$tmp/out")"
	stop_daemon
else
	skip "[::1]:PORT serves" "no IPv6 loopback"
fi

finish
