#!/bin/sh
# regress/fulldisk.sh: on a full disk no change is reported as done without its audit row.
# The state directory is on a small tmpfs of its own (the tests run as root; without mount
# the script says skip), filled up with a file; then reloads and overrides must either
# fail with "disk is full" or be in the audit table, and once space is back they work.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
tmp=$(mktemp -d)
fs=$tmp/fs
cleanup() {
	[ -n "$daemon_pid" ] && kill -KILL "$daemon_pid" 2>/dev/null
	[ -n "$daemon_pid" ] && wait "$daemon_pid" 2>/dev/null
	mountpoint -q "$fs" && umount "$fs"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap "exit 1" HUP INT PIPE TERM

mkdir "$fs"
if ! mount -t tmpfs -o size=8m,mode=0700 tmpfs "$fs" 2>"$tmp/mount.err"; then
	skip "full-disk tests" "cannot mount a tmpfs here: $(cat "$tmp/mount.err")"
	finish
	exit $?
fi
var=$fs/var
sock=$var/hotpatchd.sock
db=$var/hotpatchd.db
q() { sqlite3 "$db" "$1"; }

# As start_daemon, but the log stays off the small file system.
"$HOTPATCHD" -f --state-dir "$var" --calendar "$CAL" --schedules "$SCHED" --http off \
    > "$tmp/daemon.log" 2>&1 &
daemon_pid=$!
wait_for "$sock" || not_ok "the daemon starts on the small file system" "$(cat "$tmp/daemon.log")"
ctl reload
answered "a reload with room to spare"

# Fill the file system; dd stops at ENOSPC.
dd if=/dev/zero of="$fs/filler" bs=4096 2>/dev/null
[ "$(df -k --output=avail "$fs" | tail -n 1 | tr -d ' ')" = 0 ] && ok "the file system is full" ||
	not_ok "the file system is full" "$(df -k "$fs")"

# try KIND ARGS...: up to 20 tries; counts replies that said done, stops at the first failure.
try() {
	_kind=$1
	shift
	said_ok=0 failed=
	_i=0
	while [ $_i -lt 20 ]; do
		ctl "$@"
		if [ $rc -eq 0 ]; then said_ok=$((said_ok + 1)); else failed=$(cat "$tmp/err"); break; fi
		_i=$((_i + 1))
	done
}
try reload reload
reload_ok=$said_ok
case $failed in
*"database or disk is full"*"its audit row could not be written"*)
	ok "a reload on the full disk fails, and says its audit row could not be written" ;;
*)	not_ok "a reload on the full disk fails, and says its audit row could not be written" \
	    "$said_ok reloads said done; error: $failed" ;;
esac
try override override set ws2022-azure 2026-09 baseline --reason "full disk"
override_ok=$said_ok
case $failed in
*"database or disk is full"*) ok "an override set on the full disk fails with the reason" ;;
*)	not_ok "an override set on the full disk fails with the reason" "error: $failed" ;;
esac
# The copy cannot be made next to the database, nor its audit row written: both are said.
ctl backup "$tmp/full.db"
case $rc:$(cat "$tmp/err") in
[!0]*"backup:"*"(and its audit row:"*"full"*)
	ok "a backup on the full disk fails, and says its audit row could not be written" ;;
*)	not_ok "a backup on the full disk fails, and says its audit row could not be written" \
	    "exit $rc: $(cat "$tmp/err")" ;;
esac
ctl status
answered "the daemon still answers"

rm -f "$fs/filler"
ctl reload
answered "with room again, reload works"
reload_ok=$((reload_ok + 1))
stop_daemon

# Every reply that said done has its row; the first reload (with room) wrote one too.
got=$(q "SELECT count(*) FROM audit WHERE command = 'reload' AND result = 'ok'")
[ "$got" = $((reload_ok + 1)) ] && ok "every reload reported done has its audit row ($got)" ||
	not_ok "every reload reported done has its audit row" "rows $got, reported done $((reload_ok + 1))"
got=$(q "SELECT count(*) FROM audit WHERE command = 'override set' AND result = 'ok'")
[ "$got" = "$override_ok" ] && ok "every override reported done has its audit row ($got)" ||
	not_ok "every override reported done has its audit row" "rows $got, reported done $override_ok"
[ "$(q 'PRAGMA integrity_check')" = ok ] && ok "the database is intact" ||
	not_ok "the database is intact" "$(q 'PRAGMA integrity_check')"

finish
