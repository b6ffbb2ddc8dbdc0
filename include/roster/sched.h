/*
 * sched.h — scheduling and coverage over the availability model of
 * status(1), DESCRIPTION.
 *
 * Everything here is a sweep over the instants at which a member's
 * availability changes, found by avail.c (avail_sched_change()): a member
 * becomes a sorted list of the spans of time in which they are available,
 * and a question about a span of time (a meeting, a cell of the coverage
 * grid) is answered by a binary search in that list, never by evaluating
 * the model at every step.  A manual override counts only inside its own
 * span (until its until); the schedule (absences, working hours) decides
 * before and after.
 *
 * Wall-clock questions (slot starts on multiples of an interval, the cells
 * of a day) are answered in the zone of the caller's --tz through zone.c:
 * a start is an instant whose wall clock reads a multiple of the interval
 * from that day's midnight (both occurrences in a fall-back fold, none in a
 * spring-forward gap); a cell is the set of instants whose wall clock lies
 * in it (empty in a gap, two pieces in a fold).
 *
 * Pure: values in, values out; no file is touched (but for the tz
 * database, read through zone.c by sched_zone()).  Times are time_t
 * seconds (UTC instants), durations seconds.  Lists are malloc'd and
 * owned by the caller (spans_free(), free()).  Errors: sched_duration()
 * and sched_zone() return RX_INVALID with a message naming the value.
 */
#ifndef ROSTER_SCHED_H
#define ROSTER_SCHED_H

#include <stddef.h>
#include <time.h>

struct user;
struct zone;

/* Half-open spans of time [start, end), sorted, disjoint, not touching. */
struct span {
	time_t start, end;
};
struct spans {
	struct span *v;
	size_t n, cap;
};
void spans_free(struct spans *s);

/* Parse a duration "30m", "1h", "1h30m" (also "90m", "0" for none) into
 * seconds, between min and max seconds.  opt names the option in the
 * message.  0, or RX_INVALID. */
int sched_duration(const char *s, const char *opt, long min, long max,
    long *secs);

/* The zone of --tz, which slots and coverage show and read times in:
 * name, or when NULL $TZ as the program started, else UTC.  NULL (with
 * RX_INVALID recorded: "--tz: unknown time zone NAME") if it is none. */
struct zone *sched_zone(const char *name);

/* The spans of [lo, hi) in which u is available (steps 2-4 of status(1),
 * DESCRIPTION, an override only until its until).  hours_only: working
 * hours alone, absences and overrides left out (the team's business
 * window). */
void sched_spans(const struct user *u, struct zone *z, time_t lo, time_t hi,
    int hours_only, struct spans *out);

/* How long u is away in [lo, hi), in seconds, by reason: secs[AV_MANUAL],
 * secs[AV_OOO], secs[AV_OFFHOURS] (the others stay 0). */
void sched_away(const struct user *u, struct zone *z, time_t lo, time_t hi,
    long secs[5]);

/* A slot request: starts in [from, to), none before earliest, on
 * multiples of step in tz; members available over [start - buffer,
 * start + duration + buffer); all: every member, else at least one. */
struct slotreq {
	struct zone *tz;
	time_t from, to, earliest;
	long duration, buffer, step;
	int all;
};

/* Call found(start, who, k, arg) for each slot in time order, who[0..k)
 * the indexes of the members (into m[0..n)) available for it, in index
 * order.  Returns the number of slots. */
size_t sched_slots(const struct slotreq *rq, const struct spans *m, size_t n,
    void (*found)(time_t start, const size_t *who, size_t k, void *arg),
    void *arg);

/* The window of spans sched_slots() needs of each member. */
void sched_slot_window(const struct slotreq *rq, time_t *lo, time_t *hi);

/* One cell of a coverage grid. */
struct cell {
	int day;		/* 0 = Monday ... 6 = Sunday */
	long minute;		/* wall-clock minute of the day it starts */
	time_t start, end;	/* its first and last instant + 1; -1 in a gap */
	long count;		/* members available for all of it; -1 in a gap */
	int in_window;		/* some member's working hours cover all of it */
	int gap;		/* in_window, and count under the minimum */
};

/* The cells of the week whose Monday is day monday (days since
 * 1970-01-01, a Monday) in tz, step seconds each (step divides a day),
 * counted over avail[0..n) and judged against hours[0..n): a cell inside
 * the business window with fewer than min members is a gap (a cell the
 * clock skips never is).  *cells is malloc'd, 7 * (86400 / step) of
 * them, day by day. */
size_t sched_coverage(struct zone *tz, long monday, long step, long min,
    const struct spans *avail, const struct spans *hours, size_t n,
    struct cell **cells);

/* The span of instants sched_coverage() may ask about for that week. */
void sched_week_window(struct zone *tz, long monday, time_t *lo, time_t *hi);

/*
 * The people asked about (schedload.c, the one part that reads the store):
 * the active members of a team, or the users named, sorted by address
 * (each once), each with its zone.  A member whose file cannot be read or
 * whose zone is unknown is reported through bad() and left out; the
 * others are answered for.  A team with no active member is RX_NOTFOUND
 * ("no such team"), as is an address with no active user.
 */
struct store;
struct members {
	struct user *u;		/* n of them, owned */
	struct zone **z;
	size_t n;
};
int members_load(struct store *st, const char *team, char **emails,
    size_t ne, struct members *m, void (*bad)(int code, void *arg),
    void *arg);
void members_free(struct members *m);

/* The members' round-robin order into order[0..m->n): with a team, from
 * the member assign-next would choose were everyone free (rotation.csv,
 * read only), wrapping around; without, address order.  0 or the error
 * of rotation_load(). */
int members_rr_order(struct store *st, const char *team,
    const struct members *m, size_t *order);

#endif
