/*
 * ical.h — calendar sync of out-of-office periods through iCalendar
 * (RFC 5545), read and written with libical.
 *
 * Calling sequence: ical_parse() the whole input and ical_expand() its
 * occurrences (before the store is locked: a slow feed never holds the
 * lock), load the user under the exclusive lock, ical_sync() to bring the
 * user's periods of one calendar in line with the file's events, then
 * save.  ical_sync() edits the user in memory only and describes each
 * change, so that --dry-run is the same run without the save.
 *
 * Which events count, how recurrences are expanded, how zones are resolved
 * and which part of the user's periods a sync may touch (the window from
 * now to the horizon) are described in ooo-add(1), CALENDAR SYNC.
 *
 * Errors are recorded with fail_at() as "FILE:LINE: reason" and returned
 * as RX_INVALID; nothing in the user changes then.
 */
#ifndef ROSTER_ICAL_H
#define ROSTER_ICAL_H

#include <stddef.h>
#include <time.h>
#include "roster/user.h"

/* The default --match: the words people put in an absence's title. */
#define ICAL_MATCH_DEFAULT \
	"out of office|ooo|afwezig|absent|vacation|vakantie|holiday|congé"

/* The default --calendar, and --horizon in days. */
#define ICAL_SOURCE_DEFAULT "ics"
#define ICAL_HORIZON_DEFAULT 365

/* A parsed calendar file. */
struct ical;

struct ical_opts {
	const char *source;	/* --calendar: the periods' source */
	const char *match;	/* --match ERE, case-insensitive */
	int busy;		/* --busy: every opaque event counts */
	long horizon;		/* --horizon, days ahead of now */
};

/* One change made by a sync.  old is set for '-' and '~', new for '+'
 * and '~' (the strings point into the user or are owned by the change
 * list). */
struct ical_change {
	int op;			/* '+', '-' or '~' */
	struct period old, new;
};

struct ical_changes {
	struct ical_change *v;
	size_t n;
};

/* 1 if name can be a --calendar name: 1 to 64 of [A-Za-z0-9._-]. */
int ical_source_valid(const char *name);

/* Parse len bytes of buf as one or more VCALENDARs; shown names the input
 * in messages.  0, or RX_INVALID with the line of the first fault. */
int ical_parse(const char *buf, size_t len, const char *shown,
    struct ical **out);
void ical_free(struct ical *cal);

/* A sync makes u's periods of source o->source that overlap [now, now +
 * horizon) equal to the counted events of cal in that window, zone being
 * u's effective zone (all-day and floating times are read in it).
 * Periods of other sources and periods added by hand are never changed.
 * One period per source and uid: a period that ended early (status
 * --end-ooo) stands for its occurrence and keeps its end; one under way
 * whose event left the window is trimmed to end at now, not removed.
 *
 * It runs in two steps, so that the slow one runs before the store is
 * locked: ical_expand() finds the counted occurrences of cal in the
 * window (zone: the user's zone, copied), refusing a calendar that gives
 * more than 1000 periods or an event that cannot be placed in time, or a
 * bad --match (RX_INVALID naming the event); ical_sync() then brings u in
 * line with them, the changes in order of time in *ch (empty when the
 * user is already in step).  An event with a property that cannot be
 * read is left out with a warning (ical_plan_warning(pl, i) for i = 0, 1,
 * ... until NULL), and the user's periods of its UID are kept as they
 * are.  The plan refers to cal, which must outlive it. */
struct ical_plan;
int ical_expand(struct ical *cal, const struct ical_opts *o, const char *zone,
    time_t now, struct ical_plan **out);
const char *ical_plan_zone(const struct ical_plan *pl);
const char *ical_plan_warning(const struct ical_plan *pl, size_t i);
void ical_sync(struct ical_plan *pl, struct user *u, struct ical_changes *ch);
void ical_plan_free(struct ical_plan *pl);
void ical_changes_free(struct ical_changes *ch);

/* u's periods as one VCALENDAR (CRLF lines, folded as RFC 5545 wants):
 * a malloc'd NUL-terminated string in *out.  now is the DTSTAMP. */
int ical_export(const struct user *u, time_t now, char **out);

/* Release what libical and ICU keep for the life of the process. */
void ical_cleanup(void);

#endif
