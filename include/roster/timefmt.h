/*
 * timefmt.h — the time syntax of roster(5), Times, and RFC 3339 output.
 *
 * Input: "now"; YYYY-MM-DD; YYYY-MM-DDTHH:MM[:SS] (a space may replace the
 * T); either may end in "Z" or "+HH:MM"/"-HH:MM", which makes it an
 * absolute instant.  Without an offset it is a wall-clock time in a zone,
 * converted by the gap/fold rule of zone.h.  $ROSTER_NOW, in the same
 * syntax (in the process's zone, $TZ), replaces the clock.
 *
 * The supported instants are those whose local time is a date of the
 * years 0001 to 9999 at every UTC offset up to 26 hours either way (more
 * than any zone has had), so that a time written in any user's zone reads
 * back: TIME_MIN to TIME_MAX, both included.  Every input time (options,
 * $ROSTER_NOW, calendar events) and every time read from a store file
 * must lie in it; time_parse(), clock_now() and time_rfc3339() refuse the
 * others, so that no writer ever writes a time its reader refuses.
 */
#ifndef ROSTER_TIMEFMT_H
#define ROSTER_TIMEFMT_H

#include <time.h>

#define TIME_MIN ((time_t)-62135503200LL)	/* 0001-01-02T02:00:00Z */
#define TIME_MAX ((time_t)253402207199LL)	/* 9999-12-30T21:59:59Z */
#define TIME_RANGE "0001-01-02T02:00:00Z to 9999-12-30T21:59:59Z"

/* 1 if t is a supported instant. */
int time_supported(time_t t);

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
 * otherwise it is a wall-clock time in zone (NULL: the process's zone).
 * A date-only value is 00:00 that day, or, with end_of_day, 00:00 of the
 * next day.  0, or RX_INVALID (also for an instant outside TIME_RANGE). */
int time_parse(const char *s, const char *zone, int end_of_day, time_t *t);

/* How many instants the wall-clock time s has in zone (NULL: the
 * process's): 0 in a gap, 2 in a fold, else 1 (also for "now", a date,
 * a time with an offset or one that does not parse).  For the warning
 * of a wall-clock --at. */
int time_wall_count(const char *s, const char *zone);

/* For a wall-clock --at s that resolved to t: how it was read when it
 * falls in a gap or a fold of $TZ, malloc'd; NULL otherwise. */
char *time_wall_note(const char *s, time_t t);

/* The current instant: $ROSTER_NOW if set, else the system clock.
 * 0, or RX_INVALID if $ROSTER_NOW does not parse or is outside
 * TIME_RANGE. */
int clock_now(time_t *t);

/* RFC 3339 in UTC: 2026-11-23T16:00:00Z.  buf of at least 32 bytes. */
char *time_utc(time_t t, char *buf);

/* RFC 3339 with the offset of zone at t: 2026-12-24T00:00:00+01:00. */
char *time_in_zone(time_t t, const char *zone, char *buf);

/* Parse an RFC 3339 instant (offset required) as written in store files:
 * 0, or -1 (also outside TIME_RANGE). */
int time_rfc3339(const char *s, time_t *t);

#endif
