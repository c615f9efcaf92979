#!/bin/sh
# regress/bad_input.sh: the catalogue of malformed input in tests/bad-input/, run against
# the real binaries.  Every case is a file; its expectation is written next to it as data
# (tests/bad-input/README.md has the format):
#   yaml/      hotpatchd -n on a configuration, calendar or ring file: exit status and a
#              fragment of the file:line:column error
#   ics/       hotpatchctl blackout import: exit status and a fragment of the one stderr line
#   protocol/  a raw request on the control socket: reply code and a fragment of its message
#   http/      a raw HTTP request: the status (or "closed") and a fragment of the response
#   cli/       a hotpatchctl argument vector: exit status and a fragment of the one stderr line
#   held/      a held list passed with export --stream --json: reply code and a fragment of its
#              message
# After the protocol and http cases the daemon must still be serving, with its data intact.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
BAD=$top_srcdir/tests/bad-input
scratch
kinds="yaml ics protocol http cli held"

# expectation FILE: the text after "# expect: " on the first line of FILE, or of FILE's
# sidecar FILE-without-extension.expect if there is one.
expectation() {
	_side=${1%.*}.expect
	if [ -f "$_side" ]; then head -n 1 "$_side"; else head -n 1 "$1"; fi | sed -n 's/^# expect: //p'
}

# verdict NAME GOT_CODE WANT_CODES FRAGMENT OUTPUT-FILE: ok if GOT_CODE is one of the
# comma-separated WANT_CODES and the output contains FRAGMENT (an empty one matches all).
verdict() {
	_codes=",$3,"
	case $_codes in
	*",$2,"*)
		if [ -z "$4" ] || grep -qF -- "$4" "$5"; then ok "$1"; return; fi ;;
	esac
	not_ok "$1" "got $2 (want $3), want text: $4" "output: $(head -c 400 "$5")"
}

# ---------------------------------------------------------------------------
# yaml: hotpatchd -n.  The case's name says which file it stands for:
# config-*.yaml (-c), calendar-*.yaml (--calendar), rings-*.yaml (the only ring file).

run_yaml() {
	_f=$1 _base=$(basename "$1")
	_exp=$(expectation "$_f")
	_rc=${_exp%% *} _frag=${_exp#* }
	rm -rf "$tmp/sched" && mkdir "$tmp/sched"
	case $_base in
	config-*) set -- -c "$_f" --calendar "$CAL" --schedules "$SCHED" ;;
	calendar-*) set -- --calendar "$_f" --schedules "$SCHED" ;;
	rings-*) cp "$_f" "$tmp/sched/$_base"; set -- --calendar "$CAL" --schedules "$tmp/sched" ;;
	*) not_ok "yaml/$_base" "the name must start with config-, calendar- or rings-"; return ;;
	esac
	timeout "$(tmo 60)" "$HOTPATCHD" -n "$@" > "$tmp/o" 2>&1
	verdict "yaml/$_base" $? "$_rc" "$_frag" "$tmp/o"
}

# ---------------------------------------------------------------------------
# ics: hotpatchctl blackout import FILE against the daemon; nothing may be imported.

run_ics() {
	_f=$1 _base=$(basename "$1")
	_exp=$(expectation "$_f")
	_rc=${_exp%% *} _frag=${_exp#* }
	timeout "$(tmo 60)" "$HOTPATCHCTL" --socket "$sock" --at 2026-11-20 blackout import "$_f" \
	    > "$tmp/o" 2> "$tmp/e"
	_got=$?
	if [ -s "$tmp/o" ] || [ "$(lines "$tmp/e")" != 1 ]; then
		not_ok "ics/$_base" "exit $_got: want nothing on stdout and one line on stderr" \
		    "stdout: $(head -c 200 "$tmp/o")" "stderr: $(cat "$tmp/e")"
		return
	fi
	verdict "ics/$_base" $_got "$_rc" "$_frag" "$tmp/e"
}

# ---------------------------------------------------------------------------
# protocol: the body (every line after the first, newlines dropped) with C escapes
# (\n \r \t \\ \ooo \xhh) decoded, or, when it starts with "=", a Python bytes expression.
# The first reply's status line must have the code and contain the fragment.

# case_bytes FILE: the body of a protocol or http case, decoded as said above.
case_bytes_py='
import codecs, sys
body = "".join(l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8").readlines()[1:])
sys.stdout.buffer.write(eval(body[1:]) if body.startswith("=") else
    codecs.escape_decode(body.encode())[0])
'
case_bytes() {
	python3 -c "$case_bytes_py" "$1" </dev/null
}

run_protocol() {
	_f=$1 _base=$(basename "$1")
	_exp=$(expectation "$_f")
	_code=${_exp%% *} _frag=${_exp#* }
	case_bytes "$_f" | raw_send "$sock" half - "$tmp/t" "$(tmo 60)"
	# The first reply's status line, after the greeting; "none" if there is none.
	sed -n 2p "$tmp/t" > "$tmp/o"
	_got=$(cut -d ' ' -f 1 < "$tmp/o")
	verdict "protocol/$_base" "${_got:-none}" "$_code" "$_frag" "$tmp/o"
}

# ---------------------------------------------------------------------------
# http: the body decoded as for protocol, sent to the HTTP port; the status code, or
# "closed" if the daemon hung up without one.  The first line may allow several codes
# (comma-separated): libmicrohttpd chooses among them for some malformed requests.

run_http() {
	_f=$1 _base=$(basename "$1")
	_exp=$(expectation "$_f")
	_code=${_exp%% *} _frag=${_exp#* }
	[ "$_frag" = "$_exp" ] && _frag=
	case_bytes "$_f" | raw_send "$port" half - "$tmp/o" "$(tmo 60)"
	_got=$(http_status "$tmp/o")
	verdict "http/$_base" "$_got" "$_code" "$_frag" "$tmp/o"
}

# ---------------------------------------------------------------------------
# cli: one argument a line after the first (an empty line is an empty argument), given to
# hotpatchctl --socket SOCKET; "@SOCK" stands for the daemon's socket, "@TMP" for a scratch
# directory.  Exit status, nothing on stdout, one stderr line with the fragment.

run_cli() {
	_f=$1 _base=$(basename "$1")
	_exp=$(expectation "$_f")
	_rc=${_exp%% *} _frag=$(printf '%s' "${_exp#* }" | sed "s|@SOCK|$sock|g; s|@TMP|$tmp|g")
	sed 1d "$_f" > "$tmp/args"
	set --
	while IFS= read -r _a; do
		case $_a in *@SOCK*|*@TMP*) _a=$(printf '%s' "$_a" | sed "s|@SOCK|$sock|g; s|@TMP|$tmp|g") ;; esac
		set -- "$@" "$_a"
	done < "$tmp/args"
	timeout "$(tmo 60)" "$HOTPATCHCTL" --socket "$sock" "$@" > "$tmp/o" 2> "$tmp/e"
	_got=$?
	if [ -s "$tmp/o" ] || [ "$(lines "$tmp/e")" != 1 ]; then
		not_ok "cli/$_base" "exit $_got: want nothing on stdout and one line on stderr" \
		    "args: $*" "stdout: $(head -c 200 "$tmp/o")" "stderr: $(cat "$tmp/e")"
		return
	fi
	verdict "cli/$_base" $_got "$_rc" "$_frag" "$tmp/e"
}

# ---------------------------------------------------------------------------
# held: the body decoded as for protocol, passed as the held list with export --dir site --stream
# --json (as hotpatchctl export --dir passes it); the reply's code and its status line.

run_held() {
	_f=$1 _base=$(basename "$1")
	_exp=$(expectation "$_f")
	_code=${_exp%% *} _frag=${_exp#* }
	case_bytes "$_f" > "$tmp/held"
	held_send "$sock" "export --dir site --stream --json" "$tmp/held" "$tmp/t"
	head -n 1 "$tmp/t" > "$tmp/o"
	_got=$(cut -d ' ' -f 1 < "$tmp/o")
	verdict "held/$_base" "${_got:-none}" "$_code" "$_frag" "$tmp/o"
}

# ---------------------------------------------------------------------------

# The catalogue itself: at least ten cases of each kind, each with an expectation.
for k in $kinds; do
	c=0 missing=
	for f in "$BAD/$k"/*; do
		case $f in *.expect) continue ;; esac
		[ -f "$f" ] || continue
		c=$((c + 1))
		[ -n "$(expectation "$f")" ] || missing="$missing $(basename "$f")"
	done
	[ $c -ge 10 ] && [ -z "$missing" ] && ok "$k: $c cases, each with an expectation" ||
		not_ok "$k: $c cases, each with an expectation" "want 10 or more; without one:$missing"
done

for f in "$BAD"/yaml/*.yaml; do run_yaml "$f"; done

port=$(free_port)
"$HOTPATCHD" -f --state-dir "$tmp/var" --calendar "$CAL" --schedules "$SCHED" \
    --http "127.0.0.1:$port" >> "$tmp/var.log" 2>&1 &
daemon_pid=$!
if ! wait_for "$sock"; then
	not_ok "the daemon starts" "$(cat "$tmp/var.log")"
	finish
	exit 1
fi
sqlite3 "$db" "SELECT * FROM overrides ORDER BY 1, 2; SELECT * FROM blackouts ORDER BY 1; SELECT * FROM published ORDER BY 1, 2;" \
    > "$tmp/before" 2>&1

for f in "$BAD"/ics/*.ics; do run_ics "$f"; done
for f in "$BAD"/protocol/*.req; do run_protocol "$f"; done
for f in "$BAD"/http/*.http; do run_http "$f"; done
for f in "$BAD"/cli/*.args; do run_cli "$f"; done
for f in "$BAD"/held/*.held; do run_held "$f"; done

run --socket "$sock" status
answered "the daemon still answers after every bad input"
code=$(python3 -c "
import urllib.request
print(urllib.request.urlopen('http://127.0.0.1:$port/healthz', timeout=$(tmo 60)).status)" 2>&1)
[ "$code" = 200 ] && ok "the feeds still answer after every bad input" ||
	not_ok "the feeds still answer after every bad input" "$code"
sqlite3 "$db" "SELECT * FROM overrides ORDER BY 1, 2; SELECT * FROM blackouts ORDER BY 1; SELECT * FROM published ORDER BY 1, 2;" \
    > "$tmp/after" 2>&1
cmp -s "$tmp/before" "$tmp/after" && ok "no bad input changed the data" ||
	not_ok "no bad input changed the data" "$(diff "$tmp/before" "$tmp/after" | head -n 5)"
stop_daemon
check "the daemon exits 0 on SIGTERM after every bad input" [ $? -eq 0 ]

finish
