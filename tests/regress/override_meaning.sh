#!/bin/sh
# regress/override_meaning.sh: override set refuses what cannot mean anything (a month before
# the OS's hotpatch_start, a year outside 1970..2500), each with its reason and nothing
# stored; a no-op override (the month already has that kind) is kept but the reply says so.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch

q() { sqlite3 "$db" "$1"; }
start_daemon "$tmp/var" || not_ok "the daemon starts" "$(cat "$tmp/var.log")"

ctl override set win11-24h2 2024-06 hotpatch --reason "before the program"
refused "a month before hotpatch_start is refused (409, exit 1) with the reason" 1 \
	"win11-24h2 2024-06 is before the OS's hotpatch_start 2025-04: every month before it is a plain LCU"
ctl override set ws2022-azure 1999-01 baseline --reason "last century"
refused "1999-01 is refused with the same reason" 1 "ws2022-azure 1999-01 is before the OS's hotpatch_start 2022-02"
ctl override set ws2022-azure 2501-01 baseline --reason "far future"
refused "a year past 2500 is refused before connecting (exit 2)" 2 "bad month '2501-01': years are 1970..2500"
[ "$(q "SELECT count(*) FROM overrides WHERE origin = 'runtime'")|$(q "SELECT count(*) FROM audit")" = "0|0" ] &&
	ok "nothing was stored or audited" || not_ok "nothing was stored or audited" "$(q 'SELECT * FROM overrides; SELECT * FROM audit')"
ctl override set win11-24h2 2025-04 baseline --reason "the first month is allowed"
answered "the hotpatch_start month itself is accepted"

# ws2022-azure 2026-08 is a planned hotpatch (the pattern), 2026-09 too.
jcheck "a no-op override is kept, and the JSON reply says noop" "
	eq(j['noop'], True, 'noop')
	eq((j['before']['kind'], j['after']['kind'], j['after']['source']), ('hotpatch', 'hotpatch', 'override'), 'kinds')" \
	override set ws2022-azure 2026-08 hotpatch --reason "pin it"
ctl override set ws2022-azure 2026-08 hotpatch --reason "pin it again"
has "the text reply says there is no change" "note: no change, the month already had this kind"
jcheck "a real change is not a no-op" "
	eq((j['noop'], j['before']['kind'], j['after']['kind']), (False, 'hotpatch', 'baseline'), 'noop, kinds')" \
	override set ws2022-azure 2026-09 baseline --reason "zero-day"
ctl override set ws2022-azure 2026-10 lcu --reason "no note"
if [ $rc -eq 0 ] && ! grep -q "no change" "$tmp/out"; then ok "a real change has no note"
else not_ok "a real change has no note" "$(cat "$tmp/out" "$tmp/err")"; fi
stop_daemon
finish
