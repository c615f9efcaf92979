# lib.sh: helpers for the regress scripts, sourced by each of them.
# Every script prints TAP-like "ok N - name" / "not ok N - name" lines and a
# closing "N passed, N failed" line, and exits 1 if anything failed.

top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
HOTPATCHD=$top_builddir/src/hotpatchd
HOTPATCHCTL=$top_builddir/src/hotpatchctl
CAL=$top_srcdir/data/calendar.yaml
SCHED=$top_srcdir/schedules
n=0 fails=0 skips=0
daemon_pid=

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; shift; printf '%s\n' "$@" | sed 's/^/#   /'; }

# skip NAME WHY: a test that cannot run here; numbered, but neither passed nor failed.
skip() { n=$((n + 1)); skips=$((skips + 1)); echo "skip $n - $1: $2"; }

# check NAME CONDITION-COMMAND... : ok if the command succeeds.
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi
}

# expect NAME WANT_RC WANT_LINE -- command...: exit status and one exact output line.
expect() {
	name=$1 want_rc=$2 want=$3
	shift 4
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -eq "$want_rc" ] && printf '%s\n' "$out" | grep -qxF -- "$want"; then
		ok "$name"
	else
		not_ok "$name" "exit $rc (want $want_rc)" "output: $out" "want line: $want"
	fi
}

# Wait up to 5 s for a path to appear (or, with !, to disappear).
wait_for() {
	i=0
	while [ $i -lt 100 ]; do
		if [ "$1" = "!" ]; then [ -e "$2" ] || return 0; else [ -e "$1" ] && return 0; fi
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# start_daemon STATE_DIR [extra hotpatchd flags]: run it in the foreground, in the background.
start_daemon() {
	dir=$1
	shift
	"$HOTPATCHD" -f --state-dir "$dir" --calendar "$CAL" --schedules "$SCHED" --http off "$@" \
		>> "$dir.log" 2>&1 &
	daemon_pid=$!
	wait_for "$dir/hotpatchd.sock"
}

# stop_daemon: SIGTERM and wait; returns the daemon's exit status.
stop_daemon() {
	[ -n "$daemon_pid" ] || return 0
	kill -TERM "$daemon_pid" 2>/dev/null
	wait "$daemon_pid"
	rc=$?
	daemon_pid=
	return $rc
}

# json_check NAME FILE PYTHON: ok if the Python code runs cleanly with j bound to the JSON
# document in FILE.  The code may use eq(got, want, what) and the calendar arithmetic below,
# done with Python's zoneinfo, independently of hotpatchd and libical:
#   second_tuesday(y, m) -> "YYYY-MM-DD"
#   release_at(y, m)     -> that day 10:00 America/Los_Angeles as "YYYY-MM-DDTHH:MM:SSZ"
json_prelude='
import datetime, json, sys, textwrap, zoneinfo
def second_tuesday(y, m):
    d = datetime.date(y, m, 1)
    return (d + datetime.timedelta(days=(1 - d.weekday()) % 7 + 7)).isoformat()
def release_at(y, m):
    d = datetime.date.fromisoformat(second_tuesday(y, m))
    t = datetime.datetime(d.year, d.month, d.day, 10, 0,
                          tzinfo=zoneinfo.ZoneInfo("America/Los_Angeles"))
    return t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
def eq(got, want, what="value"):
    if got != want:
        raise AssertionError("%s: got %r, want %r" % (what, got, want))
try:
    with open(sys.argv[1]) as f:
        j = json.load(f)
    exec(textwrap.dedent(sys.argv[2]))
except Exception as e:
    print("%s: %s" % (type(e).__name__, e))
    sys.exit(1)
'
json_check() {
	_jname=$1 _jfile=$2 _jcode=$3
	if _jmsg=$(python3 -c "$json_prelude" "$_jfile" "$_jcode" 2>&1 </dev/null); then
		ok "$_jname"
	else
		not_ok "$_jname" "$_jmsg" "document: $(head -c 300 "$_jfile")"
	fi
}

# replies FILE: split a raw control-socket transcript (what a client read) into the greeting
# and one status line per reply, printed one a line; each reply's body is checked against
# its announced length and saved as FILE.1, FILE.2, ...  Exits 1 (after saying why, on the
# last line) if the framing is broken.
replies_py='
import sys
data = open(sys.argv[1], "rb").read()
nl = data.find(b"\n")
if nl < 0:
    print("no greeting line in %r" % data[:80]); sys.exit(1)
print(data[:nl].decode("utf-8", "replace"))
pos, n = nl + 1, 0
while pos < len(data):
    nl = data.find(b"\n", pos)
    if nl < 0:
        print("unterminated status line %r" % data[pos:pos + 80]); sys.exit(1)
    line = data[pos:nl].decode("utf-8", "replace")
    w = line.split(" ", 2)
    if len(w) < 2 or not w[0].isdigit() or not w[1].isdigit():
        print("malformed status line %r" % line); sys.exit(1)
    body = data[nl + 1:nl + 1 + int(w[1])]
    if len(body) != int(w[1]):
        print("body of %r is %d bytes, not %s" % (line, len(body), w[1])); sys.exit(1)
    n += 1
    with open("%s.%d" % (sys.argv[1], n), "wb") as f:
        f.write(body)
    print(line)
    pos = nl + 1 + int(w[1])
'
replies() {
	python3 -c "$replies_py" "$1" </dev/null
}

# alive PID: the process exists.
alive() {
	[ -n "$1" ] && kill -0 "$1" 2>/dev/null
}

finish() {
	[ -n "$daemon_pid" ] && kill -KILL "$daemon_pid" 2>/dev/null
	[ $skips -eq 0 ] || echo "# $skips skipped"
	echo "$((n - fails - skips)) passed, $fails failed"
	[ $fails -eq 0 ]
}

# ---- hotpatchctl helpers: they use $tmp (scratch) and $sock (the daemon's socket) ----

# run ARGS...: hotpatchctl ARGS, at most 10 s; stdout in $tmp/out, stderr in $tmp/err, status in $rc.
run() {
	timeout 10 "$HOTPATCHCTL" "$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
}
# ctl ARGS...: run against the test daemon's socket.
ctl() { run --socket "$sock" "$@"; }

lines() { wc -l < "$1" | tr -d ' '; }

# answered NAME: ok if the last run exited 0, printed something and nothing on stderr.
answered() {
	if [ $rc -eq 0 ] && [ -s "$tmp/out" ] && ! [ -s "$tmp/err" ]; then
		ok "$1"
	else
		not_ok "$1" "exit $rc (want 0)" "stdout: $(head -c 200 "$tmp/out")" "stderr: $(cat "$tmp/err")"
	fi
}

# refused NAME RC TEXT: ok if the last run exited RC with nothing on stdout and exactly one
# line on stderr that contains TEXT.
refused() {
	if [ $rc -eq "$2" ] && ! [ -s "$tmp/out" ] && [ "$(lines "$tmp/err")" = 1 ] &&
	    grep -qF -- "$3" "$tmp/err"; then
		ok "$1"
	else
		not_ok "$1" "exit $rc (want $2)" "stdout: $(head -c 200 "$tmp/out")" \
		    "stderr: $(cat "$tmp/err")" "want one stderr line containing: $3"
	fi
}

# jcheck NAME PYTHON ARGS...: hotpatchctl --json ARGS must exit 0 and its JSON pass PYTHON.
jcheck() {
	_n=$1 _code=$2
	shift 2
	ctl --json "$@"
	if [ $rc -ne 0 ] || [ -s "$tmp/err" ]; then
		not_ok "$_n" "hotpatchctl --json $* exited $rc" "stderr: $(cat "$tmp/err")"
		return
	fi
	json_check "$_n" "$tmp/out" "$_code"
}

# has NAME TEXT...: ok if the last run exited 0 and its stdout contains every TEXT.
has() {
	_n=$1
	shift
	_miss=
	for _t in "$@"; do grep -qF -- "$_t" "$tmp/out" || _miss="$_miss [$_t]"; done
	if [ $rc -eq 0 ] && [ -z "$_miss" ]; then
		ok "$_n"
	else
		not_ok "$_n" "exit $rc, missing:$_miss" "stdout: $(head -c 600 "$tmp/out")" "stderr: $(cat "$tmp/err")"
	fi
}
