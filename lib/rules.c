/* rules.c — who may take a record, who may be removed (rules.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "roster/err.h"
#include "roster/records.h"
#include "roster/rules.h"
#include "roster/store.h"
#include "roster/user.h"

#define FIRST_IDS 5

static int
owned_in(const struct record *r, const char *e, const char *state)
{
	return r->raw == NULL && strcasecmp(r->owner, e) == 0 &&
	    (state == NULL || strcmp(r->state, state) == 0);
}

static void
append(char **s, const char *fmt, const char *a, const char *b,
    const char *c)
{
	char *n = xasprintf(fmt, *s, a, b, c);

	free(*s);
	*s = n;
}

char *
records_owned_summary(const struct records *rs, const char *e,
    const char *state)
{
	struct strv types = { 0 };
	char *s = xstrdup(""), num[32];
	size_t i, shown = 0;

	for (i = 0; i < rs->n; i++)
		if (owned_in(&rs->r[i], e, state) &&
		    !strv_has(&types, rs->r[i].type))
			strv_add(&types, rs->r[i].type);
	for (i = 0; i < types.n; i++) {
		snprintf(num, sizeof num, "%zu",
		    records_count(rs, e, types.v[i], state));
		append(&s, "%s%s%s: %s", i ? ", " : "", types.v[i], num);
	}
	for (i = 0; i < rs->n && shown < FIRST_IDS; i++)
		if (owned_in(&rs->r[i], e, state)) {
			append(&s, "%s%s%s %s", shown ? ", " : " (first: ",
			    rs->r[i].type, rs->r[i].id);
			shown++;
		}
	append(&s, "%s%s%s%s", ")", "", "");
	strv_free(&types);
	return s;
}

static size_t
add_why(struct strv *why, char *msg)
{
	strv_add(why, msg);
	free(msg);
	return 1;
}

size_t
removal_blockers(const struct user *u, int last_sa, const struct records *rs,
    int records_dealt, struct strv *why)
{
	size_t k = 0, n, i;
	char *what;

	if (u->seat && seat_is_paid(u->seat))
		k += add_why(why, xasprintf("%s holds the paid seat %s: remove "
		    "it first: user-mod --seat none %s", u->email, u->seat,
		    u->email));
	if (strv_has(&u->contacts, "primary"))
		k += add_why(why, xasprintf("%s is the primary contact: name "
		    "another user as primary first: user-mod --contact primary "
		    "OTHER", u->email));
	for (i = 0; i < u->contacts.n; i++)
		if (strcmp(u->contacts.v[i], "primary") != 0)
			k += add_why(why, xasprintf("%s is the %s contact: remove "
			    "it first: user-mod --no-contact %s %s", u->email,
			    u->contacts.v[i], u->contacts.v[i], u->email));
	if (u->super_admin && last_sa)
		k += add_why(why, xasprintf("%s is the last super admin: make "
		    "another user super admin first: user-mod --super-admin "
		    "OTHER", u->email));
	if (!records_dealt && (n = records_count(rs, u->email, NULL,
	    RECORD_OPEN)) > 0) {
		what = records_owned_summary(rs, u->email, RECORD_OPEN);
		k += add_why(why, xasprintf("%s owns %zu open record%s in "
		    "records.csv: %s; move them with --reassign-to EMAIL, "
		    "return them to the backlog with --unassign, or remove "
		    "anyway with --force (the records keep the address)",
		    u->email, n, n == 1 ? "" : "s", what));
		free(what);
	}
	return k;
}

int
routing_eligible(int away, long capacity, long open)
{
	return !away && (capacity < 0 || open < capacity);
}
