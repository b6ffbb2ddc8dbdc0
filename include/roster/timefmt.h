/*
 * timefmt.h — the time syntax of SPEC 3 and RFC 3339 output.
 *
 * Input: "now"; YYYY-MM-DD; YYYY-MM-DDTHH:MM[:SS] (a space may replace the
 * T); either may end in "Z" or "+HH:MM"/"-HH:MM", which makes it an
 * absolute instant.  Without an offset it is a wall-clock time in a zone,
 * converted by the gap/fold rule of zone.h.  $ROSTER_NOW, in the same
 * syntax (in the process's zone, $TZ), replaces the clock.
 */
#ifndef ROSTER_TIMEFMT_H
#define ROSTER_TIMEFMT_H

#include <time.h>

/* What a time string held. */
struct tspec {
	int year, mon, day, hour, min, sec;
	int has_time;		/* a time of day was given */
	int has_offset;		/* Z or +-HH:MM was given */
	long offset;		/* seconds east of UTC, when has_offset */
	int is_now;
};

/* Parse s into *ts. 0, or RX_INVALID with a message naming s. */
int time_scan(const char *s, struct tspec *ts);

/* Parse s and resolve it to an instant: an offset makes it absolute,
 * otherwise it is a wall-clock time in zone (NULL: the process's zone).  A date-only value is 00:00 that day, or, with
 * end_of_day, 00:00 of the next day.  0 or RX_INVALID. */
int time_parse(const char *s, const char *zone, int end_of_day, time_t *t);

/* The current instant: $ROSTER_NOW if set, else the system clock.
 * 0, or RX_INVALID if $ROSTER_NOW does not parse. */
int clock_now(time_t *t);

/* RFC 3339 in UTC: 2026-11-23T16:00:00Z.  buf of at least 32 bytes. */
char *time_utc(time_t t, char *buf);

/* RFC 3339 with the offset of zone at t: 2026-12-24T00:00:00+01:00. */
char *time_in_zone(time_t t, const char *zone, char *buf);

/* Parse an RFC 3339 instant (offset required) as written in store files:
 * 0 or -1. */
int time_rfc3339(const char *s, time_t *t);

#endif
