/*
 * avail.h — the availability model of status(1), DESCRIPTION.
 *
 * avail_at() decides a user's status at an instant: a manual override whose
 * until is later than t (or that has no until: it holds until it is set
 * again), else an out-of-office period, else working hours read on the
 * wall clock of t in the user's zone.  until is the next instant at which
 * available/away flips (-1: never), or the override's own until.
 */
#ifndef ROSTER_AVAIL_H
#define ROSTER_AVAIL_H

#include <time.h>

struct user;
struct zone;
struct store;
struct hoursdef;

enum { AV_MANUAL, AV_OOO, AV_NOHOURS, AV_HOURS, AV_OFFHOURS };
extern const char *const avail_reasons[5];	/* "manual" ... "off-hours" */

struct avail {
	int away;		/* 1 away, 0 available */
	int reason;		/* AV_* */
	time_t until;		/* next flip, -1 never */
};

void avail_at(const struct user *u, struct zone *z, time_t t,
    struct avail *a);

/* The working hours that apply to u: u's own, else the default of the
 * store (store.h, struct hoursdef) for u's teams, in *def (NULL: u's own
 * or none).  *zone gets the zone they are read in: u's own timezone, else
 * the default's zone, else the store's. */
const struct hours *avail_hours(const struct store *st, const struct user *u,
    const char **zone, const struct hoursdef **def);

/* avail_at() with the hours and zone of avail_hours().  0, or RX_STORE
 * for an unknown zone ("users/EMAIL: ..."). */
int avail_user(const struct store *st, const struct user *u, time_t t,
    struct avail *a);

/* The scheduled status (steps 3-4, override ignored) at t: 1 away. */
int avail_sched(const struct user *u, struct zone *z, time_t t, int *reason);

/* The next instant after t at which the scheduled status changes, or -1. */
time_t avail_sched_change(const struct user *u, struct zone *z, time_t t);

/*
 * The manual override (status --set, --clear), a change in memory with
 * its audit row queued.  avail_override() sets u to away (1) or available
 * (0) from now: until the given instant (until_given, -1 none), else
 * until the schedule next changes.  When the schedule already says what
 * is asked for, for good or (for available) right now, no override is
 * stored and any existing one is dropped: the schedule takes over.
 * 0, or RX_INVALID for an until not after now or outside the supported
 * range.
 */
int avail_override(struct user *u, struct zone *z, int away, time_t now,
    time_t until_given);

/* Drop u's override, if any (status --clear); 1 if there was one. */
int avail_clear(struct user *u, const char *why);

/* Before an override is set at now (status --set): for available (away
 * 0), an absence under way is RX_RULE unless end_ooo (--end-ooo) is
 * given, and with it ends at now (audit row queued); with end_ooo the
 * periods left empty are dropped. */
int avail_end_absence(struct user *u, int away, time_t now, int end_ooo);

/* A new absence [start, end) that overlaps the span of u's override
 * (from now to its until) ends the override: the newer intent wins.
 * 1 if it did (audit row queued), else 0. */
int avail_absence_ends_override(struct user *u, time_t start, time_t end,
    time_t now);

#endif
