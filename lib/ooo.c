/* ooo.c — adding an out-of-office period (ooo.h). */
#include <stdlib.h>
#include <string.h>

#include "roster/ooo.h"
#include "roster/user.h"
#include "roster/util.h"

static int
cmp_period(const void *a, const void *b)
{
	const struct period *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->end > y->end) - (x->end < y->end);
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
	qsort(u->ooo, u->nooo, sizeof *u->ooo, cmp_period);
	for (i = 0; i < u->nooo; i++)
		if ((u->ooo[i].start != p->start || u->ooo[i].end != p->end) &&
		    ooo_overlaps(&u->ooo[i], p->start, p->end)) {
			*overlap = &u->ooo[i];
			break;
		}
	return OOO_ADDED;
}
