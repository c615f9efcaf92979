#!/bin/sh
# regress/width.sh: tables that fit the terminal.  hotpatchctl on a terminal made by
# script(1) sends its width ($COLUMNS, else what `stty cols` set on the terminal); every
# line of every table command's text then fits it and a hint says what was left out.
# Into a pipe (no width sent) the text is the full one: the same bytes as on a terminal with
# --full and as an old client's request without --width, whatever $COLUMNS says.  --json
# is never fitted.  Bad widths are refused by the client and by the daemon alike.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
needs "tables on a terminal" script stty python3
scratch
unset NO_COLOR COLUMNS
TERM=xterm
export TERM
AT=2026-11-20T12:00:00Z

start_daemon "$tmp/var" || not_ok "the daemon starts" "$(cat "$tmp/var.log")"
ctl devices import "${top_srcdir:-.}/tests/data/devices/daemon.csv" --skip-bad
answered "an inventory for devices, fleet and plan"

# Every table command, one a line.
cat > "$tmp/commands" <<EOF
rings
plan --year 2027
windows --ring ring1 --months 6
calendar
calendar --os ws2025-azure --year 2026
month 2026-06
next --ring ring1
os list
ring show ring1
blackout list
override list
publish list
devices
device show PC-ON
fleet
status
EOF

# on_tty SETUP ENV -- ARGS: hotpatchctl ARGS on a script(1) terminal after the shell words
# SETUP (e.g. "stty cols 60"), with ENV; what it printed, without the terminal's CRs, in
# $tmp/tty.
on_tty() {
	_setup=$1 _env=$2
	shift 3
	# shellcheck disable=SC2086
	timeout "$(tmo 60)" env $_env script -qec "$_setup $HOTPATCHCTL --socket $sock --at $AT $*" \
		/dev/null < /dev/null > "$tmp/tty.raw" 2>&1
	rc=$?
	tr -d '\r' < "$tmp/tty.raw" > "$tmp/tty"
}

# fits FILE WIDTH: the longest line of FILE, in characters without SGR sequences, is at most
# WIDTH; prints the first one that is not.
fits_py='
import re, sys
w = int(sys.argv[2])
for n, line in enumerate(open(sys.argv[1], encoding="utf-8").read().split("\n"), 1):
    shown = re.sub("\x1b\\[[0-9;]*m", "", line)
    if len(shown) > w:
        print("line %d is %d characters: %s" % (n, len(shown), shown)); sys.exit(1)
'
fits() { python3 -c "$fits_py" "$1" "$2" </dev/null; }

hint_re='(hidden: .*|[0-9]+ columns? (hidden|shortened).*); --full shows all'

# ---- into a pipe: the full text, whatever COLUMNS says ----

while read -r cmd; do
	# shellcheck disable=SC2086
	ctl --at "$AT" $cmd
	cp "$tmp/out" "$tmp/piped"
	# shellcheck disable=SC2086
	COLUMNS=30 timeout "$(tmo 60)" "$HOTPATCHCTL" --socket "$sock" --at "$AT" $cmd > "$tmp/piped30"
	on_tty "" "COLUMNS=30" -- --full --color=never $cmd
	[ "$cmd" = status ] && sed -i '/^uptime\|^requests/d' "$tmp/piped" "$tmp/piped30" "$tmp/tty"
	if cmp -s "$tmp/piped" "$tmp/piped30" && cmp -s "$tmp/piped" "$tmp/tty" &&
	    ! grep -qE "$hint_re" "$tmp/piped"; then
		ok "$cmd: into a pipe the full text, as with --full on a terminal"
	else
		not_ok "$cmd: into a pipe the full text, as with --full on a terminal" \
		    "$(diff "$tmp/piped" "$tmp/piped30" | head -n 5)" "$(diff "$tmp/piped" "$tmp/tty" | head -n 5)"
	fi
done < "$tmp/commands"

# An old client sends no --width: the same full text.
ctl --at "$AT" rings
cp "$tmp/out" "$tmp/rings.full"
printf 'rings --at %s\n' "$AT" | raw_send "$sock" half - "$tmp/raw" "$(tmo 30)"
replies "$tmp/raw" > "$tmp/raw.status"
check "a request without --width is answered in full" cmp -s "$tmp/raw.1" "$tmp/rings.full"
check "the full rings table is wider than 200 columns" [ "$(wc -L < "$tmp/rings.full")" -gt 200 ]

# ---- on a terminal: every line fits, the hint says what went ----

for w in 80 50 20; do
	while read -r cmd; do
		on_tty "" "COLUMNS=$w" -- --color=never $cmd
		if [ $rc -eq 0 ] && why=$(fits "$tmp/tty" "$w"); then
			ok "COLUMNS=$w: $cmd fits"
		else
			not_ok "COLUMNS=$w: $cmd fits" "exit $rc" "$why"
		fi
	done < "$tmp/commands"
done

on_tty "" "COLUMNS=80" -- rings
if [ $rc -eq 0 ] && [ "$(tail -n 1 "$tmp/tty")" = "hidden: TIMEZONE, NAME; shortened: OS, HOTPATCH; --full shows all" ] &&
    [ "$(grep -cE "$hint_re" "$tmp/tty")" = 1 ] && fits "$tmp/tty" 80 >/dev/null; then
	ok "rings at 80: TIMEZONE and NAME go, OS and HOTPATCH are cut, one hint line names them"
else
	not_ok "rings at 80: TIMEZONE and NAME go, OS and HOTPATCH are cut, one hint line names them" "$(tail -n 3 "$tmp/tty")"
fi
check "rings at 80: RING, RESTARTS and HOTPATCH stay" \
	grep -qE '^RING +OS +DEFER +DEADLINE +GRACE +RESTARTS 2026 +HOTPATCH$' "$tmp/tty"

on_tty "" "COLUMNS=80" -- plan --year 2027
check "plan at 80: the months from May on go, Jan to Apr stay" \
	grep -qE '^RING OS +Jan +Feb +Mar +Apr +RESTARTS$' "$tmp/tty"
check "plan at 80: the hint counts the eight months and RESTARTS shortened" \
	grep -qxF "8 columns hidden, 1 shortened; --full shows all" "$tmp/tty"

on_tty "" "COLUMNS=1000" -- rings
check "a terminal wide enough gets the full text and no hint" cmp -s "$tmp/tty" "$tmp/rings.full"

# stty cols in the terminal, no COLUMNS: the terminal's own width.
on_tty "stty cols 60;" "" -- --color=never rings
if [ $rc -eq 0 ] && fits "$tmp/tty" 60 >/dev/null && grep -qE "$hint_re" "$tmp/tty" &&
    [ "$(wc -L < "$tmp/tty")" -gt 50 ]; then
	ok "stty cols 60: rings fits 60 columns, with the hint"
else
	not_ok "stty cols 60: rings fits 60 columns, with the hint" "$(fits "$tmp/tty" 60)" "$(tail -n 2 "$tmp/tty")"
fi
on_tty "stty cols 45;" "COLUMNS=abc" -- --color=never windows --ring ring1
check "a COLUMNS that is not a number is ignored: the terminal's 45" fits "$tmp/tty" 45
on_tty "stty cols 45;" "COLUMNS=100" -- --color=never windows --ring ring1
if fits "$tmp/tty" 100 >/dev/null && ! fits "$tmp/tty" 45 >/dev/null; then
	ok "COLUMNS wins over the terminal's own width"
else
	not_ok "COLUMNS wins over the terminal's own width" "$(head -n 2 "$tmp/tty")"
fi
on_tty "stty cols 10;" "" -- --color=never os list
check "a terminal narrower than 20 is sent 20" fits "$tmp/tty" 20

# Colour and width together: the SGR sequences take no room.
on_tty "" "COLUMNS=70" -- month 2026-06
esc=$(printf '\033')
if grep -qF "$esc[33m" "$tmp/tty" && fits "$tmp/tty" 70 >/dev/null; then
	ok "coloured and fitted: every line fits 70 without its SGR sequences"
else
	not_ok "coloured and fitted: every line fits 70 without its SGR sequences" "$(head -n 3 "$tmp/tty" | cat -v)"
fi

# --json is for programs: never fitted.
ctl --at "$AT" --json rings
cp "$tmp/out" "$tmp/rings.json"
on_tty "" "COLUMNS=40" -- --json rings
check "--json on a narrow terminal is the same JSON" cmp -s "$tmp/tty" "$tmp/rings.json"

# ---- --width by hand, and the bad ones ----

ctl --at "$AT" --width 60 rings
if [ $rc -eq 0 ] && fits "$tmp/out" 60 >/dev/null && grep -qE "$hint_re" "$tmp/out"; then
	ok "--width 60 into a pipe fits 60 too"
else
	not_ok "--width 60 into a pipe fits 60 too" "$(fits "$tmp/out" 60)"
fi
ctl rings --width 19
refused "--width 19 is refused" 2 "bad --width '19' (expected 20..1000)"
ctl rings --width 1001
refused "--width 1001 is refused" 2 "bad --width '1001' (expected 20..1000)"
ctl --full --width 80 rings
refused "--full with --width is refused" 2 "--full and --width contradict"
printf 'rings --width 5\nrings --width 20\n' | raw_send "$sock" half - "$tmp/raw" "$(tmo 30)"
replies "$tmp/raw" > "$tmp/raw.status"
if [ "$(sed -n 2p "$tmp/raw.status")" = "400 0 bad --width '5' (expected 20..1000)" ] &&
    sed -n 3p "$tmp/raw.status" | grep -q '^200 ' && fits "$tmp/raw.2" 20 >/dev/null; then
	ok "the daemon refuses --width 5 and fits --width 20"
else
	not_ok "the daemon refuses --width 5 and fits --width 20" "$(cat "$tmp/raw.status")"
fi

stop_daemon || not_ok "the daemon exits cleanly" "$(tail -n 5 "$tmp/var.log")"
finish
