/*
 * ooo.h — adding an out-of-office period, and periods in a window.
 *
 * ooo_add() adds period p to u's periods (kept sorted by start, then
 * end), unless u has exactly that period already: then u is unchanged
 * and OOO_SAME is returned, so that adding the same period again is safe.
 * A period of u that overlaps p (shares an instant with it) without being
 * p is handed back through *overlap for the caller to mention; it is no
 * error (a trip inside a longer leave is normal).
 * Times are instants (time_t): start <= t < end.
 */
#ifndef ROSTER_OOO_H
#define ROSTER_OOO_H

#include <time.h>

struct user;
struct period;

enum { OOO_ADDED, OOO_SAME };

/* p.source and p.uid are taken over when OOO_ADDED (else left to the
 * caller).  *overlap: the first other period that overlaps, or NULL. */
int ooo_add(struct user *u, const struct period *p,
    const struct period **overlap);

/* 1 if p shares an instant with [from, to). */
int ooo_overlaps(const struct period *p, time_t from, time_t to);

#endif
