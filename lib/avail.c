/* avail.c — the availability model of status(1), DESCRIPTION. */
#include <stdlib.h>
#include <string.h>

#include "roster/audit.h"
#include "roster/avail.h"
#include "roster/err.h"
#include "roster/store.h"
#include "roster/timefmt.h"
#include "roster/user.h"
#include "roster/zone.h"

#define DAY	86400L
#define WINDOW	(8 * DAY)

const char *const avail_reasons[5] = { "manual", "out-of-office",
	"no-hours", "working-hours", "off-hours" };

static int
in_ooo(const struct user *u, time_t t)
{
	size_t i;

	for (i = 0; i < u->nooo; i++)
		if (u->ooo[i].start <= t && t < u->ooo[i].end)
			return 1;
	return 0;
}

/* Is minute m of weekday wd inside the hours? */
static int
in_hours(const struct hours *h, int wd, int m)
{
	int pd = (wd + 6) % 7;
	size_t i;

	for (i = 0; i < h->n[wd]; i++) {
		const struct range *r = &h->r[wd][i];
		if (r->end > r->start) {
			if (m >= r->start && m < r->end)
				return 1;
		} else if (m >= r->start)
			return 1;
	}
	for (i = 0; i < h->n[pd]; i++) {
		const struct range *r = &h->r[pd][i];
		if (r->end <= r->start && m < r->end)
			return 1;
	}
	return 0;
}

int
avail_sched(const struct user *u, struct zone *z, time_t t, int *reason)
{
	struct wall w;
	int rs, away;

	if (in_ooo(u, t)) {
		rs = AV_OOO;
		away = 1;
	} else if (hours_empty(&u->hours)) {
		rs = AV_NOHOURS;
		away = 0;
	} else {
		zone_wall(z, t, &w);
		away = !in_hours(&u->hours, w.wday, w.hour * 60 + w.min);
		rs = away ? AV_OFFHOURS : AV_HOURS;
	}
	if (reason)
		*reason = rs;
	return away;
}

struct cands {
	time_t *v;
	size_t n, cap;
	time_t lo, hi;		/* keep lo < c <= hi */
	int fixed;		/* the zone's offset is off over the window */
	long off;
};

static void
cand_add(struct cands *c, time_t t)
{
	if (t <= c->lo || t > c->hi)
		return;
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		c->v = realloc(c->v, c->cap * sizeof *c->v);
		if (c->v == NULL)
			abort();
	}
	c->v[c->n++] = t;
}

static void
cand_wall(struct cands *c, struct zone *z, long d, int minute)
{
	int y, m, dd, k, i;
	time_t out[2];

	/* No offset change near the window: plain arithmetic, the common
	 * case, and far cheaper than the gap/fold search. */
	if (c->fixed) {
		cand_add(c, (time_t)(d * DAY + minute * 60L - c->off));
		return;
	}
	civil_from_days(d, &y, &m, &dd);
	k = zone_instants(z, y, m, dd, minute / 60, minute % 60, 0, out);
	for (i = 0; i < k; i++)
		cand_add(c, out[i]);
}

static int
cmp_time(const void *a, const void *b)
{
	time_t x = *(const time_t *)a, y = *(const time_t *)b;

	return x < y ? -1 : x > y;
}

static int
wday_of(long d)
{
	/* 1970-01-01 (day 0) was a Thursday; Monday is 0. */
	return (int)(((d % 7) + 7 + 3) % 7);
}

/* Fill c with the instants in (lo, hi] where the schedule may change. */
static void
candidates(const struct user *u, struct zone *z, struct cands *c)
{
	struct wall w;
	long d0, d;
	time_t x;
	size_t i;
	int wd;

	c->n = 0;
	for (i = 0; i < u->nooo; i++) {
		cand_add(c, u->ooo[i].start);
		cand_add(c, u->ooo[i].end);
	}
	if (hours_empty(&u->hours))
		return;
	for (x = c->lo; (x = zone_next_change(z, x, c->hi)) != -1; )
		cand_add(c, x);
	/* Candidates come from wall times of the days around the window:
	 * a day either side, and offsets are within a day. */
	c->fixed = zone_next_change(z, c->lo - 2 * DAY, c->hi + 3 * DAY) == -1;
	c->off = zone_offset(z, c->lo);
	zone_wall(z, c->lo, &w);
	d0 = days_from_civil(w.year, w.mon, w.day);
	for (d = d0 - 1; d <= d0 + (c->hi - c->lo) / DAY + 2; d++) {
		wd = wday_of(d);
		for (i = 0; i < u->hours.n[wd]; i++) {
			const struct range *r = &u->hours.r[wd][i];
			cand_wall(c, z, d, r->start);
			if (r->end > r->start)
				cand_wall(c, z, d, r->end);
			else
				cand_wall(c, z, d + 1, r->end);
		}
	}
}

static time_t
next_flip(const struct user *u, struct zone *z, time_t t, int cur)
{
	struct cands c = { NULL, 0, 0, 0, 0, 0, 0 };
	time_t ws = t, res = -1, nb;
	size_t i;
	int more, bound, first = 1;

	for (;;) {
		/* Most flips come within a day: look there first, then a
		 * whole window at a time. */
		c.lo = ws;
		c.hi = ws + (first ? DAY : WINDOW);
		candidates(u, z, &c);
		if (c.n > 1)
			qsort(c.v, c.n, sizeof *c.v, cmp_time);
		for (i = 0; i < c.n; i++) {
			if (i > 0 && c.v[i] == c.v[i - 1])
				continue;
			if (avail_sched(u, z, c.v[i], NULL) != cur) {
				res = c.v[i];
				goto done;
			}
		}
		/* Nothing in this window: go on only while OOO lies ahead. */
		more = 0;
		bound = 0;
		nb = -1;
		for (i = 0; i < u->nooo; i++) {
			time_t b[2] = { u->ooo[i].start, u->ooo[i].end };
			int k;
			for (k = 0; k < 2; k++) {
				if (b[k] > ws && b[k] <= c.hi)
					bound = 1;
				if (b[k] > c.hi) {
					more = 1;
					if (nb == -1 || b[k] < nb)
						nb = b[k];
				}
			}
		}
		if (first) {
			first = 0;
			ws = c.hi;
			continue;
		}
		/* After the last boundary, a whole window of schedule must be
		 * seen before concluding that nothing ever changes. */
		if (!more && !bound)
			break;
		/* A window with no OOO boundary had a constant schedule over
		 * more than a week of wall clock: jump to the next boundary. */
		if (more && !bound && nb - DAY > c.hi)
			ws = nb - DAY;
		else
			ws = c.hi;
	}
done:
	free(c.v);
	return res;
}

time_t
avail_sched_change(const struct user *u, struct zone *z, time_t t)
{
	return next_flip(u, z, t, avail_sched(u, z, t, NULL));
}

void
avail_at(const struct user *u, struct zone *z, time_t t, struct avail *a)
{
	/* An override without until holds until it is set again. */
	if (u->has_override && (u->override_until == -1 ||
	    u->override_until > t)) {
		a->away = u->override_away;
		a->reason = AV_MANUAL;
		a->until = u->override_until;
		return;
	}
	a->away = avail_sched(u, z, t, &a->reason);
	a->until = next_flip(u, z, t, a->away);
}

/* --- the override --------------------------------------------------------- */

int
avail_clear(struct user *u, const char *why)
{
	if (!u->has_override)
		return 0;
	u->has_override = 0;
	u->override_until = -1;
	audit_add("status", u->email, "override cleared: %s", why);
	return 1;
}

/* Drop u's periods that are empty (ended before they began). */
static void
drop_empty(struct user *u)
{
	size_t j = 0, k;

	for (k = 0; k < u->nooo; k++) {
		if (u->ooo[k].end <= u->ooo[k].start) {
			free(u->ooo[k].source);
			free(u->ooo[k].uid);
			continue;
		}
		u->ooo[j++] = u->ooo[k];
	}
	u->nooo = j;
}

int
avail_end_absence(struct user *u, int away, time_t now, int end_ooo)
{
	char ts[32];
	size_t k;

	for (k = 0; k < u->nooo; k++) {
		struct period *p = &u->ooo[k];
		if (away || !(p->start <= now && now < p->end))
			continue;
		if (!end_ooo)
			return fail(RX_RULE, "%s is out of office until %s: "
			    "give --end-ooo to end the period now", u->email,
			    time_utc(p->end, ts));
		p->end = now;
		audit_add("ooo-end", u->email, "%s", time_utc(p->start, ts));
	}
	if (end_ooo)
		drop_empty(u);
	return 0;
}

int
avail_override(struct user *u, struct zone *z, int away, time_t now,
    time_t until_given)
{
	const char *what = away ? "away" : "available";
	time_t until = until_given;
	char ts[32];

	if (until_given != -1 && until_given <= now)
		return fail(RX_INVALID, "--until %s is not after now",
		    time_utc(until_given, ts));
	if (until == -1)
		until = avail_sched_change(u, z, now);
	/* Asking for what the schedule says already: an override would
	 * only outlive the reason for it (an absence added later would
	 * lose to a stale "available"), so the schedule takes over. */
	if (until_given == -1 && avail_sched(u, z, now, NULL) == away &&
	    (!away || until == -1)) {
		u->has_override = 0;
		u->override_until = -1;
		audit_add("status", u->email, "%s: the schedule, no override",
		    what);
		return 0;
	}
	/* Near the end of the supported range the next change may lie
	 * past it: never write an until that cannot be read back. */
	if (until != -1 && !time_supported(until))
		return fail(RX_INVALID, "%s: the schedule next changes outside "
		    "the supported range of times (" TIME_RANGE ")", u->email);
	u->has_override = 1;
	u->override_away = away;
	u->override_until = until;
	if (until == -1)
		audit_add("status", u->email, "%s until set again", what);
	else
		audit_add("status", u->email, "%s until %s", what,
		    time_utc(until, ts));
	return 0;
}

int
avail_absence_ends_override(struct user *u, time_t start, time_t end,
    time_t now)
{
	if (!u->has_override ||
	    (u->override_until != -1 && u->override_until <= now))
		return 0;
	if (end <= now ||
	    (u->override_until != -1 && start >= u->override_until))
		return 0;
	return avail_clear(u, "a newer absence overlaps it");
}

/* --- default hours -------------------------------------------------------- */

const struct hours *
avail_hours(const struct store *st, const struct user *u, const char **zone,
    const struct hoursdef **def)
{
	const struct hoursdef *d = NULL;

	if (hours_empty(&u->hours))
		d = store_hours_default(st, &u->teams);
	*def = d;
	*zone = u->timezone ? u->timezone : d && d->zone ? d->zone : st->tz;
	return d ? d->hours : &u->hours;
}

int
avail_user(const struct store *st, const struct user *u, time_t t,
    struct avail *a)
{
	const struct hoursdef *d;
	const struct hours *h;
	const char *zn;
	struct zone *z;
	struct user tmp;

	h = avail_hours(st, u, &zn, &d);
	if ((z = zone_get(zn)) == NULL)
		return fail(RX_STORE, "users/%s: %s", u->email, err_msg());
	if (d == NULL) {
		avail_at(u, z, t, a);
		return 0;
	}
	/* A shallow copy that reads the default's hours: nothing of it is
	 * freed or kept. */
	tmp = *u;
	tmp.hours = *h;
	avail_at(&tmp, z, t, a);
	return 0;
}
