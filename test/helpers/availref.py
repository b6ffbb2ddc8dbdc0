#!/usr/bin/env python3
"""availref.py - a reference model of availability (status(1), DESCRIPTION),
for tests.

Written from the documented rules alone (roster(5), Times; status(1),
DESCRIPTION; hours-set(1)), with a method of its own, so that it can catch
the C (lib/avail.c, lib/zone.c) out:

  - The week is a bitmap of 10080 wall-clock minutes (Monday 00:00 first),
    one bit per minute inside some working-hours range.  A range whose end
    is not after its start runs into the next day; Sunday runs into Monday.
    Ranges that touch or overlap simply set the same bits.
  - The scheduled status at an instant t (steps 3-4) is: inside an
    out-of-office period (start <= t < end) away; no hours available; else
    the bit of the wall-clock minute of t in the user's zone (zoneinfo over
    the system tzdata).
  - until is found by sweeping forward from t through events - the next
    out-of-office boundary, the next UTC offset change of the zone, the next
    wall-clock minute at which the bitmap changes value at the current
    offset - and evaluating the schedule at each until it flips.  Offset
    changes are found by probing zoneinfo, not from the tz file.
  - A manual override decides while its until is later than t; one without
    an until holds until it is replaced (see status(1)).

Commands (used by test/avail-model.bats):

  availref.py gen --seed S --users N --instants K --store DIR --model FILE
      Write N random users into DIR/users (and the store default zone into
      DIR/roster.ini), the model's view of them into FILE (JSON), and print
      K instants (RFC 3339 UTC), one a line, concentrated around the DST
      changes of 2026 and 2027.

  availref.py check --model FILE --results FILE
      FILE holds lines "INSTANT<TAB>email<TAB>status<TAB>reason<TAB>until..."
      (status --format tsv --no-header, each line prefixed by its --at
      instant).  Compare every line with the model; print the first
      differences and exit 1 if there is any.
"""
import argparse
import bisect
import json
import os
import random
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

WEEK = 7 * 1440
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
# 1970-01-05 was a Monday: minute 0 of a week in local (wall) seconds.
MONDAY = 4 * 86400
ZONES = ["America/New_York", "Europe/London", "Australia/Lord_Howe",
         "Pacific/Chatham", "Asia/Kolkata", "America/St_Johns", "UTC"]
PROBE_FROM = datetime(2024, 1, 1, tzinfo=timezone.utc).timestamp()
PROBE_TO = datetime(2032, 1, 1, tzinfo=timezone.utc).timestamp()


def rfc3339(t):
    return datetime.fromtimestamp(t, timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def parse_utc(s):
    return int(datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=timezone.utc).timestamp())


class Zone:
    """A zone's offsets, and its offset changes between 2024 and 2032."""

    def __init__(self, name):
        self.name = name
        self.tz = ZoneInfo(name)
        self.changes = self._probe()

    def offset(self, t):
        dt = datetime.fromtimestamp(t, self.tz)
        return int(dt.utcoffset().total_seconds())

    def _probe(self):
        # Daily probes, then bisection to the second: none of these zones
        # changes twice within a day.
        out = []
        t = int(PROBE_FROM)
        o = self.offset(t)
        while t < PROBE_TO:
            n = t + 86400
            on = self.offset(n)
            if on != o:
                lo, hi = t, n
                while hi - lo > 1:
                    mid = (lo + hi) // 2
                    if self.offset(mid) == o:
                        lo = mid
                    else:
                        hi = mid
                out.append(hi)
            t, o = n, on
        return out

    def next_change(self, t):
        """The first offset change after t, or None."""
        i = bisect.bisect_right(self.changes, t)
        return self.changes[i] if i < len(self.changes) else None

    def local_minute(self, t):
        """Wall-clock minute of the week at t (0 = Monday 00:00)."""
        dt = datetime.fromtimestamp(t, self.tz)
        return dt.weekday() * 1440 + dt.hour * 60 + dt.minute


_zones = {}


def zone(name):
    if name not in _zones:
        _zones[name] = Zone(name)
    return _zones[name]


def minutes(hhmm):
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


class User:
    def __init__(self, d, default_zone):
        self.email = d["email"]
        self.zone = zone(d["timezone"] or default_zone)
        self.has_hours = any(d["hours"].get(day) for day in DAYS)
        self.ooo = [tuple(p) for p in d["ooo"]]
        self.override = d.get("override")
        self.spec = d
        bits = bytearray(WEEK)
        for i, day in enumerate(DAYS):
            for r in d["hours"].get(day, []):
                s, e = (minutes(x) for x in r.split("-"))
                # hours-set(1): an end not after the start runs overnight.
                n = e - s if e > s else 1440 - s + e
                for k in range(n):
                    bits[(i * 1440 + s + k) % WEEK] = 1
        self.bits = bits
        self.constant = min(bits) == max(bits)
        # ahead[m]: minutes from m to the next minute of another value.
        self.ahead = [0] * WEEK
        if self.has_hours and not self.constant:
            nxt = None
            for k in range(2 * WEEK - 1, -1, -1):
                m = k % WEEK
                if k + 1 < 2 * WEEK and bits[(k + 1) % WEEK] != bits[m]:
                    nxt = k + 1
                if k < WEEK:
                    self.ahead[m] = nxt - k

    def sched(self, t):
        """(away, reason) by steps 3-4 at t."""
        for s, e in self.ooo:
            if s <= t < e:
                return 1, "out-of-office"
        if not self.has_hours:
            return 0, "no-hours"
        if self.bits[self.zone.local_minute(t)]:
            return 0, "working-hours"
        return 1, "off-hours"

    def next_event(self, x):
        ev = [b for p in self.ooo for b in p if b > x]
        if self.has_hours and not self.constant:
            c = self.zone.next_change(x)
            if c is not None:
                ev.append(c)
            off = self.zone.offset(x)
            local = x + off - MONDAY
            m = local // 60
            ev.append((m + self.ahead[m % WEEK]) * 60 + MONDAY - off)
        return min(ev) if ev else None

    def next_flip(self, t, away):
        x = t
        while True:
            x = self.next_event(x)
            if x is None:
                return None
            if self.sched(x)[0] != away:
                return x

    def status(self, t):
        """(status, reason, until) at t, until None when it never flips."""
        o = self.override
        if o is not None and (o["until"] is None or o["until"] > t):
            return o["status"], "manual", o["until"]
        away, reason = self.sched(t)
        return ("away" if away else "available"), reason, \
            self.next_flip(t, away)


# --- random stores -------------------------------------------------------

def transitions(years=(2026, 2027)):
    """(instant, zone name) of every offset change in those years."""
    out = []
    for name in ZONES:
        for c in zone(name).changes:
            if datetime.fromtimestamp(c, timezone.utc).year in years:
                out.append((c, name))
    return sorted(out)


def rand_clock(rng):
    """A wall-clock minute, often near the hours at which clocks change."""
    if rng.random() < 0.5:
        m = rng.randrange(60, 300)
    else:
        m = rng.randrange(0, 1440)
    if rng.random() < 0.6:
        m -= m % 15
    return m


def fmt_clock(m):
    return "%02d:%02d" % (m // 60, m % 60)


def rand_hours(rng):
    kind = rng.random()
    if kind < 0.10:
        return {}
    if kind < 0.15:
        return {d: ["00:00-24:00"] for d in DAYS}
    if kind < 0.18:
        # Every minute of the week as overnight ranges.
        s = fmt_clock(rand_clock(rng))
        return {d: ["%s-%s" % (s, s)] for d in DAYS}
    hours = {}
    for d in DAYS:
        if rng.random() < 0.4:
            continue
        rs = []
        for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
            s = rand_clock(rng)
            shape = rng.random()
            if shape < 0.15:
                e = 1440
            elif shape < 0.30:
                e = rng.randrange(0, s + 1)       # overnight (or 24 h)
            elif shape < 0.40 and rs:
                # Touching the previous range.
                prev = rs[-1]
                s = minutes(prev.split("-")[1]) % 1440
                e = min(1440, s + rng.randrange(15, 600))
            else:
                e = min(1440, s + rng.randrange(1, 720))
            end = "24:00" if e == 1440 else fmt_clock(e)
            if e == 1440 and rng.random() < 0.3:
                end = "00:00"
            rs.append("%s-%s" % (fmt_clock(s), end))
        hours[d] = rs
    return hours


def near(rng, trs):
    t, _ = rng.choice(trs)
    return t + rng.randrange(-4 * 86400, 4 * 86400)


def rand_ooo(rng, trs, lo, hi):
    out = []
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
        s = near(rng, trs) if rng.random() < 0.7 else rng.randrange(lo, hi)
        if rng.random() < 0.7:
            s -= s % 60
        e = s + rng.choice([60, 1800, 3600, 7200, 86400, 3 * 86400,
                            rng.randrange(60, 20 * 86400)])
        out.append([s, e])
        if rng.random() < 0.2:
            # An adjacent or overlapping one.
            s2 = e - rng.choice([0, 0, 3600])
            out.append([s2, s2 + rng.randrange(60, 5 * 86400)])
    return out


def fmt_instant(rng, t):
    """t in RFC 3339, in UTC or with some offset."""
    if rng.random() < 0.6:
        return rfc3339(t)
    off = rng.choice([-210, -300, 0, 60, 330, 765, 825, 630]) * 60
    return datetime.fromtimestamp(t, timezone(timedelta(seconds=off))) \
        .isoformat()


def user_yaml(rng, u):
    lines = ["email: %s" % u["email"]]
    if u["timezone"]:
        lines.append("timezone: %s" % u["timezone"])
    if u["hours"]:
        lines.append("working_hours:")
        for d in DAYS:
            if d in u["hours"]:
                lines.append("  %s: [%s]" % (d, ", ".join(
                    '"%s"' % r for r in u["hours"][d])))
    if u["ooo"]:
        lines.append("out_of_office:")
        for s, e in u["ooo"]:
            lines.append("  - start: %s" % fmt_instant(rng, s))
            lines.append("    end: %s" % fmt_instant(rng, e))
    o = u["override"]
    if o:
        lines.append("status_override:")
        lines.append("  status: %s" % o["status"])
        if o["until"] is not None:
            lines.append("  until: %s" % fmt_instant(rng, o["until"]))
    return "\n".join(lines) + "\n"


def pick_instants(rng, k, trs, users, lo, hi):
    out = []
    while len(out) < k:
        r = rng.random()
        t, name = rng.choice(trs)
        if r < 0.25:
            x = t + rng.randrange(-3 * 86400, 3 * 86400)
            x -= x % 60
        elif r < 0.40:
            x = t + rng.choice([-3600, -60, -1, 0, 1, 60, 1800, 2700, 3600])
        elif r < 0.70:
            # A wall-clock time in that zone on or near its change day,
            # either occurrence where it occurs twice.
            tz = zone(name).tz
            day = datetime.fromtimestamp(t, tz).date() + \
                timedelta(days=rng.choice([-1, 0, 0, 0, 1]))
            m = rand_clock(rng)
            dt = datetime(day.year, day.month, day.day, m // 60, m % 60,
                          tzinfo=tz, fold=rng.choice([0, 1]))
            x = int(dt.timestamp()) + rng.choice([0, 0, 0, -1])
        elif r < 0.80:
            ps = [b for u in users for p in u["ooo"] for b in p]
            x = rng.choice(ps) + rng.choice([0, -1]) if ps else t
        else:
            x = rng.randrange(lo, hi)
        if x not in out:
            out.append(x)
    return out


def gen(args):
    rng = random.Random(args.seed)
    trs = transitions()
    lo = parse_utc("2026-01-01T00:00:00Z")
    hi = parse_utc("2028-01-01T00:00:00Z")
    default_zone = rng.choice(ZONES)
    users = []
    for i in range(args.users):
        u = {
            "email": "u%04d@x.org" % i,
            "timezone": None if rng.random() < 0.1 else rng.choice(ZONES),
            "hours": rand_hours(rng),
            "ooo": rand_ooo(rng, trs, lo, hi),
            "override": None,
        }
        if rng.random() < 0.12:
            u["override"] = {
                "status": rng.choice(["away", "available"]),
                "until": near(rng, trs),
            }
            if args.no_until and rng.random() < 0.3:
                u["override"]["until"] = None
        users.append(u)
    udir = os.path.join(args.store, "users")
    os.makedirs(udir, exist_ok=True)
    for u in users:
        with open(os.path.join(udir, u["email"] + ".yaml"), "w") as f:
            f.write(user_yaml(rng, u))
    ini = os.path.join(args.store, "roster.ini")
    with open(ini, "w") as f:
        f.write("[store]\nversion = 1\ntimezone = %s\n" % default_zone)
    with open(args.model, "w") as f:
        json.dump({"default_zone": default_zone, "users": users}, f)
    for x in pick_instants(rng, args.instants, trs, users, lo, hi):
        print(rfc3339(x))


def check(args):
    with open(args.model) as f:
        m = json.load(f)
    users = {d["email"]: User(d, m["default_zone"]) for d in m["users"]}
    diffs, n, seen = [], 0, {}
    with open(args.results) as f:
        for line in f:
            cells = line.rstrip("\n").split("\t")
            at, email, got = cells[0], cells[1], cells[2:5]
            t = parse_utc(at)
            seen[at] = seen.get(at, 0) + 1
            u = users.get(email)
            if u is None:
                diffs.append("%s: unexpected user %s" % (at, email))
                continue
            st, reason, until = u.status(t)
            want = [st, reason, rfc3339(until) if until is not None else ""]
            n += 1
            if got != want:
                diffs.append("at %s %s: C says %s, model says %s\n    %s" % (
                    at, email, " ".join(got) or "-",
                    " ".join(want), json.dumps(u.spec)))
    for at, k in seen.items():
        if k != len(users):
            diffs.append("at %s: %d rows for %d users" % (at, k, len(users)))
    if not seen:
        diffs.append("no results")
    for d in diffs[:args.show]:
        print(d)
    if diffs:
        print("%d of %d rows differ" % (len(diffs), n))
        return 1
    print("%d rows agree" % n)
    return 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen")
    g.add_argument("--seed", type=int, required=True)
    g.add_argument("--users", type=int, required=True)
    g.add_argument("--instants", type=int, required=True)
    g.add_argument("--store", required=True)
    g.add_argument("--model", required=True)
    g.add_argument("--no-until", action="store_true",
                   help="also write overrides without an until")
    c = sub.add_parser("check")
    c.add_argument("--model", required=True)
    c.add_argument("--results", required=True)
    c.add_argument("--show", type=int, default=5)
    a = p.parse_args()
    if a.cmd == "gen":
        gen(a)
        return 0
    return check(a)


if __name__ == "__main__":
    sys.exit(main())
