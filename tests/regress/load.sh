#!/bin/sh
# regress/load.sh: hotpatchd under load and abuse, on 127.0.0.1 only, every loop bounded
# in count and time (about a minute in all):
#   1. 1,000 idle control connections and 1,000 idle HTTP connections (from 127.0.0.1, then
#      spread over 50 loopback source addresses) while a normal curl and hotpatchctl are
#      timed; then whether HTTP serves again once they are gone;
#   2. oversize HTTP request lines, headers and bodies, and an oversize control request;
#   3. a control client that sends half a request and stalls (idle_timeout 2);
#   4. 200 concurrent hotpatchctl clients during a storm of reloads and SIGHUPs, with the
#      schedules directory switching between two valid variants: every answer checked;
#   5. wrk on /rings/ring2.ics (256 connections for 30 s, 64 connections, and 304s), with
#      the daemon's RSS after a warm-up, after the run and after 10 s more (a leak grows
#      with responses; the memory pools of 256 connections do not).  Speeds are printed, never checked.
# Every time limit here only stops a wait that should end by itself (an answer, an EOF): all
# are generous and grow with $(tmo 1), exported to the Python helpers as TEST_SCALE.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch

needs "load tests" curl python3

TEST_SCALE=$(tmo 1)
export TEST_SCALE

# info TEXT: a line for the reader (numbers), not a test.
info() { echo "# $*"; }

# val KEY FILE: the value of a "key value..." line that a helper printed.
val() { sed -n "s/^$1 //p" "$2" | head -n 1; }

# le A B: the number A is at most B (both may be decimals).
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a + 0 <= b + 0) }'; }

# ---------------------------------------------------------------------------
# Python helpers.

# idle.py SOCK PORT CTL: item 1.  Prints "key value" lines.
cat > "$tmp/idle.py" <<'EOF'
import os, resource, socket, subprocess, sys, time
path, port, ctl = sys.argv[1], int(sys.argv[2]), sys.argv[3]
N = 1000
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
want = 2 * N + 200
if hard != resource.RLIM_INFINITY and hard < want:
    print("skip open-file hard limit %d < %d" % (hard, want)); sys.exit(0)
if soft != resource.RLIM_INFINITY and soft < want:
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
S = int(os.environ.get("TEST_SCALE", "1"))
deadline = time.monotonic() + 150 * S      # the whole helper, whatever happens

def timed(args):
    t = time.monotonic()
    try:
        p = subprocess.run(args, capture_output=True, text=True, timeout=30 * S)
        rc, out = p.returncode, p.stdout.strip()
    except subprocess.TimeoutExpired:
        rc, out = "timeout", ""
    return "%s %.3f %s" % (rc, time.monotonic() - t, out.split("\n")[0] if out else "-")

def curl(src, maxt):
    how = [] if src == "127.0.0.1" else ["--interface", src]
    return timed(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", str(maxt)] +
                 how + ["http://127.0.0.1:%d/healthz" % port])

def status():
    return timed([ctl, "--socket", path, "status"])

def held(socks):
    """How many of socks the server still holds open, and how many it closed."""
    op = cl = 0
    for s in socks:
        s.setblocking(False)
        try:
            b = s.recv(4096)
            cl += 1
        except BlockingIOError:
            op += 1
        except OSError:
            cl += 1
    return op, cl

def tcp_conns(srcs):
    socks, failed = [], 0
    t = time.monotonic()
    for i in range(N):
        s = socket.socket()
        s.settimeout(30 * S)
        try:
            s.bind((srcs[i % len(srcs)], 0))
            s.connect(("127.0.0.1", port))
            socks.append(s)
        except OSError:
            failed += 1
            s.close()
    return socks, failed, time.monotonic() - t

# 1,000 idle control connections, each reading its greeting.
t = time.monotonic()
ctls, greeted, busy = [], 0, 0
for i in range(N):
    # A full backlog (128) makes connect fail at once with EAGAIN: retry, bounded.
    while time.monotonic() < deadline:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(30 * S)
        try:
            s.connect(path)
            ctls.append(s)
            break
        except BlockingIOError:
            s.close()
            time.sleep(0.002)
        except OSError:
            s.close()
            break
for s in ctls:
    try:
        g = b""
        while not g.endswith(b"\n") and time.monotonic() < deadline:
            b = s.recv(100)
            if not b:
                break
            g += b
        if g.startswith(b"hotpatchd 1 "):
            greeted += 1
        elif g.startswith(b"503 "):
            busy += 1
    except OSError:
        pass
print("ctl_connected %d" % len(ctls))
print("ctl_greeted %d" % greeted)
print("ctl_503 %d" % busy)
print("ctl_secs %.2f" % (time.monotonic() - t))

# conns_report TAG ADDRS: open the idle TCP connections from ADDRS, wait, and say how many
# connected, failed, are still held and were closed, as TAG_... lines; returns them.
def conns_report(tag, addrs):
    socks, failed, secs = tcp_conns(addrs)
    time.sleep(0.5)
    op, cl = held(socks)
    for k, v in (("connected", len(socks)), ("failed", failed), ("secs", "%.2f" % secs),
                 ("held", op), ("closed", cl)):
        print("%s_%s %s" % (tag, k, v))
    return socks

# 1,000 idle TCP connections from 127.0.0.1.
socks = conns_report("one", ["127.0.0.1"])
print("one_curl_same %s" % curl("127.0.0.1", 30 * S))
print("one_curl_other %s" % curl("127.0.0.2", 30 * S))
print("one_status %s" % status())
for s in socks:
    s.close()
time.sleep(0.3)

# 1,000 idle TCP connections from 50 loopback addresses, 20 each (from several addresses, as behind several proxies).
try:
    socket.socket().bind(("127.0.1.1", 0))
    spread = True
except OSError:
    spread = False
print("spread %s" % ("yes" if spread else "no"))
if spread:
    socks = conns_report("many", ["127.0.1.%d" % (i + 1) for i in range(50)])
    print("many_curl_other %s" % curl("127.0.0.2", 30 * S))
    print("many_status %s" % status())
    for s in socks:
        s.close()
    # Does HTTP come back once they are gone?  Tried until it does, or the deadline.
    t = time.monotonic()
    back = "no"
    while True:
        r = curl("127.0.0.1", 10 * S)
        if r.split()[2] == "200":
            back = "%.3f" % (time.monotonic() - t)
            break
        if time.monotonic() > deadline:
            break
        time.sleep(0.1)
    print("after_back %s" % back)
    print("after_curl %s" % r)

op, cl = held(ctls)
print("ctl_still_open %d" % op)
print("final_status %s" % status())
EOF

# others.py SOCK CTL PORT: item 3's other clients, beside the stalled one: 8 rounds of
# hotpatchctl status and curl /healthz, each timed.  Prints "key value" lines.
cat > "$tmp/others.py" <<'EOF'
import os, subprocess, sys, time
path, ctl, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
S = int(os.environ.get("TEST_SCALE", "1"))
worst, fails, n = 0.0, [], 0
for i in range(8):
    n += 1
    for args in ([ctl, "--socket", path, "status"],
                 ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", str(30 * S),
                  "http://127.0.0.1:%d/healthz" % port]):
        t = time.monotonic()
        try:
            p = subprocess.run(args, capture_output=True, text=True, timeout=30 * S)
        except subprocess.TimeoutExpired:
            fails.append("%s: timed out" % args[0])
            continue
        d = time.monotonic() - t
        worst = max(worst, d)
        if p.returncode != 0 or (args[0] == "curl" and p.stdout != "200"):
            fails.append("%s: %d %s" % (args[0], p.returncode, p.stdout[:40]))
print("others %d" % (2 * n))
print("worst %.3f" % worst)
print("fails %d %s" % (len(fails), "; ".join(fails[:3])))
EOF

# storm.py CTL SOCK PID LINK VARIANT_A VARIANT_B: item 4.  Prints "key value" lines, and
# "bad ..." lines for wrong answers.
cat > "$tmp/storm.py" <<'EOF'
import json, os, signal, subprocess, sys, threading, time
ctl, sock, pid, link, va, vb = sys.argv[1:7]
pid = int(sys.argv[3])
N = 200
S = int(os.environ.get("TEST_SCALE", "1"))

def point(target):
    tmp = link + ".new"
    if os.path.lexists(tmp):
        os.unlink(tmp)
    os.symlink(target, tmp)
    os.rename(tmp, link)        # atomic: the daemon sees one variant or the other

def run(*args):
    p = subprocess.run([ctl, "--socket", sock] + list(args), capture_output=True, text=True, timeout=60 * S)
    return p.returncode, p.stdout, p.stderr

# The right answers under each variant.
refs, months = {}, []
for v in (va, vb):
    point(v)
    rc, out, err = run("reload")
    assert rc == 0, "reload: %d %s" % (rc, err)
    rc, out, err = run("--json", "status")
    j = json.loads(out)
    refs[(j["rings"], j["blackouts"])] = v
    rc, out, err = run("month", "2026-10", "--os", "win11-24h2", "--json")
    assert rc == 0, "month: %d %s" % (rc, err)
    months.append(json.loads(out))
print("variants %s" % " ".join("%d/%d" % k for k in sorted(refs)))
if len(refs) != 2:
    print("bad the two variants are not told apart by status: %r" % refs)
schedules = json.loads(run("--json", "status")[1])["schedules"]

stop = threading.Event()
stats = {"reload": 0, "reload_bad": 0, "hup": 0, "swap": 0}
bad = []
def storm():
    i = 0
    t = time.monotonic()
    while not stop.is_set() and time.monotonic() - t < 120 * S:
        point(va if i % 2 else vb)
        stats["swap"] += 1
        if i % 3 == 2:
            os.kill(pid, signal.SIGHUP)
            stats["hup"] += 1
        else:
            rc, out, err = run("reload")
            stats["reload"] += 1
            if rc != 0 or not out.startswith("reloaded: "):
                stats["reload_bad"] += 1
                bad.append("reload: exit %d %r %r" % (rc, out[:80], err[:80]))
        i += 1
th = threading.Thread(target=storm)
th.start()
time.sleep(0.2)

kinds = [["status"], ["--json", "status"], ["month", "2026-10", "--os", "win11-24h2", "--json"]]
ROUNDS = 5
t0 = time.monotonic()
storm_at_start = stats["reload"] + stats["hup"]
good = 0
for r in range(ROUNDS):
    # 200 clients at once: all started before the first is waited for.
    procs = []
    for i in range(N):
        a = kinds[(i + r) % 3]
        procs.append((a, subprocess.Popen([ctl, "--socket", sock] + a, stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True)))
    for a, p in procs:
        try:
            out, err = p.communicate(timeout=max(1, 120 * S - (time.monotonic() - t0)))
        except subprocess.TimeoutExpired:
            p.kill(); out, err = p.communicate()
            bad.append("%s: timed out" % " ".join(a)); continue
        why = None
        try:
            if p.returncode != 0 or err:
                why = "exit %d, stderr %r" % (p.returncode, err[:120])
            elif a == ["status"]:
                line = [l for l in out.splitlines() if l.startswith("schedules ")]
                w = line[0].split() if line else []
                # "schedules  PATH (13 rings, 3 blackouts)"
                if len(w) != 6 or w[1] != schedules or (int(w[2][1:]), int(w[4])) not in refs:
                    why = "schedules line %r" % line
            elif a[0] == "--json":
                j = json.loads(out)
                if (j["rings"], j["blackouts"]) not in refs or j["schedules"] != schedules:
                    why = "rings/blackouts %r/%r" % (j["rings"], j["blackouts"])
            else:
                if json.loads(out) not in months:
                    why = "month answer %r" % out[:120]
        except Exception as e:
            why = "%s: %s in %r" % (type(e).__name__, e, out[:120])
        if why:
            bad.append("%s: %s" % (" ".join(a), why))
        else:
            good += 1
secs = time.monotonic() - t0
storm_during = stats["reload"] + stats["hup"] - storm_at_start
stop.set()
th.join()
print("clients %d" % (N * ROUNDS))
print("good %d" % good)
print("secs %.2f" % secs)
print("reloads %d" % stats["reload"])
print("reload_bad %d" % stats["reload_bad"])
print("hups %d" % stats["hup"])
print("swaps %d" % stats["swap"])
print("storm_during %d" % storm_during)
for b in bad[:10]:
    print("bad %s" % b)
print("nbad %d" % len(bad))
EOF

# wrk.py FILE: the numbers of a wrk report as "requests errors non2xx rps bytes_per_response".
cat > "$tmp/wrk.py" <<'EOF'
import re, sys
t = open(sys.argv[1]).read()
m = re.search(r"(\d+) requests in [\d.]+\w+, ([\d.]+)(B|KB|MB|GB|TB) read", t)
reqs = int(m.group(1)) if m else 0
size = float(m.group(2)) * 1024 ** "B KB MB GB TB".split().index(m.group(3)) if m else 0
e = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", t)
errs = sum(int(x) for x in e.groups()) if e else 0
errtext = "connect %s read %s write %s timeout %s" % e.groups() if e else "none"
n = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
r = re.search(r"Requests/sec:\s+([\d.]+)", t)
print("%d %d %d %s %d %s" % (reqs, errs, int(n.group(1)) if n else 0, r.group(1) if r else "0",
                            size / reqs if reqs else 0, errtext.replace(" ", "_")))
EOF

rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }

# ---------------------------------------------------------------------------
# 1. 1,000 idle control connections and 1,000 idle HTTP connections.

# No per-address cap and a far header deadline here: this is about the total limit
# (slowloris.sh tests the cap and the deadline).
printf 'version: 1\nsocket: {max_clients: 1100, idle_timeout: 600}\nhttp: {max_per_address: 0, header_timeout: 300}\n' > "$tmp/a.yaml"
port=$(free_port)
sock=$tmp/a/hotpatchd.sock
start_daemon "$tmp/a" -c "$tmp/a.yaml" --http "127.0.0.1:$port" ||
	not_ok "daemon A (max_clients 1100, idle_timeout 600, --http) starts" "$(tail -n 5 "$tmp/a.log")"
timeout "$(tmo 180)" python3 "$tmp/idle.py" "$sock" "$port" "$HOTPATCHCTL" > "$tmp/idle" 2> "$tmp/idle.err" </dev/null
sed 's/^/# idle: /' "$tmp/idle"
if grep -q '^skip ' "$tmp/idle"; then
	skip "1,000 idle connections" "$(val skip "$tmp/idle")"
else
	c=$(val ctl_greeted "$tmp/idle")
	[ "$c" = 1000 ] && ok "1,000 control connections are all greeted (max_clients 1100)" ||
		not_ok "1,000 control connections are all greeted (max_clients 1100)" \
		    "greeted $c, 503 $(val ctl_503 "$tmp/idle")" "$(cat "$tmp/idle.err")"
	c=$(val ctl_still_open "$tmp/idle")
	[ "$c" = 1000 ] && ok "the 1,000 idle control connections stay open throughout (idle_timeout 600)" ||
		not_ok "the 1,000 idle control connections stay open throughout (idle_timeout 600)" "$c open"

	# timed_ok NAME KEY WANT: the "rc secs out" line KEY answered WANT (the time is shown,
	# not checked: the client's time limit only catches a daemon that does not answer).
	timed_ok() {
		_r=$(val "$2" "$tmp/idle")
		set -- "$1" "$2" "$3" $_r
		if [ "${4:-}" = 0 ] && [ "${6:-}" = "$3" ]; then
			ok "$1 (${5}s)"
		else
			not_ok "$1" "exit ${4:-?}, ${5:-?} s, output '${6:-}' (want exit 0, '$3')"
		fi
	}
	one=$(val one_connected "$tmp/idle") held=$(val one_held "$tmp/idle") closed=$(val one_closed "$tmp/idle")
	info "1,000 HTTP connections from 127.0.0.1: $one connected, $held held open by the daemon, $closed closed by it"
	# With max_per_address 0 all 1,000 stay open, under the total limit of 2048.
	if [ "$one" = 1000 ] && [ "$held" = 1000 ] && [ "$closed" = 0 ]; then
		ok "1,000 idle HTTP connections from one address are all held open (no per-address cap)"
	else
		not_ok "1,000 idle HTTP connections from one address are all held open (no per-address cap)" \
		    "connected $one, held $held, closed $closed"
	fi
	timed_ok "with them and the control connections open, hotpatchctl status answers" one_status version
	timed_ok "with them open, curl /healthz from 127.0.0.2 gets 200" one_curl_other 200
	timed_ok "with them open, a normal curl /healthz from 127.0.0.1 gets 200" one_curl_same 200
	if [ "$(val spread "$tmp/idle")" = yes ]; then
		many=$(val many_connected "$tmp/idle") held=$(val many_held "$tmp/idle") closed=$(val many_closed "$tmp/idle")
		info "1,000 HTTP connections from 50 addresses (20 each): $many connected, $held not closed by the daemon, $closed closed by it"
		timed_ok "with 1,000 idle HTTP connections from 50 addresses open, curl /healthz from 127.0.0.2 gets 200" many_curl_other 200
		timed_ok "with them open, hotpatchctl status answers" many_status version
		b=$(val after_back "$tmp/idle")
		if [ "$b" != no ] && [ -n "$b" ]; then
			ok "once those connections are closed, HTTP serves again (after ${b}s)"
		else
			not_ok "once those connections are closed, HTTP serves again" "last curl: $(val after_curl "$tmp/idle")"
		fi
	else
		skip "1,000 idle HTTP connections from 50 addresses" "cannot bind 127.0.1.1"
	fi
	timed_ok "hotpatchctl status still answers after all that" final_status version
fi
alive "$daemon_pid" && ok "daemon A is alive after the idle connections" ||
	not_ok "daemon A is alive after the idle connections" "$(tail -n 5 "$tmp/a.log")"
info "daemon A logged $(grep -c 'connection limit' "$tmp/a.log") 'connection limit' warnings"
stop_daemon
rc=$?
[ $rc -eq 0 ] && ok "daemon A exits 0 on SIGTERM" || not_ok "daemon A exits 0 on SIGTERM" "exit $rc"

# ---------------------------------------------------------------------------
# Daemon B for the rest: idle_timeout 2 (60 from item 4 on), room for 200 clients, the schedules directory a
# symlink to one of two variants (A: every shipped ring file; B: autopatch-default alone).

mkdir "$tmp/varA" "$tmp/varB"
cp "$SCHED"/*.yaml "$tmp/varA/"
cp "$SCHED/autopatch-default.yaml" "$tmp/varB/"
ln -s "$tmp/varA" "$tmp/sched"
printf 'version: 1\nsocket: {max_clients: 300, idle_timeout: 2}\nhttp: {max_per_address: 0}\n' > "$tmp/b.yaml"	# wrk -c256: one address
port=$(free_port)
base=http://127.0.0.1:$port
sock=$tmp/b/hotpatchd.sock
start_daemon "$tmp/b" -c "$tmp/b.yaml" --http "127.0.0.1:$port" --schedules "$tmp/sched" ||
	not_ok "daemon B (idle_timeout 2, --http) starts" "$(tail -n 5 "$tmp/b.log")"

# serving NAME: the daemon is alive and /healthz answers 200.
serving() {
	_c=$(curl -s -o /dev/null -w '%{http_code}' --max-time "$(tmo 60)" "$base/healthz")
	if alive "$daemon_pid" && [ "$_c" = 200 ]; then ok "$1"; else not_ok "$1" "healthz: $_c"; fi
}
# hraw PYTHON-BYTES: send them to the HTTP port; the reply's status code, or "closed".
hraw() {
	raw_send "$port" open "$1" "$tmp/raw" "$(tmo 60)" 2>/dev/null </dev/null
	http_status "$tmp/raw"
}

# ---------------------------------------------------------------------------
# 2. Oversize requests.

st=$(hraw 'b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\nHost: t\r\n\r\n"')
case $st in 414|431|413|400|closed) ok "a 100 KB request line is refused ($st)" ;; *) not_ok "a 100 KB request line is refused" "status $st" ;; esac
st=$(hraw 'b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: " + b"x" * 100000 + b"\r\n\r\n"')
case $st in 431|413|400|closed) ok "a 100 KB header is refused ($st)" ;; *) not_ok "a 100 KB header is refused" "status $st" ;; esac
st=$(hraw 'b"GET /healthz HTTP/1.1\r\nHost: t\r\n" + b"X-H: y\r\n" * 20000 + b"\r\n"')
case $st in 431|413|400|closed) ok "20,000 headers (160 KB) are refused ($st)" ;; *) not_ok "20,000 headers are refused" "status $st" ;; esac
st=$(hraw 'b"GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 100000000\r\n\r\n" + b"x" * (1 << 20)')
case $st in 413|400|closed) ok "GET with a 100 MB Content-Length and 1 MB sent is refused ($st)" ;; *) not_ok "GET with a 100 MB Content-Length is refused" "status $st" ;; esac
st=$(hraw 'b"POST /calendar.ics HTTP/1.1\r\nHost: t\r\nContent-Length: 1048576\r\n\r\n" + b"x" * (1 << 20)')
case $st in 405|413|400|closed) ok "POST with a 1 MB body is refused ($st)" ;; *) not_ok "POST with a 1 MB body is refused" "status $st" ;; esac
st=$(hraw 'b"GET /healthz HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" + b"10000\r\n" + b"x" * 65536 + b"\r\n" * 1 + (b"10000\r\n" + b"x" * 65536 + b"\r\n") * 15')
case $st in 413|400|closed) ok "GET with a 1 MB chunked body is refused ($st)" ;; *) not_ok "GET with a 1 MB chunked body is refused" "status $st" ;; esac
serving "the daemon still serves HTTP after the oversize requests"

raw_send "$sock" open 'b"status" + b" " * (65536 - 6) + b"\n" + b"status\n"' "$tmp/bigout" "$(tmo 60)" \
    </dev/null
python3 -c 'import sys; print("%s %r" % (open(sys.argv[1] + ".end").read().strip(),
    open(sys.argv[1], "rb").read().split(b"\n")[1:]))' "$tmp/bigout" > "$tmp/big" 2>&1
case $(cat "$tmp/big") in "eof [b'413 "*"', b'']"|"reset [b'413 "*"', b'']")
	ok "a 65,537-byte control request gets 413, the connection is closed, the next request is not read" ;;
*) not_ok "a 65,537-byte control request gets 413, the connection is closed, the next request is not read" "$(cat "$tmp/big")" ;;
esac
ctl status
answered "hotpatchctl status still works after the oversize control request"

# ---------------------------------------------------------------------------
# 3. Half a request, then silence: closed by idle_timeout 2 while others are served.

# The stalled client connects and sends half a line; once its greeting is in, the others run.
printf 'calendar --year 20' | raw_send "$sock" open - "$tmp/stalled" "$(tmo 30)" &
stalled_pid=$!
wait_until test -s "$tmp/stalled"
timeout "$(tmo 120)" python3 "$tmp/others.py" "$sock" "$HOTPATCHCTL" "$port" > "$tmp/stall" 2>&1 </dev/null
wait "$stalled_pid"
{
	echo "end $(cat "$tmp/stalled.end")"
	echo "secs $(cat "$tmp/stalled.secs")"
	echo "after_greeting $(sed 1d "$tmp/stalled" | wc -c | tr -d ' ') bytes"
} >> "$tmp/stall"
sed 's/^/# stall: /' "$tmp/stall"
e=$(val end "$tmp/stall") s=$(val secs "$tmp/stall")
# Not before the idle timeout; closed at all (a late timer on a busy machine is no failure).
if [ "$e" = eof ] && le 1.5 "$s" && [ "$(val after_greeting "$tmp/stall")" = "0 bytes" ]; then
	ok "a client that sends half a request and stalls is closed after ${s}s (idle_timeout 2), with no reply"
else
	not_ok "a client that sends half a request and stalls is closed after about 2 s, with no reply" "$(cat "$tmp/stall")"
fi
f=$(val fails "$tmp/stall") w=$(val worst "$tmp/stall")
if [ "${f%% *}" = 0 ] && [ "$(val others "$tmp/stall")" -gt 0 ]; then
	ok "meanwhile $(val others "$tmp/stall") hotpatchctl and curl requests are all served (slowest ${w}s)"
else
	not_ok "meanwhile hotpatchctl and curl requests are all served" "fails: $f" "slowest: $w s"
fi

# ---------------------------------------------------------------------------
# 4. 200 concurrent clients during a reload storm.

# The storm runs with idle_timeout 60, not item 3's 2 s: 200 clients starting at once on a
# busy machine may wait seconds for the CPU between greeting and request, and a daemon that
# closes such a client is doing its job, not losing an answer.  Same state directory.
stop_daemon || not_ok "daemon B (idle_timeout 2) exits 0 before its restart" "exit $?"
printf 'version: 1\nsocket: {max_clients: 300, idle_timeout: 60}\nhttp: {max_per_address: 0}\n' > "$tmp/b.yaml"
start_daemon "$tmp/b" -c "$tmp/b.yaml" --http "127.0.0.1:$port" --schedules "$tmp/sched" ||
	not_ok "daemon B restarts with idle_timeout 60" "$(tail -n 5 "$tmp/b.log")"

timeout "$(tmo 300)" python3 "$tmp/storm.py" "$HOTPATCHCTL" "$sock" "$daemon_pid" "$tmp/sched" "$tmp/varA" "$tmp/varB" \
    > "$tmp/storm" 2>&1 </dev/null
grep -v '^bad ' "$tmp/storm" | sed 's/^/# storm: /'
g=$(val good "$tmp/storm") nb=$(val nbad "$tmp/storm")
name="5 rounds of 200 concurrent hotpatchctl clients (status, status --json, month --json): all 1,000 exit 0 with an answer of the old or the new configuration"
if [ "$g" = 1000 ] && [ "$nb" = 0 ]; then
	ok "$name"
else
	not_ok "$name" "good: $g of 1000" "$(grep '^bad ' "$tmp/storm" | head -n 10)" "$(grep -v '^bad ' "$tmp/storm" | tail -n 3)"
fi
d=$(val storm_during "$tmp/storm") rb=$(val reload_bad "$tmp/storm")
if [ -n "$d" ] && [ "$d" -ge 5 ] && [ "$rb" = 0 ]; then
	ok "the storm ran alongside them: $d reloads and SIGHUPs while they ran, every reload exit 0"
else
	not_ok "the storm ran alongside them, every reload exit 0" "reloads and SIGHUPs during: $d" "failed reloads: $rb"
fi
serving "the daemon still serves HTTP after the storm"

# ---------------------------------------------------------------------------
# 5. wrk on /rings/ring2.ics.

if ! command -v wrk > /dev/null 2>&1; then
	skip "wrk on /rings/ring2.ics" "needs wrk"
else
	ring=/rings/ring2.ics
	etag=$(curl -s -o /dev/null -D - --max-time "$(tmo 60)" "$base$ring" | sed -n 's/^[Ee][Tt][Aa][Gg]: *//p' | tr -d '\r')
	# wrkrun NAME CONNS SECS [wrk args]: run wrk, parse the report into $w_*.  An answer
	# counts as lost only after $(tmo 10) s, not wrk's 2 s: a busy machine is slow, not wrong.
	wrkrun() {
		_w=$1 _c=$2 _d=$3
		shift 3
		timeout $((_d + 20 + $(tmo 10))) wrk -t2 -c"$_c" -d"${_d}s" --timeout "$(tmo 10)s" --latency "$@" \
		    "$base$ring" > "$tmp/wrk.$_w" 2>&1
		set -- $(python3 "$tmp/wrk.py" "$tmp/wrk.$_w")
		w_reqs=$1 w_errs=$2 w_non=$3 w_rps=$4 w_bytes=$5 w_etext=$6
		info "wrk $_w: -c$_c ${_d}s: $w_reqs responses, $w_rps req/s, $w_bytes bytes per response, socket errors $w_etext, non-2xx/3xx $w_non"
	}
	# wrk_clean KEY NAME: the last run answered, with no socket error and no non-2xx/3xx.
	wrk_clean() {
		if [ "$w_reqs" -gt 0 ] && [ "$w_errs" = 0 ] && [ "$w_non" = 0 ]; then
			ok "$2: zero socket errors, zero non-2xx/3xx ($w_reqs responses)"
		else
			not_ok "$2: zero socket errors, zero non-2xx/3xx" \
			    "responses $w_reqs, socket errors $w_errs ($w_etext), non-2xx/3xx $w_non" \
			    "$(grep -E 'requests in|Socket errors|Non-2xx' "$tmp/wrk.$1")"
		fi
	}
	limit_logs=$(grep -c 'connection limit' "$tmp/b.log")
	# A connection's memory pool (HTTP_CONN_MEMORY in src/http.c, set as libmicrohttpd's
	# CONNECTION_MEMORY_LIMIT) is reused, not grown, but its pages are first touched only
	# when the daemon gets round to them: on a busy machine that may be during the measured
	# run, not the warm-up.  So the first bound allows one pool per connection besides 10%
	# or 4 MB; the second, taken after more runs once every pool has been used, allows 4 MB.
	pool_kb=$(( $(sed -n 's/^#define HTTP_CONN_MEMORY[[:space:]]*(\([0-9]*\)u \* 1024).*/\1/p' "$top_srcdir/src/http.c") + 0 ))
	wrkrun warmup 256 5
	rss0=$(rss "$daemon_pid")
	wrkrun c256 256 30
	rss1=$(rss "$daemon_pid")
	wrk_clean c256 "wrk -c256 for 30 s on $ring"
	info "daemon RSS: ${rss0} kB after the warm-up, ${rss1} kB after the 30 s run (pools: 256 x ${pool_kb} kB)"
	slack=$((rss0 / 10 > 4096 ? rss0 / 10 : 4096))
	if [ -n "$(rss_tool)" ]; then
		skip "RSS after 30 s of wrk is within 10% or 4 MB, and 256 pools, of RSS after the warm-up" "$(rss_tool)"
	elif [ "$pool_kb" -eq 0 ]; then
		not_ok "HTTP_CONN_MEMORY is read from src/http.c" "no '#define HTTP_CONN_MEMORY (N u * 1024)' there"
	elif [ -n "$rss0" ] && [ -n "$rss1" ] && [ "$rss1" -le $((rss0 + slack + 256 * pool_kb)) ]; then
		ok "RSS after 30 s of wrk (${rss1} kB) is within 10% or 4 MB, and 256 pools, of RSS after the warm-up (${rss0} kB)"
	else
		not_ok "RSS after 30 s of wrk is within 10% or 4 MB, and 256 pools, of RSS after the warm-up" "${rss0} kB -> ${rss1} kB"
	fi
	wrkrun c64 64 5
	wrk_clean c64 "wrk -c64 for 5 s on $ring"
	wrkrun inm256 256 5 -H "If-None-Match: $etag"
	wrk_clean inm256 "wrk -c256 for 5 s on $ring with If-None-Match"
	if [ "$w_reqs" -gt 0 ] && [ "$w_bytes" -lt 1024 ]; then
		ok "with If-None-Match the answers are 304s ($w_bytes bytes per response)"
	else
		not_ok "with If-None-Match the answers are 304s" "$w_bytes bytes per response, etag '$etag'"
	fi
	info "daemon B logged $(($(grep -c 'connection limit' "$tmp/b.log") - limit_logs)) 'connection limit' warnings during the wrk runs"
	rss2=$(rss "$daemon_pid")
	info "daemon RSS: ${rss2} kB after 10 s more of wrk"
	if [ -n "$(rss_tool)" ]; then
		skip "RSS after 10 s more of wrk is within 4 MB of RSS after the 30 s run" "$(rss_tool)"
	elif [ -n "$rss2" ] && [ -n "$rss1" ] && [ "$rss2" -le $((rss1 + 4096)) ]; then
		ok "RSS after 10 s more of wrk (${rss2} kB) is within 4 MB of RSS after the 30 s run (${rss1} kB)"
	else
		not_ok "RSS after 10 s more of wrk is within 4 MB of RSS after the 30 s run" "${rss1} kB -> ${rss2} kB"
	fi
	serving "the daemon still serves HTTP after wrk"
fi

alive "$daemon_pid" && ok "daemon B is alive after everything" || not_ok "daemon B is alive after everything" "$(tail -n 5 "$tmp/b.log")"
stop_daemon
rc=$?
[ $rc -eq 0 ] && ok "daemon B exits 0 on SIGTERM" || not_ok "daemon B exits 0 on SIGTERM" "exit $rc"

finish
