#!/bin/sh
# regress/systemd.sh: hotpatchd under the service manager's protocol, without systemd running.
# A notification socket the test binds (python3) records what the daemon sends: READY=1 only
# once the control socket greets and HTTP answers, RELOADING=1 with MONOTONIC_USEC and READY=1
# again on SIGHUP (a refused reload says so in STATUS), STOPPING=1 on SIGTERM; by path and
# abstract.  Debian's systemd-socket-activate passes real sockets named control and http
# (FileDescriptorName=) to "hotpatchd -f -c FILE", as the socket units do; hotpatchctl and
# curl are served on them, the passed socket is left in place at exit, one socket alone is
# fine, and wrong types, unknown names and http off with an HTTP socket are refused.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch

needs "socket activation and notifications (Debian packages systemd, curl)" \
    systemd-socket-activate curl

# The notification listener: binds ADDR ("@name" = abstract), touches READY_FILE, then writes
# one JSON line per datagram to OUT: the message, CLOCK_MONOTONIC at receipt in microseconds,
# and for a READY=1 what the control socket (its greeting) and the HTTP port (/healthz's status
# line) answered at that moment.  Stops after STOPPING=1 or LIMIT seconds of silence.
listener_py='
import json, socket, sys, time
addr, out, ready_file, ctl, port, limit = sys.argv[1:7]
def control_greeting():
    try:
        c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        c.settimeout(float(limit))
        c.connect(ctl)
        return c.makefile("rb").readline().decode().rstrip("\n")
    except OSError as e:
        return "error: %s" % e
def http_status():
    if port == "off":
        return "off"
    try:
        c = socket.create_connection(("127.0.0.1", int(port)), timeout=float(limit))
        c.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
        return c.makefile("rb").readline().decode().rstrip("\r\n")
    except OSError as e:
        return "error: %s" % e
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\0" + addr[1:] if addr.startswith("@") else addr)
open(ready_file, "w").close()
s.settimeout(float(limit))
with open(out, "a") as f:
    while True:
        try:
            data = s.recv(4096).decode()
        except socket.timeout:
            f.write(json.dumps({"timeout": True}) + "\n")
            break
        rec = {"msg": data, "at": time.monotonic_ns() // 1000}
        if "READY=1" in data.split("\n"):
            rec["control"] = control_greeting()
            rec["http"] = http_status()
        f.write(json.dumps(rec) + "\n")
        f.flush()
        if "STOPPING=1" in data.split("\n"):
            break
'

# listen ADDR CTL PORT: start the listener into $tmp/notes, wait until it is bound.
listen() {
	rm -f "$tmp/notes" "$tmp/listening"
	: > "$tmp/notes"
	python3 -c "$listener_py" "$1" "$tmp/notes" "$tmp/listening" "$2" "$3" "$(tmo 30)" \
	    < /dev/null 2> "$tmp/listener.err" &
	listener_pid=$!
	extra_pids="$extra_pids $listener_pid"
	wait_for "$tmp/listening"
}

# wait_notes N: wait until N notifications have arrived.
wait_notes() { wait_until notes_in "$1"; }
notes_in() { [ "$(lines "$tmp/notes")" -ge "$1" ]; }

# notes_check NAME PYTHON: run PYTHON with notes = the recorded notifications (a list of dicts).
notes_check() {
	_out=$(python3 -c '
import json, sys, textwrap
notes = [json.loads(l) for l in open(sys.argv[1])]
def eq(got, want, what):
    if got != want:
        raise AssertionError("%s: got %r, want %r" % (what, got, want))
try:
    exec(textwrap.dedent(sys.argv[2]))
except Exception as e:
    print("%s: %s" % (type(e).__name__, e))
    sys.exit(1)
' "$tmp/notes" "$2" 2>&1 < /dev/null) && ok "$1" || not_ok "$1" "$_out" "notifications: $(cat "$tmp/notes")"
}

# wait_exit PID: wait (at most $(tmo 60) s) for our child PID to exit; its status in $rc.
wait_exit() {
	wait_until dead "$1"
	if alive "$1"; then
		kill -KILL "$1"
		rc=137
	fi
	wait "$1"
	rc=$?
}

# ---------------------------------------------------------------------------
# Notifications, by path: READY=1 once serving, RELOADING=1 + MONOTONIC_USEC then READY=1 on
# SIGHUP (ok and refused), STOPPING=1 on SIGTERM.

edit_schedules "$tmp/sched"

port=$(free_port)
sock=$tmp/n/hotpatchd.sock
listen "$tmp/notify.sock" "$sock" "$port" || not_ok "the notification listener starts" "$(cat "$tmp/listener.err")"
NOTIFY_SOCKET=$tmp/notify.sock
export NOTIFY_SOCKET
start_daemon "$tmp/n" --schedules "$tmp/sched" --http "127.0.0.1:$port" ||
	not_ok "the daemon starts with NOTIFY_SOCKET" "$(cat "$tmp/n.log")"
unset NOTIFY_SOCKET
wait_notes 1
counts=$(sed -n 's/.* ready: .*(\([0-9]* OSes, [0-9]* rings\))$/\1/p' "$tmp/n.log")
status="$counts; socket $sock; feeds http://127.0.0.1:$port"
notes_check "the first notification is READY=1 with STATUS: counts, socket, feeds" "
	eq(notes[0].get('msg'), 'READY=1\nSTATUS=$status', 'first message')
	assert '$counts'.startswith('9 OSes, '), 'counts from the ready log line: $counts'
"
notes_check "at READY=1 the control socket already greets and HTTP already answers 200" "
	assert notes[0]['control'].startswith('hotpatchd 1 '), notes[0]['control']
	assert notes[0]['http'].startswith('HTTP/1.') and ' 200 ' in notes[0]['http'] + ' ', notes[0]['http']
"

kill -HUP "$daemon_pid"
wait_notes 3
notes_check "SIGHUP: RELOADING=1 with MONOTONIC_USEC (CLOCK_MONOTONIC, µs, just before), then READY=1" "
	eq(len(notes), 3, 'notifications')
	head, usec = notes[1]['msg'].split('\n')
	eq(head, 'RELOADING=1', 'reloading')
	assert usec.startswith('MONOTONIC_USEC='), usec
	t = int(usec.split('=', 1)[1])
	assert t <= notes[1]['at'] and notes[1]['at'] - t < $(tmo 60) * 1000000, (t, notes[1]['at'])
	eq(notes[2]['msg'], 'READY=1\nSTATUS=$status', 'ready again')
"

set_deferral 45
kill -HUP "$daemon_pid"
wait_notes 5
notes_check "SIGHUP with a broken ring file: RELOADING=1, then READY=1 whose STATUS says it was refused" "
	eq(len(notes), 5, 'notifications')
	assert notes[3]['msg'].startswith('RELOADING=1\nMONOTONIC_USEC='), notes[3]['msg']
	eq(notes[4]['msg'], 'READY=1\nSTATUS=reload refused: $f:$line:$col: deferral_days must be 0..30, got 45; still serving $status', 'status')
"
ctl status
answered "the daemon still serves after the refused reload"

stop_daemon
rc=$?
wait_notes 6
notes_check "SIGTERM: STOPPING=1 is the last notification" "
	eq(len(notes), 6, 'notifications')
	eq(notes[5]['msg'], 'STOPPING=1', 'last')
"
[ $rc -eq 0 ] && ok "the notified daemon exits 0 on SIGTERM" || not_ok "the notified daemon exits 0 on SIGTERM" "exit $rc"
wait "$listener_pid" 2>/dev/null

# The same through an abstract socket ("@name").
sock=$tmp/a/hotpatchd.sock
listen "@hotpatchd-regress-$$" "$sock" off || not_ok "the abstract listener starts" "$(cat "$tmp/listener.err")"
NOTIFY_SOCKET=@hotpatchd-regress-$$
export NOTIFY_SOCKET
start_daemon "$tmp/a" || not_ok "the daemon starts with an abstract NOTIFY_SOCKET" "$(cat "$tmp/a.log")"
unset NOTIFY_SOCKET
wait_notes 1
stop_daemon
wait_notes 2
notes_check "an abstract NOTIFY_SOCKET gets READY=1 (control greeting) and STOPPING=1" "
	eq(len(notes), 2, 'notifications')
	assert notes[0]['msg'].startswith('READY=1\nSTATUS='), notes[0]['msg']
	assert notes[0]['control'].startswith('hotpatchd 1 '), notes[0]['control']
	eq(notes[1]['msg'], 'STOPPING=1', 'last')
"
wait "$listener_pid" 2>/dev/null

# ---------------------------------------------------------------------------
# Socket activation: systemd-socket-activate binds both sockets, waits for the first
# connection, then execs "hotpatchd -f -c FILE" with them as fds 3 and 4.

# activate LOG ACTIVATE-ARGS... -- HOTPATCHD-ARGS...: start it in the background; pid in $daemon_pid.
activate() {
	_log=$1
	shift
	_sa=
	while [ "$1" != "--" ]; do _sa="$_sa $1"; shift; done
	shift
	# shellcheck disable=SC2086
	systemd-socket-activate $_sa "$HOTPATCHD" "$@" > "$_log" 2>&1 < /dev/null &
	daemon_pid=$!
	# Wait until it listens on every -l address (a path, or HOST:PORT).
	set -- $_sa
	while [ $# -gt 0 ]; do
		case $1 in
		-l) case $2 in /*) wait_for "$2" ;; *) wait_until tcp_listening "${2##*:}" ;; esac; shift ;;
		esac
		shift
	done
}
# tcp_listening PORT: a TCP socket listens on PORT (IPv4 or IPv6).
tcp_listening() {
	awk -v p="$(printf ':%04X' "$1")" '$4 == "0A" && substr($2, length($2) - 4) == p { f = 1 }
	    END { exit !f }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

hport=$(free_port)
cport=$(free_port)
mkdir "$tmp/act"
cat > "$tmp/act.yaml" <<EOF
version: 1
state_dir: $tmp/act
calendar: $CAL
schedules: $SCHED
socket: {path: $tmp/act/configured.sock}
http: {listen: "127.0.0.1:$cport"}
EOF
asock=$tmp/act.sock
activate "$tmp/act.log" -l "$asock" -l "127.0.0.1:$hport" --fdname=control:http -- -f -c "$tmp/act.yaml"
wait_for "$asock" || not_ok "systemd-socket-activate binds the control socket" "$(cat "$tmp/act.log")"
sock=$asock
ctl --json status
json_check "hotpatchctl on the passed socket starts the daemon and is served; status names that socket" \
    "$tmp/out" "eq(j['socket'], '$asock', 'socket')"
code=$(curl -s --max-time "$(tmo 60)" -o "$tmp/b" -w '%{http_code}' "http://127.0.0.1:$hport/healthz")
[ "$code" = 200 ] && ok "curl is served on the passed HTTP socket" || not_ok "curl is served on the passed HTTP socket" "status $code" "$(tail -n 5 "$tmp/act.log")"
code=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$cport/healthz")
if [ "$code" = 000 ] && ! [ -e "$tmp/act/configured.sock" ]; then
	ok "the configured socket path and HTTP address are not bound when sockets are passed"
else
	not_ok "the configured socket path and HTTP address are not bound when sockets are passed" "status $code" "$(ls "$tmp/act")"
fi
grep -qxF "hotpatchd: info: socket activation: control socket passed, HTTP passed" "$tmp/act.log" &&
	ok "the log says both sockets were passed" || not_ok "the log says both sockets were passed" "$(cat "$tmp/act.log")"
ctl override set ws2022-azure 2026-09 baseline --reason "activated"
answered "root changes data through the passed socket"
stop_daemon
rc=$?
if [ $rc -eq 0 ] && [ -S "$asock" ] && ! [ -e "$tmp/act/hotpatchd.db.lock" ]; then
	ok "SIGTERM: exit 0, the passed socket (systemd's) is left in place"
else
	not_ok "SIGTERM: exit 0, the passed socket (systemd's) is left in place" "exit $rc" "$(ls -l "$tmp")"
fi

# Only the control socket passed: HTTP is bound from the configuration as usual.
rm -f "$asock"
activate "$tmp/act2.log" -l "$asock" --fdname=control -- -f -c "$tmp/act.yaml"
wait_for "$asock"
ctl status
answered "only the control socket passed: it is served"
code=$(curl -s --max-time "$(tmo 60)" -o /dev/null -w '%{http_code}' "http://127.0.0.1:$cport/healthz")
[ "$code" = 200 ] && ok "only the control socket passed: HTTP is bound from http.listen" ||
	not_ok "only the control socket passed: HTTP is bound from http.listen" "status $code" "$(tail -n 5 "$tmp/act2.log")"
stop_daemon

# Only HTTP passed: the control socket is bound from the configuration.
activate "$tmp/act3.log" -l "127.0.0.1:$hport" --fdname=http -- -f -c "$tmp/act.yaml"
code=$(curl -s --max-time "$(tmo 60)" -o /dev/null -w '%{http_code}' "http://127.0.0.1:$hport/healthz")
wait_for "$tmp/act/configured.sock"
sock=$tmp/act/configured.sock
ctl status
if [ "$code" = 200 ] && [ $rc -eq 0 ]; then
	ok "only HTTP passed: curl starts it and is served; the control socket is bound from socket.path"
else
	not_ok "only HTTP passed: curl starts it and is served; the control socket is bound from socket.path" \
	    "status $code, hotpatchctl exit $rc" "$(tail -n 5 "$tmp/act3.log")"
fi
stop_daemon
! [ -e "$tmp/act/configured.sock" ] && ok "a socket it bound itself is removed at exit as usual" ||
	not_ok "a socket it bound itself is removed at exit as usual"

# refused NAME LOG WANT ACTIVATE-ARGS -- HOTPATCHD-ARGS: a connection starts it; it must exit 1
# with exactly WANT as a log line.
activation_refused() {
	_name=$1 _log=$2 _want=$3
	shift 3
	activate "$_log" "$@"
	case $* in
	*127.0.0.1:*) curl -s --max-time "$(tmo 60)" -o /dev/null "http://127.0.0.1:$hport/" ;;
	*) timeout "$(tmo 60)" "$HOTPATCHCTL" --socket "$tmp/bad.sock" status > /dev/null 2>&1 ;;
	esac
	wait_exit "$daemon_pid"
	daemon_pid=
	if [ $rc -eq 1 ] && grep -qxF -- "$_want" "$_log"; then
		ok "$_name"
	else
		not_ok "$_name" "exit $rc (want 1)" "log: $(cat "$_log")" "want line: $_want"
	fi
	rm -f "$tmp/bad.sock"
}

activation_refused "an HTTP socket passed with http off: exit 1, clear error" "$tmp/bad1.log" \
    "hotpatchd: error: socket activation passed an HTTP socket ('http', fd 3), but HTTP is off: set http.listen (the passed socket is used, whatever its address) or stop passing it" \
    -l "127.0.0.1:$hport" --fdname=http -- -f -c "$tmp/act.yaml" --http off
activation_refused "a Unix socket named http: exit 1, says what it is and what it must be" "$tmp/bad2.log" \
    "hotpatchd: error: socket activation: 'http' (fd 3) is AF_UNIX, SOCK_STREAM, listening; it must be a listening AF_INET or AF_INET6 SOCK_STREAM socket" \
    -l "$tmp/bad.sock" --fdname=http -- -f -c "$tmp/act.yaml"
activation_refused "a TCP socket named control: exit 1, says what it is and what it must be" "$tmp/bad3.log" \
    "hotpatchd: error: socket activation: 'control' (fd 3) is AF_INET, SOCK_STREAM, listening; it must be a listening AF_UNIX SOCK_STREAM socket" \
    -l "127.0.0.1:$hport" --fdname=control -- -f -c "$tmp/act.yaml"
activation_refused "a socket with an unknown name: exit 1, names the names it takes" "$tmp/bad4.log" \
    "hotpatchd: error: socket activation: fd 3 is named 'web'; hotpatchd takes only sockets named 'control' or 'http' (FileDescriptorName= in the socket unit)" \
    -l "$tmp/bad.sock" --fdname=web -- -f -c "$tmp/act.yaml"
! [ -e "$tmp/act/hotpatchd.db.lock" ] && ok "a refused activation leaves no lock file behind" ||
	not_ok "a refused activation leaves no lock file behind"

finish
