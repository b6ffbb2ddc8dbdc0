#!/usr/bin/env python3
"""lockrec.py -- what STORE/.lock holds, read the way roster(5) says.

usage: lockrec.py STORE       prints one word: empty, idle, prepare,
                              commit or torn

A record is "roster-lock 1", lines, "rows N", N bytes of audit rows and
"end LEN HASH": LEN the bytes before that line, HASH their 64-bit FNV-1a;
bytes after the end line are left over from a longer record.  A record
with a line "change commit" is a change committed and not yet applied,
"change prepare" one that never reached its commit point, neither a store
at rest; anything else that is not empty is torn.  Written apart from
lib/txn.c, so that the tests do not check the library with its own code.
"""
import os
import re
import sys


def fnv1a(data):
    h = 14695981039346656037
    for b in data:
        h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h


def state(store):
    try:
        with open(os.path.join(store, ".lock"), "rb") as f:
            text = f.read()
    except FileNotFoundError:
        return "empty"
    if not text:
        return "empty"
    lines = text.split(b"\n")
    if lines[0] != b"roster-lock 1":
        return "torn"
    off = len(lines[0]) + 1
    change = None
    while True:
        nl = text.find(b"\n", off)
        if nl < 0:
            return "torn"
        line = text[off:nl]
        off = nl + 1
        if line.startswith(b"change "):
            change = line[7:].decode("ascii", "replace")
        m = re.fullmatch(rb"rows (\d+)", line)
        if m:
            off += int(m.group(1))
            nl = text.find(b"\n", off)
            if nl < 0:
                return "torn"
            m = re.fullmatch(rb"end (\d+) ([0-9a-f]{16})", text[off:nl])
            if (not m or int(m.group(1)) != off or
                    int(m.group(2), 16) != fnv1a(text[:off])):
                return "torn"
            return {None: "idle", "commit": "commit",
                    "prepare": "prepare"}.get(change, "torn")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: lockrec.py STORE")
    print(state(sys.argv[1]))
