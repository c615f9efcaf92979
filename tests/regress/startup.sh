#!/bin/sh
# regress/startup.sh: a start whose calendar and ring files are byte for byte those the store
# last imported serves from the store without parsing them; any change to them, or a
# reload, imports again; clearing a run-time override after such a start still brings the
# shipped one back, and refuses if the files changed on disk in the meantime.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch

log=$tmp/var.log
# A calendar with one shipped override, and the shipped rings, in files this test may change.
own_files
sed 's/^overrides: \[\]$/overrides:\n  - os: ws2022-azure\n    month: 2027-05\n    kind: baseline\n    reason: "shipped: announced baseline"/' \
	"$top_srcdir/data/calendar.yaml" > "$CAL"
grep -q 'announced baseline' "$CAL" || { echo "not ok 1 - the test calendar has its override"; exit 1; }

# start: the daemon on $tmp/var; the log lines of this start only go to $tmp/this.log.
start() {
	: > "$log"
	start_daemon "$tmp/var" || not_ok "the daemon starts" "$(cat "$log")"
	cp "$log" "$tmp/this.log"
}
imported() { grep -q "loaded $CAL (9 OSes) and $SCHED" "$1"; }
skipped() { grep -q "are as last imported: serving from" "$1"; }
# month_of: "kind source" of ws2022-azure 2027-05.
month_of() {
	ctl --json month 2027-05 --os ws2022-azure
	/usr/bin/python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["os"][0]
print(m["kind"], m["source"])' "$tmp/out" 2>/dev/null || cat "$tmp/out" "$tmp/err"
}

start
imported "$tmp/this.log" && ! skipped "$tmp/this.log" &&
	ok "the first start parses the files and imports them" ||
	not_ok "the first start parses the files and imports them" "$(cat "$tmp/this.log")"
ctl status
has "it serves the 5 shipped rings" "rings"
stop_daemon

start
skipped "$tmp/this.log" && ! imported "$tmp/this.log" &&
	ok "a second start with the same files serves from the store" ||
	not_ok "a second start with the same files serves from the store" "$(cat "$tmp/this.log")"
nrings=$(cat "$SCHED"/*.yaml | grep -c '^  - id:')
jcheck "and answers as before: 9 OSes and every shipped ring ($nrings)" "
	eq(j['os'], 9, 'os count')
	eq(j['rings'], $nrings, 'rings')" status
[ "$(month_of)" = "baseline override" ] && ok "the shipped override is in force" ||
	not_ok "the shipped override is in force" "$(month_of)"

# Replace the shipped override at run time, then clear it: the files' own model is parsed now.
ctl override set ws2022-azure 2027-05 hotpatch --reason "local policy"
[ "$(month_of)" = "hotpatch override" ] && ok "a run-time override replaces the shipped one" ||
	not_ok "a run-time override replaces the shipped one" "$(month_of)"
ctl override clear ws2022-azure 2027-05
answered "clearing it after a start from the store works"
[ "$(month_of)" = "baseline override" ] && ok "and brings the shipped override back" ||
	not_ok "and brings the shipped override back" "$(month_of)"
stop_daemon

# A changed ring file is imported at the next start.
sed 's/name: "Ring3"/name: "Ring Three"/' "$SCHED/autopatch-default.yaml" > "$tmp/x" &&
	mv "$tmp/x" "$SCHED/autopatch-default.yaml"
start
imported "$tmp/this.log" && ! skipped "$tmp/this.log" &&
	ok "a start after a ring file changed imports again" ||
	not_ok "a start after a ring file changed imports again" "$(cat "$tmp/this.log")"
ctl ring show ring3
has "and serves the change" "Ring Three"
stop_daemon

# An edit that keeps the file's size and puts its modification time back is seen as well: a
# start compares the files' bytes with those last imported, never their sizes or dates.
same_size_edit() {
	ring=$SCHED/autopatch-default.yaml
	size=$(wc -c < "$ring")
	touch -r "$ring" "$tmp/stamp"
	sed "s/name: \"$1\"/name: \"$2\"/" "$ring" > "$tmp/x" && cat "$tmp/x" > "$ring"
	touch -r "$tmp/stamp" "$ring"
	[ "$(wc -c < "$ring")" = "$size" ] && [ ! "$ring" -nt "$tmp/stamp" ] &&
		[ ! "$ring" -ot "$tmp/stamp" ] && grep -q "name: \"$2\"" "$ring" ||
		not_ok "the edit keeps the size and the date" "$(ls -l --full-time "$ring" "$tmp/stamp")"
}
same_size_edit "Ring Three" "Ring THREE"
start
imported "$tmp/this.log" && ! skipped "$tmp/this.log" &&
	ok "a start after an edit of the same size, its date put back, imports again" ||
	not_ok "a start after an edit of the same size, its date put back, imports again" "$(cat "$tmp/this.log")"
ctl ring show ring3
has "and serves the edit" "Ring THREE"
stop_daemon
same_size_edit "Ring THREE" "Ring Three"
start
imported "$tmp/this.log" && ! skipped "$tmp/this.log" &&
	ok "and so does the edit back" ||
	not_ok "and so does the edit back" "$(cat "$tmp/this.log")"
ctl ring show ring3
has "which it serves" "Ring Three"
stop_daemon

# Files changed on disk after a start from the store: the clear is refused, nothing changes.
start
skipped "$tmp/this.log" && ok "the next start serves from the store again" ||
	not_ok "the next start serves from the store again" "$(cat "$tmp/this.log")"
ctl override set ws2022-azure 2027-05 lcu --reason "local policy"
sed 's/name: "Ring Three"/name: "Ring 3"/' "$SCHED/autopatch-default.yaml" > "$tmp/x" &&
	mv "$tmp/x" "$SCHED/autopatch-default.yaml"
ctl override clear ws2022-azure 2027-05
refused "clearing after the files changed on disk is refused" 1 "changed since they were loaded; run reload first"
[ "$(month_of)" = "lcu override" ] && ok "and the run-time override is still in force" ||
	not_ok "and the run-time override is still in force" "$(month_of)"
ctl reload
answered "reload imports the changed files"
ctl override clear ws2022-azure 2027-05
answered "after the reload the clear works"
[ "$(month_of)" = "baseline override" ] && ok "and the shipped override is back" ||
	not_ok "and the shipped override is back" "$(month_of)"
ctl ring show ring3
has "the reloaded ring file is served" "Ring 3"
stop_daemon

# The socket appearing means "ready", so a SIGTERM sent the moment it appears must get the
# clean exit: status 0, socket and lock file gone.  Before the signals were blocked ahead of
# the socket, such a SIGTERM could land before the handlers and kill the daemon (143),
# leaving both files behind.  The window is narrow without root (privs.sh, as root, drops
# privileges in it and caught it on a loaded machine); this guards the order for everyone.
bad=
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	"$HOTPATCHD" -f --state-dir "$tmp/var" --calendar "$CAL" --schedules "$SCHED" --http off \
		>> "$log" 2>&1 &
	daemon_pid=$!
	# no sleep between looks: the signal should follow the socket as closely as it can
	until [ -e "$tmp/var/hotpatchd.sock" ] || ! alive "$daemon_pid"; do :; done
	stop_daemon
	_rc=$?
	if [ $_rc -ne 0 ] || [ -e "$tmp/var/hotpatchd.sock" ] || [ -e "$tmp/var/hotpatchd.db.lock" ]; then
		bad="start $i: exit $_rc; left: $(ls "$tmp/var" | tr '\n' ' ')"
		break
	fi
done
[ -z "$bad" ] && ok "SIGTERM the moment the socket appears: exit 0, socket and lock removed (20 starts)" ||
	not_ok "SIGTERM the moment the socket appears: exit 0, socket and lock removed (20 starts)" "$bad"

finish
