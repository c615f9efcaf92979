#!/bin/sh
# regress/backup.sh: hotpatchctl backup against a running hotpatchd: a consistent copy made
# while the daemon serves (and while changes go on), checked with the sqlite3 shell; the
# audit row; who may ask for one; a path the client cannot write (the daemon then makes no
# copy at all); the restore procedure of doc/store.md, end to end; and no temporary file
# outlives a killed client or a killed daemon.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
tmp=$(mktemp -d)
load_pid= fake_pid= hung_pid= watch_pid=
cleanup() {
	for p in $daemon_pid $load_pid $fake_pid $hung_pid $watch_pid; do kill -KILL "$p" 2>/dev/null; done
	[ -n "${KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
trap "exit 1" HUP INT PIPE TERM

sock=$tmp/var/hotpatchd.sock
db=$tmp/var/hotpatchd.db

# q FILE SQL: one value from a database, read-only.
q() { sqlite3 -readonly "$1" "$2" 2>&1; }
# leftovers: the daemon's temporary copies still in its state directory (none, normally).
leftovers() { find "$tmp/var" -name '*.backup-*' | tr '\n' ' '; }
# backups: the audit rows of backups in the live database.
backups() { sqlite3 "$db" "SELECT count(*) FROM audit WHERE command = 'backup';"; }
# client_temps NAME: the client's temporary files for $tmp/NAME (today's names and the old ones).
client_temps() { find "$tmp" -maxdepth 1 -name ".$1.hotpatchctl-*" -o -name "$1.tmp.*" | tr '\n' ' '; }
# poll_for PATH SECONDS: wait for PATH to exist, at most $(tmo SECONDS).
poll_for() {
	_i=0
	while ! [ -e "$1" ] && [ $_i -lt $((20 * $(tmo "$2"))) ]; do sleep 0.05; _i=$((_i + 1)); done
}
# size FILE: its length in bytes.
size() { wc -c < "$1" | tr -d ' '; }

# ---------------------------------------------------------------------------
# Usage errors: exit 2 before connecting.

run --socket "$tmp/nodaemon.sock" backup
refused "backup without FILE exits 2 before connecting" 2 "wrong number of arguments"
run --socket "$tmp/nodaemon.sock" backup "$tmp/x.db"
refused "backup with no daemon exits 3" 3 "cannot reach"
[ ! -e "$tmp/x.db" ] && [ -z "$(client_temps x.db)" ] &&
	ok "no file and no temporary file are left when the daemon cannot be reached" ||
	not_ok "no file and no temporary file are left when the daemon cannot be reached" "$(ls -la "$tmp")"

# ---------------------------------------------------------------------------
# A backup while the daemon serves, with an override and a blackout present.

# As root, the socket is opened to everyone so that nobody can be refused further down.
if [ "$(id -u)" -eq 0 ]; then
	chmod 755 "$tmp"
	printf 'version: 1\nsocket: {mode: "0666"}\n' > "$tmp/open.yaml"
	daemon_args="-c $tmp/open.yaml"
else
	daemon_args=
fi
# shellcheck disable=SC2086
start_daemon "$tmp/var" $daemon_args || not_ok "the daemon starts" "$(cat "$tmp/var.log")"

ctl override set ws2022-azure 2027-03 baseline --reason "before the backup"
answered "override set before the backup"
ctl blackout add --name "pre-backup freeze" --from 2026-12-20 --to 2026-12-31
answered "blackout add before the backup"

# Changes keep coming while the copies are made: a writer in the background.
(
	i=1
	while [ $i -le 40 ]; do
		"$HOTPATCHCTL" --socket "$sock" blackout add --name "load $i" --from 2027-02-01 \
		    --to 2027-02-02 > /dev/null 2>&1
		i=$((i + 1))
	done
) &
load_pid=$!
ctl backup "$tmp/b1.db"
b1_rc=$rc
cp "$tmp/out" "$tmp/b1.out"
ctl backup "$tmp/b2.db"
wait "$load_pid"
load_pid=
rc=$b1_rc
cp "$tmp/b1.out" "$tmp/out"
answered "backup while changes are being made exits 0"
b1=$(size "$tmp/b1.db" 2>/dev/null || echo 0)
schema=$(sed -n 's/^#define STORE_SCHEMA_VERSION //p' "${top_srcdir:-.}/src/store.h")
has "it says where the copy went, how big it is and its schema" \
    "backup written to $tmp/b1.db ($b1 bytes, schema $schema)"
[ "$(lines "$tmp/out")" = 1 ] && ok "backup prints one line" || not_ok "backup prints one line" "$(cat "$tmp/out")"

for f in b1 b2; do
	r=$(q "$tmp/$f.db" 'PRAGMA integrity_check;')
	[ "$r" = ok ] && ok "$f: PRAGMA integrity_check is ok" || not_ok "$f: PRAGMA integrity_check is ok" "$r"
	# Every change is one transaction with its audit row: a snapshot holds both or neither.
	r=$(q "$tmp/$f.db" "SELECT (SELECT count(*) FROM blackouts WHERE name LIKE 'load %')
	    || ' ' || (SELECT count(*) FROM audit WHERE command = 'blackout add' AND args LIKE '%\"load %');")
	nb=${r% *} na=${r#* }
	[ -n "$nb" ] && [ "$nb" = "$na" ] &&
		ok "$f: a consistent snapshot: $nb load blackouts and exactly as many audit rows" ||
		not_ok "$f: a consistent snapshot: as many load blackouts as audit rows" "$r"
done

r=$(q "$tmp/b1.db" "SELECT os_id, month / 12, month % 12 + 1, kind, reason, origin FROM overrides
    WHERE origin = 'runtime';")
[ "$r" = "ws2022-azure|2027|3|baseline|before the backup|runtime" ] &&
	ok "the copy holds the run-time override with its reason" ||
	not_ok "the copy holds the run-time override with its reason" "got: $r"
r=$(q "$tmp/b1.db" "SELECT name, from_date, to_date, origin FROM blackouts WHERE name = 'pre-backup freeze';")
[ "$r" = "pre-backup freeze|2026-12-20|2026-12-31|runtime" ] &&
	ok "the copy holds the run-time blackout" || not_ok "the copy holds the run-time blackout" "got: $r"
r=$(q "$tmp/b1.db" 'PRAGMA user_version;')
[ "$r" = "$schema" ] && ok "the copy is schema version $schema (src/store.h)" ||
	not_ok "the copy is schema version $schema (src/store.h)" "got: $r"
r=$(q "$tmp/b1.db" 'PRAGMA journal_mode;')
[ "$r" = delete ] && [ ! -e "$tmp/b1.db-wal" ] &&
	ok "the copy is one self-contained file (journal mode delete, no -wal)" ||
	not_ok "the copy is one self-contained file (journal mode delete, no -wal)" "journal mode: $r"
r=$(stat -c %a "$tmp/b1.db")
[ "$r" = 600 ] && ok "the copy is mode 0600 (it holds the audit trail)" ||
	not_ok "the copy is mode 0600 (it holds the audit trail)" "mode $r"
[ -z "$(leftovers)" ] && ok "the daemon's temporary copies are gone" ||
	not_ok "the daemon's temporary copies are gone" "$(leftovers)"
[ -z "$(client_temps 'b*.db')" ] &&
	ok "the client's temporary files are gone" || not_ok "the client's temporary files are gone" "$(ls "$tmp")"

r=$(sqlite3 "$db" "SELECT uid || '|' || args || '|' || result FROM audit WHERE command = 'backup' ORDER BY id LIMIT 1;")
[ "$r" = "$(id -u)|backup $tmp/b1.db --json|ok $b1 bytes" ] &&
	ok "the backup is in the audit table: 'ok N bytes'" ||
	not_ok "the backup is in the audit table: 'ok N bytes'" "got: $r" "want: $(id -u)|backup $tmp/b1.db --json|ok $b1 bytes"

jcheck "backup --json answers file, bytes and schema" "
	eq(sorted(j), ['bytes', 'file', 'schema'], 'keys')
	eq(j['file'], '$tmp/b3.db', 'file')
	eq(j['schema'], $schema, 'schema')
	import os
	eq(os.path.getsize(j['file']), j['bytes'], 'bytes on disk')
" backup "$tmp/b3.db"

# A second backup over an existing file replaces it whole.
echo "not a database" > "$tmp/old.db"
ctl backup "$tmp/old.db"
r=$(q "$tmp/old.db" 'PRAGMA integrity_check;')
[ $rc -eq 0 ] && [ "$r" = ok ] && ok "a backup replaces an existing file" ||
	not_ok "a backup replaces an existing file" "exit $rc, integrity: $r" "$(cat "$tmp/err")"

# ---------------------------------------------------------------------------
# A path the client cannot write: refused by the client before it asks the daemon.

before=$(backups)
ctl backup "$tmp/no/such/dir/b.db"
refused "backup into a missing directory: exit 1, cannot write" 1 "cannot write $tmp/no/such/dir/b.db"
mkdir "$tmp/adir"
ctl backup "$tmp/adir"
refused "backup onto a directory: exit 1, it is a directory" 1 "it is a directory"
if [ "$(id -u)" -ne 0 ]; then
	mkdir "$tmp/ro"
	chmod 555 "$tmp/ro"
	ctl backup "$tmp/ro/b.db"
	refused "backup into a read-only directory: exit 1, permission denied" 1 "cannot write $tmp/ro/b.db"
	[ -z "$(ls -A "$tmp/ro")" ] && ok "nothing was written into the read-only directory" ||
		not_ok "nothing was written into the read-only directory" "$(ls -A "$tmp/ro")"
else
	skip "backup into a read-only directory: exit 1, permission denied" "root writes anywhere"
	skip "nothing was written into the read-only directory" "root writes anywhere"
fi
[ "$(backups)" = "$before" ] && [ -z "$(leftovers)" ] && [ ! -e "$tmp/no" ] &&
	[ -z "$(ls -A "$tmp/adir")" ] &&
	ok "for an unwritable path the daemon made no copy and wrote nothing" ||
	not_ok "for an unwritable path the daemon made no copy and wrote nothing" \
	    "audit rows $before -> $(backups), leftovers: $(leftovers)"

# ---------------------------------------------------------------------------
# A peer that is not an admin may not take a copy.  Needs root to become nobody.

if root_or_skip "backup by a non-admin: exit 1, permission denied" \
    "a refused backup leaves no file and no audit row"; then
	cp "$HOTPATCHCTL" "$tmp/hotpatchctl"
	chmod 755 "$tmp/hotpatchctl" "$tmp/var"
	mkdir -m 755 "$tmp/nb"
	chown nobody "$tmp/nb"
	become_nobody=$(nobody_cmd)
	before=$(backups)
	# shellcheck disable=SC2086
	timeout "$(tmo 60)" $become_nobody "$tmp/hotpatchctl" --socket "$sock" backup "$tmp/nb/b.db" \
	    > "$tmp/out" 2> "$tmp/err"
	rc=$?
	refused "backup by a non-admin: exit 1, permission denied" 1 "permission denied"
	[ -z "$(ls -A "$tmp/nb")" ] && [ "$(backups)" = "$before" ] && [ -z "$(leftovers)" ] &&
		ok "a refused backup leaves no file and no audit row" ||
		not_ok "a refused backup leaves no file and no audit row" "$(ls -A "$tmp/nb")" \
		    "audit rows $before -> $(backups)"
fi

# ---------------------------------------------------------------------------
# Restore, as doc/store.md says: stop, replace the database (and drop -wal, -shm), start.

ctl backup "$tmp/restore.db"
answered "the backup to restore from is taken"
ctl override set ws2022-azure 2027-04 baseline --reason "after the backup"
answered "override set after the backup"
ctl blackout add --name "post-backup freeze" --from 2027-01-10 --to 2027-01-12
answered "blackout add after the backup"
ctl override clear ws2022-azure 2027-03
answered "override clear after the backup"

stop_daemon
rc=$?
[ $rc -eq 0 ] && ok "the daemon stops for the restore" || not_ok "the daemon stops for the restore" "exit $rc"
cp "$tmp/restore.db" "$db"
rm -f "$db-wal" "$db-shm"
# shellcheck disable=SC2086
start_daemon "$tmp/var" $daemon_args || not_ok "the daemon starts on the restored database" "$(tail -n 3 "$tmp/var.log")"

jcheck "after the restore the pre-backup override is back and the later one is gone" '
	rt = sorted((o["os"], o["month"], o["kind"], o["reason"]) for o in j["overrides"]
	            if o["origin"] == "runtime")
	eq(rt, [("ws2022-azure", "2027-03", "baseline", "before the backup")], "run-time overrides")
' override list
jcheck "after the restore the pre-backup blackout is there and the later one is gone" '
	names = [b["name"] for b in j["blackouts"]]
	eq("pre-backup freeze" in names, True, "pre-backup freeze")
	eq("post-backup freeze" in names, False, "post-backup freeze")
' blackout list
r=$(sqlite3 "$db" 'PRAGMA journal_mode; PRAGMA integrity_check;' | tr '\n' ' ')
[ "$r" = "wal ok " ] && ok "the restored database is back in WAL mode and intact" ||
	not_ok "the restored database is back in WAL mode and intact" "got: $r"
ctl override set ws2022-azure 2027-04 hotpatch --reason "after the restore"
answered "changes work on the restored database"

# ---------------------------------------------------------------------------
# The client's temporary file: never a predictable name, gone after a signal, and one left by
# a SIGKILL is removed by the next backup to the same FILE (unless its writer still lives).

echo "precious" > "$tmp/victim"
# The name hotpatchctl used to write, FILE.tmp.PID, planted as a symlink (the shell's pid is
# hotpatchctl's after exec): not followed, and no reason to fail.
timeout "$(tmo 10)" sh -c 'ln -s "$1/victim" "$1/p.db.tmp.$$" &&
    exec "$2" --socket "$3" backup "$1/p.db"' sh "$tmp" "$HOTPATCHCTL" "$sock" \
    > "$tmp/out" 2> "$tmp/err"
rc=$?
r=$(q "$tmp/p.db" 'PRAGMA integrity_check;')
[ $rc -eq 0 ] && [ "$r" = ok ] && [ "$(cat "$tmp/victim")" = precious ] &&
	ok "a symlink planted at a predictable temporary name neither stops nor redirects the backup" ||
	not_ok "a symlink planted at a predictable temporary name neither stops nor redirects the backup" \
	    "exit $rc: $(cat "$tmp/err")" "victim: $(cat "$tmp/victim")"
rm -f "$tmp"/p.db.tmp.*

# hang_server: a control socket at $tmp/fake.sock that accepts and never answers.
hang_server() {
	rm -f "$tmp/fake.sock"
	python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(8)
conns = []
end = time.time() + int(sys.argv[2])
s.settimeout(1)
while time.time() < end:
    try:
        conns.append(s.accept()[0])
    except socket.timeout:
        pass
' "$tmp/fake.sock" "$(tmo 60)" &
	fake_pid=$!
	poll_for "$tmp/fake.sock" 60
}
# hung_backup NAME: a backup to $tmp/NAME that waits on the hanging server, in the
# background ($hung_pid), once its temporary file exists (one more than before).
hung_backup() {
	_before=$(client_temps "$1")
	"$HOTPATCHCTL" --socket "$tmp/fake.sock" backup "$tmp/$1" > /dev/null 2>&1 &
	hung_pid=$!
	i=0
	while [ "$(client_temps "$1")" = "$_before" ] && [ $i -lt $((20 * $(tmo 60))) ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

hang_server
for sig in TERM INT HUP; do
	hung_backup "k.db"
	t=$(client_temps k.db)
	kill "-$sig" "$hung_pid"
	wait "$hung_pid" 2>/dev/null
	r=$?
	hung_pid=
	[ -n "$t" ] && [ -z "$(client_temps k.db)" ] && [ ! -e "$tmp/k.db" ] &&
		ok "a client killed with $sig mid-backup removes its temporary file (exit $r)" ||
		not_ok "a client killed with $sig mid-backup removes its temporary file" \
		    "while waiting: '$t'; after: '$(client_temps k.db)'; exit $r"
done
hung_backup "k.db"
t=$(client_temps k.db)
kill -KILL "$hung_pid"
wait "$hung_pid" 2>/dev/null
hung_pid=
case $t in
*"/.k.db.hotpatchctl-"??????" ") ok "a client killed with KILL leaves one recognisable .FILE.hotpatchctl-XXXXXX" ;;
*) not_ok "a client killed with KILL leaves one recognisable .FILE.hotpatchctl-XXXXXX" "left: '$t'" ;;
esac
# A live client's temporary for the same FILE, which the next backup must leave alone.
hung_backup "k.db"
t2=$(client_temps k.db)
live=
for x in $t2; do case " $t" in *" $x "*) ;; *) live=$x ;; esac; done
ctl backup "$tmp/k.db"
r=$(q "$tmp/k.db" 'PRAGMA integrity_check;')
[ $rc -eq 0 ] && [ "$r" = ok ] && [ "$(client_temps k.db)" = "$live " ] &&
	ok "the next backup to FILE removes the dead client's temporary and keeps the live one's" ||
	not_ok "the next backup to FILE removes the dead client's temporary and keeps the live one's" \
	    "exit $rc: $(cat "$tmp/err")" "before: '$t2'; live: '$live'; after: '$(client_temps k.db)'"
kill -TERM "$hung_pid"
wait "$hung_pid" 2>/dev/null
hung_pid=
kill -KILL "$fake_pid"
wait "$fake_pid" 2>/dev/null
fake_pid=
[ -z "$(client_temps k.db)" ] && ok "nothing is left once the live client is stopped" ||
	not_ok "nothing is left once the live client is stopped" "$(client_temps k.db)"

stop_daemon
rc=$?
[ $rc -eq 0 ] && ok "the daemon stops with exit 0" || not_ok "the daemon stops with exit 0" "exit $rc"

# ---------------------------------------------------------------------------
# The daemon's copies: a hotpatchd killed mid-backup leaves one; the next start removes it.

# Copies as a killed daemon leaves them, and names that are not its copies, which stay.
for f in hotpatchd.db.backup-Ab3dE9 hotpatchd.db.backup-Ab3dE9-journal hotpatchd.db.backup-zz0000-wal \
    hotpatchd.db.backup-zz0000-shm; do
	echo copy > "$tmp/var/$f"
done
for f in hotpatchd.db.backup-Ab3d hotpatchd.db.backup-Ab3dE9.txt other.db.backup-Ab3dE9 \
    hotpatchd.db.backup-Ab3dE9-journal2 hotpatchd.db.backup-Ab_dE9; do
	echo keep > "$tmp/var/$f"
done
ln -s "$tmp/victim" "$tmp/var/hotpatchd.db.backup-Sym123"
# shellcheck disable=SC2086
start_daemon "$tmp/var" $daemon_args || not_ok "the daemon starts" "$(tail -n 3 "$tmp/var.log")"
r=$(cd "$tmp/var" && ls -d hotpatchd.db.backup-* other.db.backup-* 2>/dev/null | tr '\n' ' ')
[ "$r" = "hotpatchd.db.backup-Ab3d hotpatchd.db.backup-Ab3dE9-journal2 hotpatchd.db.backup-Ab3dE9.txt hotpatchd.db.backup-Ab_dE9 hotpatchd.db.backup-Sym123 other.db.backup-Ab3dE9 " ] &&
	[ "$(cat "$tmp/victim")" = precious ] &&
	ok "at start-up the daemon removes its leftover copies and their journals, nothing else" ||
	not_ok "at start-up the daemon removes its leftover copies and their journals, nothing else" "left: $r"
grep -q "removed $tmp/var/hotpatchd.db.backup-Ab3dE9, a backup copy left" "$tmp/var.log" &&
	ok "the daemon logs each leftover it removes" ||
	not_ok "the daemon logs each leftover it removes" "$(tail -n 5 "$tmp/var.log")"
rm -f "$tmp"/var/*.backup-*
stop_daemon

# The real thing: a database of some 24 MiB, SIGKILL as soon as its copy appears.  The watcher
# is running (it says so in $tmp/watching) before the backup is asked for.
sqlite3 "$db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
    INSERT INTO audit (at, uid, command, args, result) SELECT 0, 0, 'filler',
    hex(randomblob(4096)), 'ok' FROM n;"
# shellcheck disable=SC2086
start_daemon "$tmp/var" $daemon_args || not_ok "the daemon starts on the big database" "$(tail -n 3 "$tmp/var.log")"
python3 -c '
import os, signal, sys, time
d, pid, cap, ready = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
open(ready, "w").close()
end = time.time() + cap
while time.time() < end:
    if any(".backup-" in f for f in os.listdir(d)):
        os.kill(pid, signal.SIGKILL)
        sys.exit(0)
sys.exit(1)
' "$tmp/var" "$daemon_pid" "$(tmo 120)" "$tmp/watching" &
watch_pid=$!
poll_for "$tmp/watching" 60
"$HOTPATCHCTL" --socket "$sock" backup "$tmp/big.db" > "$tmp/big.out" 2>&1 &
hung_pid=$!
wait "$watch_pid"
killed=$?
watch_pid=
kill -KILL "$daemon_pid" 2>/dev/null
wait "$daemon_pid" 2>/dev/null
daemon_pid=
wait "$hung_pid"
r=$?
hung_pid=
left=$(leftovers)
[ $killed -eq 0 ] && [ -n "$left" ] && [ $r -eq 3 ] && [ -z "$(client_temps big.db)" ] && [ ! -e "$tmp/big.db" ] &&
	ok "hotpatchd killed mid-backup leaves its copy; the client exits 3 and leaves nothing" ||
	not_ok "hotpatchd killed mid-backup leaves its copy; the client exits 3 and leaves nothing" \
	    "killed: $killed, left: '$left', client exit $r: $(cat "$tmp/big.out")" "client temps: $(client_temps big.db)"
# The killed daemon's socket is still there: wait for the new one.
rm -f "$sock"
# shellcheck disable=SC2086
start_daemon "$tmp/var" $daemon_args || not_ok "the daemon starts again" "$(tail -n 3 "$tmp/var.log")"
[ -z "$(leftovers)" ] && ok "after the restart no copy is left in the state directory" ||
	not_ok "after the restart no copy is left in the state directory" "$(leftovers)"
stop_daemon
rc=$?
[ $rc -eq 0 ] && ok "the daemon stops with exit 0 after the restart" ||
	not_ok "the daemon stops with exit 0 after the restart" "exit $rc"
finish
