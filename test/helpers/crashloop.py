#!/usr/bin/env python3
"""crashloop.py -- run the store writers and kill -9 them at random points.

usage: crashloop.py BIN STORE ITERATIONS MINKILLS [SEED]

Runs a random writer (user-add, user-mod, hours-set, ooo-add, status --set,
assign-next --record, user-rm --reassign-to, portal-config) against STORE,
one at a time, and kills most of them with SIGKILL after a random delay
drawn from 0 to a little more than that command's usual run time, so that
kills land before, inside and after the writes.  Every 25 iterations and at
the end it checks the store:

  - status --check finds nothing and exits 0; status, records,
    portal-config and assign-next --dry-run read every file;
  - records.csv holds every record whose assign-next --record finished,
    each id once, each owned by an active user (users/EMAIL.yaml);
  - audit.csv rows have their six fields;
  - a temporary left by a killed writer is a ".NAME.txn" (or ".journal.tmp",
    or a cache's ".NAME.tmp") file, which no reader takes for data: status
    lists exactly the users/*.yaml files.

With CRASH_SIGNAL=INT (or TERM, HUP) in the environment the writers are
sent that signal instead of SIGKILL: each must end with 0 or 128+signal
and, when it says "nothing was changed" (or the signal came before it
could catch it), leave every file of the store as it was.

Runs until ITERATIONS and at least MINKILLS kills that hit a running
process.  Prints the counts; exits 1 with the reason on the first failed
check.  The environment (ROSTER_NOW, TZ...) is the caller's.
"""
import csv
import io
import os
import random
import signal
import subprocess
import sys
import time

TEAM = "Support"
POOL = ["p%d@x.org" % i for i in range(1, 7)]


class Failed(Exception):
    pass


SIG = getattr(signal, "SIG" + os.environ.get("CRASH_SIGNAL", "KILL"))


class Loop:
    def __init__(self, bindir, store, seed):
        self.bin = bindir
        self.store = store
        self.rng = random.Random(seed)
        self.env = dict(os.environ, ROSTER_DIR=store)
        self.est = {}           # usual run time per command, seconds
        self.done = set()       # record ids whose assign-next finished
        self.issued = set()     # every record id ever asked for
        self.next_id = 1
        self.runs = self.kills = self.hits = self.tmphits = 0

    def path(self, *parts):
        return os.path.join(self.store, *parts)

    def run(self, args, ok=(0,)):
        """Run a command to its end; return its stdout."""
        p = subprocess.run([os.path.join(self.bin, args[0])] + args[1:],
                           env=self.env, capture_output=True, text=True)
        if p.returncode not in ok:
            raise Failed("%s: exit %d: %s%s" % (" ".join(args),
                         p.returncode, p.stdout, p.stderr))
        return p.stdout

    def active(self):
        d = self.path("users")
        return sorted(n[:-5] for n in os.listdir(d)
                      if n.endswith(".yaml") and not n.startswith("."))

    def temporaries(self):
        found = set()
        for top, dirs, files in os.walk(self.store):
            if os.path.basename(top) == ".cache":
                dirs[:] = []
                continue
            for n in files:
                if n.endswith(".tmp") or n.endswith(".txn"):
                    found.add(os.path.join(top, n))
        return found

    def snapshot(self):
        """Every file of the store but the lock and the cache."""
        files = {}
        for top, dirs, names in os.walk(self.store):
            dirs[:] = [d for d in dirs if d != ".cache"]
            for n in names:
                p = os.path.join(top, n)
                if p != self.path(".lock"):
                    with open(p, "rb") as f:
                        files[p] = f.read()
        return files

    @staticmethod
    def changed(a, b):
        return sorted(set(a) ^ set(b) |
                      {p for p in a if p in b and a[p] != b[p]})

    def pick_command(self):
        r = self.rng
        users = self.active()
        u = r.choice(users)
        kind = r.choice(["user-add", "user-mod", "hours-set", "ooo-add",
                         "status", "assign-next", "assign-next",
                         "user-rm", "portal-config"])
        if kind == "user-add":
            gone = [p for p in POOL if p not in users]
            who = r.choice(gone) if gone else "t%d@x.org" % r.randrange(40)
            args = ["user-add", "--team", TEAM, who]
            if r.random() < 0.5:
                args.insert(1, "--no-welcome")
            return args, None
        if kind == "user-mod":
            return ["user-mod", "--first-name", "N%d" % r.randrange(1000),
                    "--team", TEAM, u], None
        if kind == "hours-set":
            spec = r.choice(["mon-fri=08:00-18:00",
                             "mon,wed=09:00-12:00,13:00-17:00",
                             "sun-mon=22:00-12:00"])
            if r.random() < 0.3:
                return ["hours-set", "--timezone", "Europe/Amsterdam", u,
                        spec], None
            return ["hours-set", u, spec], None
        if kind == "ooo-add":
            d = r.randrange(1, 20)
            return ["ooo-add", u, "--from", "2027-01-%02d" % d,
                    "--to", "2027-01-%02d" % (d + 3)], None
        if kind == "status":
            return ["status", "--set", r.choice(["away", "available"]),
                    u], None
        if kind == "assign-next":
            rid = self.next_id
            self.next_id += 1
            self.issued.add(rid)
            return ["assign-next", "--team", TEAM, "--record",
                    "ticket:%d" % rid], rid
        if kind == "user-rm" and len(users) > 2:
            victim, to = r.sample(users, 2)
            return ["user-rm", "--reassign-to", to, victim], None
        return ["portal-config", "portal.slug",
                "help%d" % r.randrange(100)], None

    def one(self):
        args, rid = self.pick_command()
        name = args[0]
        est = self.est.get(name, 0.004)
        kill = self.rng.random() < 0.85
        before = self.temporaries() if kill else set()
        snap = self.snapshot() if kill and SIG != signal.SIGKILL else None
        # A change a kill interrupted after its commit point is finished
        # by this command first, so the command was picked from the state
        # before it and may find its user gone (4) or already there (3).
        pending = os.path.exists(self.path(".journal"))
        t0 = time.monotonic()
        p = subprocess.Popen([os.path.join(self.bin, name)] + args[1:],
                             env=self.env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        self.runs += 1
        if kill:
            time.sleep(self.rng.uniform(0, est * 1.3))
            if p.poll() is None:
                self.hits += 1
            try:
                p.send_signal(SIG)
                self.kills += 1
            except ProcessLookupError:
                pass
        out, err = p.communicate()
        rc = p.returncode
        if rc >= 0 and not kill:
            # Keep an estimate of the usual run time (the kill window).
            dt = time.monotonic() - t0
            self.est[name] = 0.7 * est + 0.3 * dt if name in self.est else dt
        if rc == -signal.SIGKILL:
            if self.temporaries() - before:
                self.tmphits += 1
            return
        if snap is not None and rc == -SIG:
            # Before the command caught the signal: it had not started.
            now = self.snapshot()
            if now != snap:
                raise Failed("%s: killed by signal %d before it caught it, "
                             "but %s changed" % (" ".join(args), SIG,
                                                 self.changed(snap, now)))
            return
        if snap is not None and rc == 128 + SIG:
            self.interrupted(args, err.decode(errors="replace"), snap)
            if rid is not None and b"the change was made" in err:
                self.done.add(rid)
            return
        if rc not in (0, 1, 3) and not (pending and rc == 4):
            raise Failed("%s: exit %d: %s" % (" ".join(args), rc,
                         err.decode(errors="replace")))
        if rid is not None and rc == 0:
            self.done.add(rid)

    def interrupted(self, args, err, snap):
        """A writer ended by SIG: one line, and nothing changed if it
        says so."""
        last = err.splitlines()[-1] if err else ""
        if not last.startswith(args[0] + ": ") or \
                not (last.endswith("nothing was changed") or
                     last.endswith("the change was made")):
            raise Failed("%s: ended by signal %d with %r" %
                         (" ".join(args), SIG, err))
        if last.endswith("nothing was changed"):
            now = self.snapshot()
            if now != snap:
                raise Failed("%s: said nothing was changed, but %s changed" %
                             (" ".join(args), self.changed(snap, now)))

    def check(self):
        out = self.run(["status", "--check"])
        if out.strip():
            raise Failed("status --check: %s" % out)
        users = self.active()
        listed = self.run(["status", "--format", "tsv", "--no-header"])
        emails = sorted(line.split("\t")[0] for line in listed.splitlines())
        if emails != users:
            raise Failed("status lists %s, users/ holds %s" % (emails, users))
        self.run(["records"])
        self.run(["portal-config"])
        self.run(["assign-next", "--dry-run", "--team", TEAM], ok=(0, 1))
        for t in self.temporaries():
            if not os.path.basename(t).startswith("."):
                raise Failed("a temporary without a leading dot: %s" % t)
        self.check_records(set(users))
        self.check_audit()

    def check_records(self, users):
        try:
            with open(self.path("records.csv"), newline="") as f:
                rows = list(csv.reader(f))
        except FileNotFoundError:
            rows = [["type", "id", "owner", "state"]]
        if not rows or rows[0] != ["type", "id", "owner", "state"]:
            raise Failed("records.csv: header %r" % (rows[:1],))
        seen = set()
        for row in rows[1:]:
            if len(row) != 4 or row[0] != "ticket":
                raise Failed("records.csv: row %r" % (row,))
            rid = int(row[1])
            if rid in seen or rid not in self.issued:
                raise Failed("records.csv: id %d twice or never asked" % rid)
            seen.add(rid)
            if row[2] not in users:
                raise Failed("records.csv: ticket %d owned by %r, not an "
                             "active user" % (rid, row[2]))
        lost = self.done - seen
        if lost:
            raise Failed("records.csv: lost %s" % sorted(lost))

    def check_audit(self):
        try:
            with open(self.path("audit.csv"), newline="") as f:
                text = f.read()
        except FileNotFoundError:
            return
        for row in csv.reader(io.StringIO(text)):
            if len(row) != 6:
                raise Failed("audit.csv: row %r" % (row,))


def main():
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__.split("\n\n")[1])
    bindir, store = sys.argv[1], sys.argv[2]
    iterations, minkills = int(sys.argv[3]), int(sys.argv[4])
    seed = int(sys.argv[5]) if len(sys.argv) == 6 else int(time.time())
    lp = Loop(bindir, store, seed)
    try:
        lp.run(["user-add", "--no-welcome", "--team", TEAM] + POOL)
        lp.run(["portal-config", "portal.slug", "help"])
        i = 0
        while i < iterations or lp.hits < minkills:
            lp.one()
            i += 1
            if i % 25 == 0:
                lp.check()
            if i > 20 * iterations:
                raise Failed("only %d kills hit a running process in %d "
                             "runs" % (lp.hits, i))
        lp.check()
    except Failed as e:
        print("crashloop: seed %d: %s" % (seed, e))
        return 1
    print("seed %d: %d runs, %d killed, %d while running, %d left a "
          "temporary; %d records assigned, %d stale temporaries" %
          (seed, lp.runs, lp.kills, lp.hits, lp.tmphits, len(lp.done),
           len(lp.temporaries())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
