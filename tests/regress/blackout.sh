#!/bin/sh
# regress/blackout.sh: blackout add, remove, list and import through hotpatchctl against a
# running hotpatchd: JSON and text answers, every exit code, the audit table, who may make
# changes, the size limit of an imported file, a restart and a reload.  Expected instants
# of the .ics fixtures (tests/ics/) are worked out with Python's zoneinfo, not libical.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch

ICS=$top_srcdir/tests/ics
me="uid $(id -u) ($(id -un))"

# count: the number of blackouts in the database.
count() { sqlite3 "$db" 'SELECT count(*) FROM blackouts;'; }

# Python for the JSON checks: the Berlin instants computed with zoneinfo.
# (Indented with a tab like the checks it is pasted in front of.)
berlin='
	def berlin(y, mo, d, h, mi=0):
	    t = datetime.datetime(y, mo, d, h, mi, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin"))
	    return t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")'

# ---------------------------------------------------------------------------
# Usage errors are caught by the client before it connects: exit 2 with no daemon running.

nosock=$tmp/nodaemon.sock
run --socket "$nosock" blackout add --name x --from 2026-12-01
refused "blackout add without --to exits 2 before connecting" 2 "--to"
run --socket "$nosock" blackout add --name x --from 2026-12-32 --to 2027-01-02
refused "blackout add with a bad --from date exits 2" 2 "bad --from '2026-12-32'"
run --socket "$nosock" blackout add --name x --from 2026-12-05 --to 2026-12-01
refused "blackout add with --to before --from exits 2" 2 "--to 2026-12-01 is before --from 2026-12-05"
run --socket "$nosock" blackout add --name x --from 2026/12/01 --to 2026-12-02
refused "blackout add with a date in another format exits 2" 2 "expected YYYY-MM-DD"
run --socket "$nosock" blackout remove seven
refused "blackout remove with a non-numeric id exits 2" 2 "bad id 'seven'"
run --socket "$nosock" blackout import "$tmp/missing.ics"
refused "blackout import of a missing file exits 2 with the system's reason" 2 \
    "$tmp/missing.ics: No such file or directory"

# ---------------------------------------------------------------------------
# The daemon: file blackouts, add, list, remove.

start_daemon "$tmp/var" || not_ok "the daemon starts" "$(cat "$tmp/var.log")"

jcheck "blackout list shows the shipped file blackouts with their origin" '
	bo = {b["name"]: b for b in j["blackouts"]}
	y = bo["year-end freeze"]
	eq((y["ring"], y["from"], y["to"], y["timed"], y["origin"], y["at"]),
	   (None, "2026-12-21", "2027-01-03", False, "file", None), "year-end freeze")
	assert y["who"].endswith("/*.yaml"), y["who"]
	t = bo["Thanksgiving / Black Friday / Cyber Monday freeze"]
	eq((t["ring"], t["from"], t["to"], t["origin"]), ("last", "2026-11-26", "2026-11-30", "file"), "Thanksgiving")
	assert t["who"].endswith("autopatch-default.yaml"), t["who"]
	ids = [b["id"] for b in j["blackouts"]]
	eq(ids, sorted(ids), "ids in order")
' blackout list
files=$(count)

ctl blackout add --name "change freeze" --from 2026-12-01 --to 2026-12-05
if [ $rc -eq 0 ] && [ "$(lines "$tmp/out")" = 1 ] && grep -qE "^blackout added: #[0-9]+ '" "$tmp/out" &&
    grep -qF "'change freeze' 2026-12-01..2026-12-05 (all rings), by $me" "$tmp/out"; then
	ok "blackout add answers 'blackout added: #N ... (all rings), by uid ...'"
else
	not_ok "blackout add answers 'blackout added: #N ... (all rings), by uid ...'" "exit $rc" \
	    "stdout: $(cat "$tmp/out")" "stderr: $(cat "$tmp/err")"
fi
now=$(date -u +%s)
jcheck "blackout add --ring ring1 --json: the new blackout with id, ring, dates, who and at" "
	b = j['blackout']
	eq(j['action'], 'add', 'action')
	eq((b['name'], b['ring'], b['from'], b['to'], b['timed'], b['origin']),
	   ('pilot freeze', 'ring1', '2026-12-07', '2026-12-07', False, 'runtime'), 'blackout')
	assert isinstance(b['id'], int) and b['id'] > 0, b['id']
	eq(j['who'], '$me', 'who')
	at = datetime.datetime.strptime(j['at'], '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=datetime.timezone.utc)
	assert abs(at.timestamp() - $now) < 60, 'at %s is not now' % j['at']
	open('$tmp/pilot.id', 'w').write(str(b['id']))
" blackout add --name "pilot freeze" --from 2026-12-07 --to 2026-12-07 --ring ring1
pilot=$(cat "$tmp/pilot.id" 2>/dev/null)

jcheck "blackout list --ring ring1: ring1's and the global ones, no other ring's" "
	rings = set(b['ring'] for b in j['blackouts'])
	eq(rings, {None, 'ring1'}, 'rings')
	names = [b['name'] for b in j['blackouts']]
	for n in ('year-end freeze', 'change freeze', 'pilot freeze'):
	    assert n in names, n
	p = [b for b in j['blackouts'] if b['name'] == 'pilot freeze'][0]
	eq((p['origin'], p['who']), ('runtime', '$me'), 'pilot freeze origin')
	eq(p['kind'], 'freeze', 'a blackout without --kind is a freeze')
" blackout list --ring ring1

# A pause: at most 35 days (both ends included), and the list says its kind.
# 2027-03-01..2027-04-04 is 31 March days + 4 April days = 35; to 04-05 is 36.
ctl blackout add --name "long pause" --kind pause --from 2027-03-01 --to 2027-04-05 --ring ring1
refused "blackout add --kind pause of 36 days exits 2 before connecting" 2 "35"
jcheck "blackout add --kind pause of exactly 35 days: added, kind pause" "
	eq((j['blackout']['kind'], j['blackout']['from'], j['blackout']['to']),
	   ('pause', '2027-03-01', '2027-04-04'), 'pause')
	open('$tmp/pause.id', 'w').write(str(j['blackout']['id']))
" blackout add --name "march pause" --kind pause --from 2027-03-01 --to 2027-04-04 --ring ring1
jcheck "blackout list: the pause with kind pause" "
	eq([b['kind'] for b in j['blackouts'] if b['name'] == 'march pause'], ['pause'], 'kind')
" blackout list --ring ring1

ctl blackout list
has "blackout list as text: a header, 'all' for global ones, file paths and 'runtime by'" \
    "ID" "RING" "KIND" "FROM" "TO" "NAME" "ORIGIN" "year-end freeze" "/*.yaml" " pause " " freeze " \
    "runtime by $me at " "change freeze" "ring1"
ctl blackout remove "$(cat "$tmp/pause.id" 2>/dev/null)"
[ $rc -eq 0 ] && ok "blackout remove of the pause" || not_ok "blackout remove of the pause" "$(cat "$tmp/err")"

ctl blackout add --name x --from 2026-12-01 --to 2026-12-02 --ring nosuch
refused "blackout add for an unknown ring exits 1 (404)" 1 "unknown ring 'nosuch'"
ctl blackout list --ring nosuch
refused "blackout list for an unknown ring exits 1" 1 "unknown ring 'nosuch'"

file_id=$(sqlite3 "$db" "SELECT id FROM blackouts WHERE origin = 'file' AND name = 'year-end freeze';")
ctl blackout remove "$file_id"
refused "removing a file blackout exits 1 and says to edit the file" 1 \
    "blackout $file_id comes from "
grep -qF "edit the file and reload" "$tmp/err" && ok "... and to edit the file and reload" ||
	not_ok "... and to edit the file and reload" "$(cat "$tmp/err")"
ctl blackout remove 99999
refused "removing a blackout that does not exist exits 1" 1 "no blackout 99999"

ctl blackout remove "$pilot"
has "blackout remove of a run-time blackout exits 0 and says what went" \
    "blackout removed: #$pilot 'pilot freeze' 2026-12-07..2026-12-07 (ring ring1), by $me"
ctl blackout remove "$pilot"
refused "removing it again exits 1" 1 "no blackout $pilot"
a=$(sqlite3 "$db" "SELECT group_concat(command || '|' || uid || '|' || result, ',') FROM
    (SELECT * FROM audit WHERE command LIKE 'blackout %' ORDER BY id);")
u=$(id -u)
want="blackout add|$u|ok,blackout add|$u|ok,blackout add|$u|ok,blackout remove|$u|ok,blackout remove|$u|ok"
[ "$a" = "$want" ] && ok "the audit table has the three adds and two removes, and nothing for the refusals" ||
	not_ok "the audit table has the three adds and two removes, and nothing for the refusals" "got:  $a" "want: $want"

# ---------------------------------------------------------------------------
# Import.  A recurring event is one entry that keeps its rule (recurring.sh shows what
# the windows make of them); an import is known by its name and ring.

before=$(count)
ctl --at 2026-11-20 blackout import "$ICS/rrule-exdate.ics"
has "blackout import of a good file: entries, the import's name and the first entries" \
    "imported rrule-exdate.ics as 'rrule-exdate.ics' (all rings): 3 entries, 2 repeating; 3 added, 0 updated, 0 unchanged, 0 removed, by $me" \
    "'Christmas' 2020-12-24..2020-12-26 (all rings), repeats FREQ=YEARLY" \
    "'Monday freeze' 2026-01-05 08:00Z..2026-01-05 09:00Z (all rings), repeats FREQ=WEEKLY;COUNT=4" \
    "'Monday freeze (moved to Tuesday)' 2026-01-20 13:00Z..2026-01-20 14:00Z (all rings)"
after=$(count)
[ "$after" -eq $((before + 3)) ] && ok "the import added exactly 3 rows (two rules and one moved occurrence)" ||
	not_ok "the import added exactly 3 rows (two rules and one moved occurrence)" "before $before, after $after"

jcheck "blackout import --ring ring2 --json: counts, ring, the rule and the timed instants from Europe/Berlin" "$berlin
	eq((j['action'], j['file'], j['import'], j['ring'], j['count'], j['repeating'], j['added']),
	   ('import', 'berlin.ics', 'berlin.ics', 'ring2', 3, 1, 3), 'reply')
	f = j['first']
	eq([b['name'] for b in f], ['night over the spring DST change',
	   'night over the autumn DST change', 'Friday change freeze'], 'names')
	eq([(b['from'], b['to']) for b in f],
	   [(berlin(2026, 3, 28, 22), berlin(2026, 3, 29, 6)),
	    (berlin(2026, 10, 24, 22), berlin(2026, 10, 25, 6)),
	    (berlin(2026, 3, 20, 22), berlin(2026, 3, 21, 0))], 'instants')
	eq(berlin(2026, 3, 28, 22), '2026-03-28T21:00:00Z', 'spring by hand')
	eq((f[2]['repeats'], f[2]['timezone'], f[2]['uid']),
	   ('FREQ=WEEKLY;COUNT=3', 'Europe/Berlin', 'weekly@test'), 'the rule')
	for b in f:
	    eq((b['ring'], b['timed'], b['origin'], b['import']), ('ring2', True, 'runtime', 'berlin.ics'), b['name'])
	ids = [b['id'] for b in f]
	eq(ids, list(range(ids[0], ids[0] + 3)), 'consecutive ids')
" --at 2026-11-20 blackout import "$ICS/berlin.ics" --ring ring2

jcheck "the imported entries are in the list, with who, the import and the rule's exceptions" "
	imp = [b for b in j['blackouts'] if b['import'] is not None]
	eq(len(imp), 6, 'imported entries')
	for b in imp:
	    eq(b['who'], '$me', 'who')
	x = [b for b in imp if b['name'] == 'Christmas'][0]
	eq((x['repeats'], x['except'], x['uid']), ('FREQ=YEARLY', ['2026-12-24'], 'xmas@test'), 'Christmas')
	m = [b for b in imp if b['name'] == 'Monday freeze (moved to Tuesday)'][0]
	eq((m['uid'], m['occurrence']), ('standup@test', '2026-01-19T08:00:00Z'), 'moved occurrence')
" blackout list

n0=$(count)
for f in bad-dtstart.ics no-end.ics garbage.ics no-vevent.ics dtend-before.ics; do
	ctl --at 2026-11-20 blackout import "$ICS/$f"
	if [ $rc -eq 1 ] && ! [ -s "$tmp/out" ] && grep -qF "hotpatchctl: $f: " "$tmp/err" &&
	    grep -qF "nothing imported" "$tmp/err"; then
		ok "import of malformed $f exits 1 with the file's name and why"
	else
		not_ok "import of malformed $f exits 1 with the file's name and why" "exit $rc" \
		    "stderr: $(cat "$tmp/err")"
	fi
done
ctl blackout import "$ICS/bad-dtstart.ics"
refused "the bad DTSTART is quoted from libical" 1 \
    "bad-dtstart.ics: bad iCalendar data: Can't parse as DATE-TIME value in DTSTART property"
ctl blackout import "$ICS/dtend-before.ics"
refused "DTEND before DTSTART names the event" 1 "event 'Backwards': DTEND is before DTSTART"
ctl blackout import "$ICS/allday.ics" --ring nosuch
refused "import for an unknown ring exits 1" 1 "unknown ring 'nosuch'"
mkdir "$tmp/dir.ics"
ctl blackout import "$tmp/dir.ics"
refused "blackout import of a directory: the daemon reads no such thing (exit 2)" 2 \
    "dir.ics is not a regular file; nothing imported"
[ "$(count)" -eq "$n0" ] && ok "nothing was imported by the refused imports" ||
	not_ok "nothing was imported by the refused imports" "blackouts $n0 -> $(count)"
a=$(sqlite3 "$db" "SELECT count(*) FROM audit WHERE command = 'blackout import';")
[ "$a" = 2 ] && ok "the audit table has one row per accepted import" || not_ok "the audit table has one row per accepted import" "got $a"
a=$(sqlite3 "$db" "SELECT args FROM audit WHERE command = 'blackout import' ORDER BY id LIMIT 1;")
[ "$a" = "blackout import rrule-exdate.ics (970 bytes, 3 entries) --import rrule-exdate.ics" ] &&
	ok "the audit row summarises the file instead of holding it" ||
	not_ok "the audit row summarises the file instead of holding it" "got: $a"

# Issue 12 F2: a zone that libical would expand second by second since 1601 is refused at
# once (run's time cap), nothing is imported, and the daemon answers right after.
n0=$(count)
ctl blackout import "$ICS/f2-secondly-zone.ics"
refused "a VTIMEZONE with RRULE:FREQ=SECONDLY from 1601 is refused, naming the zone and the rule" 1 \
    "f2-secondly-zone.ics: time zone 'Bomb': STANDARD has RRULE FREQ=SECONDLY; a VTIMEZONE rule must be FREQ=YEARLY; nothing imported"
ctl status
answered "status answers right after the refused import"
[ "$(count)" -eq "$n0" ] && ok "the refused import added nothing" ||
	not_ok "the refused import added nothing" "blackouts $n0 -> $(count)"

# A COUNT or an UNTIL stays in the rule: nothing is cut at a horizon.
jcheck "import --json: COUNT and UNTIL are kept in the rules" "
	eq([(b['name'], b['repeats']) for b in j['first']],
	   [('Yearly audit', 'FREQ=YEARLY;COUNT=3'),
	    ('Monthly freeze', 'FREQ=MONTHLY;UNTIL=20300101T000000Z'),
	    ('Short run', 'FREQ=WEEKLY;COUNT=2')], 'rules')
	assert 'cut' not in j and 'horizon' not in j, sorted(j)
" --at 2026-11-20 blackout import "$ICS/count-cut.ics" --ring ring1

# Names: a TAB is refused in --name (it would break the columns); in an imported SUMMARY it
# becomes a space, and the list keeps its columns.
ctl blackout add --name "$(printf 'year\tend')" --from 2026-12-21 --to 2027-01-03
refused "blackout add --name with a TAB exits 2 and says why" 2 \
    "bad --name: it has a tab or another control character"
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261224\r\nSUMMARY:tab\there\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' > "$tmp/tab.ics"
ctl --at 2026-11-20 blackout import "$tmp/tab.ics"
has "a TAB in an imported SUMMARY becomes a space" "'tab here' 2026-12-24..2026-12-24"
ctl blackout list
row=$(grep -F "tab here" "$tmp/out")
head=$(head -n 1 "$tmp/out")
if [ $rc -eq 0 ] && ! grep -q "$(printf '\t')" "$tmp/out" && [ -n "$row" ] &&
    [ "${row%%tab here*}" != "$row" ] &&
    [ "$(printf '%s' "${row%%tab here*}" | wc -c)" -eq "$(printf '%s' "${head%%NAME*}" | wc -c)" ]; then
	ok "blackout list: no TAB anywhere, the imported name starts in the NAME column"
else
	not_ok "blackout list: no TAB anywhere, the imported name starts in the NAME column" "$(cat "$tmp/out")"
fi

# A file's name longer than an import's name may be is refused with a way out; --import
# names it.
long=$tmp/$(python3 -c 'print("n" * 200)').ics
cp "$ICS/allday.ics" "$long"
ctl --at 2026-11-20 blackout import "$long" --ring ring1
refused "a 204-byte file name cannot name the import: exit 2 and --import says how" 2 \
    "give one with --import NAME"
ctl --json --at 2026-11-20T00:00:00Z blackout import "$long" --ring ring1 --import "long file"
if [ $rc -eq 0 ] && grep -q '"count": 5' "$tmp/out" && grep -q '"import": "long file"' "$tmp/out"; then
	ok "... and with --import it is imported under that name"
else
	not_ok "... and with --import it is imported under that name" "exit $rc" "stderr: $(cat "$tmp/err")"
fi

# ---------------------------------------------------------------------------
# A peer that is not an admin may list but not change.  Needs root to become nobody.

if root_or_skip "blackout list works for a non-admin peer" "blackout add by a non-admin: permission denied" \
    "blackout remove by a non-admin: permission denied" "blackout import by a non-admin: permission denied" \
    "a non-admin changed nothing in the database"; then
	stop_daemon
	chmod 755 "$tmp"
	cp "$HOTPATCHCTL" "$tmp/hotpatchctl"
	cp "$ICS/allday.ics" "$tmp/nb.ics"
	chmod 755 "$tmp/hotpatchctl"
	chmod 644 "$tmp/nb.ics"
	printf 'version: 1\nsocket: {mode: "0666"}\n' > "$tmp/nb.yaml"
	start_daemon "$tmp/var" -c "$tmp/nb.yaml" || not_ok "the daemon starts with socket mode 0666" "$(cat "$tmp/var.log")"
	chmod 755 "$tmp/var"
	sqlite3 "$db" .dump > "$tmp/nb.before"
	become_nobody=$(nobody_cmd)
	as_nobody() {
		# shellcheck disable=SC2086
		timeout "$(tmo 60)" $become_nobody "$tmp/hotpatchctl" --socket "$sock" "$@" > "$tmp/out" 2> "$tmp/err"
		rc=$?
	}
	as_nobody blackout list
	has "blackout list works for a non-admin peer" "year-end freeze" "change freeze"
	as_nobody blackout add --name "not mine" --from 2026-12-01 --to 2026-12-02
	refused "blackout add by a non-admin: permission denied" 1 "permission denied"
	id=$(sqlite3 "$db" "SELECT max(id) FROM blackouts WHERE origin = 'runtime';")
	as_nobody blackout remove "$id"
	refused "blackout remove by a non-admin: permission denied" 1 "permission denied"
	as_nobody blackout import "$tmp/nb.ics"
	refused "blackout import by a non-admin: permission denied" 1 "permission denied"
	sqlite3 "$db" .dump > "$tmp/nb.after"
	cmp -s "$tmp/nb.before" "$tmp/nb.after" && ok "a non-admin changed nothing in the database" ||
		not_ok "a non-admin changed nothing in the database" "$(diff "$tmp/nb.before" "$tmp/nb.after" | head -n 5)"
fi

# ---------------------------------------------------------------------------
# Run-time blackouts survive a restart and a reload; file ones stay file ones.

ctl --json blackout list
cp "$tmp/out" "$tmp/list.before"
stop_daemon
rc=$?
[ $rc -eq 0 ] && ok "the daemon stops with exit 0" || not_ok "the daemon stops with exit 0" "exit $rc"
start_daemon "$tmp/var" || not_ok "the daemon restarts" "$(tail -n 3 "$tmp/var.log")"
ctl --json blackout list
cmp -s "$tmp/list.before" "$tmp/out" && ok "every blackout, ids and all, survives a restart" ||
	not_ok "every blackout, ids and all, survives a restart" "$(diff "$tmp/list.before" "$tmp/out" | head -n 8)"
ctl reload
answered "reload exits 0"
ctl --json blackout list
cmp -s "$tmp/list.before" "$tmp/out" && ok "a reload of unchanged files keeps every blackout" ||
	not_ok "a reload of unchanged files keeps every blackout" "$(diff "$tmp/list.before" "$tmp/out" | head -n 8)"
ctl status
has "status counts the run-time blackouts too" "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["blackouts"]))' "$tmp/list.before") blackouts"

stop_daemon
ic=$(sqlite3 "$db" 'PRAGMA integrity_check;' 2>&1)
[ "$ic" = ok ] && ok "the database passes PRAGMA integrity_check" ||
	not_ok "the database passes PRAGMA integrity_check" "$ic"

finish
