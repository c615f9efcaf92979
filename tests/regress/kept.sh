#!/bin/sh
# regress/kept.sh: the replies the daemon keeps for windows (per data generation and month)
# and next (per second) are never stale.  Each kept answer is set against a fresh one: the
# same request spelt another way (a line never asked before is always computed), or a
# second daemon started on the changed files; and each change is checked to move the answer
# as worked out by hand (the override's kind, a frozen day, a deferral two days longer).
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch
own_files

# same NAME FILE-A FILE-B [KEY...]: the two JSON answers are equal, KEYs (e.g. now) left out.
same() {
	_sname=$1 _sa=$2 _sb=$3
	shift 3
	if _smsg=$(python3 - "$_sa" "$_sb" "$@" 2>&1 </dev/null <<'EOF'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
for k in sys.argv[3:]:
    a.pop(k, None)
    b.pop(k, None)
if a != b:
    diff = [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
    sys.exit("they differ in %s" % diff)
EOF
	); then ok "$_sname"; else not_ok "$_sname" "$_smsg"; fi
}
# differ NAME FILE-A FILE-B: the answer changed (so the check after it means something).
differ() {
	if cmp -s "$2" "$3"; then not_ok "$1" "the same answer before and after"; else ok "$1"; fi
}
# ask FILE ARGS...: hotpatchctl --json ARGS into FILE.
ask() {
	_af=$1
	shift
	ctl "$@"
	cp "$tmp/out" "$_af"
	[ $rc -eq 0 ] || not_ok "hotpatchctl $*" "exit $rc" "$(cat "$tmp/err")"
}

start_daemon "$tmp/var" || { not_ok "the daemon starts"; finish; exit 1; }

# ---- windows: kept per data generation ----
# ring1 (schedules/autopatch-default.yaml): deferral 1 day, Europe/Berlin, Friday 02:00.
W="windows --ring ring1 --from 2027-01 --months 6 --json"
ask "$tmp/w0" $W
ask "$tmp/w0b" $W
same "windows asked twice gives the same answer" "$tmp/w0" "$tmp/w0b"

ctl override set win11-24h2 2027-02 baseline --reason "kept replies test"
ask "$tmp/w1" $W
ask "$tmp/w1f" windows --json --months 6 --from 2027-01 --ring ring1
differ "windows after override set: the answer changed" "$tmp/w0" "$tmp/w1"
same "windows after override set equals a fresh computation" "$tmp/w1" "$tmp/w1f"
json_check "windows after override set: 2027-02 of win11-24h2 is the override's baseline" "$tmp/w1" '
r = [x for x in j["windows"] if x["month"] == "2027-02" and x["os"] == "win11-24h2"][0]
eq((r["kind"], r["install"], r["restart"], r["source"]), ("baseline", "baseline", True, "override"), "row")
r = [x for x in j["windows"] if x["month"] == "2027-02" and x["os"] == "win11-25h2"][0]
eq((r["kind"], r["source"]), ("hotpatch", "planned"), "the other OS")'

ctl override clear win11-24h2 2027-02
ask "$tmp/w2" $W
ask "$tmp/w2f" windows --from 2027-01 --ring ring1 --months 6 --json
same "windows after override clear equals a fresh computation" "$tmp/w2" "$tmp/w2f"
same "windows after override clear is the answer before the override" "$tmp/w2" "$tmp/w0"

# ring1's March slot is Fri 2027-03-12 02:00 Berlin (Patch Tuesday 03-09 + 1 day deferral,
# then the first Friday window): frozen, the install moves off that day.
ctl --json blackout add --name "kept freeze" --from 2027-03-12 --to 2027-03-12 --ring ring1
bo_id=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["blackout"]["id"])' "$tmp/out" 2>/dev/null </dev/null)
ask "$tmp/w3" $W
ask "$tmp/w3f" windows --months 6 --json --ring ring1 --from 2027-01
differ "windows after blackout add: the answer changed" "$tmp/w0" "$tmp/w3"
same "windows after blackout add equals a fresh computation" "$tmp/w3" "$tmp/w3f"
# ring1 has that one slot a month; April's (04-16) is after April's offer (04-14), so March
# has none, and its deadline (offer + 2 days: 03-12 19:00 Berlin) forces the install.
json_check "windows after blackout add: 2027-03 has no window, the deadline forces it" "$tmp/w3" '
forced = datetime.datetime.strptime(release_at(2027, 3), "%Y-%m-%dT%H:%M:%SZ") + datetime.timedelta(days=3)
for r in [x for x in j["windows"] if x["month"] == "2027-03"]:
    eq((r["status"], r["window_start"], r["blackout"]), ("none", None, "kept freeze"), "row")
    eq(r["forced_at"], forced.strftime("%Y-%m-%dT%H:%M:%SZ"), "forced_at")'
ctl blackout remove "$bo_id"
ask "$tmp/w4" $W
ask "$tmp/w4f" windows --ring ring1 --json --from 2027-01 --months 6
same "windows after blackout remove equals a fresh computation" "$tmp/w4" "$tmp/w4f"
same "windows after blackout remove is the answer before the blackout" "$tmp/w4" "$tmp/w0"

# ---- next --at: kept by its line ----
# From 2027-03-01 the next release is March's (Patch Tuesday 03-09); ring1 installs it
# Fri 03-12 02:00 Berlin.
N="next --ring ring1 --at 2027-03-01 --json"
ask "$tmp/n0" $N
json_check "next --at 2027-03-01: March, in the 03-12 window" "$tmp/n0" '
eq([r["month"] for r in j["releases"]], ["2027-03", "2027-03"], "releases")
for r in j["windows"]:
    eq((r["month"], r["window_start_local"][:10]), ("2027-03", "2027-03-12"), "window")'
ctl --json blackout add --name "next freeze" --from 2027-03-12 --to 2027-03-12 --ring ring1
bo_id=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["blackout"]["id"])' "$tmp/out" 2>/dev/null </dev/null)
ask "$tmp/n1" $N
ask "$tmp/n1f" next --json --at 2027-03-01 --ring ring1
differ "next --at after blackout add: the answer changed" "$tmp/n0" "$tmp/n1"
same "next --at after blackout add equals a fresh computation" "$tmp/n1" "$tmp/n1f"
json_check "next --at after blackout add: March, no window, naming the freeze" "$tmp/n1" '
for r in j["windows"]:
    eq((r["month"], r["status"], r["window_start"], r["blackout"]), ("2027-03", "none", None, "next freeze"), "row")'
ctl blackout remove "$bo_id"
ctl override set win11-25h2 2027-03 baseline --reason "kept replies test"
ask "$tmp/n2" $N
ask "$tmp/n2f" next --at 2027-03-01 --json --ring ring1
same "next --at after blackout remove and override set equals a fresh computation" "$tmp/n2" "$tmp/n2f"
json_check "next --at after override set: win11-25h2 gets March as a baseline" "$tmp/n2" '
r = [x for x in j["releases"] if x["os"] == "win11-25h2"][0]
eq((r["kind"], r["source"]), ("baseline", "override"), "release")
r = [x for x in j["windows"] if x["os"] == "win11-25h2"][0]
eq((r["install"], r["restart"]), ("baseline", True), "install")'
ctl override clear win11-25h2 2027-03

# Reload with ring1's deferral 1 -> 3 days: January's offer is Patch Tuesday (2027-01-12)
# 10:00 Pacific + 3 days.
edit_schedules "$tmp/sched2" autopatch-default.yaml
line=$(grep -n 'deferral_days:' "$f" | sed -n 2p | cut -d: -f1)	# ring1, the second ring
set_deferral 3
rm -rf "$SCHED" && mv "$tmp/sched2" "$SCHED"
ctl reload
ask "$tmp/w5" $W
differ "windows after a reload with a changed ring file: the answer changed" "$tmp/w0" "$tmp/w5"
json_check "windows after the reload: January is offered 3 days after its release" "$tmp/w5" '
d = datetime.datetime.strptime(release_at(2027, 1), "%Y-%m-%dT%H:%M:%SZ") + datetime.timedelta(days=3)
for r in [x for x in j["windows"] if x["month"] == "2027-01"]:
    eq(r["offered_at"], d.strftime("%Y-%m-%dT%H:%M:%SZ"), "offered_at")'
# A second daemon started on the changed files has never kept anything.
"$HOTPATCHD" -f --state-dir "$tmp/var2" --calendar "$CAL" --schedules "$SCHED" --http off \
	>> "$tmp/var2.log" 2>&1 &
pid2=$!
extra_pids=$pid2
if wait_until hp_started "$tmp/var2/hotpatchd.sock" "$pid2" && [ -e "$tmp/var2/hotpatchd.sock" ]; then
	run --socket "$tmp/var2/hotpatchd.sock" $W
	cp "$tmp/out" "$tmp/w5d"
	same "windows after the reload equals a second daemon's on the changed files" "$tmp/w5" "$tmp/w5d"
else
	not_ok "a second daemon starts on the changed files" "$(cat "$tmp/var2.log")"
fi

# ---- windows: the month ----
# Without --from, the months start at now's month: --at moves it, and the answer is the
# one --from gives for that month.
for at in 2027-05-15 2027-06-01 2027-12-31T23:59:59Z; do
	m=$(echo "$at" | cut -c1-7)
	ask "$tmp/wa" windows --ring ring1 --at "$at" --json
	ask "$tmp/wm" windows --ring ring1 --from "$m" --json
	same "windows --at $at is windows --from $m" "$tmp/wa" "$tmp/wm"
done
# And without --at, this month (asked again if the month turned meanwhile).
for try in 1 2; do
	m0=$(date -u +%Y-%m)
	ask "$tmp/wn" windows --ring ring1 --json
	ask "$tmp/wnm" windows --ring ring1 --from "$m0" --json
	[ "$(date -u +%Y-%m)" = "$m0" ] && break
done
same "windows without --from starts at this month" "$tmp/wn" "$tmp/wnm"

# ---- next without --at: kept for one second only ----
NN="next --ring ring1 --json"
ask "$tmp/r0" $NN
now0=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["now"])' "$tmp/r0" </dev/null)
read -r os m kind <<EOF
$(python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["releases"][0]
print(r["os"], r["month"], r["source"] == "published" and "published" or r["kind"])' "$tmp/r0" </dev/null)
EOF
new=baseline
[ "$kind" = baseline ] && new=hotpatch
# Most likely within the same second as the answer above: the data's generation decides.
ctl override set "$os" "$m" "$new" --reason "kept replies test"
ask "$tmp/r1" $NN
ask "$tmp/r1f" next --json --ring ring1
same "next after override set equals a fresh computation (now aside)" "$tmp/r1" "$tmp/r1f" now
if [ "$kind" = published ]; then
	skip "next after override set shows the override" "$os $m is published: the override does not apply"
else
	json_check "next after override set shows the override ($os $m $new)" "$tmp/r1" "
r = [x for x in j['releases'] if x['os'] == '$os'][0]
eq((r['month'], r['kind'], r['source']), ('$m', '$new', 'override'), 'release')"
fi
ctl override clear "$os" "$m"
# The instant an answer shows moves on: with the data left alone, the reply kept for one
# second is not given in the next.
ask "$tmp/r2" $NN
now0=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["now"])' "$tmp/r2" </dev/null)
now_moved() {
	ctl $NN
	[ "$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["now"])' "$tmp/out" </dev/null)" != "$now0" ]
}
check "next without --at shows a later now once the second has passed" wait_until now_moved

stop_daemon
finish
