#!/bin/sh
# regress/groups.sh: ring membership by group (a ring's groups: list against a device's group
# column) with the real daemon and client.  Two rings in schedules/rings.yaml, worked by hand:
#   pilot  groups: ["Hotpatch Ring 1"]        broad  groups: ["Hotpatch Ring 2", "Kiosks"]
# The inventory (line: name, ring column, group column):
#   2 pc-own   pilot  Hotpatch Ring 2   its own ring wins: pilot, always
#   3 pc-1     -      hotpatch ring 1   pilot (case does not count)
#   4 pc-2     -      HOTPATCH RING 2   broad
#   5 pc-k     -      Kiosks            broad
#   6 pc-x     -      Finance           no ring lists it: refused unless --skip-bad
# Then "Hotpatch Ring 1" moves to broad: pc-1 follows, pc-own stays.  Then "Kiosks" is
# dropped: pc-k has no ring, as a device whose ring is gone.  A group under both rings makes
# the reload fail with file:line:column and both rings, and the rings before keep serving.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch

CAL=${top_srcdir:-.}/data/calendar.yaml
SCHED=$tmp/schedules
mkdir "$SCHED"

# rings PILOT_GROUPS BROAD_GROUPS: write the ring file with these flow lists.
rings() {
	cat > "$SCHED/rings.yaml" <<EOF
version: 1
rings:
  - id: pilot
    name: Pilot
    os: [win11-24h2]
    groups: $1
    deferral_days: 0
    deadline_days: 2
    grace_days: 2
    timezone: UTC
  - id: broad
    name: Broad
    os: [win11-24h2]
    groups: $2
    deferral_days: 7
    deadline_days: 3
    grace_days: 2
    timezone: UTC
EOF
}
rings '["Hotpatch Ring 1"]' '["Hotpatch Ring 2", Kiosks]'
cat > "$tmp/inv.csv" <<'EOF'
name,ring,group,os,build
pc-own,pilot,Hotpatch Ring 2,win11-24h2,10.0.26100.8875
pc-1,,hotpatch ring 1,win11-24h2,10.0.26100.8875
pc-2,,HOTPATCH RING 2,win11-24h2,10.0.26100.8875
pc-k,,Kiosks,win11-24h2,10.0.26100.8875
pc-x,,Finance,win11-24h2,10.0.26100.8875
EOF

start_daemon "$tmp/var" || not_ok "the daemon starts" "$(cat "$tmp/var.log")"

# placed: "name:ring ..." of hotpatchctl --json devices (ring "-" when none).
placed() {
	ctl --json devices
	python3 -c 'import json, sys
print(" ".join("%s:%s" % (d["name"], d["ring"] or "-") for d in json.load(sys.stdin)["devices"]))' \
	    < "$tmp/out"
}

jcheck "rings show their groups" "
	eq([(g['ring'], g['groups']) for g in j['rings']],
	   [('pilot', ['Hotpatch Ring 1']), ('broad', ['Hotpatch Ring 2', 'Kiosks'])], 'groups')" \
	rings

ctl ring show broad
has "ring show in text lists the groups" "groups            Hotpatch Ring 2"

ctl devices import "$tmp/inv.csv"
if [ $rc -eq 1 ] && grep -qxF "line 6: group 'Finance': no ring lists it in groups:" "$tmp/err"; then
	ok "a group no ring lists is a refused row with its line"
else
	not_ok "a group no ring lists is a refused row with its line" "exit $rc" "$(cat "$tmp/err")"
fi
jcheck "--skip-bad imports the 4 placed rows" "
	eq((j['imported'], j['rejected']), (4, 1), 'counts')" \
	devices import "$tmp/inv.csv" --skip-bad
check "devices: own ring wins, groups match whatever their case" \
	[ "$(placed)" = "pc-own:pilot pc-1:pilot pc-2:broad pc-k:broad" ]
check "the store keeps own rings only" \
	[ "$(sqlite3 "$db" "SELECT name || ':' || coalesce(ring, '-') FROM devices ORDER BY seq" | tr '\n' ' ')" = \
	    "pc-own:pilot pc-1:- pc-2:- pc-k:- " ]
jcheck "device show says the ring came from the group" "
	eq((j['ring'], j['ring_from'], j['group']), ('pilot', 'group', 'hotpatch ring 1'), 'pc-1')" \
	device show pc-1
ctl --json devices --ring broad
check "devices --ring broad lists the devices placed by group" \
	python3 -c 'import json, sys; assert [d["name"] for d in json.load(open(sys.argv[1]))["devices"]] == ["pc-2", "pc-k"]' "$tmp/out"

# The group moves to broad: its devices follow at the reload.
rings '["Pilot Lab"]' '["Hotpatch Ring 2", Kiosks, "Hotpatch Ring 1"]'
ctl reload
answered "a reload with the group moved"
check "pc-1 followed its group to broad; pc-own kept its own ring" \
	[ "$(placed)" = "pc-own:pilot pc-1:broad pc-2:broad pc-k:broad" ]

# Kiosks is dropped: pc-k has no ring, shown as a device whose ring is gone.
rings '["Pilot Lab"]' '["Hotpatch Ring 2", "Hotpatch Ring 1"]'
ctl reload
check "pc-k has no ring once no ring lists its group" \
	[ "$(placed)" = "pc-own:pilot pc-1:broad pc-2:broad pc-k:-" ]
jcheck "device show: no ring, and why" "
	eq((j['ring'], j['ring_from'], j['reasons']), (None, None, ['no ring in the ring files']), 'pc-k')" \
	device show pc-k

# A group under both rings: the reload fails and the rings before keep serving.
rings '["Hotpatch Ring 2"]' '["hotpatch ring 2", "Hotpatch Ring 1"]'
ctl reload
if [ $rc -ne 0 ] && grep -qF "rings.yaml:14:14: group 'hotpatch ring 2' is in ring 'broad' and in ring 'pilot' ($SCHED/rings.yaml:3)" "$tmp/err"; then
	ok "a group under two rings: the reload fails naming both rings and the file"
else
	not_ok "a group under two rings: the reload fails naming both rings and the file" "exit $rc" "$(cat "$tmp/err")"
fi
check "the rings before keep serving, and the devices their places" \
	[ "$(placed)" = "pc-own:pilot pc-1:broad pc-2:broad pc-k:-" ]
jcheck "rings: still the groups before" "
	eq([g['groups'] for g in j['rings']], [['Pilot Lab'], ['Hotpatch Ring 2', 'Hotpatch Ring 1']], 'groups')" \
	rings

# A restart places again from the store and the files.
rings '["Pilot Lab", Kiosks]' '["Hotpatch Ring 2", "Hotpatch Ring 1"]'
stop_daemon
start_daemon "$tmp/var" || not_ok "the daemon starts again" "$(cat "$tmp/var.log")"
check "after a restart, with Kiosks now pilot's" \
	[ "$(placed)" = "pc-own:pilot pc-1:broad pc-2:broad pc-k:pilot" ]

# A start reads no device until one is asked for: a reload before that moves Kiosks back to
# broad, and pc-k is placed by the rings as reloaded, not as they were at the start.
stop_daemon
start_daemon "$tmp/var" || not_ok "the daemon starts a third time" "$(cat "$tmp/var.log")"
rings '["Pilot Lab"]' '["Hotpatch Ring 2", "Hotpatch Ring 1", Kiosks]'
ctl reload
answered "a reload before any device is asked for"
check "devices first read after that reload: pc-k in broad" \
	[ "$(placed)" = "pc-own:pilot pc-1:broad pc-2:broad pc-k:broad" ]

stop_daemon || not_ok "the daemon exits cleanly" "$(tail -n 5 "$tmp/var.log")"
finish
