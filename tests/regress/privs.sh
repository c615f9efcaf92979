#!/bin/sh
# regress/privs.sh: hotpatchd started as root drops to the configured user once
# its files and sockets are open: the ids in /proc, who owns what with which
# mode, that the database stays writable, reload and shutdown after the drop,
# the one warning when root runs without a user, and an unknown user.
# Everything here needs root; otherwise every test is a skip line.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"

names="the daemon started as root with user: nobody runs with nobody's uid (real, effective, saved, fs)
the daemon runs with nobody's gid (real, effective, saved, fs)
the supplementary groups are nobody's (initgroups)
the state directory is nobody's, mode 0750
the database is nobody's, mode 0640
the lock file is nobody's, mode 0640, and holds the pid
the control socket is nobody's, mode 0660
the log says which user the daemon runs as, and no warning
root (an admin) sets an override after the drop
the override is in the database: it is still writable after the drop
the daemon's own user (nobody) is an admin after the drop
the client reads an imported file the daemon's user cannot read
the client writes an export into a directory the daemon's user cannot reach
SIGHUP reloads the files as nobody
SIGTERM exits 0 and removes the socket and the lock file
a configured socket mode is kept after the drop
root without user: exactly one warning line
root without user: the files are root's, database 0640, state directory 0750
an unknown user: exit 1 with a clear message
an unknown user: no state directory or database is created
a world-writable state directory is not given away
not root with user set to itself: no warning
not root with another user set: one warning, and it keeps running"

if [ "$(id -u)" -ne 0 ] || ! id nobody > /dev/null 2>&1; then
	why="needs root and a user nobody"
	while IFS= read -r t; do skip "$t" "$why"; done <<EOF
$names
EOF
	finish
	exit
fi

scratch
# nobody must reach its state directory, the files it re-reads on reload and the client.
chmod 0711 "$tmp"
mkdir -m 0755 "$tmp/files" "$tmp/files/sched"
cp "$CAL" "$tmp/files/calendar.yaml"
cp "$SCHED"/*.yaml "$tmp/files/sched/"
cp "$HOTPATCHCTL" "$tmp/files/hotpatchctl"
chmod -R a+rX "$tmp/files"
CAL=$tmp/files/calendar.yaml
SCHED=$tmp/files/sched
nuid=$(id -u nobody)
ngid=$(id -g nobody)
ngroups=$(id -G nobody | tr ' ' '\n' | sort -n | tr '\n' ' ')
if command -v setpriv > /dev/null 2>&1; then
	become_nobody="setpriv --reuid=nobody --regid=$ngid --init-groups"
else
	become_nobody="runuser -u nobody --"
fi

# owned NAME PATH OWNER MODE: ok if PATH belongs to OWNER:OWNER's group with MODE (octal).
owned() {
	_got=$(stat -c '%u:%g %a' "$2" 2>&1)
	if [ "$_got" = "$3 $4" ]; then ok "$1"; else not_ok "$1" "got $_got, want $3 $4"; fi
}
# status_ids FIELD: the four ids of a /proc/PID/status line, space-separated.
status_ids() { sed -n "s/^$1:[[:space:]]*//p" "/proc/$daemon_pid/status" | tr -s '\t ' '  ' | sed 's/ *$//'; }
# wait_log N TEXT: wait for at least N log lines containing TEXT.
wait_log() { wait_until log_has "$@"; }
log_has() { [ "$(grep -cF -- "$2" "$log")" -ge "$1" ]; }

# ---------------------------------------------------------------------------
# Started as root with user: nobody.

var=$tmp/var
log=$var.log
sock=$var/hotpatchd.sock
db=$var/hotpatchd.db
printf 'version: 1\nuser: nobody\n' > "$tmp/nobody.yaml"
start_daemon "$var" -c "$tmp/nobody.yaml" || not_ok "the daemon starts with user: nobody" "$(cat "$log")"
# The socket appears just before the drop (and its chown): wait for the drop's log line.
wait_log 1 "running as user nobody"

ids=$(status_ids Uid)
[ "$ids" = "$nuid $nuid $nuid $nuid" ] && ok "the daemon started as root with user: nobody runs with nobody's uid (real, effective, saved, fs)" ||
	not_ok "the daemon started as root with user: nobody runs with nobody's uid (real, effective, saved, fs)" "Uid: $ids" "$(cat "$log")"
ids=$(status_ids Gid)
[ "$ids" = "$ngid $ngid $ngid $ngid" ] && ok "the daemon runs with nobody's gid (real, effective, saved, fs)" ||
	not_ok "the daemon runs with nobody's gid (real, effective, saved, fs)" "Gid: $ids"
ids=$(status_ids Groups | tr ' ' '\n' | sed '/^$/d' | sort -n | tr '\n' ' ')
[ "$ids" = "$ngroups" ] && ok "the supplementary groups are nobody's (initgroups)" ||
	not_ok "the supplementary groups are nobody's (initgroups)" "Groups: $ids" "want: $ngroups"

owned "the state directory is nobody's, mode 0750" "$var" "$nuid:$ngid" 750
owned "the database is nobody's, mode 0640" "$db" "$nuid:$ngid" 640
if [ "$(cat "$db.lock" 2>/dev/null)" = "$daemon_pid" ]; then
	owned "the lock file is nobody's, mode 0640, and holds the pid" "$db.lock" "$nuid:$ngid" 640
else
	not_ok "the lock file is nobody's, mode 0640, and holds the pid" "lock file: $(cat "$db.lock" 2>&1)"
fi
owned "the control socket is nobody's, mode 0660" "$sock" "$nuid:$ngid" 660
if grep -qxF "hotpatchd: info: running as user nobody (uid $nuid, gid $ngid)" "$log" &&
    ! grep -q "running as root\|not implemented\|cannot" "$log"; then
	ok "the log says which user the daemon runs as, and no warning"
else
	not_ok "the log says which user the daemon runs as, and no warning" "$(cat "$log")"
fi

ctl override set ws2022-azure 2026-09 baseline --reason "privs test"
answered "root (an admin) sets an override after the drop"
row=$(sqlite3 "$db" "SELECT kind || ' ' || reason FROM overrides WHERE os_id = 'ws2022-azure' AND origin = 'runtime';" 2>&1)
[ "$row" = "baseline privs test" ] && ok "the override is in the database: it is still writable after the drop" ||
	not_ok "the override is in the database: it is still writable after the drop" "row: $row"

# The daemon's uid for the admin check is the one it dropped to.
# shellcheck disable=SC2086
timeout "$(tmo 60)" $become_nobody "$tmp/files/hotpatchctl" --socket "$sock" override clear ws2022-azure 2026-09 \
    > "$tmp/out" 2> "$tmp/err"
rc=$?
answered "the daemon's own user (nobody) is an admin after the drop"

# Path arguments are opened by the client, never by the daemon: root's private files work.
mkdir -m 0700 "$tmp/private"
cp "$top_srcdir/tests/ics/allday.ics" "$tmp/private/"
ctl --at 2026-11-20 blackout import "$tmp/private/allday.ics"
answered "the client reads an imported file the daemon's user cannot read"
ctl export --dir "$tmp/private/out"
if [ $rc -eq 0 ] && [ "$(stat -c %u "$tmp/private/out/calendar.ics" 2>&1)" = 0 ]; then
	ok "the client writes an export into a directory the daemon's user cannot reach"
else
	not_ok "the client writes an export into a directory the daemon's user cannot reach" "exit $rc" \
	    "$(cat "$tmp/err")" "$(ls -ln "$tmp/private/out" 2>&1 | head -n 3)"
fi

kill -HUP "$daemon_pid"
if wait_log 1 "SIGHUP: reloading" && wait_log 2 "loaded $CAL" && alive "$daemon_pid"; then
	ctl status
	answered "SIGHUP reloads the files as nobody"
else
	not_ok "SIGHUP reloads the files as nobody" "$(cat "$log")"
fi

stop_daemon
rc=$?
if [ $rc -eq 0 ] && ! [ -e "$sock" ] && ! [ -e "$db.lock" ]; then
	ok "SIGTERM exits 0 and removes the socket and the lock file"
else
	not_ok "SIGTERM exits 0 and removes the socket and the lock file" "exit $rc" "$(ls -l "$var")" "$(cat "$log")"
fi

printf 'version: 1\nuser: nobody\nsocket:\n  mode: "0600"\n' > "$tmp/mode.yaml"
start_daemon "$var" -c "$tmp/mode.yaml" || not_ok "the daemon starts with socket mode 0600" "$(cat "$log")"
wait_log 2 "running as user nobody"
owned "a configured socket mode is kept after the drop" "$sock" "$nuid:$ngid" 600
stop_daemon

# ---------------------------------------------------------------------------
# Root without user: it runs, and says once that it should not.

var=$tmp/plain
log=$var.log
start_daemon "$var" || not_ok "the daemon starts as root without user" "$(cat "$log")"
stop_daemon
want="hotpatchd: warning: running as root; set user in hotpatchd.yaml to drop privileges"
others=$(grep -v "^hotpatchd: \(info: \(loaded\|hotpatchd .* ready\|shutting down\)\|notice: created a new, empty database \)" "$log")
if [ "$(grep -cxF "$want" "$log")" = 1 ] && [ "$others" = "$want" ]; then
	ok "root without user: exactly one warning line"
else
	not_ok "root without user: exactly one warning line" "$(cat "$log")"
fi
if [ "$(stat -c '%u %a' "$var" "$var/hotpatchd.db" | tr '\n' ' ')" = "0 750 0 640 " ]; then
	ok "root without user: the files are root's, database 0640, state directory 0750"
else
	not_ok "root without user: the files are root's, database 0640, state directory 0750" "$(ls -la "$var")"
fi

# ---------------------------------------------------------------------------
# An unknown user stops the start before anything exists.

printf 'version: 1\nuser: hp-no-such-user\n' > "$tmp/unknown.yaml"
expect "an unknown user: exit 1 with a clear message" 1 \
	"hotpatchd: error: unknown user 'hp-no-such-user' (user in $tmp/unknown.yaml)" -- \
	"$HOTPATCHD" -f -c "$tmp/unknown.yaml" --state-dir "$tmp/unknown" --calendar "$CAL" \
	--schedules "$SCHED" --http off
! [ -e "$tmp/unknown" ] && ok "an unknown user: no state directory or database is created" ||
	not_ok "an unknown user: no state directory or database is created" "$(ls -la "$tmp/unknown")"

# A world-writable directory (a /tmp) is refused rather than handed to the user.
mkdir -m 1777 "$tmp/public"
expect "a world-writable state directory is not given away" 1 \
	"hotpatchd: error: state directory $tmp/public is world-writable: refusing to give it to user 'nobody'" -- \
	"$HOTPATCHD" -f -c "$tmp/nobody.yaml" --state-dir "$tmp/public" --calendar "$CAL" \
	--schedules "$SCHED" --http off

# ---------------------------------------------------------------------------
# Not root: user may name the current user; another one is a warning, not an error.

mkdir -m 0755 "$tmp/nb"
chown nobody "$tmp/nb"
cp "$HOTPATCHD" "$tmp/files/hotpatchd"
chmod 0755 "$tmp/files/hotpatchd"
printf 'version: 1\nuser: root\n' > "$tmp/root.yaml"
chmod 0644 "$tmp/nobody.yaml" "$tmp/root.yaml"
for case in nobody root; do
	# shellcheck disable=SC2086
	$become_nobody "$tmp/files/hotpatchd" -f -c "$tmp/$case.yaml" --state-dir "$tmp/nb/$case" \
	    --calendar "$CAL" --schedules "$SCHED" --http off > "$tmp/nb/$case.log" 2>&1 &
	daemon_pid=$!
	wait_for "$tmp/nb/$case/hotpatchd.sock"
	alive "$daemon_pid" && ctl_ok=yes || ctl_ok=no
	stop_daemon
	eval "rc_$case=\$? up_$case=\$ctl_ok"
done
if [ "$up_nobody" = yes ] && [ "$rc_nobody" -eq 0 ] && ! grep -q "user\|root" "$tmp/nb/nobody.log"; then
	ok "not root with user set to itself: no warning"
else
	not_ok "not root with user set to itself: no warning" "exit $rc_nobody" "$(cat "$tmp/nb/nobody.log")"
fi
if [ "$up_root" = yes ] && [ "$rc_root" -eq 0 ] &&
    [ "$(grep -cxF "hotpatchd: warning: user 'root': not started as root, so keeping uid $nuid" "$tmp/nb/root.log")" = 1 ]; then
	ok "not root with another user set: one warning, and it keeps running"
else
	not_ok "not root with another user set: one warning, and it keeps running" "exit $rc_root" "$(cat "$tmp/nb/root.log")"
fi

finish
