#!/bin/sh
# regress/state_feed.sh: the state across months in a ring feed served over HTTP.
# The real daemon runs on the shipped ring files, whose state-paused ring
# (schedules/state-examples.yaml) pauses quality updates 2027-01-10..02-12,
# over the January 2027 baseline; its feed is fetched with curl and read with
# python3-icalendar, a parser nobody here wrote.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
needs "the state-paused ring feed over HTTP" curl
scratch
port=$(free_port)
base=http://127.0.0.1:$port

# Twelve months back is the default: reach 2027 from a later clock too.
printf 'version: 1\nfeed: {months_back: 120, months_ahead: 24}\n' > "$tmp/conf.yaml"
start_daemon "$tmp/var" -c "$tmp/conf.yaml" --http "127.0.0.1:$port" ||
	not_ok "the daemon starts" "$(cat "$tmp/var.log")"

code=$(curl -s --max-time "$(tmo 60)" -o "$tmp/paused.ics" -w '%{http_code}' \
    "$base/rings/state-paused.ics")
[ "$code" = 200 ] && ok "GET /rings/state-paused.ics answers 200" ||
	not_ok "GET /rings/state-paused.ics answers 200" "got $code"

# February 2027 (Patch Tuesday 02-09, 18:00Z): the offer (+1 day) is held to
# the pause's end, 2027-02-13 00:00 Berlin; the first Wednesday or Thursday
# 19:00 after it is Wed 02-17.  January's baseline never went in, so the
# hotpatch month brings the catch-up, with a restart.
ics_check "February 2027 is a catch-up with a restart required" "$tmp/paused.ics" '
ev = {str(e["UID"]).split("@")[0]: e for e in events}
# Both OSes share each event: one per window, under win11-24h2 (the smaller id).
for os in ("win11-25h2",):
    for kind in ("window", "deadline", "restart"):
        assert "%s-state-paused-%s-202702" % (kind, os) not in ev, kind
for os in ("win11-24h2",):
    w = ev["window-state-paused-%s-202702" % os]
    s = str(w["SUMMARY"])
    assert "version 24H2 + Windows 11 Enterprise, version 25H2 install window" in s, s
    assert "Catch-up (baseline + hotpatch) — restart required" in s, s
    d = str(w["DESCRIPTION"])
    assert "the January 2027 baseline was paused for this ring" in d, d
    eq(w.decoded("DTSTART").replace(tzinfo=None), datetime.datetime(2027, 2, 17, 19, 0), "window")
    c = w.get("CATEGORIES")
    cats = [str(x) for p in (c if isinstance(c, list) else [c]) for x in p.cats]
    assert "restart" in cats and "catch-up" in cats, cats
    assert "restart-state-paused-%s-202702" % os in ev, "a restart deadline in February"
'
# January 2027 (Patch Tuesday 01-12): offered after the pause too, with February; never installed.
ics_check "January 2027 is one all-day note that it was skipped, with no restart" "$tmp/paused.ics" '
ev = {str(e["UID"]).split("@")[0]: e for e in events}
assert "skipped-state-paused-win11-25h2-202701" not in ev, "one note for both OSes"
for os in ("win11-24h2",):
    s = ev["skipped-state-paused-%s-202701" % os]
    assert "25H2" in str(s["SUMMARY"]), s["SUMMARY"]
    eq(s.decoded("DTSTART"), datetime.date(2027, 1, 12), "on the release day")
    assert "not installed" in str(s["SUMMARY"]), s["SUMMARY"]
    for kind in ("window", "none", "deadline", "restart"):
        for o in ("win11-24h2", "win11-25h2"):
            assert "%s-state-paused-%s-202701" % (kind, o) not in ev, kind
'

stop_daemon
finish
