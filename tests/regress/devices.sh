#!/bin/sh
# regress/devices.sh: hotpatchctl devices import FILE, devices and device show with the real
# daemon and client, on the shipped calendar and rings (schedules/autopatch-default.yaml) and
# tests/data/devices/daemon.csv, at 2026-09-01.  Worked by hand from data/calendar.yaml:
# win11-24h2's latest baseline before September 2026 is July's, build 26100.8875; its floor is
# 26100.2033; September and November are hotpatch months, October a baseline.
#   line 2 PC-ON     test   26100.8875  on the baseline, eligible: no restart in September
#   line 3 pc-below  test   26100.8655  below it (June's build): catch-up in September, restart
#   line 4 PC-NOVBS  ring1  26100.8875  VBS off: not eligible, the LCU and a restart each month
#   line 5 pc-old    ring1  26100.1742  below the floor: not eligible, below the baseline
#   line 6 pc-lost   ring nosuch: rejected; line 7 pc-none no ring: rejected;
#   line 8 pc-bad    build 10.0.abc: rejected.
# So 7 rows, 4 good, 3 rejected; restarts in 2026-09: pc-below, PC-NOVBS, pc-old; in 2026-10
# all four (a baseline month); in 2026-11 the two not eligible: pc-below took October's
# baseline on its way, so its build below the baseline no longer makes November a catch-up.
# The file goes to the daemon as a descriptor: a FIFO, /dev/zero and a file past 64 MiB are
# refused unread (the daemon answers the next request at once), and so is a descriptor with
# any other request, two descriptors, an import with none, and an import by a non-admin.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch

DATA=${top_srcdir:-.}/tests/data/devices
CAL=${top_srcdir:-.}/data/calendar.yaml
SCHED=$tmp/schedules
mkdir "$SCHED"
cp "${top_srcdir:-.}/schedules/autopatch-default.yaml" "$SCHED/"
AT=2026-09-01

start_daemon "$tmp/var" || not_ok "the daemon starts" "$(cat "$tmp/var.log")"

# dump: the stored devices and the audit rows of imports, to see that nothing changed.
dump() { sqlite3 "$db" "SELECT name, ring, build, ubr FROM devices ORDER BY seq; SELECT count(*) FROM audit WHERE command = 'devices import'"; }

ctl devices import "$DATA/daemon.csv"
if [ $rc -eq 1 ] && ! [ -s "$tmp/out" ] &&
    grep -qxF "daemon.csv (csv): 7 rows, 0 imported, 3 rejected; nothing imported (0 devices stored)" "$tmp/err" &&
    grep -qxF "line 6: ring: 'nosuch' is not in the ring files (hotpatchctl rings)" "$tmp/err" &&
    grep -qxF "line 7: no ring: give a ring column, a group column or --ring" "$tmp/err" &&
    grep -qF "line 8: build: \"10.0.abc\"" "$tmp/err" &&
    grep -qxF "hotpatchctl: daemon.csv: 3 bad rows; nothing imported (--skip-bad imports the others)" "$tmp/err"; then
	ok "bad rows without --skip-bad: exit 1, each with its line, nothing imported"
else
	not_ok "bad rows without --skip-bad: exit 1, each with its line, nothing imported" "exit $rc" "$(cat "$tmp/err")"
fi
check "nothing was stored, no audit row" [ "$(dump)" = "0" ]

jcheck "--skip-bad imports the 4 good rows and lists the 3 bad" "
	eq((j['rows'], j['imported'], j['rejected'], j['devices']), (7, 4, 3, 4), 'counts')
	eq([r['line'] for r in j['rejects']], [6, 7, 8], 'reject lines')
	eq(j['file'], 'daemon.csv', 'file')" \
	devices import "$DATA/daemon.csv" --skip-bad
check "one audit row for the import, with file and counts" \
	[ "$(sqlite3 "$db" "SELECT result FROM audit WHERE command = 'devices import'")" = "ok: daemon.csv, 7 rows, 4 imported, 3 rejected" ]

jcheck "devices: ring, OS, build, eligibility and baseline, in file order" "
	eq([(d['name'], d['ring'], d['os'], d['build'], d['eligible'], d['baseline']) for d in j['devices']],
	   [('PC-ON', 'test', 'win11-24h2', '26100.8875', True, 'on'),
	    ('pc-below', 'test', 'win11-24h2', '26100.8655', True, 'below'),
	    ('PC-NOVBS', 'ring1', 'win11-24h2', '26100.8875', False, 'on'),
	    ('pc-old', 'ring1', 'win11-24h2', '26100.1742', False, 'below')], 'devices')
	eq(j['devices'][2]['reason'], 'virtualization-based security (VBS) is not running', 'VBS')
	eq(j['devices'][3]['reason'], \"the build is below this OS's minimum for hotpatch (min_build)\", 'floor')" \
	devices --at "$AT"
names() { python3 -c 'import json, sys; print(" ".join(d["name"] for d in json.load(sys.stdin)["devices"]))' < "$tmp/out"; }
# lists NAMES: the last run exited 0 and its JSON lists exactly these devices.
lists() { [ $rc -eq 0 ] && [ "$(names)" = "$1" ]; }
for c in "--ring test:PC-ON pc-below" "--ring ring1:PC-NOVBS pc-old" "--not-eligible:PC-NOVBS pc-old" \
    "--restart-in 2026-09:pc-below PC-NOVBS pc-old" "--restart-in 2026-10:PC-ON pc-below PC-NOVBS pc-old" \
    "--restart-in 2026-11:PC-NOVBS pc-old" "--ring test --restart-in 2026-11:"; do
	# shellcheck disable=SC2086
	ctl --json devices ${c%%:*} --at "$AT"
	check "devices ${c%%:*}: ${c#*:}" lists "${c#*:}"
done
# --restart-in walks each device from the current month: 2026-09 + 35 is the last month it takes.
ctl devices --restart-in 2026-08 --at "$AT"
refused "--restart-in before the current month: exit 2" 2 "--restart-in must be this month or one of the 35 after it"
ctl devices --restart-in 2029-09 --at "$AT"
refused "--restart-in 36 months ahead: exit 2" 2 "--restart-in must be this month or one of the 35 after it"
ctl devices --restart-in 2029-08 --at "$AT"
answered "--restart-in 35 months ahead is answered"
ctl devices --ring nosuch
refused "devices --ring of an unknown ring: exit 1" 1 "unknown ring 'nosuch'"

jcheck "device show: found whatever the case; below the baseline, so September is a catch-up with a restart" "
	eq(j['name'], 'pc-below', 'name')
	eq(j['baseline_detail']['state'], 'below', 'state')
	eq(j['baseline_detail']['month'], '2026-07', 'latest baseline')
	eq(j['baseline_detail']['latest_build'], '26100.8875', 'its build')
	eq(len(j['months']), 12, 'twelve months')
	eq([(m['month'], m['install'], m['restart']) for m in j['months'][:3]],
	   [('2026-09', 'catch-up', True), ('2026-10', 'baseline', True), ('2026-11', 'hotpatch', False)], 'months')
	eq(j['source'], 'daemon.csv', 'source')
	eq(j['source_line'], 3, 'line')" \
	device show PC-BELOW --at "$AT"
jcheck "device show: every reason of a device not eligible, and the LCU every month" "
	eq(j['eligible'], False, 'eligible')
	eq(j['reasons'], [\"the build is below this OS's minimum for hotpatch (min_build)\"], 'reasons')
	eq(j['baseline_detail']['below_floor'], True, 'below the floor')
	eq(set(m['install'] for m in j['months']), {'lcu'}, 'LCU each month')" \
	device show pc-old --at "$AT"
ctl device show pc-below --at "$AT"
has "device show in text: the baseline state and the reason words of the windows" \
	"latest baseline: 2026-07 (below, build 26100.8875): below it" \
	"2026-09 win11-24h2 catch-up: not on the latest baseline"
ctl device show nosuch
refused "device show of an unknown device: exit 1" 1 "no device 'nosuch'"
ctl device show "$(printf '%0257d' 0)"
refused "a device name past 256 bytes: exit 2" 2 "a device name is 1 to 256 bytes"

# 150 rows whose ring the ring files do not have: the first 100 listed (INV_MAX_REJECTS), all
# counted, nothing imported.
{ echo "name,ring,build"; i=1; while [ $i -le 150 ]; do echo "pc-$i,nosuch,26100.8875"; i=$((i + 1)); done; } \
    > "$tmp/lost.csv"
ctl --json devices import "$tmp/lost.csv"
json_check "150 refused rows: 100 listed, from line 2, 150 counted" "$tmp/out" "
eq(j['rejected'], 150, 'rejected')
eq([r['line'] for r in j['rejects']], list(range(2, 102)), 'listed lines')
eq(j['imported_any'], False, 'imported')"
ctl devices import "$tmp/lost.csv"
check "in text: 100 lines listed, then how many more" \
    sh -c '[ "$1" -eq 1 ] && [ "$(grep -c "^line " "$2")" = 100 ] && grep -qxF "... and 50 more" "$2"' \
    sh "$rc" "$tmp/err"

# Upsert by name whatever its case; --replace makes the file the whole inventory.
jcheck "a second import upserts by name, case-insensitive" "
	eq((j['imported'], j['devices']), (2, 5), 'counts')" \
	devices import "$DATA/daemon-more.csv"
check "pc-on replaced PC-ON in its place, pc-new came last" \
	[ "$(sqlite3 "$db" "SELECT name || ':' || ring FROM devices ORDER BY seq" | tr '\n' ' ')" = \
	    "pc-on:ring1 pc-below:test PC-NOVBS:ring1 pc-old:ring1 pc-new:ring2 " ]

# Kept across a reload and a restart: run-time data.
ctl reload
ctl --json devices
check "a reload keeps the devices" lists "pc-on pc-below PC-NOVBS pc-old pc-new"
stop_daemon
start_daemon "$tmp/var" || not_ok "the daemon starts again" "$(cat "$tmp/var.log")"
ctl --json devices
check "a restart loads the devices from the store" lists "pc-on pc-below PC-NOVBS pc-old pc-new"

# Paging, on the 5 stored devices in seq order (pc-on pc-below PC-NOVBS pc-old pc-new): every
# match counted, the page's answered, next_offset where the next page starts, none after the last.
jcheck "devices --limit 2: the first two, 5 matching, the next page at 2" "
	eq([d['name'] for d in j['devices']], ['pc-on', 'pc-below'], 'page')
	eq((j['stored'], j['matched'], j['offset'], j['next_offset']), (5, 5, 0, 2), 'counts')" \
	devices --limit 2
jcheck "devices --limit 2 --offset 4: the last one, no next page" "
	eq([d['name'] for d in j['devices']], ['pc-new'], 'page')
	eq((j['matched'], j['offset'], j['next_offset']), (5, 4, None), 'counts')" \
	devices --limit 2 --offset 4
jcheck "devices --ring ring1 --limit 1 --offset 1: paging counts the filter's matches (3 in ring1)" "
	eq([d['name'] for d in j['devices']], ['PC-NOVBS'], 'page')
	eq((j['matched'], j['next_offset']), (3, 2), 'counts')" \
	devices --ring ring1 --limit 1 --offset 1
jcheck "devices --offset 9: past the end, nothing, 5 matching" "
	eq((j['devices'], j['matched'], j['next_offset']), ([], 5, None), 'page')" \
	devices --offset 9
ctl devices --limit 2 --offset 2
has "in text: which devices of how many, and the next page's option" \
	"devices 3 to 4 of 5 matching (5 stored); the next page: --offset 4"
ctl devices
has "in text, one page of all: how many of how many" "5 of 5 matching (5 stored)"
for bad in "--limit 0:bad --limit '0' (expected 1..10000)" "--limit 10001:bad --limit '10001' (expected 1..10000)" \
    "--limit -1:bad --limit '-1' (expected 1..10000)" "--offset x:bad --offset 'x' (expected 0..100000000)" \
    "--limit 99999999999:bad --limit '99999999999' (expected 1..10000)"; do
	# shellcheck disable=SC2086
	ctl devices ${bad%%:*}
	refused "devices ${bad%%:*}: exit 2" 2 "${bad#*:}"
done

ctl backup "$tmp/copy.db"
check "backup holds the devices" [ "$(sqlite3 "$tmp/copy.db" "SELECT count(*) FROM devices")" = 5 ]

# ---- the descriptor ----
before=$(dump)
mkfifo "$tmp/fifo"
ctl devices import "$tmp/fifo"
refused "a FIFO is refused unread: exit 2" 2 "fifo is not a regular file; nothing imported"
rm "$tmp/fifo"	# finish reads every file of $tmp: a FIFO would block it
ctl status
answered "the daemon answers at once after the FIFO"
ctl devices import /dev/zero
refused "/dev/zero is refused unread: exit 2" 2 "zero is not a regular file; nothing imported"
# One byte past the 64 MiB of INV_MAX_BYTES, sparse: it costs no disk.
truncate -s $((64 * 1024 * 1024 + 1)) "$tmp/big.csv"
ctl devices import "$tmp/big.csv"
refused "a file past 64 MiB is refused unread: exit 1" 1 "big.csv is larger than 67108864 bytes; nothing imported"
rm "$tmp/big.csv"
ctl devices import "$tmp/nosuch.csv"
refused "a file the client cannot open: exit 2, nothing sent" 2 "nosuch.csv: No such file or directory"

# raw LINE [NFDS]: send LINE with NFDS descriptors of daemon.csv in one message; print the
# status line of the reply (or "closed").
raw() {
	timeout "$(tmo 60)" python3 - "$sock" "$DATA/daemon.csv" "$@" <<'PY'
import socket, sys
path, f, line = sys.argv[1], sys.argv[2], sys.argv[3]
n = int(sys.argv[4]) if len(sys.argv) > 4 else 1
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(path)
r = s.makefile("rb")
r.readline()
files = [open(f, "rb") for _ in range(n)]
fds = [x.fileno() for x in files]
socket.send_fds(s, [line.encode() + b"\n"], fds)
st = r.readline().decode().rstrip("\n")
print(st if st else "closed")
PY
}
check "a descriptor with another request is refused" \
	[ "$(raw status)" = "400 0 'status' takes no file descriptor" ]
check "two descriptors are refused" \
	[ "$(raw "devices import daemon.csv --skip-bad" 2)" = "400 0 one descriptor at a time, with the request that reads it" ]
check "an import with no descriptor is refused" \
	[ "$(raw "devices import daemon.csv --skip-bad" 0)" = "400 0 devices import reads the file hotpatchctl passes with the request, and none came" ]
check "a descriptor with a blank line is refused" \
	[ "$(raw "" 1)" = "400 0 a descriptor came with a blank line" ]
check "none of these changed anything" [ "$(dump)" = "$before" ]

if root_or_skip "devices import by a non-admin: exit 1, permission denied"; then
	chmod 755 "$tmp" "$tmp/var"
	cp "$HOTPATCHCTL" "$tmp/hotpatchctl"
	chmod 755 "$tmp/hotpatchctl"
	chmod 666 "$sock"
	# nobody opens the file: a copy it can read, whatever the checkout's own modes
	cp "$DATA/daemon.csv" "$tmp/daemon.csv"
	chmod 644 "$tmp/daemon.csv"
	timeout "$(tmo 60)" $(nobody_cmd) "$tmp/hotpatchctl" --socket "$sock" devices import "$tmp/daemon.csv" \
	    > "$tmp/out" 2> "$tmp/err"
	rc=$?
	refused "devices import by a non-admin: exit 1, permission denied" 1 "permission denied: 'devices import'"
	check "the non-admin changed nothing" [ "$(dump)" = "$before" ]
fi

jcheck "--replace: the file is the whole inventory" "
	eq((j['imported'], j['devices']), (2, 2), 'counts')" \
	devices import "$DATA/daemon-more.csv" --replace
ctl devices import "$DATA/daemon-more.csv" --ring nosuch
refused "--ring of an unknown ring: exit 1" 1 "unknown ring 'nosuch'"

stop_daemon || not_ok "the daemon exits cleanly" "$(tail -n 5 "$tmp/var.log")"
finish
