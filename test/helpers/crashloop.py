#!/usr/bin/env python3
"""crashloop.py -- run the store writers and kill -9 them at random points.

usage: crashloop.py BIN STORE ITERATIONS MINKILLS [SEED]
       crashloop.py --writers KILL|INT BIN STORE ITERATIONS [SEED]

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
  - a temporary left by a killed writer is a ".NAME.txn" (or a cache's
    ".NAME.tmp") file, which no reader takes for data: status
    lists exactly the users/*.yaml files.

With CRASH_SIGNAL=INT (or TERM, HUP) in the environment the writers are
sent that signal instead of SIGKILL: each must end with 0 or 128+signal
and, when it says "nothing was changed" (or the signal came before it
could catch it), leave every file of the store as it was.

Runs until ITERATIONS and at least MINKILLS kills that hit a running
process.  Prints the counts; exits 1 with the reason on the first failed
check.  The environment (ROSTER_NOW, TZ...) is the caller's.

With --writers, each iteration takes one multi-file writer (WRITERS below:
user-add --csv of 100, user-add of several addresses, user-mod of several
users, user-rm --reassign-to with 1,000 records, assign-next --backlog,
hours-set --team, ooo-rm --past, status --set of several users, ooo-add
--ics), runs it on a fresh copy of a store seeded for it, and sends it
SIGKILL (KILL) or SIGINT (INT) after a random delay from 0 to a little more
than its usual run time.  The state before and the state after a run
without a signal are known (the store's files but .lock, .cache/ and
the temporaries ".NAME.tmp", ".NAME.txn"; audit.csv included, and whether
.lock holds a committed change not yet applied).  After each run:

  - the next command (status --check) exits 0 and prints nothing;
  - the store is exactly the state before or exactly the state after:
    the change is wholly there or wholly absent, and audit.csv holds its
    rows once if it landed, none if not;
  - exit 0 means the change is there;
  - SIGINT: the writer must catch it once it has begun its change: exit
    130 with one line on stderr and no temporary left, or exit 0 when it
    had passed the commit point and finished.  With exit 130 the change
    may be there only if the writer was past its commit point, which this
    loop cannot see: either state is accepted.  Dying of the signal (the
    default action, before the writer set its handler) is accepted only
    when the change is absent and no temporary is left.
  - SIGKILL: either state.

Every writer gets ITERATIONS runs.  Prints the counts per writer; exits 1
with every failure (up to 20) otherwise.
"""
import csv
import io
import os
import random
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lockrec  # noqa: E402

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
        """Every file of the store but the lock, the cache and .generation
        (a random token per change for the cache, see roster(5))."""
        files = {}
        for top, dirs, names in os.walk(self.store):
            dirs[:] = [d for d in dirs if d != ".cache"]
            for n in names:
                p = os.path.join(top, n)
                if p not in (self.path(".lock"), self.path(".generation")):
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
        pending = lockrec.state(self.store) == "commit"
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
        out = problems(self.run(["status", "--check"]))
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


def problems(report):
    """status --check's report without its warnings: a warning (a store
    with no super admin, say) is no breach."""
    return "".join(l for l in report.splitlines(True)
                   if not l.startswith("warning: "))


def csv_file(path, n):
    with open(path, "w") as f:
        f.write("Email,First name\n")
        for i in range(1, n + 1):
            f.write("n%d@x.org,N%d\n" % (i, i))
    return path


def records_file(path, rows):
    with open(path, "w") as f:
        f.write("type,id,owner,state\n")
        for r in rows:
            f.write(",".join(r) + "\n")


SEVERAL = ["p%d@x.org" % i for i in range(1, 9)]


def seed_team(w):
    w.seed(["user-add", "--no-welcome", "--team", TEAM, "ann@x.org",
            "bob@x.org"] + SEVERAL)


def seed_rm(w):
    seed_team(w)
    records_file(w.path("records.csv"),
                 [("ticket", str(i), "bob@x.org", "open")
                  for i in range(1, 1001)])


def seed_backlog(w):
    seed_team(w)
    records_file(w.path("records.csv"),
                 [("ticket", str(i), "", "open") for i in range(1, 41)])


def seed_past(w):
    seed_team(w)
    for i, u in enumerate(SEVERAL):
        for m in (8, 9, 10):
            w.seed(["ooo-add", u, "--from", "2026-%02d-%02d" % (m, i + 1),
                    "--to", "2026-%02d-%02d" % (m, i + 3)],
                   now="2026-07-01T00:00:00Z")


# name: (seed, command); "@DATA/" and "@TMP/" in the command are replaced.
WRITERS = {
    "user-add --csv 100": (seed_team, ["user-add", "--team", TEAM, "--csv",
                                       "@TMP/hundred.csv"]),
    "user-add several": (seed_team, ["user-add", "--team", TEAM] +
                         ["a%d@x.org" % i for i in range(1, 9)]),
    "user-mod several": (seed_team, ["user-mod", "--first-name", "Zed",
                                     "--team", "Ops"] + SEVERAL),
    "user-rm --reassign-to 1000": (seed_rm, ["user-rm", "--reassign-to",
                                             "ann@x.org", "bob@x.org"]),
    "assign-next --backlog": (seed_backlog, ["assign-next", "--backlog"]),
    "hours-set --team": (seed_team, ["hours-set", "--team", TEAM,
                                     "mon-fri=08:00-18:00"]),
    "ooo-rm --past": (seed_past, ["ooo-rm", "--past"]),
    "status --set several": (seed_team, ["status", "--set", "away"] +
                             SEVERAL),
    "ooo-add --ics": (seed_team, ["ooo-add", "ann@x.org", "--ics",
                                  "@DATA/outlook.ics", "--calendar",
                                  "outlook"]),
}


def dump(store):
    """The store's content: every file but .lock, .cache/, .generation
    (random tokens per change that only the cache reads) and temporaries
    (".NAME.tmp", ".NAME.txn": no reader takes a dot name for data), and
    whether .lock holds a committed change: one left behind is a change
    not finished."""
    out = []
    for top, dirs, files in os.walk(store):
        rel = os.path.relpath(top, store)
        if rel == ".cache":
            dirs[:] = []
            continue
        dirs.sort()
        for n in sorted(files):
            if rel == "." and n in (".lock", ".generation"):
                continue
            if n.startswith(".") and n.endswith((".tmp", ".txn")):
                continue
            with open(os.path.join(top, n), "rb") as f:
                out.append((os.path.normpath(os.path.join(rel, n)),
                            f.read()))
    if lockrec.state(store) == "commit":
        out.append((".lock", b"a committed change not applied"))
    return out


def temporaries(store):
    found = []
    for top, dirs, files in os.walk(store):
        if os.path.basename(top) == ".cache":
            dirs[:] = []
            continue
        found += [os.path.join(top, n) for n in files
                  if n.endswith((".tmp", ".txn"))]
    return found


class Writers:
    """One multi-file writer after another, each signalled at random."""

    def __init__(self, bindir, store, sig, seed):
        self.bin = bindir
        self.store = store
        self.work = store.rstrip("/") + ".writers"
        self.sig = sig
        self.rng = random.Random(seed)
        self.data = os.path.join(os.path.dirname(os.path.abspath(
            __file__)), "..", "data")
        self.target = None
        self.failures = []

    def path(self, *parts):
        return os.path.join(self.target, *parts)

    def env(self, store, now=None):
        e = dict(os.environ, ROSTER_DIR=store)
        # The states before and after are compared byte for byte: the
        # audit rows need a fixed clock.
        e.setdefault("ROSTER_NOW", "2026-11-23T10:00:00Z")
        if now:
            e["ROSTER_NOW"] = now
        return e

    def seed(self, args, now=None):
        p = subprocess.run([os.path.join(self.bin, args[0])] + args[1:],
                           env=self.env(self.target, now),
                           capture_output=True, text=True)
        if p.returncode != 0:
            raise Failed("seed %s: exit %d: %s" % (" ".join(args),
                         p.returncode, p.stderr))

    def argv(self, args):
        tmp = self.work
        return [os.path.join(self.bin, args[0])] + [
            a.replace("@DATA/", self.data + "/").replace("@TMP/", tmp + "/")
            for a in args[1:]]

    def fresh(self, name):
        shutil.rmtree(self.store, ignore_errors=True)
        shutil.copytree(self.base[name], self.store, symlinks=True)

    def prepare(self):
        """Seed a base store per writer; run each once to its end."""
        shutil.rmtree(self.work, ignore_errors=True)
        os.makedirs(self.work)
        csv_file(os.path.join(self.work, "hundred.csv"), 100)
        self.base, self.before, self.after, self.est = {}, {}, {}, {}
        for i, (name, (seedf, args)) in enumerate(WRITERS.items()):
            self.target = os.path.join(self.work, "base%d" % i)
            os.makedirs(self.target)
            seedf(self)
            self.base[name] = self.target
            self.before[name] = dump(self.target)
            times = []
            for _ in range(3):
                self.fresh(name)
                t0 = time.monotonic()
                p = subprocess.run(self.argv(args), env=self.env(self.store),
                                   capture_output=True, text=True)
                times.append(time.monotonic() - t0)
                if p.returncode != 0:
                    raise Failed("%s: exit %d without a signal: %s" %
                                 (name, p.returncode, p.stderr))
                after = dump(self.store)
                if name in self.after and after != self.after[name]:
                    a, b = dict(after), dict(self.after[name])
                    diff = sorted(k for k in set(a) | set(b)
                                  if a.get(k) != b.get(k))
                    raise Failed("%s: two runs without a signal leave two "
                                 "different stores: %s: %r / %r" % (
                                     name, diff[0], a.get(diff[0])[:160],
                                     b.get(diff[0])[:160]))
                self.after[name] = after
            if self.after[name] == self.before[name]:
                raise Failed("%s: changes nothing" % name)
            self.est[name] = sorted(times)[1]

    def one(self, name):
        """Run the writer, signal it, judge: None or the broken rule."""
        args = WRITERS[name][1]
        self.fresh(name)
        p = subprocess.Popen(self.argv(args), env=self.env(self.store),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(self.rng.uniform(0, self.est[name] * 1.2))
        running = p.poll() is None
        try:
            p.send_signal(self.sig)
        except ProcessLookupError:
            pass
        out, err = p.communicate()
        rc = p.returncode
        err = err.decode(errors="replace")
        left = temporaries(self.store)
        chk = subprocess.run(self.argv(["status", "--check"]),
                             env=self.env(self.store), capture_output=True,
                             text=True)
        if chk.returncode != 0 or problems(chk.stdout).strip():
            return running, None, "exit %d, then status --check: exit %d: " \
                "%s%s" % (rc, chk.returncode, chk.stdout, chk.stderr)
        now = dump(self.store)
        state = "there" if now == self.after[name] else \
            "absent" if now == self.before[name] else None
        if state is None:
            b = dict(self.before[name])
            a = dict(self.after[name])
            n = dict(now)
            diff = [k for k in set(a) | set(b) if a.get(k) != b.get(k)]
            landed = sum(n.get(k) == a.get(k) for k in diff)
            odd = sorted(k for k in set(a) | set(b) | set(n)
                         if n.get(k) not in (a.get(k), b.get(k)))
            return running, None, "exit %d: the store is neither before " \
                "nor after: %d of the %d files the change touches are " \
                "changed%s" % (rc, landed, len(diff),
                               "; unlike both: " + ", ".join(odd[:3])
                               if odd else "")
        if rc == 0:
            if state != "there":
                return running, state, "exit 0 but the change is absent"
            return running, state, None
        if self.sig == signal.SIGINT:
            if rc == -signal.SIGINT:
                # Before a writer begins its change it may die of the
                # signal (the shell reports 130 all the same): so long as
                # it left nothing, not even a temporary.
                if state != "absent" or left:
                    return running, state, "died of SIGINT (no handler) " \
                        "with the change %s%s" % (state, ", leaving %s" %
                                                  left[0] if left else "")
                return running, state, None
            if rc != 130:
                return running, state, "exit %d after SIGINT: %s" % (rc, err)
            # One line says what happened; user-add's note of the welcome
            # messages it queued (a change that was made) may precede it.
            lines = [ln for ln in err.splitlines()
                     if "queued in outbox/" not in ln]
            if len(lines) != 1:
                return running, state, "exit 130 with %d lines on stderr" \
                    % len(lines)
            if left:
                return running, state, "exit 130 left %s" % left[0]
            return running, state, None
        if rc != -signal.SIGKILL:
            return running, state, "exit %d: %s" % (rc, err)
        return running, state, None

    def loop(self, iterations):
        counts = {n: [0, 0, 0] for n in WRITERS}   # hits, there, absent
        for name in WRITERS:
            for _ in range(iterations):
                running, state, bad = self.one(name)
                c = counts[name]
                c[0] += running
                c[1] += state == "there"
                c[2] += state == "absent"
                if bad:
                    self.failures.append("%s: %s" % (name, bad))
        shutil.rmtree(self.work, ignore_errors=True)
        return counts


def writers_main(argv):
    if len(argv) not in (4, 5) or argv[0] not in ("KILL", "INT"):
        sys.exit(__doc__.split("\n\n")[1])
    sig = signal.SIGKILL if argv[0] == "KILL" else signal.SIGINT
    bindir, store, iterations = argv[1], argv[2], int(argv[3])
    seed = int(argv[4]) if len(argv) == 5 else int(time.time())
    w = Writers(bindir, store, sig, seed)
    try:
        w.prepare()
        counts = w.loop(iterations)
    except Failed as e:
        print("crashloop: seed %d: %s" % (seed, e))
        return 1
    for name, (hits, there, absent) in counts.items():
        print("%s: %d runs, %d signalled while running, %d landed, "
              "%d absent" % (name, iterations, hits, there, absent))
    if w.failures:
        print("crashloop: seed %d, SIG%s: %d of %d runs broke a rule:" %
              (seed, argv[0], len(w.failures), iterations * len(WRITERS)))
        for f in w.failures[:20]:
            print("  " + f)
        return 1
    print("seed %d, SIG%s: every run left the change whole or absent" %
          (seed, argv[0]))
    return 0


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--writers":
        return writers_main(sys.argv[2:])
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
