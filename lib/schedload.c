/* schedload.c — the members slots and coverage ask about. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "roster/err.h"
#include "roster/rotation.h"
#include "roster/rules.h"
#include "roster/sched.h"
#include "roster/store.h"
#include "roster/uindex.h"
#include "roster/user.h"
#include "roster/util.h"
#include "roster/zone.h"

void
members_free(struct members *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		user_free(&m->u[i]);
	free(m->u);
	free(m->z);
	memset(m, 0, sizeof *m);
}

/* Keep u (moved into m) if its zone is known; else report it. */
static void
keep(struct store *st, struct members *m, struct user *u,
    void (*bad)(int code, void *arg), void *arg)
{
	struct zone *z = zone_get(user_zone(st, u));

	if (z == NULL) {
		fail(RX_STORE, "users/%s: unknown time zone %s", u->email,
		    user_zone(st, u));
		if (bad)
			bad(RX_STORE, arg);
		user_free(u);
		return;
	}
	m->u[m->n] = *u;
	m->z[m->n++] = z;
}

static int
load_team(struct store *st, const char *team, struct members *m,
    void (*bad)(int code, void *arg), void *arg)
{
	struct brieflist ul;
	size_t i;
	int rc;

	memset(&ul, 0, sizeof ul);
	if ((rc = user_scan(st, team, &ul, bad, arg)) != 0)
		return rc;
	m->u = xcalloc(ul.n + 1, sizeof *m->u);
	m->z = xcalloc(ul.n + 1, sizeof *m->z);
	for (i = 0; i < ul.n; i++) {
		if (strv_has(&ul.b[i].u.teams, team))
			keep(st, m, &ul.b[i].u, bad, arg);
		else
			user_free(&ul.b[i].u);
	}
	free(ul.b);
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcasecmp(*(char *const *)a, *(char *const *)b);
}

static int
load_named(struct store *st, char **emails, size_t ne, struct members *m,
    void (*bad)(int code, void *arg), void *arg)
{
	struct user u;
	char **v = xcalloc(ne + 1, sizeof *v);
	size_t i;
	int rc = 0;

	for (i = 0; i < ne; i++)
		v[i] = emails[i];
	qsort(v, ne, sizeof *v, cmp_str);
	m->u = xcalloc(ne + 1, sizeof *m->u);
	m->z = xcalloc(ne + 1, sizeof *m->z);
	for (i = 0; i < ne && rc == 0; i++) {
		if (m->n > 0 && strcasecmp(m->u[m->n - 1].email, v[i]) == 0)
			continue;
		rc = user_load(st, v[i], USER_ACTIVE, &u);
		if (rc == RX_NOTFOUND)
			break;
		if (rc) {
			/* Unreadable: reported, and the others answered. */
			if (bad)
				bad(rc, arg);
			rc = 0;
			continue;
		}
		keep(st, m, &u, bad, arg);
	}
	free(v);
	return rc;
}

/* The caller's bad(), counting the files it is told about. */
struct tally {
	void (*bad)(int code, void *arg);
	void *arg;
	size_t n;
};

static void
tally_bad(int code, void *arg)
{
	struct tally *t = arg;

	t->n++;
	if (t->bad)
		t->bad(code, t->arg);
}

int
members_load(struct store *st, const char *team, char **emails, size_t ne,
    struct members *m, void (*bad)(int code, void *arg), void *arg)
{
	struct tally t = { bad, arg, 0 };
	int rc;

	memset(m, 0, sizeof *m);
	if (team) {
		rc = load_team(st, team, m, tally_bad, &t);
		/* A team whose only members are unreadable is not unknown. */
		if (rc == 0 && m->n == 0 && t.n == 0 &&
		    (rc = team_unknown(st, team)) == 0)
			rc = fail(RX_NOTFOUND, "no team %s", team);
	} else
		rc = load_named(st, emails, ne, m, bad, arg);
	return rc;
}

int
members_rr_order(struct store *st, const char *team, const struct members *m,
    size_t *order)
{
	struct rotation rot;
	struct member *mm;
	size_t i;
	long first = 0;
	int rc;

	if (team && m->n > 0) {
		/* The member assign-next would pick were everyone free. */
		if ((rc = rotation_load(st, &rot)) != 0)
			return rc;
		mm = xcalloc(m->n, sizeof *mm);
		for (i = 0; i < m->n; i++) {
			mm[i].email = m->u[i].email;
			mm[i].eligible = 1;
			mm[i].capacity = -1;
		}
		first = rotation_choose(mm, m->n, rotation_last(&rot, team),
		    MODE_ROUND_ROBIN);
		free(mm);
		rotation_free(&rot);
	}
	for (i = 0; i < m->n; i++)
		order[i] = ((size_t)first + i) % m->n;
	return 0;
}
