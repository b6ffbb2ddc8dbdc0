#!/usr/bin/env python3
"""gen.py -- build a roster store for the benchmarks of README.md, Performance (stdlib only).

    python3 gen.py DIR --users N [--records M] [--seed S] [--csv FILE --csv-users K]

Every user is generated from its own RNG seeded by (seed, index), so the
first 100 users of a 10,000-user store are byte-identical to a 100-user store
of the same seed: single-user commands can be compared across store sizes on
the same user.  Users are spread over a dozen IANA zones, carry working hours
(split days, overnight shifts, or none), out-of-office periods (past, current,
future), an occasional manual override, and `capacity` on about a third of
them.  Teams hold 50 users each: Team001, Team002, ...  Team001 has no
capacities (the concurrency figure checks fair counts there).  The clock the
data is built around is NOW (see run.sh: ROSTER_NOW).
"""
import argparse
import datetime as dt
import os
import random
import shutil

NOW = dt.datetime(2026, 11, 24, 14, 0, 0, tzinfo=dt.timezone.utc)  # a Tuesday

ZONES = [
    "Europe/Amsterdam", "Europe/London", "Europe/Berlin", "America/New_York",
    "America/Chicago", "America/Los_Angeles", "America/Sao_Paulo",
    "Asia/Kolkata", "Asia/Kathmandu", "Asia/Tokyo", "Australia/Sydney",
    "Africa/Johannesburg",
]
FIRST = ["ada", "bob", "chloe", "dirk", "eva", "femke", "gert", "hana",
         "ivan", "joke", "kees", "lena", "mo", "noor", "otto", "pia"]
LAST = ["jansen", "peeters", "dubois", "devries", "smit", "bakker", "meyer",
        "tanaka", "sharma", "silva", "nguyen", "okafor"]
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
PERMS = ["tickets", "conversations", "contacts", "companies", "deals",
         "reports"]
SEATS = ["none", "none", "sales-starter", "service-professional"]

TEAM_SIZE = 50


def email(i):
    return "%s.%s%05d@example.org" % (FIRST[i % len(FIRST)],
                                      LAST[(i // 7) % len(LAST)], i)


def team(i):
    return "Team%03d" % (i // TEAM_SIZE + 1)


def z(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def hours(r):
    kind = r.random()
    if kind < 0.10:
        return None                      # absent: always within hours
    if kind < 0.55:
        return {d: ["09:00-12:00", "13:00-17:30"] for d in DAYS[:5]}
    if kind < 0.80:
        h = {d: ["08:00-16:00"] for d in DAYS[:5]}
        h["sat"] = ["10:00-14:00"]
        return h
    if kind < 0.90:                      # overnight shift
        return {d: ["22:00-06:00"] for d in DAYS[:5]}
    return {d: ["07:00-19:00"] for d in DAYS}


def ooo(r):
    out = []
    for _ in range(r.choice([0, 0, 1, 1, 2, 3])):
        w = r.random()
        if w < 0.15:                     # covering NOW
            s = NOW - dt.timedelta(days=r.randint(0, 5), hours=r.randint(1, 20))
        elif w < 0.35:                   # past
            s = NOW - dt.timedelta(days=r.randint(10, 200))
        else:                            # future
            s = NOW + dt.timedelta(days=r.randint(2, 300))
        s = s.replace(minute=0, second=0)
        e = s + dt.timedelta(days=r.randint(1, 14))
        per = {"start": z(s), "end": z(e)}
        if r.random() < 0.3:
            per["source"] = "outlook"
            per["uid"] = "%08x@example.org/%s" % (r.getrandbits(32), z(s))
        out.append(per)
    return out


def user_yaml(seed, i):
    r = random.Random("%s-%d" % (seed, i))
    addr = email(i)
    first, last = addr.split("@")[0].split(".")
    lines = [
        "email: %s" % addr,
        "first_name: %s" % first.capitalize(),
        "last_name: %s" % last.rstrip("0123456789").capitalize(),
        "role: Support Agent",
        "permissions: [%s]" % ", ".join(r.sample(PERMS, r.randint(1, 3))),
        "super_admin: %s" % ("true" if i == 0 else "false"),
    ]
    teams = [team(i)]
    if r.random() < 0.2:
        teams.append("Escalation")
    lines.append("teams: [%s]" % ", ".join(teams))
    lines.append("seat: %s" % r.choice(SEATS))
    if team(i) != "Team001" and r.random() < 0.35:
        lines.append("capacity: %d" % r.randint(5, 25))
    lines.append("contact_roles: []")
    lines.append("timezone: %s" % r.choice(ZONES))
    h = hours(r)
    if h is not None:
        lines.append("working_hours:")
        for d, rs in h.items():
            lines.append("  %s: [%s]" % (d, ", ".join('"%s"' % x for x in rs)))
    periods = ooo(r)
    if periods:
        lines.append("out_of_office:")
        for p in periods:
            lines.append("  - start: %s" % p["start"])
            lines.append("    end: %s" % p["end"])
            if "source" in p:
                lines.append("    source: %s" % p["source"])
                lines.append('    uid: "%s"' % p["uid"])
    if r.random() < 0.05:
        lines.append("status_override:")
        lines.append("  status: %s" % r.choice(["away", "available"]))
        lines.append("  until: %s" % z(NOW + dt.timedelta(hours=r.randint(1, 8))))
    lines.append("welcome: %s" % r.choice(["queued", "skipped"]))
    created = NOW - dt.timedelta(days=r.randint(1, 900))
    lines.append("created: %s" % z(created.replace(microsecond=0)))
    return addr, "\n".join(lines) + "\n"


ROSTER_INI = """\
; generated by share/bench/gen.py
[store]
version = 1
timezone = Europe/Amsterdam

[role "Support Agent"]
permissions = tickets, conversations, contacts

[pipelines]
Support Pipeline = Closed
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("--users", type=int, required=True)
    ap.add_argument("--records", type=int, default=0)
    ap.add_argument("--seed", default="roster-bench")
    ap.add_argument("--csv", help="also write an import CSV here")
    ap.add_argument("--csv-users", type=int, default=100)
    a = ap.parse_args()

    if os.path.exists(a.dir):
        shutil.rmtree(a.dir)
    os.makedirs(os.path.join(a.dir, "users"))
    os.makedirs(os.path.join(a.dir, "removed"))
    with open(os.path.join(a.dir, "roster.ini"), "w") as f:
        f.write(ROSTER_INI)
    addrs = []
    for i in range(a.users):
        addr, text = user_yaml(a.seed, i)
        addrs.append(addr)
        with open(os.path.join(a.dir, "users", addr + ".yaml"), "w") as f:
            f.write(text)

    r = random.Random("%s-records" % a.seed)
    with open(os.path.join(a.dir, "records.csv"), "w") as f:
        f.write("type,id,owner,state\n")
        types = ["ticket", "ticket", "ticket", "conversation", "deal"]
        for n in range(a.records):
            owner = "" if r.random() < 0.02 else r.choice(addrs)
            state = "open" if r.random() < 0.3 else "closed"
            f.write("%s,%d,%s,%s\n" % (r.choice(types), n + 1, owner, state))
    with open(os.path.join(a.dir, "audit.csv"), "w") as f:
        f.write("time,actor,tool,action,subject,detail\n")
    open(os.path.join(a.dir, ".lock"), "w").close()

    if a.csv:
        with open(a.csv, "w") as f:
            f.write("Email,First Name,Last Name,Team\n")
            for k in range(a.csv_users):
                f.write("new.agent%03d@example.org,New,Agent %d,Team001\n"
                        % (k, k))


if __name__ == "__main__":
    main()
