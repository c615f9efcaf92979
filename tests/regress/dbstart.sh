#!/bin/sh
# regress/dbstart.sh: a database that existed and is now missing or 0 bytes stops the start
# with an error naming the file and what to do, instead of an empty new database; a first
# start says at notice level that it created one; --init-db is the explicit fresh start.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch

var=$tmp/var
marker=$db.created
log=$var.log

# refused_start NAME TEXT...: hotpatchd exits 1 at once, without a socket, saying every TEXT.
refused_start() {
	_n=$1
	shift
	timeout "$(tmo 10)" "$HOTPATCHD" -f --state-dir "$var" --calendar "$CAL" --schedules "$SCHED" \
	    --http off > "$tmp/start.out" 2>&1
	_rc=$? _miss=
	for _t in "$@"; do grep -qF -- "$_t" "$tmp/start.out" || _miss="$_miss [$_t]"; done
	if [ $_rc -eq 1 ] && [ -z "$_miss" ] && [ ! -e "$sock" ]; then
		ok "$_n"
	else
		not_ok "$_n" "exit $_rc (want 1), missing:$_miss" "$(cat "$tmp/start.out")"
	fi
}
size() { stat -c %s "$1"; }

# ---- a first start: a notice, and the marker
start_daemon "$var" || not_ok "the first start" "$(cat "$log")"
grep -q "notice: created a new, empty database $db; $marker records that it exists" "$log" &&
	ok "a first start logs at notice level that it created the database" ||
	not_ok "a first start logs at notice level that it created the database" "$(cat "$log")"
[ -s "$marker" ] && ok "and writes the marker hotpatchd.db.created" || not_ok "and writes the marker hotpatchd.db.created"
ctl override set ws2022-azure 2026-09 baseline --reason "to be kept"
answered "a run-time override"
stop_daemon
: > "$log"
start_daemon "$var" || not_ok "a second start" "$(cat "$log")"
grep -q "created a new" "$log" && not_ok "a second start creates nothing" "$(cat "$log")" ||
	ok "a second start creates nothing"
stop_daemon

# ---- the database emptied, or gone: refused, and the file is left as it was
cp "$db" "$tmp/saved.db"
: > "$db"
refused_start "a 0-byte database is refused, with the file and what to do" \
	"$db is empty (0 bytes), but a database was created there before ($marker exists)" \
	"restore it from a backup" "--init-db"
[ "$(size "$db")" = 0 ] && ok "the 0-byte file is left alone" || not_ok "the 0-byte file is left alone"
rm -f "$db"
refused_start "a missing database is refused" "$db is missing, but a database was created there before"
[ ! -e "$db" ] && ok "and is not created" || not_ok "and is not created" "$(ls -l "$var")"

# A stale -wal file of the lost database is evidence too, marker or not.
mv "$marker" "$tmp/marker"
: > "$db-wal"
refused_start "no marker, but a -wal file: refused" "$db is missing" "($db-wal exists)"
rm -f "$db-wal"
: > "$db"
refused_start "no marker, a 0-byte database: refused" "$db is empty (0 bytes), which hotpatchd never leaves"
rm -f "$db"
mv "$tmp/marker" "$marker"

# ---- restored from the copy: everything is there
cp "$tmp/saved.db" "$db"
start_daemon "$var" || not_ok "the start after the restore" "$(cat "$log")"
jcheck "after the restore the run-time override is there" "
	eq([x['reason'] for x in j['overrides'] if x['origin'] == 'runtime'], ['to be kept'], 'runtime')" override list
stop_daemon

# ---- --init-db: refused over a database with data; the explicit fresh start otherwise
timeout "$(tmo 10)" "$HOTPATCHD" -f --state-dir "$var" --calendar "$CAL" --schedules "$SCHED" \
    --http off --init-db > "$tmp/start.out" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -qF -- "--init-db: $db exists and holds data" "$tmp/start.out" &&
    [ "$(size "$db")" = "$(size "$tmp/saved.db")" ] &&
	ok "--init-db over a database with data is refused and changes nothing" ||
	not_ok "--init-db over a database with data is refused and changes nothing" "exit $rc" "$(cat "$tmp/start.out")"
: > "$db"
: > "$log"
start_daemon "$var" --init-db || not_ok "the start with --init-db" "$(cat "$log")"
grep -q "notice: --init-db: starting with a new, empty database $db" "$log" &&
    grep -q "notice: created a new, empty database $db" "$log" &&
	ok "--init-db over a 0-byte database starts afresh, and says so" ||
	not_ok "--init-db over a 0-byte database starts afresh, and says so" "$(cat "$log")"
jcheck "the new database has no run-time override" "
	eq([x for x in j['overrides'] if x['origin'] == 'runtime'], [], 'runtime')" override list
stop_daemon

# ---- a database from before the marker existed: adopted, marker written, nothing lost
rm -f "$marker"
cp "$tmp/saved.db" "$db"
: > "$log"
start_daemon "$var" || not_ok "a start without a marker" "$(cat "$log")"
[ -s "$marker" ] && ! grep -q "created a new" "$log" &&
	ok "an existing database without a marker gets one, and is not new" ||
	not_ok "an existing database without a marker gets one, and is not new" "$(cat "$log")"
jcheck "and keeps its data" "
	eq([x['reason'] for x in j['overrides'] if x['origin'] == 'runtime'], ['to be kept'], 'runtime')" override list
stop_daemon

finish
