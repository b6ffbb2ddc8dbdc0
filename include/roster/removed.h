/*
 * removed.h — removed/: one archive per removal, never overwritten.
 *
 * A removal is kept as removed/DIR/STAMP.yaml: DIR is the user's file name
 * without ".yaml" (the same %XX encoding as users/, so DIR is never longer
 * than the users/ name and a user that could be added can be removed), and
 * STAMP is the removed_at instant in UTC, YYYYMMDDTHHMMSSZ, so that ls
 * lists one address's removals oldest first.  A second removal of the same
 * address within one second gets STAMP_2.yaml, then _3, and so on; an
 * existing name is never written over.  The file is the user's YAML record
 * with removed_at.
 *
 * The single file removed/EMAIL.yaml of stores written before this layout
 * is an archive too, older than every archive under removed/EMAIL/ (nothing
 * writes that name any more).
 *
 * An address with an active file in users/ is not a removed user, whatever
 * archives it has: after a re-add or a restore its archives are history.
 * Errors: 0, RX_NOTFOUND (no such archive or removed user, message
 * recorded) or RX_STORE (unreadable directory or file, naming it).
 */
#ifndef ROSTER_REMOVED_H
#define ROSTER_REMOVED_H

#include <stddef.h>
#include <time.h>

struct store;
struct user;
struct userlist;

/* One archive below the store. */
struct archive {
	char *email;		/* the address (decoded from the name) */
	char *rel;		/* removed/DIR/STAMP.yaml or removed/FNAME.yaml */
	time_t stamp;		/* from the name; -1 for removed/FNAME.yaml */
	long seq;		/* 1, or N of a STAMP_N.yaml name */
};

struct archlist {
	struct archive *a;
	size_t n;
};

void archlist_free(struct archlist *al);

/* The directory name of address email below removed/, malloc'd: its
 * users/ file name without ".yaml". */
char *removed_dirname(const char *email);

/* Parse an archive's file name "YYYYMMDDTHHMMSSZ[_N].yaml": 0 with the
 * instant and N (1 without _N), or -1 if name is not one. */
int removed_stamp_parse(const char *name, time_t *stamp, long *seq);

/* The name of a new archive for email removed at t, relative to the
 * store, malloc'd in *rel; removed/ and removed/DIR are made if missing.
 * The first of STAMP.yaml, STAMP_2.yaml, ... that does not exist. */
int removed_new(struct store *st, const char *email, time_t t, char **rel);

/* The archives of one address, oldest first (none: al->n == 0). */
int removed_of(struct store *st, const char *email, struct archlist *al);

/* Load archive a into u; its email must be the one of its name (an
 * archive without email: takes it from the name). */
int removed_load(struct store *st, const struct archive *a, struct user *u);

/* Load the latest archive of email into u; RX_NOTFOUND ("no such removed
 * user: EMAIL") if there is none.  *rel (may be NULL) gets its name. */
int removed_latest(struct store *st, const char *email, struct user *u,
    char **rel);

/* Whether archive u (named rel in messages) can be restored as it is:
 * its role still defined in roster.ini (RX_NOTFOUND "REL: role 'R' is
 * not defined..."), its zone known (RX_INVALID "REL: unknown time zone
 * 'Z'"), text the emitter can write (RX_INVALID).  0, or that code with
 * the message recorded.  (user-add(1) --restore.) */
int removed_restorable(const struct store *st, const struct user *u,
    const char *rel);

/* Turn u, loaded from an archive, into the active record user-add
 * --restore writes: names, role, permissions, super admin, teams, seat,
 * capacity, zone, hours, absences and unknown keys come back; removed_at
 * and a manual override (stale by now) go; point-of-contact roles go too
 * (an add never grants one, and the primary contact may be someone else
 * now); created becomes now and welcome "queued" or "skipped". */
void removed_revive(struct user *u, time_t now, int welcome);

/* What status --removed lists: every removal (one record per archive) of
 * the addresses that are not active now, by address, oldest first.  With
 * email, that address only: RX_NOTFOUND when it has no archive or is an
 * active user.  A file that does not load is reported through bad() (may
 * be NULL), as user_list() does, and the listing goes on. */
int removed_list(struct store *st, const char *email, struct userlist *ul,
    void (*bad)(int code, void *arg), void *arg);

#endif
