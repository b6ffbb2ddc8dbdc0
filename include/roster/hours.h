/*
 * hours.h — working-hours specs as hours-set reads and prints them:
 * DAYS=RANGE[,RANGE...], days "mon".."sun", ranges "mon-fri", lists
 * "mon,wed" (and mixes: "mon-wed,fri").
 */
#ifndef ROSTER_HOURS_H
#define ROSTER_HOURS_H

struct hours;

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

#endif
