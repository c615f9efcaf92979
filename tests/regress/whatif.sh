#!/bin/sh
# regress/whatif.sh: hotpatchctl plan --what-if FILE|DIR and --set RING.KEY=VALUE with the
# real daemon and client, on the shipped calendar, schedules/autopatch-default.yaml and a
# small ring file of our own (pilot, which holds the directory group "Pilots").
#
# Worked by hand (Patch Tuesday is computed in Python, independently of hotpatchd): ring2
# has deferral 5, deadline 2 and windows Mon-Thu 22:00 in Berlin.  10:00 in Los Angeles is
# 19:00 in Berlin (18:00 in the weeks only one side is on summer time), so deferral 5
# offers on the Sunday evening and the install is the Monday after, Patch Tuesday + 6.
# With deferral 9 the offer is on the Thursday at 19:00 and the Thursday 22:00 window takes
# it: Patch Tuesday + 9.  The deadline (offer + 2 days) is after both windows, so every
# status stays ok and no risk comes or goes; the kind and restarts do not change either:
# 2026 has 24 ring2 cells (two OSes) that change their day, and nothing else.
# ring2.devices.vbs=false makes ring2 not eligible: an LCU with a restart every month.  Per
# OS, 2026 has 7 hotpatch months (Feb, Mar, May, Aug, Sep, Nov, Dec; June is an unplanned
# baseline), so 14 cells gain a restart; each OS restarts 6 times today (as hotpatchctl
# plan shows: 4 baselines, June's, one out-of-band) and 13 then (12 LCUs, the same out-of-band
# one): ring2's restarts go from 12 to 26.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch
needs "plan --what-if" sqlite3

SCHED=$tmp/schedules
mkdir "$SCHED"
cp "${top_srcdir:-.}/schedules/autopatch-default.yaml" "$SCHED/"
cat > "$SCHED/pilot.yaml" <<'EOF'
version: 1
rings:
  - id: pilot
    name: Pilot
    os: [win11-24h2]
    groups: [Pilots]
    deferral_days: 0
    deadline_days: 1
    grace_days: 1
    timezone: Europe/Berlin
    hotpatch: true
    windows:
      - { days: [tue], start: "20:00", duration: 2h }
EOF
# As root, the socket is opened to everyone so that nobody can ask too.
if [ "$(id -u)" -eq 0 ]; then
	chmod 755 "$tmp"
	printf 'version: 1\nsocket: {mode: "0666"}\n' > "$tmp/open.yaml"
	daemon_args="-c $tmp/open.yaml"
else
	daemon_args=
fi
# shellcheck disable=SC2086
start_daemon "$tmp/var" $daemon_args || not_ok "the daemon starts" "$(cat "$tmp/var.log")"
[ -n "$daemon_args" ] && chmod 755 "$tmp/var"
sqlite3 "$db" .dump > "$tmp/db.before"

# ---- --set: the hand-worked days ----
jcheck "--set ring2.deferral_days=9: its 24 cells move from Patch Tuesday + 6 to + 9" "
import datetime
def pt(month, days):
    y, m = map(int, month.split('-'))
    d = datetime.date.fromisoformat(second_tuesday(y, m)) + datetime.timedelta(days=days)
    return d.isoformat()
df = j['diff']
eq(len(df['cells']), 24, 'cells')
for c in df['cells']:
    eq((c['ring'], c['changed']), ('ring2', ['day']), c['month'])
    eq(c['before']['day'], pt(c['month'], 6), c['month'] + ' before')
    eq(c['after']['day'], pt(c['month'], 9), c['month'] + ' after')
    eq((c['before']['status'], c['after']['status']), ('ok', 'ok'), 'status')
eq(sorted(c['os'] for c in df['cells'])[::12], ['win11-24h2', 'win11-25h2'], 'oses')
eq((df['risks_new'], df['risks_gone']), ([], []), 'risks')
eq((df['rows_added'], df['rows_removed']), ([], []), 'rows')
eq(df['settings'], [{'ring': 'ring2', 'key': 'deferral_days', 'before': 5, 'after': 9}],
   'settings')
eq([(r['ring'], r['before'], r['after']) for r in df['restarts'] if r['ring'] == 'ring2'],
   [('ring2', 12, 12)], 'ring2 restarts')
eq(all(r['before'] == r['after'] for r in df['restarts']), True, 'no restarts change')
eq(j['what_if'], {'files': [], 'directory': None, 'set': ['ring2.deferral_days=9']}, 'asked')
eq(df['devices'], None, 'no inventory, no device counts')
# The plan itself is the plan as it would be.
for r in j['rings']:
    if r['ring'] == 'ring2':
        for m in r['months']:
            eq(m['window_start_local'][:10], pt(m['month'], 9), 'plan ' + m['month'])
" plan --year 2026 --set ring2.deferral_days=9

ctl plan --year 2026 --set ring2.deferral_days=9
has "the text: the plan, then one line per ring and month, both OSes together" \
    "plan 2026: each ring's install window" \
    "what if --set ring2.deferral_days=9: what changes against today's plan" \
    "  ring2 deferral_days: 5 -> 9" \
    "  ring2 win11-24h2,win11-25h2 2026-01: day 01/19 -> 01/22" \
    "  ring2 win11-24h2,win11-25h2 2026-12: day 12/14 -> 12/17" \
    "restarts per ring"

jcheck "--set ring2.devices.vbs=false: 14 hotpatch cells restart, restarts 12 -> 26" "
df = j['diff']
restart = [c for c in df['cells'] if 'restart' in c['changed']]
eq(len(restart), 14, 'cells that restart')
eq(all(c['before']['kind'] == 'hotpatch' and c['after']['kind'] == 'lcu' for c in restart),
   True, 'hotpatch -> lcu')
eq([(r['before'], r['after']) for r in df['restarts'] if r['ring'] == 'ring2'], [(12, 26)],
   'ring2 restarts')
eq(df['settings'], [{'ring': 'ring2', 'key': 'vbs', 'before': True, 'after': False}], 'settings')
" plan --year 2026 --set ring2.devices.vbs=false

jcheck "plan without --what-if or --set answers as before: no diff" "
eq([k for k in j if k in ('diff', 'what_if')], [], 'keys')" plan --year 2026

# ---- --set errors: one line, no plan ----
ctl plan --year 2026 --set nosuch.deferral_days=9
refused "--set of an unknown ring: exit 1, named" 1 \
    "--set nosuch.deferral_days=9: unknown ring 'nosuch' (see hotpatchctl rings); no plan"
ctl plan --set ring2.colour=red
refused "--set of an unknown key: exit 1, the keys listed" 1 \
    "--set ring2.colour=red: unknown ring key 'colour' (the keys of a ring: id, name, os,"
ctl plan --set ring2.deferral_days=45
refused "--set of a value out of range: the loader's message" 1 \
    "--set ring2.deferral_days=45: deferral_days must be 0..30, got 45; no plan"
ctl plan --set ring2.timezone=Mars/Base
refused "--set of a bad time zone: the loader's message" 1 "unknown time zone 'Mars/Base'"
ctl plan --set ring2.deferral_days
refused "--set without =VALUE: exit 2 before connecting" 2 \
    "bad --set 'ring2.deferral_days' (expected RING.KEY=VALUE"
ctl plan --set a.b=1 --set a.b=2 --set a.b=3 --set a.b=4 --set a.b=5 --set a.b=6 --set a.b=7 \
    --set a.b=8 --set a.b=9
refused "a ninth --set: exit 2" 2 "--set is given more than 8 times"

# ---- a ring file ----
cat > "$tmp/r2.yaml" <<'EOF'
version: 1
rings:
  - id: ring2
    name: "Ring2"
    os: [win11-24h2, win11-25h2]
    deferral_days: 9
    deadline_days: 2
    grace_days: 2
    timezone: Europe/Berlin
    hotpatch: true
    reminder: 30m
    windows:
      - days: [mon, tue, wed, thu]
        start: "22:00"
        duration: 4h
  - id: extra
    name: Extra
    os: [win11-25h2]
    deferral_days: 3
    deadline_days: 2
    grace_days: 1
    timezone: UTC
EOF
chmod 644 "$tmp/r2.yaml"
jcheck "--what-if FILE: ring2 is replaced in place, extra is added" "
df = j['diff']
eq(len(df['cells']), 24, 'cells')
eq(df['rows_added'], [{'ring': 'extra', 'os': 'win11-25h2'}], 'rows added')
eq(df['settings'], [{'ring': 'ring2', 'key': 'deferral_days', 'before': 5, 'after': 9}],
   'settings')
order = []
for r in j['rings']:
    if r['ring'] not in order:
        order.append(r['ring'])
eq(order, ['test', 'ring1', 'ring2', 'ring3', 'last', 'pilot', 'extra'], 'ring order')
eq(j['what_if']['files'], ['r2.yaml'], 'files')
" plan --year 2026 --what-if "$tmp/r2.yaml"

printf 'version: 1\nrings:\n  - id: ring2\n    name: R\n    os: [win11-24h2]\n    deferral_days: 45\n    deadline_days: 99\n    grace_days: 1\n    timezone: UTC\n' \
    > "$tmp/bad.yaml"
ctl plan --what-if "$tmp/bad.yaml"
if [ $rc -eq 1 ] && ! [ -s "$tmp/out" ] && [ "$(lines "$tmp/err")" = 3 ] &&
    grep -qxF "bad.yaml:6:20: deferral_days must be 0..30, got 45" "$tmp/err" &&
    grep -qxF "bad.yaml:7:20: deadline_days must be 0..30, got 99" "$tmp/err" &&
    grep -qxF "hotpatchctl: bad.yaml:6:20: deferral_days must be 0..30, got 45; no plan" "$tmp/err"; then
	ok "a bad ring file: every error, file:line:column, and no plan"
else
	not_ok "a bad ring file: every error, file:line:column, and no plan" "exit $rc" \
	    "stdout: $(head -c 200 "$tmp/out")" "stderr: $(cat "$tmp/err")"
fi
ctl --json plan --what-if "$tmp/bad.yaml"
json_check "a bad ring file with --json: the errors as JSON on stdout, exit 1" "$tmp/out" "
eq(j, {'errors': ['bad.yaml:6:20: deferral_days must be 0..30, got 45',
                  'bad.yaml:7:20: deadline_days must be 0..30, got 99']}, 'errors')
eq($rc, 1, 'exit')"
# The same file through hotpatchd -n gives the same messages: one loader.
mkdir "$tmp/badsched" && cp "$tmp/bad.yaml" "$tmp/badsched/"
"$HOTPATCHD" -n --calendar "$CAL" --schedules "$tmp/badsched" > "$tmp/n.out" 2>&1
check "hotpatchd -n gives the same messages" grep -qF "/bad.yaml:6:20: deferral_days must be 0..30, got 45" "$tmp/n.out"

ctl plan --what-if "$tmp/missing.yaml"
refused "a missing file: exit 2 before connecting" 2 "missing.yaml: No such file or directory"

# ---- a directory: every ring file, so a ring it lacks is gone ----
mkdir "$tmp/dir"
python3 - "$SCHED/autopatch-default.yaml" "$tmp/dir/autopatch-default.yaml" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
text = text.replace("deferral_days: 5", "deferral_days: 9", 1)      # ring2's, the only 5
start = text.index("  - id: last\n")
end = text.index("\n# Global blackouts")
open(sys.argv[2], "w").write(text[:start] + text[end + 1:])
EOF
jcheck "--what-if DIR: last (not in it) and pilot (its file not there) are gone" "
df = j['diff']
eq(len(df['cells']), 24, 'cells')
eq(sorted((r['ring'], r['os']) for r in df['rows_removed']),
   [('last', 'win11-24h2'), ('last', 'win11-25h2'), ('pilot', 'win11-24h2')], 'rows removed')
eq([(r['before'], r['after']) for r in df['restarts'] if r['ring'] == 'last'], [(12, None)],
   'last restarts')
eq(j['what_if']['directory'], '$tmp/dir', 'directory')
eq(j['what_if']['files'], ['$tmp/dir/autopatch-default.yaml'], 'files')
" plan --year 2026 --what-if "$tmp/dir/"

ctl plan --what-if "$tmp/dir" --what-if "$tmp/r2.yaml"
refused "a directory with another --what-if: exit 2" 2 "a directory stands for every ring file"
mkdir "$tmp/nofiles"
ctl plan --what-if "$tmp/nofiles"
refused "a directory without ring files: exit 2" 2 "holds no ring files (*.yaml)"

# ---- the limits: 43,008 bytes of ring files, 16 files ----
python3 - "$tmp/max.yaml" 43008 <<'EOF'
import sys
head = "version: 1\nrings: []\n"
pad = int(sys.argv[2]) - len(head)
open(sys.argv[1], "w").write(head + "#" * (pad - 1) + "\n")
EOF
ctl plan --year 2026 --what-if "$tmp/max.yaml"
has "a ring file of exactly 43008 bytes is sent and read" "no install changes"
printf '#' >> "$tmp/max.yaml"
ctl plan --what-if "$tmp/max.yaml"
refused "a ring file of 43009 bytes: exit 2, the limit named" 2 \
    "the what-if ring files come to more than 43008 bytes; a what-if sends at most 43008"
mkdir "$tmp/many"
for i in 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16; do
	printf 'version: 1\nrings: []\n' > "$tmp/many/f$i.yaml"
done
jcheck "a directory of 16 ring files is sent: no rings at all" "
eq(j['rings'], [], 'rings')
eq(len(j['what_if']['files']), 16, 'files')
eq(len(j['diff']['rows_removed']), 11, 'rows removed')" plan --year 2026 --what-if "$tmp/many"
printf 'version: 1\n' > "$tmp/many/f17.yaml"
ctl plan --what-if "$tmp/many"
refused "a directory of 17 ring files: exit 2, the limit named" 2 \
    "holds 17 ring files; a what-if sends at most 16"

# ---- read-only: a reader may ask, and nothing is stored ----
if root_or_skip "a non-admin peer runs --set" "a non-admin peer runs --what-if FILE"; then
	cp "$HOTPATCHCTL" "$tmp/hotpatchctl"
	chmod 755 "$tmp/hotpatchctl"
	become_nobody=$(nobody_cmd)
	as_nobody() {
		# shellcheck disable=SC2086
		timeout "$(tmo 60)" $become_nobody "$tmp/hotpatchctl" --socket "$sock" "$@" \
		    > "$tmp/out" 2> "$tmp/err"
		rc=$?
	}
	as_nobody plan --year 2026 --set ring2.deferral_days=9
	has "a non-admin peer runs --set" "  ring2 win11-24h2,win11-25h2 2026-01: day 01/19 -> 01/22"
	as_nobody plan --year 2026 --what-if "$tmp/r2.yaml"
	has "a non-admin peer runs --what-if FILE" "rows added: extra win11-25h2"
fi
sqlite3 "$db" .dump > "$tmp/db.after"
cmp -s "$tmp/db.before" "$tmp/db.after" && ok "the database is byte for byte as before every what-if" ||
	not_ok "the database is byte for byte as before every what-if" \
	    "$(diff "$tmp/db.before" "$tmp/db.after" | head -n 5)"
ctl --json rings
json_check "the daemon's rings are as before: ring2 still has deferral 5, no ring extra" "$tmp/out" "
r = {x['ring']: x for x in j['rings']}
eq(r['ring2']['deferral_days'], 5, 'ring2')
eq('extra' in r, False, 'extra')"

# ---- devices: how many a change touches, from the current month ----
# DEV-A and DEV-B in ring2, DEV-C in ring3, DEV-G in no ring but group Pilots (ring pilot).
cat > "$tmp/dev.csv" <<'CSV'
name,ring,group,build,arch,vbs,chpe_disabled,edition,licensed,last_seen
DEV-A,ring2,,10.0.26100.8875,x64,true,,Enterprise,true,
DEV-B,ring2,,10.0.26100.8875,x64,true,,Enterprise,true,
DEV-C,ring3,,10.0.26100.8875,x64,true,,Enterprise,true,
DEV-G,,Pilots,10.0.26100.8875,x64,true,,Enterprise,true,
CSV
ctl devices import "$tmp/dev.csv"
check "the inventory is imported" [ $rc -eq 0 ]
jcheck "--set ring2.deferral_days=9 at 2026-09: ring2's two devices change day" "
d = {r['ring']: r for r in j['diff']['devices']['rings']}
eq((j['diff']['devices']['from'], j['diff']['devices']['to']), ('2026-09', '2026-12'), 'range')
eq((d['ring2']['devices'], d['ring2']['changed'], d['ring2']['day'], d['ring2']['restart']),
   (2, 2, 2, 0), 'ring2')
eq((d['ring3']['devices'], d['ring3']['changed']), (1, 0), 'ring3')
eq((d['pilot']['devices'], d['pilot']['changed']), (1, 0), 'pilot')
eq(j['diff']['devices']['left'], 0, 'left')
" plan --year 2026 --at 2026-09-01 --set ring2.deferral_days=9
jcheck "the group Pilots moves to ring2: DEV-G moves, and the plan's devices row follows" "
d = {r['ring']: r for r in j['diff']['devices']['rings']}
eq((d['ring2']['devices'], d['ring2']['moved'], d['ring2']['day']), (3, 1, 1), 'ring2')
eq(d['pilot']['devices'], 0, 'pilot')
rows = {r['ring']: r for r in j['devices']}
eq((rows['ring2']['devices'], rows['pilot']['devices']), (3, 0), 'the plan as it would be')
" plan --year 2026 --at 2026-09-01 --set "pilot.groups=[Others]" --set "ring2.groups=[Pilots]"
ctl plan --year 2026 --at 2026-09-01 --set ring2.deferral_days=9
has "the text: devices per ring" "devices whose install day or restart changes in 2026-09..2026-12:" \
    "ring2  "

# ---- what-ifs beside blackouts that repeat ----
# Each blackout owns its compiled rule: a what-if copies the rings and blackouts and frees
# the copy, so today's rules must live on and the daemon keep answering what-if after what-if.
ctl blackout import "${top_srcdir:-.}/tests/ics/count-cut.ics"
check "a file of recurring events is imported" [ $rc -eq 0 ]
ctl --json plan --year 2028
cp "$tmp/out" "$tmp/plan-before"
for i in 1 2 3; do
	ctl --json plan --year 2028 --set ring2.deferral_days=9
	[ $rc -eq 0 ] || break
done
check "three what-ifs in a row with recurring blackouts answer" [ $rc -eq 0 ]
ctl plan --set ring2.deferral_days=45
refused "and a refused one after them" 1 "--set ring2.deferral_days=45: deferral_days must be"
ctl --json plan --year 2028
check "today's plan is the same as before the what-ifs" cmp -s "$tmp/plan-before" "$tmp/out"

stop_daemon
check "the daemon exits 0 on SIGTERM" [ $? -eq 0 ]
finish
