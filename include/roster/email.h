/*
 * email.h — e-mail addresses: validation, normal form, file names.
 *
 * Valid (user-add(1) has the rules): one "@"; a local part of 1–64 bytes
 * of atext, non-ASCII text and non-leading, non-trailing, non-doubled
 * dots, not starting with a combining mark; a domain that IDNA2008
 * (libidn2, TR46 non-transitional) accepts, whose A-label form has
 * dot-separated LDH labels, at least one dot; UTF-8 throughout, with no
 * space, separator, format, control, private-use or unassigned code point
 * and no noncharacter; at most 254 bytes in all.  The byte limits hold
 * for the normal form too.
 *
 * Normal form (stored and compared): the local part lower-cased with
 * Unicode case mapping and NFC (libunistring); the domain lower-cased,
 * an internationalized one as its Unicode U-label form.  The file name is
 * the normal form with every byte outside [a-z0-9._+@-], and a leading
 * ".", written as %XX, then ".yaml"; no address can name a path outside
 * its directory.  Returned strings are malloc'd, the caller frees them;
 * reasons are static.
 */
#ifndef ROSTER_EMAIL_H
#define ROSTER_EMAIL_H

#include <stddef.h>

/* NULL if s is a valid address, else a short reason. */
const char *email_invalid(const char *s);

/* The normal form of s, malloc'd (of an invalid s: a best effort). */
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
