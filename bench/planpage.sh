#!/bin/bash
# bench/planpage.sh [RINGS]: the plan page after one override, as a Markdown section on
# stdout (bench/run.sh puts it in RESULTS.md; run alone, it measures just this).
#
# A daemon on an estate of RINGS rings (10000, bench/estate.py) serves /plan once (built and
# kept), then `override set win11-24h2 MONTH baseline` (a month of the page) makes it stale:
# the next `curl /plan` builds the page again, 12 months of every ring.  That request's
# wall time is the figure; ROUNDS (3) overrides, each a month further, one daemon; medians.
# The anchor, in the same run: `gzip -6` of the same page's bytes, one core's linear work on
# as many bytes, so machines compare by the ratio.  HOTPATCHD=PATH measures another build
# (main's, for a before and after).  With SUMMARY=FILE, also writes its Summary row to FILE.
# Nothing here passes or fails.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
RINGS=${1:-10000}
ROUNDS=${ROUNDS:-3}
CAL=data/calendar.yaml
HOTPATCHD=${HOTPATCHD:-$PWD/src/hotpatchd}
HOTPATCHCTL=$PWD/src/hotpatchctl
PORT=${PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
bench_scratch planpage
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }
# The daemon's CPU (user + system) so far, in clock ticks: less moved by a loaded machine.
ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }

say "planpage: estate of $RINGS rings"
python3 bench/estate.py "$work/estate" "$RINGS"
mkdir "$work/state"
bench_daemon "$work/state" --calendar "$CAL" --schedules "$work/estate/schedules" \
	--http "127.0.0.1:$PORT"
page() { curl -fsS -o "$work/plan.html" "http://127.0.0.1:$PORT/plan"; }
say "planpage: the first /plan"
t0=$(date +%s%N); page; t1=$(date +%s%N)
first=$(secs "$t0" "$t1")
pages= gzips= cpus=
hz=$(getconf CLK_TCK)
for r in $(seq "$ROUNDS"); do
	month=$(date -u -d "$(date -u +%Y-%m-15) +$r month" +%Y-%m)
	ctl override set win11-24h2 "$month" baseline --reason "planpage bench" > /dev/null
	c0=$(ticks); t0=$(date +%s%N); page; t1=$(date +%s%N); c1=$(ticks)
	gzip -6 < "$work/plan.html" > /dev/null; t2=$(date +%s%N)
	pages="$pages $(secs "$t0" "$t1")"
	gzips="$gzips $(secs "$t1" "$t2")"
	cpus="$cpus $(awk -v t=$((c1 - c0)) -v hz="$hz" 'BEGIN { printf "%.2f", t / hz }')"
	say "planpage: round $r: /plan $(secs "$t0" "$t1") s (daemon CPU ${cpus##* } s), gzip -6 $(secs "$t1" "$t2") s"
done
bytes=$(wc -c < "$work/plan.html")
rss=$(( $(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status") / 1024 ))
kill "$pid"; wait "$pid" || true; pid=
page_s=$(med "$pages")
gzip_s=$(med "$gzips")
cpu_s=$(med "$cpus")

if [ -n "${SUMMARY:-}" ]; then
	echo "| \`curl /plan\` after one override, $RINGS rings (s) | $page_s | \`gzip -6\` of its $bytes bytes $gzip_s | $(ratio "$page_s" "$gzip_s")x | | |" > "$SUMMARY"
fi
cat <<MD
## The plan page after one override

\`bench/planpage.sh $RINGS\`: \`curl /plan\` (12 months of every ring, $bytes bytes) after
\`override set win11-24h2 MONTH baseline\`, medians of $ROUNDS rounds on one daemon (\`$(basename "$(dirname "$(dirname "$HOTPATCHD")")")\`);
the anchor is \`gzip -6\` of the same bytes, timed right after.

| what | seconds | anchor (s) | ratio (hotpatchd / anchor: time) |
|---|---|---|---|
| \`curl /plan\` after one override | $page_s | gzip -6 $gzip_s | $(ratio "$page_s" "$gzip_s")x |
| the daemon's CPU for it (user + system) | $cpu_s | gzip -6 $gzip_s | $(ratio "$cpu_s" "$gzip_s")x |
| the first \`curl /plan\` of the daemon | $first | | |

Rounds: /plan$(echo $pages | sed 's/ /, /g;s/^/ /') s; daemon CPU$(echo $cpus | sed 's/ /, /g;s/^/ /') s;
gzip$(echo $gzips | sed 's/ /, /g;s/^/ /') s.
Daemon RSS at the end: $rss MB.

MD
