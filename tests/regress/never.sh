#!/bin/sh
# regress/never.sh: a mixed fleet in one ring, on the shipped calendar.  Windows 10 22H2 and
# Windows 11 23H2 never get hotpatch (hotpatch: never): every month is the LCU with a restart
# and says why, they are never stale, and an override of them is refused; Windows 11 24H2 in
# the same ring keeps its calendar.  Every answer is worked out by hand in the comments.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch

SCHED=$tmp/schedules
mkdir "$SCHED"
cat > "$SCHED/fleet.yaml" <<'YAML'
version: 1
rings:
  - id: fleet
    name: Mixed fleet
    os: [win10-22h2, win11-23h2, win11-24h2]
    deferral_days: 0
    deadline_days: 2
    grace_days: 2
    timezone: UTC
    hotpatch: true
    devices: { arch: x64, vbs: true, licensed: true }
    windows:
      - { days: [tue, wed, thu], start: "22:00", duration: 4h }
YAML

start_daemon "$tmp/var" || not_ok "the daemon starts" "$(cat "$tmp/var.log")"

# January 2027 is released Tue 01-12 18:00Z (PST); the window opens that day at 22:00Z.
# February: released Tue 02-09 18:00Z.  24H2 has January as a baseline, February a hotpatch.
jcheck "windows: an LCU with a restart every month for the OSes that never get hotpatch" '
	never = ("win10-22h2", "win11-23h2")
	rows = j["windows"]
	eq(sorted((r["os"], r["month"]) for r in rows),
	   sorted((o, m) for o in never + ("win11-24h2",) for m in ("2027-01", "2027-02")), "rows")
	for r in rows:
	    if r["os"] in never:
	        eq((r["kind"], r["install"], r["restart"], r["cause"], r["eligible"], r["not_eligible"]),
	           ("lcu", "lcu", True, "never-hotpatch", False, "this OS never gets hotpatch"),
	           r["os"] + " " + r["month"])
	        assert r["reason"].startswith("this OS never gets hotpatch: the LCU, with a restart, "
	                                      "every month; "), r["reason"]
	        if r["month"] == "2027-01":
	            eq(r["window_start"], "2027-01-12T22:00:00Z", r["os"] + " window")
	    else:
	        want = ("baseline", True) if r["month"] == "2027-01" else ("hotpatch", False)
	        eq((r["install"], r["restart"], r["eligible"]), want + (True,), r["os"] + " " + r["month"])
' windows --ring fleet --from 2027-01 --months 2

# 2027: twelve LCU months for each never-hotpatch OS; 24H2 restarts for its four baselines.
jcheck "ring show: twelve LCU restarts a year for an OS that never gets hotpatch" '
	by = dict((e["os"], e) for e in j["restarts"]["os"])
	for o in ("win10-22h2", "win11-23h2"):
	    eq((by[o]["lcu"], by[o]["total"]), (12, 12), o)
	eq((by["win11-24h2"]["baseline"], by["win11-24h2"]["total"]), (4, 4), "win11-24h2")
	e = dict((x["os"], x) for x in j["eligibility"])
	eq((e["win10-22h2"]["eligible"], e["win10-22h2"]["reason"]), (False, "this OS never gets hotpatch"), "eligibility")
' ring show fleet --at 2027-06-01

# 2026-12-06: November (10th) is the last release.  Unpublished past months, by hand from
# data/calendar.yaml: Windows 11 24H2/25H2 are published to August, so 09..11; Server 2025
# lacks July (UNVERIFIED) and 10..11; Server 2022 is published to May; 26H2 is planned from
# October.  The three OSes that never get hotpatch are never stale.
jcheck "status: the shipped calendar's staleness, and none for the OSes that never get hotpatch" "
	eq(j['stale'], [
	    {'os': 'win11-24h2', 'unpublished': ['2026-09', '2026-10', '2026-11'], 'current_to': '2026-08'},
	    {'os': 'win11-25h2', 'unpublished': ['2026-09', '2026-10', '2026-11'], 'current_to': '2026-08'},
	    {'os': 'ws2025-azure', 'unpublished': ['2026-07', '2026-10', '2026-11'], 'current_to': '2026-06'},
	    {'os': 'ws2025-arc', 'unpublished': ['2026-07', '2026-10', '2026-11'], 'current_to': '2026-06'},
	    {'os': 'ws2022-azure', 'unpublished': ['2026-06', '2026-07', '2026-08', '2026-09', '2026-10',
	                                           '2026-11'], 'current_to': '2026-05'},
	    {'os': 'win11-26h2', 'unpublished': ['2026-10', '2026-11'], 'current_to': '2026-09'}], 'stale')" \
	status --at 2026-12-06T00:00:00Z
ctl calendar --os win10-22h2 --at 2026-12-06T00:00:00Z
if [ $rc -eq 0 ] && ! grep -q 'past and unpublished' "$tmp/out"; then
	ok "calendar --os win10-22h2 says nothing of staleness"
else
	not_ok "calendar --os win10-22h2 says nothing of staleness" "exit $rc" "$(cat "$tmp/out")"
fi

ctl override set win10-22h2 2027-02 hotpatch --reason "wishful"
refused "an override of an OS that never gets hotpatch is refused (409, exit 1)" 1 \
	"win10-22h2 never gets hotpatch: every month is an LCU, so an override means nothing"

stop_daemon
finish
