# tests/tools.sh: helpers of the scripts around the test suite (quickstart.sh,
# tests/sanitizers.sh, tests/package.sh), which source it.

# workdir NAME: $work is the directory to build in: $KEEP if set (created; it must not exist
# yet, and the caller keeps it), else a new one, hotpatchd-NAME.XXXXXX under $TMPDIR.
workdir() {
	if [ -n "${KEEP:-}" ]; then
		[ -e "$KEEP" ] && die "KEEP=$KEEP already exists"
		mkdir -p "$KEEP"
		work=$(cd "$KEEP" && pwd)
	else
		work=$(mktemp -d "${TMPDIR:-/tmp}/hotpatchd-$1.XXXXXX")
	fi
}

# tally LOG: print LOG's name with its closing line (Check's "N%: Checks: ..." or a script's
# "N passed, N failed") and add its passes and failures to $passed and $failed.
tally() {
	_line=$(grep -E '^[0-9]+%: Checks: ' "$1" | tail -n 1 || true)
	if [ -n "$_line" ]; then
		_n=$(printf '%s' "$_line" | sed -E 's/.*Checks: ([0-9]+).*/\1/')
		_f=$(printf '%s' "$_line" | sed -E 's/.*Failures: ([0-9]+), Errors: ([0-9]+).*/\1 \2/')
		passed=$((passed + _n - ${_f% *} - ${_f#* }))
		failed=$((failed + ${_f% *} + ${_f#* }))
	else
		_p=$(grep -c '^ok ' "$1" || true)
		_f=$(grep -c '^not ok ' "$1" || true)
		_line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$1" | tail -n 1 || true)
		[ -n "$_line" ] || _line="$_p passed, $_f failed (no closing line: the script stopped early)"
		passed=$((passed + _p)) failed=$((failed + _f))
	fi
	printf '%-34s %s\n' "${1%.log}" "$_line"
}
