/* userset.c — the users a command acts on (userset.h). */
#include <string.h>

#include "roster/err.h"
#include "roster/rules.h"
#include "roster/txn.h"
#include "roster/uindex.h"
#include "roster/user.h"
#include "roster/userset.h"
#include "roster/util.h"

void
users_load(struct store *st, char *const *emails, size_t n,
    struct userlist *ul, int *first)
{
	size_t i;
	int rc;

	memset(ul, 0, sizeof *ul);
	ul->u = xcalloc(n ? n : 1, sizeof *ul->u);
	for (i = 0; i < n; i++) {
		if ((rc = user_load(st, emails[i], USER_ACTIVE,
		    &ul->u[ul->n])) != 0)
			batch_fail(first, rc);
		else
			ul->n++;
	}
}

int
users_of_team(struct store *st, const char *team, struct strv *emails,
    int *unread)
{
	struct brieflist all;
	size_t i;
	int rc;

	memset(&all, 0, sizeof all);
	if ((rc = user_scan(st, team, &all, err_tally, unread)) != 0)
		return rc;
	for (i = 0; i < all.n; i++)
		if (strv_has(&all.b[i].u.teams, team) &&
		    !strv_has(emails, all.b[i].u.email))
			strv_add(emails, all.b[i].u.email);
	brieflist_free(&all);
	/* A team whose only members do not read is not unknown. */
	if (emails->n == 0 && *unread == 0 &&
	    (rc = team_unknown(st, team)) == 0)
		rc = fail(RX_NOTFOUND, "no team %s", team);
	return rc;
}

int
users_save(struct store *st, struct user *us, size_t n, const int *changed,
    time_t now)
{
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < n; i++)
		if (changed == NULL || changed[i])
			rc = user_save(st, &us[i], USER_ACTIVE);
	return rc ? rc : txn_commit(st, now);
}
