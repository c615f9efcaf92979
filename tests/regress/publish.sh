#!/bin/sh
# regress/publish.sh: hotpatchctl publish, publish clear and publish list on the real
# daemon.  A small calendar: os-a, hotpatch_start 2026-01, published 2026-01..2026-10 in
# the file.  November 2026's release is Tuesday 2026-11-10, 18:00Z (10:00 Los Angeles,
# standard time), so at 2026-11-20 November is past and, until someone publishes it,
# unpublished: "os-a: 2026-11 is past and unpublished; the calendar is current to 2026-10".
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch

CAL=$tmp/calendar.yaml
SCHED=$tmp/schedules
mkdir "$SCHED"
# calendar [EXTRA]: the file, with EXTRA appended to os-a's published list.
calendar() {
	{
		printf 'version: 1\nos:\n  - id: os-a\n    name: Test A\n    arch: [x64]\n'
		printf '    hotpatch_start: 2026-01\n    published:\n'
		for m in 1 2 3 4 5 6 7 8 9 10; do
			case $m in 1|4|7|10) k=baseline ;; *) k=hotpatch ;; esac
			printf '      - { month: 2026-%02d, kind: %s }\n' "$m" "$k"
		done
		[ -z "${1:-}" ] || printf '      - %s\n' "$1"
	} > "$CAL"
}
calendar
cat > "$SCHED/rings.yaml" <<'YAML'
version: 1
rings:
  - id: pilot
    name: Pilot
    os: [os-a]
    deferral_days: 0
    deadline_days: 2
    grace_days: 2
    timezone: Europe/Berlin
    devices: { arch: x64, vbs: true, licensed: true }
    windows:
      - { days: [tue, wed, thu], start: "22:00", duration: 4h }
YAML

at=2026-11-20
who="uid $(id -u) ($(id -un))"
stale_nov="os-a: 2026-11 is past and unpublished; the calendar is current to 2026-10"
# published_rows: the run-time table as text, to see that a refused request changed nothing.
published_rows() { sqlite3 "$db" "SELECT * FROM published ORDER BY 1, 2;"; }

start_daemon "$tmp/var" || not_ok "the daemon starts" "$(cat "$tmp/var.log")"

# ---- before: November is planned, so stale; this calendar reply is kept ----
jcheck "calendar before: 2026-11 is planned, nothing published" "
m = [r for r in j['months'] if r['month'] == '2026-11'][0]
eq(m['source'], 'planned', 'source')
eq(m['published'], None, 'published')
eq(m['conflict'], None, 'conflict')
f = [r for r in j['months'] if r['month'] == '2026-10'][0]
eq(f['published'], {'from': 'file', 'who': None, 'at': None, 'origin': None}, 'file provenance')" \
	calendar --os os-a --year 2026 --at "$at"
ctl status --at "$at"
has "status before: 2026-11 is stale" "$stale_nov"

# ---- publish ----
ctl publish os-a 2026-11 hotpatch --kb KB5000011 --build 26100.1100 --note "from the bulletin"
has "publish: the reply says before and after, and who" \
	"published os-a 2026-11: hotpatch (planned) -> hotpatch KB5000011 build 26100.1100 (published, run time), by $who"
jcheck "calendar after (the same request line): 2026-11 published at run time, by whom, when" "
m = [r for r in j['months'] if r['month'] == '2026-11'][0]
eq((m['source'], m['kind'], m['kb'], m['build'], m['note']),
   ('published', 'hotpatch', 'KB5000011', '26100.1100', 'from the bulletin'), 'answer')
p = m['published']
eq((p['from'], p['who'], p['origin']), ('runtime', '$who', 'hotpatchctl'), 'provenance')
assert p['at'].endswith('Z') and len(p['at']) == 20, p['at']
eq(m['conflict'], None, 'conflict')" \
	calendar --os os-a --year 2026 --at "$at"
ctl calendar --os os-a --year 2026 --at "$at"
has "calendar text: source run time, and who published it" "published (run time)" \
	"os-a 2026-11  published at run time by $who at "
ctl status --at "$at"
if [ $rc -eq 0 ] && ! grep -qF "past and unpublished" "$tmp/out"; then
	ok "status after: the run-time publish cleared the staleness warning"
else
	not_ok "status after: the run-time publish cleared the staleness warning" "$(cat "$tmp/out")"
fi
jcheck "status --json: one run-time answer, no conflicts, not stale" "
eq(j['published_runtime'], 1, 'published_runtime')
eq(j['conflicts'], [], 'conflicts')
eq(j['stale'], [], 'stale')" status --at "$at"
jcheck "month --json: 2026-11 from run time" "
eq(j['os'][0]['published']['from'], 'runtime', 'from')
eq(j['os'][0]['kb'], 'KB5000011', 'kb')" month 2026-11 --os os-a
ctl publish list
has "publish list: the month with who and origin" "os-a" "2026-11" \
	"hotpatch KB5000011 build 26100.1100" "$who" "hotpatchctl" "from the bulletin"
a=$(sqlite3 "$db" "SELECT uid || '|' || command || '|' || result FROM audit WHERE command = 'publish';")
[ "$a" = "$(id -u)|publish|ok" ] && ok "the audit table has the publish" ||
	not_ok "the audit table has the publish" "got: $a"

# A second month with every option: an expedited baseline on its own date.
# 2026-12-01 is a Tuesday, so Patch Tuesday is 2026-12-08; the date given is 2026-12-09.
ctl publish os-a 2026-12 baseline --unplanned --expedited --date 2026-12-09 --kb KB5000012
answered "publish with --unplanned --expedited --date"
jcheck "month 2026-12: unplanned expedited baseline released 2026-12-09" "
m = j['os'][0]
eq((m['kind'], m['unplanned'], m['patch_tuesday'], m['kb']),
   ('baseline', True, '2026-12-09', 'KB5000012'), 'answer')
eq(m['release_at'], '2026-12-09T18:00:00Z', 'release_at')" month 2026-12 --os os-a

# ---- kept across reload and restart ----
ctl reload
answered "reload"
jcheck "after reload: 2026-11 still published at run time" "
eq(j['os'][0]['published']['from'], 'runtime', 'from')" month 2026-11 --os os-a
stop_daemon
start_daemon "$tmp/var" || not_ok "the daemon starts again" "$(cat "$tmp/var.log")"
jcheck "after a restart: 2026-11 still published at run time, by the same who" "
eq((j['os'][0]['published']['from'], j['os'][0]['published']['who']), ('runtime', '$who'), 'provenance')" \
	month 2026-11 --os os-a

# ---- the calendar file later publishes 2026-11 differently: a conflict ----
calendar "{ month: 2026-11, kind: baseline, kb: KB5000099, build: 26100.1100 }"
ctl reload
answered "reload with the file publishing 2026-11 too"
jcheck "status --json: the conflict, kind and kb differ, the run-time answer wins" "
eq(len(j['conflicts']), 1, 'conflicts')
c = j['conflicts'][0]
eq((c['os'], c['month'], c['differs'], c['wins']), ('os-a', '2026-11', ['kind', 'kb'], 'runtime'), 'conflict')
eq((c['runtime']['kind'], c['runtime']['kb'], c['runtime']['from']), ('hotpatch', 'KB5000011', 'runtime'), 'runtime')
eq((c['file']['kind'], c['file']['kb']), ('baseline', 'KB5000099'), 'file')" status
conflict="conflict: os-a 2026-11 is published at run time as hotpatch KB5000011 build 26100.1100 (by $who at "
ctl status
has "status text: the conflict line" "$conflict" \
	"the calendar file says baseline KB5000099 build 26100.1100 (they differ in kind, kb); the run-time answer wins until 'hotpatchctl publish clear os-a 2026-11'"
jcheck "calendar: the run-time answer in the row, the file's as the conflict" "
m = [r for r in j['months'] if r['month'] == '2026-11'][0]
eq((m['kind'], m['kb'], m['published']['from']), ('hotpatch', 'KB5000011', 'runtime'), 'row')
eq(m['conflict']['file']['kind'], 'baseline', 'conflict')" calendar --os os-a --year 2026
ctl calendar --os os-a --year 2026
has "calendar text: the conflict line" "$conflict"
ctl month 2026-11
has "month text: the conflict line" "$conflict"
wait_until grep -qF "$conflict" "$tmp/var.log"
c=$(grep -cF "$conflict" "$tmp/var.log")
[ "$c" = 1 ] && ok "the log has the conflict, once" || not_ok "the log has the conflict, once" "$c lines"
ctl reload
c=$(grep -cF "$conflict" "$tmp/var.log")
[ "$c" = 1 ] && ok "a reload that changes nothing does not log it again" ||
	not_ok "a reload that changes nothing does not log it again" "$c lines"

# ---- publish clear brings the file's answer back ----
ctl publish clear os-a 2026-11
has "publish clear: from run time back to the file" \
	"publish clear os-a 2026-11: hotpatch KB5000011 build 26100.1100 (published, run time) -> baseline KB5000099 build 26100.1100 (published, calendar file), by $who"
jcheck "after clear: the file's answer, no conflict" "
eq((j['os'][0]['kind'], j['os'][0]['kb'], j['os'][0]['published']['from']), ('baseline', 'KB5000099', 'file'), 'row')
eq(j['os'][0]['conflict'], None, 'conflict')" month 2026-11 --os os-a
jcheck "status after clear: no conflicts" "eq(j['conflicts'], [], 'conflicts')" status
wait_until grep -qF "conflict resolved: os-a 2026-11" "$tmp/var.log"
check "the log says the conflict is resolved" grep -qF "conflict resolved: os-a 2026-11" "$tmp/var.log"
a=$(sqlite3 "$db" "SELECT count(*) FROM audit WHERE command = 'publish clear' AND result = 'ok';")
[ "$a" = 1 ] && ok "the audit table has the clear" || not_ok "the audit table has the clear" "count $a"
ctl publish clear os-a 2026-11
refused "publish clear of a month only the file publishes: exit 1" 1 \
	"os-a 2026-11 is published in the calendar file, not at run time; change the file and reload"
ctl publish clear os-a 2027-01
refused "publish clear of a month nobody published: exit 1" 1 "no run-time published answer for os-a 2027-01"

# ---- bad input: one clear error, nothing changes ----
before=$(published_rows)
ctl publish os-a 2027-01 hotpatch --kb 5000013
refused "bad --kb refused" 2 "bad --kb '5000013' (expected KB and digits, like KB5094125)"
ctl publish os-a 2027-01 hotpatch --build 26100
refused "bad --build refused" 2 "bad --build '26100' (expected digits.digits, like 26100.32995)"
ctl publish os-a 2027-02 hotpatch --date 2027-02-29
refused "a date that does not exist refused" 2 "bad --date '2027-02-29': 2027-02 has 28 days"
ctl publish os-a 2027-01 hotpatch --date 2027-02-09
refused "a date outside the month refused (the daemon: 400, exit 2)" 2 "cannot publish os-a 2027-01: date 2027-02-09 is not in month 2027-01"
ctl publish os-a 2027-01 sometimes
refused "a bad kind refused" 2 "bad kind 'sometimes' (expected baseline, hotpatch or lcu)"
ctl publish os-a 2027-13 hotpatch
refused "a bad month refused" 2 "bad month '2027-13': there is no month 13"
ctl publish os-a 2027-01 hotpatch --unplanned
refused "--unplanned on a hotpatch refused" 2 "cannot publish os-a 2027-01: unplanned applies only to kind baseline"
ctl publish os-a 2025-12 hotpatch
refused "a hotpatch before hotpatch_start refused" 2 "cannot publish os-a 2025-12: a hotpatch in 2025-12 is before the OS's hotpatch_start 2026-01"
ctl publish nope 2027-01 hotpatch
refused "an unknown OS refused" 1 "unknown OS 'nope' (see hotpatchctl os list)"
ctl publish os-a 2027-01 hotpatch --note ""
refused "an empty note refused" 2 "--note must be 1 to 1024 characters"
[ "$(published_rows)" = "$before" ] && ok "no bad input changed the published table" ||
	not_ok "no bad input changed the published table" "$(published_rows)"

# ---- a peer that is not an admin may list but not change ----
if root_or_skip "publish list works for a non-admin peer" "publish by a non-admin: permission denied" \
    "publish clear by a non-admin: permission denied" "a non-admin changed nothing"; then
	stop_daemon
	chmod 755 "$tmp"
	cp "$HOTPATCHCTL" "$tmp/hotpatchctl"
	chmod 755 "$tmp/hotpatchctl"
	printf 'version: 1\nsocket: {mode: "0666"}\n' > "$tmp/nb.yaml"
	start_daemon "$tmp/var" -c "$tmp/nb.yaml" || not_ok "the daemon starts with socket mode 0666" "$(cat "$tmp/var.log")"
	chmod 755 "$tmp/var"
	become_nobody=$(nobody_cmd)
	as_nobody() {
		# shellcheck disable=SC2086
		timeout "$(tmo 60)" $become_nobody "$tmp/hotpatchctl" --socket "$sock" "$@" > "$tmp/out" 2> "$tmp/err"
		rc=$?
	}
	as_nobody publish list
	has "publish list works for a non-admin peer" "KB5000012"
	as_nobody publish os-a 2027-01 hotpatch
	refused "publish by a non-admin: permission denied" 1 "permission denied"
	as_nobody publish clear os-a 2026-12
	refused "publish clear by a non-admin: permission denied" 1 "permission denied"
	[ "$(published_rows)" = "$before" ] && ok "a non-admin changed nothing" ||
		not_ok "a non-admin changed nothing" "$(published_rows)"
fi

stop_daemon
check "the daemon exits 0 on SIGTERM" [ $? -eq 0 ]
finish
