/*
 * uindex.h — the users index: STORE/.cache/users.idx.
 *
 * Listing and routing need a few fields of every user file; parsing
 * 10,000 YAML files for them costs a second.  The index keeps, per file of
 * users/, its identity (inode, size, modification and change times) and
 * those fields: address, teams, capacity, zone, working hours,
 * out-of-office periods (start and end), the override, and the profile
 * user-list shows (names, role, seat, super admin, contact roles,
 * created).  A file that
 * failed to load is kept with its error, so that it is reported the same.
 *
 * The YAML files stay the only source of truth.  user_scan() trusts an
 * entry only while the file's identity is unchanged (and, on a shared file
 * system, only while users' generation is the one the index was built
 * from: else no entry is taken over, see lib/cache.h), re-reads the files
 * that changed, and rewrites the index (best effort: a read-only store is
 * simply not cached).  It runs under the store lock the caller holds, so no
 * roster writer changes users/ meanwhile.  A listing of every user checks
 * every file; a team listing checks the users/ directory (files added,
 * removed or replaced, as roster and most editors do) and the team's own
 * members — an edit in place that puts a user into a team is seen by the
 * next listing of everyone.  Deleting .cache/ is always safe.  The index
 * is untrusted input: every line is sealed with cache_hash() of its text
 * and offset, and a reader checks the seal of every line it uses (a
 * listing of everyone: all of them) and the fields it parses; on any doubt
 * it reads users/ itself and writes the index again.
 */
#ifndef ROSTER_UINDEX_H
#define ROSTER_UINDEX_H

#include <stddef.h>

#include "roster/user.h"

struct store;

/* A user as the index holds it: only the indexed fields are set.  It is
 * a type of its own so that it cannot be given to user_save(), which would
 * write the fields it lacks away: read it through its member u. */
struct user_brief {
	struct user u;
};

/* Briefs, owned: brieflist_free() frees them.  A zeroed one is empty. */
struct brieflist {
	struct user_brief *b;
	size_t n, cap;
};
void brieflist_free(struct brieflist *bl);

/* Move every user of ul to the end of bl (a listing that mixes users
 * loaded in full with briefs shows them all as briefs); ul is left empty.
 * There is no way back: a brief never becomes a user again. */
void brieflist_add_users(struct brieflist *bl, struct userlist *ul);

/* The active users (of team, or all when team is NULL), sorted by address,
 * as user_list() gives them but with only the indexed fields set, as
 * briefs.  Files that fail to load are reported through bad() as by
 * user_list(); without bad() the first one's code is returned. */
int user_scan(struct store *st, const char *team, struct brieflist *bl,
    void (*bad)(int code, void *arg), void *arg);

/* Round robin over everyone without reading every entry: pick() is
 * called on the active users in address order, starting with the first
 * that sorts after after (wrapping around; from the first when NULL),
 * until it returns 1.  Only the users visited have their files checked:
 * the others do not change the choice.  Files that fail to load are
 * skipped and reported through bad(), once, as by user_scan(); without
 * bad() the walk stops at the first one and returns its code.  0, or an
 * error as user_scan()'s (then pick() may have been called on users of a
 * listing that failed).  pick() and bad() both get arg. */
int user_walk(struct store *st, const char *after,
    int (*pick)(const struct user *u, void *arg),
    void (*bad)(int code, void *arg), void *arg);

/* Build the index anew from every file, whatever it holds now. */
int uindex_rebuild(struct store *st);

#endif
