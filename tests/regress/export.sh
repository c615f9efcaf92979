#!/bin/sh
# regress/export.sh: hotpatchctl export --dir into a directory others can write (a web root):
# planted symbolic links are never followed, neither at a file's name nor at a temporary's
# nor on the way; the manifest makes a later export remove the files of rings that are gone
# and nothing else, whatever the manifest says.  And hotpatchctl against a daemon that hangs up mid-request: exit
# 3 and a message, never death by SIGPIPE (exit 141).
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch

site=$tmp/site
mkdir "$tmp/sched" "$tmp/elsewhere"
cp "$SCHED"/*.yaml "$tmp/sched/"
start_daemon "$tmp/var" --schedules "$tmp/sched" || not_ok "the daemon starts" "$(cat "$tmp/var.log")"

# victim: a file nobody may overwrite through the export; intact: it still holds its words.
echo "precious" > "$tmp/victim"
intact() { [ "$(cat "$tmp/victim")" = precious ] && [ ! -L "$tmp/victim" ]; }
# temps DIR: the temporary files hotpatchctl left in DIR and below.
temps() { find "$1" -name '*.hotpatchctl-*' -o -name '*.tmp.*' | tr '\n' ' '; }
# rings_exported: the ring feeds in the export (not their .gz copies), one name a line, sorted.
rings_exported() { ls "$site/rings" | grep -v '\.gz$' | sort; }
# rings_served: the rings the daemon has, as feed names, sorted.
rings_served() {
	"$HOTPATCHCTL" --socket "$sock" --json rings | python3 -c '
import json, sys
for g in json.load(sys.stdin)["rings"]:
    print(g["ring"] + ".ics")' | sort
}

# ---------------------------------------------------------------------------
# The manifest.

ctl export --dir "$site"
answered "export into a new directory exits 0"
python3 - "$site" > "$tmp/py.out" 2>&1 <<'PY'
import os, sys
site = sys.argv[1]
lines = open(os.path.join(site, ".hotpatchd-export")).read().splitlines()
assert lines[0].startswith("#"), lines[0]
names = [l.split("\t")[0] for l in lines[1:]]
on_disk = sorted(os.path.relpath(os.path.join(d, f), site) for d, _, fs in os.walk(site)
                 for f in fs if f != ".hotpatchd-export")
assert sorted(names) == on_disk, (names, on_disk)
assert "calendar.ics" in names and "index.html" in names and "plan/index.html" in names, names
PY
[ $? -eq 0 ] && ok "the manifest .hotpatchd-export lists exactly the files the export wrote" ||
	not_ok "the manifest .hotpatchd-export lists exactly the files the export wrote" "$(cat "$tmp/py.out")"
r=$(stat -c %a "$site/.hotpatchd-export" "$site/calendar.ics" | sort -u | tr '\n' ' ')
[ "$r" = "640 " ] || [ "$r" = "644 " ] && ok "the files and the manifest are mode 0644 less the umask" ||
	not_ok "the files and the manifest are mode 0644 less the umask" "modes: $r (umask $(umask))"

# The first export compresses every page on the daemon's worker threads
# (src/gzpool.c: started from 8 bodies, which this estate has many times over):
# each NAME.gz must gunzip to NAME, byte for byte.
ngz=0 badgz=
for gz in $(cd "$site" && find . -name '*.gz' | sort); do
	ngz=$((ngz + 1))
	gzip -dc < "$site/$gz" | cmp -s - "$site/${gz%.gz}" || badgz="$badgz $gz"
done
[ "$ngz" -ge 8 ] && [ -z "$badgz" ] &&
	ok "every one of the $ngz .gz files compressed on the export's threads gunzips to the file beside it" ||
	not_ok "every .gz gunzips to the file beside it" "$ngz .gz files; bad:$badgz"

# ---------------------------------------------------------------------------
# Files in place and unchanged are left alone: not written, same inode and change time.

nfiles=$(grep -vc '^#' "$site/.hotpatchd-export")
stamp_of() { stat -c '%i %Z.%z' "$site/$1"; }
before=$(stamp_of rings/ring2.ics)
ctl export --dir "$site"
has "an export with nothing changed writes nothing" "($((0)) written, $nfiles unchanged)"
[ "$(stamp_of rings/ring2.ics)" = "$before" ] && ok "an unchanged feed keeps its inode and change time" ||
	not_ok "an unchanged feed keeps its inode and change time" "$before -> $(stamp_of rings/ring2.ics)"
# A feed edited in place, same size (one letter changed): written again, as the daemon has it.
cp "$site/rings/ring2.ics" "$tmp/ring2.want"
sed -i 's/^BEGIN:VCALENDAR/BEGIN:VCALENDAX/' "$site/rings/ring2.ics"
ctl export --dir "$site"
has "a feed edited in place is written again" "(1 written, $((nfiles - 1)) unchanged)"
cmp -s "$site/rings/ring2.ics" "$tmp/ring2.want" && ok "the edited feed is the daemon's again" ||
	not_ok "the edited feed is the daemon's again"
# One override: only the feeds it changes (and the pages showing it) are written.
ctl override set win11-24h2 2027-03 baseline --reason "export test"
ctl export --dir "$site"
w=$(sed -n 's/.*(\([0-9]*\) written.*/\1/p' "$tmp/out")
[ -n "$w" ] && [ "$w" -gt 2 ] && [ "$w" -lt "$nfiles" ] &&
	ok "after one override some files are written ($w of $nfiles), not all" ||
	not_ok "after one override some files are written, not all" "$(cat "$tmp/out")"
ctl override clear win11-24h2 2027-03
ctl export --dir "$site"
answered "export after clearing the override"

# The static plan page is kept between exports (site.c, struct exported): an override two
# months ahead, inside the plan's twelve months, must change plan/index.html and its .gz,
# and clearing it must give back the very bytes of before.  The kind is the other one than
# the month has by the quarterly pattern (baseline in January, April, July, October).
px=$tmp/planx
m=$(date -u -d "$(date -u +%Y-%m-15) +2 month" +%Y-%m)
case ${m#*-} in 01|04|07|10) kind=hotpatch ;; *) kind=baseline ;; esac
ctl export --dir "$px"
cp "$px/plan/index.html" "$tmp/plan.before"
ctl override set win11-24h2 "$m" "$kind" --reason "export plan test"
ctl export --dir "$px"
if ! cmp -s "$px/plan/index.html" "$tmp/plan.before" &&
    gzip -dc < "$px/plan/index.html.gz" | cmp -s - "$px/plan/index.html"; then
	ok "an override of $m ($kind) changes the exported plan page, and its .gz with it"
else
	not_ok "an override of $m changes the exported plan page and its .gz" "$(cat "$tmp/out")"
fi
ctl override clear win11-24h2 "$m"
ctl export --dir "$px"
cmp -s "$px/plan/index.html" "$tmp/plan.before" &&
    gzip -dc < "$px/plan/index.html.gz" | cmp -s - "$tmp/plan.before" &&
	ok "clearing it gives back the plan page of before, byte for byte, and its .gz" ||
	not_ok "clearing the override gives back the plan page of before" "$(cat "$tmp/out")"

# ---------------------------------------------------------------------------
# What is sent: hotpatchctl passes the files it holds in place and unchanged (the held list,
# a descriptor), and the daemon sends no bytes for those whose ETag is still the page's.
# The oracle is the files themselves: SHA-256 of each before and after, in Python.

hs=$tmp/held
# snap DIR: every file of the export (the manifest aside), "NAME SHA256 SIZE" a line, sorted.
snap() {
	python3 - "$1" <<'PY'
import hashlib, os, sys
site = sys.argv[1]
for d, _, fs in os.walk(site):
    for f in fs:
        p = os.path.join(d, f)
        if f != ".hotpatchd-export":
            b = open(p, "rb").read()
            print(os.path.relpath(p, site), hashlib.sha256(b).hexdigest(), len(b))
PY
}
# jfield KEY: KEY of the export --json in $tmp/out.
jfield() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$tmp/out" "$1" 2>&1; }
# counts: "sent same sent_bytes written" of the export --json in $tmp/out.
counts() { echo "$(jfield sent) $(jfield same) $(jfield sent_bytes) $(jfield written)"; }

ctl export --dir "$hs" --json
snap "$hs" | sort > "$tmp/snap0"
all=$(lines "$tmp/snap0")
bytes=$(awk '{ s += $3 } END { print s }' "$tmp/snap0")
[ "$(counts)" = "$all 0 $bytes $all" ] && [ "$all" -gt 10 ] &&
	ok "a first export is sent whole: $all files, $bytes bytes, none same" ||
	not_ok "a first export is sent whole" "want $all 0 $bytes $all, got $(counts)" "$(cat "$tmp/err")"
ctl export --dir "$hs" --json
[ "$(counts)" = "0 $all 0 0" ] &&
	ok "a second export with nothing changed sends nothing: sent 0, same $all, sent_bytes 0" ||
	not_ok "a second export with nothing changed sends nothing" "want 0 $all 0 0, got $(counts)"

# One override on win11-24h2: sent are exactly the files whose bytes changed (the feeds of
# that OS's rings, their .gz, and the pages that show them), counted from the files.
ctl override set win11-24h2 2027-03 baseline --reason "held list test"
ctl export --dir "$hs" --json
snap "$hs" | sort > "$tmp/snap1"
join "$tmp/snap0" "$tmp/snap1" | awk '$2 != $4 { n++; s += $5 } END { print n + 0, s + 0 }' \
    > "$tmp/changed"
read -r nchanged changed_bytes < "$tmp/changed"
"$HOTPATCHCTL" --socket "$sock" --json rings | python3 -c '
import json, sys
for g in json.load(sys.stdin)["rings"]:
    if "win11-24h2" in json.dumps(g.get("os", g.get("oses", ""))):
        print("rings/" + g["ring"] + ".ics")' | sort > "$tmp/win11rings"
join "$tmp/snap0" "$tmp/snap1" | awk '$2 != $4 { print $1 }' | sort > "$tmp/changed.names"
if [ "$(counts)" = "$nchanged $((all - nchanged)) $changed_bytes $nchanged" ] &&
    [ "$nchanged" -lt "$all" ] && [ -s "$tmp/win11rings" ] &&
    [ -z "$(comm -23 "$tmp/win11rings" "$tmp/changed.names")" ]; then
	ok "after one override only the $nchanged changed files are sent ($changed_bytes bytes), the feeds of win11-24h2's $(lines "$tmp/win11rings") rings among them"
else
	not_ok "after one override only the changed files are sent" \
	    "want $nchanged $((all - nchanged)) $changed_bytes $nchanged, got $(counts)" \
	    "win11-24h2 rings not sent: $(comm -23 "$tmp/win11rings" "$tmp/changed.names" | head -n 5)"
fi
ctl override clear win11-24h2 2027-03
ctl export --dir "$hs" --json
# the export as the daemon has it now (the override leaves its trace in calendar.ics)
snap "$hs" | sort > "$tmp/snap0"
cp "$hs/.hotpatchd-export" "$tmp/manifest.before"

# proxy MODE N: a control socket at $tmp/proxy.sock that passes N connections to the daemon,
# the request line and its descriptor as they came; it keeps each held list as
# $tmp/held.K.  MODE once: at the first connection, before the daemon answers, it
# rewrites calendar.ics in the export (so the file the daemon calls same has changed);
# always: at each, the first file of that held list; swapdir: at the first, rings/ is
# moved to rings.old and a copy (new inodes) put in its place; record: nothing.
proxy() {
	rm -f "$tmp/proxy.sock" "$tmp"/held.[0-9]* "$tmp/proxy.count"
	python3 - "$tmp/proxy.sock" "$sock" "$1" "$2" "$tmp" "$hs" "$(tmo 60)" <<'PY' &
import os, shutil, socket, sys
listen, daemon, mode, want, tmp, site, cap = sys.argv[1:8]
srv = socket.socket(socket.AF_UNIX)
srv.bind(listen)
srv.listen(8)
srv.settimeout(int(cap))
k = 0
while k < int(want):
    try:
        c, _ = srv.accept()
    except socket.timeout:
        break
    k += 1
    d = socket.socket(socket.AF_UNIX)
    d.connect(daemon)
    df = d.makefile("rb")
    c.sendall(df.readline())
    msg, fds, _, _ = socket.recv_fds(c, 65536, 4)
    while not msg.endswith(b"\n"):
        msg += c.recv(65536)
    held = os.pread(fds[0], os.fstat(fds[0]).st_size, 0)
    open("%s/held.%d" % (tmp, k), "wb").write(held)
    edit = None
    if mode == "once" and k == 1:
        edit = "calendar.ics"
    elif mode == "always" and held:
        edit = held.split(b"\t", 1)[0].decode()
    if edit:
        with open(os.path.join(site, edit), "ab") as f:
            f.write(b"edited\n")
    if mode == "swapdir" and k == 1:
        rings = os.path.join(site, "rings")
        shutil.copytree(rings, rings + ".new")
        os.rename(rings, rings + ".old")
        os.rename(rings + ".new", rings)
    socket.send_fds(d, [msg], fds)
    status = df.readline()
    c.sendall(status + df.read(int(status.split()[1])))
    c.close()
    d.close()
open(tmp + "/proxy.count", "w").write("%d\n" % k)
PY
	extra_pids=$!
	i=0
	while ! [ -S "$tmp/proxy.sock" ] && [ $i -lt $((20 * $(tmo 60))) ]; do sleep 0.05; i=$((i + 1)); done
}
# proxied ARGS: hotpatchctl through the proxy; then the proxy is waited for.
proxied() {
	run --socket "$tmp/proxy.sock" "$@"
	wait "$extra_pids"
	extra_pids=
}

# The held list is the manifest's files in place and unchanged: an edited file is not
# listed, nor a planted one the manifest does not know.
echo "planted" > "$hs/rings/planted.ics"
echo "<p>edited</p>" >> "$hs/index.html"
grep -v '^#' "$tmp/manifest.before" | cut -f 1,2 | grep -v '^index\.html	' | sort > "$tmp/held.want"
proxy record 1
proxied export --dir "$hs" --json
sort "$tmp/held.1" > "$tmp/held.got"
if cmp -s "$tmp/held.want" "$tmp/held.got" && ! grep -q planted "$tmp/held.1" &&
    [ "$(counts)" = "1 $((all - 1)) $(grep '^index\.html ' "$tmp/snap0" | cut -d ' ' -f 3) 1" ]; then
	ok "the held list is the manifest's files in place: not an edited one, not a planted one; only index.html is sent"
else
	not_ok "the held list is the manifest's files in place" "$(diff "$tmp/held.want" "$tmp/held.got" | head -n 5)" \
	    "counts: $(counts)" "$(cat "$tmp/err")"
fi
cmp -s "$hs/rings/planted.ics" - <<EOF && ok "the planted file is left alone" || not_ok "the planted file is left alone"
planted
EOF
rm "$hs/rings/planted.ics"

# A file edited after the held list is built, which the daemon then calls same: asked for
# again without it, and written as the daemon has it.
cp "$hs/calendar.ics" "$tmp/calendar.want"
proxy once 2
proxied export --dir "$hs" --json
if [ $rc -eq 0 ] && [ "$(cat "$tmp/proxy.count")" = 2 ] && grep -q '^calendar\.ics	' "$tmp/held.1" &&
    ! grep -q '^calendar\.ics	' "$tmp/held.2" && cmp -s "$hs/calendar.ics" "$tmp/calendar.want" &&
    [ "$(jfield sent)" = 1 ]; then
	ok "a file edited after the held list was built is asked for again and written as the daemon has it"
else
	not_ok "a file edited after the held list was built is asked for again" "exit $rc: $(cat "$tmp/err")" \
	    "connections: $(cat "$tmp/proxy.count")" "counts: $(counts)" "$(diff "$hs/calendar.ics" "$tmp/calendar.want" | head -n 3)"
fi
# Held files changing at every try: three tries, then exit 1 and nothing written.
cp "$hs/.hotpatchd-export" "$tmp/manifest.before"
proxy always 3
proxied export --dir "$hs" --json
refused "held files changing at each of 3 tries: exit 1" 1 "kept changing while the export read them"
[ "$(cat "$tmp/proxy.count")" = 3 ] && cmp -s "$hs/.hotpatchd-export" "$tmp/manifest.before" &&
	ok "three tries, and the manifest is left as it was" ||
	not_ok "three tries, and the manifest is left as it was" "connections: $(cat "$tmp/proxy.count")"
ctl export --dir "$hs"
answered "the next export puts the edited files right"
snap "$hs" | sort > "$tmp/snap2"
cmp -s "$tmp/snap0" "$tmp/snap2" && ok "the export is the daemon's files again, byte for byte" ||
	not_ok "the export is the daemon's files again, byte for byte" "$(diff "$tmp/snap0" "$tmp/snap2" | head -n 5)"

# The directories are opened once per pass over the files (held list, check of the reply,
# writes), not once per file, and afresh at each pass: rings/ swapped for a copy after the
# held list was built is looked into again, its files asked for again and written.
nrings=$(ls "$hs/rings" | wc -l)
proxy swapdir 2
proxied export --dir "$hs" --json
rm -rf "$hs/rings.old"
snap "$hs" | sort > "$tmp/snap3"
if [ $rc -eq 0 ] && [ "$(cat "$tmp/proxy.count")" = 2 ] && [ "$(jfield sent)" = "$nrings" ] &&
    [ "$(jfield written)" = "$nrings" ] && cmp -s "$tmp/snap0" "$tmp/snap3"; then
	ok "rings/ swapped for a copy after the held list was built: its $nrings files asked for again and written"
else
	not_ok "rings/ swapped for a copy after the held list: its files asked for again" \
	    "exit $rc: $(cat "$tmp/err")" "connections: $(cat "$tmp/proxy.count")" "counts: $(counts)" \
	    "$(diff "$tmp/snap0" "$tmp/snap3" | head -n 5)"
fi
ctl export --dir "$hs" --json
[ "$(counts)" = "0 $all 0 0" ] && ok "then an export with nothing changed sends and writes nothing" ||
	not_ok "then an export with nothing changed sends and writes nothing" "want 0 $all 0 0, got $(counts)"

# Without a descriptor (an older hotpatchctl), the stream is as before: every file's bytes.
python3 - "$sock" > "$tmp/py.out" 2>&1 <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rb")
f.readline()
s.sendall(b"export --dir x --stream --json\n")
status = f.readline()
body = f.read(int(status.split()[1]))
index, end = json.JSONDecoder().raw_decode(body.decode("latin-1"))
files = index["files"]
assert all("same" not in e and "gzip_same" not in e for e in files), "same without a held list"
total = sum(e["bytes"] + e.get("gzip", 0) for e in files)
assert len(body) == end + 1 + total, (len(body), end, total)
print(len(files) + sum("gzip" in e for e in files))
PY
[ "$(cat "$tmp/py.out")" = "$all" ] && ok "without a descriptor the stream sends all $all files' bytes, as before" ||
	not_ok "without a descriptor the stream sends every file's bytes" "$(cat "$tmp/py.out")"
# A descriptor with anything but export --stream is refused, as before.
: > "$tmp/empty.held"
held_send "$sock" "export --dir x --json" "$tmp/empty.held" "$tmp/t"
head -n 1 "$tmp/t" | grep -q "^400 .*'export' takes no file descriptor" &&
	ok "export without --stream refuses a descriptor (400)" ||
	not_ok "export without --stream refuses a descriptor (400)" "$(head -c 200 "$tmp/t")"
held_send "$sock" "status" "$tmp/empty.held" "$tmp/t"
head -n 1 "$tmp/t" | grep -q "^400 .*'status' takes no file descriptor" &&
	ok "status refuses a descriptor (400)" || not_ok "status refuses a descriptor (400)" "$(head -c 200 "$tmp/t")"

# ---------------------------------------------------------------------------
# Planted symbolic links.

# At a file's final name: the link is replaced by the file, its target untouched.
rm "$site/calendar.ics"
ln -s "$tmp/victim" "$site/calendar.ics"
ctl export --dir "$site"
if [ $rc -eq 0 ] && intact && [ -f "$site/calendar.ics" ] && [ ! -L "$site/calendar.ics" ] &&
    grep -q BEGIN:VCALENDAR "$site/calendar.ics"; then
	ok "a symlink planted at calendar.ics is replaced by the feed; its target is untouched"
else
	not_ok "a symlink planted at calendar.ics is replaced by the feed; its target is untouched" \
	    "exit $rc: $(cat "$tmp/err")" "victim: $(cat "$tmp/victim")" "$(ls -l "$site")"
fi

# At the name of the temporary file hotpatchctl used to write (NAME.tmp.PID): the shell's
# pid is hotpatchctl's after exec.
ln -s "$tmp/victim" "$site/index.html.tmp.fixed"
timeout "$(tmo 10)" sh -c 'ln -s "$1/victim" "$1/site/calendar.ics.tmp.$$" &&
    ln -s "$1/victim" "$1/site/rings/test.ics.tmp.$$" &&
    exec "$2" --socket "$3" export --dir "$1/site"' sh "$tmp" "$HOTPATCHCTL" "$sock" \
    > "$tmp/out" 2> "$tmp/err"
rc=$?
if [ $rc -eq 0 ] && intact && [ ! -L "$site/calendar.ics" ] && [ ! -L "$site/rings/test.ics" ]; then
	ok "symlinks planted at the temporary names of a known pid are not followed"
else
	not_ok "symlinks planted at the temporary names of a known pid are not followed" \
	    "exit $rc: $(cat "$tmp/err")" "victim: $(cat "$tmp/victim")" "$(ls -l "$site" "$site/rings" | head -n 20)"
fi
# Named like hotpatchctl's temporaries now: neither followed nor removed (not a regular file).
ln -s "$tmp/victim" "$site/.calendar.ics.hotpatchctl-AAAAAA"
ln -s "$tmp/victim" "$site/rings/.test.ics.hotpatchctl-BBBBBB"
ctl export --dir "$site"
[ $rc -eq 0 ] && intact && [ -L "$site/.calendar.ics.hotpatchctl-AAAAAA" ] &&
	[ -L "$site/rings/.test.ics.hotpatchctl-BBBBBB" ] &&
	ok "symlinks named like hotpatchctl's temporaries are neither followed nor removed" ||
	not_ok "symlinks named like hotpatchctl's temporaries are neither followed nor removed" \
	    "exit $rc: $(cat "$tmp/err")" "victim: $(cat "$tmp/victim")"
rm -f "$site"/*.tmp.* "$site"/rings/*.tmp.* "$site"/.*.hotpatchctl-* "$site"/rings/.*.hotpatchctl-*

# At the manifest: replaced, not read through, not written through.
printf 'index.html\n' > "$tmp/victim.list"
cp "$tmp/victim.list" "$tmp/victim.list.orig"
rm "$site/.hotpatchd-export"
ln -s "$tmp/victim.list" "$site/.hotpatchd-export"
ctl export --dir "$site"
[ $rc -eq 0 ] && [ ! -L "$site/.hotpatchd-export" ] && [ -f "$site/.hotpatchd-export" ] &&
	cmp -s "$tmp/victim.list" "$tmp/victim.list.orig" && [ -f "$site/index.html" ] &&
	ok "a symlink planted at the manifest is replaced; its target is untouched" ||
	not_ok "a symlink planted at the manifest is replaced; its target is untouched" \
	    "exit $rc: $(cat "$tmp/err")" "$(ls -la "$site")"

# On the way: a directory of the export replaced by a symlink to another directory.
mv "$site/os" "$tmp/os.saved"
ln -s "$tmp/elsewhere" "$site/os"
ctl export --dir "$site"
refused "a symlink planted at the os/ directory: exit 1, not a directory" 1 "$site/os/"
[ -z "$(ls -A "$tmp/elsewhere")" ] && ok "nothing was written through the planted os/ symlink" ||
	not_ok "nothing was written through the planted os/ symlink" "$(ls -A "$tmp/elsewhere")"
rm "$site/os"
mv "$tmp/os.saved" "$site/os"
[ -z "$(temps "$site")" ] && ok "no temporary file is left in the export" ||
	not_ok "no temporary file is left in the export" "$(temps "$site")"

# ---------------------------------------------------------------------------
# Removing what is no longer exported: the rings of a ring file that is gone.

echo "mine" > "$site/rings/someone-elses.ics"
echo "notes" > "$site/notes.txt"
want=$(rings_served)
[ "$(rings_exported | grep -vx someone-elses.ics)" = "$want" ] && echo "$want" | grep -q '^classic-' &&
	ok "the export has one feed per ring, classic-* included" ||
	not_ok "the export has one feed per ring, classic-* included" "$(rings_exported)"
rm "$tmp/sched/autopatch-classic.yaml"
ctl reload
answered "reload without the classic ring file"
nclassic=$(echo "$want" | grep -c '^classic-')
ctl export --dir "$site"
# each feed and its .gz copy
has "export says how many stale files it removed" "removed $((2 * nclassic)) no longer exported"
ls "$site/rings" | grep -q '^classic-.*\.gz$' &&
	not_ok "the .gz copies of the removed feeds are gone too" "$(ls "$site/rings" | grep '^classic-')" ||
	ok "the .gz copies of the removed feeds are gone too"
want=$(rings_served)
[ "$(rings_exported)" = "$(printf '%s\nsomeone-elses.ics' "$want" | sort)" ] &&
	! echo "$want" | grep -q '^classic-' &&
	ok "the feeds of the removed rings are gone; the served ones and someone else's file stay" ||
	not_ok "the feeds of the removed rings are gone; the served ones and someone else's file stay" \
	    "exported: $(rings_exported | tr '\n' ' ')" "served: $(echo "$want" | tr '\n' ' ')"
[ "$(cat "$site/notes.txt")" = notes ] && [ "$(cat "$site/rings/someone-elses.ics")" = mine ] &&
	ok "files the export did not write are kept" || not_ok "files the export did not write are kept"
grep -q '^rings/classic-' "$site/.hotpatchd-export" &&
	not_ok "the new manifest no longer lists the removed feeds" "$(cat "$site/.hotpatchd-export")" ||
	ok "the new manifest no longer lists the removed feeds"

# ---------------------------------------------------------------------------
# A hostile manifest: only plain names of regular files of ours, in the export's own
# directories, are ever removed.

mkdir "$tmp/outside"
echo "x" > "$tmp/outside/x.ics"
ln -s "$tmp/outside" "$site/rings-link"
ln -s "$tmp/victim" "$site/rings/link.ics"
mkdir "$site/other"
echo "y" > "$site/other/y.ics"
echo "z" > "$site/rings/theirs.ics"
[ "$(id -u)" -eq 0 ] && chown nobody "$site/rings/theirs.ics"
cat > "$site/.hotpatchd-export" <<EOF
# forged
$tmp/victim
../victim
rings/../../victim
rings/../notes.txt
./notes.txt
rings//someone-elses.ics
rings-link/x.ics
rings/link.ics
other/y.ics
.hotpatchd-export
rings/
$(printf 'rings/\001odd')
EOF
[ "$(id -u)" -eq 0 ] && echo "rings/theirs.ics" >> "$site/.hotpatchd-export"
ctl export --dir "$site"
answered "export with a forged manifest exits 0"
if intact && [ -f "$tmp/outside/x.ics" ] && [ -L "$site/rings/link.ics" ] && [ -f "$site/other/y.ics" ] &&
    [ -f "$site/notes.txt" ] && [ -f "$site/rings/someone-elses.ics" ] && [ -f "$site/rings/theirs.ics" ]; then
	ok "a forged manifest removes nothing: no absolute or .. paths, symlinks, other directories or others' files"
else
	not_ok "a forged manifest removes nothing: no absolute or .. paths, symlinks, other directories or others' files" \
	    "$(cat "$tmp/out")" "$(ls -la "$site" "$site/rings" "$tmp/outside" | head -n 40)"
fi
cut -f1 "$site/.hotpatchd-export" | grep -qx 'calendar.ics' && ! grep -q forged "$site/.hotpatchd-export" &&
	ok "the forged manifest is replaced by the export's own" ||
	not_ok "the forged manifest is replaced by the export's own" "$(cat "$site/.hotpatchd-export")"
head -c $((33 * 1024 * 1024)) /dev/zero | tr '\0' 'a' > "$site/.hotpatchd-export"
ctl export --dir "$site"
[ $rc -eq 0 ] && grep -q "ignoring $site/.hotpatchd-export" "$tmp/err" &&
	[ "$(wc -c < "$site/.hotpatchd-export")" -lt 100000 ] &&
	ok "a manifest over 32 MiB is ignored with a warning and replaced" ||
	not_ok "a manifest over 32 MiB is ignored with a warning and replaced" "exit $rc: $(cat "$tmp/err")"
# A manifest forged to call a planted file unchanged: it is not ours, so it is replaced.
if [ "$(id -u)" -eq 0 ]; then
	echo "BEGIN:VCALENDAR planted" > "$site/rings/ring1.ics"
	chown nobody "$site/rings/ring1.ics"
	python3 - "$site" <<'PY'
import os, sys
site = sys.argv[1]
st = os.lstat(os.path.join(site, "rings/ring1.ics"))
lines = open(os.path.join(site, ".hotpatchd-export")).read().splitlines()
out = []
for l in lines:
    f = l.split("\t")
    if f[0] == "rings/ring1.ics" and len(f) == 5:
        f[2:] = [str(st.st_size), "%d.%09d" % (st.st_ctime_ns // 10**9, st.st_ctime_ns % 10**9), str(st.st_ino)]
    out.append("\t".join(f))
open(os.path.join(site, ".hotpatchd-export"), "w").write("\n".join(out) + "\n")
PY
	ctl export --dir "$site"
	[ $rc -eq 0 ] && ! grep -q planted "$site/rings/ring1.ics" &&
		ok "a planted file of another user, forged as unchanged in the manifest, is replaced" ||
		not_ok "a planted file forged as unchanged is replaced" "exit $rc: $(head -c 80 "$site/rings/ring1.ics")"
else
	skip "a planted file of another user, forged as unchanged, is replaced" "needs root for chown"
fi

# ---------------------------------------------------------------------------
# A daemon that hangs up.  fake_server: a control socket at $tmp/fake.sock served by Python,
# which stops the client (by its SO_PEERCRED pid) until the greeting is sent and the
# connection closed, so that the request meets a closed socket whatever the scheduling.

fake_server() {
	rm -f "$tmp/fake.sock"
	python3 - "$tmp/fake.sock" "$(tmo 60)" <<'PY' &
import os, signal, socket, struct, sys, time
path, cap = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_UNIX)
s.bind(path)
s.listen(8)
s.settimeout(cap)
c, _ = s.accept()
pid = struct.unpack("3i", c.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))[0]
os.kill(pid, signal.SIGSTOP)
for _ in range(cap * 100):
    if open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()[0] in "Tt":
        break
    time.sleep(0.01)
c.sendall(b"hotpatchd 1 fake\n")
c.close()
s.close()
os.kill(pid, signal.SIGCONT)
PY
	extra_pids=$!
	i=0
	while ! [ -S "$tmp/fake.sock" ] && [ $i -lt $((20 * $(tmo 60))) ]; do sleep 0.05; i=$((i + 1)); done
}

# Batches follow the descriptor limit (ctlfiles.c, batch_size): under `ulimit -n 100` a batch
# holds two temporaries, where the usual limit lets it hold 1024, so an export of every file
# into a new directory commits a batch after every second file.  It must write what the
# export in one batch writes, byte for byte, and leave no temporary.  (Batches of a fixed 128
# needed 256 descriptors: this export died with "Too many open files".)
low=$( (ulimit -n 100 && timeout "$(tmo 60)" "$HOTPATCHCTL" --socket "$sock" export \
    --dir "$tmp/lowfd") 2>&1)
lowrc=$?
ctl export --dir "$tmp/highfd"
snap "$tmp/lowfd" | sort > "$tmp/snap.low"
snap "$tmp/highfd" | sort > "$tmp/snap.high"
if [ $lowrc -eq 0 ] && [ $rc -eq 0 ] && cmp -s "$tmp/snap.low" "$tmp/snap.high" &&
    [ "$(lines "$tmp/snap.low")" -gt 20 ] && [ -z "$(temps "$tmp/lowfd")" ]; then
	ok "an export under a limit of 100 descriptors, two files a batch, writes the same $(lines "$tmp/snap.low") files as one batch does"
else
	not_ok "an export under a limit of 100 descriptors writes the same files as one batch does" \
	    "exit $lowrc: $low" "$(diff "$tmp/snap.low" "$tmp/snap.high" | head -n 5)" \
	    "temporaries: $(temps "$tmp/lowfd")"
fi

fake_server
run --socket "$tmp/fake.sock" status
wait "$extra_pids"
extra_pids=
refused "a daemon that closes before reading the request: exit 3 (not SIGPIPE, 141)" 3 \
    "hotpatchd at $tmp/fake.sock closed the connection"

stop_daemon
rc=$?
[ $rc -eq 0 ] && ok "the daemon stops with exit 0" || not_ok "the daemon stops with exit 0" "exit $rc"
finish
