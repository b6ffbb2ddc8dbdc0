#!/usr/bin/env python3
"""cachemut.py FILE OUTDIR COUNT SEED - write COUNT mutated copies of FILE.

Each copy OUTDIR/N (N = 1..COUNT) is FILE with one damage drawn from a
fixed-seed generator: random bytes, a NUL, a truncation, a zero-filled
block, two lines swapped, a line dropped or repeated, a digit changed.
The names of the damages go to stdout, one a line, for the failure report.
"""
import os
import random
import sys


def lines_of(data):
    return data.splitlines(keepends=True)


def flip(data, rnd):
    b = bytearray(data)
    for _ in range(rnd.randint(1, 4)):
        b[rnd.randrange(len(b))] = rnd.randrange(256)
    return bytes(b), "random bytes"


def nul(data, rnd):
    b = bytearray(data)
    b[rnd.randrange(len(b))] = 0
    return bytes(b), "a NUL byte"


def truncate(data, rnd):
    return data[:rnd.randrange(len(data))], "truncated"


def zeros(data, rnd):
    at = rnd.randrange(len(data))
    n = min(len(data) - at, rnd.choice([16, 512, 4096]))
    return data[:at] + bytes(n) + data[at + n:], "zero-filled block"


def swap(data, rnd):
    ls = lines_of(data)
    if len(ls) < 3:
        return flip(data, rnd)
    i, j = rnd.sample(range(len(ls)), 2)
    ls[i], ls[j] = ls[j], ls[i]
    return b"".join(ls), "two lines swapped"


def drop(data, rnd):
    ls = lines_of(data)
    del ls[rnd.randrange(len(ls))]
    return b"".join(ls), "a line dropped"


def repeat(data, rnd):
    ls = lines_of(data)
    i = rnd.randrange(len(ls))
    ls.insert(i, ls[i])
    return b"".join(ls), "a line repeated"


def digit(data, rnd):
    at = [i for i, c in enumerate(data) if 48 <= c <= 57]
    if not at:
        return flip(data, rnd)
    b = bytearray(data)
    i = rnd.choice(at)
    b[i] = 48 + (b[i] - 48 + rnd.randint(1, 9)) % 10
    return bytes(b), "a digit changed"


KINDS = [flip, nul, truncate, zeros, swap, drop, repeat, digit]


def main():
    path, outdir, count, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
        int(sys.argv[4])
    rnd = random.Random(seed)
    with open(path, "rb") as f:
        data = f.read()
    os.makedirs(outdir, exist_ok=True)
    for n in range(1, count + 1):
        kind = KINDS[(n - 1) % len(KINDS)]
        out, what = kind(data, rnd)
        with open(os.path.join(outdir, str(n)), "wb") as f:
            f.write(out)
        print(what)


main()
