/*
 * zone.h — IANA time zones through the system tz database.
 *
 * glibc reads a zone's file each time TZ changes, so a zone is read once
 * per process: zone_get() probes glibc (setenv TZ, tzset, localtime_r) and
 * keeps the zone's UTC offsets and transitions for the span of time asked
 * about so far, extending it in chunks when asked about instants outside
 * it.  After that, instant <-> wall clock conversions are arithmetic.
 *
 * Wall clock to instant follows ooo-add(1), Time (RFC 5545 3.3.5, fold=0):
 * a wall time that does not exist (spring-forward gap) uses the offset in
 * force before the gap; one that occurs twice (fall-back) is the first.
 */
#ifndef ROSTER_ZONE_H
#define ROSTER_ZONE_H

#include <time.h>

struct zone;

/* A wall-clock reading. */
struct wall {
	int year, mon, day;	/* mon 1-12, day 1-31 */
	int hour, min, sec;
	int wday;		/* 0 = Monday ... 6 = Sunday */
};

/* 1 if name is a zone in the tz database (or "UTC"), else 0. */
int zone_valid(const char *name);

/* zone_valid() as a check: 0, or RX_INVALID with "unknown time zone
 * 'NAME'" recorded (the one message for a zone given or read). */
int zone_check(const char *name);

/* The zone called name, cached for the life of the process.  NULL (and
 * RX_INVALID recorded) if it is not a valid zone. */
struct zone *zone_get(const char *name);

const char *zone_name(const struct zone *z);

/* The zone of the process: $TZ as it was when the program started (any
 * value glibc accepts; unset: the system's /etc/localtime). */
struct zone *zone_process(void);

/* The process's $TZ as it was at start, "" when unset. */
const char *zone_process_tz(void);

/* Offset from UTC, in seconds, in force at t. */
long zone_offset(struct zone *z, time_t t);

/* The wall clock at t. */
void zone_wall(struct zone *z, time_t t, struct wall *w);

/* The instant of a wall-clock time, by the gap/fold rule.  Fields out of
 * range are normalised first (day 32 is the 1st of the next month; hour 24
 * is 00:00 the next day). */
time_t zone_instant(struct zone *z, int year, int mon, int day,
    int hour, int min, int sec);

/* All instants whose wall clock reads the given time: 0 (a gap), 1, or 2
 * (a fold), earliest first, into out[2]. */
int zone_instants(struct zone *z, int year, int mon, int day,
    int hour, int min, int sec, time_t out[2]);

/* The first offset change after t and no later than limit, or -1. */
time_t zone_next_change(struct zone *z, time_t t, time_t limit);

/* Civil-calendar helpers (proleptic Gregorian, UTC arithmetic). */
long days_from_civil(int y, int m, int d);
void civil_from_days(long z, int *y, int *m, int *d);

#endif
