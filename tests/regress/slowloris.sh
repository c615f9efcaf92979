#!/bin/sh
# regress/slowloris.sh: stalled HTTP clients cannot lock out the others.  On loopback,
# bounded in count and time (every attacker stops by itself):
#  - more stalled connections than http.max_connections, from many addresses, dripping
#    one header line a second: /healthz still answers 5 of 5, and the daemon never
#    holds more than max_connections + 16 (its accept slack);
#  - http.max_per_address: a fifth connection from 127.0.0.1 is closed, 127.0.0.2 is served;
#  - http.header_timeout: a client that keeps sending header lines is closed once its
#    headers are overdue, a kept-alive connection gets a new deadline for each request
#    and is closed when it sends no next one;
#  - the same flood at the default limits (2048 connections), if descriptors allow.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch

needs "HTTP under a slowloris attack" curl

# The attacker and probes.  Every mode has its own time cap and stops by itself.
cat > "$tmp/loris.py" <<'EOF'
import asyncio, os, socket, sys, time

def connect(port, src, timeout):
    s = socket.socket()
    s.bind((src, 0))
    s.settimeout(timeout)
    s.connect(("127.0.0.1", port))
    return s

def status_of(s):
    """Read one reply (headers and Content-Length body); its status, or "closed"."""
    got = b""
    try:
        while b"\r\n\r\n" not in got:
            b = s.recv(65536)
            if not b:
                return "closed"
            got += b
    except OSError:
        return "closed"
    head, _, body = got.partition(b"\r\n\r\n")
    n = 0
    for l in head.split(b"\r\n")[1:]:
        k, _, v = l.partition(b":")
        if k.strip().lower() == b"content-length":
            n = int(v)
    try:
        while len(body) < n:
            b = s.recv(65536)
            if not b:
                break
            body += b
    except OSError:
        pass
    w = head.split(b" ")
    return w[1].decode() if len(w) > 1 else "closed"

def closed_within(s, cap):
    """Did the peer close s (EOF or reset) within cap seconds?"""
    s.settimeout(cap)
    try:
        return s.recv(1) == b""
    except socket.timeout:
        return False
    except OSError:
        return True

async def flood(port, n, srcs, secs, stats, stop):
    """n stalled connections, each sending one header line a second and never the blank
    line; one that the server closes comes back a second later.  Until secs or stop."""
    end = time.monotonic() + secs
    c = {"opened": 0, "closed": 0}
    req = b"GET /calendar.ics HTTP/1.1\r\nHost: x\r\n"

    def going():
        return time.monotonic() < end and not os.path.exists(stop)

    async def one(i):
        while going():
            try:
                r, w = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port,
                    local_addr=(srcs[i % len(srcs)], 0)), 5.0)
            except (OSError, asyncio.TimeoutError):
                await asyncio.sleep(0.2)
                continue
            c["opened"] += 1
            try:
                w.write(req)
                while going():
                    try:
                        await asyncio.wait_for(r.read(4096), 1.0)
                        c["closed"] += 1	# EOF, or a reply: either way it is done
                        break
                    except asyncio.TimeoutError:
                        w.write(b"X-Drip: 1\r\n")
                        await w.drain()
            except OSError:
                c["closed"] += 1
            w.close()
            await asyncio.sleep(1.0)

    async def report():
        while going():
            with open(stats + ".new", "w") as f:
                f.write("%d %d\n" % (c["opened"], c["closed"]))
            os.replace(stats + ".new", stats)
            await asyncio.sleep(0.2)

    # Whatever the server does (a full backlog stalls connect), it stops in time.
    try:
        await asyncio.wait_for(asyncio.gather(report(), *[one(i) for i in range(n)]), secs + 5)
    except asyncio.TimeoutError:
        pass

mode, port = sys.argv[1], int(sys.argv[2])
if mode == "flood":
    # flood PORT N SRC-PREFIX NSRC SECS STATS STOP
    srcs = ["%s.%d" % (sys.argv[4], k + 1) for k in range(int(sys.argv[5]))]
    asyncio.run(flood(port, int(sys.argv[3]), srcs, float(sys.argv[6]), sys.argv[7], sys.argv[8]))
elif mode == "hold":
    # hold PORT SRC N SECS READY STOP: N connections with half a request, until STOP or SECS.
    socks = [connect(port, sys.argv[3], 10) for _ in range(int(sys.argv[4]))]
    for s in socks:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    open(sys.argv[6], "w").close()
    end = time.monotonic() + float(sys.argv[5])
    while time.monotonic() < end and not os.path.exists(sys.argv[7]):
        time.sleep(0.05)
elif mode == "get":
    # get PORT SRC CAP: GET /healthz from SRC; its status or "closed".
    s = connect(port, sys.argv[3], float(sys.argv[4]))
    try:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    except OSError:
        pass
    print(status_of(s))
elif mode == "drip":
    # drip PORT CAP: one header line every 0.25 s; "closed SECONDS LINES" or "open ...".
    s = connect(port, "127.0.0.1", 5)
    t0 = time.monotonic()
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    lines, state = 0, "open"
    while time.monotonic() - t0 < float(sys.argv[3]):
        if closed_within(s, 0.25):
            state = "closed"
            break
        try:
            s.sendall(b"X-Drip: %d\r\n" % lines)
            lines += 1
        except OSError:
            state = "closed"
            break
    print("%s %.2f %d" % (state, time.monotonic() - t0, lines))
elif mode == "keepalive":
    # keepalive PORT K GAP CAP: K requests on one connection, GAP seconds apart, then
    # nothing: the statuses and whether the server closed it within CAP.
    s = connect(port, "127.0.0.1", 10)
    got = []
    for i in range(int(sys.argv[3])):
        if i:
            time.sleep(float(sys.argv[4]))
        try:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        except OSError:
            got.append("closed")
            break
        got.append(status_of(s))
    got.append("closed" if closed_within(s, float(sys.argv[5])) else "open")
    print(" ".join(got))
EOF
loris() { python3 "$tmp/loris.py" "$@" 2>>"$tmp/loris.err" </dev/null; }

# conns PID: the established TCP connections the process holds.
conns() { tcp_sockets "$1" 01; }

# until CAP COMMAND...: poll (every 0.1 s) until the command succeeds; false after CAP seconds.
until_ok() {
	_cap=$(($(tmo "$1") * 10))
	shift
	_i=0
	while [ $_i -lt $_cap ]; do
		"$@" && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}
stats_at_least() { [ -s "$1" ] && read -r _o _c < "$1" && [ "${_o:-0}" -ge "$2" ] && [ "${_c:-0}" -ge "$3" ]; }
conns_at_least() { [ "$(conns "$daemon_pid")" -ge "$1" ]; }
conns_at_most() { [ "$(conns "$daemon_pid")" -le "$1" ]; }

# start_with NAME YAML-LINES...: a daemon with those lines in its http section.
start_with() {
	_name=$1
	shift
	port=$(free_port)
	{
		echo "version: 1"
		echo "http:"
		echo "  listen: 127.0.0.1:$port"
		for _l in "$@"; do echo "  $_l"; done
	} > "$tmp/$_name.yaml"
	start_daemon "$tmp/$_name" -c "$tmp/$_name.yaml" --http "127.0.0.1:$port" ||
		not_ok "the daemon starts with $*" "$(cat "$tmp/$_name.log")"
	sock=$tmp/$_name/hotpatchd.sock
}

# attack NAME N SRC-PREFIX NSRC LIMIT: flood the daemon with N stalled connections (more
# than LIMIT), then GET /healthz five times while it goes on.
attack() {
	_an=$1 _n=$2 _pre=$3 _nsrc=$4 _lim=$5
	rm -f "$tmp/stop" "$tmp/stats"
	loris flood "$port" "$_n" "$_pre" "$_nsrc" "$(tmo 120)" "$tmp/stats" "$tmp/stop" &
	_fpid=$!
	extra_pids="$extra_pids $_fpid"
	# Every connection made, and the daemon had to close more than the limit leaves over.
	if until_ok 60 stats_at_least "$tmp/stats" "$_n" $((_n - _lim)); then
		ok "$_an: $_n stalled connections made, at least $((_n - _lim)) of them closed by the daemon"
	else
		not_ok "$_an: $_n stalled connections made, at least $((_n - _lim)) of them closed by the daemon" \
		    "opened, closed: $(cat "$tmp/stats" 2>/dev/null)"
	fi
	_codes= _most=0
	for _k in 1 2 3 4 5; do
		_codes="$_codes $(curl -s -o /dev/null --max-time 10 -w '%{http_code}' "http://127.0.0.1:$port/healthz")"
		_c=$(conns "$daemon_pid")
		[ "$_c" -gt "$_most" ] && _most=$_c
	done
	_still=$(cat "$tmp/stats")
	[ "$_codes" = " 200 200 200 200 200" ] && ok "$_an: /healthz answers 5 of 5 during the attack" ||
		not_ok "$_an: /healthz answers 5 of 5 during the attack" "statuses:$_codes" "opened, closed: $_still"
	[ "$_most" -le $((_lim + 16)) ] && [ "$_most" -gt 0 ] &&
		ok "$_an: the daemon holds at most max_connections + 16 ($_most)" ||
		not_ok "$_an: the daemon holds at most max_connections + 16" "$_most connections"
	: > "$tmp/stop"
	wait "$_fpid"
	if until_ok 30 conns_at_most 0; then
		ok "$_an: the attack over, no connection is left"
	else
		not_ok "$_an: the attack over, no connection is left" "$(conns "$daemon_pid") left"
	fi
	alive "$daemon_pid" && ok "$_an: the daemon is alive" || not_ok "$_an: the daemon is alive"
}

# ---------------------------------------------------------------------------
# A small limit: 80 stalled connections from 20 addresses against 16 slots.  The header
# deadline is far off, so only making room (dropping the stalest) lets /healthz in.

start_with small "max_connections: 16" "max_per_address: 4" "header_timeout: 300"
attack "16 slots" 80 127.0.2 20 16
# (From 127.0.2.1-20, four each: the per-address cap does not hold this flood back.)

# The per-address cap: four half-sent requests from 127.0.0.1 fill its share.
rm -f "$tmp/ready" "$tmp/stop"
loris hold "$port" 127.0.0.1 4 "$(tmo 60)" "$tmp/ready" "$tmp/stop" &
hold_pid=$!
extra_pids="$extra_pids $hold_pid"
until_ok 20 test -e "$tmp/ready" && until_ok 20 conns_at_least 4
st=$(loris get "$port" 127.0.0.1 10)
[ "$st" = closed ] && ok "a fifth connection from 127.0.0.1 is closed without a reply" ||
	not_ok "a fifth connection from 127.0.0.1 is closed without a reply" "got $st"
st=$(loris get "$port" 127.0.0.2 10)
[ "$st" = 200 ] && ok "meanwhile 127.0.0.2 is served" || not_ok "meanwhile 127.0.0.2 is served" "got $st"
: > "$tmp/stop"
wait "$hold_pid"
until_ok 30 conns_at_most 0
st=$(loris get "$port" 127.0.0.1 10)
[ "$st" = 200 ] && ok "once they are gone 127.0.0.1 is served again" ||
	not_ok "once they are gone 127.0.0.1 is served again" "got $st"
stop_daemon || not_ok "SIGTERM after the attack: exit 0"

# ---------------------------------------------------------------------------
# The header deadline (2 s): activity does not extend it.

start_with deadline "header_timeout: 2"
out=$(loris drip "$port" "$(tmo 25)")
set -- $out
if [ "${1:-}" = closed ] && python3 -c "import sys; sys.exit(not float(sys.argv[1]) >= 1.9)" "${2:-0}"; then
	ok "a client dripping header lines is closed after the 2 s header deadline ($out)"
else
	not_ok "a client dripping header lines is closed after the 2 s header deadline" "drip: $out"
fi
out=$(loris keepalive "$port" 3 1.2 "$(tmo 20)")
[ "$out" = "200 200 200 closed" ] &&
	ok "kept alive: three requests over more than 2 s all answered (a deadline per request), then closed when idle" ||
	not_ok "kept alive: three requests over more than 2 s all answered (a deadline per request), then closed when idle" "got: $out"
fetch_code=$(curl -s -o /dev/null --max-time 10 -w '%{http_code}' "http://127.0.0.1:$port/healthz")
[ "$fetch_code" = 200 ] && ok "and the daemon serves on" || not_ok "and the daemon serves on" "status $fetch_code"
stop_daemon || not_ok "SIGTERM after the deadline tests: exit 0"

# ---------------------------------------------------------------------------
# The default limits: 2,600 stalled connections from 50 addresses (52 each, under the
# per-address cap of 64) against 2,048 slots.  Needs descriptors for both sides.

if [ "$(ulimit -n)" -lt 8192 ] && ! ulimit -n 8192 2>/dev/null; then
	skip "the default limits under 2,600 stalled connections" "ulimit -n is $(ulimit -n), cannot raise it to 8192"
else
	start_with defaults
	attack "default limits" 2600 127.0.1 50 2048
	stop_daemon || not_ok "SIGTERM after the attack at the default limits: exit 0"
fi

grep -q 'connection closed' "$tmp"/*.log && ok "the dropped connections are logged" ||
	not_ok "the dropped connections are logged" "$(tail -n 5 "$tmp"/small.log)"
finish
