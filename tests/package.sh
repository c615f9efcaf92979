#!/bin/sh
# tests/package.sh: build the Debian package from a pristine copy of this tree and check it.
#
#   tests/package.sh               build, contents, lintian, units; as root also install
#   tests/package.sh --no-install  never install, even as root
#   KEEP=DIR tests/package.sh      build in DIR (created, must not exist yet) and keep it
#
# Always: dpkg-buildpackage -us -uc -b in a copy (git archive HEAD when the tree is clean,
# else the tracked and new files as they are), the expected paths in dpkg-deb -c, every
# file "make install" installs in the package, /etc/hotpatchd/hotpatchd.yaml a conffile,
# lintian with no errors (its warnings are printed), systemd-analyze verify on the units
# and their security exposure score.
#
# As root, on a machine that is yours to change (CI's is thrown away), also: apt-get
# install the .deb, start the installed /usr/sbin/hotpatchd by hand with the installed
# configuration (it drops to user hotpatchd), hotpatchctl as a new admin, a new reader and
# an outsider, reinstall and upgrade keeping a changed conffile and the database, then
# purge.  The HTTP feeds listen on a free port instead of the configured 8080, which may
# be taken on a developer's machine.  Not root: those tests are printed as skip lines.
#
# Not part of make check (it takes a minute); ./quickstart.sh check runs it.  Prints
# "ok N - ..." lines and a closing "N passed, N failed" line; exits 1 on any failure.
set -u

top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
top_builddir=$top_srcdir
. "$top_srcdir/tests/regress/lib.sh"
. "$top_srcdir/tests/tools.sh"

say() { printf '# %s\n' "$*"; }
die() { printf 'package: %s\n' "$*" >&2; exit 1; }

install_part=yes
case ${1:-} in
--no-install) install_part=no ;;
"") ;;
-h|--help) sed -n '2,23s/^# \{0,1\}//p' "$0"; exit 0 ;;
*) die "unknown argument '$1' (use: tests/package.sh [--no-install])" ;;
esac
for t in dpkg-buildpackage dh lintian systemd-analyze git python3; do
	command -v $t > /dev/null 2>&1 ||
		die "$t is missing: install debhelper lintian dpkg-dev systemd git python3 (quickstart.sh check does)"
done

workdir package
tmp=$work
# apt's download user must be able to read the .deb.
chmod 755 "$tmp"
version=$(sed -n '1s/^hotpatchd (\([^)]*\)).*/\1/p' "$top_srcdir/debian/changelog")
src=$tmp/hotpatchd-$version
deb=$tmp/hotpatchd_${version}_$(dpkg --print-architecture).deb
installed=no users=

cleanup() {
	[ -n "$daemon_pid" ] && kill -KILL "$daemon_pid" 2> /dev/null
	if [ $installed = yes ]; then
		dpkg --purge hotpatchd > /dev/null 2>&1
	fi
	for u in $users; do userdel "$u" 2> /dev/null; done
	[ -n "${KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- a pristine copy, and the build ------------------------------------------------------
git -C "$top_srcdir" rev-parse --is-inside-work-tree > /dev/null 2>&1 ||
	die "$top_srcdir is not a git checkout that git will read: the copy comes from git"
mkdir "$src"
if [ -z "$(git -C "$top_srcdir" status --porcelain --untracked-files=normal)" ]; then
	say "building $(git -C "$top_srcdir" rev-parse --short HEAD) (git archive HEAD) in $tmp"
	git -C "$top_srcdir" archive HEAD | tar -x -C "$src"
else
	say "the working tree has changes: building its tracked and new files as they are in $tmp"
	git -C "$top_srcdir" ls-files -z --cached --others --exclude-standard |
		tar -C "$top_srcdir" --null --ignore-failed-read -T - -cf - 2> /dev/null | tar -x -C "$src"
fi

# build LOG: dpkg-buildpackage in $src; ok/not_ok.
build() {
	if (cd "$src" && DEB_BUILD_OPTIONS="parallel=${JOBS:-2} ${DEB_BUILD_OPTIONS:-}" \
	    dpkg-buildpackage -us -uc -b) > "$tmp/$1" 2>&1; then
		ok "dpkg-buildpackage -us -uc -b builds hotpatchd $(sed -n '1s/^hotpatchd (\([^)]*\)).*/\1/p' "$src/debian/changelog")"
		return 0
	fi
	not_ok "dpkg-buildpackage -us -uc -b" "$(tail -n 30 "$tmp/$1")"
	return 1
}
build build.log || { finish; exit 1; }
case " ${DEB_BUILD_OPTIONS:-} " in
*" nocheck "*) skip "the Check unit tests ran at build time and passed" "DEB_BUILD_OPTIONS=nocheck" ;;
*) check "the Check unit tests ran at build time and passed" \
	grep -qE '^# PASS: +[1-9]' "$tmp/build.log" ;;
esac

# ---- contents ----------------------------------------------------------------------------
dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|; s|/$||' > "$tmp/contents"
missing=
for p in /usr/sbin/hotpatchd /usr/bin/hotpatchctl \
    /usr/share/man/man8/hotpatchd.8.gz /usr/share/man/man1/hotpatchctl.1.gz \
    /usr/share/man/man5/hotpatchd.yaml.5.gz \
    /etc/hotpatchd/hotpatchd.yaml /etc/hotpatchd/schedules \
    /lib/systemd/system/hotpatchd.service /lib/systemd/system/hotpatchd-control.socket \
    /lib/systemd/system/hotpatchd-http.socket /usr/lib/tmpfiles.d/hotpatchd.conf \
    /lib/systemd/system/hotpatchd-cvrf.service /lib/systemd/system/hotpatchd-cvrf.timer \
    /usr/libexec/hotpatchd/hotpatchd-cvrf-fetch \
    /usr/share/hotpatchd/calendar.yaml /usr/share/hotpatchd/schedules/README.md \
    /usr/share/hotpatchd/schedules/autopatch-default.yaml \
    /usr/share/hotpatchd/schedules/autopatch-classic.yaml \
    /usr/share/hotpatchd/schedules/server-2025.yaml \
    /usr/share/hotpatchd/schedules/devices-example.csv /usr/share/doc/hotpatchd/copyright; do
	grep -qxF "$p" "$tmp/contents" || missing="$missing $p"
done
if [ -z "$missing" ]; then
	ok "dpkg-deb -c lists the programs, man pages, units, configuration, calendar and schedules"
else
	not_ok "dpkg-deb -c lists every expected path" "missing:$missing"
fi

# Whatever "make install" installs (completion files included) must be in the package.
missing=
if make -C "$src" -s install DESTDIR="$tmp/destdir" > "$tmp/install.log" 2>&1; then
	for f in $(cd "$tmp/destdir" && find . ! -type d | sed 's|^\.||'); do
		case $f in /usr/share/man/*) f=$f.gz ;; esac
		grep -qxF "$f" "$tmp/contents" || missing="$missing $f"
	done
	if [ -z "$missing" ]; then
		ok "every file make install installs is in the package ($(cd "$tmp/destdir" && find . ! -type d | wc -l | tr -d ' ') files)"
	else
		not_ok "every file make install installs is in the package" "missing:$missing"
	fi
else
	not_ok "make install DESTDIR= in the built tree" "$(tail -n 20 "$tmp/install.log")"
fi

dpkg-deb -x "$deb" "$tmp/root"
dpkg-deb -e "$deb" "$tmp/control"
check "/etc/hotpatchd/hotpatchd.yaml is the package's only conffile" \
	test "$(cat "$tmp/control/conffiles")" = /etc/hotpatchd/hotpatchd.yaml
check "the installed hotpatchd.yaml is doc/hotpatchd.yaml.example (the FHS paths)" \
	cmp -s "$tmp/root/etc/hotpatchd/hotpatchd.yaml" "$top_srcdir/doc/hotpatchd.yaml.example"
expect "the service runs /usr/sbin/hotpatchd -f -c /etc/hotpatchd/hotpatchd.yaml" 0 \
	"ExecStart=/usr/sbin/hotpatchd -f -c /etc/hotpatchd/hotpatchd.yaml" -- \
	grep '^ExecStart=' "$tmp/root/lib/systemd/system/hotpatchd.service"
check "postinst creates user hotpatchd and groups hotpatchd, hotpatchd-admin; dh enables the units" \
	sh -c "grep -q 'adduser --system .*--ingroup hotpatchd' '$tmp/control/postinst' &&
	    grep -q 'addgroup --system --quiet hotpatchd-admin' '$tmp/control/postinst' &&
	    grep -q \"deb-systemd-helper enable 'hotpatchd-control.socket'\" '$tmp/control/postinst' &&
	    grep -q \"deb-systemd-helper enable 'hotpatchd-http.socket'\" '$tmp/control/postinst' &&
	    grep -q \"deb-systemd-helper enable 'hotpatchd.service'\" '$tmp/control/postinst' &&
	    grep -q 'systemd-tmpfiles .*--create hotpatchd.conf' '$tmp/control/postinst'"
expect "the CVRF service runs the packaged fetch script" 0 \
	"ExecStart=/usr/libexec/hotpatchd/hotpatchd-cvrf-fetch" -- \
	grep '^ExecStart=' "$tmp/root/lib/systemd/system/hotpatchd-cvrf.service"
expect "the packaged hotpatchd runs" 0 "hotpatchd $version" -- "$tmp/root/usr/sbin/hotpatchd" --version

# ---- lintian -----------------------------------------------------------------------------
(cd "$tmp" && lintian --tag-display-limit 0 ./*.changes) > "$tmp/lintian.out" 2>&1
errors=$(grep -c '^E: ' "$tmp/lintian.out")
warnings=$(grep -c '^W: ' "$tmp/lintian.out")
if [ "$errors" -eq 0 ] && ! grep -q 'internal error\|^lintian: ' "$tmp/lintian.out"; then
	ok "lintian: 0 errors, $warnings warnings"
else
	not_ok "lintian: no errors" "$(grep -v '^N:' "$tmp/lintian.out" | head -n 30)"
fi
grep '^W: ' "$tmp/lintian.out" | sed 's/^/#   /'

# ---- the units ---------------------------------------------------------------------------
# verify insists that ExecStart= exists: before installing, point it at the extracted binary.
units="hotpatchd.service hotpatchd-control.socket hotpatchd-http.socket"
mkdir "$tmp/units"
for u in $units; do cp "$tmp/root/lib/systemd/system/$u" "$tmp/units/"; done
sed -i "s|^ExecStart=/usr/sbin/hotpatchd|ExecStart=$tmp/root/usr/sbin/hotpatchd|" \
	"$tmp/units/hotpatchd.service"
# Any output at all (an unknown key is only a warning) counts as a failure.
verify() {
	out=$(cd "$1" && systemd-analyze verify --man=no $units 2>&1)
	if [ $? -eq 0 ] && [ -z "$out" ]; then ok "$2"; else not_ok "$2" "$out"; fi
}
verify "$tmp/units" "systemd-analyze verify: the three units, silent"
score=$(systemd-analyze security --offline=true --no-pager "$tmp/units/hotpatchd.service" 2>&1 |
	sed -n 's/.*Overall exposure level for hotpatchd.service: \([0-9.]*\) .*/\1/p')
if [ -n "$score" ] && python3 -c "import sys; sys.exit(not float('$score') <= 2.0)"; then
	ok "systemd-analyze security: exposure $score (at most 2.0)"
else
	not_ok "systemd-analyze security: exposure at most 2.0" "got '$score'"
fi

# ---- installing, as root -----------------------------------------------------------------
install_tests="apt-get install ./hotpatchd_$version.deb
user hotpatchd and groups hotpatchd, hotpatchd-admin exist, system ids
/var/lib/hotpatchd is hotpatchd's, mode 0750; /run/hotpatchd is hotpatchd's
the units are enabled (sockets.target.wants, multi-user.target.wants), the CVRF timer not
systemd-analyze verify: the installed units, silent
hotpatchd -n checks the installed configuration
the installed hotpatchd started by hand as root with -c /etc/hotpatchd/hotpatchd.yaml is ready
it runs as user hotpatchd
the control socket is hotpatchd:hotpatchd, mode 0660
an admin (groups hotpatchd, hotpatchd-admin): hotpatchctl status, installed paths
an admin: override set
a reader (group hotpatchd only): hotpatchctl status
a reader is refused a change
an outsider cannot reach the socket
the feeds answer on HTTP
SIGTERM stops it: exit 0, socket and lock file removed
started as user hotpatchd (as the service is), it binds its own socket and serves
... and stops with exit 0, its log has the ready line and no error
apt-get install --reinstall keeps the changed conffile
an upgrade to a newer version keeps the changed conffile
an upgrade keeps the database: the override is still there
dpkg --purge removes the configuration and the database"

skip_install() {
	while IFS= read -r t; do skip "$t" "$1"; done <<EOF
$install_tests
EOF
	finish
	exit
}
[ $install_part = yes ] || skip_install "--no-install"
[ "$(id -u)" -eq 0 ] || skip_install "needs root on a machine that is yours to change; built, linted and listed only"
if [ "$(dpkg-query -W -f='${db:Status-Status}' hotpatchd 2> /dev/null)" = installed ]; then
	not_ok "hotpatchd is not installed yet" "remove it first (dpkg --purge hotpatchd) to run the install tests"
	finish
	exit 1
fi

# apt-install LOG DEB [apt options]: install a local .deb without questions.
apt_install() {
	log=$1 pkg=$2
	shift 2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" "$pkg" \
		< /dev/null > "$tmp/$log" 2>&1
}
installed=yes
if apt_install apt.log "$deb" && [ -x /usr/sbin/hotpatchd ]; then
	ok "apt-get install ./hotpatchd_$version.deb"
else
	not_ok "apt-get install ./hotpatchd_$version.deb" "$(tail -n 20 "$tmp/apt.log")"
	finish
	exit 1
fi
# Where systemd runs, postinst has started the units: the test runs the daemon itself.
if [ -d /run/systemd/system ]; then
	systemctl stop hotpatchd.service hotpatchd-control.socket hotpatchd-http.socket
fi

uid=$(id -u hotpatchd 2> /dev/null)
check "user hotpatchd and groups hotpatchd, hotpatchd-admin exist, system ids" \
	sh -c "[ -n '$uid' ] && [ '$uid' -lt 1000 ] && [ \$(id -gn hotpatchd) = hotpatchd ] &&
	    getent group hotpatchd-admin > /dev/null &&
	    [ \$(getent group hotpatchd-admin | cut -d: -f3) -lt 1000 ]"
check "/var/lib/hotpatchd is hotpatchd's, mode 0750; /run/hotpatchd is hotpatchd's" \
	test "$(stat -c '%U:%G %a' /var/lib/hotpatchd) $(stat -c '%U:%G' /run/hotpatchd)" \
	= "hotpatchd:hotpatchd 750 hotpatchd:hotpatchd"
check "the units are enabled (sockets.target.wants, multi-user.target.wants), the CVRF timer not" \
	test -L /etc/systemd/system/sockets.target.wants/hotpatchd-control.socket \
	-a -L /etc/systemd/system/sockets.target.wants/hotpatchd-http.socket \
	-a -L /etc/systemd/system/multi-user.target.wants/hotpatchd.service \
	-a ! -e /etc/systemd/system/timers.target.wants/hotpatchd-cvrf.timer
verify /lib/systemd/system "systemd-analyze verify: the installed units, silent"
# The shipped calendar, and no rings: /etc/hotpatchd/schedules starts empty.
out=$(/usr/sbin/hotpatchd -n -c /etc/hotpatchd/hotpatchd.yaml 2>&1)
rc=$?
if [ $rc -eq 0 ] && printf '%s\n' "$out" | grep -qx 'configuration OK: [1-9][0-9]* OSes, [1-9][0-9]* published months, .*, 0 rings, 0 blackouts'; then
	ok "hotpatchd -n checks the installed configuration"
else
	not_ok "hotpatchd -n checks the installed configuration" "exit $rc" "$out"
fi

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sock=/run/hotpatchd/hotpatchd.sock
# start LOG: the installed daemon, by hand, as root; waits for the socket.
start() {
	(cd / && exec /usr/sbin/hotpatchd -f -c /etc/hotpatchd/hotpatchd.yaml \
		--http "127.0.0.1:$port") > "$tmp/$1" 2>&1 &
	daemon_pid=$!
	wait_for "$sock"
}
if start daemon.log && alive "$daemon_pid"; then
	ok "the installed hotpatchd started by hand as root with -c /etc/hotpatchd/hotpatchd.yaml is ready"
else
	not_ok "the installed hotpatchd started by hand is ready" "$(cat "$tmp/daemon.log")"
fi
check "it runs as user hotpatchd" \
	test "$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$daemon_pid/status")" \
	= "$uid $uid $uid $uid"
check "the control socket is hotpatchd:hotpatchd, mode 0660" \
	test "$(stat -c '%U:%G %a' "$sock")" = "hotpatchd:hotpatchd 660"

# New users: each named for this run, removed by cleanup.
newuser() {
	useradd -M -N -s /usr/sbin/nologin ${2:+-G "$2"} "$1" && users="$users $1"
}
admin=hpt-admin-$$ reader=hpt-reader-$$ outsider=hpt-out-$$
newuser "$admin" hotpatchd,hotpatchd-admin
newuser "$reader" hotpatchd
newuser "$outsider" ""
# as USER ARGS...: the installed hotpatchctl as USER with USER's groups, default socket.
as() {
	u=$1
	shift
	(cd / && env -u HOTPATCHD_SOCKET timeout 10 setpriv --reuid="$u" --regid="$(id -g "$u")" \
		--init-groups /usr/bin/hotpatchctl "$@") > "$tmp/out" 2> "$tmp/err"
	rc=$?
}
as "$admin" --json status
if [ $rc -eq 0 ] && python3 - "$tmp/out" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
want = {"database": "/var/lib/hotpatchd/hotpatchd.db", "socket": "/run/hotpatchd/hotpatchd.sock",
        "calendar": "/usr/share/hotpatchd/calendar.yaml", "schedules": "/etc/hotpatchd/schedules",
        "rings": 0}
bad = {k: j.get(k) for k in want if j.get(k) != want[k]}
if not j.get("os", 0) > 0:
    bad["os"] = j.get("os")
sys.exit(print("wrong:", bad) if bad else 0)
EOF
then
	ok "an admin (groups hotpatchd, hotpatchd-admin): hotpatchctl status, installed paths"
else
	not_ok "an admin: hotpatchctl status" "exit $rc" "$(cat "$tmp/out" "$tmp/err")"
fi
as "$admin" override set win11-24h2 2031-05 baseline --reason "package test"
answered "an admin: override set"
as "$reader" status
answered "a reader (group hotpatchd only): hotpatchctl status"
as "$reader" override clear win11-24h2 2031-05
refused "a reader is refused a change" 1 "permission denied: 'override clear' changes data"
as "$outsider" status
refused "an outsider cannot reach the socket" 3 "Permission denied"
expect "the feeds answer on HTTP" 0 ok -- curl -sS --max-time 10 "http://127.0.0.1:$port/healthz"
stop_daemon
check "SIGTERM stops it: exit 0, socket and lock file removed" \
	test $? -eq 0 -a ! -e "$sock" -a ! -e /var/lib/hotpatchd/hotpatchd.db.lock

# hotpatchd.service starts it as User=hotpatchd, and without the socket units it binds
# the socket itself: the same, by hand.
(cd / && exec setpriv --reuid=hotpatchd --regid=hotpatchd --init-groups /usr/sbin/hotpatchd \
	-f -c /etc/hotpatchd/hotpatchd.yaml --http "127.0.0.1:$port") > "$tmp/daemon-user.log" 2>&1 &
daemon_pid=$!
wait_for "$sock"
as "$reader" status
answered "started as user hotpatchd (as the service is), it binds its own socket and serves"
stop_daemon
check "... and stops with exit 0, its log has the ready line and no error" \
	sh -c "[ $? -eq 0 ] && grep -q 'ready: socket /run/hotpatchd/hotpatchd.sock' '$tmp/daemon-user.log' &&
	    ! grep -q 'cannot' '$tmp/daemon-user.log'"

# The administrator changes the conffile; reinstalling and upgrading must keep it.
echo "# changed by tests/package.sh" >> /etc/hotpatchd/hotpatchd.yaml
kept() {
	if [ "$1" -eq 0 ] && tail -n 1 /etc/hotpatchd/hotpatchd.yaml | grep -qxF "# changed by tests/package.sh"; then
		ok "$2"
	else
		not_ok "$2" "apt-get exit $1" "$(tail -n 15 "$tmp/$3")" "last line: $(tail -n 1 /etc/hotpatchd/hotpatchd.yaml)"
	fi
}
apt_install reinstall.log "$deb" --reinstall
kept $? "apt-get install --reinstall keeps the changed conffile" reinstall.log

# A newer version: the same tree with one more changelog entry.
new=$version+pkgtest1
{
	printf 'hotpatchd (%s) unstable; urgency=medium\n\n  * Upgrade test.\n\n' "$new"
	printf ' -- hotpatchd maintainers <maintainers@hotpatchd.example>  %s\n\n' "$(date -R)"
	cat "$src/debian/changelog"
} > "$tmp/changelog" && mv "$tmp/changelog" "$src/debian/changelog"
DEB_BUILD_OPTIONS=nocheck build build2.log
apt_install upgrade.log "$tmp/hotpatchd_${new}_$(dpkg --print-architecture).deb"
rc=$?
[ "$(dpkg-query -W -f='${Version}' hotpatchd)" = "$new" ] || rc=1
kept $rc "an upgrade to a newer version keeps the changed conffile" upgrade.log
[ -d /run/systemd/system ] && systemctl stop hotpatchd.service hotpatchd-control.socket hotpatchd-http.socket
start daemon2.log
as "$reader" override list
if [ $rc -eq 0 ] && grep -q 'win11-24h2 .*2031-05 .*baseline' "$tmp/out" && grep -qF "package test" "$tmp/out"; then
	ok "an upgrade keeps the database: the override is still there"
else
	not_ok "an upgrade keeps the database" "exit $rc" "$(cat "$tmp/out" "$tmp/err" "$tmp/daemon2.log")"
fi
stop_daemon

dpkg --purge hotpatchd > "$tmp/purge.log" 2>&1
rc=$?
installed=no
check "dpkg --purge removes the configuration and the database" \
	test $rc -eq 0 -a ! -e /etc/hotpatchd -a ! -e /var/lib/hotpatchd -a ! -e /usr/sbin/hotpatchd
finish
