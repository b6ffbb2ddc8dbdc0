/* profile.c — the profile options user-add and user-mod share
 * (profile.h). */
#include <stdlib.h>
#include <string.h>

#include "roster/err.h"
#include "roster/hours.h"
#include "roster/profile.h"
#include "roster/store.h"
#include "roster/user.h"
#include "roster/util.h"
#include "roster/zone.h"

/* Each permission given is one roster knows (store.h). */
static int
perms_check(const struct strv *perms)
{
	size_t i;

	for (i = 0; i < perms->n; i++)
		if (!store_permission_valid(perms->v[i]))
			return fail(RX_INVALID, "unknown permission '%s' "
			    "(contacts companies deals tickets conversations "
			    "reports marketing users billing portal)",
			    perms->v[i]);
	return 0;
}

/* --capacity: a whole number, or none (-1).  0 pauses routing for one
 * user: no new records. */
static int
capacity_check(const char *s, long *cap)
{
	if (strcmp(s, "none") == 0) {
		*cap = -1;
		return 0;
	}
	if (parse_long(s, 0, 1000000000, cap) != 0)
		return fail(RX_INVALID, "bad capacity '%s': want a whole "
		    "number from 0 or none", s);
	return 0;
}

int
profile_check(const struct store *st, struct profile *p, int empty_role)
{
	int rc;

	if (p->role && (*p->role || !empty_role) &&
	    store_role(st, p->role) == NULL)
		return fail(RX_NOTFOUND, "no such role '%s' in roster.ini "
		    "(add a [role \"%s\"] section first)", p->role, p->role);
	if ((rc = perms_check(&p->perms)) != 0)
		return rc;
	if (p->zone && (rc = zone_check(p->zone)) != 0)
		return rc;
	if (p->seat && !seat_valid(p->seat))
		return fail(RX_INVALID, "bad seat '%s' (none, sales-starter, "
		    "sales-professional, service-professional, ...)", p->seat);
	if (p->capacity)
		return capacity_check(p->capacity, &p->cap);
	return 0;
}

/* Replace *s with a copy of v (NULL or "": absent). */
static void
set_str(char **s, const char *v)
{
	free(*s);
	*s = v && *v ? xstrdup(v) : NULL;
}

/* Each of add not in sv yet, appended in order. */
static void
add_new(struct strv *sv, const struct strv *add)
{
	size_t i;

	for (i = 0; i < add->n; i++)
		if (!strv_has(sv, add->v[i]))
			strv_add(sv, add->v[i]);
}

void
profile_apply(const struct profile *p, struct user *u)
{
	size_t i;

	if (p->first)
		set_str(&u->first_name, p->first);
	if (p->last)
		set_str(&u->last_name, p->last);
	if (p->role)
		set_str(&u->role, p->role);
	if (p->has_perms) {
		strv_free(&u->perms);
		u->has_perms = 1;
		add_new(&u->perms, &p->perms);
	}
	if (p->super_admin)
		u->super_admin = 1;
	if (p->no_super_admin)
		u->super_admin = 0;
	if (p->capacity)
		u->capacity = p->cap;
	add_new(&u->teams, &p->teams);
	for (i = 0; i < p->noteams.n; i++)
		strv_remove(&u->teams, p->noteams.v[i]);
	if (p->seat)
		set_str(&u->seat, strcmp(p->seat, "none") ? p->seat : NULL);
	if (p->zone)
		hours_set(u, p->zone, NULL, HOURS_REPLACE);
}

void
profile_free(struct profile *p)
{
	strv_free(&p->perms);
	strv_free(&p->teams);
	strv_free(&p->noteams);
}
