#!/bin/bash
# bench/yamlbench.sh: how the YAML loaders scale with the number of keys.  For each size N,
# the CPU time of `hotpatchd -n` on three generated files, set against the anchor: the same file
# read by a bare libyaml event loop (bench/yamlevents.c), measured in the same run.
#
#   config  hotpatchd.yaml with N unknown keys (the check stops after 100 errors)
#   ring    one ring with N unknown keys (the same, in a ring file)
#   rings   N/8 valid rings of 8 keys each: no errors, every key parsed
#
# It prints a Markdown table on stdout: the least CPU time of ROUNDS runs in ms, the ratio to the
# anchor, and time(N)/time(previous N) beside the size ratio (about equal when linear).
#
#   bench/yamlbench.sh                    sizes 10000 20000 40000 80000 200000, 5 rounds
#   SIZES="..." ROUNDS=N HOTPATCHD=PATH bench/yamlbench.sh
#
# Nothing here is a test: no figure passes or fails.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
SIZES=${SIZES:-"10000 20000 40000 80000 200000"}
ROUNDS=${ROUNDS:-5}
HOTPATCHD=${HOTPATCHD:-$top/src/hotpatchd}
work=$(mktemp -d "${TMPDIR:-/tmp}/hotpatch-yamlbench.XXXXXX")
trap 'rm -rf "$work"' EXIT
say() { printf 'yamlbench: %s\n' "$*" >&2; }

${CC:-cc} -O2 -o "$work/yamlevents" bench/yamlevents.c $(pkg-config --cflags --libs yaml-0.1)
printf 'version: 1\n' > "$work/min.yaml"

# gen KIND N FILE
gen() {
	python3 - "$1" "$2" "$3" <<'PY'
import sys
kind, n, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path, "w") as f:
    w = f.write
    if kind == "config":
        w("version: 1\n")
        for i in range(n):
            w("k%06d: 1\n" % i)
    elif kind == "ring":
        w("version: 1\nrings:\n  - id: big\n    name: Big\n    os: [win11-24h2]\n"
          "    deferral_days: 0\n    deadline_days: 2\n    grace_days: 1\n    timezone: UTC\n")
        for i in range(n):
            w("    k%06d: 1\n" % i)
    else:
        w("version: 1\nrings:\n")
        for i in range(n // 8):
            w("  - { id: r%07d, name: Ring %d, os: [win11-24h2], deferral_days: %d, "
              "deadline_days: 2, grace_days: 1, timezone: UTC, hotpatch: true }\n" % (i, i, i % 30))
PY
}

# cpu_ms CMD...: the least CPU time (user + system, from getrusage) of ROUNDS runs, in ms.
# CPU time, not wall-clock: a loaded machine stretches the one far more than the other.
cpu_ms() {
	python3 - "$ROUNDS" "$@" <<'PY'
import resource, subprocess, sys
best = None
for _ in range(int(sys.argv[1])):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    best = t if best is None else min(best, t)
print("%.1f" % (best * 1000))
PY
}
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }

# run KIND N: prints "HOTPATCHD_MS ANCHOR_MS BYTES" for a generated file of N keys.
run() {
	local d=$work/$1-$2 t a
	mkdir -p "$d"
	gen "$1" "$2" "$d/f.yaml"
	if [ "$1" = config ]; then
		t=$(cpu_ms "$HOTPATCHD" -n -c "$d/f.yaml" --calendar data/calendar.yaml --schedules "$work")
	else
		t=$(cpu_ms "$HOTPATCHD" -n -c "$work/min.yaml" --calendar data/calendar.yaml --schedules "$d")
	fi
	a=$(cpu_ms "$work/yamlevents" "$d/f.yaml")
	echo "$t $a $(wc -c < "$d/f.yaml")"
	rm -rf "$d"
}
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a - b }'; }

echo "| file | keys | bytes | hotpatchd -n (ms) | net (ms) | libyaml events, net (ms) | net ratio to anchor | x net time | x keys |"
echo "|---|---|---|---|---|---|---|---|---|"
for kind in config ring rings; do
	# The same kind of file with no extra keys: start-up, the calendar, libical's zones.
	read -r t0 a0 _ <<< "$(run "$kind" 0)"
	prev= prevn=
	for n in $SIZES; do
		say "$kind $n"
		read -r t a bytes <<< "$(run "$kind" "$n")"
		net=$(sub "$t" "$t0") anet=$(sub "$a" "$a0")
		step="" size=""
		if [ -n "$prev" ]; then step="$(div "$net" "$prev")x"; size="$(div "$n" "$prevn")x"; fi
		echo "| $kind | $n | $bytes | $t | $net | $anet | $(div "$net" "$anet")x | $step | $size |"
		prev=$net prevn=$n
	done
done
echo
echo "CPU time (user + system) of \`$HOTPATCHD -n\`, least of $ROUNDS runs; net: less a run on"
echo "the same kind of file with no extra keys (start-up, the calendar, libical's zones)."
