#!/bin/sh
# regress/gzip.sh: gzip on the wire against a running hotpatchd, with curl and gzip(1):
# Accept-Encoding (q-values, '*', several headers), the gzip body inflating to the page
# byte for byte, Vary, a gzip ETag of its own, 304 for either ETag, HEAD's length and
# coding, small pages sent as they are, and export --dir's .gz siblings (which gunzip to
# the files, are listed in the manifest, and replace a symbolic link planted at NAME.gz).
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch

needs "gzip on the wire" curl gzip

# fetch PATH [curl args...]: status in $code, headers in $tmp/h, body (as sent) in $tmp/b.
fetch() {
	_p=$1
	shift
	rm -f "$tmp/h" "$tmp/b"
	: > "$tmp/h"
	: > "$tmp/b"
	code=$(curl -s --max-time "$(tmo 60)" -D "$tmp/h" -o "$tmp/b" -w '%{http_code}' "$@" "$base$_p")
}

# hdr NAME: that header of the last fetch, without the CR; "" if it has none.
hdr() {
	sed -n "s/^$1: *//Ip" "$tmp/h" | tr -d '\r' | head -n 1
}

port=$(free_port)
base="http://127.0.0.1:$port"
start_daemon "$tmp/var" --http "127.0.0.1:$port" || not_ok "the daemon starts" "$(cat "$tmp/var.log")"
wait_until curl -fs -o /dev/null "$base/healthz" || not_ok "the HTTP port answers" "$(cat "$tmp/var.log")"

# ---- the body as it is, then in gzip ----

fetch /calendar.ics
cp "$tmp/b" "$tmp/plain.ics"
etag=$(hdr ETag)
[ "$code" = 200 ] && [ -z "$(hdr Content-Encoding)" ] && [ "$(hdr Vary)" = Accept-Encoding ] &&
    [ -s "$tmp/plain.ics" ] &&
	ok "without Accept-Encoding: the body as it is, with Vary: Accept-Encoding" ||
	not_ok "without Accept-Encoding: the body as it is, with Vary" "$code" "$(cat "$tmp/h")"

fetch /calendar.ics -H 'Accept-Encoding: gzip'
cp "$tmp/b" "$tmp/cal.gz"
gzetag=$(hdr ETag)
[ "$code" = 200 ] && [ "$(hdr Content-Encoding)" = gzip ] && [ "$(hdr Vary)" = Accept-Encoding ] &&
    [ "$(hdr Content-Length)" = "$(wc -c < "$tmp/cal.gz" | tr -d ' ')" ] &&
	ok "Accept-Encoding: gzip gets Content-Encoding: gzip, Vary and its length" ||
	not_ok "Accept-Encoding: gzip gets Content-Encoding: gzip" "$code" "$(cat "$tmp/h")"
gzip -dc < "$tmp/cal.gz" > "$tmp/cal.gunzipped" 2> "$tmp/gzerr"
check "gunzip of the gzip body is the body, byte for byte" cmp -s "$tmp/cal.gunzipped" "$tmp/plain.ics"
plain_len=$(wc -c < "$tmp/plain.ics") gz_len=$(wc -c < "$tmp/cal.gz")
[ "$gz_len" -lt "$plain_len" ] && ok "the gzip body is smaller ($gz_len of $plain_len bytes)" ||
	not_ok "the gzip body is smaller" "$gz_len of $plain_len"
# "X" -> "X-gzip": a strong ETag of its own
[ -n "$etag" ] && [ "$gzetag" = "${etag%\"}-gzip\"" ] &&
	ok "the gzip body has its own strong ETag ($etag, $gzetag)" ||
	not_ok "the gzip body has its own strong ETag" "identity $etag" "gzip $gzetag"

fetch /calendar.ics --compressed
check "curl --compressed gets the body" cmp -s "$tmp/b" "$tmp/plain.ics"
[ "$(hdr Content-Encoding)" = gzip ] && ok "curl --compressed is sent gzip" ||
	not_ok "curl --compressed is sent gzip" "$(cat "$tmp/h")"

fetch /rings/ring2.ics -H 'Accept-Encoding: gzip'
gzip -dc < "$tmp/b" > "$tmp/ring.gunzipped" 2>/dev/null
fetch /rings/ring2.ics
check "a ring feed's gzip body is its body" cmp -s "$tmp/ring.gunzipped" "$tmp/b"

# A page a query chose, and a page for another address: their gzip bodies are theirs.
fetch '/plan?from=2027-01&months=3' -H 'Accept-Encoding: gzip'
gzip -dc < "$tmp/b" > "$tmp/plan.gunzipped" 2>/dev/null
pcode=$code penc=$(hdr Content-Encoding)
fetch '/plan?from=2027-01&months=3'
[ "$pcode" = 200 ] && [ "$penc" = gzip ] && cmp -s "$tmp/plan.gunzipped" "$tmp/b" &&
	ok "a page a query chose is sent in gzip, and inflates to it" ||
	not_ok "a page a query chose is sent in gzip" "$pcode $penc"
fetch / -H 'Host: other.example:8080' -H 'Accept-Encoding: gzip'
gzip -dc < "$tmp/b" > "$tmp/index.gunzipped" 2>/dev/null
fetch / -H 'Host: other.example:8080'
grep -q 'http://other.example:8080/calendar.ics' "$tmp/b" && cmp -s "$tmp/index.gunzipped" "$tmp/b" &&
	ok "the index for another Host: its own links, in gzip too" ||
	not_ok "the index for another Host: its own links, in gzip too"

# ---- Accept-Encoding read properly ----

# coding VALUE...: the Content-Encoding sent for /calendar.ics with these Accept-Encoding headers.
coding() {
	_args=
	for _v in "$@"; do _args="$_args -H 'Accept-Encoding: $_v'"; done
	eval "fetch /calendar.ics $_args"
	echo "$(hdr Content-Encoding)"
}
for c in 'gzip;q=0|' 'GZIP|gzip' 'x-gzip|gzip' 'br, deflate|' '*|gzip' '*;q=0|' \
    'gzip;q=0, *|' 'gzip;q=0.5, identity;q=1|' 'identity;q=0.2, gzip;q=0.5|gzip' \
    'gzip ; q=0.001|gzip' 'gzip;q=1.5|' 'deflate,,, gzip|gzip'; do
	v=${c%|*} want=${c#*|}
	got=$(coding "$v")
	[ "$got" = "$want" ] && ok "Accept-Encoding: $v -> ${want:-the body as it is}" ||
		not_ok "Accept-Encoding: $v -> ${want:-the body as it is}" "got '${got}'"
done
got=$(coding br gzip)
[ "$got" = gzip ] && ok "two Accept-Encoding headers are one list (br, then gzip)" ||
	not_ok "two Accept-Encoding headers are one list" "got '$got'"
got=$(coding gzip 'gzip;q=0')
[ "$got" = gzip ] && ok "the first mention of gzip counts, in any header" ||
	not_ok "the first mention of gzip counts" "got '$got'"
fetch /calendar.ics -H 'Accept-Encoding: gzip;q=0'
check "gzip;q=0: the body as it is" cmp -s "$tmp/b" "$tmp/plain.ics"

# ---- conditional requests: either ETag ----

# cond NAME WANT-CODE WANT-ETAG [curl args...]
cond() {
	_n=$1 _want=$2 _wtag=$3
	shift 3
	fetch /calendar.ics "$@"
	if [ "$code" = "$_want" ] && [ "$(hdr ETag)" = "$_wtag" ] && [ "$(hdr Vary)" = Accept-Encoding ]; then
		ok "$_n"
	else
		not_ok "$_n" "got $code ETag $(hdr ETag) Vary $(hdr Vary)" "want $_want ETag $_wtag"
	fi
}
cond "gzip, If-None-Match of the gzip ETag: 304 with it" 304 "$gzetag" \
    -H 'Accept-Encoding: gzip' -H "If-None-Match: $gzetag"
cond "gzip, If-None-Match of the plain ETag: 304 with that (the plain copy will do)" 304 "$etag" \
    -H 'Accept-Encoding: gzip' -H "If-None-Match: $etag"
cond "gzip, If-None-Match listing both: 304 with the gzip ETag" 304 "$gzetag" \
    -H 'Accept-Encoding: gzip' -H "If-None-Match: $etag, $gzetag"
cond "plain, If-None-Match of the plain ETag: 304" 304 "$etag" -H "If-None-Match: $etag"
cond "plain, If-None-Match of only the gzip ETag: 200 (a gzip copy would not do)" 200 "$etag" \
    -H "If-None-Match: $gzetag"
cond "gzip, If-None-Match of another ETag: 200 in gzip" 200 "$gzetag" \
    -H 'Accept-Encoding: gzip' -H 'If-None-Match: "0000000000000000-gzip"'
[ "$(hdr Content-Encoding)" = gzip ] && ok "... and that 200 is in gzip" || not_ok "... and that 200 is in gzip"
lm=$(curl -sI "$base/calendar.ics" | sed -n 's/^Last-Modified: *//Ip' | tr -d '\r')
cond "gzip, If-Modified-Since: 304 with the gzip ETag" 304 "$gzetag" \
    -H 'Accept-Encoding: gzip' -H "If-Modified-Since: $lm"
[ -z "$(hdr Content-Encoding)" ] && [ ! -s "$tmp/b" ] && ok "a 304 has no body and no Content-Encoding" ||
	not_ok "a 304 has no body and no Content-Encoding" "$(cat "$tmp/h")"

# ---- HEAD ----

fetch /calendar.ics -I -H 'Accept-Encoding: gzip'
[ "$code" = 200 ] && [ "$(hdr Content-Encoding)" = gzip ] && [ "$(hdr Content-Length)" = "$gz_len" ] &&
    [ "$(hdr ETag)" = "$gzetag" ] &&
	ok "HEAD with gzip: Content-Encoding, the gzip length and ETag" ||
	not_ok "HEAD with gzip: Content-Encoding, the gzip length" "$(cat "$tmp/h")" "want length $gz_len"
raw_send "$port" half 'b"HEAD /calendar.ics HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n"' \
    "$tmp/raw" "$(tmo 60)" </dev/null 2>/dev/null
python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); h, sep, rest = d.partition(b"\r\n\r\n")
sys.exit(0 if sep and rest == b"" and b"Content-Encoding: gzip" in h else 1)' "$tmp/raw" &&
	ok "HEAD with gzip: the headers and not a byte more" ||
	not_ok "HEAD with gzip: the headers and not a byte more" "$(head -c 600 "$tmp/raw")"
fetch /calendar.ics -I
[ "$code" = 200 ] && [ -z "$(hdr Content-Encoding)" ] && [ "$(hdr Content-Length)" = "$plain_len" ] &&
	ok "HEAD without: the plain length, no Content-Encoding" ||
	not_ok "HEAD without: the plain length" "$(cat "$tmp/h")" "want length $plain_len"

# ---- what is not compressed ----

fetch /healthz -H 'Accept-Encoding: gzip'
[ "$code" = 200 ] && [ -z "$(hdr Content-Encoding)" ] && [ -z "$(hdr Vary)" ] &&
	ok "a few bytes (healthz) are sent as they are, without Vary" ||
	not_ok "a few bytes (healthz) are sent as they are" "$(cat "$tmp/h")"
fetch /nosuch -H 'Accept-Encoding: gzip'
[ "$code" = 404 ] && [ -z "$(hdr Content-Encoding)" ] && ok "a 404 is sent as it is" ||
	not_ok "a 404 is sent as it is" "$code $(cat "$tmp/h")"

# An absurd header: 8 KB of tokens, then gzip.
long=$(python3 -c 'print("x-unknown, " * 800 + "gzip")')
fetch /calendar.ics -H "Accept-Encoding: $long"
[ "$code" = 200 ] && [ "$(hdr Content-Encoding)" = gzip ] &&
	ok "8 KB of Accept-Encoding tokens, then gzip: gzip" || not_ok "8 KB of Accept-Encoding tokens" "$code"

# ---- export --dir: .gz siblings for gzip_static ----

ctl export --dir "$tmp/site"
has "export writes the files" "exported"
bad=
for f in calendar.ics rings/ring2.ics os/win11-24h2.ics index.html plan/index.html; do
	if ! [ -f "$tmp/site/$f.gz" ] || ! gzip -dc < "$tmp/site/$f.gz" | cmp -s - "$tmp/site/$f"; then
		bad="$bad $f"
	fi
done
[ -z "$bad" ] && ok "export writes NAME.gz beside each feed and page, and it gunzips to NAME" ||
	not_ok "export writes NAME.gz that gunzips to NAME" "bad:$bad"
n_ics=$(ls "$tmp/site/rings" | grep -c '\.ics$') n_gz=$(ls "$tmp/site/rings" | grep -c '\.ics\.gz$')
[ "$n_ics" = "$n_gz" ] && ok "one .gz per ring feed ($n_gz)" || not_ok "one .gz per ring feed" "$n_ics .ics, $n_gz .gz"
cut -f1 "$tmp/site/.hotpatchd-export" | grep -qx 'rings/ring2.ics.gz' &&
	ok "the manifest lists the .gz files (removed with their feed)" ||
	not_ok "the manifest lists the .gz files" "$(head "$tmp/site/.hotpatchd-export")"
check "no temporary files are left behind" sh -c "! find '$tmp/site' -name '*hotpatchctl-*' | grep -q ."

echo "keep me" > "$tmp/victim"
rm -f "$tmp/site/calendar.ics.gz"
ln -s "$tmp/victim" "$tmp/site/calendar.ics.gz"
ctl export --dir "$tmp/site"
[ $rc -eq 0 ] && [ "$(cat "$tmp/victim")" = "keep me" ] && ! [ -L "$tmp/site/calendar.ics.gz" ] &&
    gzip -dc < "$tmp/site/calendar.ics.gz" | cmp -s - "$tmp/site/calendar.ics" &&
	ok "a symlink planted at calendar.ics.gz is replaced, not followed; its target is untouched" ||
	not_ok "a symlink planted at calendar.ics.gz is not followed" "exit $rc" "$(cat "$tmp/err")" \
	    "victim: $(head -c 100 "$tmp/victim")"

ctl --json export --dir "$tmp/site"
json_check "export --json names the .gz files it wrote" "$tmp/out" '
names = j["files"]
assert "calendar.ics" in names and "calendar.ics.gz" in names, names[:5]
assert all(n.endswith(".gz") == (n[:-3] in names) for n in names if n.endswith(".gz")), names
'

stop_daemon
finish
