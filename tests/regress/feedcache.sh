#!/bin/sh
# regress/feedcache.sh: the daemon's feeds are the same bytes with the feed cache (the
# default) and without it (feed: cache_mb: 0, every event rendered by libical each
# time), through the same changes: an override, a ring changed and reloaded, the month
# turning (--at).  Each change must change some feed, so an answer kept from before the
# change would show.  Both daemons run at a fixed --at, so DTSTAMP and LAST-MODIFIED agree.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch
own_files
edit_schedules "$tmp/sched"
SCHED=$tmp/sched
printf 'version: 1\nfeed:\n  cache_mb: 0\n' > "$tmp/nocache.yaml"

# run_changes NAME [hotpatchd flags]: exports NAME.0 .. NAME.3 of the same history.
run_changes() {
	name=$1
	shift
	set_deferral 1
	sock=$tmp/$name/hotpatchd.sock
	start_daemon "$tmp/$name" --at 2026-11-25 "$@" || not_ok "$name: the daemon starts"
	ctl export --dir "$tmp/$name.0" > /dev/null
	ctl override set win11-24h2 2027-02 baseline --reason "feed cache test"
	ctl export --dir "$tmp/$name.1" > /dev/null
	set_deferral 4
	ctl reload
	ctl export --dir "$tmp/$name.2" > /dev/null
	stop_daemon
	start_daemon "$tmp/$name" --at 2026-12-26 "$@" || not_ok "$name: the daemon starts again"
	ctl export --dir "$tmp/$name.3" > /dev/null
	stop_daemon
}

run_changes cached
run_changes cold -c "$tmp/nocache.yaml"

# same_ics A B: every .ics file of export A is byte for byte in B, and B has no other.
same_ics() {
	(cd "$1" && find . -name '*.ics' | sort) > "$tmp/a.list"
	(cd "$2" && find . -name '*.ics' | sort) > "$tmp/b.list"
	cmp -s "$tmp/a.list" "$tmp/b.list" || return 1
	[ -s "$tmp/a.list" ] || return 1
	while read -r f; do cmp -s "$1/$f" "$2/$f" || return 1; done < "$tmp/a.list"
}
changed_ics() { ! same_ics "$1" "$2"; }

for k in 0 1 2 3; do
	check "export $k: every feed through the cache is the feed rendered without it" \
		same_ics "$tmp/cached.$k" "$tmp/cold.$k"
done
check "the override changed some feed" changed_ics "$tmp/cold.0" "$tmp/cold.1"
check "the ring change changed some feed" changed_ics "$tmp/cold.1" "$tmp/cold.2"
check "the month turning changed some feed" changed_ics "$tmp/cold.2" "$tmp/cold.3"
differ() { [ -s "$1" ] && [ -s "$2" ] && ! cmp -s "$1" "$2"; }
check "the override changed the win11-24h2 feed" \
	differ "$tmp/cold.0/os/win11-24h2.ics" "$tmp/cold.1/os/win11-24h2.ics"
check "but not the ws2025-azure feed" \
	cmp -s "$tmp/cold.0/os/ws2025-azure.ics" "$tmp/cold.1/os/ws2025-azure.ics"
finish
