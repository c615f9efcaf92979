#!/bin/sh
# regress/proto.sh: the control protocol by hand (socat and raw sockets): the greeting,
# pipelining, quoting, and malformed requests of every kind, each answered with the right
# code or closed cleanly while the daemon keeps serving; then the connection limits
# (idle timeout, max_clients) from a configuration file.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch

version=$(sed -n 's/^AC_INIT(\[hotpatchd\], \[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")

# talk: send stdin on one connection with socat, which half-closes when stdin ends and
# waits for the daemon to finish and close (at most $(tmo 30) s); the transcript goes to $tmp/t.
talk() {
	timeout "$(tmo 90)" socat -t "$(tmo 30)" -T "$(tmo 60)" - "UNIX-CONNECT:$sock" > "$tmp/t" 2> "$tmp/t.err"
}

# raw MODE: the same with a Python client (raw_send in lib.sh), for what socat cannot time:
# MODE is half, open, abort or slow.  The transcript goes to $tmp/t, how the connection
# ended (eof, reset, timeout) to $tmp/t.end.
raw() {
	raw_send "$sock" "$1" - "$tmp/t" "$(tmo 60)"
}

# codes: the reply status lines of $tmp/t (without the greeting), one a line.
codes() {
	replies "$tmp/t" > "$tmp/t.replies" && sed 1d "$tmp/t.replies"
}

# daemon_ok NAME: the daemon process is alive after NAME (used after every abuse case).
daemon_ok() {
	alive "$daemon_pid" || not_ok "the daemon survives: $1" "pid $daemon_pid is gone" "$(tail -n 5 "$tmp/var.log")"
}

# bad_request NAME CODE MSGPART: the one reply in $tmp/t has CODE and MSGPART in its message.
reply_is() {
	_name=$1 _code=$2 _part=$3
	_r=$(codes)
	if [ "$(printf '%s\n' "$_r" | grep -c .)" = 1 ] && case $_r in "$_code "*"$_part"*) true ;; *) false ;; esac; then
		ok "$_name"
	else
		not_ok "$_name" "replies: $_r" "want one reply: $_code ...$_part..."
	fi
	daemon_ok "$_name"
}

start_daemon "$tmp/var" || not_ok "the daemon starts" "$(cat "$tmp/var.log")"

# ---------------------------------------------------------------------------
# Greeting, one request, pipelining.

printf 'status\n' | talk
g=$(head -n 1 "$tmp/t")
[ "$g" = "hotpatchd 1 $version" ] && ok "the greeting is 'hotpatchd 1 $version'" ||
	not_ok "the greeting is 'hotpatchd 1 $version'" "got: $g"
r=$(codes)
case $r in "200 "*" ok") ok "a request answered, then the half-closed connection is closed" ;;
*) not_ok "a request answered, then the half-closed connection is closed" "replies: $r" "$(cat "$tmp/t.err")" ;; esac

printf 'month 2026-10 --os win11-24h2 --json\nbogus\nmonth 2026-11 --json --os win11-24h2\n' | talk
r=$(codes | cut -d' ' -f1 | tr '\n' ' ')
if [ "$r" = "200 400 200 " ]; then
	ok "three pipelined requests get three replies: 200, 400, 200"
else
	not_ok "three pipelined requests get three replies: 200, 400, 200" "codes: $r" "$(cat "$tmp/t.replies")"
fi
json_check "the pipelined replies come in request order (2026-10 baseline first, 2026-11 hotpatch last)" "$tmp/t.1" '
	eq((j["month"], j["os"][0]["kind"]), ("2026-10", "baseline"), "first reply")
	k = json.load(open(sys.argv[1][:-1] + "3"))
	eq((k["month"], k["os"][0]["kind"]), ("2026-11", "hotpatch"), "third reply")
'
[ -s "$tmp/t.2" ] && not_ok "an error reply has an empty body" "$(cat "$tmp/t.2")" || ok "an error reply has an empty body"

i=0
: > "$tmp/many"
while [ $i -lt 20 ]; do printf 'month 2026-%02d --os ws2022-azure\n' $((i % 12 + 1)) >> "$tmp/many"; i=$((i + 1)); done
talk < "$tmp/many"
r=$(codes | grep -c '^200 ')
[ "$r" = 20 ] && ok "20 pipelined requests get 20 answers" || not_ok "20 pipelined requests get 20 answers" "$r answers"

printf '\n\r\n\nstatus\n\n\r\n' | talk
r=$(codes)
case $r in "200 "*" ok") ok "blank lines (and bare CRLFs) are ignored: one request, one reply" ;;
*) not_ok "blank lines (and bare CRLFs) are ignored: one request, one reply" "replies: $r" ;; esac

printf 'month 2026-11 --os win11-24h2 --json\r\n' | talk
r=$(codes)
case $r in "200 "*) json_check "a request ending in CRLF is answered like one ending in LF" "$tmp/t.1" '
	eq(j["os"][0]["kind"], "hotpatch", "kind")' ;;
*) not_ok "a request ending in CRLF is answered like one ending in LF" "replies: $r" ;; esac

printf 'month "2026-11" --os "win11-24h2" "--json"\n' | talk
codes > /dev/null
case $(codes) in "200 "*) json_check "quoted plain words mean the same as unquoted ones" "$tmp/t.1" '
	eq((j["month"], j["os"][0]["os"]), ("2026-11", "win11-24h2"), "answer")' ;;
*) not_ok "quoted plain words mean the same as unquoted ones" "replies: $(codes)" ;; esac

printf -- '--at 2026-11-20 --json next --os ws2022-azure\n' | talk
case $(codes) in "200 "*) json_check "--at and --json may come before the command" "$tmp/t.1" '
	eq([r["month"] for r in j["releases"]], ["2026-12"], "months")' ;;
*) not_ok "--at and --json may come before the command" "replies: $(codes)" ;; esac

printf 'override set ws2022-azure 2026-12 baseline --reason "CISO said \\"now\\", a \\\\ b"\noverride list --json --os ws2022-azure\noverride clear ws2022-azure 2026-12\n' | talk
r=$(codes | cut -d' ' -f1 | tr '\n' ' ')
if [ "$r" = "200 200 200 " ]; then
	json_check "a quoted --reason with spaces, \\\" and \\\\ is stored unquoted" "$tmp/t.2" '
	eq([(o["month"], o["reason"]) for o in j["overrides"]], [("2026-12", "CISO said \"now\", a \\ b")], "overrides")'
else
	not_ok "a quoted --reason with spaces, \\\" and \\\\ is stored unquoted" "codes: $r" "$(cat "$tmp/t.replies")"
fi

# ---------------------------------------------------------------------------
# Malformed requests: each gets 400 and the connection goes on (the half-close ends it).
# NAME|MESSAGE PART|printf format of the request

while IFS='|' read -r name part fmt; do
	[ -n "$name" ] || continue
	# (A leading %s keeps a request that starts with "--" from being read as an option.)
	# shellcheck disable=SC2059
	printf "%s$fmt" "" | talk
	reply_is "$name: 400" 400 "$part"
done <<'EOF'
an unknown command|unknown command|bogus\n
an unknown two-word command|unknown command|os frob\n
control-character garbage|control character|\001\002\003\004\n
binary garbage that is not UTF-8|UTF-8|\001\376\200\377\n
a month out of range|2026-13|month 2026-13\n
a missing argument||month\n
an extra argument|unexpected argument|status extra\n
an unknown option|--frob|status --frob\n
an option without its value|needs a value|month 2026-10 --os\n
an option given twice|twice|month 2026-10 --os win11-24h2 --os ws2022-azure\n
an unparsable --at|--at|next --at yesterday\n
a bad OS id|bad OS id|month 2026-10 --os Win11\n
an empty quoted word|bad ring id|ring show ""\n
a bad kind|bad kind|override set ws2022-azure 2026-10 sometimes --reason x\n
valid UTF-8 that is not an id|bad ring id|ring show "ring\303\251"\n
a lone --json|no command|--json\n
--help (printed by hotpatchctl, not the daemon)|no command|--help\n
an unterminated quote|unterminated quote|month "2026-10\n
text glued to a closing quote|quote must end a word|"month"x 2026-10\n
an escape sequence (ESC)|control character|status \033[2J\n
a carriage return inside the line|control character|sta\rtus\n
a NUL byte|UTF-8|status\000 x\n
invalid UTF-8 (0xff)|UTF-8|status \377\n
an overlong UTF-8 encoding of /|UTF-8|status \300\257\n
a UTF-16 surrogate encoded in UTF-8|UTF-8|status \355\240\200\n
a truncated UTF-8 sequence|UTF-8|status \342\202\n
a code point above U+10FFFF|UTF-8|status \364\220\200\200\n
EOF

words=status
i=0
while [ $i -lt 64 ]; do words="$words a"; i=$((i + 1)); done
printf '%s\n' "$words" | talk
reply_is "65 words (one more than PROTO_MAX_WORDS): 400" 400 "too many words"
printf '%s\n' "${words% a}" | talk
reply_is "64 words are split; the grammar then refuses the extra arguments: 400" 400 "unexpected argument"

# DEL and the C1 controls are control characters too (doc/protocol.md: "UTF-8 without
# control characters"), even inside a quoted --reason.
for c in 'DEL (0x7f)|\177|2026-11' 'C1 CSI (U+009B)|\302\233|2026-10'; do
	what=${c%%|*} rest=${c#*|}
	esc=${rest%%|*} month=${rest#*|}
	# shellcheck disable=SC2059
	printf "override set ws2022-azure $month baseline --reason \"a${esc}b\"\n" | talk
	reply_is "a $what in a quoted --reason is a control character: 400" 400 "control character"
	case $(codes) in 200*) printf 'override clear ws2022-azure %s\n' "$month" | talk ;; esac
done

# ---------------------------------------------------------------------------
# Size limit: 65,536 bytes with the newline is the largest request.

python3 -c 'import sys; sys.stdout.write("status" + " " * (65536 - 7) + "\n")' | raw half
case $(codes) in "200 "*) ok "a request of exactly 65536 bytes (newline included) is answered" ;;
*) not_ok "a request of exactly 65536 bytes (newline included) is answered" "replies: $(codes)" ;; esac
daemon_ok "65536-byte request"

# too_large NAME: the connection got 413 as its last reply and was closed by the daemon.
too_large() {
	_r=$(codes | tail -n 1) _e=$(cat "$tmp/t.end")
	case $_r in "413 "*)
		if [ "$_e" = eof ] || [ "$_e" = reset ]; then ok "$1"; else not_ok "$1" "connection: $_e"; fi ;;
	*) not_ok "$1" "replies: $(codes)" "connection: $_e" ;; esac
	daemon_ok "$1"
}
python3 -c 'import sys; sys.stdout.write("status" + " " * (65536 - 6) + "\n")' | raw open
too_large "a request of 65537 bytes gets 413 and the connection is closed"
python3 -c 'import sys; sys.stdout.write("x" * (1 << 20))' | raw open
too_large "a megabyte without a newline gets 413 and the connection is closed"
python3 -c 'import sys; sys.stdout.write("status\n" + "x" * 70000 + "\nstatus\n")' | raw open
r=$(codes | cut -d' ' -f1 | tr '\n' ' ')
[ "$r" = "200 413 " ] && ok "a request before an oversized one is answered; nothing after the 413" ||
	not_ok "a request before an oversized one is answered; nothing after the 413" "codes: $r"
daemon_ok "oversized after a good request"

# ---------------------------------------------------------------------------
# Connections that end early or trickle in.

printf 'calendar --year 20' | raw half
r=$(codes)
if [ -z "$r" ] && [ "$(cat "$tmp/t.end")" = eof ]; then
	ok "half a line then EOF: no reply (it was never a request), the connection is closed"
else
	not_ok "half a line then EOF: no reply (it was never a request), the connection is closed" "replies: $r" "$(cat "$tmp/t.end")"
fi
daemon_ok "half a line"
printf 'calendar --year 20' | raw abort
daemon_ok "half a line then close"
ok "half a line then a full close leaves the daemon running"
printf 'calendar --year 2026 --json\n' | raw abort
daemon_ok "close before the reply"
ok "closing before the reply is read leaves the daemon running"
i=0
: > "$tmp/big"
while [ $i -lt 200 ]; do echo 'calendar --year 2026 --json' >> "$tmp/big"; i=$((i + 1)); done
raw abort < "$tmp/big"
daemon_ok "200 pipelined requests then close"
ok "200 pipelined requests then a close without reading leaves the daemon running"
printf '' | raw abort
daemon_ok "connect and close"
ok "connecting and closing at once leaves the daemon running"
printf 'month 2026-11 --os win11-24h2\n' | raw slow
case $(codes) in "200 "*) ok "a request sent one byte at a time is answered once complete" ;;
*) not_ok "a request sent one byte at a time is answered once complete" "replies: $(codes)" ;; esac
daemon_ok "slow request"

# After the whole batch: still serving, data intact.
if alive "$daemon_pid"; then ok "the daemon process is alive after the batch"; else not_ok "the daemon process is alive after the batch" "$(tail -n 5 "$tmp/var.log")"; fi
timeout "$(tmo 60)" "$HOTPATCHCTL" --socket "$sock" status > "$tmp/out" 2>&1
rc=$?
[ $rc -eq 0 ] && ok "hotpatchctl status still works after the batch" || not_ok "hotpatchctl status still works after the batch" "exit $rc" "$(cat "$tmp/out")"
ro=$(sqlite3 "$tmp/var/hotpatchd.db" "SELECT count(*) FROM overrides;")
ic=$(sqlite3 "$tmp/var/hotpatchd.db" "PRAGMA integrity_check;")
[ "$ro" = 0 ] && [ "$ic" = ok ] && ok "the database is intact and holds no stray override" ||
	not_ok "the database is intact and holds no stray override" "overrides: $ro, integrity: $ic"
stop_daemon
rc=$?
[ $rc -eq 0 ] && ok "the daemon exits 0 on SIGTERM after the abuse" || not_ok "the daemon exits 0 on SIGTERM after the abuse" "exit $rc"

# ---------------------------------------------------------------------------
# Limits from the configuration file: idle_timeout 1 s, max_clients 2.

printf 'version: 1\nsocket: {idle_timeout: 1, max_clients: 2}\n' > "$tmp/lim.yaml"
sock=$tmp/lim/hotpatchd.sock
start_daemon "$tmp/lim" -c "$tmp/lim.yaml" || not_ok "the daemon starts with the limits" "$(cat "$tmp/lim.log")"

# An idle connection: the greeting, then EOF after about a second.
limits_py='
import socket, subprocess, sys, time
path, ctl, what, limit = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(limit)
    s.connect(path)
    return s
def drain(s):
    got = b""
    try:
        while True:
            b = s.recv(4096)
            if not b:
                return got, "eof"
            got += b
    except socket.timeout:
        return got, "timeout"
    except ConnectionResetError:
        return got, "reset"
if what == "idle":
    s = conn()
    t = time.monotonic()
    got, end = drain(s)
    print("%s %.2f %r" % (end, time.monotonic() - t, got))
elif what == "idle2":
    a, b = conn(), conn()
    for s in (a, b):
        got, end = drain(s)
        print("idle: %s" % end)
elif what == "full":
    # On a daemon whose idle timeout outlasts the test: a and b hold both slots
    # however slow the machine, until they hang up.
    a, b = conn(), conn()
    a.recv(100); b.recv(100)
    c = conn()
    got, end = drain(c)
    print("third: %s %r" % (end, got))
    p = subprocess.run([ctl, "--socket", path, "status"], capture_output=True, text=True, timeout=limit)
    print("hotpatchctl: %d %s" % (p.returncode, (p.stdout + p.stderr).strip().replace("\n", " | ")))
    a.close(); b.close()
'
limits() { timeout "$(tmo 60)" python3 -c "$limits_py" "$sock" "$HOTPATCHCTL" "$1" "$(tmo 15)" </dev/null; }

r=$(limits idle)
case $r in "eof "*)
	t=$(echo "$r" | cut -d' ' -f2)
	# Not before the timeout; the upper bound only says it is closed at all.
	if awk -v t="$t" -v m="$(tmo 10)" 'BEGIN { exit !(t >= 0.5 && t <= m) }' && echo "$r" | grep -qF "hotpatchd 1 $version"; then
		ok "an idle connection gets the greeting and is closed after about 1 s"
	else
		not_ok "an idle connection gets the greeting and is closed after about 1 s" "$r"
	fi ;;
*) not_ok "an idle connection gets the greeting and is closed after about 1 s" "$r" ;; esac

limits idle2 > "$tmp/idle2"
if [ "$(grep -c '^idle: eof' "$tmp/idle2")" = 2 ]; then
	ok "the two idle connections are closed by the idle timeout"
else
	not_ok "the two idle connections are closed by the idle timeout" "$(cat "$tmp/idle2")"
fi
stop_daemon
rc=$?
[ $rc -eq 0 ] && ok "the limited daemon exits 0 on SIGTERM" || not_ok "the limited daemon exits 0 on SIGTERM" "exit $rc"

# max_clients 2, with an idle timeout no busy machine reaches while the test runs.
printf 'version: 1\nsocket: {idle_timeout: 3600, max_clients: 2}\n' > "$tmp/full.yaml"
sock=$tmp/maxc/hotpatchd.sock
start_daemon "$tmp/maxc" -c "$tmp/full.yaml" || not_ok "the daemon starts with max_clients 2" "$(cat "$tmp/maxc.log")"
limits full > "$tmp/full"
if grep -q "^third: \(eof\|reset\) b'503 " "$tmp/full"; then
	ok "with 2 connections open (max_clients 2) a third gets 503 and is closed"
else
	not_ok "with 2 connections open (max_clients 2) a third gets 503 and is closed" "$(cat "$tmp/full")"
fi
if grep -q "^hotpatchctl: 1 .*too many connections" "$tmp/full"; then
	ok "hotpatchctl turned away with 503 exits 1 and says too many connections"
else
	not_ok "hotpatchctl turned away with 503 exits 1 and says too many connections" "$(grep '^hotpatchctl' "$tmp/full")"
fi
# The daemon sees the hang-ups when it next polls; a client may wait for that.
served_again() { timeout "$(tmo 60)" "$HOTPATCHCTL" --socket "$sock" status > "$tmp/out" 2>&1; }
wait_until served_again && ok "once the connections holding the slots are gone a client is served again" ||
	not_ok "once the connections holding the slots are gone a client is served again" "$(cat "$tmp/out")"
stop_daemon
rc=$?
[ $rc -eq 0 ] && ok "the daemon with max_clients 2 exits 0 on SIGTERM" ||
	not_ok "the daemon with max_clients 2 exits 0 on SIGTERM" "exit $rc"

finish
