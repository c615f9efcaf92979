#!/bin/sh
# regress/feed.sh: hotpatchctl feed and export against a running hotpatchd.
# The feeds are parsed by a calendar library nobody here wrote (Debian's
# python3-icalendar), their events are checked against the calendar facts,
# and the exported files must be the very bytes the daemon serves.  With
# vdirsyncer installed, a real CalDAV/ICS client subscribes over HTTP too.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch
port=$(free_port)

start_daemon "$tmp/var" --http "127.0.0.1:$port" || not_ok "the daemon starts" "$(cat "$tmp/var.log")"

ctl feed
answered "feed prints the every-OS calendar"
cp "$tmp/out" "$tmp/all.ics"
ics_check "the every-OS feed parses with python3-icalendar, without errors" "$tmp/all.ics" '
eq(str(cal["VERSION"]), "2.0", "VERSION")
assert "METHOD" not in cal, "no METHOD"
assert str(cal["PRODID"]).startswith("-//hotpatchd//"), cal["PRODID"]
uids = [str(e["UID"]) for e in events]
eq(len(uids), len(set(uids)), "unique UIDs")
assert len(events) > 100, len(events)
'
check "every feed line ends in CRLF and none is longer than 75 octets" python3 -c '
import sys
d = open(sys.argv[1], "rb").read()
sys.exit(0 if d.count(b"\n") == d.count(b"\r\n") and max(map(len, d.split(b"\r\n"))) <= 75 else 1)
' "$tmp/all.ics"

ctl feed --os ws2025-azure
cp "$tmp/out" "$tmp/os.ics"
ics_check "the ws2025-azure feed has June 2026 as an unplanned baseline on Patch Tuesday, all day" "$tmp/os.ics" '
ev = {str(e["UID"]).split("@")[0]: e for e in events}
june = ev["hotpatch-ws2025-azure-202606"]
eq(june.decoded("DTSTART"), datetime.date(2026, 6, 9), "DTSTART")
eq(june.decoded("DTEND"), datetime.date(2026, 6, 10), "exclusive DTEND")
s = str(june["SUMMARY"])
assert "unplanned" in s.lower() and "restart" in s.lower(), s
assert "KB5094125" in str(june["DESCRIPTION"]), june["DESCRIPTION"]
nov = ev["hotpatch-ws2025-azure-202611"]
eq(nov.decoded("DTSTART"), datetime.date(2026, 11, 10), "November Patch Tuesday")
assert "no restart" in str(nov["SUMMARY"]).lower(), nov["SUMMARY"]
assert all(str(e["UID"]).startswith(("hotpatch-ws2025-azure-", "oob-ws2025-azure-")) for e in events)
'

ctl feed --ring ring2
cp "$tmp/out" "$tmp/ring2.ics"
ics_check "the ring2 feed has timed windows in Europe/Berlin with a VTIMEZONE and a reminder" "$tmp/ring2.ics" '
tzs = [str(c["TZID"]) for c in cal.walk("VTIMEZONE")]
eq(tzs, ["Europe/Berlin"], "one VTIMEZONE, IANA TZID")
ev = {str(e["UID"]).split("@")[0]: e for e in events}
w = ev["window-ring2-win11-24h2-202612"]
# 2026-12: released Tue 12-08 18:00Z, offered +5 days = Sun 12-13 19:00 Berlin,
# deadline Tue 12-15 19:00; ring2 opens Mon-Thu 22:00 for 4h: Mon 2026-12-14 22:00 Berlin.
eq(w.decoded("DTSTART").replace(tzinfo=None), datetime.datetime(2026, 12, 14, 22, 0), "window start")
eq(str(w["DTSTART"].params["TZID"]), "Europe/Berlin", "TZID")
eq(w.decoded("DTEND").replace(tzinfo=None), datetime.datetime(2026, 12, 15, 2, 0), "window end")
alarms = [c for c in w.walk("VALARM")]
eq(len(alarms), 1, "one VALARM (ring2 asks for a 30-minute reminder)")
eq(str(alarms[0]["ACTION"]), "DISPLAY", "ACTION")
# Both OSes of ring2 get December in the same window: one event (one alarm) names both,
# under the UID win11-24h2 (the smaller id) would have alone.
assert "window-ring2-win11-25h2-202612" not in ev, "one event per window"
s = str(w["SUMMARY"])
assert s.startswith("Ring2: Windows 11 Enterprise, version 24H2 + Windows 11 Enterprise, "
                    "version 25H2 install window: "), s
assert "restart-ring2-win11-24h2-202701" in ev, "January is a baseline: a restart deadline"
assert "restart-ring2-win11-24h2-202612" not in ev, "December is a hotpatch: no restart deadline"
'

ctl feed --ring ring2
check "the same data gives the same bytes" cmp -s "$tmp/out" "$tmp/ring2.ics"
ctl feed --ring nosuch
refused "feed of an unknown ring exits 1" 1 "unknown ring 'nosuch'"
ctl feed --os nosuch
refused "feed of an unknown OS exits 1" 1 "unknown OS 'nosuch'"
run --socket "$sock" feed --os ws2025-azure --ring ring2
refused "feed with both --os and --ring is a usage error" 2 "not both"

ctl export --dir "$tmp/site"
has "export writes every feed and page" "exported" "$tmp/site"
n_rings=$(ls "$tmp/site/rings" 2>/dev/null | grep -c '\.ics$')
want_rings=$(ctl --json rings && python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["rings"]))' "$tmp/out")
[ "$n_rings" = "$want_rings" ] && ok "export has one .ics per ring ($n_rings)" ||
	not_ok "export has one .ics per ring" "got $n_rings, want $want_rings"
for f in index.html plan/index.html calendar.ics os/win11-24h2.ics rings/ring2.ics; do
	[ -s "$tmp/site/$f" ] || not_ok "export wrote $f" "missing"
done
check "the exported ring feed is the bytes hotpatchctl feed prints" cmp -s "$tmp/site/rings/ring2.ics" "$tmp/ring2.ics"
check "no temporary files are left behind" sh -c "! find '$tmp/site' -name '*.tmp.*' | grep -q ."
ctl export --dir /proc/nonexistent/x
[ $rc -eq 1 ] && grep -q "cannot create" "$tmp/err" && ok "export to a directory that cannot be made exits 1" ||
	not_ok "export to a directory that cannot be made exits 1" "exit $rc: $(cat "$tmp/err")"

# A real subscriber over HTTP: vdirsyncer's http storage into a filesystem storage.
if command -v vdirsyncer >/dev/null 2>&1 && curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
	mkdir -p "$tmp/vds/status" "$tmp/vds/cal"
	cat > "$tmp/vds/config" <<EOF2
[general]
status_path = "$tmp/vds/status/"

[pair hotpatch]
a = "local"
b = "remote"
collections = null
conflict_resolution = "b wins"

[storage local]
type = "filesystem"
path = "$tmp/vds/cal/"
fileext = ".ics"

[storage remote]
type = "http"
url = "http://127.0.0.1:$port/rings/ring2.ics"
EOF2
	want=$(grep -c '^BEGIN:VEVENT' "$tmp/ring2.ics")
	if (cd "$tmp/vds" && timeout "$(tmo 120)" vdirsyncer -c "$tmp/vds/config" discover hotpatch < /dev/null &&
	    timeout "$(tmo 120)" vdirsyncer -c "$tmp/vds/config" sync) > "$tmp/vds.log" 2>&1; then
		got=$(ls "$tmp/vds/cal" | wc -l)
		[ "$got" = "$want" ] && ok "vdirsyncer subscribes to /rings/ring2.ics and stores all $want events" ||
			not_ok "vdirsyncer stores every event" "got $got files, want $want"
	else
		not_ok "vdirsyncer subscribes to /rings/ring2.ics" "$(tail -5 "$tmp/vds.log")"
	fi
else
	skip "vdirsyncer subscribes to /rings/ring2.ics" "needs vdirsyncer and the HTTP server"
fi

stop_daemon
finish
