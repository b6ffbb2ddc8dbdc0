/*
 * listing.h — the users a listing shows (status, user-list).
 *
 * listing_users() gathers them: the addresses given (emails[0..n), in that
 * order; users_load() of userset.h for active users), else every active
 * user (of team, through the index; NULL: all) or, with removed, every
 * removal (removed.h).  They come as briefs (uindex.h: shown, never
 * saved) in bl, which the caller frees with brieflist_free().  A file that does not
 * load is reported where it is met (err_tally()) and its code kept in
 * *bad; an address given that does not load, in *missing (which may be
 * bad: one tally).  The rest are listed.  Returns 0, or the code of a store
 * that cannot be listed at all (message recorded, not printed).
 *
 * listing_team_known() is the rule for a --team that matched nobody: a
 * misspelt name more often than not (team_unknown(), exit 4 with the
 * closest name), not an empty listing.  Source: status(1), user-list(1).
 */
#ifndef ROSTER_LISTING_H
#define ROSTER_LISTING_H

struct store;
struct brieflist;

int listing_users(struct store *st, int removed, const char *team, int n,
    char **emails, struct brieflist *bl, int *bad, int *missing);

/* 0 if some user of bl is in team, else team_unknown()'s answer. */
int listing_team_known(struct store *st, const struct brieflist *bl,
    const char *team);

#endif
