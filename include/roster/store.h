/*
 * store.h — the store directory: where it is, its lock, and roster.ini.
 *
 * store_open() resolves the location (--store, $ROSTER_DIR, else
 * ${XDG_DATA_HOME:-$HOME/.local/share}/roster), takes the lock on
 * STORE/.lock (shared for STORE_READ, exclusive for STORE_WRITE, waiting up
 * to $ROSTER_LOCK_TIMEOUT seconds; a bad value is RX_INVALID before
 * anything is created), and reads roster.ini.  A writer creates
 * the store on first use; a reader of a missing store gets RX_NOTFOUND.
 * A writer's store carries a transaction (txn.h) that its changes are
 * staged into.  Before anything else, a command under the exclusive lock
 * finishes or discards a change a crash interrupted (txn_recover()); a
 * reader that finds one committed in .lock's record (txn_pending()) trades
 * its shared lock for the exclusive one (same timeout) to finish it, then
 * goes back to shared; if it cannot (no write access), it fails with
 * RX_STORE naming .lock rather than read a change half made.
 * The lock is held until store_close().  Every path below the store is
 * opened relative to st->dfd, never following a symbolic link.
 */
#ifndef ROSTER_STORE_H
#define ROSTER_STORE_H

#include <stddef.h>
#include <sys/stat.h>
#include "roster/util.h"

#define STORE_VERSION 1

/* STORE_WRITE and STORE_CREATE take the lock exclusively; only
 * STORE_CREATE makes the directory when it is missing. */
enum { STORE_READ = 0, STORE_WRITE = 1, STORE_CREATE = 2 };

struct role {
	char *name;
	struct strv perms;
};

struct pipeline {
	char *name;
	struct strv closed;	/* its closed stages */
};

/* A default of working hours ([hours] in roster.ini): the store's
 * ("default = [ZONE] SPEC...") or a team's ("team NAME = [ZONE] SPEC...").
 * A user without working hours of their own takes the default of the
 * first of their teams that has one, else the store's, else none; the
 * zone is the user's own, else the default's, else [store] timezone. */
struct hoursdef {
	char *team;		/* NULL: the store's default */
	char *zone;		/* NULL: none given */
	struct hours *hours;
};

struct store {
	char *path;		/* the store directory as resolved */
	int dfd;		/* open on path */
	struct stat sb;		/* dfd's, once store_dirstat() took it:
				 * each fstat is a round trip on a
				 * network file system */
	int have_sb;
	int lockfd;
	int fds_owned;		/* dfd and lockfd are store_open()'s to close */
	int mode;		/* STORE_READ, STORE_WRITE or STORE_CREATE */
	char *tz;		/* [store] timezone, default "UTC" */
	struct role *roles;
	size_t nroles;
	struct pipeline *pipes;
	size_t npipes;
	/* [welcome]: from, subject, login_url, template (NULL: unset; the
	 * rules are storecfg.h's, the use welcome.h's) */
	char *wel_from, *wel_subject, *wel_url, *wel_template;
	struct txn *txn;	/* a writer's change in progress (txn.h) */
	struct hoursdef *hdefs;
	size_t nhdefs;
};

/* A store that holds nothing: what store_close() may be called on before
 * store_open() (so may a zeroed struct store: only descriptors that
 * store_open() set are closed, never a zero that was not one). */
#define STORE_INIT	{ .dfd = -1, .lockfd = -1 }

/* Check the argument of -d/--store as the option is parsed: 0, or
 * RX_USAGE when it is empty. */
int store_optarg(const char *arg);

/* The longest roster.ini line, without its line ending: inih's buffer
 * (INI_MAX_LINE 200, as Debian builds it) splits a longer one, and the
 * tail of a comment would become a setting. */
#define STORE_INI_LINE 199

/* roster.ini's text as inih is given it: each line without its leading
 * blanks (an indented key is a key, never a continuation of the one
 * above, whatever inih's INI_ALLOW_MULTILINE), line numbers kept.
 * malloc'd, or NULL and RX_STORE recorded for a NUL byte or a line longer
 * than STORE_INI_LINE ("roster.ini:LINE: line too long"). */
char *store_ini_text(const char *text, size_t len);

/* Open, lock and read the store; 0 or an exit code. */
int store_open(struct store *st, const char *opt, int mode);

/* As store_open(), for the editor of roster.ini that repairs it: a
 * roster.ini that does not read is not fatal; *ini_rc gets its code (0
 * when it reads) and the message stays recorded. */
int store_open_raw(struct store *st, const char *opt, int mode, int *ini_rc);

/* The roster.ini a new store gets. */
const char *store_ini_default(void);

/* The stat of the store directory, taken the first time it is asked for
 * (a command that makes no file and uses no cache never needs it), or
 * NULL with errno set. */
const struct stat *store_dirstat(struct store *st);

/* Parse the text of roster.ini (len bytes, NUL-terminated) into st's
 * zone, roles and pipelines; the store is read by store_open().  0 or
 * RX_STORE with "roster.ini:LINE: reason". */
int store_ini_parse(struct store *st, const char *text, size_t len);

/* Release the lock and free everything. Safe on a zeroed or closed store. */
void store_close(struct store *st);

/* The role called name (case-sensitive), or NULL. */
const struct role *store_role(const struct store *st, const char *name);

/* The pipeline called name, or NULL. */
const struct pipeline *store_pipeline(const struct store *st, const char *name);

/* Known permission names, NULL-terminated. 1 if p is one of them.
 * (Seed 002, permission sets; roster(5), users/EMAIL.yaml.) */
extern const char *const store_permissions[];
int store_permission_valid(const char *p);

/* The default hours that apply to a user in teams (NULL: the store's
 * own only), or NULL when none does. */
const struct hoursdef *store_hours_default(const struct store *st,
    const struct strv *teams);

/* Parse a default's value "[ZONE] SPEC..." into *zone (malloc'd, NULL if
 * none) and h.  0, or RX_INVALID naming the bad word. */
int hoursdef_parse(const char *value, char **zone, struct hours *h);

/* Paid seats: 1 if seat is one of sales-starter, sales-professional,
 * service-professional.  (Seed 002, removing users; user-rm(1).) */
int seat_is_paid(const char *seat);

/* 1 if seat is a well-formed seat name: "none", or lower-case letters,
 * digits and inner hyphens.  (user-mod(1) --seat.) */
int seat_valid(const char *seat);

#endif
