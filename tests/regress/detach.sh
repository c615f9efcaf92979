#!/bin/sh
# regress/detach.sh: a reload (or a restart) whose files drop a ring and an OS keeps the
# run-time blackouts and overrides made for them: they are detached, shown as such by
# blackout list, override list, status, the reload reply and the log, take no part in
# planning, and attach again when the ring and the OS come back.  Only blackout remove and
# override clear delete them, with an audit row, detached or not.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch

log=$tmp/var.log
own_files
cp "$CAL" "$CAL.orig"
cp "$SCHED/server-2025.yaml" "$tmp/server.orig"

# drop: a calendar without OS ws2025-arc, and ring srv-arc renamed (it was that OS's only
# ring; the renamed ring serves ws2025-azure).  restore: the original files.
drop() {
	python3 - "$CAL.orig" "$CAL" <<'EOF'
import sys
out, skip = [], False
for line in open(sys.argv[1]):
    if line.startswith("  - id: "):
        skip = line.split()[2] == "ws2025-arc"
    if not skip:
        out.append(line)
open(sys.argv[2], "w").write("".join(out))
EOF
	sed -e 's/^  - id: srv-arc$/  - id: srv-arc-renamed/' -e 's/os: \[ws2025-arc\]/os: [ws2025-azure]/' \
		"$tmp/server.orig" > "$SCHED/server-2025.yaml"
}
restore() {
	cp "$CAL.orig" "$CAL"
	cp "$tmp/server.orig" "$SCHED/server-2025.yaml"
}
q() { sqlite3 "$db" "$1"; }
audit_count() { q "SELECT count(*) FROM audit WHERE command = '$1' AND result = 'ok'"; }

# arc_planned YES|NO: whether the blackout and the override take part in planning.
arc_planned() {
	_w=$1
	ctl --json windows --ring srv-arc --from 2026-12 --months 1
	json_check "$2: windows of srv-arc 2026-12 (blocked by the blackout: $_w)" "$tmp/out" "
	w = j['windows'][0]
	eq((w['status'], w['blackout']), ('none', 'arc freeze') if '$_w' == 'YES' else ('ok', None), 'status, blackout')"
	ctl --json month 2027-03 --os ws2025-arc
	json_check "$2: ws2025-arc 2027-03 (overridden: $_w)" "$tmp/out" "
	m = j['os'][0]
	eq((m['kind'], m['source']), ('baseline', 'override') if '$_w' == 'YES' else ('hotpatch', 'planned'), 'kind, source')"
}

start_daemon "$tmp/var" || not_ok "the daemon starts" "$(cat "$log")"
arc_planned NO "before the changes"
ctl blackout add --name "arc freeze" --ring srv-arc --from 2026-12-01 --to 2026-12-31
answered "a run-time blackout for ring srv-arc"
id=$(q "SELECT id FROM blackouts WHERE name = 'arc freeze'")
ctl override set ws2025-arc 2027-03 baseline --reason "arc baseline"
answered "a run-time override for OS ws2025-arc"
arc_planned YES "with them"

# ---- the ring and the OS leave the files: a reload detaches, and says so
drop
: > "$log"
ctl reload
has "the reload reply names the detached blackout and override" \
	"blackout #$id 'arc freeze': ring srv-arc is not in the ring files" \
	"override ws2025-arc 2027-03 baseline: OS ws2025-arc is not in the calendar"
[ "$(q "SELECT count(*) FROM blackouts WHERE id = $id")|$(q "SELECT count(*) FROM overrides WHERE os_id = 'ws2025-arc' AND origin = 'runtime'")" = "1|1" ] &&
	ok "both rows are still in the database" ||
	not_ok "both rows are still in the database" "$(q 'SELECT * FROM blackouts; SELECT * FROM overrides')"
grep -q "run-time blackout $id 'arc freeze' is detached: ring srv-arc is not in $SCHED" "$log" &&
    grep -q "run-time override ws2025-arc 2027-03 (baseline) is detached: OS ws2025-arc is not in $CAL" "$log" &&
	ok "the log says what was detached" || not_ok "the log says what was detached" "$(cat "$log")"
jcheck "reload --json lists the detached items" "
	eq(sorted(d['type'] for d in j['detached']), ['blackout', 'override'], 'types')
	b = [d for d in j['detached'] if d['type'] == 'blackout'][0]
	eq((b['id'], b['name'], b['ring']), ($id, 'arc freeze', 'srv-arc'), 'blackout')
	o = [d for d in j['detached'] if d['type'] == 'override'][0]
	eq((o['os'], o['month'], o['kind']), ('ws2025-arc', '2027-03', 'baseline'), 'override')" reload

ctl blackout list
has "blackout list marks it detached" "detached: ring gone" "arc freeze"
jcheck "blackout list --json: detached true for it, false for the others" "
	eq([b['id'] for b in j['blackouts'] if b['detached']], [$id], 'detached ids')
	eq(all(b['detached'] is False for b in j['blackouts'] if b['id'] != $id), True, 'others')" blackout list
jcheck "blackout list --ring srv-arc still lists it" "
	eq([b['id'] for b in j['blackouts'] if b['ring'] == 'srv-arc'], [$id], 'ids')" blackout list --ring srv-arc
ctl override list
has "override list marks it detached" "runtime, detached: OS gone" "arc baseline"
jcheck "override list --json: detached true" "
	o = [x for x in j['overrides'] if x['os'] == 'ws2025-arc']
	eq([(x['month'], x['detached'], x['in_effect']) for x in o], [('2027-03', True, False)], 'ws2025-arc')
	eq(all(x['detached'] is False for x in j['overrides'] if x['os'] != 'ws2025-arc'), True, 'others')" override list
ctl status
has "status counts the detached items" "1 overrides, 1 blackouts (their OS or ring is gone"
jcheck "status --json counts them" "
	eq((j['detached_overrides'], j['detached_blackouts']), (1, 1), 'detached')" status
ctl --json plan --year 2026
if [ $rc -eq 0 ] && ! grep -q "arc freeze" "$tmp/out"; then
	ok "the plan does not use the detached blackout"
else
	not_ok "the plan does not use the detached blackout" "exit $rc" "$(grep -m3 'arc freeze' "$tmp/out")"
fi
ctl --json month 2027-03
json_check "the detached override is not planned (no OS ws2025-arc in month)" "$tmp/out" "
	eq([m['os'] for m in j['os'] if m['os'] == 'ws2025-arc'], [], 'ws2025-arc')"

# ---- a restart in between: still detached, and the start-up log says so
stop_daemon
: > "$log"
start_daemon "$tmp/var" || not_ok "the daemon restarts" "$(cat "$log")"
grep -q "run-time blackout $id 'arc freeze' is detached" "$log" &&
    grep -q "run-time override ws2025-arc 2027-03 (baseline) is detached" "$log" &&
	ok "after a restart the log says what is detached" ||
	not_ok "after a restart the log says what is detached" "$(cat "$log")"
jcheck "after a restart status still counts them" "
	eq((j['detached_overrides'], j['detached_blackouts']), (1, 1), 'detached')" status

# ---- the ring and the OS come back: attached again, and planned again
restore
: > "$log"
ctl reload
answered "reload with the ring and the OS back"
if grep -q "detached" "$tmp/out"; then not_ok "the reply lists nothing detached" "$(cat "$tmp/out")"
else ok "the reply lists nothing detached"; fi
grep -q "run-time blackout $id 'arc freeze' is attached again: ring srv-arc is back" "$log" &&
    grep -q "run-time override ws2025-arc 2027-03 is attached again: OS ws2025-arc is back" "$log" &&
	ok "the log says they are attached again" || not_ok "the log says they are attached again" "$(cat "$log")"
jcheck "blackout list: attached again" "
	eq([b['detached'] for b in j['blackouts'] if b['id'] == $id], [False], 'detached')" blackout list
jcheck "override list: attached again and in effect" "
	eq([(x['detached'], x['in_effect']) for x in j['overrides'] if x['os'] == 'ws2025-arc'], [(False, True)], 'ws2025-arc')" override list
jcheck "status: nothing detached" "
	eq((j['detached_overrides'], j['detached_blackouts']), (0, 0), 'detached')" status
arc_planned YES "attached again"

# ---- detached again, then removed by the admin commands: audited, and gone for good
drop
ctl reload
bo_before=$(audit_count "blackout remove") ov_before=$(audit_count "override clear")
ctl blackout remove "$id"
has "blackout remove removes a detached blackout" "blackout removed: #$id 'arc freeze'"
ctl override clear ws2025-arc 2027-03
has "override clear removes a detached override" "override clear: ws2025-arc 2027-03: baseline (detached)"
[ "$(audit_count "blackout remove")|$(audit_count "override clear")" = "$((bo_before + 1))|$((ov_before + 1))" ] &&
	ok "both removals are audited" || not_ok "both removals are audited" "$(q 'SELECT * FROM audit')"
ctl override clear ws2025-arc 2027-03
refused "clearing it again: unknown OS (404, exit 1)" 1 "unknown OS 'ws2025-arc'"
restore
ctl reload
arc_planned NO "removed, then the files restored"
stop_daemon || not_ok "the daemon exits cleanly" "$(tail -5 "$log")"

finish
