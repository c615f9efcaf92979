#!/bin/sh
# regress/plan_page.sh: the planner page as a browser sees it.  The daemon serves GET /plan
# on a private HTTP port; Debian's headless chromium loads it and dumps the DOM it built,
# and Python's html.parser checks the grid against the daemon's own answers: one row per
# ring and OS of the shipped schedules (from hotpatchctl --json rings), the twelve months
# from the daemon's --at (December 2026) in each, every cell's kind and status as hotpatchctl --json plan
# gives them, and every cell at risk linked to a numbered note that says why in words.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch

name="plan page in headless chromium"

needs "$name" chromium

port=$(free_port)
mkdir -p "$tmp/var"
# December, when a planner needs to see January: the rolling page runs across the year end.
start_daemon "$tmp/var" --http "127.0.0.1:$port" --at 2026-12-15

# Wait up to 5 s for the HTTP listener.
python3 - "$port" <<'EOF'
import socket, sys, time
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()
        break
    except OSError:
        time.sleep(0.05)
EOF

# chromium --dump-dom URL: the DOM after the page loaded, on stdout.
dump_dom() {
	timeout 90 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$tmp/chromium" --dump-dom "$1" 2> "$tmp/chromium.err"
}

dump_dom "http://127.0.0.1:$port/plan" > "$tmp/dom.html"
if [ -s "$tmp/dom.html" ] && grep -q '<table class="plan"' "$tmp/dom.html"; then
	ok "$name"
else
	not_ok "$name" "DOM: $(head -c 300 "$tmp/dom.html")" "chromium: $(tail -n 3 "$tmp/chromium.err")" \
	    "daemon: $(tail -n 3 "$tmp/var.log")"
	finish
	exit
fi

ctl --json rings
cp "$tmp/out" "$tmp/rings.json"
# The page's months, as its table says them: from YYYY-MM for N months.
set -- $(python3 -c '
import re, sys
m = re.search(r"<table class=\"plan\" data-from=\"(\d{4}-\d\d)\" data-months=\"(\d+)\"",
              open(sys.argv[1]).read())
print(*(m.groups() if m else ("0", "0")))' "$tmp/dom.html")
from=$1 months=$2
ctl --json plan --from "$from" --months "$months"
cp "$tmp/out" "$tmp/plan.json"

# The grid as parsed from the DOM, as JSON: {"rows": [{"ring","os","why","cells":[...],"restarts"}],
# "legend": {sym: text}}; a restarts cell has "causes": {key: count}.
python3 - "$tmp/dom.html" > "$tmp/grid.json" <<'EOF'
import html.parser, json, sys
class Grid(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.row, self.td = [], None, None
        self.legend, self.li, self.cause = {}, None, None
        self.notes, self.note, self.ref, self.section = {}, None, False, None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and "data-ring" in a:
            self.row = {"ring": a["data-ring"], "os": a.get("data-os"), "cells": [],
                        "why": None, "restarts": None, "class": a.get("class", "")}
            self.rows.append(self.row)
        elif tag == "td" and self.row is not None:
            self.td = {"id": a.get("id"), "note": None, "month": a.get("data-month"), "kind": a.get("data-kind"),
                       "install": a.get("data-install"), "status": a.get("data-status"),
                       "class": a.get("class", ""), "title": a.get("title", ""), "text": "",
                       "total": a.get("data-total"), "causes": {}}
            if "data-month" in a:
                self.row["cells"].append(self.td)
            else:
                self.row["restarts"] = self.td
        elif tag == "small" and self.row is not None and a.get("class") == "why":
            self.row["why"] = ""
        elif tag == "span" and self.td is not None and "data-cause" in a:
            self.cause = a["data-cause"]
        elif tag == "li" and "data-sym" in a:
            self.li = a["data-sym"]
            self.legend[self.li] = ""
        elif tag == "a" and self.td is not None and a.get("class") == "ref":
            self.td["note"] = a.get("href")
            self.ref = True
        elif tag == "section":
            self.section = a.get("id")
        elif tag == "li" and (a.get("id") or "").startswith("note-"):
            self.note = {"section": self.section, "ring": a.get("data-ring"), "os": a.get("data-os"),
                         "label": a.get("data-label"), "cells": [], "text": ""}
            self.notes["#" + a["id"]] = self.note
        elif tag == "a" and self.note is not None:
            self.note["cells"].append(a.get("href"))
    def handle_endtag(self, tag):
        if tag == "td":
            self.td = None
        elif tag == "a":
            self.ref = False
        elif tag == "li":
            self.li = self.note = None
        elif tag == "tr":
            self.row = None
    def handle_data(self, data):
        if self.note is not None:
            self.note["text"] += data
        if self.td is not None and not self.ref:
            self.td["text"] += data
        if self.cause is not None:
            self.td["causes"][self.cause] = int(data.split()[0])
            self.cause = None
        if self.li is not None:
            self.legend[self.li] += data
g = Grid()
g.feed(open(sys.argv[1], encoding="utf-8").read())
json.dump({"rows": g.rows, "legend": g.legend, "notes": g.notes}, sys.stdout)
EOF

export RINGS_JSON="$tmp/rings.json" PLAN_JSON="$tmp/plan.json"

json_check "one row per ring and OS of the shipped schedules" "$tmp/grid.json" '
rings = json.load(open(__import__("os").environ["RINGS_JSON"]))["rings"]
want = [(r["ring"], o) for r in rings for o in r["os"]]
got = [(r["ring"], r["os"]) for r in j["rows"]]
eq(len(got), sum(len(r["os"]) for r in rings), "rows")
missing, extra = sorted(set(want) - set(got)), sorted(set(got) - set(want))
assert not missing and not extra and len(set(got)) == len(got), \
    "missing %r, unexpected %r, rows %d for %d pairs" % (missing, extra, len(got), len(set(got)))
'

check "the page shows the 12 months from 2026-12, the month of the daemon's --at" \
    [ "$from $months" = "2026-12 12" ]

# What the text plan writes in a cell, worked out here from the plan's JSON: the install's
# letter (O: an LCU in a hotpatch month for an upgrade, enrolment or out-of-band LCU) and
# the marks, and the class each letter and mark gives the cell on the page.
cat > "$tmp/cells.py" <<'EOF'
LETTER = {"baseline": "B", "hotpatch": "H", "lcu": "L", "catch-up": "C"}
CLASS = {"B": "baseline", "H": "hotpatch", "L": "lcu", "C": "catchup", "O": "offbase",
         "*": "unplanned", "!": "late", "#": "blackout", "~": "forced", "=": "skipped"}
def letter(m):
    if m["install"] == "lcu" and m["cause"] in ("enrolled", "upgrade", "oob"):
        return "O"
    return LETTER[m["install"]]
def marks(m):
    return ("*" if m["unplanned"] and m["kind"] == "baseline" else "") + \
        ("!" if m["status"] == "late" else "") + ("#" if m["blackout"] else "") + \
        ("~" if m["forced_in"] or m["restart_in"] else "") + ("=" if m["skipped"] else "")
def classes(m):
    return [CLASS[letter(m)]] + (["none"] if m["status"] == "none" else []) + \
        [CLASS[k] for k in marks(m)]
EOF
export CELLS_PY="$tmp/cells.py"

json_check "every row has the twelve months from 2026-12, January 2027 among them" "$tmp/grid.json" "
want = ['2026-12'] + ['2027-%02d' % m for m in range(1, 12)]
for r in j['rows']:
    eq([c['month'] for c in r['cells']], want, r['ring'] + ' ' + r['os'])
    for c in r['cells']:
        assert c['kind'] in ('baseline', 'hotpatch', 'lcu'), c
        assert c['install'] in ('baseline', 'hotpatch', 'lcu', 'catch-up'), c
        assert c['status'] in ('ok', 'late', 'none'), c
        assert c['title'], c
"

json_check "ring2 win11-24h2 2027-01 is a baseline, in a window" "$tmp/grid.json" "
c = [c for r in j['rows'] if r['ring'] == 'ring2' and r['os'] == 'win11-24h2'
     for c in r['cells'] if c['month'] == '2027-01']
eq(len(c), 1, 'cells')
eq(c[0]['kind'], 'baseline', 'data-kind')
eq(c[0]['status'], 'ok', 'data-status')
eq(c[0]['class'], 'baseline', 'class')
assert c[0]['text'].startswith('B 01/'), c[0]
"

json_check "every cell agrees with hotpatchctl plan" "$tmp/grid.json" '
import os
exec(open(os.environ["CELLS_PY"]).read())
plan = json.load(open(os.environ["PLAN_JSON"]))
rows = {(r["ring"], r["os"]): r for r in j["rows"]}
for p in plan["rings"]:
    r = rows[(p["ring"], p["os"])]
    what = p["ring"] + " " + p["os"]
    for m, c in zip(p["months"], r["cells"]):
        at = what + " " + m["month"]
        eq((c["month"], c["kind"], c["install"], c["status"]),
           (m["month"], m["kind"], m["install"], m["status"]), what)
        loc = m["window_start_local"]
        day = loc[5:7] + "/" + loc[8:10] if loc and m["status"] != "none" else "\u2013"
        eq(c["text"], letter(m) + " " + day + marks(m), at + " text")
        eq(c["class"].split(), classes(m), at + " class")
        if m["blackout"] is not None:
            assert m["blackout"] in c["title"], (c, m)
        assert m["reason"] in c["title"], (c, m)
    eq(int(r["restarts"]["total"]), p["restarts"]["total"], what + " restarts")
    want = {k: v for k, v in p["restarts"].items() if k != "total" and v != 0}
    eq(r["restarts"]["causes"], want, what + " restarts by cause")
    eq(r["why"] is not None, not p["eligible"], what + " not-eligible note")
'

json_check "state-paused: January 2027 skipped by the pause, February the catch-up" "$tmp/grid.json" "
rows = [r for r in j['rows'] if r['ring'] == 'state-paused']
eq(len(rows), 2, 'state-paused rows')
for r in rows:
    jan, feb = r['cells'][1], r['cells'][2]
    eq(jan['text'], 'B \u2013=', r['os'] + ' January')
    assert 'skipped' in jan['class'].split(), jan
    assert 'skipped: a pause covered the release (January pause)' in jan['title'], jan
    eq(feb['install'], 'catch-up', r['os'] + ' February')
    assert feb['text'].startswith('C 02/'), feb
    assert 'catchup' in feb['class'].split(), feb
    assert feb['title'].startswith('catch-up: the missed baseline'), feb
    eq(r['restarts']['causes'].get('catchup'), 1, r['os'] + ' catch-up restarts')
"

json_check "state-upgrade 25H2 and state-enrolled: off-baseline LCUs" "$tmp/grid.json" "
cell = {(r['ring'], r['os']): r['cells'] for r in j['rows']}
for m in (2, 3):
    c = cell[('state-upgrade', 'win11-25h2')][m]
    assert c['text'].startswith('O ') and 'offbase' in c['class'].split(), c
c = cell[('state-enrolled', 'win11-25h2')][3]
assert c['text'].startswith('O ') and 'offbase' in c['class'].split(), c
"

# Readable without a pointer: every cell at risk (its risks in hotpatchctl --json plan) links
# to a numbered note in the "At risk" section, which names the row and the label and says
# the reason in words, and links back to the cell; every note is linked from its cells.
json_check "every cell at risk links to a note in words under the grid, and back" "$tmp/grid.json" '
plan = json.load(open(__import__("os").environ["PLAN_JSON"]))
rows = {(r["ring"], r["os"]): r for r in j["rows"]}
notes, linked, nrisk = j["notes"], set(), 0
for p in plan["rings"]:
    r = rows[(p["ring"], p["os"])]
    for m, c in zip(p["months"], r["cells"]):
        at = p["ring"] + " " + p["os"] + " " + m["month"]
        if not m["risks"]:
            continue
        nrisk += 1
        assert c["note"] in notes, (at, c)
        n = notes[c["note"]]
        linked.add(c["note"])
        eq((n["section"], n["ring"], n["os"], n["label"]), ("at-risk", p["ring"], p["os"], m["risks"][0]), at)
        assert "#" + c["id"] in n["cells"], (at, n)
        assert m["reason"] in n["text"], (at, n["text"])
assert nrisk > 0, "the shipped schedules have cells at risk in these months"
for ref, n in notes.items():
    assert n["cells"], ref
    if n["section"] == "at-risk":
        assert ref in linked, ("a risk note no cell at risk links to", ref, n)
'

json_check "the legend explains every letter and mark on the page" "$tmp/grid.json" "
legend = j['legend']
assert legend.get('C', '').startswith('Ccatch-up: the missed baseline'), legend
assert legend.get('=', '').startswith('=skipped: a pause'), legend
assert 'off-baseline LCU' in legend.get('O', ''), legend
assert 'freeze' in legend.get('~', ''), legend
used = set()
for r in j['rows']:
    for c in r['cells']:
        used |= set(c['text'].split()[0]) | set(c['text'].split()[1].lstrip('\u20130123456789/'))
missing = sorted(used - set(legend))
assert not missing, 'not in the legend: %r' % missing
assert 'catch-up' in legend.get('restarts', ''), legend
"

stop_daemon
finish
