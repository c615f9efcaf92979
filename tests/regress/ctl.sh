#!/bin/sh
# regress/ctl.sh: hotpatchctl against a running hotpatchd, driving the real binaries:
# every command with answers worked out from the calendar facts (not from the program),
# every exit code, overrides and who may make them, reload, and the daemon's life cycle.
# The malformed-protocol and connection-limit tests are in proto.sh.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch
# These tests know the Autopatch default rings by heart: run on that file alone.
mkdir "$tmp/autopatch"
cp "$SCHED/autopatch-default.yaml" "$tmp/autopatch/"
SCHED=$tmp/autopatch

version=$(sed -n 's/^AC_INIT(\[hotpatchd\], \[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")

# wait_gone PID: wait for a process that is not our child to exit.
wait_gone() { wait_until dead "$1"; }

# ---------------------------------------------------------------------------
# Usage errors are caught by the client before it connects: exit 2 with no daemon running.

nosock=$tmp/nodaemon.sock
for args in "month 2026-13" "bogus" "calendar --year abc" \
    "override set ws2022-azure 2026-09 baseline" "month 2026-10 2026-11" "status extra" \
    "month 2026-10 --os" "next --at yesterday" ""; do
	# shellcheck disable=SC2086
	run --socket "$nosock" $args
	refused "usage error '${args:-(no command)}' exits 2 before connecting" 2 "hotpatchctl: "
done
run --socket "$nosock" override set ws2022-azure 2026-09 baseline --reason ""
refused "an empty --reason is a usage error" 2 "--reason"

run --socket "$nosock" help
has "hotpatchctl help exits 0 and lists the commands" "usage: hotpatchctl" "month YYYY-MM" \
    "override set" "reload"
run --socket "$nosock" month --help
has "hotpatchctl month --help exits 0 with the usage of month" "usage: hotpatchctl" "month YYYY-MM"
grep -qxF "  --os ID                one OS only (hotpatchctl os list)" "$tmp/out" &&
    ! grep -q "override set" "$tmp/out" &&
	ok "month --help shows only month's usage" ||
	not_ok "month --help shows only month's usage" "$(cat "$tmp/out")"

run --socket /nonexistent/hotpatchd.sock status
refused "no daemon at --socket exits 3" 3 "/nonexistent/hotpatchd.sock"
run --socket "$nosock" status
refused "a socket path with nothing behind it exits 3" 3 "cannot reach"

# ---------------------------------------------------------------------------
# Every read command, with answers from the calendar facts.

start_daemon "$tmp/var" || not_ok "the daemon starts" "$(cat "$tmp/var.log")"

jcheck "month 2026-10 for win11-24h2 is a planned baseline (restart, 17:00Z)" '
	eq(j["month"], "2026-10", "month")
	eq(len(j["os"]), 1, "rows")
	r = j["os"][0]
	eq((r["os"], r["month"], r["kind"], r["source"], r["restart"], r["unplanned"]),
	   ("win11-24h2", "2026-10", "baseline", "planned", True, False), "row")
	eq(r["patch_tuesday"], second_tuesday(2026, 10), "patch_tuesday")
	eq(r["release_at"], release_at(2026, 10), "release_at")
	eq(r["release_at"], "2026-10-13T17:00:00Z", "release_at")
	eq((r["kb"], r["build"], r["override"]), (None, None, None), "kb, build, override")
' month 2026-10 --os win11-24h2

jcheck "month 2026-11 for win11-24h2 is a planned hotpatch (no restart, 18:00Z after DST)" '
	r = j["os"][0]
	eq(len(j["os"]), 1, "rows")
	eq((r["os"], r["kind"], r["source"], r["restart"]), ("win11-24h2", "hotpatch", "planned", False), "row")
	eq(r["release_at"], release_at(2026, 11), "release_at")
	eq(r["release_at"], "2026-11-10T18:00:00Z", "release_at")
' month 2026-11 --os win11-24h2

# June 2026: an unplanned baseline published for Windows 11 and Server 2025 (KBs from the
# facts); Server 2022 has nothing published, so the planned hotpatch stands. 26H2 is
# before its planned hotpatch_start (2026-10), and the three OSes that never get
# hotpatch plan an LCU: all four a planned LCU with a restart.
jcheck "month 2026-06: unplanned published baselines, but a planned hotpatch for ws2022-azure" '
	want = {
	    "win11-24h2":   ("baseline", True,  "published", True,  "KB5094126"),
	    "win11-25h2":   ("baseline", True,  "published", True,  "KB5094126"),
	    "ws2025-azure": ("baseline", True,  "published", True,  "KB5094125"),
	    "ws2025-arc":   ("baseline", True,  "published", True,  "KB5094125"),
	    "ws2022-azure": ("hotpatch", False, "planned",   False, None),
	    "win11-26h2":   ("lcu",      False, "planned",   True,  None),
	    "win11-23h2":   ("lcu",      False, "planned",   True,  None),
	    "win11-26h1":   ("lcu",      False, "planned",   True,  None),
	    "win10-22h2":   ("lcu",      False, "planned",   True,  None),
	}
	eq(sorted(r["os"] for r in j["os"]), sorted(want), "OSes")
	for r in j["os"]:
	    eq((r["kind"], r["unplanned"], r["source"], r["restart"], r["kb"]), want[r["os"]], r["os"])
	    eq(r["release_at"], release_at(2026, 6), r["os"] + " release_at")
	    eq(r["release_at"], "2026-06-09T17:00:00Z", r["os"] + " release_at")
' month 2026-06

ctl month 2026-06
has "month 2026-06 as text marks the unplanned baselines and the planned month" \
    "baseline*" "hotpatch~" "KB5094125" "KB5094126" "2026-06-09 17:00"

jcheck "next --at 2026-11-20 is 2026-12, released 2026-12-08T18:00:00Z, for every OS" '
	eq(len(j["releases"]), 9, "rows")
	eq(release_at(2026, 12), "2026-12-08T18:00:00Z", "computed release")
	for r in j["releases"]:
	    eq((r["month"], r["release_at"]), ("2026-12", "2026-12-08T18:00:00Z"), r["os"])
' next --at 2026-11-20

jcheck "next one minute before the June 2026 release (17:00Z) is June" '
	eq(len(j["releases"]), 9, "rows")
	for r in j["releases"]:
	    eq((r["month"], r["release_at"]), ("2026-06", release_at(2026, 6)), r["os"])
	eq(release_at(2026, 6), "2026-06-09T17:00:00Z", "computed release")
' next --at 2026-06-09T16:59:00Z

jcheck "next at the June 2026 release instant is July" '
	eq(len(j["releases"]), 9, "rows")
	for r in j["releases"]:
	    eq((r["month"], r["release_at"]), ("2026-07", release_at(2026, 7)), r["os"])
' next --at 2026-06-09T17:00:00Z

jcheck "next --os ws2022-azure answers one OS" '
	eq([(r["os"], r["month"]) for r in j["releases"]], [("ws2022-azure", "2026-12")], "rows")
' next --os ws2022-azure --at 2026-11-20

# 2027: nothing published, so every OS follows the plan; US DST 2027 runs Mar 14 - Nov 7.
# 9 OSes x 12 months; the three that never get hotpatch plan an LCU every month.
jcheck "calendar 2027: 108 rows, Patch Tuesdays 2027-01-12..2027-12-14, 18:00Z outside DST, 17:00Z in it" '
	never = ("win11-23h2", "win11-26h1", "win10-22h2")
	rows = j["months"]
	eq(len(rows), 108, "rows")
	eq(len(set(r["os"] for r in rows)), 9, "OSes")
	eq(second_tuesday(2027, 1), "2027-01-12", "computed first Patch Tuesday")
	eq(second_tuesday(2027, 12), "2027-12-14", "computed last Patch Tuesday")
	for r in rows:
	    y, m = map(int, r["month"].split("-"))
	    eq(y, 2027, "year")
	    eq(r["patch_tuesday"], second_tuesday(y, m), r["os"] + " " + r["month"])
	    eq(r["release_at"], release_at(y, m), r["os"] + " " + r["month"])
	    hour = "18" if m in (1, 2, 3, 11, 12) else "17"
	    eq(r["release_at"], r["patch_tuesday"] + "T" + hour + ":00:00Z", r["os"] + " " + r["month"])
	    kind = "lcu" if r["os"] in never else "baseline" if m in (1, 4, 7, 10) else "hotpatch"
	    eq((r["kind"], r["source"], r["restart"]), (kind, "planned", kind != "hotpatch"),
	       r["os"] + " " + r["month"])
	months = sorted(set(r["month"] for r in rows))
	eq(months, ["2027-%02d" % m for m in range(1, 13)], "months")
' calendar --year 2027

jcheck "calendar ws2025-azure 2026: each month as published or planned, and the OOBs KB5078135 and KB5091157" '
	# month: (kind, source, unplanned) from data/calendar.yaml, written out by hand
	want = {1: ("baseline", "published", False), 2: ("hotpatch", "published", False),
	        3: ("hotpatch", "published", False), 4: ("baseline", "published", False),
	        5: ("hotpatch", "published", False), 6: ("baseline", "published", True),
	        7: ("baseline", "planned", False), 8: ("hotpatch", "published", False),
	        9: ("baseline", "published", True), 10: ("baseline", "planned", False),
	        11: ("hotpatch", "planned", False), 12: ("hotpatch", "planned", False)}
	rows = j["months"]
	eq(len(rows), 12, "rows")
	for r in rows:
	    m = int(r["month"][5:])
	    eq(r["os"], "ws2025-azure", "os")
	    eq((r["kind"], r["source"], r["unplanned"]), want[m], r["month"])
	    eq(r["restart"], want[m][0] == "baseline", r["month"] + " restart")
	    eq(r["release_at"], release_at(2026, m), r["month"] + " release_at")
	oob = j["out_of_band"]
	eq([(o["os"], o["date"], o["kb"], o["restart"]) for o in oob],
	   [("ws2025-azure", "2026-01-24", "KB5078135", True),
	    ("ws2025-azure", "2026-04-19", "KB5091157", True)], "out_of_band")
' calendar --os ws2025-azure --year 2026

ctl calendar --os ws2025-azure --year 2026
has "calendar ws2025-azure 2026 as text shows the OOB release with its restart" \
    "2026-09" "KB5091157" "2026-04-19"

jcheck "os list has the nine OS ids, three that never get hotpatch, and the known build floors" '
	eq(sorted(o["os"] for o in j["os"]),
	   sorted(["win11-24h2", "win11-25h2", "ws2025-azure", "ws2025-arc", "ws2022-azure",
	           "win11-26h2", "win11-23h2", "win11-26h1", "win10-22h2"]), "ids")
	by = dict((o["os"], o) for o in j["os"])
	for i in ("win11-23h2", "win11-26h1", "win10-22h2"):
	    eq((by[i]["hotpatch"], by[i]["hotpatch_start"], by[i]["baseline_months"]),
	       ("never", None, []), i)
	eq((by["win11-26h2"]["hotpatch"], by["win11-26h2"]["hotpatch_start"]), ("calendar", "2026-10"), "26h2")
	eq((by["win11-24h2"]["min_build"], by["ws2025-arc"]["min_build"], by["ws2022-azure"]["min_build"]),
	   ("26100.2033", "26100.1742", None), "min_build")
' os list
ctl os list
has "os list as text names every OS, and never for those without hotpatch" win11-24h2 win11-25h2 \
    ws2025-azure ws2025-arc ws2022-azure win11-26h2 win10-22h2 never

schema=$(sed -n 's/^#define STORE_SCHEMA_VERSION //p' "${top_srcdir:-.}/src/store.h")
jcheck "status: version from configure.ac, schema $schema (src/store.h), 9 OSes, 5 rings" "
	eq(j['version'], '$version', 'version')
	eq(j['protocol'], 1, 'protocol')
	eq(j['schema'], $schema, 'schema')
	eq(j['os'], 9, 'os count')
	eq(j['rings'], 5, 'ring count')
	eq(j['database'], '$db', 'database')
" status
ctl status
has "status as text shows the version and the database" "$version" "$db"

jcheck "rings: the five Autopatch rings with deferral 0/1/5/9/10, deadline 0/2/2/5/3, grace 0/2/2/2/2" '
	got = [(g["ring"], g["deferral_days"], g["deadline_days"], g["grace_days"]) for g in j["rings"]]
	eq(got, [("test", 0, 0, 0), ("ring1", 1, 2, 2), ("ring2", 5, 2, 2), ("ring3", 9, 5, 2),
	         ("last", 10, 3, 2)], "rings")
' rings
ctl rings
has "rings as text lists every ring" test ring1 ring2 ring3 last

jcheck "ring show ring2: settings, its one window and only the global year-end freeze" '
	eq((j["ring"], j["deferral_days"], j["deadline_days"], j["grace_days"], j["timezone"]),
	   ("ring2", 5, 2, 2, "Europe/Berlin"), "settings")
	eq(sorted(j["os"]), ["win11-24h2", "win11-25h2"], "os")
	eq(len(j["windows"]), 1, "windows")
	w = j["windows"][0]
	eq((w["type"], w["start_min"], w["duration_min"]), ("weekly", 22 * 60, 4 * 60), "window")
	for d in ("Mon", "Tue", "Wed", "Thu"):
	    assert d in w["text"], "window text %r lacks %s" % (w["text"], d)
	eq([(b["name"], b["from"], b["to"], b["global"]) for b in j["blackouts"]],
	   [("year-end freeze", "2026-12-21", "2027-01-03", True)], "blackouts")
' ring show ring2
ctl ring show ring2
has "ring show ring2 as text shows the window and the year-end freeze" \
    "ring2" "Europe/Berlin" "22:00" "2026-12-21" "2027-01-03" "year-end freeze"

# ---------------------------------------------------------------------------
# Exit codes with the daemon running.

ctl month 2026-10 --os win10
refused "an unknown OS is a daemon error (404): exit 1, one line on stderr" 1 "win10"
ctl ring show nosuch
refused "ring show of an unknown ring exits 1" 1 "nosuch"
ctl --json month 2026-10 --os win10
refused "with --json an error is still one line on stderr and exit 1" 1 "win10"
ctl month 2026-13
refused "a usage error exits 2 with the daemon running too" 2 "2026-13"
ctl bogus
refused "an unknown command exits 2" 2 "bogus"

# ---------------------------------------------------------------------------
# Overrides, with who/when/why, the audit table, and a restart.

me="uid $(id -u) ($(id -un))"
# Asked once before the change, so the daemon has kept that reply (commands.c): the same
# request line after the override must answer from the new data, not the kept reply.
jcheck "before the override, month 2026-09 for ws2022-azure is hotpatch, planned" '
	r = j["os"][0]
	eq((r["kind"], r["source"]), ("hotpatch", "planned"), "row")
' month 2026-09 --os ws2022-azure
ctl override set ws2022-azure 2026-09 baseline --reason "zero-day fix"
answered "override set ws2022-azure 2026-09 baseline exits 0"
jcheck "after the override, month 2026-09 for ws2022-azure is baseline from source override" '
	r = j["os"][0]
	eq((r["os"], r["kind"], r["source"], r["restart"]), ("ws2022-azure", "baseline", "override", True), "row")
	eq(r["override"]["reason"], "zero-day fix", "override reason")
' month 2026-09 --os ws2022-azure
now=$(date -u +%s)
jcheck "override list shows who, when, why and origin runtime" "
	import datetime
	o = [x for x in j['overrides'] if (x['os'], x['month']) == ('ws2022-azure', '2026-09')]
	eq(len(o), 1, 'matching overrides')
	o = o[0]
	eq((o['kind'], o['origin'], o['reason'], o['who']), ('baseline', 'runtime', 'zero-day fix', '$me'), 'override')
	at = datetime.datetime.strptime(o['at'], '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=datetime.timezone.utc)
	assert abs(at.timestamp() - $now) < 60, 'at %s is not now' % o['at']
" override list
a=$(sqlite3 "$db" "SELECT uid || '|' || command || '|' || result FROM audit WHERE args LIKE '%ws2022-azure 2026-09 baseline%zero-day fix%';")
[ "$a" = "$(id -u)|override set|ok" ] && ok "the audit table has the override with uid, command and result" ||
	not_ok "the audit table has the override with uid, command and result" "got: $a" \
	    "$(sqlite3 "$db" 'SELECT * FROM audit;')"

stop_daemon
rc=$?
start_daemon "$tmp/var"
[ $rc -eq 0 ] && ok "the daemon stops with exit 0 on SIGTERM" || not_ok "the daemon stops with exit 0 on SIGTERM" "exit $rc"
jcheck "the override survives a daemon restart" '
	r = j["os"][0]
	eq((r["kind"], r["source"]), ("baseline", "override"), "ws2022-azure 2026-09")
' month 2026-09 --os ws2022-azure

ctl override set ws2025-azure 2026-06 baseline --reason "published already"
refused "an override of a published month is a conflict (409): exit 1" 1 "published"
# A newline in a word would end the request line early and start a second request.
ctl override set ws2022-azure 2026-09 baseline --reason "$(printf 'x"\noverride set ws2022-azure 2026-10 lcu --reason y')"
smuggle_rc=$rc
ctl --json override list --os ws2022-azure
if [ $smuggle_rc -eq 2 ] && [ $rc -eq 0 ]; then
	json_check "a --reason with a newline is refused by the client and smuggles no second request" "$tmp/out" '
	eq([(o["month"], o["reason"]) for o in j["overrides"]], [("2026-09", "zero-day fix")], "ws2022-azure overrides")'
else
	not_ok "a --reason with a newline is refused by the client and smuggles no second request" \
	    "exit $smuggle_rc (want 2); override list exit $rc"
fi
# Undo whatever got through, so the tests below start from the same state.
ctl override clear ws2022-azure 2026-10
ctl override set ws2022-azure 2026-08 hotpatch --reason 'quote " and back\slash, spaces'
answered "a --reason with spaces, a quote and a backslash is accepted"
jcheck "the reason comes back byte for byte" '
	o = [x for x in j["overrides"] if x["month"] == "2026-08"]
	eq([x["reason"] for x in o], ["quote \" and back\\slash, spaces"], "reason")
' override list --os ws2022-azure
ctl override clear ws2022-azure 2026-08

ctl override clear ws2022-azure 2026-09
answered "override clear exits 0"
jcheck "after the clear, ws2022-azure 2026-09 is the planned hotpatch again" '
	r = j["os"][0]
	eq((r["kind"], r["source"], r["restart"], r["override"]), ("hotpatch", "planned", False, None), "row")
' month 2026-09 --os ws2022-azure
ctl override clear ws2022-azure 2026-09
refused "clearing an override that is not there exits 1" 1 "ws2022-azure"
a=$(sqlite3 "$db" "SELECT count(*) FROM audit WHERE command = 'override clear' AND uid = $(id -u);")
[ "$a" -ge 1 ] && ok "the clear is in the audit table" || not_ok "the clear is in the audit table" "count $a"

ctl reload
answered "reload with the shipped files exits 0"

# ---------------------------------------------------------------------------
# A peer that is not an admin: read commands only.  Needs root to become nobody.

if root_or_skip "read commands work for a non-admin peer" \
    "override set by a non-admin: exit 1, permission denied" \
    "override clear by a non-admin: exit 1, permission denied" \
    "reload by a non-admin: exit 1, permission denied" "a non-admin changed nothing in the database"; then
	stop_daemon
	chmod 755 "$tmp"
	mkdir -m 755 "$tmp/nb"
	cp "$HOTPATCHCTL" "$tmp/hotpatchctl"
	chmod 755 "$tmp/hotpatchctl"
	printf 'version: 1\nsocket: {mode: "0666"}\n' > "$tmp/nb.yaml"
	start_daemon "$tmp/nb" -c "$tmp/nb.yaml" || not_ok "the daemon starts with socket mode 0666" "$(cat "$tmp/nb.log")"
	nbdb=$tmp/nb/hotpatchd.db
	sqlite3 "$nbdb" .dump > "$tmp/nb.before"
	# as_nobody ARGS...: the client as nobody, no groups.
	become_nobody=$(nobody_cmd)
	as_nobody() {
		# shellcheck disable=SC2086
		timeout "$(tmo 60)" $become_nobody "$tmp/hotpatchctl" --socket "$tmp/nb/hotpatchd.sock" "$@" \
		    > "$tmp/out" 2> "$tmp/err"
		rc=$?
	}
	bad=
	for args in "status" "month 2026-10 --os win11-24h2" "override list" "rings" "--json calendar --year 2027"; do
		# shellcheck disable=SC2086
		as_nobody $args
		[ $rc -eq 0 ] && [ -s "$tmp/out" ] && ! [ -s "$tmp/err" ] || bad="$bad [$args: exit $rc $(cat "$tmp/err")]"
	done
	[ -z "$bad" ] && ok "read commands work for a non-admin peer" || not_ok "read commands work for a non-admin peer" "$bad"
	as_nobody override set ws2022-azure 2026-09 baseline --reason "not mine to set"
	refused "override set by a non-admin: exit 1, permission denied" 1 "permission denied"
	as_nobody override clear ws2022-azure 2026-09
	refused "override clear by a non-admin: exit 1, permission denied" 1 "permission denied"
	as_nobody reload
	refused "reload by a non-admin: exit 1, permission denied" 1 "permission denied"
	sqlite3 "$nbdb" .dump > "$tmp/nb.after"
	cmp -s "$tmp/nb.before" "$tmp/nb.after" && ok "a non-admin changed nothing in the database" ||
		not_ok "a non-admin changed nothing in the database" "$(diff "$tmp/nb.before" "$tmp/nb.after" | head -n 5)"
	stop_daemon
	start_daemon "$tmp/var"
fi

# ---------------------------------------------------------------------------
# Reload: a broken ring file is refused precisely and the running rings stay; SIGHUP.

stop_daemon
edit_schedules "$tmp/sched"
start_daemon "$tmp/rl" --schedules "$tmp/sched" || not_ok "the daemon starts on the copied schedules" "$(cat "$tmp/rl.log")"
sock=$tmp/rl/hotpatchd.sock
test_deferral() {
	ctl --json rings
	python3 -c 'import json, sys; print([g["deferral_days"] for g in json.load(open(sys.argv[1]))["rings"] if g["ring"] == "test"][0])' \
	    "$tmp/out" 2>/dev/null </dev/null
}
set_deferral 45
ctl reload
want="$f:$line:$col: deferral_days must be 0..30, got 45"
if [ $rc -eq 1 ] && ! [ -s "$tmp/out" ] && grep -qxF -- "$want" "$tmp/err"; then
	ok "reload of a broken ring file exits 1 with the file:line:column error"
else
	not_ok "reload of a broken ring file exits 1 with the file:line:column error" "exit $rc" \
	    "stderr: $(cat "$tmp/err")" "want line: $want"
fi
d=$(test_deferral)
[ "$d" = 0 ] && ok "after the refused reload the daemon answers with the old deferral" ||
	not_ok "after the refused reload the daemon answers with the old deferral" "test deferral: $d (want 0)"
ctl --json reload
# With --json the body is for programs: it goes to stdout even on an error.
if [ $rc -eq 1 ] && grep -q '^hotpatchctl: ' "$tmp/err"; then
	json_check "--json reload of a broken file gives {\"errors\": [...]} with the error" "$tmp/out" "
	eq(j, {'errors': ['$want']}, 'body')
"
else
	not_ok "--json reload of a broken file gives {\"errors\": [...]} with the error" "exit $rc (want 1)"
fi
set_deferral 3
ctl reload
answered "reload after fixing the file exits 0"
d=$(test_deferral)
[ "$d" = 3 ] && ok "after the reload the daemon answers the new deferral" ||
	not_ok "after the reload the daemon answers the new deferral" "test deferral: $d (want 3)"
set_deferral 4
kill -HUP "$daemon_pid"
wait_until gives 4 test_deferral
d=$(test_deferral)
[ "$d" = 4 ] && ok "SIGHUP reloads the files" || not_ok "SIGHUP reloads the files" "test deferral: $d (want 4)"
set_deferral 45
kill -HUP "$daemon_pid"
wait_until grep -qF -- "$want" "$tmp/rl.log"
d=$(test_deferral)
if alive "$daemon_pid" && [ "$d" = 4 ] && grep -qF -- "$want" "$tmp/rl.log"; then
	ok "SIGHUP with a broken file logs the error and keeps the running rings"
else
	not_ok "SIGHUP with a broken file logs the error and keeps the running rings" "test deferral: $d (want 4)" \
	    "log: $(tail -n 3 "$tmp/rl.log")"
fi
stop_daemon
sock=$tmp/var/hotpatchd.sock

# ---------------------------------------------------------------------------
# Life cycle: one daemon per database and per socket, kill -9, SIGTERM, detaching.

start_daemon "$tmp/var"
first=$daemon_pid
# second_refused NAME TEXT ARGS...: a second hotpatchd -f with ARGS exits 1 saying TEXT.
second_refused() {
	_n=$1 _text=$2
	shift 2
	timeout "$(tmo 60)" "$HOTPATCHD" -f "$@" --calendar "$CAL" --schedules "$SCHED" --http off \
	    > "$tmp/second.out" 2>&1
	rc=$?
	if [ $rc -eq 1 ] && grep -q "$_text" "$tmp/second.out"; then
		ok "$_n"
	else
		not_ok "$_n" "exit $rc" "$(cat "$tmp/second.out")"
	fi
}
second_refused "a second daemon on the same state dir refuses to start (exit 1, 'in use')" \
    "in use" --state-dir "$tmp/var"
second_refused "a second daemon with another db on the same socket refuses ('already listening')" \
    "already listening" --state-dir "$tmp/other" --socket "$sock"
ctl status
if [ $rc -eq 0 ] && alive "$first"; then
	ok "the first daemon still serves after both refusals"
else
	not_ok "the first daemon still serves after both refusals" "exit $rc" "$(cat "$tmp/err")"
fi

ctl override set ws2022-azure 2026-11 baseline --reason "before kill -9"
kill -KILL "$daemon_pid"
wait "$daemon_pid" 2>/dev/null
daemon_pid=
[ -S "$sock" ] && ok "kill -9 leaves a stale socket behind" || not_ok "kill -9 leaves a stale socket behind" "no socket"
ctl status
refused "a stale socket with no daemon behind it exits 3" 3 "$sock"
if start_daemon "$tmp/var"; then
	# The stale socket is there from the start, so wait for an answer rather than the path.
	serving() { ctl status; [ $rc -eq 0 ] || dead "$daemon_pid"; }
	wait_until serving
	answered "the next start recovers the stale socket and serves"
else
	not_ok "the next start recovers the stale socket and serves" "$(tail -n 3 "$tmp/var.log")"
fi
jcheck "an acknowledged override survives kill -9" '
	r = j["os"][0]
	eq((r["kind"], r["source"], r["override"]["reason"]), ("baseline", "override", "before kill -9"), "row")
' month 2026-11 --os ws2022-azure

stop_daemon
rc=$?
if [ $rc -eq 0 ] && ! [ -e "$sock" ] && ! [ -e "$db.lock" ]; then
	ok "SIGTERM: exit 0, the socket and the .lock file are gone"
else
	not_ok "SIGTERM: exit 0, the socket and the .lock file are gone" "exit $rc" "$(ls -la "$tmp/var")"
fi
ic=$(sqlite3 "$db" 'PRAGMA integrity_check;' 2>&1)
[ "$ic" = ok ] && ok "the database passes PRAGMA integrity_check after SIGTERM" ||
	not_ok "the database passes PRAGMA integrity_check after SIGTERM" "$ic"

# Detached: the parent returns once the socket listens, and says nothing on the terminal.
timeout "$(tmo 60)" "$HOTPATCHD" --state-dir "$tmp/det" --calendar "$CAL" --schedules "$SCHED" --http off \
    > "$tmp/det.out" 2>&1
rc=$?
sock_now=no
[ -S "$tmp/det/hotpatchd.sock" ] && sock_now=yes
wait_until test -s "$tmp/det/hotpatchd.db.lock"
det_pid=$(head -n 1 "$tmp/det/hotpatchd.db.lock" 2>/dev/null)
extra_pids="$extra_pids $det_pid"
[ $rc -eq 0 ] && [ $sock_now = yes ] && ok "a detached start exits 0 only once the socket exists" ||
	not_ok "a detached start exits 0 only once the socket exists" "exit $rc, socket at return: $sock_now"
[ -e "$tmp/det.out" ] && ! [ -s "$tmp/det.out" ] && ok "a detached start prints nothing on the terminal" ||
	not_ok "a detached start prints nothing on the terminal" "output: $(cat "$tmp/det.out")"
run --socket "$tmp/det/hotpatchd.sock" status
if alive "$det_pid" && [ $rc -eq 0 ]; then
	ok "the detached daemon runs under the pid in <db>.lock and serves"
else
	not_ok "the detached daemon runs under the pid in <db>.lock and serves" "pid '$det_pid', status exit $rc"
fi
if alive "$det_pid"; then
	kill -TERM "$det_pid"
	if wait_gone "$det_pid" && ! [ -e "$tmp/det/hotpatchd.sock" ]; then
		ok "the detached daemon stops on SIGTERM to that pid and removes its socket"
	else
		not_ok "the detached daemon stops on SIGTERM to that pid and removes its socket" "$(ls -la "$tmp/det")"
	fi
else
	not_ok "the detached daemon stops on SIGTERM to that pid and removes its socket" "no pid"
fi

finish
