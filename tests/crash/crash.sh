#!/bin/sh
# crash/crash.sh: kill -9 hotpatchd while it takes changes, restart it, and check the promise
# of doc/store.md ("Crash safety"): every change hotpatchctl saw acknowledged (exit 0) is
# there after the restart, a change that was not acknowledged is either wholly there (with
# its audit row) or wholly absent, and the database passes PRAGMA integrity_check.
#
# Each round starts the daemon on the same private database, runs CRASH_WRITERS (3)
# concurrent writers through hotpatchctl, each a random sequence of every kind of change
# (override set / override clear / blackout add / blackout import of a two-event .ics /
# blackout remove of one from an earlier round / reload), logging each command's exit status
# as it completes, kills the daemon at a random moment 0.05-0.5 s in, restarts it and
# checks.  What a round observes becomes the baseline of the next one.
#
#   CRASH_ROUNDS=N   kill/restart cycles (15; ./quickstart.sh crash runs 500)
#   CRASH_BUDGET=S   no new round starts after S seconds (75; 0: no limit)
#   CRASH_SEED=N     repeats a run (the seed is printed first)
#   CRASH_WRITERS=N  concurrent writers (3)
#   CRASH_QUIET=1    only failed rounds and every 50th round get a line
set -u
. "${top_srcdir:-.}/tests/regress/lib.sh"
scratch

rounds=${CRASH_ROUNDS:-15}
seed=${CRASH_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
budget=${CRASH_BUDGET:-75}
writers=${CRASH_WRITERS:-3}
quiet=${CRASH_QUIET:-0}
ops=40		# commands per writer and round; the kill comes long before the last
state=$tmp/var
sock=$state/hotpatchd.sock
db=$state/hotpatchd.db
echo "# seed $seed (CRASH_SEED=$seed repeats this run), $writers writers, $rounds rounds"

# ---------------------------------------------------------------------------
# The model, in Python: plan a round, and check the database against what was acknowledged.

cat > "$tmp/model.py" <<'EOF'
import json, os, random, sqlite3, sys

OSES = ["win11-24h2", "win11-25h2", "ws2025-azure", "ws2025-arc", "ws2022-azure"]
MONTHS = ["%04d-%02d" % (y, m) for y in range(2028, 2031) for m in range(1, 13)]
KINDS = ["baseline", "hotpatch", "lcu"]
ICS = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hotpatchd crash test//EN\r\n%s"
       "END:VCALENDAR\r\n")
VEVENT = ("BEGIN:VEVENT\r\nUID:%s@crash\r\nDTSTAMP:20260101T000000Z\r\n"
          "DTSTART;VALUE=DATE:%s\r\nDTEND;VALUE=DATE:%s\r\nSUMMARY:%s\r\nEND:VEVENT\r\n")

def load(path, default):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        return default

def plan(rnd, seed, statef, dirn, writers, ops):
    """One round's commands, in one file per writer (dirn/wN.plan), one a line, tab-separated,
    each with its index in the round; prints the kill delay.  Writers never share an
    override slot or a blackout: their order within a slot is the order of one writer."""
    rng = random.Random("%s-%s" % (seed, rnd))
    st = load(statef, {"bo": {}})
    # Blackouts from earlier rounds, each removable by at most one writer.
    old = sorted(st["bo"].items())
    rng.shuffle(old)
    idx = 0
    for w in range(writers):
        mine = [m for k, m in enumerate(MONTHS) if k % writers == w]
        # A few slots per writer for the whole run, so that sets of one slot follow each
        # other and clears hit, within a round and across rounds.
        wrng = random.Random("%s-w%d" % (seed, w))
        slots = [(wrng.choice(OSES), wrng.choice(mine)) for _ in range(4)]
        removable = old[w::writers]
        lines = []
        for i in range(ops):
            r = rng.random()
            os_, month = rng.choice(slots)
            tag = "r%d-w%d-i%d" % (rnd, w, i)
            if r < 0.30:
                lines.append(["set", os_, month, rng.choice(KINDS), "why-" + tag])
            elif r < 0.42:
                lines.append(["clear", os_, month])
            elif r < 0.62:
                d = rng.randrange(1, 28)
                lines.append(["bo", "crash-" + tag, "2027-03-%02d" % d, "2027-04-%02d" % d])
            elif r < 0.72:
                # Two events in one file: one change, both or neither.
                d = rng.randrange(1, 20)
                path = os.path.join(dirn, "crash-imp-%s.ics" % tag)
                ev = "".join(VEVENT % ("%s-%s" % (tag, x), "202705%02d" % (d + k),
                                       "202705%02d" % (d + k + 2), "crash-imp-%s-%s" % (tag, x))
                             for k, x in ((0, "a"), (5, "b")))
                with open(path, "w") as f:
                    f.write(ICS % ev)
                lines.append(["imp", path, "crash-imp-%s-a" % tag, "crash-imp-%s-b" % tag])
            elif r < 0.95 and removable:
                name, bid = removable.pop()
                lines.append(["rm", str(bid), name])
            else:
                lines.append(["reload"])
        with open(os.path.join(dirn, "w%d.plan" % w), "w") as f:
            for l in lines:
                f.write("%d\t%s\n" % (idx, "\t".join(l)))
                idx += 1
    print("%.3f" % rng.uniform(0.05, 0.5))

def verify(rnd, dirn, writers, statef, dbf, listf, resf):
    """Check the database after round rnd; print problems, one a line; save the new baseline."""
    st = load(statef, {"ovr": {}, "bo": {}, "reloads": 0, "acked": 0, "unacked": 0, "lost": 0,
                       "inflight": 0, "kinds": {}})
    cmds = {}
    done = {}
    for w in range(writers):
        for l in open(os.path.join(dirn, "w%d.plan" % w)):
            f = l.rstrip("\n").split("\t")
            cmds[int(f[0])] = f[1:]
        for l in open(os.path.join(dirn, "w%d.log" % w)):
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
    for bid, name, f, t, origin, who in db.execute(
            "SELECT id, name, from_date, to_date, origin, who FROM blackouts"
            " WHERE name LIKE 'crash-%'"):
        bos.setdefault(name, []).append((f, t, origin, who, bid))
    audit = db.execute("SELECT command, args, result FROM audit").fetchall()
    reloads = sum(1 for c, a, r in audit if c == "reload")
    db.close()

    # How many audit rows have a word among their arguments (a reason, a name, a file).
    words, removed = {}, {}
    for c, a, r in audit:
        for w in set(a.split()) | {os.path.basename(x) for x in a.split()}:
            words[w] = words.get(w, 0) + 1
        if c == "blackout remove":
            removed[a.split()[-1]] = removed.get(a.split()[-1], 0) + 1

    def audits(word):
        return words.get(word, 0)

    def removals(bid):
        return removed.get(str(bid), 0)

    # Overrides: per slot, the baseline, then this round's commands in order.  The state must
    # be the last acknowledged value, or the value of a later command that was not.
    allowed = {k: [tuple(v) if v else None] for k, v in st["ovr"].items()}
    acked_now = unacked_now = reload_ack = reload_sent = inflight = 0
    kinds = dict(st.get("kinds", {}))
    want_bo, want_imp, want_rm = {}, {}, {}
    for i in sorted(cmds):
        c = cmds[i]
        rc = done.get(i)
        ok = rc == 0
        if ok:
            acked_now += 1
            kinds[c[0]] = kinds.get(c[0], 0) + 1
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
        if c[0] == "imp":
            want_imp[c[1]] = (c[2], c[3], ok, rc)
            continue
        if c[0] == "rm":
            want_rm[c[2]] = (int(c[1]), ok, rc)
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

    # Blackouts of earlier rounds stay unless removed: an acknowledged removal took it (with
    # its audit row), an unacknowledged one took it with its audit row or not at all.
    for name, bid in st["bo"].items():
        rows = bos.get(name, [])
        rm = want_rm.get(name)
        if rows and rm and rm[1]:
            lost += 1
            bad.append("blackout %s (#%d) is still there after its removal was acknowledged"
                       % (name, bid))
        if rows and removals(bid):
            bad.append("blackout %s (#%d) is there but has a removal audit row" % (name, bid))
        if not rows and (rm is None or rm[2] is None):
            lost += 1
            bad.append("blackout %s (#%d) was there after an earlier round and is gone" % (name, bid))
        elif not rows and removals(bid) != 1:
            bad.append("blackout %s (#%d) removed with %d audit rows, want 1" % (name, bid, removals(bid)))
        if len(rows) > 1 or (rows and rows[0][4] != bid):
            bad.append("blackout %s was #%d and is now %s" % (name, bid, rows))

    # New ones: acknowledged ones are there once, whole; the others are there once, whole,
    # with their audit row, or not at all, without one.  An import is one change: both of
    # its events or neither.
    def check_new(name, f, t, ok, rc, naudit):
        rows = bos.get(name, [])
        if ok and not rows:
            bad.append("acknowledged blackout %s is missing" % name)
        if len(rows) > 1:
            bad.append("blackout %s is there %d times" % (name, len(rows)))
        for r in rows:
            if r[:3] != (f, t, "runtime") or not r[3]:
                bad.append("blackout %s is half there: %s" % (name, r[:4]))
        if len(rows) != naudit:
            bad.append("blackout %s: %d rows but %d audit rows" % (name, len(rows), naudit))
        if rc is None and rows:
            bad.append("blackout %s is there but its command never ran" % name)
        return 0 if rows or not ok else 1
    for name, (f, t, ok, rc) in want_bo.items():
        lost += check_new(name, f, t, ok, rc, audits(name))
    for path, (a, b, ok, rc) in want_imp.items():
        n = audits(os.path.basename(path))
        ra, rb = bos.get(a, []), bos.get(b, [])
        if bool(ra) != bool(rb):
            bad.append("import %s is half there: %s %s" % (os.path.basename(path), ra, rb))
        for name, rows in ((a, ra), (b, rb)):
            if ok and not rows:
                lost += 1
                bad.append("acknowledged import %s: %s is missing" % (os.path.basename(path), name))
            if len(rows) > 1 or any(r[2] != "runtime" or not r[3] for r in rows):
                bad.append("imported blackout %s: %s" % (name, rows))
        if (1 if ra else 0) != n:
            bad.append("import %s: %s there but %d audit rows" % (os.path.basename(path),
                       "events" if ra else "no events", n))
        if rc is None and (ra or rb):
            bad.append("import %s is there but its command never ran" % os.path.basename(path))
    names = set(want_bo)
    for a, b, ok, rc in want_imp.values():
        names |= {a, b}
    stray = set(bos) - set(st["bo"]) - names
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

    st = {"ovr": ovr, "bo": {n: r[0][4] for n, r in bos.items()}, "reloads": reloads,
          "acked": st["acked"] + acked_now, "unacked": st["unacked"] + unacked_now,
          "lost": st["lost"] + lost, "inflight": st["inflight"] + inflight, "kinds": kinds}
    with open(statef, "w") as f:
        json.dump(st, f)
    with open(resf, "w") as f:
        f.write("%d %d %d\n" % (acked_now, unacked_now, len(bad)))
    for b in bad[:20]:
        print(b)

def main(cmd):
    if cmd[0] == "plan":
        plan(int(cmd[1]), cmd[2], cmd[3], cmd[4], int(cmd[5]), int(cmd[6]))
    elif cmd[0] == "verify":
        verify(int(cmd[1]), cmd[2], int(cmd[3]), *cmd[4:8])
    elif cmd[0] == "total":
        st = load(cmd[1], {})
        k = st.get("kinds", {})
        print("%d %d %d %d %s" % (st.get("acked", 0), st.get("unacked", 0), st.get("inflight", 0),
                                  st.get("lost", 0),
                                  ",".join("%s=%d" % (x, k.get(x, 0))
                                           for x in ("set", "clear", "bo", "imp", "rm", "reload"))))

# Several commands separated by "--": one interpreter start per round, not two.
args = sys.argv[1:]
while args:
    i = args.index("--") if "--" in args else len(args)
    main(args[:i])
    args = args[i + 1:]
EOF

# ---------------------------------------------------------------------------

# up: start the daemon and wait until it answers (a stale socket from a kill -9 is still
# there, so its existence proves nothing).  Returns 1 if it exits, or if it does not answer
# within $(tmo 120) seconds: a cap for a daemon that hangs, never reached by a slow one.
up() {
	"$HOTPATCHD" -f --state-dir "$state" --calendar "$CAL" --schedules "$SCHED" --http off \
	    >> "$state.log" 2>&1 &
	daemon_pid=$!
	_end=$(($(date +%s) + $(tmo 120)))
	while [ "$(date +%s)" -le $_end ]; do
		alive "$daemon_pid" || return 1
		"$HOTPATCHCTL" --socket "$sock" status > /dev/null 2>&1 && return 0
		sleep 0.05
	done
	return 1
}

# writer PLAN LOG: run each planned command, appending "INDEX EXIT-STATUS" once it is done
# ("INDEX unsent" if it could not even connect, and for every later one then).  The time limit only stops a client that
# hangs; one it stops counts as not acknowledged.
writer() {
	_gone=
	while IFS='	' read -r _i op a b c d; do
		# Once the daemon is unreachable it stays so until the round ends.
		if [ -n "$_gone" ]; then echo "$_i unsent" >> "$2"; continue; fi
		case $op in
		set) timeout "$(tmo 60)" "$HOTPATCHCTL" --socket "$sock" override set "$a" "$b" "$c" --reason "$d" ;;
		clear) timeout "$(tmo 60)" "$HOTPATCHCTL" --socket "$sock" override clear "$a" "$b" ;;
		bo) timeout "$(tmo 60)" "$HOTPATCHCTL" --socket "$sock" blackout add --name "$a" --from "$b" --to "$c" ;;
		imp) timeout "$(tmo 60)" "$HOTPATCHCTL" --socket "$sock" blackout import "$a" ;;
		rm) timeout "$(tmo 60)" "$HOTPATCHCTL" --socket "$sock" blackout remove "$a" ;;
		reload) timeout "$(tmo 60)" "$HOTPATCHCTL" --socket "$sock" reload ;;
		esac > /dev/null 2> "$2.err"
		_rc=$?
		# "cannot reach": the daemon was already dead, the request was never sent.
		if grep -q "cannot reach" "$2.err"; then _rc=unsent _gone=1; fi
		echo "$_i $_rc" >> "$2"
	done < "$1"
}

start=$(date +%s)
kills=0
up || not_ok "the daemon starts" "$(tail -n 5 "$state.log")"
r=1 delay=
mkdir "$tmp/round1"
while [ $r -le "$rounds" ] && alive "$daemon_pid"; do
	if [ "$budget" -gt 0 ] && [ $(($(date +%s) - start)) -ge "$budget" ]; then
		echo "# time budget of ${budget}s used up after $((r - 1)) rounds"
		break
	fi
	rd=$tmp/round$r
	[ -n "$delay" ] || delay=$(python3 "$tmp/model.py" plan "$r" "$seed" "$tmp/state.json" "$rd" \
	    "$writers" $ops)
	extra_pids=
	w=0
	while [ $w -lt "$writers" ]; do
		: > "$rd/w$w.log"
		writer "$rd/w$w.plan" "$rd/w$w.log" &
		extra_pids="$extra_pids $!"
		w=$((w + 1))
	done
	sleep "$delay"
	kill -KILL "$daemon_pid"
	wait "$daemon_pid" 2>/dev/null
	daemon_pid=
	kills=$((kills + 1))
	# With the daemon gone, the rest of each plan fails at once (exit 3).
	for p in $extra_pids; do wait "$p"; done
	extra_pids=
	if up; then
		[ "$quiet" = 1 ] || ok "round $r: the daemon restarts after kill -9 at ${delay}s"
	else
		not_ok "round $r: the daemon restarts after kill -9 at ${delay}s" "$(tail -n 5 "$state.log")"
		break
	fi
	"$HOTPATCHCTL" --socket "$sock" --json override list > "$tmp/list.json" 2> "$tmp/list.err" ||
		not_ok "round $r: override list after the restart" "$(cat "$tmp/list.err")"
	# Check this round and plan the next one (its kill delay is the last line printed).
	rm -rf "$tmp/round$((r - 1))"	# this round's files stay for a failure's message
	mkdir "$tmp/round$((r + 1))"
	: > "$tmp/result"
	probs=$(python3 "$tmp/model.py" verify "$r" "$rd" "$writers" "$tmp/state.json" "$db" \
	    "$tmp/list.json" "$tmp/result" -- plan $((r + 1)) "$seed" "$tmp/state.json" \
	    "$tmp/round$((r + 1))" "$writers" $ops 2>&1)
	delay=$(printf '%s\n' "$probs" | tail -n 1)
	probs=$(printf '%s\n' "$probs" | sed '$d')
	case $delay in
	[0-9]*.[0-9]*) ;;
	*) probs="$probs${probs:+
}$delay" delay= ;;	# the model failed: its message, and the next round is planned again
	esac
	# shellcheck disable=SC2046
	set -- $(cat "$tmp/result" 2>/dev/null || echo "0 0 1")
	[ -n "$1" ] || set -- 0 0 1
	if [ -n "$probs" ] || [ "$3" != 0 ]; then
		not_ok "round $r: acknowledged changes there, unacknowledged whole or absent, integrity ok" "$probs"
	elif [ "$quiet" != 1 ] || [ $((r % 50)) = 0 ]; then
		ok "round $r: $1 acknowledged changes all there, $2 not acknowledged ones whole or absent, integrity ok"
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
echo "# $kills kills, $1 acknowledged changes ($5), $2 not acknowledged ($3 cut off by a kill), $4 lost ($(($(date +%s) - start)) s)"
finish
