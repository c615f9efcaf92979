#!/bin/bash
# bench/pagebench.sh: how long the daemon takes to build its biggest texts, for estates of
# several sizes: the index page (/), the plan page (/plan), one ring feed, and the text
# replies of `hotpatchctl rings` and `hotpatchctl plan`.  Each is the first request after
# start-up, so it is built (and then kept); a second request of the same is served from
# memory.  The anchor, measured in the same run, is python3 joining the same bytes from
# 64-byte pieces ("".join, linear), so a builder that is linear in its output keeps a
# steady ratio as the estate grows and a quadratic one shows as a ratio that grows with it.
#
#   bench/pagebench.sh [RINGS...]      (default "1000 10000"; needs a built tree)
#   TIMEOUT=S                          give up on one request after S seconds (900)
#
# Prints a Markdown table.  Nothing here is a test: no figure passes or fails.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
HOTPATCHD=$top/src/hotpatchd
HOTPATCHCTL=$top/src/hotpatchctl
CAL=$top/data/calendar.yaml
# a free port unless PORT says which
PORT=${PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
TIMEOUT=${TIMEOUT:-900}
work=$(mktemp -d "${TMPDIR:-/tmp}/hotpatch-pagebench.XXXXXX")
daemon_pid=
cleanup() {
	[ -z "$daemon_pid" ] || kill "$daemon_pid" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
say() { printf 'pagebench: %s\n' "$*" >&2; }

# FILE: seconds python3 takes to join FILE's bytes from 64-byte pieces (best of 3).
anchor() {
	python3 - "$1" <<-'EOF'
	import sys, time
	data = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
	pieces = [data[i:i + 64] for i in range(0, len(data), 64)]
	best = None
	for _ in range(3):
	    t0 = time.perf_counter()
	    s = "".join(pieces)
	    t = time.perf_counter() - t0
	    best = t if best is None or t < best else best
	assert s == data
	print(f"{best:.6f}")
	EOF
}
# SECONDS BASE: the ratio, as "123x"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0fx", (b > 0) ? a / b : 0 }'; }
# NAME SECONDS FILE: one table row
row() {
	local a bytes
	a=$(anchor "$3")
	bytes=$(wc -c < "$3")
	printf '| %s | %s | %s | %.3f | %.6f | %s |\n' "$rings" "$1" "$bytes" "$2" "$a" "$(ratio "$2" "$a")"
}
# URL FILE: seconds of one GET
get() { curl -fsS --max-time "$TIMEOUT" -o "$2" -w '%{time_total}' "http://127.0.0.1:$PORT$1"; }
# FILE ARGS...: seconds of one hotpatchctl call
ctl() {
	local out=$1 t0
	shift
	t0=$(date +%s%N)
	timeout "$TIMEOUT" "$HOTPATCHCTL" --socket "$work/state/hotpatchd.sock" "$@" > "$out"
	awk -v n=$(( $(date +%s%N) - t0 )) 'BEGIN { printf "%.3f", n / 1e9 }'
}

echo '| rings | what | bytes | seconds | anchor (s) | ratio |'
echo '|---|---|---|---|---|---|'
for rings in ${*:-1000 10000}; do
	say "$rings rings"
	rm -rf "$work/estate" "$work/state"
	python3 bench/estate.py "$work/estate" "$rings"
	mkdir -p "$work/state"
	"$HOTPATCHD" -f --state-dir "$work/state" --calendar "$CAL" \
		--schedules "$work/estate/schedules" --http "127.0.0.1:$PORT" >> "$work/daemon.log" 2>&1 &
	daemon_pid=$!
	until "$HOTPATCHCTL" --socket "$work/state/hotpatchd.sock" status > /dev/null 2>&1; do
		kill -0 "$daemon_pid" 2>/dev/null || { tail -3 "$work/daemon.log" >&2; exit 1; }
		sleep 0.05
	done
	ring=r$(printf '%06d' $((rings / 2)))
	t=$(get / "$work/index.html"); row 'page `/`' "$t" "$work/index.html"
	t=$(get /plan "$work/plan.html"); row 'page `/plan`' "$t" "$work/plan.html"
	t=$(get "/rings/$ring.ics" "$work/ring.ics"); row "feed \`/rings/$ring.ics\`" "$t" "$work/ring.ics"
	t=$(ctl "$work/rings.txt" rings); row '`hotpatchctl rings`' "$t" "$work/rings.txt"
	t=$(ctl "$work/plan.txt" plan); row '`hotpatchctl plan`' "$t" "$work/plan.txt"
	kill "$daemon_pid"
	wait "$daemon_pid" || true
	daemon_pid=
done
