#!/bin/sh
# regress/stale.sh: a past month without a published answer is said to be stale by status,
# calendar and month (text and JSON) and by the / and /plan pages; --at moves "now", so a
# month is not stale a second before its release instant (10:00 Los Angeles on Patch
# Tuesday) and is at that instant.  A small calendar: os-cur published through 2026-10,
# os-old through 2026-08.  November 2026's release is 2026-11-10 18:00Z (standard time).
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch

CAL=$tmp/calendar.yaml
SCHED=$tmp/schedules
mkdir "$SCHED"
{
	printf 'version: 1\nos:\n'
	for os in os-cur:10 os-old:8; do
		printf '  - id: %s\n    name: Test %s\n    arch: [x64]\n    hotpatch_start: 2026-01\n' \
		    "${os%:*}" "${os%:*}"
		printf '    published:\n'
		for m in $(seq 1 "${os#*:}"); do
			case $m in 1|4|7|10) k=baseline ;; *) k=hotpatch ;; esac
			printf '      - { month: 2026-%02d, kind: %s }\n' "$m" "$k"
		done
	done
} > "$CAL"
cat > "$SCHED/rings.yaml" <<'YAML'
version: 1
rings:
  - id: pilot
    name: Pilot
    os: [os-cur, os-old]
    deferral_days: 0
    deadline_days: 2
    grace_days: 2
    timezone: Europe/Berlin
    devices: { arch: x64, vbs: true, licensed: true }
    windows:
      - { days: [tue, wed, thu], start: "22:00", duration: 4h }
YAML

before=2026-11-10T17:59:59Z
after=2026-11-10T18:00:00Z
old_before="os-old: 2026-09 and 2026-10 are past and unpublished; the calendar is current to 2026-08"
old_after="os-old: 2026-09..2026-11 (3 months) are past and unpublished; the calendar is current to 2026-08"
cur_after="os-cur: 2026-11 is past and unpublished; the calendar is current to 2026-10"

# says NAME LINE...: ok if the last run exited 0 and printed each LINE as a whole line.
says() {
	_n=$1
	shift
	_miss=
	for _l in "$@"; do grep -qxF -- "$_l" "$tmp/out" || _miss="$_miss [$_l]"; done
	if [ $rc -eq 0 ] && [ -z "$_miss" ]; then ok "$_n"
	else not_ok "$_n" "exit $rc, missing:$_miss" "stdout: $(cat "$tmp/out")" "stderr: $(cat "$tmp/err")"; fi
}
# silent NAME: ok if the last run exited 0 and said nothing of staleness.
silent() {
	if [ $rc -eq 0 ] && ! grep -q 'past and unpublished' "$tmp/out"; then ok "$1"
	else not_ok "$1" "exit $rc" "stdout: $(cat "$tmp/out")"; fi
}

start_daemon "$tmp/var" || not_ok "the daemon starts" "$(cat "$tmp/var.log")"

# ---- before November's release: os-cur is current, os-old lacks 09 and 10 ----
ctl status --at "$before"
says "status before the release: one line for os-old" "$old_before"
if grep -q '^os-cur' "$tmp/out"; then not_ok "status before the release: nothing for os-cur" "$(cat "$tmp/out")"
else ok "status before the release: nothing for os-cur"; fi
jcheck "status --json before the release" "
	eq(j['stale'], [{'os': 'os-old', 'unpublished': ['2026-09', '2026-10'], 'current_to': '2026-08'}], 'stale')" \
	status --at "$before"
ctl calendar --os os-cur --at "$before"
silent "calendar --os os-cur before the release says nothing"
ctl month 2026-11 --at "$before"
says "month before the release: the os-old line" "$old_before"

# ---- at the release instant: November is past for both ----
ctl status --at "$after"
says "status at the release: a line per OS" "$cur_after" "$old_after"
jcheck "status --json at the release" "
	eq(j['stale'], [
	    {'os': 'os-cur', 'unpublished': ['2026-11'], 'current_to': '2026-10'},
	    {'os': 'os-old', 'unpublished': ['2026-09', '2026-10', '2026-11'], 'current_to': '2026-08'}],
	    'stale')" \
	status --at "$after"
ctl calendar --at "$after"
says "calendar at the release: a line per OS" "$cur_after" "$old_after"
jcheck "calendar --os os-cur --json carries only os-cur" "
	eq(j['stale'], [{'os': 'os-cur', 'unpublished': ['2026-11'], 'current_to': '2026-10'}], 'stale')" \
	calendar --os os-cur --at "$after"
ctl month 2026-11 --os os-old --at "$after"
says "month --os os-old at the release" "$old_after"
jcheck "month --json at the release" "
	eq([s['os'] for s in j['stale']], ['os-cur', 'os-old'], 'oses')
	eq(j['stale'][1]['unpublished'], ['2026-09', '2026-10', '2026-11'], 'os-old')" \
	month 2026-11 --at "$after"

# ---- all current: September, before os-old's first gap ----
jcheck "status --json when all is current: an empty list" "eq(j['stale'], [], 'stale')" \
	status --at 2026-09-01
ctl status --at 2026-09-01
silent "status when all is current says nothing"
ctl calendar --at 2026-09-01
silent "calendar when all is current says nothing"

stop_daemon

# ---- the pages: the daemon's own --at moves "now" for / and /plan ----
if ! command -v curl > /dev/null 2>&1; then
	skip "the / and /plan pages" "needs curl"
	finish
	exit
fi
# page NAME AT PATH WANT...: / or /plan of a daemon started with --at AT; WANT "none" for no
# stale block at all, else each text must be in it.
page() {
	_n=$1 _at=$2 _p=$3
	shift 3
	port=$(free_port)
	if ! start_daemon "$tmp/var" --at "$_at" --http "127.0.0.1:$port"; then
		not_ok "$_n" "the daemon did not start: $(tail -n 5 "$tmp/var.log")"
		return
	fi
	_code=$(curl -s --max-time "$(tmo 60)" -o "$tmp/page" -w '%{http_code}' "http://127.0.0.1:$port$_p")
	stop_daemon
	_miss=
	if [ "$1" = none ]; then
		grep -q 'class="stale"' "$tmp/page" && _miss=" [a stale block]"
	else
		for _t in "$@"; do grep -qF -- "$_t" "$tmp/page" || _miss="$_miss [$_t]"; done
	fi
	if [ "$_code" = 200 ] && [ -z "$_miss" ]; then ok "$_n"
	else not_ok "$_n" "HTTP $_code, wrong:$_miss" "$(grep -A3 'class="stale"' "$tmp/page")"; fi
}
page "/ before the release: only os-old" "$before" / \
	"<p data-os=\"os-old\">$old_before</p>"
page "/ at the release: both" "$after" / \
	"<p data-os=\"os-cur\">$cur_after</p>" "<p data-os=\"os-old\">$old_after</p>"
page "/plan at the release: both" "$after" /plan \
	"<div class=\"stale\" role=\"status\">" "<p data-os=\"os-cur\">$cur_after</p>"
page "/ when all is current: no stale block" 2026-09-01 / none
finish
