/*
 * userset.h — the users a command acts on: the addresses it was given,
 * loaded one by one as a batch.
 *
 * users_load() loads each address of a list (active users) into a
 * userlist, in the order given.  An address that does not load (no such
 * user, a file that does not read) is a failure of the batch: its message
 * is printed when it happens and the code of the first one is kept in
 * *first (batch_fail(), err.h); the others are loaded all the same, so
 * that one run reports every bad address.  users_of_team() adds a team's
 * members the same way: a user file that does not read is reported and
 * counted, the others are listed; a team nobody is in is an error.  The userlist and strv are the
 * caller's (userlist_free(), strv_free()).  Source: EXIT STATUS in
 * hours-set(1) and ooo-rm(1); roster(5) "A file or row that cannot be
 * read".
 */
#ifndef ROSTER_USERSET_H
#define ROSTER_USERSET_H

#include <stddef.h>
#include <time.h>

struct store;
struct strv;
struct user;
struct userlist;

/* Load emails[0..n) into ul (zeroed first); *first as above. */
void users_load(struct store *st, char *const *emails, size_t n,
    struct userlist *ul, int *first);

/* Add to emails, in address order, the active members of team it does
 * not hold yet; *unread as *first above, for a file that does not read
 * (its teams are unknown).  When emails is still empty and every file
 * read, the team is unknown: RX_NOTFOUND, "no team NAME" with the
 * closest name when one is near (team_unknown(), rules.h).  0, or that
 * code, or the code of a store whose users/ cannot be listed (recorded,
 * not printed). */
int users_of_team(struct store *st, const char *team, struct strv *emails,
    int *unread);

/* Stage us[0..n) as active users (only those with changed[i] set;
 * changed NULL: all) and commit at now: all of them or none.  0, or the
 * first failure's code (recorded, not printed). */
int users_save(struct store *st, struct user *us, size_t n,
    const int *changed, time_t now);

#endif
