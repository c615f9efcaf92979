#!/bin/sh
# regress/check.sh: hotpatchd -n on the shipped files and on broken copies,
# and the import into a fresh database, driving the real binary.
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
HOTPATCHD=$top_builddir/src/hotpatchd
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 n=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; shift; printf '#   %s\n' "$@"; }

# expect NAME WANT_RC WANT_OUTPUT_LINE -- command...
expect() {
	name=$1 want_rc=$2 want=$3
	shift 4
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -eq "$want_rc" ] && printf '%s\n' "$out" | grep -qxF -- "$want"; then
		ok "$name"
	else
		not_ok "$name" "exit $rc (want $want_rc)" "output: $out" "want line: $want"
	fi
}

cal=$top_srcdir/data/calendar.yaml
sched=$top_srcdir/schedules

out=$("$HOTPATCHD" --check --calendar "$cal" --schedules "$sched" 2>&1)
case $? in
0) case $out in "configuration OK: 5 OSes, "*) ok "shipped calendar and schedules pass the check" ;;
   *) not_ok "shipped calendar and schedules pass the check" "$out" ;; esac ;;
*) not_ok "shipped calendar and schedules pass the check" "$out" ;;
esac

# A broken copy of the shipped calendar: one kind misspelt on a known line.
line=$(grep -n 'kind: baseline' "$cal" | head -n 1 | cut -d: -f1)
col=$(grep -n 'kind: baseline' "$cal" | head -n 1 | cut -d: -f2- | awk '{ print index($0, "baseline") }')
sed "${line}s/kind: baseline/kind: basline/" "$cal" > "$tmp/calendar.yaml"
expect "a misspelt kind is reported at its line and column" 1 \
	"$tmp/calendar.yaml:$line:$col: kind must be baseline, hotpatch or lcu, got 'basline'" -- \
	"$HOTPATCHD" -n --calendar "$tmp/calendar.yaml" --schedules "$sched"

mkdir "$tmp/sched"
cp "$sched"/*.yaml "$tmp/sched/"
f=$(ls "$tmp/sched"/*.yaml | head -n 1)
line=$(grep -n 'deferral_days:' "$f" | head -n 1 | cut -d: -f1)
col=$(sed -n "${line}p" "$f" | awk '{ print index($0, "deferral_days:") + 15 }')
sed "${line}s/deferral_days: *[0-9]*/deferral_days: 45/" "$f" > "$f.new" && mv "$f.new" "$f"
expect "an out-of-range deferral in a ring file is reported precisely" 1 \
	"$f:$line:$col: deferral_days must be 0..30, got 45" -- \
	"$HOTPATCHD" -n --calendar "$cal" --schedules "$tmp/sched"

expect "a missing schedules directory is an error" 1 \
	"$tmp/none: cannot read schedules directory: No such file or directory" -- \
	"$HOTPATCHD" -n --calendar "$cal" --schedules "$tmp/none"

expect "an unknown option is a usage error" 2 \
	"hotpatchd: unknown option '--bogus' (see hotpatchd --help)" -- "$HOTPATCHD" --bogus
expect "an option without its value is a usage error" 2 \
	"hotpatchd: option '--calendar' needs a value" -- "$HOTPATCHD" --calendar

# Import twice into a fresh state directory: the second run changes nothing.
"$HOTPATCHD" --calendar "$cal" --schedules "$sched" --state-dir "$tmp/var" > "$tmp/run1" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q '^ws2025-azure ' "$tmp/run1" && [ -f "$tmp/var/hotpatchd.db" ]; then
	ok "import creates the database and prints the calendar"
else
	not_ok "import creates the database and prints the calendar" "exit $rc" "$(cat "$tmp/run1")"
fi
if command -v sqlite3 >/dev/null 2>&1; then
	sqlite3 "$tmp/var/hotpatchd.db" .dump > "$tmp/dump1"
	"$HOTPATCHD" --calendar "$cal" --schedules "$sched" --state-dir "$tmp/var" > /dev/null 2>&1
	sqlite3 "$tmp/var/hotpatchd.db" .dump > "$tmp/dump2"
	if cmp -s "$tmp/dump1" "$tmp/dump2"; then
		ok "re-importing the same files leaves the database identical"
	else
		not_ok "re-importing the same files leaves the database identical" "$(diff "$tmp/dump1" "$tmp/dump2" | head -n 5)"
	fi
	jm=$(sqlite3 "$tmp/var/hotpatchd.db" 'PRAGMA journal_mode;')
	[ "$jm" = wal ] && ok "the database is in WAL mode" || not_ok "the database is in WAL mode" "$jm"
	# A broken file afterwards: the import is refused and the database is untouched.
	"$HOTPATCHD" --calendar "$tmp/calendar.yaml" --schedules "$sched" --state-dir "$tmp/var" > /dev/null 2>&1
	rc=$?
	sqlite3 "$tmp/var/hotpatchd.db" .dump > "$tmp/dump3"
	if [ $rc -eq 1 ] && cmp -s "$tmp/dump1" "$tmp/dump3"; then
		ok "a broken calendar is refused and the database keeps its data"
	else
		not_ok "a broken calendar is refused and the database keeps its data" "exit $rc"
	fi
else
	not_ok "sqlite3 is installed for the database checks" "sqlite3 not found"
fi

echo "$((n - fails)) passed, $fails failed"
[ $fails -eq 0 ]
