#!/usr/bin/env python3
"""schedref.py - a reference model of slots(1) and coverage(1), for tests.

Built on availref.py's model of status(1), DESCRIPTION (zoneinfo, a bitmap of the week),
and with a method of its own, so that it can catch lib/sched.c out:

  - A candidate start is found by walking the window minute by minute and
    reading each minute's wall clock in the zone of --tz with zoneinfo: it
    counts when its minute of the day is a multiple of the interval.
  - A member is available over [a, b) when the model says "available" at
    a and every "until" after it up to b (a manual override counts until
    its own until, then the schedule decides).
  - A coverage cell is the set of minutes whose wall clock lies in it,
    found by walking the minutes of the days around it; a member counts
    when available over each run of them.  The cell is inside the
    business window when some member's working hours alone (the bitmap)
    hold for every one of its minutes.

Commands (used by test/sched-model.bats):

  schedref.py gen --seed S --users N --queries K --store DIR --model FILE
      Write N random members of team T into DIR, the model's view into
      FILE, and print K queries, one a line: ID, ROSTER_NOW, then the
      command and its arguments, separated by tabs.

  schedref.py check --model FILE --results DIR
      DIR/ID.out holds each query's standard output (tsv, no header),
      DIR/ID.rc its exit status.  Print the first differences and exit 1
      if there is any.
"""
import argparse
import json
import os
import random
import sys
from datetime import date, datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import availref as ar  # noqa: E402

ZONES = ar.ZONES + ["Asia/Kathmandu", "Europe/Amsterdam"]


def minute_of_day(tz, t):
    dt = datetime.fromtimestamp(t, tz)
    return dt.hour * 60 + dt.minute, dt.date()


def available_over(u, a, b):
    t = a
    while True:
        st, _, until = u.status(t)
        if st != "available":
            return False
        if until is None or until >= b:
            return True
        t = until


def hours_over(u, runs):
    if not u.has_hours:
        return True
    for a, b in runs:
        for t in range(a, b, 60):
            if not u.bits[u.zone.local_minute(t)]:
                return False
    return True


# --- slots ------------------------------------------------------------------

def want_slots(q, users):
    tz = ar.zone(q["tz"]).tz
    first = max(q["from"], q["now"] + q["notice"])
    first += -first % 60
    rows = []
    for t in range(first, q["to"], 60):
        m, _ = minute_of_day(tz, t)
        if m % (q["interval"] // 60):
            continue
        a, b = t - q["buffer"], t + q["duration"] + q["buffer"]
        who = [u.email for u in users if available_over(u, a, b)]
        if not who or (q["mode"] == "all" and len(who) < len(users)):
            continue
        rows.append([ar.rfc3339(t), ar.rfc3339(t + q["duration"]),
                     ",".join(who)])
    return rows


# --- coverage ---------------------------------------------------------------

def want_coverage(q, users):
    tz = ar.zone(q["tz"]).tz
    monday = date.fromisoformat(q["week"])
    monday -= timedelta(days=monday.weekday())
    step = q["step"] // 60
    lo = int(datetime(monday.year, monday.month, monday.day,
                      tzinfo=timezone.utc).timestamp()) - 2 * 86400
    hi = lo + 11 * 86400
    cells = {}
    for t in range(lo, hi, 60):
        m, d = minute_of_day(tz, t)
        k = (d - monday).days
        if 0 <= k < 7:
            cells.setdefault((k, m // step), []).append(t)
    rows = []
    for k in range(7):
        for c in range(1440 // step):
            day = (monday + timedelta(days=k)).isoformat()
            hhmm = "%02d:%02d" % (c * step // 60, c * step % 60)
            ts = cells.get((k, c))
            if not ts:
                rows.append([day, hhmm, "", "", "", "false", "false"])
                continue
            runs = []
            for t in ts:
                if runs and runs[-1][1] == t:
                    runs[-1][1] = t + 60
                else:
                    runs.append([t, t + 60])
            n = sum(1 for u in users
                    if all(available_over(u, a, b) for a, b in runs))
            inw = any(hours_over(u, runs) for u in users)
            gap = inw and n < q["min"]
            rows.append([day, hhmm, ar.rfc3339(runs[0][0]),
                         ar.rfc3339(runs[-1][1]), str(n),
                         "true" if inw else "false",
                         "true" if gap else "false"])
    return rows


# --- random teams and questions ----------------------------------------------

def dur(s):
    h, m = s // 3600, s % 3600 // 60
    return ("%dh" % h if h else "") + ("%dm" % m if m or not h else "")


def rand_query(rng, i, trs, emails):
    t, name = rng.choice(trs)
    tz = rng.choice([name, name, rng.choice(ZONES)])
    kind = "coverage" if rng.random() < 0.3 else "slots"
    q = {"id": "q%02d" % i, "kind": kind, "tz": tz}
    if kind == "coverage":
        d = datetime.fromtimestamp(t + rng.randrange(-3, 4) * 86400,
                                   timezone.utc).date()
        q.update(week=d.isoformat(), step=rng.choice([900, 1800, 3600]),
                 min=rng.choice([1, 1, 2, 3]), now=t)
        args = ["coverage", "--team", "T", "--week", q["week"], "--step",
                dur(q["step"]), "--min", str(q["min"]), "--tz", tz,
                "--format", "tsv", "--no-header"]
        return q, args
    start = t - rng.randrange(0, 2 * 86400)
    start -= start % 60
    q.update(now=start - rng.choice([0, 0, 3600, 86400]) +
             rng.choice([0, 0, 420, 3000]), **{"from": start},
             to=start + rng.choice([1, 2, 3]) * 86400,
             duration=rng.choice([900, 1800, 2700, 3600, 5400, 7200]),
             interval=rng.choice([900, 900, 1800, 2700, 3600]),
             buffer=rng.choice([0, 0, 0, 900, 1800]),
             notice=rng.choice([0, 0, 1800, 7200]))
    args = ["slots", "--from", ar.rfc3339(q["from"]), "--to",
            ar.rfc3339(q["to"]), "--duration", dur(q["duration"]),
            "--interval", dur(q["interval"]), "--buffer", dur(q["buffer"]),
            "--min-notice", dur(q["notice"]), "--tz", tz,
            "--format", "tsv", "--no-header"]
    if rng.random() < 0.35:
        q["members"] = sorted(rng.sample(emails, min(len(emails),
                                                     rng.choice([2, 2, 3]))))
        q["mode"] = "all"
        args += q["members"]
    else:
        q["mode"] = rng.choice(["any", "any", "any", "all"])
        args += ["--team", "T", "--mode", q["mode"]]
    return q, args


def office_hours(rng):
    """Long days, often overnight, so that collective slots exist."""
    s = rng.choice(["06:00", "07:30", "08:00", "20:00", "22:15"])
    e = rng.choice(["17:00", "19:45", "23:00", "08:00", "24:00"])
    days = ar.DAYS if rng.random() < 0.5 else ar.DAYS[:5]
    return {d: ["%s-%s" % (s, e)] for d in days}


def gen(args):
    rng = random.Random(args.seed)
    trs = ar.transitions()
    lo = ar.parse_utc("2026-01-01T00:00:00Z")
    hi = ar.parse_utc("2028-01-01T00:00:00Z")
    default_zone = rng.choice(ZONES)
    users = []
    for i in range(args.users):
        u = {"email": "m%02d@x.org" % i,
             "timezone": None if rng.random() < 0.1 else rng.choice(ZONES),
             "hours": (office_hours(rng) if i % 2 == 0
                       else ar.rand_hours(rng)),
             "ooo": ar.rand_ooo(rng, trs, lo, hi), "override": None}
        if rng.random() < 0.15:
            u["override"] = {"status": rng.choice(["away", "available"]),
                             "until": ar.near(rng, trs)}
            if rng.random() < 0.3:
                # Without an until: it holds until it is set again.
                u["override"]["until"] = None
        users.append(u)
    udir = os.path.join(args.store, "users")
    os.makedirs(udir, exist_ok=True)
    for u in users:
        with open(os.path.join(udir, u["email"] + ".yaml"), "w") as f:
            f.write(ar.user_yaml(rng, u) + "teams: [T]\n")
    with open(os.path.join(args.store, "roster.ini"), "w") as f:
        f.write("[store]\nversion = 1\ntimezone = %s\n" % default_zone)
    # Collective questions mostly name people with long days.
    emails = [u["email"] for u in users[::2]]
    queries = []
    for i in range(args.queries):
        q, cmd = rand_query(rng, i, trs, emails)
        queries.append(q)
        print("\t".join([q["id"], ar.rfc3339(q["now"])] + cmd))
    with open(args.model, "w") as f:
        json.dump({"default_zone": default_zone, "users": users,
                   "queries": queries}, f)


def check(args):
    with open(args.model) as f:
        m = json.load(f)
    users = [ar.User(d, m["default_zone"]) for d in m["users"]]
    diffs, nrows = [], 0
    for q in m["queries"]:
        base = os.path.join(args.results, q["id"])
        with open(base + ".out") as f:
            got = [ln.rstrip("\n").split("\t") for ln in f if ln.strip()]
        with open(base + ".rc") as f:
            rc = int(f.read().strip())
        if q["kind"] == "slots":
            us = [u for u in users
                  if u.email in q.get("members", [u.email])]
            want = want_slots(q, us)
            wrc = 0 if want else 1
        else:
            want = want_coverage(q, users)
            wrc = 1 if any(r[6] == "true" for r in want) else 0
        nrows += len(want)
        if rc != wrc:
            diffs.append("%s: exit %d, model says %d" % (q["id"], rc, wrc))
        gs, ws = set(map(tuple, got)), set(map(tuple, want))
        for r in sorted(ws - gs)[:3]:
            diffs.append("%s: missing %s\n    %s" % (
                q["id"], " ".join(r), json.dumps(q)))
        for r in sorted(gs - ws)[:3]:
            diffs.append("%s: unexpected %s\n    %s" % (
                q["id"], " ".join(r), json.dumps(q)))
        if not diffs and got != want:
            diffs.append("%s: rows out of order" % q["id"])
    for d in diffs[:args.show]:
        print(d)
    if diffs:
        print("%d differences" % len(diffs))
        return 1
    print("%d queries, %d rows agree" % (len(m["queries"]), nrows))
    return 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen")
    g.add_argument("--seed", type=int, required=True)
    g.add_argument("--users", type=int, required=True)
    g.add_argument("--queries", type=int, required=True)
    g.add_argument("--store", required=True)
    g.add_argument("--model", required=True)
    c = sub.add_parser("check")
    c.add_argument("--model", required=True)
    c.add_argument("--results", required=True)
    c.add_argument("--show", type=int, default=8)
    a = p.parse_args()
    if a.cmd == "gen":
        gen(a)
        return 0
    return check(a)


if __name__ == "__main__":
    sys.exit(main())
