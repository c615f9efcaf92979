#!/bin/sh
# regress/proxy.sh: hotpatchd behind nginx, as the README sets it up, and the links a
# subscriber gets.  nginx runs as a reverse proxy on a free port with its own
# configuration, pid and temporary files in the scratch directory:
#   - at the site's root, passing the Host on, without http.public_url: every link on /
#     and every feed's URL and SOURCE name the proxy's address, never the daemon's;
#   - under /hotpatch/ with http.public_url (and with --public-url): every link names
#     the public URL, prefix included, and every link works when followed through nginx.
# The feeds are read with python3-icalendar; conditional GET works through the proxy.
# Without nginx, the proxy tests skip; the Host tests against the daemon itself still run:
# a bad Host is refused, and many distinct Hosts do not grow the daemon.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
needs "links behind a proxy" curl
scratch

dport=$(free_port)
daemon=http://127.0.0.1:$dport
nginx=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)

# fetch URL [curl args...]: status in $code, headers in $tmp/h, body in $tmp/b.
fetch() {
	_u=$1
	shift
	: > "$tmp/h"
	: > "$tmp/b"
	code=$(curl -s --max-time "$(tmo 60)" -D "$tmp/h" -o "$tmp/b" -w '%{http_code}' "$@" "$_u")
}
hdr() { sed -n "s/^$1: *//Ip" "$tmp/h" | tr -d '\r' | head -n 1; }

# links FILE: every href and value attribute of an HTML page, one a line.
links() { grep -o -E '(href|value)="[^"]*"' "$1" | sed -E 's/^(href|value)="//; s/"$//'; }

# all_links_under NAME FILE PREFIX...: ok if every absolute link in FILE starts with one
# of the PREFIXes, and there is at least one of each kind (http(s) and webcal).
all_links_under() {
	_n=$1 _f=$2
	shift 2
	links "$_f" | grep -E '^[a-z]+:' > "$tmp/abs"
	_bad=$(while read -r l; do
		_m=no
		for p in "$@"; do case $l in "$p"*) _m=yes ;; esac; done
		[ $_m = yes ] || echo "$l"
	done < "$tmp/abs")
	if [ -z "$_bad" ] && grep -q '^webcal://' "$tmp/abs" && grep -q '^http' "$tmp/abs"; then
		ok "$_n"
	else
		not_ok "$_n" "links elsewhere: $(echo "$_bad" | head -n 5)" "$(head -n 5 "$tmp/abs")"
	fi
}

# ---- nginx ----

# start_nginx LOCATION PROXY-LINES: nginx on $nport with one location passing to the daemon.
start_nginx() {
	stop_nginx
	mkdir -p "$tmp/nginx/tmp"
	_user=
	# As root, nginx's workers would become nobody, who cannot enter the scratch directory.
	[ "$(id -u)" -eq 0 ] && _user="user $(id -un) $(id -gn);"
	cat > "$tmp/nginx/nginx.conf" <<EOF
$_user
worker_processes 1;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $tmp/nginx/tmp/body;
    proxy_temp_path $tmp/nginx/tmp/proxy;
    fastcgi_temp_path $tmp/nginx/tmp/fastcgi;
    uwsgi_temp_path $tmp/nginx/tmp/uwsgi;
    scgi_temp_path $tmp/nginx/tmp/scgi;
    server {
        listen 127.0.0.1:$nport;
        location $1 {
            proxy_pass $daemon/;
            proxy_http_version 1.1;
            $2
        }
    }
}
EOF
	"$nginx" -e "$tmp/nginx/error.log" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" \
	    > "$tmp/nginx/out" 2>&1 &
	nginx_pid=$!
	extra_pids="$extra_pids $nginx_pid"
	wait_until proxy_up "$1" && alive "$nginx_pid"
}
proxy_up() { ! alive "$nginx_pid" || curl -fs -o /dev/null "http://127.0.0.1:$nport${1}healthz"; }
stop_nginx() {
	[ -n "${nginx_pid:-}" ] || return 0
	kill -TERM "$nginx_pid" 2>/dev/null
	wait "$nginx_pid" 2>/dev/null
	nginx_pid=
}

# feed_links NAME URL WANT-BASE PATH: the feed at URL (through nginx) parses with
# python3-icalendar and names WANT-BASE/ as its URL and WANT-BASE/PATH as its SOURCE, and
# its SOURCE, fetched, gives the very same bytes.
feed_links() {
	fetch "$2"
	cp "$tmp/b" "$tmp/feed.ics"
	ics_check "$1: URL, SOURCE and DESCRIPTION parse with python3-icalendar" "$tmp/feed.ics" "
eq(str(cal['URL']), '$3/', 'URL')
eq(str(cal['SOURCE']), '$3$4', 'SOURCE')
assert str(cal['DESCRIPTION']), 'a calendar DESCRIPTION'
assert len(events) > 0
"
	fetch "$3$4"
	if [ "$code" = 200 ] && cmp -s "$tmp/b" "$tmp/feed.ics"; then
		ok "$1: its SOURCE, followed, gives the same bytes"
	else
		not_ok "$1: its SOURCE, followed, gives the same bytes" "status $code from $3$4"
	fi
}

# follow_all NAME FILE: every absolute http(s) link in FILE answers 200 through nginx.
follow_all() {
	links "$2" | grep -E '^https?://' | sort -u > "$tmp/follow"
	_bad=
	while read -r l; do
		_c=$(curl -s --max-time "$(tmo 60)" -o /dev/null -w '%{http_code}' "$l")
		[ "$_c" = 200 ] || _bad="$_bad [$l: $_c]"
	done < "$tmp/follow"
	[ -z "$_bad" ] && [ -s "$tmp/follow" ] && ok "$1 ($(lines "$tmp/follow") links)" ||
		not_ok "$1" "$_bad"
}

if ! [ -x "$nginx" ]; then
	for t in "links through nginx name the proxy's address" \
	    "links through nginx name the public URL"; do
		skip "$t" "nginx is not installed (apt-get install nginx-light)"
	done
else
	nport=$(free_port)
	proxy=http://127.0.0.1:$nport

	# ---- at the root, the Host passed on, no public_url ----
	start_daemon "$tmp/var" --http "127.0.0.1:$dport" ||
		not_ok "the daemon starts" "$(cat "$tmp/var.log")"
	start_nginx / 'proxy_set_header Host $http_host;' ||
		not_ok "nginx starts" "$(cat "$tmp/nginx/out" "$tmp/nginx/error.log" 2>/dev/null)"
	fetch "$proxy/"
	cp "$tmp/b" "$tmp/root.html"
	[ "$code" = 200 ] && ok "GET / through nginx: 200" || not_ok "GET / through nginx: 200" "status $code"
	all_links_under "without public_url, every link on / names the proxy (the request's Host)" \
	    "$tmp/root.html" "$proxy/" "webcal://127.0.0.1:$nport/"
	check "no link on / names the daemon's own port" sh -c "! grep -q ':$dport' '$tmp/root.html'"
	check "the subscribe link of ring2 is webcal:// at the proxy" \
	    grep -qF "href=\"webcal://127.0.0.1:$nport/rings/ring2.ics\"" "$tmp/root.html"
	follow_all "every http link on / answers 200 through nginx" "$tmp/root.html"
	feed_links "/rings/ring2.ics through nginx" "$proxy/rings/ring2.ics" "$proxy" /rings/ring2.ics
	feed_links "/calendar.ics through nginx" "$proxy/calendar.ics" "$proxy" /calendar.ics
	# The daemon asked directly names itself: the page follows the request, not a setting.
	fetch "$daemon/"
	check "the same page asked of the daemon directly names the daemon" \
	    grep -qF "href=\"webcal://127.0.0.1:$dport/rings/ring2.ics\"" "$tmp/b"
	# Conditional GET through the proxy.
	fetch "$proxy/rings/ring2.ics"
	etag=$(hdr ETag)
	fetch "$proxy/rings/ring2.ics" -H "If-None-Match: $etag"
	[ "$code" = 304 ] && ok "If-None-Match through nginx: 304" ||
		not_ok "If-None-Match through nginx: 304" "status $code, ETag '$etag'"
	stop_daemon

	# ---- under /hotpatch/, with http.public_url ----
	pub=$proxy/hotpatch
	printf 'version: 1\nhttp:\n  public_url: %s/\n' "$pub" > "$tmp/conf.yaml"
	start_daemon "$tmp/var" -c "$tmp/conf.yaml" --http "127.0.0.1:$dport" ||
		not_ok "the daemon starts with http.public_url" "$(cat "$tmp/var.log")"
	start_nginx /hotpatch/ '' ||
		not_ok "nginx starts" "$(cat "$tmp/nginx/out" "$tmp/nginx/error.log" 2>/dev/null)"
	fetch "$pub/"
	cp "$tmp/b" "$tmp/pub.html"
	[ "$code" = 200 ] && ok "GET /hotpatch/ through nginx: 200" ||
		not_ok "GET /hotpatch/ through nginx: 200" "status $code"
	all_links_under "with public_url, every link on / names it, prefix included" \
	    "$tmp/pub.html" "$pub/" "webcal://127.0.0.1:$nport/hotpatch/"
	check "the subscribe link of ring2 is webcal:// under the prefix" \
	    grep -qF "href=\"webcal://127.0.0.1:$nport/hotpatch/rings/ring2.ics\"" "$tmp/pub.html"
	follow_all "every http link on /hotpatch/ answers 200 through nginx" "$tmp/pub.html"
	feed_links "/hotpatch/rings/ring2.ics" "$pub/rings/ring2.ics" "$pub" /rings/ring2.ics
	feed_links "/hotpatch/os/win11-24h2.ics" "$pub/os/win11-24h2.ics" "$pub" /os/win11-24h2.ics
	# nginx sends Host 127.0.0.1:$dport here (its default): public_url wins over it.
	fetch "$daemon/" -H "Host: elsewhere.example"
	check "with public_url a request's Host changes no link" \
	    sh -c "! grep -q elsewhere '$tmp/b' && grep -qF 'webcal://127.0.0.1:$nport/hotpatch/' '$tmp/b'"
	fetch "$pub/rings/ring2.ics"
	ctl feed --ring ring2
	check "hotpatchctl feed prints the bytes served through nginx" cmp -s "$tmp/out" "$tmp/b"
	ctl status
	has "status names the public URL" "public URL" "$pub"
	stop_daemon

	# ---- the same with --public-url ----
	start_daemon "$tmp/var" --http "127.0.0.1:$dport" --public-url "$pub" ||
		not_ok "the daemon starts with --public-url" "$(cat "$tmp/var.log")"
	fetch "$pub/"
	all_links_under "with --public-url, every link on / names it" \
	    "$tmp/b" "$pub/" "webcal://127.0.0.1:$nport/hotpatch/"
	feed_links "--public-url: /hotpatch/calendar.ics" "$pub/calendar.ics" "$pub" /calendar.ics
	stop_daemon
	stop_nginx
fi

# ---- the option's checks ----
expect "--public-url with a query is refused before anything starts" 2 \
    "hotpatchd: bad --public-url: the public URL has a query ('?'): links add their own paths to it (expected http(s)://HOST[:PORT][/PREFIX])" \
    -- "$HOTPATCHD" -n --calendar "$CAL" --schedules "$SCHED" --public-url 'https://x.example/?a'
expect "--public-url with markup is refused" 2 \
    "hotpatchd: bad --public-url: the public URL has a character in its path other than letters, digits, '-', '.', '_', '~', '/' and %XX escapes (expected http(s)://HOST[:PORT][/PREFIX])" \
    -- "$HOTPATCHD" -n --calendar "$CAL" --schedules "$SCHED" --public-url 'https://x.example/"><script>'

# ---- the Host header, against the daemon itself ----
start_daemon "$tmp/var" --http "127.0.0.1:$dport" || not_ok "the daemon starts" "$(cat "$tmp/var.log")"
for h in '"><script>alert(1)</script>' 'javascript:alert(1)' 'a b' 'x.example:0' 'x.example/evil'; do
	fetch "$daemon/" -H "Host: $h"
	[ "$code" = 400 ] && grep -q 'bad Host header' "$tmp/b" && ! grep -q '<script>' "$tmp/b" &&
		ok "Host '$h': 400 'bad Host header'" || not_ok "Host '$h': 400 'bad Host header'" "status $code"
done

# Many distinct Host values: the pages kept for other addresses are bounded (64 pages,
# 8 MiB), so after a first round fills them, rounds with new hosts do not grow the daemon.
# Unbounded, each of the 2,000 hosts below would keep the index (14 KB) and calendar.ics
# (166 KB): over 300 MB.
hosts_py='
import socket, sys
port, first, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
s = socket.create_connection(("127.0.0.1", port), timeout=120)
f = s.makefile("rb")
for i in range(first, first + n):
    for path in ("/", "/calendar.ics"):
        s.sendall(b"GET %s HTTP/1.1\r\nHost: h%d.example:8080\r\n\r\n" % (path.encode(), i))
        status = f.readline()
        length = 0
        while True:
            line = f.readline()
            if line in (b"\r\n", b""):
                break
            k, _, v = line.partition(b":")
            if k.strip().lower() == b"content-length":
                length = int(v)
        body = f.read(length)
        assert status.startswith(b"HTTP/1.1 200"), status
        want = b"h%d.example:8080/" % i
        assert want in body, (path, i)
print("ok")
'
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$daemon_pid/status"; }
if python3 -c "$hosts_py" "$dport" 0 300 > "$tmp/hosts.out" 2>&1; then
	rss1=$(rss)
	python3 -c "$hosts_py" "$dport" 300 2000 >> "$tmp/hosts.out" 2>&1
	hrc=$?
	rss2=$(rss)
	grow=$(( (rss2 - rss1) / 1024 ))
	if [ $hrc -eq 0 ] && [ -n "$(rss_tool)" ]; then
		ok "2,300 distinct Hosts each get their own links"
		skip "and the daemon grows less than 24 MB (${grow} MB)" "$(rss_tool)"
	elif [ $hrc -eq 0 ] && [ "$grow" -lt 24 ]; then
		ok "2,300 distinct Hosts each get their own links, and the daemon grows ${grow} MB (< 24)"
	else
		not_ok "2,300 distinct Hosts do not grow the daemon" "exit $hrc, RSS $rss1 -> $rss2 kB" \
		    "$(tail -n 3 "$tmp/hosts.out")"
	fi
else
	not_ok "300 distinct Hosts each get their own links" "$(tail -n 3 "$tmp/hosts.out")"
fi
fetch "$daemon/healthz"
[ "$code" = 200 ] && ok "the daemon still answers" || not_ok "the daemon still answers" "status $code"
stop_daemon
finish
