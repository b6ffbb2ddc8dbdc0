/* ooo.c — a user's out-of-office periods (ooo.h). */
#include <stdlib.h>
#include <string.h>

#include "roster/err.h"
#include "roster/ooo.h"
#include "roster/out.h"
#include "roster/timefmt.h"
#include "roster/user.h"
#include "roster/util.h"

int
ooo_cmp(const void *a, const void *b)
{
	const struct period *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->end > y->end) - (x->end < y->end);
}

void
ooo_times(const struct period *p, const char *zone, int fmt, char *start,
    char *end)
{
	if (fmt == FMT_TABLE) {
		time_in_zone(p->start, zone, start);
		time_in_zone(p->end, zone, end);
	} else {
		time_utc(p->start, start);
		time_utc(p->end, end);
	}
}

int
ooo_period(const char *from, const char *to, const char *zone,
    struct period *p)
{
	int rc;

	memset(p, 0, sizeof *p);
	if ((rc = time_parse(from, zone, 0, &p->start)) != 0 ||
	    (rc = time_parse(to, zone, 1, &p->end)) != 0)
		return rc;
	if (p->end <= p->start)
		return fail(RX_INVALID, "--to %s is not after --from %s", to,
		    from);
	return 0;
}

int
ooo_overlaps(const struct period *p, time_t from, time_t to)
{
	return p->start < to && from < p->end;
}

int
ooo_add(struct user *u, const struct period *p,
    const struct period **overlap)
{
	size_t i;

	*overlap = NULL;
	for (i = 0; i < u->nooo; i++)
		if (u->ooo[i].start == p->start && u->ooo[i].end == p->end)
			return OOO_SAME;
	u->ooo = xrealloc(u->ooo, (u->nooo + 1) * sizeof *u->ooo);
	u->ooo[u->nooo++] = *p;
	qsort(u->ooo, u->nooo, sizeof *u->ooo, ooo_cmp);
	for (i = 0; i < u->nooo; i++)
		if ((u->ooo[i].start != p->start || u->ooo[i].end != p->end) &&
		    ooo_overlaps(&u->ooo[i], p->start, p->end)) {
			*overlap = &u->ooo[i];
			break;
		}
	return OOO_ADDED;
}

int
ooo_pick_all(const struct period *p, time_t unused)
{
	(void)p;
	(void)unused;
	return 1;
}

int
ooo_pick_past(const struct period *p, time_t now)
{
	return p->end <= now;
}

int
ooo_pick_start(const struct period *p, time_t start)
{
	return p->start == start;
}

size_t
ooo_remove_if(struct user *u, int (*pick)(const struct period *, time_t),
    time_t t, void (*gone)(const struct user *, const struct period *,
    void *), void *arg)
{
	size_t i, j = 0;

	for (i = 0; i < u->nooo; i++) {
		struct period *p = &u->ooo[i];
		if (!pick(p, t)) {
			u->ooo[j++] = *p;
			continue;
		}
		if (gone != NULL)
			gone(u, p, arg);
		free(p->source);
		free(p->uid);
	}
	i -= j;
	u->nooo = j;
	return i;
}
