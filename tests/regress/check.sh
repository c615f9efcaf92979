#!/bin/sh
# regress/check.sh: hotpatchd -n on the shipped files and on broken copies,
# and the import into a fresh database, driving the real binary.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cal=$CAL
sched=$SCHED

# 9 OSes: 5 with hotpatch, 26H2 planned, 3 that never get it.  Published months by hand:
# win11-24h2 2025-05..2026-08 (16), win11-25h2 2025-10..2026-08 (11), ws2025-azure
# 2024-11..2026-09 without 2026-07 (22), ws2025-arc 2025-07..2026-09 without 2026-07 (14),
# ws2022-azure 2024-01..2026-05 (29): 92.
out=$("$HOTPATCHD" --check --calendar "$cal" --schedules "$sched" 2>&1)
case $? in
0) case $out in "configuration OK: 9 OSes, 92 published months, 0 overrides, "*) ok "shipped calendar and schedules pass the check" ;;
   *) not_ok "shipped calendar and schedules pass the check" "$out" ;; esac ;;
*) not_ok "shipped calendar and schedules pass the check" "$out" ;;
esac

# A broken copy of the shipped calendar: one kind misspelt on a known line.
line=$(grep -n 'kind: baseline' "$cal" | head -n 1 | cut -d: -f1)
col=$(grep -n 'kind: baseline' "$cal" | head -n 1 | cut -d: -f2- | awk '{ print index($0, "baseline") }')
sed "${line}s/kind: baseline/kind: basline/" "$cal" > "$tmp/calendar.yaml"
expect "a misspelt kind is reported at its line and column" 1 \
	"$tmp/calendar.yaml:$line:$col: kind must be baseline, hotpatch or lcu, got 'basline'" -- \
	"$HOTPATCHD" -n --calendar "$tmp/calendar.yaml" --schedules "$sched"

edit_schedules "$tmp/sched" autopatch-classic.yaml
set_deferral 45
expect "an out-of-range deferral in a ring file is reported precisely" 1 \
	"$f:$line:$col: deferral_days must be 0..30, got 45" -- \
	"$HOTPATCHD" -n --calendar "$cal" --schedules "$tmp/sched"

expect "a missing schedules directory is an error" 1 \
	"$tmp/none: cannot read schedules directory: No such file or directory" -- \
	"$HOTPATCHD" -n --calendar "$cal" --schedules "$tmp/none"

expect "an unknown option is a usage error" 2 \
	"hotpatchd: unknown option '--bogus' (see hotpatchd --help)" -- "$HOTPATCHD" --bogus
expect "an option without its value is a usage error" 2 \
	"hotpatchd: option '--calendar' needs a value" -- "$HOTPATCHD" --calendar

# Start, stop, start again: the second import changes nothing.
start_daemon "$tmp/var"
stop_daemon
rc=$?
if [ $rc -eq 0 ] && [ -f "$tmp/var/hotpatchd.db" ]; then
	ok "the daemon creates the database and exits 0 on SIGTERM"
else
	not_ok "the daemon creates the database and exits 0 on SIGTERM" "exit $rc" "$(cat "$tmp/var.log")"
fi
sqlite3 "$tmp/var/hotpatchd.db" .dump > "$tmp/dump1"
start_daemon "$tmp/var"
stop_daemon
sqlite3 "$tmp/var/hotpatchd.db" .dump > "$tmp/dump2"
if cmp -s "$tmp/dump1" "$tmp/dump2"; then
	ok "re-importing the same files leaves the database identical"
else
	not_ok "re-importing the same files leaves the database identical" "$(diff "$tmp/dump1" "$tmp/dump2" | head -n 5)"
fi
jm=$(sqlite3 "$tmp/var/hotpatchd.db" 'PRAGMA journal_mode;')
[ "$jm" = wal ] && ok "the database is in WAL mode" || not_ok "the database is in WAL mode" "$jm"
# A broken file at start: refused with the precise error, database untouched.
"$HOTPATCHD" -f --calendar "$tmp/calendar.yaml" --schedules "$SCHED" --state-dir "$tmp/var" > "$tmp/out" 2>&1
rc=$?
sqlite3 "$tmp/var/hotpatchd.db" .dump > "$tmp/dump3"
if [ $rc -eq 1 ] && grep -q "calendar.yaml:.*basline" "$tmp/out" && cmp -s "$tmp/dump1" "$tmp/dump3"; then
	ok "a broken calendar stops the start and the database keeps its data"
else
	not_ok "a broken calendar stops the start and the database keeps its data" "exit $rc" "$(cat "$tmp/out")"
fi

finish
