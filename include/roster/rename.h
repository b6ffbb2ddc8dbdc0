/*
 * rename.h — a user's address changed everywhere it is used, as one change.
 *
 * user_rename() stages, in st's transaction (the caller holds the
 * exclusive lock and commits): the user file under the new address (its
 * email: key, every other key as it was, contact roles included) and the
 * removal of the old one; every record of records.csv owned by the old
 * address; every pool of rotation.csv whose last user was the old address
 * (its updated time kept); a queued welcome message, queued again for the
 * new address; and an audit.csv row (rename OLD, "to NEW").  Removal
 * archives in removed/ keep the address they were removed under.
 * Errors: RX_INVALID (a bad new address, or one too long to store),
 * RX_NOTFOUND (no active user old), RX_RULE (new is an active user
 * already, or the same address), RX_STORE.
 */
#ifndef ROSTER_RENAME_H
#define ROSTER_RENAME_H

#include <stddef.h>
#include <time.h>

struct store;

/* What a rename moved, for the caller to report. */
struct renamed {
	char *from, *to;	/* normalised, malloc'd */
	size_t records, pools;
	int welcome;		/* a queued message moved */
};

int user_rename(struct store *st, const char *old, const char *new,
    time_t now, struct renamed *r);
void renamed_free(struct renamed *r);

#endif
