#!/usr/bin/python3
"""icalref.py — cross-check ooo-add --ics recurrence expansion with Python's
icalendar + dateutil (through recurring_ical_events).

icalref.py gen --seed N --count N --dir DIR
    writes DIR/caseN.ics (one random series each, with its overrides) and
    DIR/caseN.want: the periods the reference expects in the window, one
    "START END" per line in UTC, sorted.
icalref.py check --dir DIR
    compares DIR/caseN.want with DIR/caseN.got (ooo-add --dry-run output)
    and prints every case that differs; the last line counts the periods.

The series: DAILY, WEEKLY or MONTHLY rules with COUNT or UNTIL, BYDAY,
BYMONTHDAY and INTERVAL, EXDATEs, RDATEs and moved occurrences
(RECURRENCE-ID), timed in Europe/Amsterdam, America/New_York or UTC across
the DST changes of 2027, or all-day.  The user's zone is Europe/Amsterdam,
the clock 2026-11-23T10:00:00Z, the horizon 365 days, as in the test.
"""
import argparse
import datetime as dt
import glob
import os
import random
import sys

import icalendar  # noqa: F401  (recurring_ical_events needs it)
import recurring_ical_events
import pytz

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.timezone.utc)
HEND = NOW + dt.timedelta(days=365)
USER_TZ = pytz.timezone("Europe/Amsterdam")
ZONES = ["Europe/Amsterdam", "America/New_York", "UTC"]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def fmt_local(t):
    return t.strftime("%Y%m%dT%H%M%S")


def fmt_date(d):
    return d.strftime("%Y%m%d")


def rand_rule(r, allday, start, zone):
    """A rule that DTSTART is an occurrence of: RFC 5545 3.8.5.3 leaves
    the set of an unsynchronised DTSTART undefined (libical and dateutil
    do differ there)."""
    freq = r.choice(["DAILY", "WEEKLY", "WEEKLY", "MONTHLY"])
    parts = ["FREQ=" + freq]
    if r.random() < 0.4:
        parts.append("INTERVAL=%d" % r.randint(2, 3))
    wd = DAYS[start.weekday()]
    if freq == "WEEKLY" and r.random() < 0.6:
        days = set(r.sample(DAYS, r.randint(0, 2))) | {wd}
        parts.append("BYDAY=" + ",".join(sorted(days, key=DAYS.index)))
    if freq == "MONTHLY":
        if r.random() < 0.5:
            days = set(r.sample(range(1, 29), r.randint(0, 1))) | {start.day}
            parts.append("BYMONTHDAY=" + ",".join(
                str(x) for x in sorted(days)))
        elif start.day <= 28:
            parts.append("BYDAY=%d%s" % ((start.day - 1) // 7 + 1, wd))
    if r.random() < 0.5:
        parts.append("COUNT=%d" % r.randint(2, 25))
    else:
        # Six hours off the series' time of day: dateutil, with pytz,
        # compares UNTIL in the offset of DTSTART, an hour off across
        # a DST change; an UNTIL on an occurrence would tell them apart.
        until = start + dt.timedelta(days=r.randint(20, 300), hours=6)
        if allday:
            parts.append("UNTIL=" + fmt_date(until))
        elif zone == "floating":
            parts.append("UNTIL=" + fmt_local(until))
        else:
            u = pytz.timezone(zone).localize(until).astimezone(pytz.utc)
            parts.append("UNTIL=" + fmt_local(u) + "Z")
    return ";".join(parts)


def time_prop(name, t, allday, zone, extra=""):
    if allday:
        return "%s;VALUE=DATE%s:%s" % (name, extra, fmt_date(t))
    if zone == "UTC":
        return "%s%s:%sZ" % (name, extra, fmt_local(t))
    if zone == "floating":
        return "%s%s:%s" % (name, extra, fmt_local(t))
    return "%s;TZID=%s%s:%s" % (name, zone, extra, fmt_local(t))


def gen_case(r, uid):
    allday = r.random() < 0.25
    zone = "UTC" if allday else r.choice(ZONES + ["floating"])
    # Around now and the DST changes of March and October/November 2027.
    base = r.choice([dt.datetime(2026, 11, 20), dt.datetime(2027, 3, 1),
                     dt.datetime(2027, 10, 20), dt.datetime(2026, 9, 1)])
    start = base + dt.timedelta(days=r.randint(0, 30),
                                hours=0 if allday else r.randint(0, 23),
                                minutes=0 if allday else r.choice([0, 30]))
    if allday:
        length = dt.timedelta(days=r.randint(1, 3))
    else:
        length = dt.timedelta(minutes=r.choice([30, 60, 90, 240, 600]))
    rule = rand_rule(r, allday, start, zone)
    lines = ["BEGIN:VEVENT", "UID:" + uid, "SUMMARY:Out of office",
             "DTSTAMP:20261101T000000Z",
             time_prop("DTSTART", start, allday, zone),
             time_prop("DTEND", start + length, allday, zone),
             "RRULE:" + rule]
    # Occurrences of the rule (the reference's own expansion), to pick
    # EXDATEs and overrides from.
    probe = ["BEGIN:VCALENDAR", "VERSION:2.0"] + lines + [
        "END:VEVENT", "END:VCALENDAR"]
    cal = icalendar.Calendar.from_ical("\r\n".join(probe) + "\r\n")
    occ = [e["DTSTART"].dt for e in recurring_ical_events.of(cal).between(
        dt.datetime(2026, 1, 1), dt.datetime(2029, 1, 1))]
    occ = [o if allday else o.replace(tzinfo=None) for o in occ]
    extra = []
    if occ and r.random() < 0.5:
        for x in r.sample(occ, min(len(occ), r.randint(1, 2))):
            lines.append(time_prop("EXDATE", x, allday, zone))
            occ.remove(x)
    if r.random() < 0.4:
        x = start + dt.timedelta(days=r.randint(3, 200))
        if x not in occ:
            lines.append(time_prop("RDATE", x, allday, zone))
    if occ and r.random() < 0.4:
        x = r.choice(occ)
        moved = x + dt.timedelta(days=r.randint(0, 2),
                                 hours=0 if allday else r.randint(1, 5))
        extra = ["BEGIN:VEVENT", "UID:" + uid, "SUMMARY:Out of office",
                 "DTSTAMP:20261101T000000Z",
                 time_prop("RECURRENCE-ID", x, allday, zone),
                 time_prop("DTSTART", moved, allday, zone),
                 time_prop("DTEND", moved + length, allday, zone),
                 "END:VEVENT"]
    return lines + ["END:VEVENT"] + extra


def as_utc(t):
    if isinstance(t, dt.datetime):
        if t.tzinfo is None:
            t = USER_TZ.localize(t)
        return t.astimezone(dt.timezone.utc)
    return USER_TZ.localize(dt.datetime(t.year, t.month, t.day)).astimezone(
        dt.timezone.utc)


def expected(text):
    cal = icalendar.Calendar.from_ical(text)
    out = set()
    for e in recurring_ical_events.of(cal).between(
            dt.datetime(2026, 1, 1), dt.datetime(2029, 1, 1)):
        s = as_utc(e["DTSTART"].dt)
        end = as_utc(e["DTEND"].dt)
        if isinstance(e["DTSTART"].dt, dt.datetime):
            # DTEND - DTSTART is an exact duration (RFC 5545 3.8.5.3),
            # also for floating times across a DST change; the
            # reference adds it to the wall clock there.
            end = s + (e["DTEND"].dt - e["DTSTART"].dt)
        if end <= s or end <= NOW or s >= HEND:
            continue
        out.add((s, end))
    return sorted(out)


def stamp(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def gen(a):
    r = random.Random(a.seed)
    for i in range(a.count):
        lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//icalref//EN"]
        lines += gen_case(r, "case%d@icalref" % i)
        lines.append("END:VCALENDAR")
        text = "\r\n".join(lines) + "\r\n"
        with open(os.path.join(a.dir, "case%d.ics" % i), "w") as f:
            f.write(text)
        with open(os.path.join(a.dir, "case%d.want" % i), "w") as f:
            for s, e in expected(text):
                f.write("%s %s\n" % (stamp(s), stamp(e)))


def got_periods(path):
    out = []
    with open(path) as f:
        for line in f:
            w = line.split()
            if len(w) >= 4 and w[1] == "+":
                s = dt.datetime.fromisoformat(w[2]).astimezone(dt.timezone.utc)
                e = dt.datetime.fromisoformat(w[3]).astimezone(dt.timezone.utc)
                out.append("%s %s" % (stamp(s), stamp(e)))
    return sorted(out)


def check(a):
    bad = total = 0
    for want_path in sorted(glob.glob(os.path.join(a.dir, "case*.want"))):
        base = want_path[:-5]
        with open(want_path) as f:
            want = sorted(x.strip() for x in f if x.strip())
        got = got_periods(base + ".got")
        total += len(want)
        if want != got:
            bad += 1
            print("%s.ics differs:" % os.path.basename(base))
            for x in sorted(set(want) - set(got)):
                print("  missing  %s" % x)
            for x in sorted(set(got) - set(want)):
                print("  extra    %s" % x)
            if len(got) != len(set(got)):
                print("  duplicates in roster's output")
    print("%d periods expected, %d cases differ" % (total, bad))
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen")
    g.add_argument("--seed", type=int, required=True)
    g.add_argument("--count", type=int, default=60)
    g.add_argument("--dir", required=True)
    c = sub.add_parser("check")
    c.add_argument("--dir", required=True)
    a = ap.parse_args()
    return gen(a) if a.cmd == "gen" else check(a)


if __name__ == "__main__":
    sys.exit(main() or 0)
