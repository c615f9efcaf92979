#!/bin/sh
# regress/cvrf.sh: hotpatchctl import cvrf FILE.json [--dry-run] with the real daemon and
# client, on the calendar and documents of tests/data/cvrf (check_cvrf works the same
# answers out by hand).  With --at 2026-12-06: 2026-Nov.json gives w24 hotpatch KB5130002
# (already published), s25 hotpatch KB5130012 (new), s22 hotpatch KB5130022 (replaces the
# published unplanned baseline KB5130021), late lcu KB5130031 (new); 2027-Jan.json is
# refused as a future month, a file that is not JSON and one of the wrong shape too, each
# with one line and nothing changed.  The real import records the new and different months
# at run time, once; a month published by hand is kept; a store error records nothing.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch

DATA=${top_srcdir:-.}/tests/data/cvrf
CAL=$DATA/calendar.yaml
SCHED=$tmp/schedules
mkdir "$SCHED"
AT=2026-12-06T12:00:00Z

start_daemon "$tmp/var" || not_ok "the daemon starts" "$(cat "$tmp/var.log")"

ctl import cvrf "$DATA/2026-Nov.json" --dry-run --at "$AT"
has "--dry-run lists each OS's month and what it would change" \
	"MSRC CVRF 2026-Nov (November 2026 Security Updates), month 2026-11: 4 OSes; 9 products, 2 not in any msrc_products (ignored); dry run, nothing changed" \
	"  w24          2026-11  hotpatch KB5130002 26100.9580: already published" \
	"  s25          2026-11  hotpatch KB5130012 26100.33650: new" \
	"  s22          2026-11  hotpatch KB5130022: REPLACES the published baseline (unplanned) KB5130021" \
	"  late         2026-11  lcu KB5130031 26200.9600: new" \
	"warnings:" \
	"  ghost: none of its msrc_products is in the document's ProductTree; not imported"
jcheck "--dry-run --json: the months, changes and counts" "
	eq(j['document'], '2026-Nov', 'document')
	eq(j['file'], '2026-Nov.json', 'file')
	eq(j['dry_run'], True, 'dry_run')
	eq([(m['os'], m['kind'], m['kb'], m['change']) for m in j['months']],
	    [('w24', 'hotpatch', 'KB5130002', 'same'), ('s25', 'hotpatch', 'KB5130012', 'new'),
	     ('s22', 'hotpatch', 'KB5130022', 'differs'), ('late', 'lcu', 'KB5130031', 'new')], 'months')
	eq(j['months'][2]['was'], {'kind': 'baseline', 'unplanned': True, 'kb': 'KB5130021', 'build': None, 'by': None}, 'was')
	eq(len(j['warnings']), 3, 'warnings')" \
	import cvrf "$DATA/2026-Nov.json" --dry-run --at "$AT"

# The dry run changed nothing: s22's November is still the published baseline.
jcheck "the dry run changed nothing" "
	eq([(r['kind'], r['source']) for r in j['months'] if r['month'] == '2026-11'], [('baseline', 'published')], 's22 2026-11')" \
	calendar --os s22 --year 2026 --at "$AT"

ctl import cvrf "$DATA/2027-Jan.json" --dry-run --at "$AT"
refused "a month after the current one is refused by the client" 2 \
	"2027-Jan.json: document 2027-Jan is for a month after the current one (2026-12); nothing imported"
ctl import cvrf "$DATA/not-json.html" --dry-run --at "$AT"
refused "a file that is not JSON is refused" 2 \
	"not-json.html: not JSON: line 1, column 1: '[' or '{' expected near '<'; nothing imported"
ctl import cvrf "$DATA/wrong-schema.json" --dry-run --at "$AT"
refused "a document of the wrong shape is refused" 2 \
	"wrong-schema.json: Vulnerability must be a list; nothing imported"
# 600 Windows products with a KB each: reduced, about 100 KB, past the 48384 bytes of file a
# request holds (FILE_MAX), so the client refuses it and sends nothing.
python3 - "$tmp/big.json" <<'PY'
import json, sys
n = 600
doc = {"DocumentTracking": {"Identification": {"ID": {"Value": "2026-Nov"}}},
       "ProductTree": {"FullProductName": [{"ProductID": str(i), "Value": "Windows Test Product %d" % i}
                                           for i in range(n)]},
       "Vulnerability": [{"CVE": "CVE-2026-1", "Remediations": [
           {"SubType": "Security Update", "Description": {"Value": str(5200000 + i)},
            "ProductID": [str(i)], "FixedBuild": "10.0.26100.%d" % (9000 + i)} for i in range(n)]}]}
json.dump(doc, open(sys.argv[1], "w"))
PY
ctl import cvrf "$tmp/big.json" --dry-run --at "$AT"
refused "a document whose Windows remediations do not fit one request is refused by the client" 2 \
	"more than the 48384 a request holds"

ctl import cvrf "$tmp/missing.json" --dry-run
refused "a missing file is refused" 2 "missing.json: No such file or directory"
ctl import cvrf "$DATA/2026-Nov.json" --dry-run --dry-run
refused "--dry-run twice is refused" 2 "option '--dry-run' given twice"

ctl import cvrf "$DATA/2026-Nov.json" --dry-run --at 2026-10-01
refused "the month is checked against --at: November is in the future in October" 2 \
	"document 2026-Nov is for a month after the current one (2026-10)"

# ---- the real import: one change, recorded at run time, idempotent ----
# published_rows: the run-time table as text, to see what an import changed.
published_rows() { sqlite3 "$db" "SELECT os_id, month, kind, kb, origin FROM published ORDER BY 1, 2;"; }
who="uid $(id -u) ($(id -un))"
ctl import cvrf "$DATA/2026-Nov.json" --at "$AT"
has "the import says what it did to each month" \
	"MSRC CVRF 2026-Nov (November 2026 Security Updates), month 2026-11: 4 OSes; 9 products, 2 not in any msrc_products (ignored); imported" \
	"  s25          2026-11  hotpatch KB5130012 26100.33650: new" \
	"  s22          2026-11  hotpatch KB5130022: REPLACES the published baseline (unplanned) KB5130021"
# w24 was already published the same in the file: no row.  November is 2026*12+10 = 24322.
want="late|24322|lcu|KB5130031|cvrf 2026-Nov
s22|24322|hotpatch|KB5130022|cvrf 2026-Nov
s25|24322|hotpatch|KB5130012|cvrf 2026-Nov"
rows=$(published_rows)
[ "$rows" = "$want" ] && ok "three months recorded at run time, the same one not" ||
	not_ok "three months recorded at run time, the same one not" "got:" "$rows"
a=$(sqlite3 "$db" "SELECT command || '|' || result || '|' || args FROM audit WHERE command = 'import cvrf';")
case $a in
"import cvrf|ok|2026-Nov.json ("*" bytes, document 2026-Nov): 3 of 4 months recorded")
	ok "one audit row that summarises the import, not the document" ;;
*) not_ok "one audit row that summarises the import, not the document" "got: $a" ;;
esac
jcheck "calendar: s25 2026-11 published at run time by the import" "
m = [r for r in j['months'] if r['month'] == '2026-11'][0]
eq((m['kind'], m['source']), ('hotpatch', 'published'), 'kind')
eq(m['published']['from'], 'runtime', 'from')
eq(m['published']['origin'], 'cvrf 2026-Nov', 'origin')
eq(m['published']['who'], '$who', 'who')" \
	calendar --os s25 --year 2026 --at "$AT"
jcheck "status: s22 2026-11 conflicts with the file (kind, unplanned, kb); the import wins" "
c = [c for c in j['conflicts'] if c['os'] == 's22']
eq(len(c), 1, 'one conflict')
eq((c[0]['month'], c[0]['wins']), ('2026-11', 'runtime'), 'conflict')
eq(c[0]['differs'], ['kind', 'unplanned', 'kb'], 'differs')" \
	status --at "$AT"

ctl import cvrf "$DATA/2026-Nov.json" --at "$AT"
has "the same document again: every month already published" \
	"  s25          2026-11  hotpatch KB5130012 26100.33650: already published" \
	"  s22          2026-11  hotpatch KB5130022: already published" \
	"  late         2026-11  lcu KB5130031 26200.9600: already published"
rows=$(published_rows)
[ "$rows" = "$want" ] && ok "importing again changes nothing" ||
	not_ok "importing again changes nothing" "got:" "$rows"

# ---- a month published by hand is kept, and the import says so ----
ctl publish s25 2026-11 baseline --unplanned --kb KB5130099 --at "$AT"
answered "s25 2026-11 published by hand as an unplanned baseline"
ctl import cvrf "$DATA/2026-Nov.json" --at "$AT"
has "the import keeps the hand-published month and says how to take MSRC's" \
	"  s25          2026-11  hotpatch KB5130012 26100.33650: kept: $who published it by hand as baseline (unplanned) KB5130099 (publish clear s25 2026-11, then import again, to take this)"
r=$(sqlite3 "$db" "SELECT kind || '|' || kb || '|' || origin FROM published WHERE os_id = 's25';")
[ "$r" = "baseline|KB5130099|hotpatchctl" ] && ok "the hand-published row is unchanged" ||
	not_ok "the hand-published row is unchanged" "got: $r"

# ---- a failed store change records nothing ----
ctl publish clear s25 2026-11 --at "$AT"
answered "publish clear s25 2026-11"
sqlite3 "$db" "CREATE TRIGGER no_s25 BEFORE INSERT ON published WHEN NEW.os_id = 's25'
	BEGIN SELECT RAISE(ABORT, 'refused by test'); END;"
before=$(published_rows)
ctl import cvrf "$DATA/2026-Nov.json" --at "$AT"
refused "a store error refuses the whole import" 1 "nothing imported"
rows=$(published_rows)
[ "$rows" = "$before" ] && ok "after a failed import the table is as before" ||
	not_ok "after a failed import the table is as before" "before:" "$before" "after:" "$rows"
sqlite3 "$db" "DROP TRIGGER no_s25;"

stop_daemon
finish
