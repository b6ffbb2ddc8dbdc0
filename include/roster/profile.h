/*
 * profile.h — the options user-add and user-mod share that set a user's
 * profile: names, role, permissions, super admin, teams, seat, capacity,
 * time zone.  One check against the store and one way of applying them.
 *
 * A struct profile holds the options as given: the strings point into
 * argv (not owned), the lists are the profile's (profile_free()).  NULL,
 * 0 or an empty list: not given.  profile_check() returns 0 or an exit
 * code with the message recorded, checking in this order: a role
 * roster.ini does not define (RX_NOTFOUND; the empty role clears it,
 * where empty_role allows that), an unknown permission, a zone not in the
 * time zone database, a bad seat, a bad capacity (RX_INVALID).
 * profile_apply() changes the user in memory only and cannot fail.
 * Source: user-add(1), user-mod(1) OPTIONS; roster(5) users/EMAIL.yaml.
 */
#ifndef ROSTER_PROFILE_H
#define ROSTER_PROFILE_H

#include "roster/util.h"

struct store;
struct user;

struct profile {
	const char *first, *last;	/* "": no name */
	const char *role;		/* "": no role */
	const char *seat;		/* "none": no seat */
	const char *zone;		/* an IANA zone (hours_set()) */
	const char *capacity;		/* "none" or 0..1000000000 */
	long cap;			/* capacity as checked, -1: none */
	struct strv perms;		/* with has_perms: replaces them */
	int has_perms;
	int super_admin, no_super_admin;	/* give, take away */
	struct strv teams, noteams;	/* joined, left */
};

/* Check p's values; sets p->cap.  empty_role: 1 if --role "" may clear
 * the role (a new user has none to clear: 0). */
int profile_check(const struct store *st, struct profile *p, int empty_role);

/* Apply p to u: names, role, seat replaced (empty: removed); the
 * permissions replaced by the list without repeats; the teams joined
 * (each once, after those u has) and left; capacity and zone set. */
void profile_apply(const struct profile *p, struct user *u);

void profile_free(struct profile *p);

#endif
