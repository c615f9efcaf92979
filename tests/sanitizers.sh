#!/bin/sh
# tests/sanitizers.sh: build a pristine copy of this source tree with AddressSanitizer and
# UndefinedBehaviorSanitizer (configure --enable-werror --enable-sanitizers) and run the whole
# test suite (make check) in it.
#
#   tests/sanitizers.sh            copy, build, test; the copy is removed afterwards
#   tests/sanitizers.sh --head     copy the last commit (git archive HEAD) even if the
#                                  working tree has changes
#   KEEP=DIR tests/sanitizers.sh   build in DIR (created, must not exist yet) and keep it
#
# The source tree is configured in place by quickstart.sh, so a VPATH build from it is not
# possible: the copy gets its own autoreconf.  Prints each test's Check summary or
# "N passed, N failed" line and a total; exits 1 if anything failed or if any sanitizer
# report turned up (in the test logs or in the report files of processes whose output the
# tests throw away, such as the daemons they start).
set -eu

say() { printf 'sanitizers: %s\n' "$*"; }
die() { printf 'sanitizers: %s\n' "$*" >&2; exit 1; }

top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
. "$top_srcdir/tests/tools.sh"
use_head=no
case ${1:-} in
--head) use_head=yes ;;
"") ;;
-h|--help) sed -n '2,15s/^# \{0,1\}//p' "$0"; exit 0 ;;
*) die "unknown argument '$1' (use: tests/sanitizers.sh [--head])" ;;
esac
jobs=${JOBS:-2}

workdir sanitizers
dir=$work
if [ -z "${KEEP:-}" ]; then
	trap 'rm -rf "$dir"' EXIT
	trap 'exit 130' INT TERM
fi
start=$(date +%s)

# ---- a pristine copy of the sources ---------------------------------------------------
if git -C "$top_srcdir" rev-parse --is-inside-work-tree > /dev/null 2>&1; then
	if [ $use_head = yes ] || [ -z "$(git -C "$top_srcdir" status --porcelain --untracked-files=normal)" ]; then
		say "copying $(git -C "$top_srcdir" rev-parse --short HEAD) (git archive HEAD) to $dir"
		git -C "$top_srcdir" archive HEAD | tar -x -C "$dir"
	else
		say "the working tree has changes: copying the tracked and new files as they are to $dir"
		# Tracked files plus new files not ignored; a deleted tracked file is skipped.
		git -C "$top_srcdir" ls-files -z --cached --others --exclude-standard |
			tar -C "$top_srcdir" --null --ignore-failed-read -T - -cf - 2> /dev/null |
			tar -x -C "$dir"
	fi
else
	say "not a git checkout: copying the tree without its build products to $dir"
	tar -C "$top_srcdir" --exclude=.git --exclude=autom4te.cache --exclude=.deps \
		--exclude=.dirstamp --exclude='*.o' --exclude='*.a' --exclude='*.log' --exclude='*.trs' \
		--exclude=./config.status --exclude=./configure --exclude=./configure~ \
		--exclude=./aclocal.m4 --exclude=./Makefile --exclude=./Makefile.in \
		--exclude=./build-aux --exclude=./var --exclude=./src/hotpatchd \
		--exclude=./src/hotpatchctl --exclude='./tests/check_*[!c]' --exclude='./hotpatchd-*.tar.gz' \
		-cf - . | tar -x -C "$dir"
fi
[ -f "$dir/configure.ac" ] || die "the copy in $dir has no configure.ac"

# ---- build ------------------------------------------------------------------------------
cd "$dir"
say "autoreconf -fi"
autoreconf -fi > autoreconf.out 2>&1 || { cat autoreconf.out; die "autoreconf failed"; }
say "configure --enable-werror --enable-sanitizers"
./configure -q --enable-werror --enable-sanitizers > configure.out 2>&1 ||
	{ cat configure.out; tail -n 30 config.log; die "configure failed"; }
grep -q '^HP_CFLAGS = .*-fsanitize=address,undefined' Makefile ||
	die "configure --enable-sanitizers did not add -fsanitize=address,undefined to HP_CFLAGS"
say "make -j$jobs"
make -s -j"$jobs" > make.out 2>&1 || { cat make.out; die "make failed"; }

# ---- test ---------------------------------------------------------------------------------
# Reports go to files in $san (one per process, created only when there is a report) as
# well as being counted in exit statuses; the directory is writable by the tests that run
# the client as nobody.
san=$dir/sanitizer-reports
mkdir -p "$san"
chmod 755 "$dir"
chmod 1777 "$san"
ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:print_stacktrace=1:log_path=$san/asan"
UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$san/ubsan"
LSAN_OPTIONS=${LSAN_OPTIONS:-}
export ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
# ASan and UBSan make the programs several times slower, and the machine may be busy: every
# time limit of the tests (Check's per test, the regress scripts' $(tmo N)) grows fourfold.
# A limit only stops a test that hangs; a test that passes is not slower for it.
CK_TIMEOUT_MULTIPLIER=${CK_TIMEOUT_MULTIPLIER:-4}
TEST_SLACK=${TEST_SLACK:-4}
export CK_TIMEOUT_MULTIPLIER TEST_SLACK
say "make -j$jobs check (ASAN_OPTIONS=$ASAN_OPTIONS)"
rc=0
make -s -j"$jobs" check > check.out 2>&1 || rc=$?

passed=0 failed=0 ntests=0
# Every test make check ran has a .trs file next to its .log (tests/, tests/regress/, ...).
for trs in $(find tests -name '*.trs' | sort); do
	log=${trs%.trs}.log
	[ -f "$log" ] || continue
	ntests=$((ntests + 1))
	tally "$log"
	res=$(sed -n 's/^:test-result: //p' "$trs" | head -n 1)
	case $res in PASS|SKIP) ;; *) say "${log%.log}: ${res:-no result}"; [ $rc -ne 0 ] || rc=1 ;; esac
done
echo "$passed passed, $failed failed"
[ $ntests -gt 0 ] || { cat check.out; say "no test logs at all"; rc=1; }

# Sanitizer reports: in the test logs (what reached stdout/stderr) and in the report files.
# A report's own first line, not any mention of a sanitizer (a test may say why it skips).
pat='runtime error:|(ERROR|WARNING): (Address|Leak)Sanitizer'
reports=$( { find tests -name '*.log' -exec grep -lE "$pat" {} + \
	2>/dev/null; grep -lE "$pat" check.out;
	ls "$san"/* 2>/dev/null; } || true)
if [ -n "$reports" ]; then
	# The first three in full; the others (often the same report again) one line each.
	i=0
	for r in $reports; do
		i=$((i + 1))
		if [ $i -le 3 ]; then
			say "sanitizer report in ${r#"$dir"/}:"
			grep -E -A 25 "$pat" "$r" | head -n 60 | sed 's/^/    /'
		elif [ $i -le 23 ]; then
			say "also in ${r#"$dir"/}: $(grep -E -m 1 -o "($pat).*" "$r")" \
			    "$(grep -E -m 1 -o ' in [^ ]+ src/[^ ]+' "$r")"
		fi
	done
	say "$(printf '%s\n' "$reports" | wc -l | tr -d ' ') file(s) with sanitizer reports"
	rc=1
fi
if [ $rc -ne 0 ]; then
	# What failed, briefly: the not-ok lines of each failed test, or the end of its log.
	for t in $(find tests -name '*.trs' -exec grep -lE '^:test-result: (FAIL|ERROR)' {} + 2>/dev/null); do
		log=${t%.trs}.log
		say "--- ${log%.log}:"
		if grep -q '^not ok ' "$log"; then
			awk '/^not ok /{p=1; print; next} /^#/{if (p) print; next} {p=0}' "$log" | head -n 40
		else
			# Indented: the closing line after the summary must stay the total.
			tail -n 20 "$log" | sed 's/^/    /'
		fi
	done
	say "FAILED after $(($(date +%s) - start)) s${KEEP:+ (build kept in $dir)}"
	exit 1
fi
say "all tests passed, no sanitizer reports, $(($(date +%s) - start)) s"
