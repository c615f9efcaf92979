#!/bin/sh
# regress/slots.sh: the control socket's slots are shared fairly.  One uid holds
# at most socket.clients_per_uid connections and is told so; the last
# socket.admin_clients slots are kept for admins, so root still gets in when
# ordinary users hold everything else; a client that sends single bytes or
# blank lines, but never a request, is closed after idle_timeout, while one that
# keeps asking keeps its slot.  The slot tests run clients as nobody and daemon
# and need root; otherwise they are skip lines.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"

scratch
chmod 0711 "$tmp"
mkdir -m 0755 "$tmp/pub"
cp "$HOTPATCHCTL" "$tmp/pub/hotpatchctl"
chmod 0755 "$tmp/pub/hotpatchctl"

# start CONFIG-TEXT: a daemon whose socket ($sock) anyone may open.
sock=$tmp/pub/hotpatchd.sock
start() {
	rm -rf "$tmp/var" "$sock"
	printf 'version: 1\nsocket: {mode: 0666, %s}\n' "$1" > "$tmp/slots.yaml"
	"$HOTPATCHD" -f --state-dir "$tmp/var" --socket "$sock" --calendar "$CAL" \
	    --schedules "$SCHED" --http off -c "$tmp/slots.yaml" >> "$tmp/var.log" 2>&1 &
	daemon_pid=$!
	wait_for "$sock"
}

# hold NAME USER COUNT: as USER, open COUNT connections one after the other and keep
# them until $tmp/release appears; $tmp/NAME gets "accepted N", "refused N", the first
# refusal's status line and, once all are open, "ready".
hold_py='
import os, socket, sys, time
path, n, release, cap = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
socks, acc, ref, first = [], 0, 0, None
for i in range(n):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(cap)
    s.connect(path)
    line = b""
    while not line.endswith(b"\n"):
        b = s.recv(1)
        if not b:
            break
        line += b
    if line.startswith(b"hotpatchd "):
        acc += 1
        socks.append(s)
    else:
        ref += 1
        first = first or line.decode("utf-8", "replace").rstrip("\n")
        s.close()
print("accepted %d\nrefused %d\nline %s\nready" % (acc, ref, first), flush=True)
end = time.monotonic() + cap
while not os.path.exists(release) and time.monotonic() < end:
    time.sleep(0.02)
'
hold() {
	as_user "$2" timeout "$(tmo 120)" python3 -c "$hold_py" "$sock" "$3" "$tmp/release" \
	    "$(tmo 60)" > "$tmp/$1" 2>&1 </dev/null &
	extra_pids="$extra_pids $!"
	i=0
	while ! grep -qx ready "$tmp/$1" 2>/dev/null && [ $i -lt $((200 * $(tmo 1))) ]; do
		sleep 0.05
		i=$((i + 1))
	done
}
# held NAME ACCEPTED REFUSED LINE TEST: check what hold NAME saw.
held() {
	if grep -qx "accepted $2" "$tmp/$1" && grep -qx "refused $3" "$tmp/$1" &&
	    grep -qxF "line $4" "$tmp/$1"; then
		ok "$5"
	else
		not_ok "$5" "$(cat "$tmp/$1")" "want: accepted $2, refused $3, line $4"
	fi
}
# clients: the open connections the last `ctl --json status` reported (itself included).
clients() {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["clients"])' "$tmp/out" 2>&1
}

names="45 connections from nobody with clients_per_uid 40: 40 are served, 5 refused with 503 and the uid
hotpatchctl as nobody over its cap exits 1 and says which uid and the cap
30 more from daemon: 20 are served, then 503 says the last 4 are kept for admins
with 60 connections from ordinary users root still runs status
root takes the 4 kept slots, then the socket is full for everyone
once the users hang up nobody is served again
the daemon exits 0 on SIGTERM after the slot tests"
if [ "$(id -u)" -ne 0 ] || ! id nobody > /dev/null 2>&1 || ! id daemon > /dev/null 2>&1; then
	while IFS= read -r t; do skip "$t" "needs root and the users nobody and daemon"; done <<EOF
$names
EOF
else
	if command -v setpriv > /dev/null 2>&1; then
		as_user() { _u=$1; shift; setpriv --reuid="$_u" --regid="$(id -g "$_u")" --init-groups "$@"; }
	else
		as_user() { _u=$1; shift; runuser -u "$_u" -- "$@"; }
	fi
	nuid=$(id -u nobody)
	start "max_clients: 64, admin_clients: 4, clients_per_uid: 40, idle_timeout: 3600" ||
		not_ok "the daemon starts with the slot limits" "$(cat "$tmp/var.log")"
	hold nobody nobody 45
	held nobody 40 5 "503 0 too many connections from uid $nuid (at most 40), try again later" \
	    "45 connections from nobody with clients_per_uid 40: 40 are served, 5 refused with 503 and the uid"
	as_user nobody timeout "$(tmo 10)" "$tmp/pub/hotpatchctl" --socket "$sock" status \
	    > "$tmp/out" 2> "$tmp/err" </dev/null
	rc=$?
	refused "hotpatchctl as nobody over its cap exits 1 and says which uid and the cap" 1 \
	    "too many connections from uid $nuid (at most 40), try again later"
	hold daemon daemon 30
	held daemon 20 10 "503 0 too many connections (the last 4 are kept for admins), try again later" \
	    "30 more from daemon: 20 are served, then 503 says the last 4 are kept for admins"
	ctl --json status
	c=$(clients)
	if [ $rc -eq 0 ] && [ "$c" = 61 ]; then
		ok "with 60 connections from ordinary users root still runs status"
	else
		not_ok "with 60 connections from ordinary users root still runs status" "exit $rc, clients $c" \
		    "$(cat "$tmp/err")"
	fi
	hold root root 5
	held root 4 1 "503 0 too many connections, try again later" \
	    "root takes the 4 kept slots, then the socket is full for everyone"
	touch "$tmp/release"
	for p in $extra_pids; do wait "$p"; done
	extra_pids=
	# The hang-ups are seen on the daemon's next turns: wait for nobody to be served.
	i=0
	while [ $i -lt $((100 * $(tmo 1))) ]; do
		as_user nobody timeout "$(tmo 10)" "$tmp/pub/hotpatchctl" --socket "$sock" status \
		    > "$tmp/out" 2> "$tmp/err" </dev/null
		rc=$?
		[ $rc -eq 0 ] && break
		sleep 0.05
		i=$((i + 1))
	done
	answered "once the users hang up nobody is served again"
	stop_daemon
	rc=$?
	[ $rc -eq 0 ] && ok "the daemon exits 0 on SIGTERM after the slot tests" ||
		not_ok "the daemon exits 0 on SIGTERM after the slot tests" "exit $rc"
fi

# ---------------------------------------------------------------------------
# idle_timeout counts complete exchanges only.  Three clients send something every
# 0.1 s that is not a request (one byte of a line that never ends, a blank line, a
# line of blanks ending in CR LF) and must be closed; a fourth sends a request every
# 0.1 s and reads the answer, and must keep its slot for 2.5 idle timeouts.

drip_py='
import socket, sys, threading, time
path, idle, cap = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
out = {}
def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(cap)
    s.connect(path)
    g = b""
    while not g.endswith(b"\n"):
        b = s.recv(1)
        if not b:
            raise OSError("closed before the greeting")
        g += b
    return s
def drip(name, chunk):
    s, sent, end = conn(), 0, time.monotonic() + cap
    s.setblocking(False)
    while time.monotonic() < end:
        try:
            if s.recv(4096) == b"":
                out[name] = "closed after %d sends" % sent
                return
        except BlockingIOError:
            pass
        except OSError:
            out[name] = "closed after %d sends" % sent
            return
        try:
            s.send(chunk)
            sent += 1
        except BlockingIOError:
            pass
        except OSError:
            out[name] = "closed after %d sends" % sent
            return
        time.sleep(0.1)
    out[name] = "still open after %d sends" % sent
def talk():
    s, n, end = conn(), 0, time.monotonic() + 2.5 * idle
    f = s.makefile("rb")
    try:
        while time.monotonic() < end:
            s.sendall(b"status\n")
            w = f.readline().split(b" ")
            if len(w) < 2 or w[0] != b"200":
                raise OSError("reply %r" % w)
            f.read(int(w[1]))
            n += 1
            time.sleep(0.1)
        out["talk"] = "answered %d" % n
    except OSError as e:
        out["talk"] = "lost after %d answers: %s" % (n, e)
ts = [threading.Thread(target=drip, args=("byte", b"s")),
      threading.Thread(target=drip, args=("blank", b"\n")),
      threading.Thread(target=drip, args=("crlf", b" \r\n")),
      threading.Thread(target=talk)]
for t in ts:
    t.start()
for t in ts:
    t.join()
for k in ("byte", "blank", "crlf", "talk"):
    print("%s %s" % (k, out.get(k, "failed")))
'
start "idle_timeout: 2"
timeout "$(tmo 120)" python3 -c "$drip_py" "$sock" 2 "$(tmo 30)" > "$tmp/drip" 2>&1 </dev/null
# closed NAME TEST: the dripper NAME was closed while it kept sending (5 or more sends).
closed() {
	_s=$(sed -n "s/^$1 closed after \([0-9]*\) sends$/\1/p" "$tmp/drip")
	if [ -n "$_s" ] && [ "$_s" -ge 5 ]; then ok "$2"; else not_ok "$2" "$(cat "$tmp/drip")"; fi
}
closed byte "a client sending one byte every 0.1 s but never a whole line is closed after idle_timeout"
closed blank "a client sending a blank line every 0.1 s is closed after idle_timeout"
closed crlf "a client sending a line of blanks and CR LF every 0.1 s is closed after idle_timeout"
if grep -q '^talk answered [0-9]' "$tmp/drip"; then
	ok "a client asking every 0.1 s keeps its slot for 2.5 idle timeouts"
else
	not_ok "a client asking every 0.1 s keeps its slot for 2.5 idle timeouts" "$(cat "$tmp/drip")"
fi
stop_daemon
rc=$?
[ $rc -eq 0 ] && ok "the daemon exits 0 on SIGTERM after the idle tests" ||
	not_ok "the daemon exits 0 on SIGTERM after the idle tests" "exit $rc" "$(tail -n 5 "$tmp/var.log")"

finish
