#!/bin/sh
# regress/plan_cells.sh: the plan page (/plan) and hotpatchctl --json plan, byte for byte as
# the code before the plan model (src/planmodel.c) made them.  The references in
# tests/data/plancells/ (gzip -9n) were written by that code (PLAN_CELLS_WRITE=1 writes them again) on
# this estate: the shipped ring files and calendar, the daemon at 2026-12-15, the devices
# of tests/data/devices/daemon.csv, a freeze on ring2 over its January 2027 windows, a pause
# of ring3 over the February 2027 release; then one override.  After the override the page
# must change in the overridden OS's rows only, and in its month's cells and what they feed
# (the notes, the restart totals), nothing else.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch

ref=${top_srcdir:-.}/tests/data/plancells
port=$(free_port)
mkdir -p "$tmp/var"
start_daemon "$tmp/var" --http "127.0.0.1:$port" --at 2026-12-15

# get PATH FILE: GET http://127.0.0.1:$port/PATH into $tmp/FILE; ok when it answers 200.
get() {
	curl -s -o "$tmp/$2" -w '%{http_code}' "http://127.0.0.1:$port/$1" > "$tmp/code" &&
	    [ "$(cat "$tmp/code")" = 200 ]
}
wait_until get plan warmup.html

ctl devices import "${top_srcdir:-.}/tests/data/devices/daemon.csv" --skip-bad
answered "devices import"
ctl blackout add --name "ring2 January freeze" --from 2027-01-13 --to 2027-01-31 --ring ring2
answered "blackout add freeze"
ctl blackout add --name "ring3 February pause" --from 2027-02-08 --to 2027-03-05 --ring ring3 \
	--kind pause
answered "blackout add pause"

# snap SUFFIX: the pages and answers this test compares, as $tmp/NAME.SUFFIX.
snap() {
	get plan "plan.html.$1" && get 'plan?year=2027' "plan2027.html.$1" &&
	    get 'plan?from=2027-01&months=37' "plan37.html.$1" || return 1
	ctl --json plan --year 2027 && cp "$tmp/out" "$tmp/plan2027.json.$1" &&
	    ctl --json plan && cp "$tmp/out" "$tmp/plan.json.$1" &&
	    ctl --json plan --at-risk --from 2027-01 --months 6 && cp "$tmp/out" "$tmp/risk.json.$1"
}
# same SUFFIX: each of snap's files is the reference's, byte for byte.
same() {
	for f in plan.html plan2027.html plan37.html plan2027.json plan.json risk.json; do
		if [ "${PLAN_CELLS_WRITE:-0}" = 1 ]; then
			gzip -9n < "$tmp/$f.$1" > "$ref/$f.$1.gz"
		elif gzip -dc "$ref/$f.$1.gz" | cmp -s - "$tmp/$f.$1"; then
			ok "$f ($1) byte for byte as before"
		else
			not_ok "$f ($1) byte for byte as before" \
			    "$(gzip -dc "$ref/$f.$1.gz" | diff - "$tmp/$f.$1" | head -n 8)"
		fi
	done
}

if snap before; then ok "pages and plans before the override"; else not_ok "snap before"; fi
same before

ctl override set win11-24h2 2027-03 baseline --reason "plan_cells"
answered "override set"
# The site builds pages again on a change: wait for the page to differ.
changed() { get 'plan?year=2027' probe.html && ! cmp -s "$tmp/probe.html" "$tmp/plan2027.html.before"; }
if wait_until changed; then ok "the page changes after the override"; else not_ok "page unchanged"; fi
if snap after; then ok "pages and plans after the override"; else not_ok "snap after"; fi
same after

# Where the page changed: only rows of win11-24h2, and in them only the cells of March 2027,
# their notes and restart totals.  Found by diffing the two pages' rows, with html.parser.
python3 - "$tmp/plan2027.html.before" "$tmp/plan2027.html.after" > "$tmp/where" 2>&1 <<'PY'
import html.parser, sys
class Rows(html.parser.HTMLParser):
    """The grid's cells as {(ring, os, month-or-'restarts'): text of the tag and its content}."""
    def __init__(self):
        super().__init__()
        self.cells, self.row, self.key, self.buf = {}, None, None, []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and "data-os" in a:
            self.row = (a["data-ring"], a["data-os"])
        elif tag == "td" and self.row is not None:
            self.key = self.row + (a.get("data-month", "restarts"),)
            self.buf = [repr(sorted(a.items()))]
    def handle_endtag(self, tag):
        if tag == "td" and self.key is not None:
            self.cells[self.key] = "".join(self.buf)
            self.key = None
        elif tag == "tr":
            self.row = None
    def handle_data(self, d):
        if self.key is not None:
            self.buf.append(d)
def cells(path):
    p = Rows()
    p.feed(open(path, encoding="utf-8").read())
    return p.cells
a, b = cells(sys.argv[1]), cells(sys.argv[2])
assert a.keys() == b.keys(), "the rows or months changed"
diff = sorted(k for k in a if a[k] != b[k])
# Worked by hand: the override makes March 2027 a baseline (restart) where the calendar has
# a hotpatch; so every win11-24h2 row's March cell changes, and its restarts cell (one more
# baseline restart); no other OS's row and no other month changes.
bad = [k for k in diff if k[1] != "win11-24h2" or k[2] not in ("2027-03", "restarts")]
march = [k for k in diff if k[2] == "2027-03"]
print("changed", len(diff), "bad", bad, "march", len(march))
sys.exit(1 if bad or not march else 0)
PY
if [ $? = 0 ]; then ok "the override changed win11-24h2's March cells only"; else
	not_ok "the override changed win11-24h2's March cells only" "$(cat "$tmp/where")"; fi

stop_daemon
finish
