#!/bin/sh
# regress/bigyaml.sh: huge and hostile YAML files, generated here.  A check reports at
# most 100 errors and then one "too many errors" line, whatever the file holds; an error
# message is cut at 512 bytes; a file of more than 500,000 keys, values and list items is
# refused as such.  A 60,000-key ring file loaded by reload in a running daemon gets a
# reply of bounded size, and the daemon answers another client afterwards, still serving
# the old files.  Bounds are asserted in lines and bytes, never in seconds (the time caps
# only keep a hung check from hanging the suite).
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch

summary="too many errors: stopped after the first 100; fix these and check again"

# gen KIND N > FILE: a file with N bad keys.  config: unknown and duplicate keys at the
# top; ring: one good ring with N unknown keys; flow: a ring file whose rings list has
# N items on one line; longvalue: a configuration with a bad user name of N bytes.
gen() {
	python3 - "$1" "$2" <<'EOF'
import sys
kind, n = sys.argv[1], int(sys.argv[2])
w = sys.stdout.write
if kind == "config":
    w("version: 1\nstate_dir: var\n")
    for i in range(n):
        w("state_dir: dup\n" if i % 2 else "key%07d: %d\n" % (i, i))
elif kind == "ring":
    w("version: 1\nrings:\n  - id: big\n    name: Big\n    os: [win11-24h2]\n"
      "    deferral_days: 0\n    deadline_days: 2\n    grace_days: 1\n    timezone: UTC\n")
    for i in range(n):
        w("    key%07d: %d\n" % (i, i))
elif kind == "flow":
    w("version: 1\nrings: [" + ",".join(["1"] * n) + "]\n")
elif kind == "longvalue":
    w("version: 1\nuser: " + "k" * n + "\n")
EOF
}

# capped NAME FILE: ok if FILE (a check's stderr) has at most 101 lines, ends with the
# summary line, and starts with the file's first error.
capped() {
	_lines=$(lines "$2")
	if [ "$rc" -eq 1 ] && [ "$_lines" -le 101 ] && tail -n 1 "$2" | grep -qF -- "$summary" &&
	    head -n 1 "$2" | grep -qF -- "$3"; then
		ok "$1"
	else
		not_ok "$1" "exit $rc (want 1), $_lines lines (want at most 101)" \
		    "first: $(head -n 1 "$2" | cut -c 1-200)" "last: $(tail -n 1 "$2" | cut -c 1-200)"
	fi
}

# check ARGS...: hotpatchd -n ARGS, stderr in $tmp/err, status in $rc (capped in time).
check_files() {
	timeout "$(tmo 120)" "$HOTPATCHD" -n "$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
}

# ---------------------------------------------------------------------------
# The configuration: many unknown and duplicate keys.

gen config 5000 > "$tmp/c5k.yaml"
check_files -c "$tmp/c5k.yaml" --calendar "$CAL" --schedules "$SCHED"
capped "5,000 bad configuration keys: at most 100 errors and a summary line" "$tmp/err" \
	"c5k.yaml:3:1: unknown key 'key0000000' in configuration"
grep -qF "c5k.yaml:4:1: duplicate key 'state_dir' in configuration" "$tmp/err" &&
	ok "... duplicates are still named as such" ||
	not_ok "... duplicates are still named as such" "$(head -n 3 "$tmp/err")"

gen config 200000 > "$tmp/c200k.yaml"
check_files -c "$tmp/c200k.yaml" --calendar "$CAL" --schedules "$SCHED"
capped "200,000 bad configuration keys: at most 100 errors and a summary line" "$tmp/err" \
	"c200k.yaml:3:1: unknown key 'key0000000' in configuration"

# A value of 100,000 bytes, quoted in its message: the message is cut at 512 bytes.
gen longvalue 100000 > "$tmp/long.yaml"
check_files -c "$tmp/long.yaml" --calendar "$CAL" --schedules "$SCHED"
_len=$(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$tmp/err")
_max=$((512 + ${#tmp} + 40))
if [ "$rc" -eq 1 ] && [ "$_len" -le "$_max" ] && grep -q "got 'kkkk*\.\.\.$" "$tmp/err"; then
	ok "a 100,000-byte value: its error line is cut ($_len bytes)"
else
	not_ok "a 100,000-byte value: its error line is cut" \
	    "exit $rc, longest line $_len bytes (want at most $_max)" "$(cut -c 1-200 "$tmp/err")"
fi

# ---------------------------------------------------------------------------
# Ring files: many keys in one ring; more nodes than the limit.

mkdir "$tmp/big" "$tmp/flow"
cp "$SCHED"/*.yaml "$tmp/big/"
gen ring 60000 > "$tmp/big/zz-big.yaml"
check_files --calendar "$CAL" --schedules "$tmp/big"
capped "a ring with 60,000 unknown keys: at most 100 errors and a summary line" "$tmp/err" \
	"zz-big.yaml:10:5: unknown key 'key0000000' in ring"

gen flow 500001 > "$tmp/flow/flow.yaml"
check_files --calendar "$CAL" --schedules "$tmp/flow"
if [ "$rc" -eq 1 ] && [ "$(lines "$tmp/err")" = 1 ] &&
    grep -qF "flow.yaml:2:" "$tmp/err" &&
    grep -qF "more than 500000 keys, values and list items; split the file" "$tmp/err"; then
	ok "a ring file of 500,002 nodes is refused with one line"
else
	not_ok "a ring file of 500,002 nodes is refused with one line" "exit $rc" \
	    "$(head -n 3 "$tmp/err" | cut -c 1-200)"
fi
gen flow 499990 > "$tmp/flow/flow.yaml"
check_files --calendar "$CAL" --schedules "$tmp/flow"
grep -qF "more than 500000" "$tmp/err" && not_ok "499,993 nodes are not over the limit" \
	"$(head -n 1 "$tmp/err" | cut -c 1-200)" || ok "499,993 nodes are not over the limit"

# ---------------------------------------------------------------------------
# reload of a 60,000-key ring file in a running daemon.

SCHED=$tmp/sched
mkdir "$SCHED"
cp "$top_srcdir"/schedules/*.yaml "$SCHED/"
start_daemon "$tmp/var" || not_ok "the daemon starts" "$(tail -n 3 "$tmp/var.log")"
ctl --json status
cp "$tmp/out" "$tmp/status.before"
gen ring 60000 > "$SCHED/zz-big.yaml"

timeout "$(tmo 60)" "$HOTPATCHCTL" --socket "$sock" --json reload > "$tmp/reload.json" 2> "$tmp/reload.err"
rc=$?
_bytes=$(cat "$tmp/reload.json" "$tmp/reload.err" | wc -c | tr -d ' ')
if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && [ "$_bytes" -le 65536 ]; then
	ok "reload of a 60,000-key ring file is refused with a reply of $_bytes bytes (at most 64 KiB)"
else
	not_ok "reload of a 60,000-key ring file is refused with a bounded reply" \
	    "exit $rc, $_bytes bytes (want at most 65536)" "$(head -c 300 "$tmp/reload.err")"
fi
python3 - "$tmp/reload.json" "$summary" <<'EOF' > "$tmp/py" 2>&1 && ok "... its errors: 100 and the summary" ||
import json, sys
j = json.load(open(sys.argv[1]))
e = j["data"]["errors"] if "data" in j else j["errors"]
assert len(e) == 101, len(e)
assert e[-1].endswith(sys.argv[2]), e[-1]
assert "zz-big.yaml:10:5: unknown key 'key0000000' in ring" in e[0], e[0]
EOF
	not_ok "... its errors: 100 and the summary" "$(cat "$tmp/py")" "$(head -c 300 "$tmp/reload.json")"

# Another client: status answers (waited for, capped), and the old files are still served.
_i=0
while :; do
	ctl --json status
	[ $rc -eq 0 ] && break
	_i=$((_i + 1))
	[ $_i -lt "$(tmo 20)" ] || break
	sleep 1
done
python3 - "$tmp/status.before" "$tmp/out" <<'EOF' > "$tmp/py" 2>&1 &&
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
for k in ("os", "rings", "blackouts"):
    assert a[k] == b[k], (k, a[k], b[k])
EOF
	[ $rc -eq 0 ] && ok "status from another client answers afterwards, with the old rings" ||
	not_ok "status from another client answers afterwards, with the old rings" "exit $rc" \
	    "$(cat "$tmp/py" "$tmp/err")"
_log=$(grep -c 'reload refused' "$tmp/var.log")
[ "$_log" -ge 1 ] && [ "$_log" -le 101 ] && ok "the log has $_log refusal lines (at most 101)" ||
	not_ok "the log has at most 101 refusal lines" "$_log lines"
stop_daemon

finish
