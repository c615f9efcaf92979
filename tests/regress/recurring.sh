#!/bin/sh
# regress/recurring.sh: blackouts that recur and imports that can be redone, with the real
# daemon and hotpatchctl: a ring file's yearly freeze moves December's window (expected
# windows worked out in Python with zoneinfo, not libical), the feed says so, an .ics rule
# moves windows until its import is removed, importing the same file again changes nothing,
# a changed file updates its entries and a shorter one removes what it lost, the import
# survives a restart, and the file size limit (4 MiB) holds on both sides of it.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch

mkdir "$tmp/sched"
cat > "$tmp/sched/r.yaml" <<'EOF'
version: 1
rings:
  - id: r1
    name: R1
    os: [win11-24h2]
    deferral_days: 7
    deadline_days: 7
    grace_days: 2
    timezone: America/New_York
    windows:
      - days: [tue, thu]
        start: "20:00"
        duration: 2h
blackouts:
  - name: christmas
    every: year
    from: 12-20
    to: 01-02
EOF
SCHED=$tmp/sched
count() { sqlite3 "$db" 'SELECT count(*) FROM blackouts;'; }

# The oracle: the first Tuesday or Thursday 20:00-22:00 New York at or after the offer
# (release + 7 days) that overlaps no freeze; a freeze is every local day from 20 December
# to 2 January, and what else the case adds ("extra": local days that are frozen).  The
# checks below run it first ($oracle), on top of lib.sh's release_at.
cat > "$tmp/oracle.py" <<'EOF'
ny = zoneinfo.ZoneInfo("America/New_York")
def frozen(day, extra):
    return (day.month == 12 and day.day >= 20) or (day.month == 1 and day.day <= 2) or day in extra
def expected(y, m, extra=()):
    off = datetime.datetime.strptime(release_at(y, m), "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc) + datetime.timedelta(days=7)
    day = off.astimezone(ny).date()
    while True:
        s = datetime.datetime(day.year, day.month, day.day, 20, 0, tzinfo=ny)
        if day.weekday() in (1, 3) and s >= off and not frozen(day, extra):
            return s.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        day += datetime.timedelta(days=1)
def months(y, m, n):
    for i in range(n):
        yield (y + (m - 1 + i) // 12, (m - 1 + i) % 12 + 1)
EOF
oracle="	exec(open('$tmp/oracle.py').read())"

start_daemon "$tmp/var" || not_ok "the daemon starts" "$(cat "$tmp/var.log")"

jcheck "ring show: the freeze every year, from and to as written" "
	b = [b for b in j['blackouts'] if b['name'] == 'christmas'][0]
	eq((b['from'], b['to'], b['repeats'], b['global']), ('12-20', '01-02', 'every year', True), 'christmas')
" ring show r1

jcheck "windows 2026-12 .. 2028-12: each month's window is the oracle's, moved in December 2027 only" "$oracle
	rows = j['windows']
	eq(len(rows), 25, 'rows')
	for (y, m), r in zip(months(2026, 12, 25), rows):
	    eq(r['month'], '%04d-%02d' % (y, m), 'month')
	    eq(r['window_start'], expected(y, m), r['month'])
	    want = 'christmas' if (y, m) == (2027, 12) else None
	    eq(r['blackout'], want, r['month'] + ' blackout')
	# Offered Tuesday 2027-12-21; 21, 23, 28 and 30 December are frozen: Tuesday 4 January.
	eq(rows[12]['window_start'], '2028-01-05T01:00:00Z', 'by hand')
	assert \"christmas' (2027-12-20..2028-01-02)\" in rows[12]['reason'], rows[12]['reason']
" --at 2026-11-20 windows --ring r1 --os win11-24h2 --from 2026-12 --months 25

ctl --at 2026-11-20 feed --ring r1
has "the ring's feed puts December 2027's install on 4 January, in New York time" \
    "DTSTART;TZID=America/New_York:20280104T200000"

# ---------------------------------------------------------------------------
# An .ics rule: every Tuesday (all day) from 2027-01-05, for r1.  January's offer is
# Tuesday the 19th (Patch Tuesday the 12th + 7): its window moves to Thursday the 21st.

cat > "$tmp/tuesdays.ics" <<'EOF'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//hotpatchd tests//EN
BEGIN:VEVENT
UID:tue@test
DTSTART;VALUE=DATE:20270105
RRULE:FREQ=WEEKLY;BYDAY=TU
SUMMARY:Tuesday freeze
END:VEVENT
BEGIN:VEVENT
UID:may@test
DTSTART;VALUE=DATE:20270501
SUMMARY:May Day
END:VEVENT
END:VCALENDAR
EOF
n0=$(count)
ctl blackout import "$tmp/tuesdays.ics" --ring r1
has "the import keeps the weekly event as one rule" \
    "imported tuesdays.ics as 'tuesdays.ics' (ring r1): 2 entries, 1 repeating; 2 added"
[ "$(count)" -eq $((n0 + 2)) ] && ok "two rows, not one a week" ||
	not_ok "two rows, not one a week" "$n0 -> $(count)"

jcheck "windows 2027: every month's Tuesday window goes to Thursday, the oracle's" "$oracle
	tue = set()
	d = datetime.date(2027, 1, 5)
	while d.year < 2029:
	    tue.add(d)
	    d += datetime.timedelta(days=7)
	for (y, m), r in zip(months(2027, 1, 12), j['windows']):
	    eq(r['window_start'], expected(y, m, tue), r['month'])
	eq(j['windows'][0]['window_start'], '2027-01-22T01:00:00Z', 'January by hand')
	eq(j['windows'][0]['blackout'], 'Tuesday freeze', 'January blackout')
" --at 2026-11-20 windows --ring r1 --os win11-24h2 --from 2027-01 --months 12
ctl --at 2026-11-20 feed --ring r1
has "the ring's feed puts January 2027's install on Thursday the 21st, New York time" \
    "DTSTART;TZID=America/New_York:20270121T200000"

ctl blackout import "$tmp/tuesdays.ics" --ring r1
has "importing the same file again changes nothing" \
    "2 entries, 1 repeating; 0 added, 0 updated, 2 unchanged, 0 removed"
[ "$(count)" -eq $((n0 + 2)) ] && ok "importing twice gives the same count" ||
	not_ok "importing twice gives the same count" "$n0 -> $(count)"

id=$(sqlite3 "$db" "SELECT id FROM blackouts WHERE uid = 'tue@test';")
sed 's/SUMMARY:Tuesday freeze/SUMMARY:Tuesday change freeze/' "$tmp/tuesdays.ics" > "$tmp/t2.ics"
python3 - "$tmp/t2.ics" <<'EOF'
import sys
p = sys.argv[1]
s = open(p).read()
i = s.index("BEGIN:VEVENT\nUID:may@test")
j = s.index("END:VEVENT\n", i) + len("END:VEVENT\n")
open(p, "w").write(s[:i] + s[j:])
EOF
ctl blackout import "$tmp/t2.ics" --ring r1 --import tuesdays.ics
has "a changed file under the same import name: the event updated, the one gone removed" \
    "1 entry, 1 repeating; 0 added, 1 updated, 0 unchanged, 1 removed"
got=$(sqlite3 "$db" "SELECT id || ' ' || name FROM blackouts WHERE import_name = 'tuesdays.ics';")
[ "$got" = "$id Tuesday change freeze" ] && ok "the updated event keeps its id" ||
	not_ok "the updated event keeps its id" "got: $got" "want: $id Tuesday change freeze"

# A restart: the rule and its effect are the same.
ctl --json --at 2026-11-20 windows --ring r1 --os win11-24h2 --from 2026-12 --months 25
cp "$tmp/out" "$tmp/windows.before"
stop_daemon
start_daemon "$tmp/var" || not_ok "the daemon restarts" "$(tail -n 3 "$tmp/var.log")"
ctl --json --at 2026-11-20 windows --ring r1 --os win11-24h2 --from 2026-12 --months 25
cmp -s "$tmp/windows.before" "$tmp/out" && ok "after a restart the windows are the same" ||
	not_ok "after a restart the windows are the same" "$(diff "$tmp/windows.before" "$tmp/out" | head -n 6)"

ctl blackout remove --import tuesdays.ics --ring r1
has "blackout remove --import undoes the import" \
    "import 'tuesdays.ics' removed: 1 blackout (ring r1), by "
[ "$(count)" -eq "$n0" ] && ok "no row of the import is left" || not_ok "no row of the import is left" "$n0 -> $(count)"
jcheck "without the import, the windows are the ring file's again" "$oracle
	for (y, m), r in zip(months(2026, 12, 25), j['windows']):
	    eq(r['window_start'], expected(y, m), r['month'])
" --at 2026-11-20 windows --ring r1 --os win11-24h2 --from 2026-12 --months 25
ctl blackout remove --import tuesdays.ics
refused "removing it again: no such import (exit 1)" 1 "no import 'tuesdays.ics'"
a=$(sqlite3 "$db" "SELECT group_concat(command, ',') FROM audit WHERE command LIKE 'blackout %';")
[ "$a" = "blackout import,blackout import,blackout import,blackout remove" ] &&
	ok "one audit row for each import and for the removal" || not_ok "one audit row for each import and for the removal" "got: $a"

# ---------------------------------------------------------------------------
# The size limit: 4 MiB (ICS_MAX_BYTES).  The file is passed as a descriptor, so a file of
# exactly 4 MiB is read; one byte more is refused before a byte is read.

python3 - "$tmp/4m.ics" 4194304 <<'EOF'
import sys
head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hotpatchd tests//EN\r\n"
ev = "BEGIN:VEVENT\r\nUID:pad@test\r\nDTSTART;VALUE=DATE:20271224\r\nSUMMARY:padded\r\nEND:VEVENT\r\n"
tail = "END:VCALENDAR\r\n"
size = int(sys.argv[2])
left = size - len(head) - len(ev) - len(tail)
pad = []
while left > 0:
    n = min(74, left)
    if 0 < left - n < 9:
        n -= 9
    pad.append("X-PAD:" + "p" * (n - 8) + "\r\n")
    left -= n
data = head + "".join(pad) + ev + tail
assert len(data) == size, len(data)
open(sys.argv[1], "w", newline="").write(data)
EOF
cp "$tmp/4m.ics" "$tmp/4m1.ics"
printf ' ' >> "$tmp/4m1.ics"
ctl blackout import "$tmp/4m1.ics"
refused "a file of 4 MiB and a byte is refused: exit 1, the limit in the message" 1 \
    "4m1.ics is larger than 4194304 bytes; nothing imported"
ctl status
answered "the daemon answers after the refused file"
ctl blackout import "$tmp/4m.ics"
has "a file of exactly 4 MiB is imported" "imported 4m.ics as '4m.ics' (all rings): 1 entry"

finish
