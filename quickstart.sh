#!/bin/sh
# quickstart.sh: set up, build and run hotpatchd from this source tree.
#
#   ./quickstart.sh          install what is missing, build, run hotpatchd in the foreground
#   ./quickstart.sh check    install what is missing, build with -Werror, run every test,
#                            again under ASan/UBSan and valgrind, fuzz briefly, and
#                            build, lint and (as root) install the Debian package
#   ./quickstart.sh bench    install the benchmark tools, build, run bench/run.sh
#   ./quickstart.sh crash [CYCLES]
#                            build, then kill -9 and restart hotpatchd CYCLES (500) times
#                            under concurrent writers and check that no change is lost
#   ./quickstart.sh fuzz [SECONDS]
#                            build every fuzz target, run each for SECONDS (600) and merge
#                            what it found into the corpus in tests/fuzz/corpus
#
# On Debian 12 as root the missing packages are installed with apt-get; as
# another user the exact apt-get line is printed and nothing else happens.
set -eu
cd "$(dirname "$0")"
. ./tests/tools.sh

BUILD_PKGS="gcc make autoconf automake pkg-config libc6-dev tzdata
	libical-dev libsqlite3-dev libyaml-dev check libmicrohttpd-dev libjansson-dev libdeflate-dev zlib1g-dev"
TEST_PKGS="socat curl sqlite3 python3 python3-icalendar python3-jsonschema python3-yaml valgrind util-linux chromium vdirsyncer wrk clang libclang-rt-14-dev git nginx-light
	systemd zsh debhelper dpkg-dev lintian"

BENCH_PKGS="wrk nginx-light redis-server redis-tools hyperfine python3 curl util-linux python3-icalendar"

say() { printf 'quickstart: %s\n' "$*"; }
die() { printf 'quickstart: %s\n' "$*" >&2; exit 1; }

missing_packages() {
	for p in "$@"; do
		s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
		[ "$s" = installed ] || printf '%s ' "$p"
	done
}

install_packages() {
	command -v dpkg-query >/dev/null 2>&1 || {
		say "not a Debian system: make sure these are installed: $*"
		return 0
	}
	# shellcheck disable=SC2086
	missing=$(missing_packages $*)
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		die "missing packages; run as root:
  apt-get update && apt-get install -y --no-install-recommends $missing"
	fi
	say "installing: $missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing >/dev/null
}

build() {
	if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt configure ]; then
		say "autoreconf"
		autoreconf -fi >/dev/null
	fi
	if [ ! -f Makefile ] || [ configure -nt config.status ]; then
		say "configure --enable-werror"
		./configure -q --enable-werror
	fi
	say "make"
	make -s -j"$(nproc 2>/dev/null || echo 2)"
}

# Print each test program's closing line; add them to passed/failed.
summarise() {
	for log in tests/*.log tests/regress/*.log tests/crash/*.log; do
		[ -f "$log" ] || continue
		case $log in */test-suite.log|*.suite.log) continue ;; esac
		tally "$log"
	done
}

# run_suite NAME COMMAND...: one more suite; its closing "N passed, N failed"
# line is added to the totals, and its log is shown if it fails.
run_suite() {
	name=$1
	shift
	log=tests/$name.suite.log
	say "$name"
	src=0
	"$@" > "$log" 2>&1 || src=$?
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 || true)
	[ -n "$line" ] || line="0 passed, 1 failed"
	printf '%-34s %s\n' "$name" "$line"
	p=${line%% passed*}
	f=${line#*, }
	f=${f%% failed*}
	passed=$((passed + p)) failed=$((failed + f))
	if [ $src -ne 0 ]; then
		tail -n 60 "$log"
		bad="$bad $name"
	fi
}

# The daemon in the foreground, with the example inventory loaded into an
# empty database so that fleet and /fleet answer at once.  A background job
# of this script ignores SIGINT: Ctrl-C reaches it through the trap.
run_demo() {
	ctl="src/hotpatchctl --socket var/hotpatchd.sock"
	src/hotpatchd -f &
	pid=$!
	trap 'kill -TERM $pid 2>/dev/null' INT TERM
	i=0
	until $ctl status >/dev/null 2>&1 || [ $i -ge 100 ] || ! kill -0 $pid 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	if $ctl --json devices --limit 1 2>/dev/null | grep -q '"stored": 0,'; then
		say "loading the example inventory (one row names a ring that is gone, to show a refusal):"
		say "  $ctl devices import schedules/devices-example.csv --skip-bad"
		$ctl devices import schedules/devices-example.csv --skip-bad || true
	fi
	say "open http://127.0.0.1:8080/ in a browser to subscribe to the feeds (plan: /plan, devices: /fleet)"
	say "in another terminal, try:"
	say "  $ctl calendar --year 2027"
	say "  $ctl next --os win11-24h2"
	say "  $ctl fleet"
	say "  $ctl device show LAPTOP-0101"
	rc=0
	wait $pid || rc=$?
	# The trap interrupts wait; the daemon's own status is the one to return.
	kill -0 $pid 2>/dev/null && { wait $pid || rc=$?; }
	exit $rc
}

case "${1:-run}" in
run)
	install_packages $BUILD_PKGS
	build
	say "starting src/hotpatchd in the foreground (Ctrl-C stops it)"
	say "  calendar data/calendar.yaml, rings schedules/, database and socket in ./var"
	run_demo
	;;
check)
	install_packages $BUILD_PKGS $TEST_PKGS
	build
	say "make check"
	rc=0 passed=0 failed=0 bad=
	make -s -j"$(nproc 2>/dev/null || echo 2)" check || rc=$?
	summarise
	[ $rc -eq 0 ] || { cat test-suite.log 2>/dev/null || true; bad="make-check"; }
	# The same suite again under ASan/UBSan, then under valgrind, then fuzzing.
	run_suite sanitizers tests/sanitizers.sh
	run_suite memcheck tests/memcheck.sh
	run_suite fuzz tests/fuzz/run.sh "${FUZZ_SECONDS:-20}"
	# Build the .deb and lint it; as root also install, run and purge it.
	run_suite package tests/package.sh
	echo "$passed passed, $failed failed"
	[ -z "$bad" ] || die "tests failed:$bad"
	;;
bench)
	# bench/run.sh comes here for its packages and the build, then goes back.
	install_packages $BUILD_PKGS $BENCH_PKGS
	build
	make -s bench-programs
	shift
	HP_BENCH_READY=1 exec bench/run.sh "$@"
	;;
crash)
	# The crash test of make check (tests/crash/crash.sh), long: no time budget.
	install_packages $BUILD_PKGS sqlite3 python3
	build
	cycles=${2:-500}
	case $cycles in '' | *[!0-9]*) die "usage: ./quickstart.sh crash [CYCLES]" ;; esac
	say "tests/crash/crash.sh: $cycles kill/restart cycles (CRASH_SEED=N repeats a run)"
	top_srcdir=$PWD top_builddir=$PWD CRASH_ROUNDS=$cycles CRASH_BUDGET=0 CRASH_QUIET=1 \
		exec sh tests/crash/crash.sh
	;;
fuzz)
	# Long fuzzing that keeps what it finds: the corpus in the tree grows (minimised).
	install_packages $BUILD_PKGS clang libclang-rt-14-dev
	build
	secs=${2:-600}
	case $secs in '' | *[!0-9]*) die "usage: ./quickstart.sh fuzz [SECONDS]" ;; esac
	FUZZ_GROW=1 top_builddir=$PWD exec tests/fuzz/run.sh "$secs"
	;;
-h|--help|help)
	sed -n '2,/^set -eu/s/^# \{0,1\}//p' "$0"
	;;
*)
	die "unknown command '$1' (use: ./quickstart.sh [check|bench|crash [CYCLES]|fuzz [SECONDS]])"
	;;
esac
