#!/bin/sh
# crash/crash.sh: kill -9 hotpatchd while it takes changes, restart it, and check the promise
# of doc/store.md ("Crash safety"): every change hotpatchctl saw acknowledged (exit 0) is
# there after the restart, a change that was not acknowledged is either wholly there (with
# its audit row) or wholly absent, and the database passes PRAGMA integrity_check.
#
# Each round starts the daemon on the same private database, runs a random sequence of
# override set / override clear / blackout add / reload through hotpatchctl in the
# background (logging each command's exit status as it completes), kills the daemon at a
# random moment 0.05-0.5 s in, restarts it and checks.  What a round observes becomes the
# baseline of the next one.  CRASH_SEED=N repeats a run; CRASH_ROUNDS=N changes the count.
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
tmp=$(mktemp -d)
writer_pid=
cleanup() {
	for p in $daemon_pid $writer_pid; do kill -KILL "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap "exit 1" HUP INT PIPE TERM

rounds=${CRASH_ROUNDS:-15}
seed=${CRASH_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
budget=75	# seconds: no new round starts after this
state=$tmp/var
sock=$state/hotpatchd.sock
db=$state/hotpatchd.db
echo "# seed $seed (CRASH_SEED=$seed repeats this run)"

# ---------------------------------------------------------------------------
# The model, in Python: plan a round, and check the database against what was acknowledged.

cat > "$tmp/model.py" <<'EOF'
import json, os, random, sqlite3, sys

OSES = ["win11-24h2", "win11-25h2", "ws2025-azure", "ws2025-arc", "ws2022-azure"]
MONTHS = ["%04d-%02d" % (y, m) for y in range(2028, 2031) for m in range(1, 13)]
KINDS = ["baseline", "hotpatch", "lcu"]

def load(path, default):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        return default

def plan(rnd, seed, path, ops=80):
    """One round's commands, one a line, tab-separated; prints the kill delay."""
    rng = random.Random("%s-%s" % (seed, rnd))
    # A few slots per round, so that sets of one slot follow each other and clears hit.
    slots = [(rng.choice(OSES), rng.choice(MONTHS)) for _ in range(6)]
    lines = []
    for i in range(ops):
        r = rng.random()
        os_, month = rng.choice(slots)
        if r < 0.45:
            lines.append(["set", os_, month, rng.choice(KINDS), "why-r%d-i%d" % (rnd, i)])
        elif r < 0.60:
            lines.append(["clear", os_, month])
        elif r < 0.95:
            d = rng.randrange(1, 28)
            lines.append(["bo", "crash-r%d-i%d" % (rnd, i), "2027-03-%02d" % d,
                          "2027-04-%02d" % d])
        else:
            lines.append(["reload"])
    with open(path, "w") as f:
        for l in lines:
            f.write("\t".join(l) + "\n")
    print("%.3f" % rng.uniform(0.05, 0.5))

def verify(rnd, planf, logf, statef, dbf, listf, resf):
    """Check the database after round rnd; print problems, one a line; save the new baseline."""
    st = load(statef, {"ovr": {}, "bo": [], "reloads": 0, "acked": 0, "unacked": 0, "lost": 0,
                       "inflight": 0})
    cmds = [l.rstrip("\n").split("\t") for l in open(planf)]
    done = {}
    for l in open(logf):
        i, rc = l.split()
        if rc != "unsent":      # never reached the daemon: as good as never run
            done[int(i)] = int(rc)
    bad, lost = [], 0

    db = sqlite3.connect("file:%s?mode=ro" % dbf, uri=True)
    integ = [r[0] for r in db.execute("PRAGMA integrity_check")]
    fk = db.execute("PRAGMA foreign_key_check").fetchall()
    if integ != ["ok"] or fk:
        bad.append("integrity: %s, foreign keys: %s" % (integ[:3], fk[:3]))
    rows = db.execute("SELECT os_id, month, kind, reason, who, origin FROM overrides"
                      " WHERE origin = 'runtime'").fetchall()
    ovr = {}
    for o, m, k, reason, who, origin in rows:
        ovr["%s %04d-%02d" % (o, m // 12, m % 12 + 1)] = [k, reason]
    bos = {}
    for name, f, t, origin, who in db.execute("SELECT name, from_date, to_date, origin, who"
                                              " FROM blackouts WHERE name LIKE 'crash-%'"):
        bos.setdefault(name, []).append((f, t, origin, who))
    audit = db.execute("SELECT command, args, result FROM audit").fetchall()
    reloads = sum(1 for c, a, r in audit if c == "reload")
    db.close()

    def audits(word):
        return sum(1 for c, a, r in audit if (" " + word + " ") in (" " + a + " "))

    # Overrides: per slot, the baseline, then this round's commands in order.  The state must
    # be the last acknowledged value, or the value of a later command that was not.
    allowed = {k: [tuple(v) if v else None] for k, v in st["ovr"].items()}
    acked_now = unacked_now = reload_ack = reload_sent = inflight = 0
    want_bo = {}
    for i, c in enumerate(cmds):
        rc = done.get(i)
        ok = rc == 0
        if c[0] in ("set", "clear", "bo"):
            if ok:
                acked_now += 1
            elif rc is not None:
                unacked_now += 1
                inflight += rc == 3
        if c[0] == "reload":
            reload_sent += rc is not None
            reload_ack += ok
            continue
        if c[0] == "bo":
            want_bo[c[1]] = (c[2], c[3], ok, rc)
            continue
        slot = "%s %s" % (c[1], c[2])
        val = (c[3], c[4]) if c[0] == "set" else None
        cur = allowed.setdefault(slot, [None])
        if ok:
            allowed[slot] = [val]
        elif rc is not None:
            cur.append(val)
        if c[0] == "set" and ok and audits(c[4]) != 1:
            bad.append("acknowledged %s: %d audit rows, want 1" % (" ".join(c), audits(c[4])))
        if c[0] == "set" and not ok and audits(c[4]) > 1:
            bad.append("unacknowledged %s: %d audit rows" % (" ".join(c), audits(c[4])))
    for slot in sorted(set(allowed) | set(ovr)):
        got = tuple(ovr[slot]) if slot in ovr else None
        ok_vals = allowed.get(slot, [None])
        if got not in ok_vals:
            lost += 1
            bad.append("override %s is %s; allowed: %s" % (slot, got, ok_vals))
        elif got is not None and audits(got[1]) != 1:
            bad.append("override %s (%s) has %d audit rows, want 1" % (slot, got[1], audits(got[1])))

    # Blackouts: the earlier ones stay; acknowledged ones are there once, whole; the others
    # are there once, whole, with their audit row, or not at all, without one.
    for name in st["bo"]:
        if name not in bos:
            lost += 1
            bad.append("blackout %s was there after an earlier round and is gone" % name)
    for name, (f, t, ok, rc) in want_bo.items():
        rows = bos.get(name, [])
        if ok and not rows:
            lost += 1
            bad.append("acknowledged blackout %s is missing" % name)
        if len(rows) > 1:
            bad.append("blackout %s is there %d times" % (name, len(rows)))
        for r in rows:
            if r[:3] != (f, t, "runtime") or not r[3]:
                bad.append("blackout %s is half there: %s" % (name, r))
        if len(rows) != audits(name):
            bad.append("blackout %s: %d rows but %d audit rows" % (name, len(rows), audits(name)))
        if rc is None and rows:
            bad.append("blackout %s is there but its command never ran" % name)
    stray = set(bos) - set(st["bo"]) - set(want_bo)
    if stray:
        bad.append("blackouts nobody asked for: %s" % sorted(stray)[:5])
    if not (st["reloads"] + reload_ack <= reloads <= st["reloads"] + reload_sent):
        bad.append("reload audit rows: %d, want %d..%d" % (reloads, st["reloads"] + reload_ack,
                   st["reloads"] + reload_sent))

    # The restarted daemon serves what the database holds.
    served = {"%s %s" % (o["os"], o["month"]): [o["kind"], o["reason"]]
              for o in load(listf, {"overrides": []})["overrides"] if o["origin"] == "runtime"}
    if served != ovr:
        bad.append("override list of the restarted daemon differs from the database")

    st = {"ovr": ovr, "bo": sorted(bos), "reloads": reloads, "acked": st["acked"] + acked_now,
          "unacked": st["unacked"] + unacked_now, "lost": st["lost"] + lost,
          "inflight": st["inflight"] + inflight}
    with open(statef, "w") as f:
        json.dump(st, f)
    with open(resf, "w") as f:
        f.write("%d %d %d\n" % (acked_now, unacked_now, len(bad)))
    for b in bad[:20]:
        print(b)

if sys.argv[1] == "plan":
    plan(int(sys.argv[2]), sys.argv[3], sys.argv[4])
elif sys.argv[1] == "verify":
    verify(int(sys.argv[2]), *sys.argv[3:9])
elif sys.argv[1] == "total":
    st = load(sys.argv[2], {})
    print("%d %d %d %d" % (st.get("acked", 0), st.get("unacked", 0), st.get("inflight", 0),
                           st.get("lost", 0)))
EOF

# ---------------------------------------------------------------------------

# up: start the daemon and wait until it answers (a stale socket from a kill -9 is still
# there, so its existence proves nothing).  Returns 1 if it exits or does not answer in 10 s.
up() {
	"$HOTPATCHD" -f --state-dir "$state" --calendar "$CAL" --schedules "$SCHED" --http off \
	    >> "$state.log" 2>&1 &
	daemon_pid=$!
	_i=0
	while [ $_i -lt 200 ]; do
		alive "$daemon_pid" || return 1
		"$HOTPATCHCTL" --socket "$sock" status > /dev/null 2>&1 && return 0
		sleep 0.05
		_i=$((_i + 1))
	done
	return 1
}

# writer PLAN LOG: run each planned command, appending "INDEX EXIT-STATUS" once it is done
# ("INDEX unsent" if it could not even connect).
writer() {
	_i=0
	while IFS='	' read -r op a b c d; do
		case $op in
		set) timeout 10 "$HOTPATCHCTL" --socket "$sock" override set "$a" "$b" "$c" --reason "$d" ;;
		clear) timeout 10 "$HOTPATCHCTL" --socket "$sock" override clear "$a" "$b" ;;
		bo) timeout 10 "$HOTPATCHCTL" --socket "$sock" blackout add --name "$a" --from "$b" --to "$c" ;;
		reload) timeout 10 "$HOTPATCHCTL" --socket "$sock" reload ;;
		esac > /dev/null 2> "$2.err"
		_rc=$?
		# "cannot reach": the daemon was already dead, the request was never sent.
		if grep -q "cannot reach" "$2.err"; then _rc=unsent; fi
		echo "$_i $_rc" >> "$2"
		_i=$((_i + 1))
	done < "$1"
}

start=$(date +%s)
kills=0
up || not_ok "the daemon starts" "$(tail -n 5 "$state.log")"
r=1
while [ $r -le "$rounds" ] && alive "$daemon_pid"; do
	if [ $(($(date +%s) - start)) -ge $budget ]; then
		echo "# time budget of ${budget}s used up after $((r - 1)) rounds"
		break
	fi
	plan=$tmp/round$r.plan log=$tmp/round$r.log
	delay=$(python3 "$tmp/model.py" plan "$r" "$seed" "$plan")
	: > "$log"
	writer "$plan" "$log" &
	writer_pid=$!
	sleep "$delay"
	kill -KILL "$daemon_pid"
	wait "$daemon_pid" 2>/dev/null
	daemon_pid=
	kills=$((kills + 1))
	# With the daemon gone, the rest of the plan fails at once (exit 3).
	wait "$writer_pid"
	writer_pid=
	if up; then
		ok "round $r: the daemon restarts after kill -9 at ${delay}s"
	else
		not_ok "round $r: the daemon restarts after kill -9 at ${delay}s" "$(tail -n 5 "$state.log")"
		break
	fi
	"$HOTPATCHCTL" --socket "$sock" --json override list > "$tmp/list.json" 2> "$tmp/list.err" ||
		not_ok "round $r: override list after the restart" "$(cat "$tmp/list.err")"
	probs=$(python3 "$tmp/model.py" verify "$r" "$plan" "$log" "$tmp/state.json" "$db" \
	    "$tmp/list.json" "$tmp/result" 2>&1)
	# shellcheck disable=SC2046
	set -- $(cat "$tmp/result" 2>/dev/null || echo "0 0 1")
	if [ -z "$probs" ] && [ "$3" = 0 ]; then
		ok "round $r: $1 acknowledged changes all there, $2 not acknowledged ones whole or absent, integrity ok"
	else
		not_ok "round $r: acknowledged changes there, unacknowledged whole or absent, integrity ok" "$probs"
	fi
	r=$((r + 1))
done

stop_daemon
rc=$?
[ $rc -eq 0 ] && ok "the daemon stops cleanly after $kills kills" || not_ok "the daemon stops cleanly after $kills kills" "exit $rc"
r=$(sqlite3 "$db" 'PRAGMA integrity_check;' 2>&1)
[ "$r" = ok ] && ok "the final database passes PRAGMA integrity_check" ||
	not_ok "the final database passes PRAGMA integrity_check" "$r"

# shellcheck disable=SC2046
set -- $(python3 "$tmp/model.py" total "$tmp/state.json")
echo "# $kills kills, $1 acknowledged changes, $2 not acknowledged ($3 cut off by a kill), $4 lost ($(($(date +%s) - start)) s)"
finish
