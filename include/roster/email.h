/*
 * email.h — e-mail addresses: validation, normal form, file names.
 *
 * Valid: a practical subset of RFC 5321/5322 — one "@", a local part of
 * 1–64 bytes of atext and non-leading, non-trailing, non-doubled dots (bytes
 * >= 0x80 allowed for UTF-8 addresses), a domain of dot-separated labels of
 * letters, digits and inner hyphens with at least one dot, no spaces or
 * control bytes, at most 254 bytes in all.  Addresses compare
 * case-insensitively and are stored lower-cased.  The file name is the
 * lower-cased address with every byte outside [a-z0-9._+@-], and a leading
 * ".", written as %XX, then ".yaml"; no address can name a path outside
 * its directory.
 */
#ifndef ROSTER_EMAIL_H
#define ROSTER_EMAIL_H

#include <stddef.h>

/* NULL if s is a valid address, else a short reason. */
const char *email_invalid(const char *s);

/* A lower-cased malloc'd copy of s. */
char *email_norm(const char *s);

/* The file name of address s (normalised first), malloc'd: "x%2Fy@z.org.yaml". */
char *email_fname(const char *s);

/*
 * Room in a file name beyond the address's own file name: a transaction's
 * temporary adds "." and ".txn" (txn.h), and a removal archive may add a
 * time stamp of up to 24 bytes.  An address whose file name with that room
 * would pass NAME_MAX (255) is refused before anything is written.
 */
#define EMAIL_FNAME_ROOM	(5 + 24)

/* 0 if the files of address s can be stored, else RX_INVALID with
 * "ADDRESS: too long to store (...)" recorded. */
int email_storable(const char *s);

/* The address a file name stands for, malloc'd; NULL if name is not
 * a user file name (no ".yaml" suffix, bad escape, leading "."). */
char *email_from_fname(const char *name);

#endif
