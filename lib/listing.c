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
#include "roster/util.h"

int
listing_users(struct store *st, int removed, const char *team, int n,
    char **emails, struct brieflist *bl, int *bad, int *missing)
{
	struct userlist one;
	int i, r = 0;

	memset(bl, 0, sizeof *bl);
	memset(&one, 0, sizeof one);
	if (n == 0 && !removed)
		return user_scan(st, team, bl, err_tally, bad);
	if (n == 0)
		r = removed_list(st, NULL, &one, err_tally, bad);
	else if (!removed)
		users_load(st, emails, (size_t)n, &one, missing);
	brieflist_add_users(bl, &one);
	for (i = 0; removed && i < n; i++) {
		if ((r = removed_list(st, emails[i], &one, err_tally,
		    bad)) != 0)
			err_tally(r, missing);
		brieflist_add_users(bl, &one);
		r = 0;
	}
	return r;
}

int
listing_team_known(struct store *st, const struct brieflist *bl,
    const char *team)
{
	size_t i;

	for (i = 0; i < bl->n; i++)
		if (strv_has(&bl->b[i].u.teams, team))
			return 0;
	return team_unknown(st, team);
}
