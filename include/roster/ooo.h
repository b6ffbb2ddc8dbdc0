/*
 * ooo.h — a user's out-of-office periods: adding one, removing those a
 * rule picks, their order, and periods in a window.
 *
 * ooo_add() adds period p to u's periods (kept sorted by start, then
 * end), unless u has exactly that period already: then u is unchanged
 * and OOO_SAME is returned, so that adding the same period again is safe.
 * A period of u that overlaps p (shares an instant with it) without being
 * p is handed back through *overlap for the caller to mention; it is no
 * error (a trip inside a longer leave is normal).
 * ooo_remove_if() drops the periods a predicate picks (ooo-rm's --start,
 * --all and --past are the predicates ooo_pick_*()), freeing what each
 * owned, and keeps the others in their order.
 * Times are instants (time_t): start <= t < end.  Only ooo_period()
 * fails (0 or an exit code of err.h, the message recorded); allocation
 * that fails exits (err.h).  Source: ooo-add(1),
 * ooo-rm(1), roster(5) "users/EMAIL.yaml".
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

/* The period from..to, each a time as time_parse() (timefmt.h) reads it
 * in zone, a date alone for to meaning the end of that day; p's other
 * fields are zeroed.  0, or RX_INVALID: a bad time, or one that ends
 * before it starts ("--to TO is not after --from FROM"). */
int ooo_period(const char *from, const char *to, const char *zone,
    struct period *p);

/* 1 if p shares an instant with [from, to). */
int ooo_overlaps(const struct period *p, time_t from, time_t to);

/* How a listing shows p (ooo-list, ooo-add EMAIL): a table in zone, the
 * user's zone, for people to read; the other formats of out.h (fmt) in
 * UTC, for programs.  start and end get at least 40 bytes each. */
void ooo_times(const struct period *p, const char *zone, int fmt,
    char *start, char *end);

/* The order periods are kept in: by start, then by end (a qsort()
 * comparator on struct period). */
int ooo_cmp(const void *a, const void *b);

/* What ooo-rm removes: the predicates of ooo_remove_if(), each with
 * the instant it is given. */
int ooo_pick_all(const struct period *p, time_t unused);
int ooo_pick_past(const struct period *p, time_t now);	/* ended by now */
int ooo_pick_start(const struct period *p, time_t start); /* begins then */

/* Remove from u every period for which pick(p, t) is 1, calling
 * gone(u, p, arg) on each (NULL: none) before it is freed.  Returns how
 * many were removed. */
size_t ooo_remove_if(struct user *u, int (*pick)(const struct period *,
    time_t), time_t t, void (*gone)(const struct user *,
    const struct period *, void *), void *arg);

#endif
