/*
 * rotation.h — rotation.csv and the choice of the next user of a pool.
 *
 * rotation.csv holds, per pool (a team name, or "*" for everyone), the last
 * user assigned: pool,last,updated.  The choice is pure: given the pool's
 * members sorted by address, whether each is eligible, their open-record
 * counts and capacities, and the last assigned address, rotation_choose()
 * returns the index of the next user.  Round robin takes the first eligible
 * member after last (by address, so a last user who has since left the pool
 * still marks the place), wrapping around.  Balanced takes the eligible
 * member with the fewest open records; ties go to the larger free share
 * of capacity (no capacity: wholly free), then to round-robin order.
 */
#ifndef ROSTER_ROTATION_H
#define ROSTER_ROTATION_H

#include <stddef.h>
#include <time.h>

struct store;

enum { MODE_ROUND_ROBIN, MODE_BALANCED };

struct member {
	const char *email;
	int eligible;
	long open;		/* open records owned */
	long capacity;		/* -1: no limit */
};

/* The index of the next member, or -1 if none is eligible. */
long rotation_choose(const struct member *m, size_t n, const char *last,
    int mode);

struct rotation {
	char **pool, **last, **updated;
	size_t n;
};

int rotation_load(struct store *st, struct rotation *rot);
/* The last user of pool, or NULL. */
const char *rotation_last(const struct rotation *rot, const char *pool);
void rotation_set(struct rotation *rot, const char *pool, const char *last,
    time_t now);
int rotation_save(struct store *st, const struct rotation *rot);
void rotation_free(struct rotation *rot);

#endif
