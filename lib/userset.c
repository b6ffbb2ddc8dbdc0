/* userset.c — the users a command acts on (userset.h). */
#include <string.h>

#include "roster/err.h"
#include "roster/rules.h"
#include "roster/uindex.h"
#include "roster/user.h"
#include "roster/userset.h"

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
	struct userlist all;
	size_t i;
	int rc;

	memset(&all, 0, sizeof all);
	if ((rc = user_scan(st, team, &all, err_tally, unread)) != 0)
		return rc;
	for (i = 0; i < all.n; i++)
		if (strv_has(&all.u[i].teams, team) &&
		    !strv_has(emails, all.u[i].email))
			strv_add(emails, all.u[i].email);
	userlist_free(&all);
	/* A team whose only members do not read is not unknown. */
	if (emails->n == 0 && *unread == 0 &&
	    (rc = team_unknown(st, team)) == 0)
		rc = fail(RX_NOTFOUND, "no team %s", team);
	return rc;
}
