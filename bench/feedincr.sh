#!/bin/bash
# bench/feedincr.sh [RINGS]: fresh feeds after a change, as a Markdown section on stdout
# (bench/run.sh puts it in RESULTS.md; run alone, it measures just this).
#
#   1. bench/feedbench over 1000 rings (36 months): building and rendering every feed cold
#      (libical for every event), through the feed cache with nothing changed, and after one
#      override cold and through the cache, each pass checked byte for byte against the cold
#      one; and python3-icalendar (bench/icalpeer.py) rendering the events of the first
#      ring's feed, per event, side by side;
#   2. `hotpatchctl export --dir` of every feed of RINGS rings (10000): the first export of a
#      daemon just started (every feed and event rendered), then, after one override
#      (`override set`, next month of win11-24h2 made a baseline), the export again through
#      the feed cache.  ROUNDS (3) daemons, one after the other; medians.
#
# Environment: ROUNDS, PYTHON (the python3 with icalendar: /usr/bin/python3), HOTPATCHD and
# HOTPATCHCTL (another build's binaries, to compare: src/ of this tree by default); with
# SUMMARY=FILE, also writes its two Summary rows of RESULTS.md to FILE.  Nothing here
# passes or fails.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
RINGS=${1:-10000}
ROUNDS=${ROUNDS:-3}
PYTHON=${PYTHON:-/usr/bin/python3}
CAL=data/calendar.yaml
HOTPATCHD=${HOTPATCHD:-$PWD/src/hotpatchd}
HOTPATCHCTL=${HOTPATCHCTL:-$PWD/src/hotpatchctl}
bench_scratch feedincr
line_of() { echo "$feed" | grep "^$1 "; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }
# pid_cpu PID: the process's user + system CPU so far, in clock ticks.
pid_cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

say "feedincr: estate of $RINGS rings"
python3 bench/estate.py "$work/estate" "$RINGS"
sched=$work/estate/schedules

# ---- 1. rendering, one core, and the python3-icalendar peer ----
say "feedincr: feedbench"
feed=$(taskset -c 0 bench/feedbench "$CAL" "$sched" 1000 "$work/r0.ics")
peer=$(taskset -c 0 "$PYTHON" bench/icalpeer.py "$work/r0.ics" 5)
peer_us=$(echo "$peer" | field us_per_event)

# ---- 2. export --dir of every feed, cold and after one override ----
# Room for every event of the estate (about 85 KB of text per ring feed).
cat > "$work/hotpatchd.yaml" <<YML
version: 1
feed:
  cache_mb: $(( RINGS / 8 + 64 ))
YML
month=$(date -u -d "$(date -u +%Y-%m-15) +1 month" +%Y-%m)
colds= incrs= rss= dcpus= ccpus= rbytes=
hz=$(getconf CLK_TCK)
for r in $(seq "$ROUNDS"); do
	say "feedincr: export, round $r"
	rm -rf "$work/state" "$work/www"
	mkdir "$work/state"
	bench_daemon "$work/state" -c "$work/hotpatchd.yaml" --calendar "$CAL" --schedules "$sched" \
		--http off
	t0=$(date +%s%N); ctl export --dir "$work/www" > /dev/null; t1=$(date +%s%N)
	ctl override set win11-24h2 "$month" baseline --reason "feedincr bench" > /dev/null
	c0=$(pid_cpu "$pid")
	t2=$(date +%s%N)
	# sh runs hotpatchctl, then writes the bytes it read (the kernel adds a reaped child's
	# to its parent's /proc/PID/io): the control socket's reply and the manifest.
	/usr/bin/time -f '%U %S' -o "$work/ctl.time" sh -c '"$@" > "$0"
		awk "/^rchar:/ { print \$2 }" /proc/$$/io > "$0.rchar"' "$work/said" "$HOTPATCHCTL" \
		--socket "$work/state/hotpatchd.sock" export --dir "$work/www"
	t3=$(date +%s%N)
	said=$(cat "$work/said")
	dcpus="$dcpus $(awk -v a="$c0" -v b="$(pid_cpu "$pid")" -v hz="$hz" 'BEGIN { printf "%.2f", (b - a) / hz }')"
	ccpus="$ccpus $(awk '{ printf "%.2f", $1 + $2 }' "$work/ctl.time")"
	rbytes="$rbytes $(awk '{ printf "%.1f", $1 / 1e6 }' "$work/said.rchar")"
	colds="$colds $(secs "$t0" "$t1")"
	incrs="$incrs $(secs "$t2" "$t3")"
	rss="$rss $(( $(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status") / 1024 ))"
	kill "$pid"; wait "$pid" || true; pid=
done
files=$(find "$work/www" -name '*.ics' | wc -l)
cold=$(med "$colds")
incr=$(med "$incrs")

if [ -n "${SUMMARY:-}" ]; then
	echo "| \`export --dir\` after one override, $RINGS rings (s) | $incr | the first export $cold | $(ratio "$incr" "$cold")x | < 2 s | $(awk -v s="$incr" 'BEGIN { print (s < 2) ? "yes" : "no" }') |
| a ring feed's events after one override, through the feed cache (us per event) | $(line_of override_cache | field us_per_event) | python3-icalendar $peer_us | $(ratio "$peer_us" "$(line_of override_cache | field us_per_event)")x faster | >= 20x | $(awk -v r="$(ratio "$peer_us" "$(line_of override_cache | field us_per_event)")" 'BEGIN { print (r >= 20) ? "yes" : "no" }') |" > "$SUMMARY"
fi
cold_us=$(line_of cold | field us_per_event)
cache_us=$(line_of override_cache | field us_per_event)
ocold_us=$(line_of override_cold | field us_per_event)
cat <<MD
## Fresh feeds after a change

\`bench/feedincr.sh $RINGS\` (one core for the first table: \`taskset -c 0\`). A feed is
rendered from event specs (the bytes every property is made from, \`src/feed.c\`); the feed
cache (\`src/feedcache.c\`, \`src/feedincr.c\`) keeps each event's text by its spec, so a
change renders again only the events it touches. Every pass below is checked byte for byte
against the cold rendering of the same data (differing feeds: the last column).

\`taskset -c 0 bench/feedbench data/calendar.yaml SCHEDULES 1000\`, 36 months:

| pass | us per feed | us per event | feeds that differ |
|---|---|---|---|
$(for p in cold cache_empty cache_warm override_cold override_cache; do l=$(line_of $p); echo "| $p | $(echo "$l" | field us_per_feed) | $(echo "$l" | field us_per_event) | $(echo "$l" | field differ) |"; done)

Rendering the first ring's 36-month feed, per event, against python3-icalendar
(\`bench/icalpeer.py\`: Event, Alarm and Calendar built from the same values and \`to_ical()\`,
only that timed; $(echo "$peer" | field events) events, $(echo "$peer" | field rounds) rounds):

| what | hotpatchd (us per event) | anchor | ratio (anchor / hotpatchd: times faster) | target | met |
|---|---|---|---|---|---|
| cold (libical, every event) | $cold_us | python3-icalendar $peer_us | $(ratio "$peer_us" "$cold_us")x | | |
| after one override, cold | $ocold_us | python3-icalendar $peer_us | $(ratio "$peer_us" "$ocold_us")x | | |
| after one override, through the feed cache | $cache_us | python3-icalendar $peer_us | $(ratio "$peer_us" "$cache_us")x | >= 20x | $(awk -v r="$(ratio "$peer_us" "$cache_us")" 'BEGIN { print (r >= 20) ? "yes" : "no" }') |

\`hotpatchctl export --dir\` of the whole site ($files feeds, $RINGS rings; the daemon sends each
file with its gzip body, \`export --stream\`, and hotpatchctl writes the files that are not in
place already), medians of $ROUNDS daemons (each: start, export into an empty directory,
\`override set win11-24h2 $month baseline\`, export again into the same directory):

| what | seconds | anchor | ratio (hotpatchd / anchor: time) | target | met |
|---|---|---|---|---|---|
| export after one override, through the feed cache | $incr | the first export of the daemon, $cold | $(ratio "$incr" "$cold")x | < 2 s | $(awk -v s="$incr" 'BEGIN { print (s < 2) ? "yes" : "no" }') |

What the second export said: \`$said\`.  For it, medians: the daemon's CPU
$(med "$dcpus") s (\`/proc/PID/stat\`), hotpatchctl's user + system $(med "$ccpus") s
(\`/usr/bin/time\`), the bytes hotpatchctl read $(med "$rbytes") MB (\`rchar\` of
\`/proc/PID/io\`: the control socket's reply and the manifest).

Daemon RSS after the second export (MB): $(echo $rss | tr ' ' '/') (\`feed: cache_mb: $(( RINGS / 8 + 64 ))\`).

\`\`\`
$feed
$peer
\`\`\`

MD
