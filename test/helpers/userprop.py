#!/usr/bin/env python3
"""userprop.py SEED COUNT -- the property test of editing user files in place.

Generates COUNT hand-written variants of users/p@x.org.yaml (comments
everywhere, a byte-order mark, CR LF, accented and CJK text, flow and block
style, every quoting style, anchors and aliases in unknown keys, unknown
keys before, between and after known ones, block scalars) and runs every
writer on each.  After each writer: the intended fields read back as
intended through the tools, and a diff of old and new text touches only the
lines of the keys that were meant to change.  Needs ROSTER_DIR (a store
holding p@x.org) and the tools on PATH.  Prints one line per failure and
exits 1 if there was any."""
import difflib
import os
import random
import re
import subprocess
import sys

EMAIL = 'p@x.org'
TEXTS = ['Zoë', '日本語', 'Ñandú', 'Ærø', 'Zoë 李', 'Ana-María', 'Ōsaka']


def quoted(rng, s):
    """s in one of YAML's scalar styles."""
    style = rng.randrange(3)
    if style == 0:
        return s
    if style == 1:
        return "'" + s.replace("'", "''") + "'"
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


def comment(rng):
    return '# ' + rng.choice(TEXTS) + ' note'


def pairs(rng):
    """The top-level pairs: (key, lines) with lines after 'key:'."""
    t = lambda: quoted(rng, rng.choice(TEXTS))
    out = [('email', [' ' + EMAIL])]
    if rng.random() < 0.7:
        out.append(('first_name', [' ' + t()]))
    if rng.random() < 0.5:
        out.append(('last_name', [' ' + t() + '  ' + comment(rng)]))
    if rng.random() < 0.5:
        out.append(('timezone', [rng.choice([' Europe/Paris', '',
                                             '   # none yet'])]))
    if rng.random() < 0.3:
        out.append(('out_of_office', [rng.choice([' []', '', ' ~'])]))
    elif rng.random() < 0.4:
        out.append(('out_of_office', [
            '', '  ' + comment(rng),
            '  - start: 2026-12-10T00:00:00+01:00',
            '    end: 2026-12-11T00:00:00+01:00  ' + comment(rng),
            '  ' + comment(rng),
            '  - {start: 2027-02-01T00:00:00Z, end: 2027-02-02T00:00:00Z}']))
    if rng.random() < 0.5:
        if rng.random() < 0.5:
            out.append(('teams', [' [Desk, Équipe]']))
        else:
            out.append(('teams', ['', '  - Desk', '  ' + comment(rng),
                                  '  - Équipe']))
    if rng.random() < 0.5:
        if rng.random() < 0.5:
            out.append(('working_hours', ['', '  mon: ["09:00-17:00"]',
                                          '  fri: ["09:00-13:00"]  # half day']))
        else:
            out.append(('working_hours', [' {mon: ["09:00-17:00"]}']))
    if rng.random() < 0.3:
        out.append(('capacity', [' 4']))
    out.append(('pager', [' ' + quoted(rng, '+33 6 12 34 56 78')]))
    out.append(('note', [' |', '  ' + rng.choice(TEXTS), '  line two: ok']))
    out.append(('boss', [' &m ana@x.org']))
    out.append(('escalation', [' *m']))
    out.append(('tags', [' {a: 1, b: [' + rng.choice(TEXTS) + ', y]}']))
    rng.shuffle(out)
    keys = [k for k, _ in out]
    a, b = keys.index('boss'), keys.index('escalation')
    if a > b:    # an anchor comes before its alias
        out[a], out[b] = out[b], out[a]
    return out


def variant(rng):
    nl = rng.choice(['\n', '\r\n'])
    lines = []
    if rng.random() < 0.5:
        lines.append(comment(rng))
    for key, rest in pairs(rng):
        if rng.random() < 0.3:
            lines.append(comment(rng))
        if rng.random() < 0.2:
            lines.append('')
        lines.append(key + ':' + rest[0])
        lines.extend(rest[1:])
    if rng.random() < 0.3:
        lines.append(comment(rng))
    text = nl.join(lines) + nl
    if rng.random() < 0.3:
        text = '\ufeff' + text
    return text


KEY = re.compile(r'^(?:\ufeff)?([A-Za-z_]+):')


def regions(lines):
    """The top-level key that each line belongs to (None for the lines
    before the first key); comments at column 0 go with the next key."""
    owner = [None] * len(lines)
    cur = None
    pending = []
    for i, line in enumerate(lines):
        m = KEY.match(line)
        if m:
            cur = m.group(1)
            for j in pending:
                owner[j] = cur
            pending = []
        elif line.lstrip('\ufeff').startswith('#') or not line.strip():
            pending.append(i)
            continue
        owner[i] = cur
    for j in pending:
        owner[j] = cur
    return owner


def touched_only(old, new, keys):
    """None if every changed line belongs to one of keys, else a reason."""
    a = old.splitlines(True)
    b = new.splitlines(True)
    oa, ob = regions(a), regions(b)
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == 'equal':
            continue
        for i in range(i1, i2):
            if oa[i] not in keys:
                return 'changed old line %d %r' % (i + 1, a[i])
        for j in range(j1, j2):
            if ob[j] not in keys:
                return 'changed new line %d %r' % (j + 1, b[j])
    return None


def run(*argv):
    p = subprocess.run(argv, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def dry_same(*opts):
    """user-mod --dry-run prints nothing when the record already says so."""
    rc, out, err = run('user-mod', '--dry-run', *opts, EMAIL)
    return rc == 0 and out == ''


def status_json():
    rc, out, _ = run('status', '--format', 'json', EMAIL)
    return out if rc == 0 else ''


def writers(rng, data):
    name = rng.choice(TEXTS)
    cap = str(rng.randrange(1, 50))
    return [
        (['user-mod', '--first-name', name, EMAIL], {'first_name'},
         lambda: dry_same('--first-name', name)),
        (['user-mod', '--last-name', name, EMAIL], {'last_name'},
         lambda: dry_same('--last-name', name)),
        (['user-mod', '--team', 'Nuevo', EMAIL], {'teams'},
         lambda: 'Nuevo' in status_json()),
        (['user-mod', '--no-team', 'Desk', EMAIL], {'teams'},
         lambda: dry_same('--no-team', 'Desk')),
        (['user-mod', '--capacity', cap, EMAIL], {'capacity'},
         lambda: dry_same('--capacity', cap)),
        (['user-mod', '--super-admin', EMAIL], {'super_admin'},
         lambda: dry_same('--super-admin')),
        (['user-mod', '--contact', 'billing', EMAIL], {'contact_roles'},
         lambda: dry_same('--contact', 'billing')),
        (['hours-set', '--timezone', 'Asia/Tokyo', EMAIL, 'mon=08:00-12:00'],
         {'timezone', 'working_hours'},
         lambda: run('hours-set', EMAIL)[1] ==
         'Asia/Tokyo mon=08:00-12:00\n'),
        (['ooo-add', EMAIL, '--from', '2026-12-01', '--to', '2026-12-03'],
         {'out_of_office'},
         lambda: '2026-12-01' in run('ooo-add', EMAIL)[1]),
        (['ooo-rm', EMAIL, '--all'], {'out_of_office'},
         lambda: run('ooo-add', '--no-header', EMAIL)[1] == ''),
        (['status', '--set', 'away', EMAIL], {'status_override'},
         lambda: '"away"' in status_json()),
        (['ooo-add', EMAIL, '--ics', os.path.join(data, 'google.ics')],
         {'out_of_office'},
         lambda: '2027-01-04' in run('ooo-add', EMAIL)[1]),
    ]


def main():
    seed, count = int(sys.argv[1]), int(sys.argv[2])
    data = sys.argv[3]
    path = os.path.join(os.environ['ROSTER_DIR'], 'users', EMAIL + '.yaml')
    rng = random.Random(seed)
    bad = 0
    for n in range(count):
        text = variant(rng)
        for argv, keys, check in writers(rng, data):
            with open(path, 'w', encoding='utf-8', newline='') as f:
                f.write(text)
            rc, out, err = run(*argv)
            with open(path, encoding='utf-8', newline='') as f:
                new = f.read()
            why = None
            if rc != 0:
                why = 'exit %d: %s' % (rc, err.strip())
            elif not check():
                why = 'does not read back as intended'
            else:
                why = touched_only(text, new, keys)
            if why:
                bad += 1
                print('variant %d: %s: %s\n--- before\n%s--- after\n%s' %
                      (n, ' '.join(argv), why, text, new))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
