/* sched.c — slots and coverage: a sweep over availability change points. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roster/avail.h"
#include "roster/err.h"
#include "roster/sched.h"
#include "roster/user.h"
#include "roster/util.h"
#include "roster/zone.h"

#define DAY	86400L
/* No zone's offset is 26 hours or more either way (timefmt.h). */
#define MAXOFF	(26 * 3600L)

void
spans_free(struct spans *s)
{
	free(s->v);
	memset(s, 0, sizeof *s);
}

/* Append [a, b), joining it to the last span when they touch. */
static void
spans_add(struct spans *s, time_t a, time_t b)
{
	if (b <= a)
		return;
	if (s->n > 0 && s->v[s->n - 1].end >= a) {
		if (b > s->v[s->n - 1].end)
			s->v[s->n - 1].end = b;
		return;
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		s->v = xrealloc(s->v, s->cap * sizeof *s->v);
	}
	s->v[s->n].start = a;
	s->v[s->n].end = b;
	s->n++;
}

/* Read digits into *v (at most 7); the number of digits read. */
static size_t
digits(const char *s, long *v)
{
	size_t i;

	*v = 0;
	for (i = 0; isdigit((unsigned char)s[i]) && i < 7; i++)
		*v = *v * 10 + (s[i] - '0');
	return isdigit((unsigned char)s[i]) ? 0 : i;
}

/* "1h30m" as seconds; -1 if it is not of that shape. */
static long
duration_scan(const char *s)
{
	long v, total = 0;
	size_t k;
	int parts = 0;

	if (strcmp(s, "0") == 0)
		return 0;
	if ((k = digits(s, &v)) > 0 && s[k] == 'h') {
		total = v * 3600;
		s += k + 1;
		parts++;
	}
	if (*s != '\0') {
		if ((k = digits(s, &v)) == 0 || s[k] != 'm' || s[k + 1] != '\0')
			return -1;
		total += v * 60;
		parts++;
	}
	return parts ? total : -1;
}

/* 90 minutes as "1h30m". */
static char *
duration_text(long secs, char *buf, size_t len)
{
	long m = secs / 60;

	if (m >= 60 && m % 60)
		snprintf(buf, len, "%ldh%02ldm", m / 60, m % 60);
	else if (m >= 60)
		snprintf(buf, len, "%ldh", m / 60);
	else
		snprintf(buf, len, "%ldm", m);
	return buf;
}

struct zone *
sched_zone(const char *name)
{
	struct zone *z;

	if (name == NULL)
		name = *zone_process_tz() ? zone_process_tz() : "UTC";
	if ((z = zone_get(name)) == NULL)
		fail(RX_INVALID, "--tz: unknown time zone %s", name);
	return z;
}

int
sched_duration(const char *s, const char *opt, long min, long max, long *secs)
{
	char a[32], b[32];
	long v = duration_scan(s);

	if (v < 0)
		return fail(RX_INVALID, "%s: not a duration: '%s' (write 30m, "
		    "1h or 1h30m)", opt, s);
	if (v < min || v > max)
		return fail(RX_INVALID, "%s: %s is out of range (%s to %s)",
		    opt, s, duration_text(min, a, sizeof a),
		    duration_text(max, b, sizeof b));
	*secs = v;
	return 0;
}

void
sched_spans(const struct user *u, struct zone *z, time_t lo, time_t hi,
    int hours_only, struct spans *out)
{
	struct user h;
	time_t t = lo, nx;

	out->n = 0;
	if (hours_only) {
		/* The same model with nothing but the hours. */
		h = *u;
		h.nooo = 0;
		h.has_override = 0;
		u = &h;
	}
	if (u->has_override && (u->override_until == -1 ||
	    u->override_until > lo)) {
		nx = u->override_until == -1 || u->override_until > hi ? hi :
		    u->override_until;
		if (!u->override_away)
			spans_add(out, lo, nx);
		t = nx;
	}
	while (t < hi) {
		int away = avail_sched(u, z, t, NULL);
		nx = avail_sched_change(u, z, t);
		if (nx == -1 || nx > hi)
			nx = hi;
		if (!away)
			spans_add(out, t, nx);
		t = nx;
	}
}

static int
cmp_span(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Seconds of [a, b) inside some absence of u. */
static long
ooo_within(const struct user *u, time_t a, time_t b)
{
	struct span *p = xcalloc(u->nooo + 1, sizeof *p);
	size_t i, k = 0;
	time_t reach = a;
	long sum = 0;

	for (i = 0; i < u->nooo; i++) {
		time_t s = u->ooo[i].start < a ? a : u->ooo[i].start;
		time_t e = u->ooo[i].end > b ? b : u->ooo[i].end;
		if (s < e) {
			p[k].start = s;
			p[k++].end = e;
		}
	}
	qsort(p, k, sizeof *p, cmp_span);
	for (i = 0; i < k; i++) {
		time_t s = p[i].start < reach ? reach : p[i].start;
		if (p[i].end > s) {
			sum += (long)(p[i].end - s);
			reach = p[i].end;
		}
	}
	free(p);
	return sum;
}

void
sched_away(const struct user *u, struct zone *z, time_t lo, time_t hi,
    long secs[5])
{
	time_t t = lo, nx;
	long o;

	memset(secs, 0, 5 * sizeof *secs);
	if (u->has_override && (u->override_until == -1 ||
	    u->override_until > lo)) {
		nx = u->override_until == -1 || u->override_until > hi ? hi :
		    u->override_until;
		if (u->override_away)
			secs[AV_MANUAL] += (long)(nx - lo);
		t = nx;
	}
	while (t < hi) {
		int away = avail_sched(u, z, t, NULL);
		nx = avail_sched_change(u, z, t);
		if (nx == -1 || nx > hi)
			nx = hi;
		if (away) {
			o = ooo_within(u, t, nx);
			secs[AV_OOO] += o;
			secs[AV_OFFHOURS] += (long)(nx - t) - o;
		}
		t = nx;
	}
}

/* 1 if [a, b) lies inside one span of s. */
static int
spans_cover(const struct spans *s, time_t a, time_t b)
{
	size_t lo = 0, hi = s->n, mid;

	/* The last span starting at or before a. */
	while (hi - lo > 0) {
		mid = lo + (hi - lo) / 2;
		if (s->v[mid].start <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && s->v[lo - 1].end >= b;
}

/* A stretch of time [a, b) over which z keeps offset off. */
struct seg {
	time_t a, b;
	long off;
};

static size_t
segments(struct zone *z, time_t lo, time_t hi, struct seg **out)
{
	struct seg *v = NULL;
	size_t n = 0, cap = 0;
	time_t a = lo, c;

	while (a < hi) {
		c = zone_next_change(z, a, hi);
		if (n == cap) {
			cap = cap ? 2 * cap : 8;
			v = xrealloc(v, cap * sizeof *v);
		}
		v[n].a = a;
		v[n].b = c == -1 ? hi : c;
		v[n].off = zone_offset(z, a);
		a = v[n++].b;
	}
	*out = v;
	return n;
}

static long
floordiv(long long a, long b)
{
	return (long)(a >= 0 ? a / b : -((-a + b - 1) / b));
}

/* The instants t, lo <= t < hi, whose wall clock in z reads a whole
 * multiple of step seconds after that day's midnight (step need not
 * divide a day: each day starts again at 00:00).  malloc'd, sorted. */
static size_t
sched_starts(struct zone *z, time_t lo, time_t hi, long step, time_t **out)
{
	struct seg *sg;
	size_t ns, i, n = 0, cap = 0;
	time_t *v = NULL;
	long d, m;

	ns = segments(z, lo, hi, &sg);
	for (i = 0; i < ns; i++) {
		long long la = (long long)sg[i].a + sg[i].off;
		long long lb = (long long)sg[i].b + sg[i].off;
		for (d = floordiv(la, DAY); (long long)d * DAY < lb; d++) {
			long long day = (long long)d * DAY;
			/* The first multiple of step at or after la. */
			m = la > day ? (long)((la - day + step - 1) / step) * step : 0;
			for (; m < DAY && day + m < lb; m += step) {
				time_t t = (time_t)(day + m - sg[i].off);
				if (n == cap) {
					cap = cap ? 2 * cap : 256;
					v = xrealloc(v, cap * sizeof *v);
				}
				v[n++] = t;
			}
		}
	}
	free(sg);
	*out = v;
	return n;
}

void
sched_slot_window(const struct slotreq *rq, time_t *lo, time_t *hi)
{
	time_t first = rq->from > rq->earliest ? rq->from : rq->earliest;

	*hi = rq->to + rq->duration + rq->buffer;
	*lo = first - rq->buffer;
	if (*lo > *hi)
		*lo = *hi;
}

size_t
sched_slots(const struct slotreq *rq, const struct spans *m, size_t n,
    void (*found)(time_t start, const size_t *who, size_t k, void *arg),
    void *arg)
{
	time_t first = rq->from > rq->earliest ? rq->from : rq->earliest;
	time_t *starts = NULL;
	size_t ns = 0, i, j, k, slots = 0;
	size_t *who = xcalloc(n + 1, sizeof *who);

	if (first < rq->to)
		ns = sched_starts(rq->tz, first, rq->to, rq->step, &starts);
	for (i = 0; i < ns; i++) {
		time_t a = starts[i] - rq->buffer;
		time_t b = starts[i] + rq->duration + rq->buffer;
		for (j = k = 0; j < n; j++)
			if (spans_cover(&m[j], a, b))
				who[k++] = j;
			else if (rq->all)
				break;
		if (k == 0 || (rq->all && k < n))
			continue;
		found(starts[i], who, k, arg);
		slots++;
	}
	free(starts);
	free(who);
	return slots;
}

void
sched_week_window(struct zone *tz, long monday, time_t *lo, time_t *hi)
{
	(void)tz;
	*lo = (time_t)monday * DAY - MAXOFF;
	*hi = (time_t)(monday + 7) * DAY + MAXOFF;
}

/* The pieces of time whose wall clock lies in [l0, l1) (local seconds):
 * at most one per segment, joined where they touch.  Their number. */
static size_t
pieces(const struct seg *sg, size_t ns, long long l0, long long l1,
    struct span *p, size_t max)
{
	size_t i, k = 0;

	for (i = 0; i < ns && k < max; i++) {
		time_t a = (time_t)(l0 - sg[i].off), b = (time_t)(l1 - sg[i].off);
		if (a < sg[i].a)
			a = sg[i].a;
		if (b > sg[i].b)
			b = sg[i].b;
		if (a >= b)
			continue;
		if (k > 0 && p[k - 1].end == a)
			p[k - 1].end = b;
		else {
			p[k].start = a;
			p[k++].end = b;
		}
	}
	return k;
}

/* 1 if every piece lies in one span of s. */
static int
covers_all(const struct spans *s, const struct span *p, size_t k)
{
	size_t i;

	for (i = 0; i < k; i++)
		if (!spans_cover(s, p[i].start, p[i].end))
			return 0;
	return 1;
}

size_t
sched_coverage(struct zone *tz, long monday, long step, long min,
    const struct spans *avail, const struct spans *hours, size_t n,
    struct cell **cells)
{
	size_t per = (size_t)(DAY / step), nc = 7 * per, c, k, j, ns;
	struct cell *v = xcalloc(nc, sizeof *v);
	struct span p[8];
	struct seg *sg;
	time_t lo, hi;

	sched_week_window(tz, monday, &lo, &hi);
	ns = segments(tz, lo, hi, &sg);
	for (c = 0; c < nc; c++) {
		long long l0 = ((long long)monday + (long long)(c / per)) * DAY +
		    (long long)(c % per) * step;
		v[c].day = (int)(c / per);
		v[c].minute = (long)(c % per) * step / 60;
		k = pieces(sg, ns, l0, l0 + step, p, 8);
		if (k == 0) {
			/* Skipped by a spring-forward: no time to cover. */
			v[c].start = v[c].end = -1;
			v[c].count = -1;
			continue;
		}
		v[c].start = p[0].start;
		v[c].end = p[k - 1].end;
		for (j = 0; j < n; j++) {
			if (covers_all(&avail[j], p, k))
				v[c].count++;
			if (!v[c].in_window && covers_all(&hours[j], p, k))
				v[c].in_window = 1;
		}
		v[c].gap = v[c].in_window && v[c].count < min;
	}
	free(sg);
	*cells = v;
	return nc;
}
