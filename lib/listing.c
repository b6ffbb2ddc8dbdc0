/* listing.c — the users a listing shows (listing.h). */
#include <stdlib.h>
#include <string.h>

#include "roster/err.h"
#include "roster/listing.h"
#include "roster/removed.h"
#include "roster/rules.h"
#include "roster/store.h"
#include "roster/uindex.h"
#include "roster/user.h"
#include "roster/userset.h"

/* Append the users of more to ul (moved, not copied). */
static void
take_all(struct userlist *ul, struct userlist *more)
{
	if (more->n > 0) {	/* more->u may be NULL */
		ul->u = xrealloc(ul->u, (ul->n + more->n) * sizeof *ul->u);
		memcpy(ul->u + ul->n, more->u, more->n * sizeof *ul->u);
		ul->n += more->n;
	}
	free(more->u);
	memset(more, 0, sizeof *more);
}

int
listing_users(struct store *st, int removed, const char *team, int n,
    char **emails, struct userlist *ul, int *bad, int *missing)
{
	struct userlist one;
	int i, r;

	memset(ul, 0, sizeof *ul);
	if (n == 0)
		return removed ? removed_list(st, NULL, ul, err_tally, bad) :
		    user_scan(st, team, ul, err_tally, bad);
	if (!removed) {
		users_load(st, emails, (size_t)n, ul, missing);
		return 0;
	}
	for (i = 0; i < n; i++) {
		memset(&one, 0, sizeof one);
		if ((r = removed_list(st, emails[i], &one, err_tally,
		    bad)) != 0)
			err_tally(r, missing);
		take_all(ul, &one);
	}
	return 0;
}

int
listing_team_known(struct store *st, const struct userlist *ul,
    const char *team)
{
	size_t i;

	for (i = 0; i < ul->n; i++)
		if (strv_has(&ul->u[i].teams, team))
			return 0;
	return team_unknown(st, team);
}
