#!/bin/sh
# regress/fairshare.sh: clients that send many requests at once and never read
# their replies cost the daemon a bounded amount of memory, and everyone else is
# still served.  60 clients each write "feed\n" (then "plan --json\n") 13,107
# times, 64 KiB, in one write and read nothing; meanwhile `hotpatchctl status`
# must answer, every flooding client must have had its turn, and the daemon's
# peak RSS (VmHWM) must grow by less than 64 MB.  Waits are for conditions: the
# flood is over when two status calls in a row see no other request served.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"

scratch

# Memory figures of a daemon under valgrind or AddressSanitizer (shadow memory,
# quarantined frees) are the tool's own: the byte bound holds for a plain build.
rss_note=$(rss_tool)

# flood SOCK PID CLIENTS REQUEST: prints "key value" lines (see the end).  A watchdog
# kills the daemon if it grows by 256 MB, so that a daemon without the bound fails
# here instead of taking the machine's memory.
flood_py='
import fcntl, json, os, signal, socket, struct, subprocess, sys, termios, threading, time
path, pid, n, req, ctl, cap = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), \
    sys.argv[4].encode(), sys.argv[5], float(sys.argv[6])
KILL = 256 << 20
def mem(key):
    try:
        for l in open("/proc/%d/status" % pid):
            if l.startswith(key + ":"):
                return int(l.split()[1]) * 1024
    except OSError:
        pass
    return 0
base = mem("VmRSS")
killed = []
stop = threading.Event()
def watch():
    while not stop.is_set():
        if mem("VmRSS") > base + KILL:
            killed.append(mem("VmHWM"))
            os.kill(pid, signal.SIGKILL)
            return
        time.sleep(0.005)
threading.Thread(target=watch, daemon=True).start()
payload = (req + b"\n") * (65536 // (len(req) + 1))
socks = []
for i in range(n):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(cap)
    s.connect(path)
    s.sendall(payload)
    socks.append(s)
def status():
    try:
        p = subprocess.run([ctl, "--socket", path, "--json", "status"], capture_output=True,
                           timeout=cap, stdin=subprocess.DEVNULL)
        return json.loads(p.stdout)["requests"] if p.returncode == 0 else None
    except (subprocess.TimeoutExpired, ValueError, KeyError):
        return None
# The flood is over when a status call sees only itself served since the last one.
deadline = time.monotonic() + cap
first = prev = status()
calls, settled = 1, False
while prev is not None and time.monotonic() < deadline and not killed:
    cur = status()
    calls += 1
    if cur is None:
        break
    if cur == prev + 1:
        settled = True
        break
    prev = cur
stop.set()
# Bytes waiting unread at each flooding client: the greeting and at least one reply.
avail = []
for s in socks:
    buf = fcntl.ioctl(s.fileno(), termios.FIONREAD, struct.pack("i", 0))
    avail.append(struct.unpack("i", buf)[0])
print("answered %d" % (first is not None))
print("settled %d" % settled)
print("calls %d" % calls)
print("served %d" % ((prev or 0) - calls))
print("growth %d" % ((killed[0] if killed else mem("VmHWM")) - base))
print("killed %d" % bool(killed))
print("least_unread %d" % min(avail))
for s in socks:
    s.close()
'

# val KEY: a value from the flood's output in $tmp/flood.
val() { sed -n "s/^$1 //p" "$tmp/flood"; }

printf 'version: 1\nsocket: {idle_timeout: 3600}\n' > "$tmp/fair.yaml"
sock=$tmp/var/hotpatchd.sock
for what in "feed" "plan --json"; do
	rm -rf "$tmp/var"
	start_daemon "$tmp/var" -c "$tmp/fair.yaml" ||
		not_ok "the daemon starts ($what)" "$(cat "$tmp/var.log")"
	# Build what the requests use once, before the baseline.
	ctl feed
	ctl --json plan
	timeout "$(tmo 300)" python3 -c "$flood_py" "$sock" "$daemon_pid" 60 "$what" \
	    "$HOTPATCHCTL" "$(tmo 60)" > "$tmp/flood" 2>&1 </dev/null
	if [ "$(val answered)" = 1 ] && [ "$(val killed)" = 0 ]; then
		ok "60 clients flood '$what' without reading: status from another client answers"
	else
		not_ok "60 clients flood '$what' without reading: status from another client answers" \
		    "$(cat "$tmp/flood")"
	fi
	if [ "$(val settled)" = 1 ]; then
		ok "'$what' flood: the daemon stops serving the clients that do not read"
	else
		not_ok "'$what' flood: the daemon stops serving the clients that do not read" \
		    "$(cat "$tmp/flood")"
	fi
	g=$(val growth)
	if [ -n "$rss_note" ]; then
		skip "'$what' flood: the daemon's peak RSS grows by less than 64 MB" "$rss_note"
	elif [ -n "$g" ] && [ "$g" -lt $((64 << 20)) ]; then
		ok "'$what' flood: the daemon's peak RSS grows by less than 64 MB ($((g >> 20)) MB)"
	else
		not_ok "'$what' flood: the daemon's peak RSS grows by less than 64 MB" "$(cat "$tmp/flood")"
	fi
	# A feed reply is 80 KB, a JSON plan 110 KB: more than the greeting means one was sent.
	u=$(val least_unread)
	if [ -n "$u" ] && [ "$u" -gt 50000 ]; then
		ok "'$what' flood: every one of the 60 clients was served ($u bytes at the least)"
	else
		not_ok "'$what' flood: every one of the 60 clients was served" "$(cat "$tmp/flood")"
	fi
	# Each client may be ahead by what fits in 128 KiB of queue, one reply and the
	# kernel's socket buffer; far below the 13,107 requests each sent.
	s=$(val served)
	if [ -n "$s" ] && [ "$s" -ge 60 ] && [ "$s" -lt $((60 * 100)) ]; then
		ok "'$what' flood: at most 100 requests a client run ahead of its reading ($s in all)"
	else
		not_ok "'$what' flood: at most 100 requests a client run ahead of its reading" \
		    "$(cat "$tmp/flood")"
	fi
	# The hang-ups are seen on the daemon's next turns: wait for them.
	i=0 max=$((100 * $(tmo 1)))
	while [ $i -lt $max ]; do
		ctl --json status
		[ $rc -eq 0 ] && python3 -c 'import json, sys
sys.exit(json.load(open(sys.argv[1]))["clients"] != 1)' "$tmp/out" 2>/dev/null && break
		sleep 0.05
		i=$((i + 1))
	done
	if alive "$daemon_pid" && [ $i -lt $max ]; then
		ok "'$what' flood: once the clients hang up the daemon serves and holds one client"
	else
		not_ok "'$what' flood: once the clients hang up the daemon serves and holds one client" \
		    "exit $rc" "$(cat "$tmp/out" "$tmp/err")"
	fi
	stop_daemon
	rc=$?
	[ $rc -eq 0 ] && ok "'$what' flood: the daemon exits 0 on SIGTERM" ||
		not_ok "'$what' flood: the daemon exits 0 on SIGTERM" "exit $rc" "$(tail -n 5 "$tmp/var.log")"
done

finish
