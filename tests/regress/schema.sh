#!/bin/sh
# regress/schema.sh: every hotpatchctl --json reply against its JSON Schema in doc/schema.
#
# The real daemon runs on a temporary directory with copies of the shipped calendar and
# ring files; the device inventory schedules/devices-example.csv is imported, months are
# published (one of them against the calendar file, a conflict), an MSRC CVRF document is
# imported, and every command runs with --json in each form that changes its reply's shape
# (options, empty and full lists, detached items after a reload, refusals that carry a
# body).  Each reply is kept and then validated by tests/schema_check.py, which shares no
# code with src/: python3-jsonschema, Draft 2020-12, formats asserted.  The validator is
# shown to fail on replies made wrong on purpose, and the command table is checked
# against the schemas: a command that hotpatchctl help lists without a row in the table
# below, a row without its schema file, a schema file no row names, or a row no reply
# was validated against, fails.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch
# Debian's python3-jsonschema lives with Debian's python, which may not be the first python3.
schemapy=python3
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import jsonschema' 2>/dev/null &&
    schemapy=/usr/bin/python3
if ! "$schemapy" -c 'import jsonschema' 2>/dev/null; then
	skip "the replies against doc/schema" "needs python3-jsonschema"
	finish
	exit
fi
SCHEMA=${top_srcdir:-.}/doc/schema
CHECK=${top_srcdir:-.}/tests/schema_check.py

# The command -> schema table: one row per reply, the command's words then its schema.
# "export socket" and "backup socket" are the daemon's own replies, which hotpatchctl
# turns into files before it prints export.json and backup.json; "error" is the body an
# error reply may carry.  A new command needs a row here and a schema file.
schema_table='
status            status.json
os list           os-list.json
calendar          calendar.json
month             month.json
next              next.json
rings             rings.json
ring show         ring-show.json
override set      override-set.json
override clear    override-clear.json
override list     override-list.json
reload            reload.json
windows           windows.json
plan              plan.json
blackout add      blackout-add.json
blackout remove   blackout-remove.json
blackout list     blackout-list.json
blackout import   blackout-import.json
feed              feed.json
export            export.json
export socket     export.socket.json
export stream     export.stream.json
backup            backup.json
backup socket     backup.socket.json
publish           publish.json
publish clear     publish-clear.json
publish list      publish-list.json
import cvrf       import-cvrf.json
devices import    devices-import.json
devices           devices.json
device show       device-show.json
fleet             fleet.json
audit             audit.json
error             error.json
'
# schema_of WORDS...: the schema of the longest command the words start with, or nothing.
schema_of() {
	printf '%s\n' "$schema_table" | awk -v line="$*" '
		NF >= 2 { cmd = $1; for (i = 2; i < NF; i++) cmd = cmd " " $i
			if ((line == cmd || index(line, cmd " ") == 1) && length(cmd) > best) {
				best = length(cmd); s = $NF } }
		END { if (s != "") print s }'
}

AT=2026-12-06T12:00:00Z
own_files
# HTTP on, so that status has a feed_url and a public_url (given with a trailing '/' and
# upper case, answered normalised); the end of the script asks a daemon without either.
start_daemon "$tmp/var" --http "127.0.0.1:$(free_port)" --public-url "HTTPS://Patch.Example.COM/hotpatch/" ||
    not_ok "the daemon starts" "$(cat "$tmp/var.log")"
mkdir "$tmp/r"
: > "$tmp/cases"
nreply=0

# keep NAME SCHEMA FILE: validate FILE against SCHEMA at the end.
keep() {
	nreply=$((nreply + 1))
	cp "$3" "$tmp/r/$nreply.json"
	printf '%s\t%s\t%s\n' "$1" "$2" "$tmp/r/$nreply.json" >> "$tmp/cases"
}

# case_of NAME FIELD: field 2 (the schema) or 3 (the file) of the case called NAME.
case_of() { awk -F '\t' -v n="$1" -v f="$2" '$1 == n { print $f; exit }' "$tmp/cases"; }

# reply NAME ARGS...: hotpatchctl --json ARGS (at $AT unless ARGS say --at) must exit 0
# with nothing on stderr; its JSON is kept for the schema of its command.
reply() {
	_rn=$1
	shift
	_rs=$(schema_of "$@")
	case " $* " in *" --at "*) ctl --json "$@" ;; *) ctl --json --at "$AT" "$@" ;; esac
	if [ $rc -ne 0 ] || [ -s "$tmp/err" ] || [ -z "$_rs" ]; then
		not_ok "$_rn: answered" "hotpatchctl --json $* exited $rc; schema '${_rs}'" \
		    "stderr: $(head -c 300 "$tmp/err")"
		return
	fi
	keep "$_rn" "$_rs" "$tmp/out"
}

# refusal NAME RC BODY ARGS...: hotpatchctl --json ARGS must exit RC with the message as
# one line on stderr.  BODY yes: stdout is the error's JSON, kept for error.json; no:
# stdout is empty, as for every error reply without a body.
refusal() {
	_rn=$1 _rrc=$2 _rbody=$3
	shift 3
	ctl --json --at "$AT" "$@"
	if [ $rc -ne "$_rrc" ] || [ "$(lines "$tmp/err")" != 1 ]; then
		not_ok "$_rn: refused" "exit $rc (want $_rrc)" "stderr: $(cat "$tmp/err")"
	elif [ "$_rbody" = yes ] && [ -s "$tmp/out" ]; then
		keep "$_rn" error.json "$tmp/out"
	elif [ "$_rbody" = no ] && ! [ -s "$tmp/out" ]; then
		ok "$_rn: refused with exit $_rrc, no body"
	else
		not_ok "$_rn: refused" "body on stdout: $_rbody (want), got $(wc -c < "$tmp/out") bytes" \
		    "stdout: $(head -c 300 "$tmp/out")"
	fi
}

# socket_reply NAME SCHEMA LINE: LINE sent by hand on the control socket must get 200; its
# body is kept for SCHEMA.
socket_reply() {
	raw_send "$sock" half "b'$3\\n'" "$tmp/raw" "$(tmo 30)"
	if replies "$tmp/raw" > "$tmp/raw.status" && sed -n 2p "$tmp/raw.status" | grep -q '^200 '; then
		keep "$1" "$2" "$tmp/raw.1"
	else
		not_ok "$1: answered" "$(cat "$tmp/raw.status")"
	fi
}

# stream_reply NAME SCHEMA LINE [HELD]: as socket_reply, for a reply whose JSON index is
# followed by the files' bytes (export --stream): the index is kept for SCHEMA once its
# sizes add up to exactly the bytes after it (none for a file marked same), and each .ics
# among them starts as a calendar does.  HELD: a held list passed with the line.
stream_reply() {
	if [ $# -ge 4 ]; then
		held_send "$sock" "$3" "$4" "$tmp/raw.held"
		{ echo "hotpatchd (held list passed)"; cat "$tmp/raw.held"; } > "$tmp/raw"
	else
		raw_send "$sock" half "b'$3\\n'" "$tmp/raw" "$(tmo 30)"
	fi
	if ! replies "$tmp/raw" > "$tmp/raw.status" || ! sed -n 2p "$tmp/raw.status" | grep -q '^200 '; then
		not_ok "$1" "$(cat "$tmp/raw.status")"
		return
	fi
	if python3 - "$tmp/raw.1" "$tmp/raw.index" > "$tmp/raw.why" 2>&1 <<'PY'
import json, sys
body = open(sys.argv[1], "rb").read()
index, end = json.JSONDecoder().raw_decode(body.decode("utf-8", "surrogateescape"))
head = len(body.decode("utf-8", "surrogateescape")[:end].encode("utf-8", "surrogateescape"))
assert body[head:head + 1] == b"\n", "no newline after the index"
at = head + 1
for f in index["files"]:
    if f.get("same"):
        at += f.get("gzip", 0)
        continue
    data = body[at:at + f["bytes"]]
    assert len(data) == f["bytes"], f["file"] + ": cut short"
    if f["file"].endswith(".ics"):
        assert data.startswith(b"BEGIN:VCALENDAR\r\n"), f["file"] + ": not a calendar"
    at += f["bytes"] + f.get("gzip", 0)
assert at == len(body), "%d bytes after the last file" % (len(body) - at)
json.dump(index, open(sys.argv[2], "w"))
PY
	then
		ok "$1: the sizes of the index add up to the bytes after it"
		keep "$1" "$2" "$tmp/raw.index"
	else
		not_ok "$1: the sizes of the index add up to the bytes after it" "$(tail -3 "$tmp/raw.why")"
	fi
}

# json_get FILE PYTHON-EXPRESSION: print the expression of the JSON j in FILE, one value a line.
json_get() {
	python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
for v in eval(sys.argv[2]): print(v)' "$1" "$2"
}

# ---- no inventory, nothing published at run time ----
reply "status, nothing at run time" status
reply "status before any month is stale" status --at 2025-02-01
reply "devices of an empty inventory" devices
reply "fleet of an empty inventory" fleet
reply "plan without devices" plan
reply "override list, none" override list
reply "publish list, none" publish list

# ---- the inventory, published months, a CVRF import ----
refusal "devices import with a bad row" 1 yes devices import "$SCHED/devices-example.csv"
reply "devices import --skip-bad" devices import "$SCHED/devices-example.csv" --skip-bad
reply "devices import --format csv --replace --skip-bad" \
	devices import "$SCHED/devices-example.csv" --format csv --replace --skip-bad
cat > "$tmp/odd.csv" <<'CSV'
name,ring,os,build,arch,vbs,chpe_disabled,edition,licensed,last_seen
ODD-NOBUILD,ring1,win11-24h2,,x64,true,,Enterprise,yes,
ODD-UNKNOWN,ring2,,10.0.99999.1,,,,,,
ODD-NOOS,ring2,win11-99h9,,,,,,,
ODD-SERVER,srv-dev,,10.0.20348.3000,x64,true,,Windows Server 2022 Datacenter: Azure Edition,yes,2026-11-30T02:00:00Z
CSV
reply "devices import of odd devices" devices import "$tmp/odd.csv"
reply "publish with every option" publish win11-24h2 2026-11 hotpatch --kb KB5130099 \
	--build 26100.9581 --date 2026-11-10 --expedited --note "published by hand"
reply "publish against the calendar file (a conflict)" publish win11-24h2 2026-06 baseline \
	--kb KB5000001 --unplanned
reply "publish with no option" publish ws2022-azure 2026-10 hotpatch
reply "import cvrf --dry-run" import cvrf "${top_srcdir:-.}/tests/data/cvrf/2026-Nov.json" --dry-run
reply "import cvrf" import cvrf "${top_srcdir:-.}/tests/data/cvrf/2026-Nov.json"
reply "import cvrf again: every month the same or kept" \
	import cvrf "${top_srcdir:-.}/tests/data/cvrf/2026-Nov.json"

# ---- every read command, in each form ----
reply "status with conflicts and run-time answers" status
reply "os list" os list
reply "calendar" calendar
reply "calendar --os --year" calendar --os win11-24h2 --year 2026
reply "calendar of a never-hotpatch OS" calendar --os win10-22h2 --year 2027
reply "calendar of a past year" calendar --year 2024
reply "month with a conflict" month 2026-06
reply "month --os" month 2026-11 --os ws2025-azure
reply "next" next
reply "next --os" next --os ws2022-azure
reply "next --ring" next --ring test
reply "next --ring --os" next --ring srv-prod --os ws2025-azure
reply "rings" rings
ctl --json --at "$AT" rings
cp "$tmp/out" "$tmp/rings.json"
for g in $(json_get "$tmp/rings.json" '[r["ring"] for r in j["rings"]]'); do
	reply "ring show $g" ring show "$g"
	reply "windows --ring $g" windows --ring "$g"
done
reply "windows --os --from --months 36" windows --ring test --os win11-25h2 --from 2026-01 --months 36
reply "plan with devices" plan
reply "plan of the next year" plan --year 2027
reply "plan of a year over: no devices" plan --year 2025
reply "plan --at-risk" plan --at-risk
reply "plan --from --months across a year end" plan --from 2026-11 --months 4
reply "plan --at-risk of a range without risks" plan --at-risk --from 2026-12 --months 1
# A what-if ring file: ring test changed (its deferral, an every-year blackout of its own),
# a ring added, a global blackout by rule with an exception.
cat > "$tmp/whatif.yaml" <<'YAML'
version: 1
rings:
  - id: test
    name: "Test"
    os: [win11-24h2, win11-25h2]
    deferral_days: 3
    deadline_days: 2
    grace_days: 1
    timezone: America/New_York
    devices: { arch: x64, vbs: true, licensed: true }
    windows:
      - days: [mon, tue, wed, thu, fri]
        start: "13:00"
        duration: 4h
    blackouts:
      - name: "spring close"
        every: year
        from: 03-28
        to: 03-31
  - id: extra
    name: "Extra"
    os: [win11-24h2]
    deferral_days: 1
    deadline_days: 2
    grace_days: 2
    timezone: UTC
    devices: { arch: x64, vbs: false, licensed: true }
    windows:
      - days: [sat]
        start: "02:00"
        duration: 4h
blackouts:
  - name: "first fridays"
    rrule: FREQ=MONTHLY;BYDAY=1FR
    from: 2027-01-01
    to: 2027-01-01
    except: [2027-02-05]
YAML
reply "plan --what-if a ring file" plan --year 2027 --what-if "$tmp/whatif.yaml"
reply "plan --set" plan --from 2026-12 --months 6 --set ring2.deferral_days=9 \
	--set ring2.devices.vbs=false --set test.timezone=Europe/Paris
mkdir "$tmp/whatif.d"
cp "$SCHED"/autopatch-default.yaml "$SCHED"/server-2025.yaml "$tmp/whatif.d/"
reply "plan --what-if a directory: rings gone" plan --what-if "$tmp/whatif.d"
refusal "plan --set of a value out of range" 1 yes plan --set ring2.deferral_days=45
refusal "plan --set of an unknown ring" 1 yes plan --set nosuch.deferral_days=9
reply "blackout list" blackout list
reply "blackout list --ring" blackout list --ring last
reply "publish list" publish list
reply "publish list --os" publish list --os win11-24h2
reply "devices" devices
reply "devices --ring --not-eligible" devices --ring ring1 --not-eligible
reply "devices --restart-in" devices --restart-in 2027-01
reply "devices --limit --offset: a middle page" devices --limit 3 --offset 3
reply "devices --offset past the end" devices --offset 1000
ctl --json --at "$AT" devices
cp "$tmp/out" "$tmp/devices.json"
for name in $(json_get "$tmp/devices.json" '[d["name"] for d in j["devices"]]'); do
	reply "device show $name" device show "$name"
done
reply "fleet" fleet
reply "fleet --from --months 36" fleet --from 2027-01 --months 36
reply "feed" feed
reply "feed --os" feed --os ws2025-azure
reply "feed --ring" feed --ring srv-prod
reply "export" export --dir "$tmp/export"
reply "export again" export --dir "$tmp/export"
reply "backup" backup "$tmp/copy.db"
socket_reply "export on the socket" export.socket.json "export --dir x --json"
stream_reply "export --stream on the socket" export.stream.json "export --dir x --stream --json"
# held: every file of the export but calendar.ics (sent whole; the others marked same)
grep -v '^#' "$tmp/export/.hotpatchd-export" | cut -f 1,2 | grep -v '^calendar\.ics	' > "$tmp/held"
stream_reply "export --stream with a held list" export.stream.json "export --dir x --stream --json" \
    "$tmp/held"
socket_reply "backup on the socket" backup.socket.json "backup x --json"

# ---- changes ----
reply "override set" override set win11-24h2 2027-03 baseline --reason "change freeze in April"
reply "override set to the month's own kind (noop)" override set win11-25h2 2027-02 hotpatch \
	--reason "hold it"
reply "override list, run time" override list
reply "override list --os" override list --os win11-24h2
reply "month with an override" month 2027-03
reply "override clear" override clear win11-24h2 2027-03
reply "blackout add" blackout add --name "board meeting" --from 2027-02-01 --to 2027-02-03
reply "blackout add --ring --kind pause" blackout add --name "pause" --from 2027-03-01 \
	--to 2027-03-20 --ring test --kind pause
reply "blackout import, timed events" blackout import "${top_srcdir:-.}/tests/ics/berlin.ics" --ring test
reply "blackout import, rules with COUNT and UNTIL" blackout import "${top_srcdir:-.}/tests/ics/count-cut.ics"
# A recurring .ics: a yearly all-day rule with an EXDATE, a weekly one in Europe/Berlin with
# an EXDATE and a RECURRENCE-ID that moves an occurrence.  Imported again: nothing changes;
# then with the moved occurrence gone and a name changed: one updated, one removed.
cp "${top_srcdir:-.}/tests/ics/rrule-exdate.ics" "$tmp/recurring.ics"
reply "blackout import of a recurring .ics" blackout import "$tmp/recurring.ics" --ring ring1
reply "blackout import of a recurring .ics again" blackout import "$tmp/recurring.ics" --ring ring1
python3 - "$tmp/recurring.ics" <<'EOF'
import re, sys
path = sys.argv[1]
text = open(path, newline="").read()
text, n = re.subn(r"BEGIN:VEVENT\r?\n(?:(?!END:VEVENT).*\r?\n)*?RECURRENCE-ID;TZID=Europe/Berlin:20260119T090000\r?\n(?:(?!END:VEVENT).*\r?\n)*?END:VEVENT\r?\n", "", text)
assert n == 1, "the moved occurrence"
text, n = re.subn(r"SUMMARY:Christmas", "SUMMARY:Christmas break", text)
assert n == 1, "the name"
open(path, "w", newline="").write(text)
EOF
reply "blackout import of a recurring .ics, changed" blackout import "$tmp/recurring.ics" --ring ring1
reply "blackout list with a recurring import" blackout list --ring ring1
reply "ring show with a recurring import" ring show ring1
reply "blackout remove --import" blackout remove --import recurring.ics --ring ring1
refusal "blackout remove --import of no such import" 1 no blackout remove --import nosuch.ics
reply "blackout list, run time" blackout list
timed=$(json_get "$tmp/out" '[b["id"] for b in j["blackouts"] if b["timed"]][:1]')
reply "blackout remove, a timed one" blackout remove "$timed"
reply "ring show with run-time blackouts" ring show test
reply "windows with a pause" windows --ring test --from 2027-02 --months 3
reply "publish clear, the file's answer back" publish clear win11-24h2 2026-06
reply "publish clear, the plan back" publish clear ws2022-azure 2026-10
reply "audit after the changes" audit
reply "audit --limit --offset: a middle page" audit --limit 2 --offset 1
reply "audit --since --until: nothing in the window" audit --since 2020-01 --until 2020-01-31

# ---- reload: detached items, a shipped override, groups; then a refusal ----
reply "override set on an OS about to leave" override set win11-26h2 2027-02 baseline --reason "leaves"
reply "blackout add on a ring about to leave" blackout add --name "goes" --from 2027-04-01 \
	--to 2027-04-02 --ring state-paused
cp "$CAL" "$tmp/calendar.orig"
cp -r "$SCHED" "$tmp/schedules.orig"
python3 - "$CAL" <<'EOF'
import re, sys
path = sys.argv[1]
text = open(path).read()
# win11-26h2 leaves the calendar (no ring names it); a shipped override arrives.
text, n = re.subn(r"\n  - id: win11-26h2\n(    .*\n|\s*#.*\n|\s*\n)*?(?=\n  # -)", "\n", text)
assert n == 1, "win11-26h2 not found"
assert "\noverrides: []" in text
text = text.replace("\noverrides: []", """
overrides:
  - os: ws2022-azure
    month: 2027-02
    kind: baseline
    reason: "an announced unplanned baseline\"""")
open(path, "w").write(text)
EOF
rm "$SCHED/state-examples.yaml"
# Global blackouts that repeat: every year (MM-DD) and by rule with an exception.
python3 - "$SCHED/autopatch-default.yaml" <<'EOF'
import sys
path = sys.argv[1]
text = open(path).read()
old = """    from: 2026-12-21
    to: 2027-01-03
"""
assert text.count(old) == 1, "the global blackout"
text = text.replace(old, old + """  - name: "spring close"
    every: year
    from: 03-28
    to: 03-31
    except: [2027-03-28]
  - name: "first fridays"
    rrule: FREQ=MONTHLY;BYDAY=1FR;COUNT=6
    from: 2027-01-01
    to: 2027-01-01
""")
open(path, "w").write(text)
EOF
# The first ring (test) lists a directory group.
sed '0,/^    timezone: America\/New_York .*$/s//&\n    groups: ["Hotpatch Test"]/' \
	"$SCHED/autopatch-default.yaml" > "$tmp/ap.yaml" && mv "$tmp/ap.yaml" "$SCHED/autopatch-default.yaml"
reply "reload with detached items" reload
reply "status with detached items" status
reply "override list: shipped and detached" override list
reply "blackout list: detached" blackout list
detached=$(json_get "$tmp/out" '[b["id"] for b in j["blackouts"] if b["detached"]]')
reply "ring show with repeating file blackouts" ring show ring2
cat > "$tmp/groups.csv" <<'CSV'
name,group,build,arch,vbs,edition,licensed
GRP-0001,Hotpatch Test,10.0.26100.8246,x64,true,Enterprise,yes
CSV
reply "devices import placed by group" devices import "$tmp/groups.csv"
reply "device show placed by group" device show GRP-0001
reply "override clear of a detached override" override clear win11-26h2 2027-02
reply "blackout remove of a detached blackout" blackout remove "$detached"
sed '0,/deferral_days: *[0-9]*/s//deferral_days: 45/' "$SCHED/autopatch-default.yaml" > "$tmp/f" &&
    mv "$tmp/f" "$SCHED/autopatch-default.yaml"
refusal "reload of a broken ring file" 1 yes reload
cp "$tmp/calendar.orig" "$CAL"
rm -rf "$SCHED" && cp -r "$tmp/schedules.orig" "$SCHED"
reply "reload back to the shipped files" reload
reply "reload of the same files" reload

# ---- errors without a body: the message is the status line, on stderr ----
refusal "unknown OS" 1 no calendar --os nope
refusal "unknown ring" 1 no ring show nope
refusal "windows of an unknown ring" 1 no windows --ring nope
refusal "OS not in the ring" 1 no windows --ring test --os ws2025-azure
refusal "override of a published month" 1 no override set win11-24h2 2026-06 hotpatch --reason x
refusal "unknown device" 1 no device show NOPE
refusal "--restart-in too far" 2 no devices --restart-in 2030-01
refusal "a range past 2500" 2 no windows --ring test --from 2500-06 --months 12
refusal "an iCalendar file that is not one" 1 no blackout import "${top_srcdir:-.}/tests/ics/garbage.ics"
refusal "publish clear of the file's answer" 1 no publish clear win11-24h2 2026-01
refusal "no such blackout" 1 no blackout remove 99999

stop_daemon || not_ok "the daemon stops cleanly" "$(tail -n 5 "$tmp/var.log")"
sock=$tmp/off/hotpatchd.sock
start_daemon "$tmp/off" || not_ok "a daemon without HTTP starts" "$(cat "$tmp/off.log")"
reply "status without HTTP" status
stop_daemon || not_ok "the daemon without HTTP stops cleanly" "$(tail -n 5 "$tmp/off.log")"

# ---- every reply against its schema ----
"$schemapy" "$CHECK" "$SCHEMA" "$tmp/cases" > "$tmp/verdicts" 2>&1 ||
    not_ok "the validator runs" "$(cat "$tmp/verdicts")"
while IFS="$(printf '\t')" read -r verdict name why; do
	case $verdict in
	ok) ok "$name: fits $(case_of "$name" 2)" ;;
	fail) not_ok "$name: fits its schema" "$why" ;;
	*) not_ok "the validator's output" "$verdict $name $why" ;;
	esac
done < "$tmp/verdicts"
check "every reply was validated" [ "$(grep -c '^ok	\|^fail	' "$tmp/verdicts")" = "$nreply" ]

# ---- the forms the replies above were run for are there ----
# form NAME PYTHON: the reply of the case NAME (as j) passes PYTHON.
form() { json_check "the reply '$1' has its form" "$(case_of "$1" 3)" "$2"; }
form "status before any month is stale" 'eq(j["stale"], [], "stale")'
form "status with conflicts and run-time answers" '
	eq(len(j["conflicts"]) > 0 and len(j["stale"]) > 0, True, "conflicts and stale")
	eq(j["published_runtime"] > 0, True, "published_runtime")
	eq(j["feed_url"].startswith("http://127.0.0.1:"), True, "feed_url")'
form "status without HTTP" 'eq(j["feed_url"], None, "feed_url")'
form "plan without devices" 'eq("devices" in j or "devices_from" in j, False, "device keys")'
form "plan with devices" 'eq(len(j["devices"]), len({r["ring"] for r in j["rings"]}), "devices")'
form "plan of a year over: no devices" 'eq("devices" in j, False, "devices")'
form "devices import with a bad row" 'eq((j["imported_any"], j["rejected"]), (False, 1), "refused")'
form "import cvrf" 'eq(sorted({m["change"] for m in j["months"]}), ["kept", "new"], "changes")'
form "import cvrf again: every month the same or kept" '
	eq(sorted({m["change"] for m in j["months"]}), ["kept", "same"], "changes")'
form "next --ring" 'eq(len(j["windows"]), 2, "windows")'
form "devices --limit --offset: a middle page" '
	eq((j["offset"], len(j["devices"]), j["next_offset"]), (3, 3, 6), "page")'
form "devices --offset past the end" 'eq((j["devices"], j["next_offset"]), ([], None), "page")'
form "device show ODD-UNKNOWN" 'eq((j["os"], j["baseline_detail"], j["months"]), (None, None, []), "no OS")'
form "override set to the month's own kind (noop)" 'eq(j["noop"], True, "noop")'
form "blackout import, rules with COUNT and UNTIL" 'eq((j["count"], j["repeating"]), (3, 3), "rules")'
form "status with conflicts and run-time answers" '
	eq(j["public_url"], "https://patch.example.com/hotpatch", "public_url")'
form "status without HTTP" 'eq(j["public_url"], None, "public_url")'
form "plan with devices" '
	eq((j["from"], j["to"], j["months"], j["year"], j["at_risk_only"]),
	    ("2026-12", "2027-11", 12, None, False), "range")'
form "plan of the next year" 'eq((j["from"], j["to"], j["year"]), ("2027-01", "2027-12", 2027), "year")'
form "plan --at-risk" '
	eq(j["at_risk_only"] and len(j["rings"]) > 0 and all(r["at_risk"] for r in j["rings"]),
	    True, "rows at risk")
	eq(sorted({k for r in j["rings"] for m in r["months"] for k in m["risks"]}) != [], True, "risks")'
form "plan --from --months across a year end" '
	eq((j["from"], j["to"], j["months"], j["year"]), ("2026-11", "2027-02", 4, None), "range")
	eq({len(r["months"]) for r in j["rings"]}, {4}, "four months a row")
	eq([m["month"] for m in j["rings"][0]["months"]], ["2026-11", "2026-12", "2027-01", "2027-02"],
	    "months")'
form "plan --what-if a ring file" '
	eq((j["what_if"]["files"], j["what_if"]["directory"], j["what_if"]["set"]),
	    (["whatif.yaml"], None, []), "what_if")
	eq(j["diff"]["rows_added"], [{"ring": "extra", "os": "win11-24h2"}], "rows_added")
	eq({(None, "blackouts"), ("test", "blackouts"), ("test", "deferral_days")} <=
	    {(s["ring"], s["key"]) for s in j["diff"]["settings"]}, True, "settings")
	eq(len(j["diff"]["cells"]) > 0, True, "cells")'
form "plan --set" '
	eq(j["what_if"]["set"], ["ring2.deferral_days=9", "ring2.devices.vbs=false",
	    "test.timezone=Europe/Paris"], "set")
	eq(sorted((s["ring"], s["key"], s["before"], s["after"]) for s in j["diff"]["settings"]),
	    [("ring2", "deferral_days", 5, 9), ("ring2", "vbs", True, False),
	     ("test", "timezone", "America/New_York", "Europe/Paris")], "settings")
	eq(j["diff"]["devices"] is not None, True, "devices")'
form "plan --what-if a directory: rings gone" '
	eq(j["what_if"]["directory"].endswith("/whatif.d"), True, "directory")
	eq(len(j["diff"]["rows_removed"]) > 0, True, "rows_removed")'
form "plan --set of a value out of range" '
	eq(j["errors"], ["--set ring2.deferral_days=45: deferral_days must be 0..30, got 45"], "errors")'
form "plan --set of an unknown ring" '
	eq(j["errors"], ["--set nosuch.deferral_days=9: unknown ring \x27nosuch\x27 (see hotpatchctl rings)"],
	    "errors")'
form "blackout import of a recurring .ics" '
	eq((j["import"], j["ring"], j["count"], j["repeating"], j["added"], j["updated"],
	    j["unchanged"], j["removed"]), ("recurring.ics", "ring1", 3, 2, 3, 0, 0, 0), "counts")
	b = {e["uid"]: e for e in j["first"] if e["occurrence"] is None}
	eq((b["xmas@test"]["repeats"], b["xmas@test"]["except"], b["xmas@test"]["timezone"]),
	    ("FREQ=YEARLY", ["2026-12-24"], None), "the yearly rule")
	eq((b["standup@test"]["timezone"], b["standup@test"]["timed"]), ("Europe/Berlin", True),
	    "the weekly rule")'
form "blackout import of a recurring .ics again" '
	eq((j["added"], j["updated"], j["unchanged"], j["removed"]), (0, 0, 3, 0), "unchanged")'
form "blackout import of a recurring .ics, changed" '
	eq((j["count"], j["added"], j["updated"], j["unchanged"], j["removed"]), (2, 0, 2, 0, 1),
	    "updated and removed")'
form "blackout remove --import" '
	eq((j["action"], j["import"], j["ring"], j["removed"]), ("remove", "recurring.ics", "ring1", 2),
	    "removed")'
form "ring show with repeating file blackouts" '
	b = {e["name"]: e for e in j["blackouts"]}
	eq((b["spring close"]["from"], b["spring close"]["repeats"], b["spring close"]["except"]),
	    ("03-28", "every year", ["2027-03-28"]), "every year")
	eq((b["first fridays"]["from"], b["first fridays"]["repeats"]),
	    ("2027-01-01", "FREQ=MONTHLY;BYDAY=1FR;COUNT=6"), "by rule")'
form "audit after the changes" '
	eq(j["stored"] > 5 and j["matched"] == j["stored"] and len(j["audit"]) == j["stored"], True,
	    "every row")
	eq([a["id"] for a in j["audit"]] == sorted((a["id"] for a in j["audit"]), reverse=True),
	    True, "latest first")
	eq({"blackout import", "publish", "override set"} <= {a["action"] for a in j["audit"]}, True,
	    "actions")'
form "audit --limit --offset: a middle page" '
	eq((j["offset"], len(j["audit"]), j["next_offset"]), (1, 2, 3), "page")'
form "audit --since --until: nothing in the window" '
	eq((j["matched"], j["audit"], j["since"], j["until"]),
	    (0, [], "2020-01-01T00:00:00Z", "2020-02-01T00:00:00Z"), "window")'
form "reload with detached items" 'eq(sorted(d["type"] for d in j["detached"]), ["blackout", "override"], "detached")'
form "override list: shipped and detached" '
	eq(sorted({(o["origin"], o["detached"]) for o in j["overrides"]}),
	    [("runtime", False), ("runtime", True), ("shipped", False)], "overrides")'
form "blackout list: detached" 'eq(any(b["detached"] for b in j["blackouts"]), True, "detached")'
form "device show placed by group" 'eq(j["ring_from"], "group", "ring_from")'
form "override clear of a detached override" 'eq(j["after"], {"kind": "none", "source": "detached"}, "after")'
form "reload of a broken ring file" 'eq(len(j["errors"]), 1, "errors")'
form "reload back to the shipped files" 'eq(j["changed"], True, "changed")'
form "reload of the same files" 'eq((j["changed"], j["detached"]), (False, []), "changed, detached")'

# ---- the validator fails on a wrong reply ----
# wrong NAME SCHEMA FILE WANT PYTHON: the reply in FILE changed by PYTHON (j is the
# document) must not fit SCHEMA, and the reason must contain WANT (its place and cause).
wrong() {
	python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
exec(sys.argv[2])
json.dump(j, open(sys.argv[3], "w"))' "$3" "$5" "$tmp/wrong.json"
	if out=$("$schemapy" "$CHECK" "$SCHEMA" "$2" "$tmp/wrong.json" 2>&1); then
		not_ok "a wrong reply fails: $1" "it fits $2"
	elif printf '%s\n' "$out" | grep -qF -- "$4"; then
		ok "a wrong reply fails: $1"
	else
		not_ok "a wrong reply fails: $1" "want a reason with: $4" "got: $out"
	fi
}
first() { case_of "$1" 3; }
st=$(first "status with conflicts and run-time answers")
wrong "a key added" status.json "$st" "'surprise' was unexpected" 'j["surprise"] = 1'
wrong "a key missing" status.json "$st" "'uptime' is a required property" 'del j["uptime"]'
wrong "a count as a string" status.json "$st" '$.rings: ' 'j["rings"] = str(j["rings"])'
wrong "a conflict's differs empty" status.json "$st" '$.conflicts[0].differs' \
	'j["conflicts"][0]["differs"] = []'
win=$(first "windows --ring test")
wrong "an instant without its T and Z" windows.json "$win" '$.windows[1].release_at' \
	'j["windows"][1]["release_at"] = j["windows"][1]["release_at"].replace("T", " ").rstrip("Z")'
wrong "a status not in the enum" windows.json "$win" "'maybe' is not one of" \
	'j["windows"][0]["status"] = "maybe"'
wrong "a restart deadline without a restart" windows.json "$win" '$.windows[0].restart_deadline' \
	'w = [w for w in j["windows"] if w["restart"]][0]; w["restart"] = False; j["windows"] = [w]'
wrong "a state that does not exist" windows.json "$win" '$.windows[0].state' \
	'j["windows"][0]["state"] = "unknown"'
mo=$(first "month with a conflict")
wrong "a month 13, through common.json" month.json "$mo" '$.os[0].month' \
	'j["os"][0]["month"] = "2026-13"'
wrong "a published month without its provenance" month.json "$mo" '$.os[0].published' \
	'r = [r for r in j["os"] if r["source"] == "published"][0]; r["published"] = None; j["os"] = [r]'
cal=$(first "calendar --os --year")
wrong "a day that does not exist (format)" calendar.json "$cal" "'2026-02-30' is not a 'date'" \
	'j["out_of_band"][0]["date"] = "2026-02-30"'
wrong "eleven months of one OS" calendar.json "$cal" '$.months' 'j["months"].pop()'
pl=$(first "plan with devices")
wrong "devices without devices_from" plan.json "$pl" "'devices_from' is a dependency of 'devices'" \
	'del j["devices_from"]'
wrong "a plan row of eleven months in a year" plan.json "$(first "plan of the next year")" \
	'$.rings[0].months' 'j["rings"][0]["months"].pop()'
wrong "a plan of a year with thirteen months" plan.json "$(first "plan of the next year")" '$.months' \
	'j["months"] = 13'
wrong "a risk that does not exist" plan.json "$(first "plan --at-risk")" "'unknown' is not one of" \
	'[m for r in j["rings"] for m in r["months"] if m["risks"]][0]["risks"] = ["unknown"]'
wrong "a row at risk without a risk" plan.json "$(first "plan --at-risk")" '$.rings[0]' \
	'r = j["rings"][0]; [m.update(risks=[]) for m in r["months"]]; j["rings"] = [r]'
wrong "a diff without what_if" plan.json "$(first "plan --set")" "'what_if' is a dependency of 'diff'" \
	'del j["what_if"]'
wrong "a setting of a wrong type" plan.json "$(first "plan --set")" '$.diff.settings' \
	'[s for s in j["diff"]["settings"] if s["key"] == "deferral_days"][0]["after"] = "9"'
wrong "an every-year blackout with a full date" ring-show.json \
	"$(first "ring show with repeating file blackouts")" '$.blackouts' \
	'[b for b in j["blackouts"] if b["repeats"] == "every year"][0]["from"] = "2027-03-28"'
wrong "an imported blackout without its UID" blackout-import.json \
	"$(first "blackout import of a recurring .ics")" '$.first[0]' 'j["first"][0]["uid"] = None'
wrong "an audit row of a read command" audit.json "$(first "audit after the changes")" \
	"'status' is not one of" 'j["audit"][0]["action"] = "status"'
dv=$(first "device show TEST-0001")
wrong "a device's VBS as a boolean" device-show.json "$dv" '$.vbs' 'j["vbs"] = True'
wrong "a KB without KB" publish.json "$(first "publish with every option")" '$.after.kb' \
	'j["after"]["kb"] = "5130099"'
printf 'not JSON\n' > "$tmp/notjson"
if out=$("$schemapy" "$CHECK" "$SCHEMA" status.json "$tmp/notjson" 2>&1); then
	not_ok "a reply that is not JSON fails" "it fits"
else
	check "a reply that is not JSON fails, saying so" expr "$out" : 'not JSON' > /dev/null
fi
if "$schemapy" "$CHECK" "$SCHEMA" status.json "$st" > "$tmp/py" 2>&1; then
	ok "the reply the wrong ones were made of fits"
else
	not_ok "the reply the wrong ones were made of fits" "$(cat "$tmp/py")"
fi

# ---- the schemas and the command table ----
if "$schemapy" "$CHECK" "$SCHEMA" --check > "$tmp/py" 2>&1; then
	ok "every schema is valid Draft 2020-12 and every \$ref resolves"
else
	not_ok "every schema is valid Draft 2020-12 and every \$ref resolves" "$(cat "$tmp/py")"
fi
# The commands hotpatchctl help lists: the words before the first that is not a-z.
run help
# A command's line is two spaces, its usage, two spaces or more, its summary.
sed -n '/^commands:/,/^$/p' "$tmp/out" | awk '/^  [a-z]/ {
	sub(/^  /, ""); sub(/  .*/, ""); n = split($0, w, " ")
	cmd = ""; for (i = 1; i <= n && w[i] ~ /^[a-z]+$/; i++) cmd = cmd (cmd == "" ? "" : " ") w[i]
	print cmd }' > "$tmp/commands"
check "hotpatchctl help lists the commands" [ "$(lines "$tmp/commands")" -ge 28 ]
missing=
while read -r c; do
	[ -n "$(printf '%s\n' "$schema_table" | awk -v c="$c" 'NF >= 2 {
		cmd = $1; for (i = 2; i < NF; i++) cmd = cmd " " $i; if (cmd == c) print }')" ] ||
	    missing="$missing [$c]"
done < "$tmp/commands"
check "every command has a row in the schema table${missing:+: missing$missing}" [ -z "$missing" ]
unused=
for s in $(printf '%s\n' "$schema_table" | awk 'NF >= 2 { print $NF }'); do
	[ -f "$SCHEMA/$s" ] || unused="$unused [no file $s]"
	grep -q "	$s	" "$tmp/cases" || unused="$unused [no reply validated against $s]"
done
for f in "$SCHEMA"/*.json; do
	s=${f##*/}
	[ "$s" = common.json ] || printf '%s\n' "$schema_table" | awk '{ print $NF }' | grep -qxF "$s" ||
	    unused="$unused [$s in no row]"
done
check "every row has its schema, validated, and every schema a row${unused:+:$unused}" [ -z "$unused" ]

finish
