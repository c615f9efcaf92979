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
	ctl backup "$tmp/$name.1.db" > /dev/null
	# A device import (only the devices change): the feeds stand as they were.
	ctl devices import "${top_srcdir:-.}/tests/data/devices/daemon.csv" --skip-bad > /dev/null
	ctl export --dir "$tmp/$name.1d" > /dev/null
	# Clearing it: the import that follows changes no row, so only win11-24h2's feeds
	# are built again (cmd_admin.c, clear_and_reimport); the others stand.
	ctl override clear win11-24h2 2027-02
	ctl export --dir "$tmp/$name.1c" > /dev/null
	ctl backup "$tmp/$name.1c.db" > /dev/null
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

# fresh NAME K: a daemon started afresh on the database as it was after export K
# (NAME.K.db), exporting to NAME.fresh.K: every page built from scratch, nothing kept
# from before the change.
fresh() {
	mkdir "$tmp/$1.fresh$2"
	cp "$tmp/$1.$2.db" "$tmp/$1.fresh$2/hotpatchd.db"
	set_deferral 1
	start_daemon "$tmp/$1.fresh$2" --at 2026-11-25 || not_ok "$1: a fresh daemon starts"
	sock=$tmp/$1.fresh$2/hotpatchd.sock
	ctl export --dir "$tmp/$1.fresh.$2" > /dev/null
	stop_daemon
}
fresh cached 1
fresh cached 1c

# same_ics A B: every .ics file of export A is byte for byte in B, and B has no other.
same_ics() {
	(cd "$1" && find . -name '*.ics' | sort) > "$tmp/a.list"
	(cd "$2" && find . -name '*.ics' | sort) > "$tmp/b.list"
	cmp -s "$tmp/a.list" "$tmp/b.list" || return 1
	[ -s "$tmp/a.list" ] || return 1
	while read -r f; do cmp -s "$1/$f" "$2/$f" || return 1; done < "$tmp/a.list"
}
changed_ics() { ! same_ics "$1" "$2"; }
differ() { [ -s "$1" ] && [ -s "$2" ] && ! cmp -s "$1" "$2"; }

for k in 0 1 2 3; do
	check "export $k: every feed through the cache is the feed rendered without it" \
		same_ics "$tmp/cached.$k" "$tmp/cold.$k"
done
# The feeds of the rings without win11-24h2 stood through the override (and every feed
# through the device import): a daemon that built them all afresh has the same bytes.
check "after the override, every feed is the one a fresh daemon builds" \
	same_ics "$tmp/cached.1" "$tmp/cached.fresh.1"
check "after a device import, every feed is as it was" same_ics "$tmp/cached.1" "$tmp/cached.1d"
check "after the override is cleared, every feed is the one a fresh daemon builds" \
	same_ics "$tmp/cached.1c" "$tmp/cached.fresh.1c"
check "and the one built without the cache" same_ics "$tmp/cached.1c" "$tmp/cold.1c"
check "clearing it changed the win11-24h2 feed back" \
	differ "$tmp/cold.1/os/win11-24h2.ics" "$tmp/cold.1c/os/win11-24h2.ics"
check "the override changed some feed" changed_ics "$tmp/cold.0" "$tmp/cold.1"
check "the ring change changed some feed" changed_ics "$tmp/cold.1" "$tmp/cold.2"
check "the month turning changed some feed" changed_ics "$tmp/cold.2" "$tmp/cold.3"
check "the override changed the win11-24h2 feed" \
	differ "$tmp/cold.0/os/win11-24h2.ics" "$tmp/cold.1/os/win11-24h2.ics"
check "but not the ws2025-azure feed" \
	cmp -s "$tmp/cold.0/os/ws2025-azure.ics" "$tmp/cold.1/os/ws2025-azure.ics"
finish
