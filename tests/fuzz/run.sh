#!/bin/bash
# tests/fuzz/run.sh [SECONDS]: build the libFuzzer targets with clang (ASan and UBSan)
# and run each for SECONDS (60 by default) on a copy of its seed corpus.
#
# First every file in tests/fuzz/regress/<target>/ (inputs that crashed once) is
# replayed; then each target fuzzes.  Per target it prints the executions,
# executions per second, the corpus size (files in the work corpus at the end,
# and in tests/fuzz/corpus/<target>) and the crashes; a crash, leak or timeout
# leaves the input in $FUZZ_BUILD/crashes/<target>/ and makes the script exit 1.
# The closing line is "N passed, M failed".  Without clang or libFuzzer it
# prints "skip" lines and exits 0.  ./quickstart.sh fuzz [SECONDS] runs it with
# FUZZ_GROW=1 (600 s a target by default).
#
# Environment:
#   FUZZ_BUILD    where objects, binaries, work corpora and crashes go
#                 (default: tests/fuzz/build under $top_builddir or the current directory)
#   FUZZ_TARGETS  which targets, space-separated (default: all eight)
#   FUZZ_JOBS     targets fuzzed at once (default 1)
#   FUZZ_GROW=1   merge what the run found into the checked-in corpus (it does not grow
#                 otherwise), minimised: the named seeds stay, and of the inputs libFuzzer
#                 named (by their SHA-1) only those that add coverage to the seeds and to
#                 each other are kept, so the corpus does not bloat run after run
#   FUZZ_TIMEOUT  seconds one input may take before it counts as a hang (default 30: a
#                 busy machine makes ASan's slow first inputs slower still)
#   CLANG         the compiler (default clang)
set -u

secs=${1:-60}
case $secs in '' | *[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;; esac

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${FUZZ_BUILD:-${top_builddir:-$PWD}/tests/fuzz/build}
targets=${FUZZ_TARGETS:-"calfile ringfile request ics http path config cvrf"}
jobs=${FUZZ_JOBS:-1}
unit_secs=${FUZZ_TIMEOUT:-30}
cc=${CLANG:-clang}

skip_all() {
	for t in $targets; do
		echo "skip: fuzz_$t: $1"
	done
	echo "0 passed, 0 failed, $(echo $targets | wc -w) skipped: $1 (nothing was fuzzed)"
	exit 0
}

# ---- the tools ----
command -v "$cc" > /dev/null 2>&1 || skip_all "$cc not found"
mkdir -p "$build" || exit 2
build=$(cd "$build" && pwd)
printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return 0; }\n' \
    > "$build/probe.c"
"$cc" -fsanitize=fuzzer,address,undefined "$build/probe.c" -o "$build/probe" \
    > "$build/probe.log" 2>&1 || skip_all "$cc cannot build with -fsanitize=fuzzer,address,undefined (no libFuzzer?)"
pkgs="libical yaml-0.1 jansson sqlite3 libmicrohttpd libdeflate zlib"
if ! pkg_cflags=$(pkg-config --cflags $pkgs) || ! pkg_libs=$(pkg-config --libs $pkgs); then
	echo "error: pkg-config cannot find $pkgs" >&2
	exit 2
fi

# ---- the build: every source once, then one binary per target ----
version=$(sed -n 's/^AC_INIT(\[hotpatchd\], \[\([^]]*\)\].*/\1/p' "$top/configure.ac")
# shellcheck disable=SC2206
cflags=(-std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=all
	"-I$top/src" "-DPACKAGE_VERSION=\"$version\""
	'-DHP_SYSCONFDIR="/etc/hotpatchd"' '-DHP_PKGDATADIR="/usr/share/hotpatchd"'
	'-DHP_LOCALSTATEDIR="/var/lib/hotpatchd"' $pkg_cflags)
# shellcheck disable=SC2206
libs=($pkg_libs -lresolv -pthread)
# Every source but the two main()s, in one archive: each target pulls in what it uses
# (fuzz_http takes site.c and the daemon's command code with it).
srcs=""
for f in "$top"/src/*.c; do
	s=$(basename "$f" .c)
	case $s in hotpatchd | hotpatchctl) continue ;; esac
	srcs="$srcs $s"
done
rm -rf "$build/obj"
mkdir -p "$build/obj"
echo "building in $build"
ncpu=$(nproc 2>/dev/null || echo 2)
n=0
for s in $srcs; do
	"$cc" "${cflags[@]}" -fsanitize=fuzzer-no-link,address,undefined \
	    -c "$top/src/$s.c" -o "$build/obj/$s.o" || echo "$s" >> "$build/obj/failed" &
	n=$((n + 1))
	[ $((n % ncpu)) -eq 0 ] && wait
done
wait
if [ -s "$build/obj/failed" ]; then
	echo "error: cannot compile: $(tr '\n' ' ' < "$build/obj/failed")" >&2
	exit 2
fi
rm -f "$build/libhp-fuzz.a"
ar rcs "$build/libhp-fuzz.a" "$build"/obj/*.o || exit 2
for t in $targets; do
	"$cc" "${cflags[@]}" -fsanitize=fuzzer,address,undefined "$here/fuzz_$t.c" \
	    "$build/libhp-fuzz.a" "${libs[@]}" -o "$build/fuzz_$t" ||
		{ echo "error: cannot build fuzz_$t" >&2; exit 2; }
done

# ---- running ----
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# run_target T: replay its regressions, then fuzz; writes $build/result/T ("ok EXECS" or "fail WHY").
run_target() {
	t=$1 bin=$build/fuzz_$1 work=$build/work/$1 crashes=$build/crashes/$1
	rm -rf "$work"
	mkdir -p "$work/corpus" "$crashes" "$build/result"
	: > "$work/stamp"	# the crashes of this run are the files newer than this
	if [ -d "$here/regress/$t" ] && [ -n "$(ls -A "$here/regress/$t")" ]; then
		if ! TMPDIR=$work "$bin" -timeout="$unit_secs" -rss_limit_mb=1024 -artifact_prefix="$crashes/" \
		    "$here/regress/$t"/* > "$work/regress.log" 2>&1; then
			echo "fail regression input crashed, see $work/regress.log" > "$build/result/$t"
			return
		fi
	fi
	[ -d "$here/corpus/$t" ] && cp -R "$here/corpus/$t/." "$work/corpus/"
	TMPDIR=$work "$bin" -max_total_time="$secs" -timeout="$unit_secs" -rss_limit_mb=1024 -print_final_stats=1 \
	    -artifact_prefix="$crashes/" "$work/corpus" > "$work/log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$work/log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *\([0-9]*\).*/\1/p' "$work/log" | tail -1)
	ncrash=$(find "$crashes" -type f -newer "$work/stamp" | wc -l)
	if [ $rc -ne 0 ]; then
		art=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$work/log" | tail -1)
		echo "fail after ${execs:-?} executions (${rate:-?} exec/s), $ncrash crashes: exit $rc," \
		    "input ${art:-(none written)}, log $work/log" \
		    > "$build/result/$t"
		return
	fi
	if [ "${FUZZ_GROW:-0}" = 1 ] && ! grow "$t"; then
		echo "fail merging into the corpus failed, see $work/merge.log" > "$build/result/$t"
		return
	fi
	stats="${execs:-?} ${rate:-?} $(ls "$work/corpus" | wc -l) $(ls "$here/corpus/$t" 2>/dev/null | wc -l) $ncrash"
	echo "ok $stats" > "$build/result/$t"
}

# grow T: replace the SHA-1-named inputs of tests/fuzz/corpus/T by a minimal set that adds
# coverage to its named (hand-written) seeds, drawn from them and from this run's corpus.
grow() {
	t=$1 bin=$build/fuzz_$1 work=$build/work/$1 in=$here/corpus/$1
	rm -rf "$work/merged" "$work/old"
	mkdir -p "$work/merged" "$work/old" "$in" || return 1
	for f in "$in"/*; do
		[ -f "$f" ] || continue
		case ${f##*/} in
		????????????????????????????????????????) cp "$f" "$work/old/" ;;
		*) cp "$f" "$work/merged/" ;;
		esac
	done
	TMPDIR=$work "$bin" -merge=1 -timeout="$unit_secs" -rss_limit_mb=1024 \
	    "$work/merged" "$work/old" "$work/corpus" > "$work/merge.log" 2>&1 || return 1
	for f in "$work/old"/*; do
		[ -f "$f" ] && rm -f "$in/${f##*/}"
	done
	for f in "$work/merged"/*; do
		[ -f "$in/${f##*/}" ] || cp "$f" "$in/"
	done
}

rm -rf "$build/result"
running=0
for t in $targets; do
	echo "fuzzing fuzz_$t for ${secs}s"
	run_target "$t" &
	running=$((running + 1))
	if [ $running -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait

passed=0 failed=0
for t in $targets; do
	read -r status rest < "$build/result/$t" 2>/dev/null || { status=fail rest="no result"; }
	if [ "$status" = ok ]; then
		# shellcheck disable=SC2086
		set -- $rest
		printf '%-14s ok      %s executions in %ss, %s exec/s, corpus %s (in the tree %s), %s crashes\n' \
		    "fuzz_$t" "$1" "$secs" "$2" "$3" "$4" "$5"
		passed=$((passed + 1))
	else
		printf '%-14s CRASHED %s\n' "fuzz_$t" "$rest"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
