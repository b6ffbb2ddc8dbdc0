/*
 * userset.h — the users a command acts on: the addresses it was given,
 * loaded one by one as a batch.
 *
 * users_load() loads each address of a list (active users) into a
 * userlist, in the order given.  An address that does not load (no such
 * user, a file that does not read) is a failure of the batch: its message
 * is printed when it happens and the code of the first one is kept in
 * *first (batch_fail(), err.h); the others are loaded all the same, so
 * that one run reports every bad address.  The userlist is the caller's
 * (userlist_free()).  Source: roster(1), EXIT STATUS.
 */
#ifndef ROSTER_USERSET_H
#define ROSTER_USERSET_H

#include <stddef.h>

struct store;
struct userlist;

/* Load emails[0..n) into ul (zeroed first); *first as above. */
void users_load(struct store *st, char *const *emails, size_t n,
    struct userlist *ul, int *first);

#endif
