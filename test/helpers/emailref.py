#!/usr/bin/python3
"""emailref.py — cross-check roster's address rules with email-validator.

emailref.py --seed N --count N --bin DIR

Generates addresses from a fixed seed, asks roster about each one
(user-add --dry-run: accepted and its stored form, or refused) and Python's
email-validator (no DNS), and prints every address where the two disagree,
except the deliberate differences that user-add(1) documents:

  - quoted local parts, comments and address literals: roster refuses them;
  - invisible characters (Unicode separators, format characters) in the
    domain, which IDNA mapping would silently drop: roster refuses them;
  - special-use domains (.test, .local, .invalid, ...) and a top-level
    domain without a letter at its end: roster accepts them (it stores
    addresses, it does not judge whether mail can be delivered);
  - an "xn--" label must be exactly what IDNA encoding gives (RFC 5891
    5.4); the Python idna package also decodes irregular punycode;
  - the 64-byte limit of a local part counts UTF-8 bytes in roster,
    characters in email-validator.

For an address both accept, roster's stored form must be email-validator's
normalised address lower-cased: NFC local part, Unicode (U-label) domain.
Exit 0 when all agree; the last line says how many were compared.
"""
import argparse
import os
import random
import subprocess
import sys
import unicodedata

from email_validator import EmailNotValidError, validate_email

ATEXT = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
ATEXT_SYM = "!#$%&'*+-/=?^_`{|}~"
UNI_LETTERS = "éöÖüÜßẞıİΣσςжЖ中文ñÑçÇøÅåłŁ" + "ｅ" + "ǅ"
MARKS = "\u0301\u0308\u0327"
INVISIBLE = ["\u00a0", "\u200b", "\u200d", "\u202e", "\ufeff", "\u00ad",
             "\u2028", "\u3000", "\ue000", "\ufdd0", "\U0010ffff", "\u0085",
             "\u0378", "\u0007"]
OTHER = [" ", '"', "(", ")", "[", "]", "\\", ",", "@", ":", "<", ">", "☃",
         "€", "..", "."]
TLDS = ["org", "com", "de", "nl", "example", "рф", "中国", "co.uk", "ORG",
        "xn--p1ai", "test", "local", "123", "b2", "x"]
DOM_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789" + "üöäßçéАБВжщ中文ΣαÜ"
SPECIAL = ("arpa", "invalid", "local", "localhost", "onion", "test")


def rand_local(r):
    n = r.randint(1, 12)
    out = []
    for _ in range(n):
        k = r.random()
        if k < 0.6:
            out.append(r.choice(ATEXT))
        elif k < 0.72:
            out.append(r.choice(ATEXT_SYM))
        elif k < 0.85:
            out.append(r.choice(UNI_LETTERS))
        elif k < 0.9:
            out.append(r.choice(MARKS))
        elif k < 0.95:
            out.append(r.choice(INVISIBLE))
        else:
            out.append(r.choice(OTHER))
    if r.random() < 0.03:
        out = [r.choice("aé")] * r.randint(30, 70)
    return "".join(out)


def rand_label(r):
    k = r.random()
    if k < 0.1:
        try:
            lab = "".join(r.choice(DOM_LETTERS[36:]) for _ in range(3))
            return "xn--" + lab.encode("punycode").decode("ascii")
        except UnicodeError:
            return "xn--abc"
    if k < 0.13:
        return "xn--" + "".join(r.choice("abc123-") for _ in range(4))
    n = r.randint(1, 10)
    lab = []
    for _ in range(n):
        q = r.random()
        if q < 0.75:
            lab.append(r.choice(DOM_LETTERS[:36]))
        elif q < 0.92:
            lab.append(r.choice(DOM_LETTERS[36:]))
        elif q < 0.96:
            lab.append("-")
        else:
            lab.append(r.choice(INVISIBLE + ["_", "!", "Ｅ"]))
    return "".join(lab)


def rand_address(r):
    labels = [rand_label(r) for _ in range(r.randint(1, 2))]
    if r.random() < 0.05:
        labels.append("")
    dom = ".".join(labels + [r.choice(TLDS)])
    if r.random() < 0.03:
        dom = "[192.0.2.1]"
    return rand_local(r) + "@" + dom


def has_cat(s, cats):
    return any(unicodedata.category(c)[:len(cats[0])] in cats for c in s)


def deliberate(addr, rosters_ok):
    """The documented reason roster differs here, or None."""
    local, _, dom = addr.rpartition("@")
    if any(c in local for c in '"()[]\\') or dom.startswith("["):
        return "quoted, comment or literal"
    if not rosters_ok and any(unicodedata.category(c) in ("Zs", "Zl", "Zp",
                                                         "Cf") for c in dom):
        return "invisible character in the domain"
    if rosters_ok:
        low = dom.lower()
        last = low.rsplit(".", 1)[-1]
        if any(low == s or low.endswith("." + s) for s in SPECIAL):
            return "special-use domain"
        if not last[-1:].isalpha():
            return "top-level domain without a final letter"
    if not rosters_ok and any(not canonical_alabel(x)
                              for x in dom.lower().split(".")):
        return "an A-label that is not what IDNA would encode"
    if not rosters_ok and len(local.encode()) > 64 >= len(local):
        return "local part over 64 bytes"
    return None


def canonical_alabel(label):
    """False for an "xn--" label that does not round-trip (RFC 5891
    5.4): roster refuses it, the Python idna package decodes it."""
    if not label.startswith("xn--"):
        return True
    try:
        u = label[4:].encode("ascii").decode("punycode")
        return "xn--" + u.encode("punycode").decode("ascii") == label
    except (UnicodeError, ValueError):
        return True


def roster(binary, addr):
    p = subprocess.run([binary, "--dry-run", "--", addr], capture_output=True)
    if p.returncode == 0:
        return True, p.stdout.decode().strip()
    if p.returncode != 5:
        return None, p.stderr.decode(errors="replace").strip()
    return False, p.stderr.decode(errors="replace").strip()


def reference(addr):
    try:
        v = validate_email(addr, check_deliverability=False,
                           allow_smtputf8=True)
    except EmailNotValidError as e:
        return False, str(e)
    local, _, dom = v.email.rpartition("@")
    return True, unicodedata.normalize("NFC", local.lower()) + "@" + dom.lower()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--count", type=int, default=400)
    ap.add_argument("--bin", required=True)
    a = ap.parse_args()
    r = random.Random(a.seed)
    binary = os.path.join(a.bin, "user-add")
    bad = both = 0
    seen = set()
    done = 0
    while done < a.count:
        addr = rand_address(r)
        if addr in seen or "\x00" in addr:
            continue
        seen.add(addr)
        done += 1
        ok, got = roster(binary, addr)
        if ok is None:
            print("roster failed on %r: %s" % (addr, got))
            bad += 1
            continue
        rok, want = reference(addr)
        if ok == rok and (not ok or got == want):
            both += ok
            continue
        if ok != rok and deliberate(addr, ok):
            continue
        bad += 1
        print("disagree on %r: roster %s (%s), email-validator %s (%s)" % (
            addr, "accepts" if ok else "refuses", got,
            "accepts" if rok else "refuses", want))
    print("%d addresses compared, %d accepted by both, %d disagree" % (
        done, both, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
