#!/bin/sh
# regress/windows.sh: install windows, plans, next --ring and restart counts, driving the
# real daemon on a private copy of the schedules with test rings written here.  Every
# expected instant is worked out independently of hotpatchd and libical: Python's zoneinfo
# for the time zones, data/calendar.yaml (read with PyYAML, when installed) for the
# month kinds and out-of-band releases.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch


# Python helpers for the checks below, on top of lib.sh's second_tuesday and release_at.
cat > "$tmp/helpers.py" <<'EOF'
import datetime, zoneinfo
UTC = datetime.timezone.utc
def iso(t):
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
def parse(s):
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
def plus_days(s, n):
    return iso(parse(s) + datetime.timedelta(days=n))
def plus_hours(s, n):
    return iso(parse(s) + datetime.timedelta(hours=n))
def local(tz, y, m, d, hh, mm):
    """(UTC instant, RFC 3339 local text) of a wall-clock time in zone tz."""
    t = datetime.datetime(y, m, d, hh, mm, tzinfo=zoneinfo.ZoneInfo(tz))
    off = int(t.utcoffset().total_seconds()) // 60
    txt = "%04d-%02d-%02dT%02d:%02d%s%02d:%02d" % (y, m, d, hh, mm, "-" if off < 0 else "+",
                                                  abs(off) // 60, abs(off) % 60)
    return iso(t), txt
def as_local(tz, s, hours=0):
    """The RFC 3339 local text of UTC instant s (plus hours) in zone tz."""
    t = (parse(s) + datetime.timedelta(hours=hours)).astimezone(zoneinfo.ZoneInfo(tz))
    return local(tz, t.year, t.month, t.day, t.hour, t.minute)[1]
def pt_plus(y, m, n):
    return datetime.date.fromisoformat(second_tuesday(y, m)) + datetime.timedelta(days=n)
# The state across months (doc/protocol.md), in windows rows and plan cells alike.
STATE_KEYS = {"install", "state_before", "state", "cause", "cause_month", "expedited", "skipped",
              "pause", "forced_at", "forced_local", "forced_in", "restart_in"}
ROW_KEYS = {"os", "ring", "month", "kind", "release_at", "offered_at", "install_deadline",
            "restart_deadline", "restart", "window_start", "window_end", "window_start_local",
            "window_end_local", "timezone", "status", "reason", "source", "unplanned",
            "eligible", "not_eligible", "blackout"} | STATE_KEYS
def planned_2027(m):
    return "baseline" if m in (1, 4, 7, 10) else "hotpatch"

def restarts(cal, os_id, year, eligible=True, follows_default=False):
    """Restarts of one OS in one year, by cause, from data/calendar.yaml (kinds: doc/format.md).
    A ring that does not set `hotpatch` follows the OS's hotpatch_default_from: before it the
    ring installs LCUs; from it the ring hotpatches at once if the month before was a baseline
    (that LCU was the baseline), else it takes off-baseline LCUs until the next baseline."""
    o = [x for x in cal["os"] if x["id"] == os_id][0]
    pub = {p["month"]: p for p in o.get("published") or []}
    ovr = {x["month"]: x["kind"] for x in cal.get("overrides") or [] if x["os"] == os_id}
    since = str(o["hotpatch_default_from"]) if follows_default and "hotpatch_default_from" in o else None
    def kind_of(y, m):
        ym = "%04d-%02d" % (y, m)
        if ym in pub:
            return pub[ym]["kind"]
        if ym in ovr:
            return ovr[ym]
        if ym < str(o["hotpatch_start"]):
            return "lcu"
        return "baseline" if m in o["baseline_months"] else "hotpatch"
    r = {"baseline": 0, "unplanned": 0, "lcu": 0, "catchup": 0, "offbase": 0, "oob": 0}
    on, prev = True, None
    for y in range(year - 3, year + 1):
        for m in range(1, 13):
            ym, kind = "%04d-%02d" % (y, m), kind_of(y, m)
            cause = None
            if not eligible or kind == "lcu" or (since and ym < since):
                cause = "lcu"
            else:
                if ym == since:
                    on = prev == "baseline"
                if kind == "baseline":
                    cause = "baseline" if m in o["baseline_months"] else "unplanned"
                    on = True
                elif not on:
                    cause = "offbase"
            prev = kind
            if y == year and cause:
                r[cause] += 1
    r["oob"] = sum(1 for b in o.get("out_of_band") or []
                   if str(b["date"]).startswith("%04d-" % year) and b["restart"])
    r["total"] = sum(r.values())
    return r
EOF

# wcheck NAME PYTHON ARGS...: hotpatchctl --json ARGS must exit 0 and its JSON pass PYTHON,
# which can use the helpers above.
wcheck() {
	_n=$1
	_code="	exec(open('$tmp/helpers.py').read())
$2"
	shift 2
	jcheck "$_n" "$_code" "$@"
}

have_yaml=no
python3 -c 'import yaml' 2>/dev/null </dev/null && have_yaml=yes

# ---------------------------------------------------------------------------
# Usage errors: caught by the client before it connects (exit 2).

nosock=$tmp/nodaemon.sock
for args in "windows" "windows --ring berlin --months 0" "windows --ring berlin --months 38" \
    "windows --ring berlin --months x" "windows --ring berlin --from 2026-13" \
    "windows --ring berlin --from 2026-1" "windows --ring berlin --from 2026-12-32" \
    "windows --ring" "windows --ring berlin extra" "plan --year 26" "plan --ring berlin" \
    "next --ring"; do
	# shellcheck disable=SC2086
	run --socket "$nosock" $args
	refused "usage error '$args' exits 2 before connecting" 2 "hotpatchctl: "
done

# ---------------------------------------------------------------------------
# Test rings, next to a copy of the shipped schedules.
#   berlin: Europe/Berlin, Patch Tuesday+3 22:00 for 4h, deferral 0, deadline 7, grace 2
#   utc0:   UTC, Tuesdays 20:00 for 2h, deferral 0, deadline 0 (so always late), two OSes
#   nolic:  no hotpatch licence (LCU every month), New York, Saturdays 03:00
#   frozen: Berlin, Wed/Fri 23:00, a blackout over the first slot of 2026-12 and one over
#           all of February 2027 into March

mkdir "$tmp/sched"
cp "$SCHED"/*.yaml "$tmp/sched/"
cat > "$tmp/sched/zz-windows-test.yaml" <<'EOF'
version: 1
rings:
  - id: berlin
    name: "Berlin, Patch Tuesday+3"
    os: [win11-24h2]
    deferral_days: 0
    deadline_days: 7
    grace_days: 2
    timezone: Europe/Berlin
    windows:
      - offset_days: 3
        start: "22:00"
        duration: 4h
  - id: utc0
    name: "UTC, Tuesday evening"
    os: [ws2025-azure, ws2022-azure]
    deferral_days: 0
    deadline_days: 0
    grace_days: 1
    timezone: UTC
    windows:
      - days: [tue]
        start: "20:00"
        duration: 2h
  - id: nolic
    name: "No hotpatch licence"
    os: [win11-24h2, win11-25h2]
    deferral_days: 2
    deadline_days: 5
    grace_days: 3
    timezone: America/New_York
    devices:
      licensed: false
    windows:
      - days: [sat]
        start: "03:00"
        duration: 3h
  - id: frozen
    name: "Frozen"
    os: [win11-25h2]
    deferral_days: 1
    deadline_days: 3
    grace_days: 2
    timezone: Europe/Berlin
    windows:
      - days: [wed, fri]
        start: "23:00"
        duration: 2h
    blackouts:
      - name: "dec freeze"
        from: 2026-12-09
        to: 2026-12-10
      - name: "long freeze"
        from: 2027-02-01
        to: 2027-03-20
EOF
start_daemon "$tmp/var" --schedules "$tmp/sched" ||
	not_ok "the daemon starts on the test schedules" "$(cat "$tmp/var.log")"

# ---------------------------------------------------------------------------
# windows: one ring, month by month.

# 2026-12: Patch Tuesday 2026-12-08, release 18:00Z (19:00 in Berlin); PT+3 is Friday the 11th.
wcheck "windows berlin 2026-12: offer, deadline, no restart, window Fri 22:00 CET = 21:00Z, ok" '
	eq((j["ring"], j["timezone"]), ("berlin", "Europe/Berlin"), "wrapper")
	eq(len(j["windows"]), 1, "rows")
	r = j["windows"][0]
	eq(set(r), ROW_KEYS, "keys")
	eq(release_at(2026, 12), "2026-12-08T18:00:00Z", "computed release")
	eq((r["os"], r["ring"], r["month"], r["kind"], r["source"], r["unplanned"]),
	   ("win11-24h2", "berlin", "2026-12", "hotpatch", "planned", False), "row")
	eq(r["release_at"], "2026-12-08T18:00:00Z", "release_at")
	eq(r["offered_at"], "2026-12-08T18:00:00Z", "offered_at (deferral 0)")
	eq(r["install_deadline"], "2026-12-15T18:00:00Z", "install_deadline (+7 days)")
	eq((r["restart"], r["restart_deadline"]), (False, None), "no restart for a hotpatch")
	eq(pt_plus(2026, 12, 3).isoformat(), "2026-12-11", "PT+3")
	start, text = local("Europe/Berlin", 2026, 12, 11, 22, 0)
	eq((start, text), ("2026-12-11T21:00:00Z", "2026-12-11T22:00+01:00"), "computed window")
	eq((r["window_start"], r["window_start_local"]), (start, text), "window_start")
	eq((r["window_end"], r["window_end_local"]), ("2026-12-12T01:00:00Z", "2026-12-12T02:00+01:00"),
	   "window_end (4h)")
	eq((r["status"], r["timezone"], r["eligible"], r["not_eligible"], r["blackout"]),
	   ("ok", "Europe/Berlin", True, None, None), "status")
	assert r["reason"], "a reason"
' windows --ring berlin --from 2026-12 --months 1

wcheck "windows berlin 2027-01 (baseline): restart, restart_deadline = deadline + 2 days grace" '
	r = j["windows"][0]
	eq((r["month"], r["kind"], r["restart"]), ("2027-01", "baseline", True), "row")
	eq(r["offered_at"], release_at(2027, 1), "offered_at")
	eq(r["install_deadline"], plus_days(release_at(2027, 1), 7), "install_deadline")
	eq(r["restart_deadline"], plus_days(release_at(2027, 1), 9), "restart_deadline")
	eq(r["restart_deadline"], "2027-01-21T18:00:00Z", "restart_deadline")
	eq(r["window_start_local"], "2027-01-15T22:00+01:00", "window_start_local")
' windows --ring berlin --from 2027-01 --months 1

# Twelve months across both DST changes (US in March and November, EU in March and October).
wcheck "windows berlin 2026-11..2027-10: every row from zoneinfo, +01:00 in winter, +02:00 in summer" '
	rows = j["windows"]
	eq([r["month"] for r in rows], ["2026-11", "2026-12"] + ["2027-%02d" % m for m in range(1, 11)], "months")
	for r in rows:
	    y, m = map(int, r["month"].split("-"))
	    kind = "hotpatch" if y == 2026 else planned_2027(m)
	    d = pt_plus(y, m, 3)
	    start, text = local("Europe/Berlin", d.year, d.month, d.day, 22, 0)
	    eq((r["kind"], r["restart"]), (kind, kind == "baseline"), r["month"] + " kind")
	    eq(r["release_at"], release_at(y, m), r["month"] + " release_at")
	    eq(r["offered_at"], r["release_at"], r["month"] + " offered_at")
	    eq(r["install_deadline"], plus_days(r["release_at"], 7), r["month"] + " deadline")
	    eq(r["restart_deadline"], plus_days(r["release_at"], 9) if kind == "baseline" else None,
	       r["month"] + " restart_deadline")
	    eq((r["window_start"], r["window_start_local"]), (start, text), r["month"] + " window")
	    eq(r["window_end"], plus_hours(start, 4), r["month"] + " window_end")
	    eq(r["window_end_local"], as_local("Europe/Berlin", start, 4), r["month"] + " window_end_local")
	    eq(r["status"], "ok", r["month"] + " status")
	by = {r["month"]: r for r in rows}
	eq(by["2027-04"]["window_start_local"], "2027-04-16T22:00+02:00", "summer time")
	eq(by["2027-04"]["window_start"], "2027-04-16T20:00:00Z", "summer time UTC")
	eq(by["2027-03"]["window_start_local"], "2027-03-12T22:00+01:00", "March, before the EU change")
	eq(by["2027-03"]["release_at"], "2027-03-09T18:00:00Z", "March, before the US change")
' windows --ring berlin --from 2026-11 --months 12

wcheck "windows utc0 2026-12: one row per OS in ring order; deadline 0 makes the 20:00Z window late" '
	rows = j["windows"]
	eq([(r["os"], r["month"]) for r in rows], [("ws2025-azure", "2026-12"), ("ws2022-azure", "2026-12")], "rows")
	for r in rows:
	    eq((r["offered_at"], r["install_deadline"]), ("2026-12-08T18:00:00Z",) * 2, r["os"] + " offer")
	    eq((r["window_start"], r["window_end"]), ("2026-12-08T20:00:00Z", "2026-12-08T22:00:00Z"), r["os"] + " window")
	    eq((r["window_start_local"], r["window_end_local"], r["timezone"]),
	       ("2026-12-08T20:00+00:00", "2026-12-08T22:00+00:00", "UTC"), r["os"] + " local")
	    eq((r["status"], r["restart"], r["restart_deadline"]), ("late", False, None), r["os"] + " status")
	    assert "after the install deadline" in r["reason"], r["reason"]
' windows --ring utc0 --from 2026-12 --months 1

wcheck "windows utc0 --os ws2022-azure 2027-01: one OS, a baseline late with restart_deadline +1 day" '
	eq([(r["os"], r["month"]) for r in j["windows"]], [("ws2022-azure", "2027-01")], "rows")
	r = j["windows"][0]
	eq((r["kind"], r["restart"], r["status"]), ("baseline", True, "late"), "row")
	eq(r["restart_deadline"], plus_days(release_at(2027, 1), 1), "restart_deadline")
	eq(r["window_start"], "2027-01-12T20:00:00Z", "window_start")
' windows --ring utc0 --os ws2022-azure --from 2027-01 --months 1

# nolic: offered Thursday 2026-12-10 13:00 in New York; the first Saturday 03:00 is the 12th.
wcheck "windows nolic 2026-12: not eligible, LCU with restart for both OSes, Saturday 03:00 EST" '
	rows = j["windows"]
	eq([r["os"] for r in rows], ["win11-24h2", "win11-25h2"], "OSes")
	start, text = local("America/New_York", 2026, 12, 12, 3, 0)
	eq(start, "2026-12-12T08:00:00Z", "computed window")
	for r in rows:
	    eq((r["kind"], r["restart"], r["eligible"]), ("lcu", True, False), r["os"])
	    eq(r["not_eligible"], "not an eligible edition or licence, such as Pro, or not enrolled through Azure Arc", r["os"] + " reason")
	    eq(r["offered_at"], plus_days(release_at(2026, 12), 2), r["os"] + " offered_at")
	    eq(r["install_deadline"], plus_days(release_at(2026, 12), 7), r["os"] + " deadline")
	    eq(r["restart_deadline"], plus_days(release_at(2026, 12), 10), r["os"] + " restart_deadline")
	    eq((r["window_start"], r["window_start_local"], r["status"]), (start, text, "ok"), r["os"] + " window")
' windows --ring nolic --from 2026-12 --months 1

# frozen: 2026-12 offered Wed 12-09 19:00 CET; the blackout takes Wed 12-09 23:00, so Fri 12-11.
# 2027-02: offered 02-10; every slot until the next offer (03-10) is in the long freeze.
# 2027-03: offered 03-10, the freeze ends 03-20: Wed 03-24 23:00 CET, after the 03-13 deadline.
wcheck "windows frozen: a blackout moves 2026-12, blocks 2027-02 (none), makes 2027-03 late" '
	by = {r["month"]: r for r in j["windows"]}
	eq(sorted(by), ["2026-12", "2027-01", "2027-02", "2027-03"], "months")
	r = by["2026-12"]
	eq((r["status"], r["blackout"]), ("ok", "dec freeze"), "2026-12")
	eq((r["window_start"], r["window_start_local"]), local("Europe/Berlin", 2026, 12, 11, 23, 0), "2026-12 window")
	assert "moved" in r["reason"] and "dec freeze" in r["reason"], r["reason"]
	r = by["2027-01"]
	eq((r["status"], r["blackout"], r["window_start_local"]), ("ok", None, "2027-01-13T23:00+01:00"), "2027-01")
	r = by["2027-02"]
	eq((r["status"], r["blackout"]), ("none", "long freeze"), "2027-02")
	eq((r["window_start"], r["window_end"], r["window_start_local"], r["window_end_local"]),
	   (None, None, None, None), "2027-02 no window")
	eq(r["offered_at"], plus_days(release_at(2027, 2), 1), "2027-02 offered_at")
	assert "long freeze" in r["reason"] and "2027-03-10" in r["reason"], r["reason"]
	r = by["2027-03"]
	eq((r["status"], r["blackout"]), ("late", "long freeze"), "2027-03")
	eq((r["window_start"], r["window_start_local"]), local("Europe/Berlin", 2027, 3, 24, 23, 0), "2027-03 window")
	eq(r["install_deadline"], plus_days(release_at(2027, 3), 4), "2027-03 deadline")
' windows --ring frozen --from 2026-12 --months 4

wcheck "windows without --from starts at the month of --at and gives 12 months" '
	eq([r["month"] for r in j["windows"]], ["2026-12"] + ["2027-%02d" % m for m in range(1, 12)], "months")
' windows --ring berlin --at 2026-12-20

ctl windows --ring berlin --from 2026-12 --months 1
has "windows as text: the columns, local times in the ring's zone, status and time zone" \
    "MONTH" "KIND" "RESTART" "OFFERED" "DEADLINE" "RESTART-BY" "WINDOW (LOCAL)" "STATUS" \
    "Tue 12-08 19:00" "Tue 12-15 19:00" "Fri 12-11 22:00-02:00" "21:00Z" "ok" "Europe/Berlin"
ctl windows --ring frozen --from 2026-12 --months 4
has "windows as text: the reasons of the rows that are not ok, and the blackout that moved one" \
    "2027-02 win11-25h2 none: freeze 'long freeze' (2027-02-01..2027-03-20) blocks every window" \
    "the deadline forces the install at 2027-02-13 19:00, inside freeze 'long freeze'" \
    "2027-03 win11-25h2 late:" "2026-12 win11-25h2 ok: freeze 'dec freeze'"
ctl windows --ring nolic --from 2027-01 --months 1
has "windows as text: an ineligible ring says why, once per OS" \
    "win11-24h2: not eligible for hotpatch (not an eligible edition or licence, such as Pro, or not enrolled through Azure Arc)" \
    "Fri 01-22 13:00" "America/New_York"

# A blackout added at run time reaches the engine like one from a ring file: berlin's only
# December slot (PT+3, Fri 12-11) is frozen, and the next one (01-15) is after the January
# offer (01-12), so December has no window.  Other rings keep theirs.
ctl --json blackout add --name "runtime freeze" --from 2026-12-11 --to 2026-12-11 --ring berlin
bo_id=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["blackout"]["id"])' "$tmp/out" 2>/dev/null </dev/null)
if [ $rc -eq 0 ] && [ -n "$bo_id" ]; then
	wcheck "windows berlin 2026-12 after a run-time blackout on its slot: none, naming the blackout" '
	r = j["windows"][0]
	eq((r["month"], r["status"], r["blackout"], r["window_start"]), ("2026-12", "none", "runtime freeze", None), "row")
	assert "2027-01-12" in r["reason"], r["reason"]
' windows --ring berlin --from 2026-12 --months 1
	wcheck "a run-time blackout for berlin leaves the other rings alone" '
	r = j["windows"][0]
	eq((r["status"], r["blackout"]), ("ok", None), "nolic 2026-12")
' windows --ring nolic --from 2026-12 --months 1
	ctl blackout remove "$bo_id"
	wcheck "after blackout remove, berlin 2026-12 has its window again" '
	eq((j["windows"][0]["status"], j["windows"][0]["blackout"]), ("ok", None), "row")
' windows --ring berlin --from 2026-12 --months 1
else
	not_ok "blackout add for the run-time blackout test" "exit $rc" "$(cat "$tmp/err")"
fi

ctl windows --ring nope
refused "windows for an unknown ring exits 1 and names it" 1 "unknown ring 'nope' (see hotpatchctl rings)"
ctl windows --ring berlin --os ws2025-azure
refused "windows --os not in the ring exits 1 and lists the ring's OSes" 1 \
    "OS 'ws2025-azure' is not in ring 'berlin' (its OSes: win11-24h2)"
ctl windows --ring berlin --os no-such-os
refused "windows --os that is no OS at all exits 1" 1 "OS 'no-such-os' is not in ring 'berlin'"
ctl windows --ring berlin --from 2500-01 --months 24
refused "windows past the year 2500 is a bad request (exit 2)" 2 "past 2500-12"
# The feeds' horizon is 12 months back, this one and 24 ahead: 12 + 1 + 24 = 37 months, so
# windows --months reaches 37 (38 is refused before connecting, above).
wcheck "windows --months 37, the feeds' horizon: 37 rows, 2026-12 to 2029-12" '
	eq(len(j["windows"]), 37, "rows")
	eq((j["windows"][0]["month"], j["windows"][-1]["month"]), ("2026-12", "2029-12"), "range")
' windows --ring berlin --from 2026-12 --months 37

# ---------------------------------------------------------------------------
# plan: every ring and OS over a year, with restarts.

if [ $have_yaml = yes ]; then
	wcheck "plan 2027: every ring x OS x 12 months; autopatch-default rings restart 4 times (from calendar.yaml)" "
	import yaml
	cal = yaml.safe_load(open('$CAL'))
	rs = yaml.safe_load(open('$SCHED/autopatch-default.yaml'))['rings']
	files = [yaml.safe_load(open('$tmp/sched/' + f)) for f in sorted(__import__('os').listdir('$tmp/sched'))]
	want = [(g['id'], o) for f in files for g in f.get('rings') or [] for o in g['os']]
	eq((j['year'], j['from'], j['to'], j['months'], j['at_risk_only']), (2027, '2027-01', '2027-12', 12, False), 'range')
	eq(sorted((e['ring'], e['os']) for e in j['rings']), sorted(want), 'ring x OS')
	for e in j['rings']:
	    eq(set(e), {'ring', 'name', 'os', 'timezone', 'eligible', 'not_eligible', 'at_risk', 'restarts', 'months'}, 'keys')
	    eq([m['month'] for m in e['months']], ['2027-%02d' % m for m in range(1, 13)], e['ring'] + ' months')
	    eq(e['at_risk'], any(m['risks'] for m in e['months']), e['ring'] + ' at_risk')
	    for m in e['months']:
	        eq(set(m), {'month', 'kind', 'restart', 'unplanned', 'window_start', 'window_start_local',
	                    'status', 'blackout', 'reason', 'risks'} | STATE_KEYS, 'month keys')
	        # the risks, from the cell's own facts (doc/protocol.md, \"JSON: plan\")
	        want_risks = [k for k, on in (('late', m['status'] == 'late'),
	            ('none', m['status'] == 'none' and not m['skipped']), ('skipped', m['skipped']),
	            ('forced', bool(m['forced_in'] or (m['restart_in'] and m['status'] != 'ok'))),
	            ('catch-up', m['install'] == 'catch-up')) if on]
	        eq(m['risks'], want_risks, e['ring'] + ' ' + m['month'] + ' risks')
	        assert m['status'] in ('ok', 'late', 'none'), m
	        # a release skipped by a pause is not installed, so it restarts nothing
	        eq(m['restart'], m['kind'] != 'hotpatch' and not m['skipped'],
	           e['ring'] + ' ' + m['month'] + ' restart')
	by = {(e['ring'], e['os']): e for e in j['rings']}
	for g in rs:
	    dev = g.get('devices') or {}
	    assert g.get('hotpatch', True) and dev.get('licensed', True) and dev.get('vbs', True) \
	        and dev.get('arch', 'x64') == 'x64', g['id'] + ' is meant to be eligible'
	    for o in g['os']:
	        w = restarts(cal, o, 2027)
	        eq(w['baseline'], 4, 'four planned baselines in 2027 for ' + o)
	        eq(w['total'], 4 + w['unplanned'] + w['oob'], 'total for ' + o)
	        eq(by[(g['id'], o)]['restarts'], w, g['id'] + ' ' + o + ' restarts')
	        eq([m['kind'] for m in by[(g['id'], o)]['months']], [planned_2027(m) for m in range(1, 13)],
	           g['id'] + ' ' + o + ' kinds')
	for o in ('win11-24h2', 'win11-25h2'):
	    e = by[('nolic', o)]
	    eq(e['restarts'], {'baseline': 0, 'unplanned': 0, 'lcu': 12, 'catchup': 0, 'offbase': 0,
	       'oob': restarts(cal, o, 2027)['oob'],
	       'total': 12 + restarts(cal, o, 2027)['oob']}, 'nolic ' + o + ' restarts')
	    eq(e['restarts']['lcu'], 12, 'nolic ' + o + ' LCU months')
	    eq((e['eligible'], e['not_eligible']), (False, 'not an eligible edition or licence, such as Pro, or not enrolled through Azure Arc'), 'nolic eligibility')
	    eq(set(m['kind'] for m in e['months']), {'lcu'}, 'nolic kinds')
	f = by[('frozen', 'win11-25h2')]['months']
	eq((f[1]['status'], f[1]['blackout'], f[1]['window_start'], f[1]['window_start_local']),
	   ('none', 'long freeze', None, None), 'frozen 2027-02')
	eq((f[2]['status'], f[2]['window_start_local']), ('late', '2027-03-24T23:00+01:00'), 'frozen 2027-03')
	eq(by[('berlin', 'win11-24h2')]['months'][0]['window_start'], '2027-01-15T21:00:00Z', 'berlin 2027-01')
	" plan --year 2027

	wcheck "plan 2026: restarts with unplanned baselines and out-of-band releases, from calendar.yaml" "
	import yaml
	cal = yaml.safe_load(open('$CAL'))
	by = {(e['ring'], e['os']): e for e in j['rings']}
	# these rings do not set hotpatch: Windows 11 follows hotpatch_default_from (2026-05)
	for ring, o in (('utc0', 'ws2025-azure'), ('utc0', 'ws2022-azure'), ('berlin', 'win11-24h2'),
	                ('frozen', 'win11-25h2')):
	    eq(by[(ring, o)]['restarts'], restarts(cal, o, 2026, follows_default=True), ring + ' ' + o)
	w = restarts(cal, 'win11-24h2', 2026, follows_default=True)
	eq((w['lcu'], w['baseline']), (4, 2), 'berlin: LCUs January to April, hotpatch from May')
	w = restarts(cal, 'ws2025-azure', 2026)
	assert w['unplanned'] >= 1 and w['oob'] >= 1, 'the 2026 data has unplanned and OOB restarts: %r' % w
	eq(by[('nolic', 'win11-24h2')]['restarts']['lcu'], 12, 'nolic')
	" plan --year 2026
else
	skip "plan 2027 restarts from calendar.yaml" "python3 has no yaml module"
	skip "plan 2026 restarts from calendar.yaml" "python3 has no yaml module"
fi

wcheck "plan without options is the 12 months from the month of --at, across the year end" '
	eq((j["from"], j["to"], j["months"], j["year"]), ("2028-06", "2029-05", 12, None), "range")
	eq([m["month"] for m in j["rings"][0]["months"]][5:8], ["2028-11", "2028-12", "2029-01"], "months")
' plan --at 2028-06-30

ctl plan --year 2027
has "plan as text: the grid cells, a blackout-blocked none, a late blackout hit, restarts, legend" \
    "RING OS" "Jan" "Dec" "RESTARTS" "berlin win11-24h2" "B 01/15" "H 02/12" "H -#" "H 03/24!#" \
    "12 (12 LCU)" "B baseline" "# a blackout moved or blocked it" \
    "frozen win11-25h2 none in Feb: freeze 'long freeze'" \
    "utc0 ws2025-azure,ws2022-azure late in" \
    "nolic win11-24h2,win11-25h2: not eligible for hotpatch"
wide=$(awk 'length($0) > 160' "$tmp/out" | head -n 3)
[ -z "$wide" ] && ok "plan as text fits 160 columns" || not_ok "plan as text fits 160 columns" "$wide"
grep -q "^test win11-24h2  *B 01/1[0-9] *H 02/" "$tmp/out" && ok "plan as text: one grid row per ring and OS" ||
	not_ok "plan as text: one grid row per ring and OS" "$(head -n 8 "$tmp/out")"
if [ $have_yaml = yes ]; then
	ctl plan --year 2026
	# Server 2025: Jan/Apr/Jul/Oct, June and September unplanned, out-of-band LCUs on
	# 01-24 and 04-19; Windows 11: the four, June, and the 07-18 out-of-band LCU.
	has "plan 2026 as text: restarts broken down by cause" "8 (4+2 unpl.+2 oob)" "6 (4+1 unpl.+1 oob)"
fi

# ---------------------------------------------------------------------------
# next --ring: the next install that is still ahead.

# 2026-12-10: the December release (12-08) is out, the next release is January, but
# berlin's December window (Fri 12-11 21:00Z) is still ahead.
wcheck "next --ring berlin two days after Patch Tuesday: the December install, the January release" '
	eq((j["ring"], j["timezone"]), ("berlin", "Europe/Berlin"), "ring")
	eq([(r["os"], r["month"]) for r in j["releases"]], [("win11-24h2", "2027-01")], "releases")
	eq(len(j["windows"]), 1, "rows")
	r = j["windows"][0]
	eq(set(r), ROW_KEYS, "keys")
	eq((r["os"], r["month"], r["window_start"], r["status"]),
	   ("win11-24h2", "2026-12", "2026-12-11T21:00:00Z", "ok"), "install")
' next --ring berlin --at 2026-12-10
wcheck "next --ring berlin while the window is open: still December" '
	eq([(r["month"], r["window_start"]) for r in j["windows"]], [("2026-12", "2026-12-11T21:00:00Z")], "install")
' next --ring berlin --at 2026-12-11T23:30:00Z
wcheck "next --ring berlin when the window has ended: January" '
	eq([(r["month"], r["window_start_local"]) for r in j["windows"]], [("2027-01", "2027-01-15T22:00+01:00")], "install")
' next --ring berlin --at 2026-12-12T01:00:00Z
wcheck "next --ring berlin just before the December release: December" '
	eq([r["month"] for r in j["releases"]], ["2026-12"], "release")
	eq([r["month"] for r in j["windows"]], ["2026-12"], "install")
' next --ring berlin --at 2026-12-08T17:59:00Z
wcheck "next --ring frozen after the blocked February offer: March (late), not February (none)" '
	eq([(r["month"], r["status"], r["window_start_local"]) for r in j["windows"]],
	   [("2027-03", "late", "2027-03-24T23:00+01:00")], "install")
' next --ring frozen --at 2027-02-15
wcheck "next --ring frozen before the blocked February offer: February with no window" '
	eq([(r["month"], r["status"], r["window_start"]) for r in j["windows"]], [("2027-02", "none", None)], "install")
' next --ring frozen --at 2027-02-10T12:00:00Z
# state-paused (schedules/state-examples.yaml): its January 2027 baseline is held by a pause until
# 2027-02-12, past February's release (02-09, offered 02-10): skipped.  On 2027-02-10 the next
# install is February's catch-up, not the skipped January baseline.
wcheck "next --ring state-paused in the pause: February's catch-up, not January's skipped baseline" '
	eq(sorted((r["month"], r["install"], r["restart"]) for r in j["windows"]),
	   [("2027-02", "catch-up", True)] * 2, "install")
' next --ring state-paused --at 2027-02-10T12:00:00Z
wcheck "next --ring nolic --os win11-25h2: one OS, its release and its install" '
	eq([r["os"] for r in j["releases"]], ["win11-25h2"], "releases")
	eq([(r["os"], r["month"], r["kind"], r["window_start"]) for r in j["windows"]],
	   [("win11-25h2", "2026-12", "lcu", "2026-12-12T08:00:00Z")], "install")
' next --ring nolic --os win11-25h2 --at 2026-12-11
wcheck "next --ring utc0: one release and one install per OS of the ring" '
	eq(sorted(r["os"] for r in j["releases"]), ["ws2022-azure", "ws2025-azure"], "releases")
	eq([(r["os"], r["month"]) for r in j["windows"]], [("ws2025-azure", "2027-01"), ("ws2022-azure", "2027-01")], "installs")
' next --ring utc0 --at 2026-12-09
wcheck "next without --ring is unchanged: every OS, no install part" '
	eq(len(j["releases"]), 9, "rows")
	eq(set(j), {"now", "releases"}, "keys")
' next --at 2026-12-10
ctl next --ring berlin --at 2026-12-10
has "next --ring as text: the release and the install table" "2027-01-12 18:00" \
    "next install for ring berlin" "Fri 12-11 22:00-02:00" "ok"
ctl next --ring nope
refused "next --ring for an unknown ring exits 1" 1 "unknown ring 'nope' (see hotpatchctl rings)"
ctl next --ring berlin --os win11-25h2
refused "next --ring with an --os not in the ring exits 1" 1 "OS 'win11-25h2' is not in ring 'berlin'"
ctl next --os nope
refused "next --os unknown without --ring still says unknown OS" 1 "unknown OS 'nope'"

# ---------------------------------------------------------------------------
# ring show and rings: restarts in the year of now.

if [ $have_yaml = yes ]; then
	wcheck "ring show utc0 --at 2026-05-01: restarts in 2026 per OS, from calendar.yaml" "
	import yaml
	cal = yaml.safe_load(open('$CAL'))
	eq(j['restarts']['year'], 2026, 'year')
	want = [dict(restarts(cal, o, 2026), os=o) for o in ('ws2025-azure', 'ws2022-azure')]
	eq(j['restarts']['os'], want, 'restarts')
	" ring show utc0 --at 2026-05-01
	ctl ring show utc0 --at 2026-05-01
	# 2026: Jan/Apr/Jul/Oct, June and September unplanned, out-of-band LCUs 01-24 and 04-19.
	has "ring show as text: restarts in the year, by cause" "restarts in 2026" \
	    "ws2025-azure: 8 (4 baselines, 2 unplanned, 0 LCU months, 0 catch-up, 0 off-baseline LCU, 2 out-of-band)" \
	    "ws2022-azure: 4 (4 baselines, 0 unplanned, 0 LCU months, 0 catch-up, 0 off-baseline LCU, 0 out-of-band)"
fi
wcheck "ring show nolic --at 2027-06-01: 12 LCU restarts per OS" '
	eq(j["restarts"]["year"], 2027, "year")
	for e in j["restarts"]["os"]:
	    eq((e["lcu"], e["baseline"], e["unplanned"]), (12, 0, 0), e["os"])
	    eq(e["total"], 12 + e["oob"], e["os"] + " total")
' ring show nolic --at 2027-06-01
ctl rings --at 2027-06-01
has "rings as text: a restarts column for the year of now" "RESTARTS 2027"
grep -q "^nolic .* 12,12 " "$tmp/out" && ok "rings as text: nolic restarts 12 times per OS" ||
	not_ok "rings as text: nolic restarts 12 times per OS" "$(grep '^nolic' "$tmp/out")"

# ---------------------------------------------------------------------------

ctl status
if [ $rc -eq 0 ] && alive "$daemon_pid"; then ok "the daemon still serves after every test"; else
	not_ok "the daemon still serves after every test" "exit $rc" "$(tail -n 5 "$tmp/var.log")"; fi
stop_daemon
rc=$?
[ $rc -eq 0 ] && ok "SIGTERM: exit 0" || not_ok "SIGTERM: exit 0" "exit $rc" "$(tail -n 5 "$tmp/var.log")"

finish
