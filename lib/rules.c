/* rules.c — the rules about people, each once (rules.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "roster/err.h"
#include "roster/records.h"
#include "roster/rules.h"
#include "roster/store.h"
#include "roster/uindex.h"
#include "roster/user.h"
#include "roster/util.h"

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
	if (is_primary_contact(u))
		k += add_why(why, xasprintf("%s is the primary contact: name "
		    "another user as primary first: user-mod --contact primary "
		    "OTHER", u->email));
	for (i = 0; i < u->contacts.n; i++)
		if (strcmp(u->contacts.v[i], "primary") != 0)
			k += add_why(why, xasprintf("%s is the %s contact: "
			    "remove it first: user-mod --no-contact %s %s",
			    u->email, u->contacts.v[i], u->contacts.v[i],
			    u->email));
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

int
team_name(const char *in, char **out)
{
	const unsigned char *p;
	size_t b = 0, e = strlen(in);

	*out = NULL;
	while (in[b] == ' ' || in[b] == '\t')
		b++;
	while (e > b && (in[e - 1] == ' ' || in[e - 1] == '\t'))
		e--;
	if (e == b)
		return fail(RX_INVALID, "empty team name");
	for (p = (const unsigned char *)in + b;
	    p < (const unsigned char *)in + e; p++)
		if (*p == ',' || *p < 0x20 || *p == 0x7f)
			return fail(RX_INVALID, "bad team name '%.*s': %s",
			    (int)(e - b), in + b, *p == ',' ? "',' separates "
			    "teams; give --team once per team" :
			    "a control character");
	*out = xstrndup(in + b, e - b);
	return 0;
}

/* 1 if a and b are the same letter, without regard to ASCII case. */
static int
same_char(const char *a, const char *b)
{
	return strncasecmp(a, b, 1) == 0;
}

/* Edit distance of a and b, without regard to ASCII case: insertions,
 * deletions, substitutions and the swap of two adjacent letters each
 * count one (Damerau, optimal string alignment), so that emial is one
 * edit from email as workinghours is from working_hours. */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, d, *r0, *r1, *r2, *t;

	r0 = xcalloc(lb + 1, sizeof *r0);	/* row i - 2 */
	r1 = xcalloc(lb + 1, sizeof *r1);	/* row i - 1 */
	r2 = xcalloc(lb + 1, sizeof *r2);	/* row i */
	for (j = 0; j <= lb; j++)
		r1[j] = j;
	for (i = 1; i <= la; i++) {
		r2[0] = i;
		for (j = 1; j <= lb; j++) {
			d = r1[j - 1] + !same_char(a + i - 1, b + j - 1);
			if (r1[j] + 1 < d)
				d = r1[j] + 1;
			if (r2[j - 1] + 1 < d)
				d = r2[j - 1] + 1;
			if (i > 1 && j > 1 &&
			    same_char(a + i - 1, b + j - 2) &&
			    same_char(a + i - 2, b + j - 1) &&
			    r0[j - 2] + 1 < d)
				d = r0[j - 2] + 1;
			r2[j] = d;
		}
		t = r0;
		r0 = r1;
		r1 = r2;
		r2 = t;
	}
	d = r1[lb];
	free(r0);
	free(r1);
	free(r2);
	return d;
}

/* A file that does not load is reported by the listing that called. */
static void
ignore_bad(int code, void *arg)
{
	(void)code;
	(void)arg;
}

int
team_unknown(struct store *st, const char *team)
{
	struct brieflist ul;
	const char *best = NULL;
	size_t i, k, d, bestd = (size_t)-1, near;
	int rc;

	if ((rc = user_scan(st, NULL, &ul, ignore_bad, NULL)) != 0)
		return rc;
	for (i = 0; i < ul.n; i++)
		for (k = 0; k < ul.b[i].u.teams.n; k++) {
			const char *t = ul.b[i].u.teams.v[k];
			if (strcmp(t, team) == 0) {
				brieflist_free(&ul);
				return 0;
			}
			if ((d = distance(t, team)) < bestd ||
			    (d == bestd && strcmp(t, best) < 0)) {
				bestd = d;
				best = t;
			}
		}
	near = strlen(team) / 3 > 2 ? strlen(team) / 3 : 2;
	if (best && bestd <= near)
		rc = fail(RX_NOTFOUND, "no team %s (did you mean %s?)", team,
		    best);
	else
		rc = fail(RX_NOTFOUND, "no team %s", team);
	brieflist_free(&ul);
	return rc;
}

int
import_fits(size_t rows)
{
	return rows <= IMPORT_MAX;
}

const char *const contact_roles[] = { "primary", "billing", "technical",
	NULL };

int
contact_role_valid(const char *r)
{
	size_t i;

	for (i = 0; contact_roles[i]; i++)
		if (strcmp(r, contact_roles[i]) == 0)
			return 1;
	return 0;
}

/* 0 if every role of roles is a point-of-contact role. */
static int
contacts_valid(const struct strv *roles)
{
	size_t i;

	for (i = 0; i < roles->n; i++)
		if (!contact_role_valid(roles->v[i]))
			return fail(RX_INVALID, "unknown contact role '%s' "
			    "(primary, billing, technical)", roles->v[i]);
	return 0;
}

int
contact_change_check(const struct strv *add, const struct strv *drop,
    size_t n)
{
	int rc;

	if ((rc = contacts_valid(add)) != 0 ||
	    (rc = contacts_valid(drop)) != 0)
		return rc;
	if (strv_has(drop, "primary"))
		return fail(RX_RULE, "the primary contact cannot be removed, "
		    "only handed on: name another user as primary instead: "
		    "user-mod --contact primary OTHER");
	if (strv_has(add, "primary") && n > 1)
		return fail(RX_RULE, "there is one primary contact: give "
		    "--contact primary to one user at a time");
	return 0;
}

size_t
super_admins(const struct userlist *ul,
    int (*after)(const struct user *u, void *arg), void *arg)
{
	size_t i, n = 0;

	for (i = 0; i < ul->n; i++)
		n += after ? after(&ul->u[i], arg) != 0 :
		    ul->u[i].super_admin != 0;
	return n;
}

int
super_admin_lost(size_t before, size_t after)
{
	return before > 0 && after == 0;
}

int
super_admin_grant_fits(size_t n)
{
	return n == 1;
}

int
is_primary_contact(const struct user *u)
{
	return strv_has(&u->contacts, "primary");
}

const char *
primary_contact_other(const struct userlist *ul, const char *except)
{
	size_t i;

	for (i = 0; i < ul->n; i++)
		if (is_primary_contact(&ul->u[i]) && (except == NULL ||
		    strcasecmp(ul->u[i].email, except) != 0))
			return ul->u[i].email;
	return NULL;
}

void
primary_contact_hand_on(struct userlist *ul,
    int (*in_change)(const char *email, void *arg), void *arg,
    struct userlist *handed)
{
	size_t i;

	for (i = 0; i < ul->n; i++) {
		if (in_change(ul->u[i].email, arg) ||
		    !is_primary_contact(&ul->u[i]))
			continue;
		if (handed->n == handed->cap) {
			handed->cap = handed->cap ? handed->cap * 2 : 4;
			handed->u = xrealloc(handed->u,
			    handed->cap * sizeof *handed->u);
		}
		handed->u[handed->n] = ul->u[i];
		strv_remove(&handed->u[handed->n].contacts, "primary");
		handed->n++;
		/* Moved, not copied: ul keeps an empty user in its place. */
		memset(&ul->u[i], 0, sizeof ul->u[i]);
		user_init(&ul->u[i], "x@x.invalid");
	}
}

char *
owner_deactivated(const char *owner)
{
	return xasprintf("Deactivated User (%s)", owner);
}

int
owner_active(struct store *st, const char *owner)
{
	return user_exists(st, owner, USER_ACTIVE) ||
	    !user_exists(st, owner, USER_REMOVED);
}

int
user_has_hours(const struct store *st, const struct user *u)
{
	const struct hoursdef *d;

	if (!hours_empty(&u->hours))
		return 1;
	d = store_hours_default(st, &u->teams);
	return d != NULL && d->hours != NULL && !hours_empty(d->hours);
}

const char *
user_key_near(const char *key)
{
	size_t i;

	for (i = 0; user_known_keys[i]; i++)
		if (strcmp(key, user_known_keys[i]) != 0 &&
		    distance(key, user_known_keys[i]) <= 1)
			return user_known_keys[i];
	return NULL;
}
