/*
 * avail.h — the availability model of SPEC 4.
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

enum { AV_MANUAL, AV_OOO, AV_NOHOURS, AV_HOURS, AV_OFFHOURS };
extern const char *const avail_reasons[5];	/* "manual" ... "off-hours" */

struct avail {
	int away;		/* 1 away, 0 available */
	int reason;		/* AV_* */
	time_t until;		/* next flip, -1 never */
};

void avail_at(const struct user *u, struct zone *z, time_t t,
    struct avail *a);

/* The scheduled status (steps 3-4, override ignored) at t: 1 away. */
int avail_sched(const struct user *u, struct zone *z, time_t t, int *reason);

/* The next instant after t at which the scheduled status changes, or -1. */
time_t avail_sched_change(const struct user *u, struct zone *z, time_t t);

#endif
