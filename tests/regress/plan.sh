#!/bin/sh
# regress/plan.sh: rolling plans with the real daemon, hotpatchctl and curl, in December
# 2026 (--at), when a ring planner needs January: plan from this month for 12 months,
# --from and --months across the year end, --year alone, --at-risk for next month, the
# grammar's limits; the page at /plan, /plan?from=&months=, /plan?year= and /plan/YYYY,
# its previous and next links, a 400 for every bad query, and a bounded page cache.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch

needs "rolling plans over HTTP" curl

AT=2026-12-15

# ---- the grammar: refused before connecting (exit 2) ----
nosock=$tmp/nodaemon.sock
run --socket "$nosock" plan --year 2027 --from 2026-12
refused "--year with --from: exit 2, and why" 2 \
    "plan takes --year or --from, not both: --year is January to December"
run --socket "$nosock" plan --months 6 --year 2027
refused "--year with --months: exit 2" 2 "plan takes --year or --months, not both"
run --socket "$nosock" plan --months 0
refused "--months 0: exit 2" 2 "bad --months '0' (expected 1..37)"
run --socket "$nosock" plan --months 38
refused "--months 38, past the feeds' horizon: exit 2" 2 "bad --months '38' (expected 1..37)"
run --socket "$nosock" plan --from 2026-13
refused "--from 2026-13: exit 2" 2 "bad --from '2026-13'"
run --socket "$nosock" plan --at-risk yes
refused "--at-risk takes no value: exit 2" 2 "unexpected argument 'yes'"

port=$(free_port)
mkdir -p "$tmp/var"
start_daemon "$tmp/var" --http "127.0.0.1:$port" --at "$AT"
wait_until sh -c 'curl -s -o /dev/null "http://127.0.0.1:$1/healthz"' sh "$port"

# ---- the JSON ----
jcheck "plan: the 12 months from this one, December 2026 to November 2027" "
	eq((j['from'], j['to'], j['months'], j['year'], j['at_risk_only']),
	   ('2026-12', '2027-11', 12, None, False), 'range')
	want = ['2026-12'] + ['2027-%02d' % m for m in range(1, 12)]
	for r in j['rings']:
	    eq([m['month'] for m in r['months']], want, r['ring'] + ' ' + r['os'])" \
	plan --at "$AT"
jcheck "plan --from 2026-11 --months 3: 2026-11, 2026-12, 2027-01" "
	eq((j['from'], j['to'], j['months']), ('2026-11', '2027-01', 3), 'range')
	for r in j['rings']:
	    eq([m['month'] for m in r['months']], ['2026-11', '2026-12', '2027-01'], r['ring'])" \
	plan --from 2026-11 --months 3
# A row's restarts are its months' restarts over the range, plus the out-of-band releases
# that restart it (doc/protocol.md, restarts), whatever the year.
jcheck "restarts across the year end: the months that restart, plus out-of-band" "
	for r in j['rings']:
	    eq(r['restarts']['total'] - r['restarts']['oob'], sum(m['restart'] for m in r['months']),
	       r['ring'] + ' ' + r['os'])" \
	plan --from 2026-11 --months 3
jcheck "plan --months 37: the feeds' horizon, 2026-12 to 2029-12" "
	eq((j['from'], j['to'], j['months']), ('2026-12', '2029-12', 37), 'range')
	eq(len(j['rings'][0]['months']), 37, 'cells')" \
	plan --months 37 --at "$AT"
ctl --json plan --year 2027
cp "$tmp/out" "$tmp/year.json"
ctl --json plan --from 2027-01 --months 12
check "plan --year 2027 is plan --from 2027-01 --months 12, byte for byte" cmp -s "$tmp/year.json" "$tmp/out"
json_check "a calendar year says its year" "$tmp/year.json" "
eq((j['from'], j['to'], j['months'], j['year']), ('2027-01', '2027-12', 12, 2027), 'range')"
ctl plan --from 2500-06
refused "a plan past 2500-12: exit 2, and why" 2 "12 months from 2500-06 run past 2500-12"

# ---- at risk next month ----
ctl --json plan --from 2027-01 --months 1
cp "$tmp/out" "$tmp/january.json"
export JANUARY_JSON="$tmp/january.json"
# Which rows are at risk in January, from the full plan's cells by the rule of
# doc/protocol.md (late, none unless skipped, skipped, forced, catch-up), worked here.
jcheck "plan --at-risk --from 2027-01 --months 1: exactly the rows with a risk in January" "
	full = json.load(open(__import__('os').environ['JANUARY_JSON']))
	def risks(m):
	    return [k for k, on in (('late', m['status'] == 'late'),
	        ('none', m['status'] == 'none' and not m['skipped']), ('skipped', m['skipped']),
	        ('forced', bool(m['forced_in'] or (m['restart_in'] and m['status'] != 'ok'))),
	        ('catch-up', m['install'] == 'catch-up')) if on]
	want = [(r['ring'], r['os']) for r in full['rings'] if risks(r['months'][0])]
	eq(j['at_risk_only'], True, 'at_risk_only')
	eq([(r['ring'], r['os']) for r in j['rings']], want, 'rows at risk')
	assert ('state-paused', 'win11-24h2') in want, 'the January pause skips the baseline'
	assert ('test', 'win11-24h2') not in want, 'ring test has its window every month'
	for r in j['rings']:
	    eq(r['at_risk'], True, r['ring'])
	    eq(r['months'][0]['risks'], risks(r['months'][0]), r['ring'] + ' risks')" \
	plan --at-risk --from 2027-01 --months 1
ctl plan --at-risk --from 2027-01 --months 1
has "plan --at-risk as text: the rows at risk in January and why" \
    "at risk in Jan 2027: the rings and OSes with a late, missing, skipped or forced install" \
    "state-paused win11-24h2" "skipped in Jan: " "pause 'January pause'"
check "plan --at-risk as text: a row without risk is left out" \
    sh -c '! grep -q "^test win11-24h2 " "$1"' sh "$tmp/out"

# ---- the text ----
ctl plan --at "$AT"
has "plan as text: the year with the months that start it and January" \
    "plan Dec 2026 to Nov 2027: each ring's install window per month" "Dec 2026" "Jan 2027" \
    "at risk (late, none, skipped, forced into a freeze, catch-up):" "skipped in Jan 2027"
ctl plan --months 37 --at "$AT"
wide=$(awk 'length($0) > 160' "$tmp/out" | head -n 3)
[ -z "$wide" ] && ok "plan --months 37 as text: four grids, each within 160 columns" ||
	not_ok "plan --months 37 as text: four grids, each within 160 columns" "$wide"
check "plan --months 37 as text: one grid per 12 months, RESTARTS once, at the end" \
    sh -c '[ "$(grep -c "^RING OS" "$1")" = 4 ] && [ "$(grep -c "^RING OS.*  RESTARTS\$" "$1")" = 1 ] &&
	grep -q "^RING OS  *Dec 2029  RESTARTS\$" "$1"' \
    sh "$tmp/out"

# ---- the page ----
# get PATH: the page into $tmp/page, its status into $code.
get() { code=$(curl -s -o "$tmp/page" -w '%{http_code}' "http://127.0.0.1:$port$1"); }
# shows PATH H1 FROM MONTHS: PATH is a 200 page with that heading and table.
shows() {
	get "$1"
	if [ "$code" = 200 ] && grep -qF "<h1>$2</h1>" "$tmp/page" &&
	    grep -qF "<table class=\"plan\" data-from=\"$3\" data-months=\"$4\"" "$tmp/page"; then
		ok "$1: $2"
	else
		not_ok "$1: $2" "status $code" "$(grep -o '<h1>[^<]*</h1>' "$tmp/page")" \
		    "$(grep -o '<table class="plan"[^>]*>' "$tmp/page")"
	fi
}
shows /plan "Plan Dec 2026 to Nov 2027" 2026-12 12
shows "/plan?from=2026-12&months=12" "Plan Dec 2026 to Nov 2027" 2026-12 12
shows "/plan?from=2026-11&months=3" "Plan Nov 2026 to Jan 2027" 2026-11 3
shows "/plan?months=2" "Plan Dec 2026 to Jan 2027" 2026-12 2
shows "/plan?year=2027" "Plan 2027" 2027-01 12
shows /plan/2027 "Plan 2027" 2027-01 12
shows "/plan?from=2026-11&months=37" "Plan Nov 2026 to Nov 2029" 2026-11 37

get /plan
check "/plan links to the 12 months before and after" sh -c '
	grep -qF "<a rel=\"prev\" href=\"?from=2025-12&amp;months=12\">&larr; Previous: Dec 2025 to Nov 2026</a>" "$1" &&
	grep -qF "<a rel=\"next\" href=\"?from=2027-12&amp;months=12\">Next: Dec 2027 to Nov 2028 &rarr;</a>" "$1"' \
    sh "$tmp/page"
shows "/plan?from=2027-12&months=12" "Plan Dec 2027 to Nov 2028" 2027-12 12
get /plan/2027
check "/plan/2027 links to /plan/2026 and /plan/2028, and home to the index" sh -c '
	grep -qF "<a rel=\"prev\" href=\"2026\">" "$1" && grep -qF "<a rel=\"next\" href=\"2028\">" "$1" &&
	grep -qF "<a href=\"../\">Feeds</a>" "$1"' sh "$tmp/page"
shows /plan/2028 "Plan 2028" 2028-01 12

# Conditional requests work for a page a query chose as for any other.
etag=$(curl -s -D - -o /dev/null "http://127.0.0.1:$port/plan?year=2027" | tr -d '\r' |
    sed -n 's/^[Ee][Tt][Aa][Gg]: //p')
code=$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" \
    "http://127.0.0.1:$port/plan?year=2027")
check "/plan?year=2027 with its ETag: 304" sh -c '[ -n "$1" ] && [ "$2" = 304 ]' sh "$etag" "$code"

# ---- bad queries: a 400 that says what is wrong, never a silent default ----
# bad PATH TEXT: a 400 whose text/plain body says TEXT.
bad() {
	get "$1"
	if [ "$code" = 400 ] && grep -qF -- "$2" "$tmp/page"; then
		ok "$1: 400, $2"
	else
		not_ok "$1: 400, $2" "status $code" "body: $(head -c 200 "$tmp/page")"
	fi
}
bad "/plan?months=0" "bad months '0' (expected 1..37)"
bad "/plan?months=38" "bad months '38' (expected 1..37)"
bad "/plan?months=-1" "bad months '-1' (expected 1..37)"
bad "/plan?from=2026-13" "bad from '2026-13' (expected YYYY-MM, a month of 1970..2500)"
bad "/plan?from=2026-1" "bad from '2026-1'"
bad "/plan?year=27" "bad year '27' (expected 1970..2500)"
bad "/plan?year=2027&from=2026-12" "year names its own months: give year, or from and months, not both"
bad "/plan?from=2026-12&from=2027-01" "parameter 'from' given twice"
bad "/plan?from=" "parameter 'from' needs a value (from=YYYY-MM)"
bad "/plan?colour=red" "unknown parameter 'colour' (expected from, months or year)"
bad "/plan?from=2500-06" "12 months from 2500-06 run past 2500-12"
bad "/plan?a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9" "too many query parameters (9;"
bad "/plan/2027?months=3" "/plan/2027 takes no query"
get /plan/1969
check "/plan/1969, a year hotpatchd does not handle: 404" [ "$code" = 404 ]
get "/calendar.ics?colour=red"
check "a feed ignores its query (calendar clients add their own): 200" [ "$code" = 200 ]

# ---- the cache stays bounded ----
# rss: the daemon's resident memory in kB.
rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$daemon_pid/status"; }
# variants FIRST N: ask for N distinct 12-month plans from the month FIRST (a ym number);
# fails if one is not the page asked for.
variants() {
	python3 - "$port" "$1" "$2" <<'EOF'
import sys, urllib.request
port, first, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
for ym in range(first, first + n):
    y, m = divmod(ym, 12)
    url = "http://127.0.0.1:%d/plan?from=%04d-%02d&months=12" % (port, y, m + 1)
    body = urllib.request.urlopen(url, timeout=120).read().decode()
    want = '<table class="plan" data-from="%04d-%02d" data-months="12"' % (y, m + 1)
    if want not in body:
        sys.exit("%s: not the page asked for" % url)
EOF
}
# 2026 * 12 = 24312 is January 2026.  The site keeps at most 16 such pages: after a first
# 40, 200 more distinct ones (each some 300 kB, 60 MB if all were kept) leave the
# daemon's memory where it was, give or take 16 MB.
if variants 24312 40; then
	before=$(rss)
	if variants 24352 200; then
		after=$(rss)
		if [ -n "$(rss_tool)" ]; then
			ok "200 more distinct plan pages are answered"
			skip "and memory stays bounded ($before kB -> $after kB)" "$(rss_tool)"
		else
			check "200 more distinct plan pages: answered, and memory stays bounded ($before kB -> $after kB)" \
			    [ $((after - before)) -lt 16384 ]
		fi
	else
		not_ok "200 more distinct plan pages are answered"
	fi
else
	not_ok "40 distinct plan pages are answered"
fi
shows "/plan?from=2026-01&months=12" "Plan 2026" 2026-01 12

stop_daemon
finish
