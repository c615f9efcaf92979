#!/bin/sh
# regress/feedstamp.sh: the stamps (DTSTAMP, SEQUENCE) of one export go into the store in one
# transaction committed before the reply.  A daemon at a fixed --at exports; restarted two
# days later it takes an override and exports again: an event whose text is the same keeps
# its DTSTAMP and SEQUENCE, one whose text changed has the new day and SEQUENCE + 1 (the
# oracle below compares the events' text, not hotpatchd's hashes).  Then another override,
# an export, and kill -9 at once: the store holds what the reply showed, and a daemon
# started later still (which would stamp anything missing with its own day) exports the same.
# Last, sqlite3 edits the stamps under that daemon: the feeds it builds after show the edit.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
needs "feed stamps" sqlite3 python3
scratch
own_files
dir=$tmp/var

start_daemon "$dir" --at 2026-11-25 || not_ok "the daemon starts" "$(cat "$dir.log")"
ctl export --dir "$tmp/e0" > /dev/null
stop_daemon
start_daemon "$dir" --at 2026-11-27 || not_ok "the daemon starts again" "$(cat "$dir.log")"
ctl override set win11-24h2 2027-02 baseline --reason "feed stamp test" > /dev/null
ctl export --dir "$tmp/e1" > /dev/null
ctl override set win11-24h2 2027-03 baseline --reason "feed stamp test" > /dev/null
ctl export --dir "$tmp/e2" > /dev/null
kill -KILL "$daemon_pid"
wait "$daemon_pid" 2>/dev/null
daemon_pid=
sqlite3 "$dir/hotpatchd.db" "SELECT uid, sequence, last_modified FROM feed_state" \
	> "$tmp/stored" 2> "$tmp/stored.err"
# The killed daemon's socket file stays; start_daemon waits for the socket to appear, so
# without this it would return at once and a slow start (ASan, valgrind) refuse the export.
rm -f "$dir/hotpatchd.sock"
start_daemon "$dir" --at 2026-11-29 || not_ok "the daemon starts after kill -9" "$(cat "$dir.log")"
ctl export --dir "$tmp/e3" > /dev/null
# Another program edits the stamps under the running daemon (the store remembers what it
# read, store_feed.c, and must notice): every SEQUENCE + 10.  The next override rebuilds the
# feeds of win11-24h2, whose events then show the edited numbers.
sqlite3 -cmd ".timeout 10000" "$dir/hotpatchd.db" "UPDATE feed_state SET sequence = sequence + 10" \
	2> "$tmp/edit.err"
ctl override set win11-24h2 2027-04 baseline --reason "feed stamp test" > /dev/null
ctl export --dir "$tmp/e4" > /dev/null
stop_daemon

# stamps.py MODE A B: every VEVENT of every .ics under A and B, by UID, unfolded; its stamps
# (DTSTAMP, SEQUENCE) and the rest of its text.
cat > "$tmp/stamps.py" <<'EOF'
import calendar, os, sys, time

def events(root):
    out = {}
    for d, _, files in os.walk(root):
        for name in files:
            if not name.endswith(".ics"):
                continue
            text = open(os.path.join(d, name), encoding="utf-8", newline="").read().replace("\r\n ", "")
            ev = None
            for line in text.split("\r\n"):
                if line == "BEGIN:VEVENT":
                    ev = []
                elif line == "END:VEVENT":
                    props = dict(l.split(":", 1) for l in ev if ":" in l)
                    rest = "\n".join(l for l in ev if not l.startswith(
                        ("DTSTAMP:", "SEQUENCE:", "LAST-MODIFIED:")))
                    got = (props["DTSTAMP"], int(props["SEQUENCE"]), rest)
                    if out.setdefault(props["UID"], got) != got:
                        sys.exit("%s differs between feeds of %s" % (props["UID"], root))
                    ev = None
                elif ev is not None:
                    ev.append(line)
    if not out:
        sys.exit("no events under " + root)
    return out

def moved(a, b, day):
    """Unchanged events keep their stamps; changed ones are stamped on day, SEQUENCE + 1."""
    kept = changed = 0
    for uid in a.keys() & b.keys():
        (s0, q0, t0), (s1, q1, t1) = a[uid], b[uid]
        if t0 == t1:
            if (s1, q1) != (s0, q0):
                sys.exit("%s unchanged, stamps moved: %s/%d -> %s/%d" % (uid, s0, q0, s1, q1))
            kept += 1
        else:
            if (s1, q1) != (day, q0 + 1):
                sys.exit("%s changed, stamped %s/%d, want %s/%d" % (uid, s1, q1, day, q0 + 1))
            changed += 1
    return kept, changed

mode = sys.argv[1]
if mode == "kept":
    kept, changed = moved(events(sys.argv[2]), events(sys.argv[3]), "20261127T000000Z")
    if kept < 100 or changed < 1:
        sys.exit("kept %d, changed %d: the test saw too little" % (kept, changed))
elif mode == "edited":
    # a feed rebuilt after the edit: unchanged events show SEQUENCE + 10, changed ones + 11
    a, b = events(sys.argv[2]), events(sys.argv[3])
    for uid in a.keys() & b.keys():
        want = a[uid][1] + (10 if a[uid][2] == b[uid][2] else 11)
        if b[uid][1] != want:
            sys.exit("%s: SEQUENCE %d, want %d (was %d)" % (uid, b[uid][1], want, a[uid][1]))
    if not a.keys() & b.keys():
        sys.exit("no events in common")
elif mode == "same":
    a, b = events(sys.argv[2]), events(sys.argv[3])
    diff = [u for u in a if a[u][:2] != b.get(u, (None, None))[:2]]
    if diff or a.keys() != b.keys():
        sys.exit("stamps differ after the restart: %s" % diff[:5])
elif mode == "stored":
    a = events(sys.argv[2])
    rows = {}
    for line in open(sys.argv[3]):
        uid, seq, at = line.rstrip("\n").split("|")
        rows[uid] = (time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(int(at))), int(seq))
    bad = [u for u in a if rows.get(u) != a[u][:2]]
    if bad:
        sys.exit("%d events not as stored, e.g. %s: shown %s, stored %s"
                 % (len(bad), bad[0], a[bad[0]][:2], rows.get(bad[0])))
EOF
stamps() { python3 "$tmp/stamps.py" "$@"; }

check "after an override, unchanged events keep their DTSTAMP and SEQUENCE" \
	stamps kept "$tmp/e0" "$tmp/e1"
check "the second override changed the events it touches, and only those" \
	stamps kept "$tmp/e1" "$tmp/e2"
check "killed right after the export's reply, the store holds the stamps it showed" \
	stamps stored "$tmp/e2" "$tmp/stored"
check "restarted two days later, the export shows the same stamps" \
	stamps same "$tmp/e2" "$tmp/e3"
# one ring feed of win11-24h2: the first the override of 2027-04 changed
mkdir "$tmp/r0" "$tmp/r1"
for f in "$tmp"/e4/rings/*.ics; do
	cmp -s "$f" "$tmp/e3/rings/${f##*/}" && continue
	cp "$tmp/e3/rings/${f##*/}" "$tmp/r0/" && cp "$f" "$tmp/r1/"
	break
done
check "an edit of the stamps by another program shows in the feeds rebuilt after it" \
	stamps edited "$tmp/r0" "$tmp/r1"
finish
