/*
 * hours.h — working hours: specs as hours-set reads and prints them
 * (DAYS=RANGE[,RANGE...], days "mon".."sun", ranges "mon-fri", lists
 * "mon,wed" and mixes: "mon-wed,fri"), and what hours-set does to a
 * user's hours and zone.  Pure: no file is touched.
 *
 * Ranges are minutes from midnight (struct range, user.h).  What a call
 * returns malloc'd is the caller's; a struct hours it fills is freed with
 * hours_free().  Errors: 0 or an exit code of err.h with the message
 * recorded.  Source: hours-set(1), roster(5) "users/EMAIL.yaml".
 */
#ifndef ROSTER_HOURS_H
#define ROSTER_HOURS_H

struct hours;
struct user;

/* Parse a day set into days[7] (1 = named). 0, or RX_INVALID naming the
 * bad weekday. */
int days_parse(const char *s, int days[7]);

/* Add the ranges of spec to h for each of its days. 0, or RX_INVALID with
 * a message naming the bad token. h is unchanged on error. */
int hours_spec_add(struct hours *h, const char *spec);

/* h as specs separated by blanks, consecutive days with identical ranges
 * grouped: "mon-fri=09:00-17:00 sat=10:00-12:00".  "" when empty.
 * malloc'd. */
char *hours_format(const struct hours *h);


/* How hours_set() changes a user's hours. */
enum { HOURS_REPLACE, HOURS_ADD, HOURS_CLEAR };

/* Set u's zone to zone (NULL: left as it is) and change its hours: how
 * HOURS_CLEAR empties them; h (NULL: none given) replaces them
 * (HOURS_REPLACE) or is appended to them (HOURS_ADD). */
void hours_set(struct user *u, const char *zone, const struct hours *h,
    int how);

/* 1 if u has hours or a zone of its own (not a default's). */
int hours_own(const struct user *u);

#endif
