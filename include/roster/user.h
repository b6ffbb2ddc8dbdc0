/*
 * user.h — the user record: users/EMAIL.yaml (and its archives in removed/,
 * named by removed.h).
 *
 * Loaded with libyaml's parser into struct user, which keeps the text it
 * was read from.  A save edits that text in place, byte for byte: only the
 * values of known keys that changed are replaced (each emitted alone by
 * libyaml's emitter, in the style the file used), new keys go after the
 * known key before them, keys that lost their value are removed with their
 * lines.  Comments, blank lines, key order, quoting, anchors, unknown keys,
 * CR LF line ends and a byte-order mark stay as they were.  The new text is
 * parsed again before anything is written.  A malformed file, or one past
 * the limits (1 MiB, 64 levels of nesting, 64 aliases, one document, an
 * email: key), is RX_STORE with "FILE:LINE: reason".
 *
 * Known keys, in the order they are written: email first_name last_name
 * role permissions super_admin teams seat capacity contact_roles timezone
 * working_hours out_of_office status_override welcome created removed_at.
 */
#ifndef ROSTER_USER_H
#define ROSTER_USER_H

#include <stddef.h>
#include <time.h>
#include "roster/util.h"

struct store;

enum { WD_MON, WD_TUE, WD_WED, WD_THU, WD_FRI, WD_SAT, WD_SUN };
extern const char *const weekday_names[7];	/* "mon" ... "sun" */

/* One working-hours range, minutes from midnight.  end is 1..1440;
 * end <= start means the range runs overnight into the next day. */
struct range {
	int start, end;
};

/* The weekly working hours: ranges per weekday, as written. */
struct hours {
	struct range *r[7];
	size_t n[7];
};

/* An out-of-office period: start <= t < end. */
struct period {
	time_t start, end;
	char *source;		/* calendar name, or NULL when added by hand */
	char *uid;		/* event UID + occurrence, or NULL */
	long line;		/* its line in the file, 0 for one added since */
};

struct user {
	char *email;		/* lower-cased */
	char *first_name, *last_name, *role;
	struct strv perms;
	int has_perms;		/* permissions: present (a custom set) */
	int super_admin;
	struct strv teams;
	char *seat;		/* NULL: none */
	long capacity;		/* -1: no limit */
	struct strv contacts;	/* primary, billing, technical */
	char *timezone;		/* NULL: the store default */
	struct hours hours;
	struct period *ooo;
	size_t nooo;
	int has_override;
	int override_away;	/* 1 away, 0 available */
	time_t override_until;
	char *welcome;		/* "queued", "skipped" or NULL */
	time_t created;		/* -1: absent */
	time_t removed_at;	/* -1: absent (active user) */
	char *src;		/* the text it was loaded from (NUL-ended), or
				 * NULL for a new record; user_free() frees it */
	size_t srclen;
};

/* The known keys above, NULL-terminated. */
extern const char *const *const user_known_keys;

/* Where a user file lives. */
enum { USER_ACTIVE, USER_REMOVED };

/* A fresh record for address email (normalised), everything absent. */
void user_init(struct user *u, const char *email);
void user_free(struct user *u);

/* Parse a YAML document; shown names the file in messages. */
int user_parse(const char *buf, size_t len, const char *shown, struct user *u);

/* Load users/ file of email (USER_REMOVED: its latest archive).
 * RX_NOTFOUND if there is none (message recorded: "no such user: EMAIL"). */
int user_load(struct store *st, const char *email, int where, struct user *u);

/* Load a user file by its file name within dirfd; shown names it. */
int user_load_at(int dirfd, const char *name, const char *shown,
    struct user *u);

/* Add to keys the top-level keys of u's file that roster does not know
 * (kept as they are on every rewrite), in file order.  0. */
int user_other_keys(const struct user *u, struct strv *keys);

/* The values given more than once in the list of top-level key
 * (contact_roles, permissions, teams) of u's file, which the loader reads
 * once each: every value that repeats, once, added to vals, and the line
 * of its second occurrence in (*lines)[i] (malloc'd, vals->n entries
 * after the call; the lines of values vals held before are kept). 0. */
int user_list_repeats(const struct user *u, const char *key,
    struct strv *vals, long **lines);

/* Load a user file's text as user_load_at() loads a file (for a text not
 * yet installed); shown names it in messages. */
int user_load_text(const char *buf, size_t len, const char *shown,
    struct user *u);

/* Serialise u (periods written with the offset of zone, the user's
 * effective zone).  Returns a malloc'd NUL-terminated buffer. */
int user_emit(const struct user *u, const char *zone, char **out, size_t *len);

/* 0 if every text of u is valid UTF-8 the emitter can write; else
 * RX_INVALID naming the field.  user_emit() checks it too; batch writers
 * call it first so that nothing is written when one user is bad. */
int user_check_text(const struct user *u);

/* 1 if s is text the emitter can write (the test user_check_text() makes
 * of each field): for a caller that can name where bad text came from. */
int user_text_ok(const char *s);

/* The text of u for its file (zone as for user_emit()): a record loaded
 * from a file (u->src) is that text with only the changed values edited
 * in place; a new one is user_emit().  The text is parsed again and must
 * read back as u, else RX_STORE naming shown and nothing is returned;
 * RX_STORE too when the file's shape allows no edit in place (an alias or
 * anchor as the value to change, a known key twice).  *out is malloc'd. */
int user_render(const struct user *u, const char *zone, const char *shown,
    char **out, size_t *len);

/* Stage u as its file in users/ in st's transaction (USER_REMOVED: as a
 * new archive named from u->removed_at, never over an existing one). */
int user_save(struct store *st, const struct user *u, int where);

/* 1 if email has a file in users/ (USER_REMOVED: at least one archive,
 * whether or not the address is active again).  A writer's answer about
 * users/ is its transaction's (txn_exists): the state before its change,
 * looked at once until its commit. */
int user_exists(struct store *st, const char *email, int where);

/* The zone that applies to u: its own, else the store default. */
const char *user_zone(const struct store *st, const struct user *u);

/* All users of a directory, sorted by address (USER_REMOVED: every
 * removal of the addresses not active now, see removed_list()).  Files that
 * fail to load are reported through bad() (may be NULL), which gets the
 * error code; the listing goes on. */
struct userlist {
	struct user *u;
	size_t n, cap;
};
int user_list(struct store *st, int where, struct userlist *ul,
    void (*bad)(int code, void *arg), void *arg);
void userlist_free(struct userlist *ul);

/* Load names[0..n) of dirfd (dir names it in messages) into users[i]; codes[i]
 * is 0 or the error, msgs[i] its malloc'd message (NULL when loaded).  Uses
 * both cores for a large n. */
void user_load_many(int dirfd, const char *dir, char **names, size_t n,
    struct user *users, int *codes, char **msgs);

/* Parse "HH:MM-HH:MM" into r. 0 or -1. */
int range_parse(const char *s, struct range *r);
/* Format r as "HH:MM-HH:MM" into buf (12 bytes). */
char *range_format(const struct range *r, char *buf);

void hours_free(struct hours *h);
int hours_empty(const struct hours *h);

#endif
