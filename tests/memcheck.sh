#!/bin/sh
# tests/memcheck.sh: the regress scripts (tests/regress/*.sh, those in the Makefile's REGRESS)
# and the Check programs under valgrind's memcheck; no memory errors and no definite leaks.
#
#   tests/memcheck.sh [TREE] [SCRIPT...]
#
# TREE is a built, configured tree (sources and build in one place, as quickstart.sh makes
# them); by default the tree this script is in.  `make` is run there first so that the
# programs and the Check programs are up to date; it must not be a --enable-sanitizers
# build (valgrind and ASan do not mix).  SCRIPTs (names like ctl.sh, in tests/regress,
# listed in REGRESS or not) limit the run to those scripts and skip the Check programs.
#
# Both programs run as "valgrind --error-exitcode=99 --leak-check=full
# --errors-for-leak-kinds=definite --track-fds=no --log-file=DIR/%p.log" through the
# HOTPATCHD_WRAP/HOTPATCHCTL_WRAP hooks of tests/regress/lib.sh (which then sets
# WRAP_SLOW=1); the Check programs run with CK_FORK=no.  Every log is then scanned: an
# "ERROR SUMMARY: [1-9]" or "definitely lost: [1-9]" fails the run, with an excerpt.
# Each script or program gets at most $MEMCHECK_TIMEOUT seconds (1800; a cap for a hang, on
# a machine that may be busy).  In the scripts named in $MEMCHECK_DAEMON_ONLY (default
# load.sh) only hotpatchd runs under valgrind.  Prints per script "N passed, N failed" with
# its run time, and a total line; exits 1 on any failure.
# VALGRIND_EXTRA adds options (e.g. --suppressions=FILE) to every valgrind command;
# MEMCHECK_KEEP=1 keeps the valgrind logs and the scripts' outputs (the path is printed).
set -u

say() { printf 'memcheck: %s\n' "$*"; }
die() { printf 'memcheck: %s\n' "$*" >&2; exit 1; }

here=$(cd "$(dirname "$0")/.." && pwd)
tree=$here
if [ $# -gt 0 ] && [ -d "$1" ]; then
	tree=$(cd "$1" && pwd)
	shift
fi
only="$*"
limit=${MEMCHECK_TIMEOUT:-1800}
# Scripts that start hundreds of clients at once (load.sh: 200 concurrent hotpatchctl, each
# with a 10 s limit) cannot run them all under valgrind on a small machine: there only the
# daemon is.
daemon_only=${MEMCHECK_DAEMON_ONLY-load.sh}

command -v valgrind > /dev/null 2>&1 || die "valgrind is not installed (apt-get install valgrind)"
[ -f "$tree/Makefile" ] || die "$tree is not configured: run ./quickstart.sh check (or ./configure) first"
if grep -q '^HP_CFLAGS = .*-fsanitize' "$tree/Makefile"; then
	die "$tree is a --enable-sanitizers build; valgrind needs a build without sanitizers"
fi
# The Check programs and the regress scripts make check runs, from the Makefile itself.
mkvar() {
	printf 'memcheck-print:\n\t@echo $(%s)\n' "$1" |
		make -s -C "$tree" -f Makefile -f - memcheck-print
}
checks=$(mkvar check_PROGRAMS) || die "cannot list check_PROGRAMS in $tree"
regress=$(mkvar REGRESS) || die "cannot list REGRESS in $tree"
[ -n "$checks" ] && [ -n "$regress" ] || die "no check_PROGRAMS or no REGRESS in $tree/Makefile"
say "make in $tree"
# shellcheck disable=SC2086
make -s -C "$tree" all $checks > /dev/null || die "make failed in $tree"

work=$(mktemp -d "${TMPDIR:-/tmp}/hotpatchd-memcheck.XXXXXX")
cleanup() {
	if [ -n "${MEMCHECK_KEEP:-}" ]; then say "logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# Readable by all: the regress scripts run the client as nobody, and its valgrind must be
# able to write its log.
chmod 755 "$work"
mkdir -m 1777 "$work/tmp" "$work/vg"
chmod 1777 "$work/tmp" "$work/vg"

vg="valgrind --tool=memcheck --error-exitcode=99 --leak-check=full --show-leak-kinds=definite
	--errors-for-leak-kinds=definite --track-fds=no --num-callers=30 ${VALGRIND_EXTRA:-}"
vg=$(printf '%s' "$vg" | tr '\n\t' '  ')

start=$(date +%s)
passed=0 failed=0 bad=0
results=$work/results
: > "$results"

# scan_logs DIR: every valgrind log in DIR; prints excerpts of the bad ones, returns 1 if any.
# Logs without an ERROR SUMMARY are processes that were killed (kill -9, timeouts): counted.
scan_logs() {
	_bad=0 _n=0 _killed=0
	for _l in "$1"/*.log; do
		[ -f "$_l" ] || continue
		_n=$((_n + 1))
		grep -q 'ERROR SUMMARY:' "$_l" || _killed=$((_killed + 1))
		if grep -qE 'ERROR SUMMARY: [1-9]|definitely lost: [1-9]' "$_l"; then
			_bad=$((_bad + 1))
			# The first three in full; the others are usually the same error again.
			if [ $_bad -gt 3 ]; then
				say "valgrind errors in $(basename "$1")/$(basename "$_l") too"
				continue
			fi
			say "valgrind errors in $(basename "$1")/$(basename "$_l") ($(sed -n 's/^==[0-9]*== Command: //p' "$_l" | head -n 1)):"
			# Everything from the first error on, without the banner; bounded.
			sed -n '/^==[0-9]*== Command:/,$p' "$_l" | sed 1,2d |
				grep -v '^==[0-9]*== *$' | head -n 80 | sed 's/^/    /'
		fi
	done
	printf '%s processes, %s killed before their summary' "$_n" "$_killed" > "$1.count"
	[ $_bad -eq 0 ]
}

# record NAME RC SECONDS LOG: the closing line of LOG, the totals.
record() {
	_name=$1 _rc=$2 _secs=$3 _log=$4
	_line=$(grep -E '^[0-9]+%: Checks: ' "$_log" | tail -n 1)
	if [ -n "$_line" ]; then
		_c=$(printf '%s' "$_line" | sed -E 's/.*Checks: ([0-9]+).*/\1/')
		_f=$(printf '%s' "$_line" | sed -E 's/.*Failures: ([0-9]+), Errors: ([0-9]+).*/\1 \2/')
		_p=$((_c - ${_f% *} - ${_f#* })) _f=$((${_f% *} + ${_f#* }))
	else
		_p=$(grep -c '^ok ' "$_log") _f=$(grep -c '^not ok ' "$_log")
		_line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$_log" | tail -n 1)
		[ -n "$_line" ] || _line="$_p passed, $_f failed (no closing line)"
	fi
	_note=
	case $_rc in
	0) ;;
	124|137) _note=" TIMED OUT after ${limit} s" ;;
	99) _note=" valgrind error exit (99)" ;;
	*) _note=" exit $_rc" ;;
	esac
	passed=$((passed + _p)) failed=$((failed + _f))
	printf '%-26s %s  [%ss]%s\n' "$_name" "$_line" "$_secs" "$_note" | tee -a "$results"
	if [ "$_rc" -ne 0 ]; then
		bad=$((bad + 1))
		awk '/^not ok /{p=1; print; next} /^#/{if (p) print; next} {p=0}' "$_log" |
			head -n 60 | sed 's/^/    /'
		[ "$_f" -gt 0 ] || tail -n 15 "$_log" | sed 's/^/    /'
	fi
}

export top_srcdir="$tree" top_builddir="$tree" CK_VERBOSITY=normal
export TMPDIR="$work/tmp"

# ---- the regress scripts ----------------------------------------------------------------
if [ -n "$only" ]; then
	regress=
	for name in $only; do
		[ -f "$tree/tests/regress/$name" ] || die "no tests/regress/$name in $tree"
		regress="$regress tests/regress/$name"
	done
fi
for s in $regress; do
	name=$(basename "$s")
	s=$tree/$s
	d=$work/vg/$name
	mkdir -m 1777 "$d"
	chmod 1777 "$d"
	t0=$(date +%s)
	ctl_wrap="$vg --log-file=$d/hotpatchctl.%p.log"
	case " $daemon_only " in *" $name "*)
		say "$name: only the daemon under valgrind (its hundreds of concurrent clients run as they are)"
		ctl_wrap= ;;
	esac
	HOTPATCHD_WRAP="$vg --log-file=$d/hotpatchd.%p.log" HOTPATCHCTL_WRAP=$ctl_wrap \
		timeout -k 10 "$limit" sh "$s" > "$work/$name.out" 2>&1 < /dev/null
	rc=$?
	t1=$(date +%s)
	scan_logs "$d" || { [ $rc -ne 0 ] || rc=99; }
	record "regress/$name" $rc $((t1 - t0)) "$work/$name.out"
	say "  ($(cat "$d.count"))"
done

# ---- the Check programs, in-process --------------------------------------------------------
if [ -z "$only" ]; then
	for p in $checks; do
		name=$(basename "$p")
		d=$work/vg/$name
		mkdir -m 1777 "$d"
		t0=$(date +%s)
		# shellcheck disable=SC2086
		(cd "$tree" && CK_FORK=no timeout -k 10 "$limit" $vg --log-file="$d/%p.log" "./$p") \
			> "$work/$name.out" 2>&1 < /dev/null
		rc=$?
		t1=$(date +%s)
		scan_logs "$d" || { [ $rc -ne 0 ] || rc=99; }
		record "$p" $rc $((t1 - t0)) "$work/$name.out"
	done
fi

total=$(($(date +%s) - start))
echo "$passed passed, $failed failed"
say "the slowest: $(sort -t'[' -k2 -n -r "$results" 2>/dev/null | sed -n 's/^\([^ ]*\) .*\[\([0-9]*\)s\].*/\1 \2s/p' | head -n 3 | tr '\n' ' ')"
if [ $bad -ne 0 ] || [ $failed -ne 0 ]; then
	say "FAILED: $bad of the scripts/programs failed or had valgrind errors; $total s"
	exit 1
fi
say "no valgrind errors, no definite leaks; $total s"
