#!/bin/sh
# regress/fleet.sh: hotpatchctl fleet, /fleet and the plan's device counts with the real
# daemon and client, on the shipped calendar and schedules/autopatch-default.yaml, at
# 2026-09-01 (the client's --at and the daemon's, for the pages).
#
# Worked by hand from data/calendar.yaml, doc/rules.md ("Devices") and the facts
# (reference/windows-hotpatch-facts.md §1.5, §7, §8): win11-24h2's latest baseline before
# September 2026 is July's, build 26100.8875; its floor is 26100.2033; it has hotpatch on
# x64 and arm64 (arm64 only with CHPE disabled); September, November and December 2026 are
# hotpatch months, October a baseline.  Rings test and ring1 are both eligible as rings.
#   FLT-ON1    test   26100.8875 x64 Enterprise       eligible, on:    H  B  H  (restart in Oct)
#   FLT-BELOW  test   26100.8655 x64 Enterprise       eligible, below (June's build): a catch-up
#                                                     in Sep, then B, H (restart Sep, Oct)
#   FLT-ARM    test   26100.8875 arm64 CHPE enabled   not eligible: LCU each month
#   FLT-PRO    test   26100.8875 x64 Pro              not eligible (Pro, whatever the licence)
#   FLT-ON2    ring1  26100.8875 x64 Enterprise       eligible, on:    H  B  H
#   FLT-NOVBS  ring1  26100.8875 x64 VBS off          not eligible: LCU each month
#   FLT-OLD    ring1  26100.1742 x64                  below the floor: not eligible, and below
#                                                     the baseline
#   FLT-ARMOK  ring1  26100.8875 arm64 CHPE disabled  eligible, on:    H  B  H
# So per ring: 4 devices, 2 eligible, 1 below the baseline (FLT-BELOW; FLT-OLD).
#   test   Sep: H1 C1 L2, 3 restart   Oct: B2 L2, 4 restart   Nov: H2 L2, 2 restart
#   ring1  Sep: H2 L2,    2 restart   Oct: B2 L2, 4 restart   Nov: H2 L2, 2 restart
#   fleet  Sep: H3 C1 L4, 5 restart   Oct: B4 L4, 8 restart   Nov: H4 L4, 4 restart
#   total over the three months: H7 B4 C1 L12, 17 restarts.
# Each not-eligible reason is one device in every month, so its total is 1.
# The plan of 2026 counts from September (a month already past is not forecast):
# December is a hotpatch month, so there only the two not eligible restart in each ring:
#   test  [-]*8 + [3, 4, 2, 2] = 11;   ring1 [-]*8 + [2, 4, 2, 2] = 10.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch
needs "the fleet over HTTP" curl

SCHED=$tmp/schedules
mkdir "$SCHED"
cp "${top_srcdir:-.}/schedules/autopatch-default.yaml" "$SCHED/"
AT=2026-09-01
NAMES="FLT-ON1 FLT-BELOW FLT-ARM FLT-PRO FLT-ON2 FLT-NOVBS FLT-OLD FLT-ARMOK"
cat > "$tmp/fleet.csv" <<'CSV'
name,ring,os,build,arch,vbs,chpe_disabled,edition,licensed,last_seen
FLT-ON1,test,,10.0.26100.8875,x64,true,,Enterprise,true,
FLT-BELOW,test,,10.0.26100.8655,x64,true,,Enterprise,true,
FLT-ARM,test,,10.0.26100.8875,arm64,true,false,Enterprise,true,
FLT-PRO,test,,10.0.26100.8875,x64,true,,Pro,true,
FLT-ON2,ring1,,10.0.26100.8875,x64,true,,Enterprise,true,
FLT-NOVBS,ring1,,10.0.26100.8875,x64,false,,Enterprise,true,
FLT-OLD,ring1,,10.0.26100.1742,x64,true,,Enterprise,true,
FLT-ARMOK,ring1,,10.0.26100.8875,arm64,true,true,Enterprise,true,
CSV

port=$(free_port)
start_daemon "$tmp/var" --http "127.0.0.1:$port" --at "$AT" ||
    not_ok "the daemon starts" "$(cat "$tmp/var.log")"
# get PATH: the page into $tmp/page, its status into $code.
get() { code=$(curl -s -o "$tmp/page" -w '%{http_code}' "http://127.0.0.1:$port$1"); }
wait_until sh -c 'curl -s -o /dev/null "http://127.0.0.1:$1/healthz"' sh "$port"

# ---- no inventory ----
jcheck "no devices: the JSON has zero devices and twelve months from now" "
	eq(j['total']['devices'], 0, 'devices')
	eq((j['from'], j['to'], len(j['months'])), ('2026-09', '2027-08', 12), 'range')" \
	fleet --at "$AT"
ctl fleet --at "$AT"
has "no devices: the text says how to import" "no devices imported: hotpatchctl devices import FILE"
ctl --json plan --at "$AT"
json_check "no devices: the plan has no device keys" "$tmp/out" "
eq([k for k in j if k.startswith('devices')], [], 'keys')"
get /plan
check "no devices: /plan has no devices row" sh -c '! grep -q "class=\"devices\"" "$1"' sh "$tmp/page"
get /fleet
check "no devices: /fleet is 200 with 0 devices" \
    sh -c '[ "$1" = 200 ] && grep -q "<strong>0</strong> devices" "$2"' sh "$code" "$tmp/page"

# ---- bad options: the grammar's ranges, exit 2 ----
ctl fleet --months 0
refused "--months 0: exit 2" 2 "bad --months '0' (expected 1..37)"
ctl fleet --months 38
refused "--months 38: exit 2" 2 "bad --months '38' (expected 1..37)"
ctl fleet --from 2026-13
refused "--from 2026-13: exit 2" 2 "bad --from '2026-13'"
ctl fleet --from 2500-12 --months 2
refused "months past the calendar's last year: exit 2" 2 "2 months from 2500-12 run past 2500-12"
ctl fleet --ring test
refused "fleet takes no --ring: exit 2" 2 "--ring"

# ---- the inventory ----
ctl devices import "$tmp/fleet.csv"
check "the inventory imports: 8 devices" [ $rc -eq 0 ]

jcheck "fleet --from 2026-09 --months 3: the counts worked by hand" "
	K = ('hotpatch', 'baseline', 'catch-up', 'lcu')
	def row(m): return tuple(m['install'][k] for k in K) + (m['restarts'],)
	t = j['total']
	eq((j['from'], j['to']), ('2026-09', '2026-11'), 'range')
	eq((t['devices'], t['counted'], t['eligible'], t['below_baseline'], t['build_unknown'],
	    t['no_ring'], t['no_os']), (8, 8, 4, 2, 0, 0, 0), 'verdicts')
	eq([m['month'] for m in j['months']], ['2026-09', '2026-10', '2026-11'], 'months')
	eq([row(m) for m in j['months']], [(3, 0, 1, 4, 5), (0, 4, 0, 4, 8), (4, 0, 0, 4, 4)], 'fleet')
	eq(row(t), (7, 4, 1, 12, 17), 'total')
	g = {r['ring']: r for r in j['rings']}
	eq([(r['ring'], r['devices']) for r in j['rings']],
	   [('test', 4), ('ring1', 4), ('ring2', 0), ('ring3', 0), ('last', 0)], 'rings in order')
	eq((g['test']['eligible'], g['test']['below_baseline']), (2, 1), 'test verdicts')
	eq((g['ring1']['eligible'], g['ring1']['below_baseline']), (2, 1), 'ring1 verdicts')
	eq([row(m) for m in g['test']['months']], [(1, 0, 1, 2, 3), (0, 2, 0, 2, 4), (2, 0, 0, 2, 2)], 'test')
	eq([row(m) for m in g['ring1']['months']], [(2, 0, 0, 2, 2), (0, 2, 0, 2, 4), (2, 0, 0, 2, 2)], 'ring1')
	eq(sorted((w['reason'], w['devices']) for w in t['lcu_reasons']), sorted([
	    ('arm64 with CHPE enabled (set HotPatchRestrictions=1 and restart)', 1),
	    ('not an eligible edition or licence, such as Pro, or not enrolled through Azure Arc', 1),
	    ('virtualization-based security (VBS) is not running', 1),
	    (\"the build is below this OS's minimum for hotpatch (min_build)\", 1)]), 'why the LCU')
	eq([(w['reason'], w['devices']) for w in j['months'][0]['lcu_reasons']][:1],
	   [('arm64 with CHPE enabled (set HotPatchRestrictions=1 and restart)', 1)], 'month reasons sorted')
	eq(any(n in json.dumps(j) for n in '$NAMES'.split()), False, 'no device name in the JSON')" \
	fleet --from 2026-09 --months 3 --at "$AT"

ctl fleet --from 2026-09 --months 3 --at "$AT"
has "fleet in text: the first line, the months, the total and the reasons" \
	"fleet 2026-09..2026-11: 8 devices, 8 counted in 2 rings" \
	"4 eligible for hotpatch, 2 below the latest baseline, 0 of unknown build" \
	"2026-09  3         0         1         4    5" \
	"total    7         4         1         12   17" \
	"1 device: virtualization-based security (VBS) is not running" \
	"rings without devices: 3"
check "fleet in text: no 'no devices imported' with devices" sh -c '! grep -q "no devices imported" "$1"' sh "$tmp/out"
jcheck "--from defaults to the current month, --months to 12" "
	eq((j['from'], j['to'], len(j['months'])), ('2026-09', '2027-08', 12), 'range')
	eq(j['months'][0]['restarts'], 5, 'September as above')" \
	fleet --at "$AT"

# ---- the plan ----
jcheck "plan 2026: each ring's devices and restarts from September, worked by hand" "
	d = {e['ring']: e for e in j['devices']}
	eq(j['devices_from'], '2026-09', 'from')
	eq([e['ring'] for e in j['devices']], ['test', 'ring1', 'ring2', 'ring3', 'last'], 'rings')
	eq((d['test']['devices'], d['test']['eligible']), (4, 2), 'test')
	eq(d['test']['restarts'], [None] * 8 + [3, 4, 2, 2], 'test restarts')
	eq(d['test']['restarts_total'], 11, 'test total')
	eq(d['ring1']['restarts'], [None] * 8 + [2, 4, 2, 2], 'ring1 restarts')
	eq(d['ring1']['restarts_total'], 10, 'ring1 total')
	eq(d['ring2']['devices'], 0, 'ring2')" \
	plan --year 2026 --at "$AT"
# The rolling plan (12 months from September 2026, the month of --at) counts every month:
# its first three are the fleet's worked by hand above (test 3, 4, 2; ring1 2, 4, 2).
jcheck "the rolling plan counts devices from its first month, across the year end" "
	d = {e['ring']: e for e in j['devices']}
	eq((j['from'], j['to'], j['devices_from']), ('2026-09', '2027-08', '2026-09'), 'range')
	eq(len(d['test']['restarts']), 12, 'one count per month')
	eq(d['test']['restarts'][:3], [3, 4, 2], 'test Sep-Nov')
	eq(d['ring1']['restarts'][:3], [2, 4, 2], 'ring1 Sep-Nov')
	eq(None in d['test']['restarts'], False, 'no month before now')" \
	plan --at "$AT"
ctl plan --year 2026 --at "$AT"
has "plan in text: a devices row per ring with devices" \
	"test devices 4" "ring1 devices 4" "per month from 2026-09"
check "plan in text: no devices row for a ring without devices" sh -c '! grep -q "^ring2 devices" "$1"' sh "$tmp/out"
jcheck "a plan of a year past has no device counts" "
	eq('devices' in j, False, 'devices')" \
	plan --year 2025 --at "$AT"

# ---- the pages: counts, never names ----
get /fleet
check "/fleet is 200 HTML" sh -c '[ "$1" = 200 ] && grep -q "<!DOCTYPE html>" "$2"' sh "$code" "$tmp/page"
check "/fleet has the counts: 8 devices, the month of 5 restarts" \
	sh -c 'grep -q "<strong>8</strong> devices" "$1" &&
	    grep -q "<tr data-month=\"2026-09\">.*<td data-restarts>5</td>" "$1"' sh "$tmp/page"
for name in $NAMES; do
	check "/fleet does not name $name" sh -c '! grep -qi -- "$1" "$2"' sh "$name" "$tmp/page"
done
get /plan
check "/plan is 200 with the devices rows of test and ring1" \
	sh -c '[ "$1" = 200 ] && grep -q "<tr class=\"devices\" data-ring=\"test\" data-devices=\"4\">" "$2" &&
	    grep -q "<tr class=\"devices\" data-ring=\"ring1\" data-devices=\"4\">" "$2" &&
	    grep -q "data-month=\"2026-10\" data-restarts=\"4\"" "$2"' sh "$code" "$tmp/page"
for name in $NAMES; do
	check "/plan does not name $name" sh -c '! grep -qi -- "$1" "$2"' sh "$name" "$tmp/page"
done
get /
check "the index links to /fleet" grep -q "class=\"fleet\" href=\"http://127.0.0.1:$port/fleet\"" "$tmp/page"

# ---- a new import: the page follows ----
get /fleet
cp "$tmp/page" "$tmp/before"
printf 'name,ring,build,arch,vbs,edition,licensed\nFLT-NEW,ring2,10.0.26100.8875,x64,false,Enterprise,true\n' \
    > "$tmp/more.csv"
ctl devices import "$tmp/more.csv"
check "a ninth device imports" [ $rc -eq 0 ]
get /fleet
check "/fleet changed after the import: 9 devices" \
	sh -c '! cmp -s "$1" "$2" && grep -q "<strong>9</strong> devices" "$2" && ! grep -qi FLT-NEW "$2"' \
	sh "$tmp/before" "$tmp/page"
jcheck "fleet after the import: ring2 has the device with VBS off, restarting in September" "
	g = {r['ring']: r for r in j['rings']}
	eq((g['ring2']['devices'], g['ring2']['months'][0]['restarts']), (1, 1), 'ring2')
	eq(j['months'][0]['restarts'], 6, 'September')" \
	fleet --from 2026-09 --months 3 --at "$AT"

stop_daemon || not_ok "the daemon exits cleanly" "$(tail -n 5 "$tmp/var.log")"
finish
