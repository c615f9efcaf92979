#!/bin/sh
# regress/audit.sh: hotpatchctl audit, with the real daemon and client.  Changes made by
# known users (this user; as root also nobody, an admin through admin_group nogroup) come
# back as exactly their rows, the latest first: actor, action and what the change was made
# to, without the words that only shaped the answer.  --since and --until take a month, a
# day or an instant, worked here on rows whose times are set by hand.  Pages: --limit and
# --offset, the default of 1000 rows and the bound of 10,000 driven past with rows written
# behind the daemon's back.  Only admins may read the trail: a peer that is not one (the
# user daemon) is refused.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
needs "the audit trail" sqlite3 python3
scratch
unset COLUMNS

me="uid $(id -u) ($(id -un))"
if [ "$(id -u)" -eq 0 ]; then
	# The socket is opened to everyone and nogroup made the admin group: nobody is an
	# admin, the user daemon is not.
	chmod 755 "$tmp"
	printf 'version: 1\nadmin_group: nogroup\nsocket: {mode: "0666"}\n' > "$tmp/open.yaml"
	daemon_args="-c $tmp/open.yaml"
	cp "$HOTPATCHCTL" "$tmp/hotpatchctl"
	chmod 755 "$tmp/hotpatchctl"
else
	daemon_args=
fi
# shellcheck disable=SC2086
start_daemon "$tmp/var" $daemon_args || not_ok "the daemon starts" "$(cat "$tmp/var.log")"
chmod 755 "$tmp/var" 2>/dev/null

# as USER ARGS...: hotpatchctl ARGS as USER (root only), no supplementary groups but its own.
as() {
	_u=$1
	shift
	timeout "$(tmo 60)" setpriv --reuid="$_u" --regid="$(id -g "$_u")" --init-groups \
		"$tmp/hotpatchctl" --socket "$sock" "$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
}

ctl audit
if [ $rc -eq 0 ] && [ "$(cat "$tmp/out")" = "no audit rows: nothing has been changed at run time" ]; then
	ok "a new database has no audit rows, and says so"
else
	not_ok "a new database has no audit rows, and says so" "exit $rc" "$(cat "$tmp/out" "$tmp/err")"
fi

# ---- the changes, oldest first ----

ctl blackout add --name "audit freeze" --from 2027-01-04 --to 2027-01-06 --color --width 80
answered "blackout add"
ctl publish ws2025-azure 2026-12 hotpatch --kb KB5000001 --note "from MSRC" --at 2026-12-20
answered "publish"
ctl reload
answered "reload"
ctl blackout import "${top_srcdir:-.}/tests/ics/allday.ics"
answered "blackout import"
ctl --json devices import "${top_srcdir:-.}/tests/data/devices/daemon.csv" --skip-bad
answered "devices import"
nobody_uid=
if root_or_skip "nobody, an admin by its group, sets an override" \
    "the user daemon may not change anything: no row"; then
	as nobody override set ws2025-azure 2027-03 lcu --reason "nobody's test"
	answered "nobody, an admin by its group, sets an override"
	nobody_uid=$(id -u nobody)
	as daemon blackout add --name "not mine" --from 2027-02-01 --to 2027-02-02
	refused "the user daemon may not change anything: no row" 1 "permission denied"
fi

# The rows, the latest first: who, what, to what, how it went.  An import's row is its
# summary; --color and --width 80 shaped only the answer and are not part of the change.
export me nobody_uid
jcheck "every change is one row, the latest first: actor, action, object, result" "
	import os
	me, q = os.environ['me'], chr(34)
	want = [(me, 'devices import', 'daemon.csv --skip-bad',
	         'ok: daemon.csv, 7 rows, 4 imported, 3 rejected'),
	        (me, 'blackout import', 'allday.ics (778 bytes, 5 entries) --import allday.ics', 'ok'),
	        (me, 'reload', '', 'ok'),
	        (me, 'publish', 'ws2025-azure 2026-12 hotpatch --kb KB5000001 --note ' + q +
	         'from MSRC' + q + ' --at 2026-12-20', 'ok'),
	        (me, 'blackout add', '--name ' + q + 'audit freeze' + q +
	         ' --from 2027-01-04 --to 2027-01-06', 'ok')]
	if os.environ['nobody_uid']:
	    want.insert(0, ('uid %s (nobody)' % os.environ['nobody_uid'], 'override set',
	                    'ws2025-azure 2027-03 lcu --reason ' + q + 'nobody' + chr(39) + 's test' + q, 'ok'))
	eq([(a['actor'], a['action'], a['object'], a['result']) for a in j['audit']], want, 'rows')
	eq([a['id'] for a in j['audit']], list(range(len(want), 0, -1)), 'ids')
	eq((j['stored'], j['matched'], j['offset'], j['next_offset']), (len(want), len(want), 0, None), 'counts')
	eq(j['audit'][-1]['args'], 'blackout add --name ' + q + 'audit freeze' + q +
	   ' --from 2027-01-04 --to 2027-01-06 --width 80 --color', 'args as received')" \
	audit
rows=$(sqlite3 "$db" "SELECT count(*) FROM audit")

# ---- --since and --until: the times of the rows set by hand ----

# Oldest first: 2026-11-19 23:59:59, 2026-11-20 00:00:00, 2026-11-20 12:00:00, 2026-11-21
# 00:00:00, then 2026-12-01 00:00:00 for any later one.
sqlite3 "$db" "UPDATE audit SET at = CASE id
	WHEN 1 THEN strftime('%s', '2026-11-19 23:59:59') WHEN 2 THEN strftime('%s', '2026-11-20 00:00:00')
	WHEN 3 THEN strftime('%s', '2026-11-20 12:00:00') WHEN 4 THEN strftime('%s', '2026-11-21 00:00:00')
	ELSE strftime('%s', '2026-12-01 00:00:00') END"
# window ARGS -- IDS: audit ARGS answers the rows IDS, latest first.
window() {
	_args=
	while [ "$1" != "--" ]; do _args="$_args $1"; shift; done
	shift
	# shellcheck disable=SC2086
	jcheck "audit$_args: rows $*" "
	eq([a['id'] for a in j['audit']], [int(i) for i in '$*'.split()], 'ids')
	eq(j['matched'], len('$*'.split()), 'matched')" audit $_args
}
window --since 2026-11-20 -- $(seq "$rows" -1 2)
window --since 2026-11-20T00:00:01Z -- $(seq "$rows" -1 3)
window --until 2026-11-20 -- 3 2 1
window --until 2026-11-19T23:59:59Z -- 1
window --since 2026-11-20 --until 2026-11-20 -- 3 2
window --since 2026-11 --until 2026-11 -- 4 3 2 1
window --since 2026-12-02 --
jcheck "--since and --until are in the answer as instants" "
	eq((j['since'], j['until']), ('2026-11-20T00:00:00Z', '2026-11-21T00:00:00Z'), 'window')" \
	audit --since 2026-11-20 --until 2026-11-20

ctl audit --since 2026-02-30
refused "a day that does not exist is refused" 2 "bad --since '2026-02-30': 2026-02 has 28 days"
ctl audit --until "last week"
refused "a date that is not one is refused" 2 "bad --until 'last week' (expected YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z)"
ctl audit --since 2026-11-21 --until 2026-11-20
refused "--until before --since is refused" 2 "--until 2026-11-20 ends before --since 2026-11-21"
printf 'audit --since 2026-13\n' | raw_send "$sock" half - "$tmp/raw" "$(tmo 30)"
check "the daemon refuses a bad --since itself" \
	[ "$(replies "$tmp/raw" | sed -n 2p)" = "400 0 bad --since '2026-13': there is no month 13" ]

# ---- the text ----

ctl audit --until 2026-11-20 --limit 2
if [ $rc -eq 0 ] && [ "$(lines "$tmp/out")" = 4 ] &&
    head -n 1 "$tmp/out" | grep -qE '^AT \(UTC\) +ACTOR +ACTION +OBJECT +RESULT$' &&
    sed -n 2p "$tmp/out" | grep -qE '^2026-11-20 12:00:00  uid [0-9]+ \([^)]*\)  reload +ok$' &&
    sed -n 3p "$tmp/out" | grep -qE '^2026-11-20 00:00:00  uid [0-9]+ \([^)]*\)  publish  ws2025-azure 2026-12 hotpatch --kb KB5000001 --note "from MSRC" --at 2026-12-20  ok$' &&
    [ "$(tail -n 1 "$tmp/out")" = "rows 1 to 2 of 3 matching ($rows stored); the next page: --offset 2" ]; then
	ok "the text: a table, the latest first, and where the next page starts"
else
	not_ok "the text: a table, the latest first, and where the next page starts" "$(cat "$tmp/out" "$tmp/err")"
fi
ctl audit --limit 2 --offset $((rows - 1))
check "the last page says no next one" \
	[ "$(tail -n 1 "$tmp/out")" = "rows $rows to $rows of $rows matching ($rows stored)" ]

# ---- pages: the default of 1000 and the bound of 10,000, driven past ----

sqlite3 "$db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10010)
	INSERT INTO audit (at, uid, command, args, result)
	SELECT strftime('%s', '2026-12-02 00:00:00') + i, 4242, 'reload', 'reload', 'ok' FROM n"
total=$((rows + 10010))
jcheck "without --limit, 1000 rows and where the next page starts" "
	eq(len(j['audit']), 1000, 'rows')
	eq((j['matched'], j['stored'], j['next_offset']), ($total, $total, 1000), 'counts')
	eq(j['audit'][0]['at'], '2026-12-02T02:46:50Z', 'the latest row: 10010 s after midnight')" \
	audit
jcheck "--limit 10000 is the most one page holds" "
	eq(len(j['audit']), 10000, 'rows')
	eq(j['next_offset'], 10000, 'next')" \
	audit --limit 10000
ctl audit --limit 10001
refused "--limit 10001 is refused" 2 "bad --limit '10001' (expected 1..10000)"
printf 'audit --limit 10001\naudit --limit 0\n' | raw_send "$sock" half - "$tmp/raw" "$(tmo 30)"
replies "$tmp/raw" > "$tmp/raw.status"
if [ "$(sed -n 2p "$tmp/raw.status")" = "400 0 bad --limit '10001' (expected 1..10000)" ] &&
    [ "$(sed -n 3p "$tmp/raw.status")" = "400 0 bad --limit '0' (expected 1..10000)" ]; then
	ok "the daemon refuses a page past the bound, or of nothing"
else
	not_ok "the daemon refuses a page past the bound, or of nothing" "$(cat "$tmp/raw.status")"
fi
jcheck "the last page of all of them: --offset past 10,000" "
	eq(len(j['audit']), $total - 10000, 'rows')
	eq(j['next_offset'], None, 'next')
	eq(j['audit'][-1]['id'], 1, 'the first row written comes last')" \
	audit --limit 10000 --offset 10000

# ---- who may read it ----

if root_or_skip "nobody, an admin by its group, reads the trail" \
    "the user daemon may not read the trail"; then
	as nobody audit --limit 1
	answered "nobody, an admin by its group, reads the trail"
	as daemon audit
	refused "the user daemon may not read the trail" 1 \
	    "permission denied: 'audit' reads the audit trail and needs root, the daemon's user or the admin group (you are uid $(id -u daemon))"
fi
check "reading the trail writes no row" [ "$(sqlite3 "$db" "SELECT count(*) FROM audit")" = "$total" ]

stop_daemon || not_ok "the daemon exits cleanly" "$(tail -n 5 "$tmp/var.log")"
finish
