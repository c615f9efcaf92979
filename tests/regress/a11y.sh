#!/bin/sh
# regress/a11y.sh: the pages checked for accessibility in headless Chromium, by a checker
# of our own (tests/a11y/check.js, run on each page in an iframe of a set width by
# tests/a11y/run.py; no network, no third-party library).  First the checker itself, on
# tests/a11y/known-bad.html: it must find every fault planted there, the plan's old
# ineligible colour at 3.866:1 (worked by hand in that file) among them, and pass the same
# cell undimmed.  Then the daemon's pages, as it serves them in December 2026: /, the
# rolling /plan, the longest plan (37 months), a year's plan and /fleet, at 1280 px and at
# 400 px: no fault at all, and nothing past the right edge but inside a box that scrolls.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch

needs "accessibility in headless chromium" chromium python3

RUN="python3 $top_srcdir/tests/a11y/run.py --profile $tmp"

# ---- the checker, on faults planted by hand ----
$RUN --width 400 "$top_srcdir/tests/a11y/known-bad.html" > "$tmp/bad.json" 2> "$tmp/run.err" ||
	not_ok "the checker runs in chromium" "$(tail -n 5 "$tmp/run.err")"
json_check "the checker finds the old ineligible colour: 3.866:1, text (118,121,124) on (254,240,203)" \
    "$tmp/bad.json" '
c = [f for f in j["failures"] if f["rule"] == "contrast"]
eq([f["what"] for f in c], ["td#old.lcu \"L 01/22\""], "failing texts (#ok passes at 13.45:1)")
assert abs(c[0]["ratio"] - 3.866) < 0.001, c[0]
eq((c[0]["fg"], c[0]["bg"]), ([118, 121, 124], [254, 240, 203]), "colours")
'
json_check "the checker finds each other planted fault" "$tmp/bad.json" '
got = sorted((f["rule"], f["what"].split(" ")[0]) for f in j["failures"] if f["rule"] != "contrast")
want = sorted([("lang", "document"), ("title", "document"), ("name", "img#noalt"),
    ("name", "a#noname"), ("name", "button#nobutton"), ("link-target", "a#noname"),
    ("table-headers", "table.plan"), ("reflow", "document"), ("reflow", "div#wide.wide"),
    ("scroll-focus", "div#scroller")])
eq(got, want, "faults")
eq(j["viewport"]["width"], 400, "the iframe is the viewport")
'

# ---- the daemon's pages ----
port=$(free_port)
mkdir -p "$tmp/var"
start_daemon "$tmp/var" --http "127.0.0.1:$port" --at 2026-12-15
wait_until sh -c 'curl -s -o /dev/null "http://127.0.0.1:$1/healthz"' sh "$port"

i=0
for path in / /plan "/plan?from=2026-11&months=37" /plan/2027 /fleet; do
	i=$((i + 1))
	curl -s -o "$tmp/page$i.html" "http://127.0.0.1:$port$path"
	for width in 1280 400; do
		if ! $RUN --width $width "$tmp/page$i.html" > "$tmp/a11y.json" 2> "$tmp/run.err"; then
			not_ok "$path at $width px: checked in chromium" "$(tail -n 5 "$tmp/run.err")"
			continue
		fi
		json_check "$path at $width px: contrast, names, lang, title, table headers, no reflow" \
		    "$tmp/a11y.json" "
eq(j.get('error'), None, 'checker error')
assert j['texts'] > 10, 'texts checked: %d' % j['texts']
eq(j['viewport']['width'], $width, 'viewport')
assert j['viewport']['scrollWidth'] <= j['viewport']['clientWidth'], j['viewport']
eq(j['failures'], [], 'faults')
"
	done
done

stop_daemon
finish
