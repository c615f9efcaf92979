#!/bin/sh
# regress/cli.sh: hotpatchctl's manners, with the real binaries: help on stdout (exit 0) in
# every form it is asked for, one-line usage errors that name the command meant, a day
# accepted where a month is expected (by the client and by the daemon), and colour only
# for a terminal (script(1) gives the client one), never with NO_COLOR, --color=never,
# --json, a dumb terminal or a pipe.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch
# The colour tests decide what the terminal is; the caller's settings must not leak in.
unset NO_COLOR
TERM=xterm
export TERM

nosock=$tmp/nodaemon.sock
esc=$(printf '\033')

# helped NAME FIRST-LINE: the last run exited 0, printed help on stdout (first line
# FIRST-LINE) and nothing on stderr.
helped() {
	if [ $rc -eq 0 ] && ! [ -s "$tmp/err" ] && [ "$(head -n 1 "$tmp/out")" = "$2" ]; then
		ok "$1"
	else
		not_ok "$1" "exit $rc (want 0)" "stdout: $(head -c 300 "$tmp/out")" \
		    "stderr: $(cat "$tmp/err")" "want first line: $2"
	fi
}

# ---------------------------------------------------------------------------
# Help: no daemon needed, stdout, exit 0.

all="usage: hotpatchctl [GLOBAL OPTIONS] COMMAND [ARGS]"
for args in "--help" "-h" "help" "--json help" "help --json"; do
	# shellcheck disable=SC2086
	run --socket "$nosock" $args
	helped "hotpatchctl $args prints the command list" "$all"
done
run --socket "$nosock" help
missing=
for c in "status" "os list" "calendar [--os ID] [--year Y]" "month YYYY-MM [--os ID]" \
    "next [--os ID] [--ring ID]" "rings" "ring show ID" "override set OS YYYY-MM KIND --reason TEXT" \
    "override clear OS YYYY-MM" "override list [--os ID]" "reload" \
    "windows --ring ID [--os ID] [--from YYYY-MM] [--months N]" "plan [--from YYYY-MM] [--months N] [--year Y] [--at-risk]" \
    "blackout add --name TEXT --from YYYY-MM-DD --to YYYY-MM-DD [--ring ID]" "blackout remove ID" \
    "blackout list [--ring ID]" "blackout import FILE.ics [--ring ID]" "feed [--os ID | --ring ID]" \
    "export --dir DIR" "backup FILE"; do
	grep -qF -- "  $c " "$tmp/out" || grep -qxF -- "  $c" "$tmp/out" || missing="$missing [$c]"
done
[ -z "$missing" ] && ok "help lists all 20 commands with their usage" ||
	not_ok "help lists all 20 commands with their usage" "missing:$missing"
has "help describes the global options" "  --color[=WHEN]         auto (on a terminal, unless NO_COLOR is set), always or never" \
    "  --at DATE              what \"now\" is: YYYY-MM (its first day), YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z"

month="usage: hotpatchctl [GLOBAL OPTIONS] month YYYY-MM [--os ID]"
for args in "month --help" "help month" "month 2026-10 --help" "--help month" "month -h"; do
	# shellcheck disable=SC2086
	run --socket "$nosock" $args
	helped "hotpatchctl $args prints month's help" "$month"
done
has "month's help describes its argument and option" \
    "  YYYY-MM                a month; YYYY-MM-DD stands for its month" \
    "  --os ID                one OS only (hotpatchctl os list)"

set_usage="usage: hotpatchctl [GLOBAL OPTIONS] override set OS YYYY-MM KIND --reason TEXT"
for args in "override set --help" "help override set"; do
	# shellcheck disable=SC2086
	run --socket "$nosock" $args
	helped "hotpatchctl $args prints override set's help" "$set_usage"
done
has "override set's help names the kinds" "  KIND                   baseline, hotpatch or lcu"

group="usage: hotpatchctl [GLOBAL OPTIONS] override SUBCOMMAND ..."
for args in "override --help" "help override"; do
	# shellcheck disable=SC2086
	run --socket "$nosock" $args
	helped "hotpatchctl $args prints the override subcommands" "$group"
done
[ "$(grep -c '^  override ' "$tmp/out")" = 3 ] && ! grep -q blackout "$tmp/out" &&
	ok "the override help lists its three subcommands and nothing else" ||
	not_ok "the override help lists its three subcommands and nothing else" "$(cat "$tmp/out")"

# ---------------------------------------------------------------------------
# Usage errors: one line on stderr, exit 2, with the command meant when it is close.

while IFS='|' read -r args want; do
	# shellcheck disable=SC2086
	run --socket "$nosock" $args
	refused "'$args' is refused with: $want" 2 "hotpatchctl: $want"
done <<'EOF'
calender|unknown command 'calender'; did you mean 'calendar'?
help calender|unknown command 'calender'; did you mean 'calendar'?
override sett ws2022-azure 2027-05 lcu --reason x|unknown command 'override sett'; did you mean 'override set'?
os lst|unknown command 'os lst'; did you mean 'os list'?
bogus|unknown command 'bogus' (try 'hotpatchctl help')
override|'override' needs a subcommand: set, clear or list (try 'hotpatchctl help override')
calendar --yaer 2027|unknown option '--yaer'; did you mean '--year'?
calendar --ring ring1|calendar does not take option '--ring' (try 'hotpatchctl calendar --help')
--color=sometimes status|bad --color 'sometimes' (expected auto, always or never)
month 2027-02-29|bad date '2027-02-29': 2027-02 has 28 days
month 2027-13|bad month '2027-13': there is no month 13
windows --ring ring1 --from 2027-04-31|bad --from '2027-04-31': 2027-04 has 30 days
next --at 2027-02-30|bad --at '2027-02-30': 2027-02 has 28 days
blackout add --name x --from 2027-02 --to 2027-02-03|bad --from '2027-02' (expected YYYY-MM-DD)
EOF

# ---------------------------------------------------------------------------
# Days for months, against the daemon: the same answers as the month itself.

start_daemon "$tmp/var" || not_ok "the daemon starts" "$(cat "$tmp/var.log")"

# same NAME ARGS-A -- ARGS-B: hotpatchctl --json ARGS-A and ARGS-B both exit 0 and print
# the same JSON.
same() {
	_n=$1
	shift
	_a=
	while [ "$1" != "--" ]; do _a="$_a $1"; shift; done
	shift
	# shellcheck disable=SC2086
	ctl --json $_a
	cp "$tmp/out" "$tmp/a.json"
	_rca=$rc
	ctl --json "$@"
	if [ $_rca -eq 0 ] && [ $rc -eq 0 ] && [ -s "$tmp/out" ] && cmp -s "$tmp/a.json" "$tmp/out"; then
		ok "$_n"
	else
		not_ok "$_n" "exits $_rca and $rc" "$(diff "$tmp/a.json" "$tmp/out" | head -n 10)"
	fi
}

same "month 2026-06-09 answers as month 2026-06" month 2026-06-09 -- month 2026-06
jcheck "month 2026-06-30 is June 2026" 'eq(j["month"], "2026-06", "month"); eq(len(j["os"]), 9, "OSes")' \
    month 2026-06-30
same "windows --from 2026-12-15 answers as --from 2026-12" \
    windows --ring ring1 --from 2026-12-15 --months 2 -- windows --ring ring1 --from 2026-12 --months 2
same "--at 2026-11 is --at 2026-11-01" next --ring ring1 --at 2026-11 -- next --ring ring1 --at 2026-11-01
same "--at 2026-11-01 is midnight UTC" next --at 2026-11-01 -- next --at 2026-11-01T00:00:00Z
jcheck "--at 2026-11: now is 2026-11-01T00:00Z and the next release November's Patch Tuesday" '
	eq(j["now"], "2026-11-01T00:00:00Z", "now")
	eq({r["release_at"] for r in j["releases"]}, {release_at(2026, 11)}, "release_at")
' next --at 2026-11

ctl override set ws2022-azure 2027-05-12 lcu --reason "a day for a month"
answered "override set takes a day for its month"
jcheck "the override is for the month 2027-05" '
	eq([(o["os"], o["month"], o["kind"]) for o in j["overrides"]], [("ws2022-azure", "2027-05", "lcu")], "overrides")
' override list
ctl override clear ws2022-azure 2027-05-31
answered "override clear takes a day for its month too"

# The daemon takes a day itself (a request by hand, without hotpatchctl).
printf 'month 2026-06-09 --json\nmonth 2027-02-29\n' |
	timeout "$(tmo 90)" socat -t "$(tmo 30)" - "UNIX-CONNECT:$sock" > "$tmp/raw" 2>&1
replies "$tmp/raw" > "$tmp/replies"
sed -n 2p "$tmp/replies" | grep -q '^200 ' && grep -q '"month": "2026-06"' "$tmp/raw.1" &&
	ok "the daemon answers month 2026-06-09 for June" ||
	not_ok "the daemon answers month 2026-06-09 for June" "$(cat "$tmp/replies")"
sed -n 3p "$tmp/replies" | grep -qxF "400 0 bad date '2027-02-29': 2027-02 has 28 days" &&
	ok "the daemon refuses 2027-02-29 with the reason" ||
	not_ok "the daemon refuses 2027-02-29 with the reason" "$(cat "$tmp/replies")"

# ---------------------------------------------------------------------------
# Colour: SGR only on a terminal.  June 2026 is an unplanned baseline (restart) on four
# OSes and a planned hotpatch on ws2022-azure.

baseline="${esc}[33mbaseline*${esc}[0m"
restart="${esc}[33myes${esc}[0m"
hotpatch="${esc}[32mhotpatch~${esc}[0m"

# on_tty ENV... -- ARGS...: hotpatchctl ARGS on a terminal made by script(1), with ENV set;
# what it printed in $tmp/tty.
on_tty() {
	_env=
	while [ "$1" != "--" ]; do _env="$_env $1"; shift; done
	shift
	timeout "$(tmo 60)" env $_env script -qec "$HOTPATCHCTL --socket $sock $*" /dev/null \
		> "$tmp/tty" 2>&1 < /dev/null
	rc=$?
}
coloured() {
	if [ $rc -eq 0 ] && grep -qF "$baseline" "$tmp/tty" && grep -qF "$restart" "$tmp/tty" &&
	    grep -qF "$hotpatch" "$tmp/tty" && grep -q "ws2022-azure" "$tmp/tty"; then
		ok "$1"
	else
		not_ok "$1" "exit $rc" "$(head -n 4 "$tmp/tty" | cat -v)"
	fi
}
plain() {
	if [ $rc -eq 0 ] && grep -q "ws2022-azure" "$1" && ! grep -qF "$esc" "$1"; then
		ok "$2"
	else
		not_ok "$2" "exit $rc" "$(head -n 4 "$1" | cat -v)"
	fi
}

on_tty -- month 2026-06
coloured "on a terminal: baseline and restart yellow, hotpatch green"
head -n 1 "$tmp/tty" | grep -q "^OS  *MONTH  *RELEASE (UTC)  *KIND  *RESTART" &&
    ! head -n 1 "$tmp/tty" | grep -qF "$esc" &&
	ok "the header row is not coloured" || not_ok "the header row is not coloured" "$(head -n 1 "$tmp/tty" | cat -v)"
on_tty NO_COLOR= -- month 2026-06
coloured "an empty NO_COLOR does not turn colour off"
on_tty NO_COLOR=1 -- month 2026-06
plain "$tmp/tty" "NO_COLOR=1 on a terminal: no colour"
on_tty TERM=dumb -- month 2026-06
plain "$tmp/tty" "TERM=dumb: no colour"
on_tty -- --color=never month 2026-06
plain "$tmp/tty" "--color=never on a terminal: no colour"
on_tty -- --json month 2026-06
plain "$tmp/tty" "--json on a terminal: no colour"
on_tty -- --color=always --json month 2026-06
plain "$tmp/tty" "--json with --color=always: no colour"
on_tty -- month 2026-06 --color=auto
coloured "--color=auto on a terminal: colour"
on_tty NO_COLOR=1 -- --color=always month 2026-06
coloured "--color=always wins over NO_COLOR (asked for on this command line)"
on_tty -- help month
if [ $rc -eq 0 ] && grep -q "^usage: hotpatchctl" "$tmp/tty" && ! grep -qF "$esc" "$tmp/tty"; then
	ok "help on a terminal is not coloured"
else
	not_ok "help on a terminal is not coloured" "$(head -n 2 "$tmp/tty" | cat -v)"
fi
on_tty -- calendar --os ws2025-azure --year 2026
grep -qF "${esc}[33mbaseline${esc}[0m" "$tmp/tty" && grep -qF "${esc}[32mhotpatch${esc}[0m" "$tmp/tty" &&
	ok "calendar on a terminal colours its kinds" || not_ok "calendar on a terminal colours its kinds" "$(head -n 4 "$tmp/tty" | cat -v)"

ctl month 2026-06
plain "$tmp/out" "into a pipe: no colour"
ctl --color=always month 2026-06
grep -qF "$baseline" "$tmp/out" && grep -qF "$hotpatch" "$tmp/out" && ok "--color=always into a pipe: colour" ||
	not_ok "--color=always into a pipe: colour" "$(head -n 3 "$tmp/out" | cat -v)"
ctl --color month 2026-06
grep -qF "$baseline" "$tmp/out" && ok "a bare --color means always" || not_ok "a bare --color means always" "$(head -n 3 "$tmp/out" | cat -v)"

# The plain text is the same with and without colour, once the SGR sequences are gone.
ctl month 2026-06
cp "$tmp/out" "$tmp/plain"
ctl --color=always month 2026-06
sed "s/${esc}\[[0-9;]*m//g" "$tmp/out" | cmp -s - "$tmp/plain" &&
	ok "colour changes no character of the table" ||
	not_ok "colour changes no character of the table" "$(sed "s/${esc}\[[0-9;]*m//g" "$tmp/out" | diff - "$tmp/plain" | head)"

stop_daemon || not_ok "the daemon exits cleanly" "$(tail -n 5 "$tmp/var.log")"
finish
